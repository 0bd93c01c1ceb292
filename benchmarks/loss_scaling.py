"""Time the exact all-pairs loss: weight-space ``fast_loss`` versus chunked brute force.

    .venv/bin/python benchmarks/loss_scaling.py                # d = 127, 509, 1021; q = 2d
    .venv/bin/python benchmarks/loss_scaling.py --d 127 509    # a subset
    .venv/bin/python benchmarks/loss_scaling.py --no-cli       # skip the `cogs loss` timing

float64, random weights (torch Linear's U(±1/√fan_in)), cyclic groups Z_d, one timed run
each. Brute force over all d² pairs is O(d³q); above --full-max-d it is timed on a fixed
fraction of the pairs with the same chunked code and extrapolated linearly (the output says
so). Finally ``cogs loss`` is timed end to end (a fresh process: imports, load, fast loss,
constraint report) on a saved d = 1021, q = 2042 network. Targets: ≥ 20× at d = 509;
``cogs loss`` < 20 s at d = 1021.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from models.exact_loss import brute_force_loss, fast_loss
from groups import parse_group
from models.io import save_weights
from models.forward import all_pairs


def _weights(d: int, q: int, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    u = lambda shape, fan: (torch.rand(shape, dtype=torch.float64, generator=g) * 2 - 1) / fan**0.5  # noqa: E731
    return u((q, d), d), u((q, d), d), u((d, q), q)


def _time(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def bench(d: int, q: int, full_max_d: int, fraction: float) -> dict:
    G = parse_group(f"Z{d}")
    W = _weights(d, q)
    with torch.no_grad():
        fast_loss(parse_group("Z7"), *_weights(7, 3))  # warm-up (first-call overheads)
        t_fast, lf = _time(lambda: float(fast_loss(G, *W)))
        if d <= full_max_d:
            t_bf, lb = _time(lambda: float(brute_force_loss(G, *W)))
            return {"d": d, "q": q, "fast_s": t_fast, "brute_s": t_bf, "extrapolated": False,
                    "loss": lf, "rel_diff": abs(lf - lb) / abs(lb)}
        pairs = all_pairs(d)
        n = max(1, int(round(fraction * len(pairs))))
        t_part, _ = _time(lambda: float(brute_force_loss(G, *W, pairs=pairs[:n])))
        return {"d": d, "q": q, "fast_s": t_fast, "brute_s": t_part * len(pairs) / n, "extrapolated": True,
                "measured_s": t_part, "pairs_timed": n, "pairs_total": len(pairs), "loss": lf, "rel_diff": None}


def time_cli(d: int, q: int) -> tuple[float, float, str]:
    """Seconds for `cogs loss` (text) and `cogs loss --json`, each a fresh process."""
    script = Path(sys.executable).with_name("cogs")
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "cogs.cli.main"]
    with tempfile.TemporaryDirectory() as tmp:
        path = save_weights(Path(tmp) / f"z{d}_q{q}.npz", f"Z{d}", *_weights(d, q, seed=1))
        times = []
        last = ""
        for extra in ([], ["--json"]):
            t = time.perf_counter()
            p = subprocess.run(cmd + ["loss", "--group", f"Z{d}", "--weights", str(path)] + extra,
                               capture_output=True, text=True)
            times.append(time.perf_counter() - t)
            if p.returncode != 0:
                raise SystemExit(f"cogs loss failed: {p.stderr.strip()}")
            last = p.stdout
        loss_line = next((line for line in last.splitlines() if '"loss"' in line), "").strip()
    return times[0], times[1], loss_line


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--d", type=int, nargs="+", default=[127, 509, 1021])
    ap.add_argument("--full-max-d", type=int, default=600, help="largest d timed over all d² pairs (default 600)")
    ap.add_argument("--fraction", type=float, default=1 / 32, help="share of pairs timed above --full-max-d")
    ap.add_argument("--no-cli", action="store_true", help="skip the end-to-end `cogs loss` timing")
    ap.add_argument("--cli-d", type=int, default=1021)
    args = ap.parse_args(argv)

    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {os.cpu_count()} CPUs, float64, q = 2d")
    print(f"{'d':>6} {'q':>6} {'fast_loss s':>12} {'brute s':>10} {'ratio':>8}  note")
    for d in args.d:
        r = bench(d, 2 * d, args.full_max_d, args.fraction)
        if r["extrapolated"]:
            note = (f"brute force EXTRAPOLATED linearly from {r['pairs_timed']}/{r['pairs_total']} pairs "
                    f"({r['measured_s']:.2f} s measured)")
        else:
            note = f"all pairs; |fast − brute|/brute = {r['rel_diff']:.1e}"
        print(f"{d:>6} {2 * d:>6} {r['fast_s']:>12.3f} {r['brute_s']:>10.2f} {r['brute_s'] / r['fast_s']:>8.1f}  {note}",
              flush=True)
    if not args.no_cli:
        d = args.cli_d
        t_text, t_json, loss_line = time_cli(d, 2 * d)
        print(f"cogs loss end to end, d = {d}, q = {2 * d} (fresh process; accuracy skipped as d > 512): "
              f"{t_text:.2f} s text, {t_json:.2f} s --json  [{loss_line}]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
