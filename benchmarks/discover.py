"""Time `cogs discover`: the batched engine versus the same method one restart at a time.

    .venv/bin/python benchmarks/discover.py            # Z5 q=8, Z3xZ3 q=12, Z8 q=12, S3 q=10, D4 q=12; seeds 0-2
    .venv/bin/python benchmarks/discover.py --cases S3:10,D4:12 --seeds 0
    .venv/bin/python benchmarks/discover.py --quick    # smoke run: Z3 q=3 and Z5 q=8, seed 0
    .venv/bin/python benchmarks/discover.py --seeds 0-4 --restarts 64 --threads 2

For each case and seed, in one process, side by side:

* **batched** — ``cogs.discovery.discover``: all R restarts in one float64 tensor program;
* **loop** — the identical algorithm with every tensor holding one restart (R = 1), in a
  Python loop: the same starting points (``initial_thetas`` with the same generator), the
  same rounds (Adam on every unpolished restart for ``adam_epochs`` steps, one restart after
  the other; then LM on the ``lm_top`` lowest, one after the other, in the same order) and
  the same stop (the first restart with ℓ ≤ tol). Adam is elementwise and LM is per restart,
  so both follow the same trajectories up to floating-point summation order.

Printed: seconds to reach ℓ ≤ 1e-24 for each, their ratio, and the work done (Adam and LM
steps per restart). Targets on 2 CPU cores: Z5 q=8 < 60 s, Z8 q=12 < 5 min, S3 q=10 < 60 s
(exact on a non-Abelian group: docs/solutions.md#polarize-any-finite-group), batched ≥ 5× the loop. Not a test; wall-clock numbers on a shared machine move by tens of per cent.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cogs.discovery import EngineConfig, discover  # noqa: E402
from cogs.discovery.adam import AdamState, adam_epochs  # noqa: E402
from cogs.discovery.init import initial_thetas  # noqa: E402
from cogs.discovery.lm import LMState, lm_step  # noqa: E402
from groups import parse_group  # noqa: E402

CASES = (("Z5", 8), ("Z3xZ3", 12), ("Z8", 12), ("S3", 10), ("D4", 12))
QUICK = (("Z3", 3), ("Z5", 8))


def loop_discover(group, q: int, restarts: int, seed: int, tol: float = 1e-24, config: EngineConfig | None = None) -> dict:
    """The engine's algorithm with one restart per tensor, restarts in a Python loop."""
    config = config or EngineConfig()
    G = parse_group(group)
    t0 = time.monotonic()
    gen = torch.Generator().manual_seed(seed)
    theta0 = initial_thetas(G, q, restarts, gen, init_scale=config.init_scale)
    states = {i: AdamState.start(theta0[i : i + 1], q, G) for i in range(restarts)}
    best, adam_steps, lm_steps, rounds = float("inf"), 0, 0, 0
    while states:
        rounds += 1
        for st in states.values():
            adam_epochs(st, q, G, config.adam_epochs, lr=config.adam_lr)
        adam_steps += config.adam_epochs
        order = sorted(states, key=lambda i: (float(states[i].loss[0]), i))  # the engine's stable argsort
        for i in order[: config.lm_top]:
            lm = LMState.start(states.pop(i).theta, q, G, mu0=config.mu0)
            for _ in range(config.lm_iters):
                if float(lm.loss[0]) <= tol:
                    break
                lm.theta, lm.loss, lm.mu, lm.nu, _ = lm_step(lm.theta, lm.loss, lm.mu, lm.nu, q, G, normal=config.normal)
                lm_steps += 1
            best = min(best, float(lm.loss[0]))
            if best <= tol:
                lm.mu = lm.mu.new_full((1,), 1e-12)
                for _ in range(config.polish_steps):  # the engine's final polish
                    lm.theta, lm.loss, lm.mu, lm.nu, _ = lm_step(lm.theta, lm.loss, lm.mu, lm.nu, q, G, normal=config.normal)
                    lm_steps += 1
                best = float(lm.loss[0])
                return {"seconds": time.monotonic() - t0, "loss": best, "converged": True, "rounds": rounds, "adam_steps": adam_steps, "lm_steps": lm_steps}
    return {"seconds": time.monotonic() - t0, "loss": best, "converged": False, "rounds": rounds, "adam_steps": adam_steps, "lm_steps": lm_steps}


def _seeds(text: str) -> list[int]:
    a, _, b = text.partition("-")
    return list(range(int(a), int(b or a) + 1))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smoke run: Z3 q=3 and Z5 q=8, seed 0")
    ap.add_argument("--seeds", default=None, help="seed range, e.g. 0-2 (default 0-2; 0 with --quick)")
    ap.add_argument("--restarts", type=int, default=64)
    ap.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's choice)")
    ap.add_argument("--cases", default=None, help="GROUP:Q,… instead of the default cases, e.g. S3:10,D4:12")
    args = ap.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    cases = QUICK if args.quick else CASES
    if args.cases:
        cases = tuple((g, int(q)) for g, q in (c.split(":") for c in args.cases.split(",")))
    seeds = _seeds(args.seeds or ("0" if args.quick else "0-2"))
    print(f"cogs discover benchmark: {args.restarts} restarts, torch {torch.__version__}, {torch.get_num_threads()} threads, float64")
    print(f"{'case':<12} {'seed':>4}  {'batched s':>9} {'loss':>9}  {'loop s':>8} {'loss':>9}  {'ratio':>6}  work (rounds, Adam steps, LM steps of the batch)")
    ratios = []
    for group, q in cases:
        for seed in seeds:
            r = discover(group, q, restarts=args.restarts, seed=seed)
            lp = loop_discover(group, q, args.restarts, seed)
            ratio = lp["seconds"] / r.seconds
            ratios.append(ratio)
            ok = lambda c: "" if c else " (not converged)"  # noqa: E731
            print(
                f"{group + ' q=' + str(q):<12} {seed:>4}  {r.seconds:>9.2f} {r.loss:>9.1e}  {lp['seconds']:>8.2f} {lp['loss']:>9.1e}  {ratio:>5.1f}×  "
                f"{r.rounds}, {r.adam_steps}, {r.lm_steps}{ok(r.converged)}{ok(lp['converged'])}",
                flush=True,
            )
    if ratios:
        ratios.sort()
        print(f"ratio loop/batched: min {ratios[0]:.1f}×, median {ratios[len(ratios) // 2]:.1f}×, max {ratios[-1]:.1f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
