"""Reproduce the paper's experiments (docs/paper.md): presets table2, fig4, width, fig3, rstar.

--scale cpu trains d = 23 only (rstar: d = 7, q = 20); --scale full runs the whole grid
(d ∈ {23, 71, 127}), meant for a GPU. Each preset writes DIR/report.json, DIR/report.md and
its figures, and each grid's runs with their checkpoints (DIR/Z23/, …; with --shard-runs or
--backend ray: each shard's in DIR/shards/). A DIR holding an earlier sweep is refused unless
--overwrite (start afresh) or --resume (continue every grid from its newest checkpoint; grids
that finished are not trained again, and a resume whose checkpoints do not fit is refused with
nothing deleted).

Example: cogs sweep --preset table2 --scale cpu --out runs/table2
"""

from __future__ import annotations

from cogs.cli import _options
from cogs.cli._types import integer


def add_arguments(p) -> None:
    from cogs.jobs.preset import SCALES
    from cogs.jobs.sweep import PRESETS

    p.add_argument("--preset", required=True, choices=PRESETS, help="which experiment")
    p.add_argument("--group", default=None, help="the group of a preset that takes one (irreps: any spec, default S4)")
    p.add_argument("--scale", choices=SCALES, default=SCALES[0], help="cpu: d = 23 only; full: d ∈ {23, 71, 127}")
    p.add_argument("--epochs", type=integer, default=10000, help="epochs per run (default 10000)")
    _options.add_seeds(p, "1-5")
    _options.add_device(p)
    _options.add_dtype(p)
    _options.add_setup(p, critical=False)
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--json", action="store_true", help="print report.json")
    _options.add_resume(p, "every grid")
    _options.add_overwrite(p)
    _options.add_keep_checkpoints(p)
    _options.add_threads(p)
    from cogs.cli._backend import add_backend_arguments

    add_backend_arguments(p)


def run(args) -> int:
    from pathlib import Path

    from cogs.cli._backend import report_failures, runner_from_args
    from cogs.cli.main import print_json
    from cogs.jobs.arguments import FLAGS
    from cogs.jobs.sweep import check_sweep, sweep
    from models.training import resolve_device, terminal_progress

    # refuse bad options and a used folder before a backend starts; sweep checks a resume against
    # the checkpoints, and only then clears what the earlier sweep left, before any shard is submitted
    settings = dict(scale=args.scale, epochs=args.epochs, seeds=args.seeds, device=args.device, dtype=args.dtype,
                    group=args.group, overwrite=args.overwrite, resume=args.resume, spelling=FLAGS,
                    **_options.setup_from_args(args))
    check_sweep(args.preset, args.out, **settings)
    if args.backend == "local":
        # with Ray the cluster's devices count, not this machine's
        _options.apply_threads(args, resolve_device(args.device))
    # one batch per grid here, or shards checkpointing into out/shards/<shard>
    with runner_from_args(args, Path(args.out) / "shards", label=f"sweep {args.preset}") as runner:
        report = sweep(args.preset, args.out, **settings, runner=runner, progress=terminal_progress(f"sweep {args.preset}"),
                       log=None if args.json else (lambda *a, **k: print(*a, flush=True, **k)))
    if args.json:
        print_json(report.to_dict())
    else:
        print(report.summary())
    return report_failures(runner)
