"""The cost of the Ray backend: the fig4 preset (Z23, q = 512, 5 weight decays × 5 seeds = 25
runs) at reduced epochs, end to end (training, analysis, report), once with the local backend
(one batch in this process) and once with ``--backend ray`` (Ray started on this machine, the
grid as one shard in a Ray worker, Ray shut down at the end), side by side; alternating when
``--repeat`` > 1. Prints both wall times, their ratio, the share of Ray's start and stop, the
CPU time of all processes involved (Ray's included: a measure that other load on the machine
disturbs less than wall time), and whether the two outputs are bit for bit the same.

    python benchmarks/ray_overhead.py [--epochs 2000] [--seeds 1-5] [--repeat 1] [--shard-runs N] [--out DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

import numpy as np


def _cpu() -> float:
    """CPU seconds of this process and of every live process below it (Ray's GCS, raylet,
    workers), read from /proc; this process alone where /proc is missing."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    own = me.ru_utime + me.ru_stime
    try:
        stats = {}
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    with open(f"/proc/{d}/stat") as f:
                        fields = f.read().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                stats[int(d)] = (int(fields[1]), int(fields[11]) + int(fields[12]))  # ppid, utime + stime
    except OSError:
        return own
    tick = os.sysconf("SC_CLK_TCK")
    children: dict = {}
    for pid, (ppid, _) in stats.items():
        children.setdefault(ppid, []).append(pid)
    total, todo = 0, list(children.get(os.getpid(), []))
    while todo:
        pid = todo.pop()
        total += stats[pid][1]
        todo += children.get(pid, [])
    return own + total / tick


def run_local(out: Path, epochs: int, seeds) -> tuple[float, float]:
    """(wall seconds, CPU seconds)."""
    from cogs.jobs.sweep import sweep

    t, c = time.perf_counter(), _cpu()
    sweep("fig4", out, epochs=epochs, seeds=seeds, device="cpu")
    return time.perf_counter() - t, _cpu() - c


def run_ray(out: Path, epochs: int, seeds, shard_runs) -> tuple[float, float, float]:
    """(wall seconds, seconds of Ray's start and stop, CPU seconds of every process involved)."""
    from cogs.distributed import make_executor
    from cogs.jobs.sweep import sweep

    c0 = _cpu()
    t0 = time.perf_counter()
    ex = make_executor("ray", out / "shards", runs_per_shard=shard_runs, log=None)
    t1 = time.perf_counter()
    sweep("fig4", out, epochs=epochs, seeds=seeds, device="cpu", runner=ex)  # every grid's shards submitted at once
    t2 = time.perf_counter()
    c2 = _cpu()  # before shutdown, while Ray's processes are alive to be counted
    ex.close()
    t3 = time.perf_counter()
    return t3 - t0, (t1 - t0) + (t3 - t2), c2 - c0


def identical(a: Path, b: Path) -> tuple[bool, int]:
    files = sorted(p.relative_to(a) for p in a.rglob("weights.npz"))
    same = bool(files) and sorted(p.relative_to(b) for p in b.rglob("weights.npz")) == files
    for f in files if same else ():
        with np.load(a / f) as x, np.load(b / f) as y:
            same &= all(np.array_equal(x[k], y[k]) for k in ("W_a", "W_b", "W_c"))
    return same, len(files)


def main(argv=None) -> int:
    import torch

    from models.training import parse_seeds

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=2000, help="epochs per run (default 2000; the preset's is 10000)")
    p.add_argument("--seeds", default="1-5")
    p.add_argument("--repeat", type=int, default=1, help="local/ray pairs, alternating (default 1)")
    p.add_argument("--shard-runs", type=int, default=None, help="runs per Ray shard (default: sized to memory: one shard)")
    p.add_argument("--out", default=None, help="keep the outputs here (default: a temporary folder)")
    args = p.parse_args(argv)
    seeds = parse_seeds(args.seeds)
    root = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="cogs-ray-overhead-"))
    print(f"fig4 at {args.epochs} epochs, seeds {args.seeds} ({5 * len(seeds)} runs of Z23, q = 512), cpu, "
          f"{torch.get_num_threads()} torch threads; outputs in {root}")
    local, ray, startstop, cpu_local, cpu_ray = [], [], [], [], []
    for i in range(args.repeat):
        w, c = run_local(root / f"local{i}", args.epochs, seeds)
        local.append(w)
        cpu_local.append(c)
        w, s, c = run_ray(root / f"ray{i}", args.epochs, seeds, args.shard_runs)
        ray.append(w)
        startstop.append(s)
        cpu_ray.append(c)
        print(f"  pair {i + 1}: local {local[-1]:.1f} s (CPU {cpu_local[-1]:.1f} s), ray {ray[-1]:.1f} s "
              f"(CPU {c:.1f} s; Ray start + stop {s:.1f} s)", flush=True)
    lo, ra, ss = float(np.median(local)), float(np.median(ray)), float(np.median(startstop))
    cl, cr = float(np.median(cpu_local)), float(np.median(cpu_ray))
    print(f"{'backend':<8} {'wall s':>8}  {'CPU s':>8}  {'Ray start + stop s':>18}   (medians of {args.repeat})")
    print(f"{'local':<8} {lo:>8.1f}  {cl:>8.1f}")
    print(f"{'ray':<8} {ra:>8.1f}  {cr:>8.1f}  {ss:>18.1f}")
    print(f"overhead of Ray: {100 * (ra - lo) / lo:+.1f} % of the local wall time (ray / local = {ra / lo:.3f}); "
          f"without Ray's start and stop: {100 * (ra - ss - lo) / lo:+.1f} %; CPU time {100 * (cr - cl) / cl:+.1f} %")
    same, n = identical(root / "local0", root / "ray0")
    print(f"results identical: {'yes' if same else 'NO'} ({n} weight files compared bit for bit)")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
