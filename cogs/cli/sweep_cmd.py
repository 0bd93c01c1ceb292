"""Reproduce the paper's experiments (SPEC §9): presets table2, fig4, width, fig3, rstar.

--scale cpu trains d = 23 only (rstar: d = 7, q = 20); --scale full runs the whole grid
(d ∈ {23, 71, 127}), meant for a GPU. Each preset writes DIR/report.json, DIR/report.md and
its figures.

Example: cogs sweep --preset table2 --scale cpu --out runs/table2
"""

from __future__ import annotations


def add_arguments(p) -> None:
    from cogs.sweep import PRESETS

    p.add_argument("--preset", required=True, choices=PRESETS, help="which experiment")
    p.add_argument("--scale", choices=("cpu", "full"), default="cpu", help="cpu: d = 23 only; full: d ∈ {23, 71, 127}")
    p.add_argument("--epochs", type=int, default=10000, help="epochs per run (default 10000)")
    p.add_argument("--seeds", default="1-5", help="seeds (default 1-5)")
    p.add_argument("--device", default="auto")
    p.add_argument("--dtype", choices=("float32", "float64"), default="float32")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--json", action="store_true", help="print report.json")


def run(args) -> int:
    from cogs.cli.main import print_json
    from cogs.sweep import run_sweep
    from models.training import parse_seeds, resolve_device, terminal_progress

    if args.epochs < 1:
        raise ValueError(f"--epochs must be ≥ 1, got {args.epochs}")
    resolve_device(args.device)
    report = run_sweep(args.preset, args.out, scale=args.scale, epochs=args.epochs, seeds=tuple(parse_seeds(args.seeds)),
                       device=args.device, dtype=args.dtype, progress=terminal_progress(f"sweep {args.preset}"),
                       log=print if not args.json else (lambda *a, **k: None))
    if args.json:
        print_json(report)
    else:
        print(open(f"{args.out}/report.md").read())
        print(f"{args.preset}: {report['seconds']:.1f} s -> {args.out}")
    return 0
