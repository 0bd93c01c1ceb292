"""The full docs/paper.md grid on one device: d ∈ {23, 71, 127} × q ∈ {256, 512, 1024, 2048} ×
wd ∈ {1e-5, 5e-5, 1e-4, 2e-4, 5e-4} × seeds 1–5 (300 runs, Adam lr 0.01, 10,000 epochs,
reference seeding), batched per (d, q) group: 25 runs in one tensor program. Prints the time
of each group and the total, and the final mean test accuracy of each group.

    python benchmarks/gpu_grid.py [--epochs N] [--quick] [--device auto|cpu|cuda] [--out DIR]
                                  [--backend local|ray] [--shard-runs N] [--gpus-per-shard F]

--quick: a CPU-sized smoke test (d ∈ {5, 7}, q ∈ {8, 16}, 2 weight decays, seeds 1–2, 5 epochs).
--backend ray: every (d, q) group becomes one or more shards (``--shard-runs``), all submitted
to a Ray started on this machine at once and packed onto its device(s) (each GPU shard asks for
``--gpus-per-shard`` of a GPU, default from its memory, at least 0.25); prints each shard's time
and the wall time of the whole grid, Ray's start included.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch

from models.training import TrainConfig, resolve_device, train

WDS = (1e-5, 5e-5, 1e-4, 2e-4, 5e-4)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=None, help="epochs per run (default 10000; --quick: 5)")
    p.add_argument("--quick", action="store_true", help="tiny CPU smoke test of the same code path")
    p.add_argument("--device", default="auto")
    p.add_argument("--dtype", default="float32", choices=("float32", "float64"))
    p.add_argument("--d", default=None, help="comma-separated group orders (overrides the grid)")
    p.add_argument("--q", default=None, help="comma-separated widths (overrides the grid)")
    p.add_argument("--out", default=None, help="write per-group JSON results here")
    p.add_argument("--backend", default="local", choices=("local", "ray"))
    p.add_argument("--shard-runs", type=int, default=None, help="ray: runs per shard (default: sized to memory)")
    p.add_argument("--gpus-per-shard", type=float, default=None, help="ray: GPU share per shard")
    args = p.parse_args(argv)
    if args.quick:
        ds, qs, wds, seeds, epochs = (5, 7), (8, 16), WDS[1:3], (1, 2), 5
    else:
        ds, qs, wds, seeds, epochs = (23, 71, 127), (256, 512, 1024, 2048), WDS, (1, 2, 3, 4, 5), 10_000
    if args.d:
        ds = tuple(int(x) for x in args.d.split(","))
    if args.q:
        qs = tuple(int(x) for x in args.q.split(","))
    if args.epochs is not None:
        epochs = args.epochs
    device = resolve_device(args.device)
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"
    print(f"device {device} ({name}), {args.dtype}, {epochs} epochs, {len(wds) * len(seeds)} runs per (d, q) group")
    out = Path(args.out) if args.out else None
    if args.backend == "ray":
        return _ray_grid(args, ds, qs, wds, seeds, epochs, device, out)
    total = 0.0
    for d in ds:
        for q in qs:
            config = TrainConfig(group=f"Z{d}", q=q, epochs=epochs, lrs=(0.01,), wds=wds, seeds=seeds,
                                 seeding="reference", eval_epochs=(0,), device=str(device), dtype=args.dtype)
            if device.type == "cuda":
                torch.cuda.synchronize(device)
            t = time.perf_counter()
            res = train(config)
            if device.type == "cuda":
                torch.cuda.synchronize(device)
            dt = time.perf_counter() - t
            total += dt
            acc = res.metrics["test_acc"][:, -1]
            n_div = int((res.diverged_epoch >= 0).sum())
            print(f"d={d:<4} q={q:<5} runs={config.n_runs:<3} {dt:9.2f} s  {dt / max(epochs, 1) * 1e3:8.3f} ms/epoch  "
                  f"mean final test acc {np.nanmean(acc):.3f}  diverged {n_div}", flush=True)
            if out is not None:
                out.mkdir(parents=True, exist_ok=True)
                (out / f"d{d}_q{q}.json").write_text(json.dumps({"seconds": dt, **res.to_json()}, allow_nan=True))
    print(f"total {total:.2f} s for {len(ds) * len(qs)} groups")
    return 0


def _ray_grid(args, ds, qs, wds, seeds, epochs, device, out) -> int:
    """The grid through the Ray backend: all shards submitted at once, packed on the devices."""
    import tempfile

    from cogs.distributed import make_executor

    configs = [TrainConfig(group=f"Z{d}", q=q, epochs=epochs, lrs=(0.01,), wds=wds, seeds=seeds, seeding="reference",
                           eval_epochs=(0,), device=device.type, dtype=args.dtype) for d in ds for q in qs]
    t = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="cogs-gpu-grid-"))
    with make_executor("ray", work, runs_per_shard=args.shard_runs, gpus_per_shard=args.gpus_per_shard,
                       log=lambda line: print(line, flush=True), interval=30.0) as ex:
        t_up = time.perf_counter() - t
        ex.prefetch([(c, None) for c in configs])
        results = [ex.train(c) for c in configs]
        records = ex.shard_records()
    wall = time.perf_counter() - t
    for c, res in zip(configs, results):
        acc = res.metrics["test_acc"][:, -1]
        print(f"d={c.group[1:]:<4} q={c.q:<5} runs={len(res.runs):<3} mean final test acc {np.nanmean(acc):.3f}  "
              f"diverged {int((res.diverged_epoch >= 0).sum())}")
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            (out / f"d{c.group[1:]}_q{c.q}.json").write_text(json.dumps({"seconds": None, **res.to_json()}, allow_nan=True))
    busy = sum(r["seconds"] or 0.0 for r in records)
    print(f"ray: {len(records)} shards, {sum(r['attempts'] for r in records)} attempts, {len(ex.failures)} failed; "
          f"shard seconds summed {busy:.2f} s")
    print(f"total {wall:.2f} s wall for {len(configs)} groups ({t_up:.2f} s of it starting Ray)")
    return 1 if ex.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
