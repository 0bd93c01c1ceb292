"""Any finite group: training throughput of a non-Abelian group beside an Abelian one of the
same order, and the cost of the irreps.

1. Throughput: S4 and Z24 (d = 24), the same q, runs and epochs, trained by the same batched
   trainer, alternately (S4 then Z24, Z24 then S4, …) so that both see the same machine load; prints
   the median seconds per epoch of each and the ratio S4 / Z24 (target ≤ 1.10: the trainer
   reads only the Cayley table, so a non-Abelian group costs what an Abelian one does).
2. Irreps: the complex irreps and real irreducibles of every group of order ≤ 64 shipped
   (GAP's SmallGroups of orders 2 … 64, 585 groups, from scratch: no cache), the total and the
   slowest; then S5 (order 120) alone (target: well under a second).

    python benchmarks/any_group.py [--quick] [--q 512] [--runs 5] [--epochs 40] [--threads T]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import torch

from groups import SHIPPED_MAX_ORDER, TableGroup, number_of_small_groups, parse_group
from models.training import TrainConfig, train


def epoch_seconds(group: str, q: int, runs: int, epochs: int) -> float:
    """Median seconds per epoch of one batched job (epoch 0, with its metrics, excluded)."""
    stamps = {}

    def progress(done, total):
        stamps[done] = time.perf_counter()

    config = TrainConfig(group=group, q=q, epochs=epochs + 1, seeds=tuple(range(1, runs + 1)), eval_epochs=(0,),
                         device="cpu", dtype="float32")
    train(config, progress=progress)
    return statistics.median(stamps[e + 1] - stamps[e] for e in range(1, epochs + 1))


def irreps_seconds(spec: str) -> float:
    G = parse_group(spec)
    fresh = TableGroup(G.cayley_table(), spec, checked=True)  # an uncached copy
    t = time.perf_counter()
    fresh.irreps(), fresh.real_irreps()
    return time.perf_counter() - t


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    p.add_argument("--q", type=int, default=512)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--epochs", type=int, default=40)
    p.add_argument("--rounds", type=int, default=3, help="alternating rounds of S4 and Z24")
    p.add_argument("--threads", type=int, default=None)
    args = p.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    q, runs, epochs, rounds = (16, 2, 3, 1) if args.quick else (args.q, args.runs, args.epochs, args.rounds)
    print(f"1. training throughput, d = 24, q = {q}, {runs} runs, {epochs} epochs, {rounds} alternating rounds, "
          f"{torch.get_num_threads()} thread(s)", flush=True)
    times = {"S4": [], "Z24": []}
    for r in range(rounds):
        for g in (("S4", "Z24") if r % 2 == 0 else ("Z24", "S4")):  # alternate who goes first
            times[g].append(epoch_seconds(g, q, runs, epochs))
    med = {g: statistics.median(v) for g, v in times.items()}
    for g, v in med.items():
        print(f"   {g:<4} {v * 1e3:8.2f} ms/epoch  ({runs * 1.0 / v:7.1f} run-epochs/s)")
    ratio = med["S4"] / med["Z24"]
    print(f"   S4 / Z24 = {ratio:.3f}  (target ≤ 1.10)")

    top = 8 if args.quick else SHIPPED_MAX_ORDER
    specs = [f"SmallGroup({n},{i})" for n in range(2, top + 1) for i in range(1, number_of_small_groups(n) + 1)]
    print(f"2. irreps of every group of order ≤ {top} ({len(specs)} groups), from scratch", flush=True)
    t = time.perf_counter()
    each = [(irreps_seconds(s), s) for s in specs]
    total = time.perf_counter() - t
    worst = max(each)
    print(f"   total {total:.2f} s, slowest {worst[1]} {worst[0] * 1e3:.0f} ms")
    s5 = min(irreps_seconds("S5") for _ in range(3))
    print(f"   S5 (order 120): {s5 * 1e3:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
