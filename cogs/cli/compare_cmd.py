"""Construct global solutions, train seeds in one batch, analyse and compare them — the main job.

Writes DIR/report.json (every number), DIR/report.md (tables), PNG figures (order histogram,
node-by-frequency maps, SP dynamics), the constructed weights (DIR/constructed/) and the
trained runs (DIR/train/). Prints a short summary beside the reference figures of docs/paper.md.
Training checkpoints go to DIR/train/checkpoints; a DIR holding an earlier comparison is
refused unless --overwrite (start afresh) or --resume (continue its training from the newest
checkpoint).

Example: cogs compare --group Z23 --out runs/Z23
"""

from __future__ import annotations

from cogs.cli import _options
from cogs.cli._types import integer, real


def add_arguments(p) -> None:
    p.add_argument("--group", required=True, help="group spec, e.g. Z23, Z8, Z2xZ12, S4, A4, FILE.jsonl:NAME (constructions: finite Abelian groups)")
    p.add_argument("--hidden", type=integer, default=512, help="hidden width q (default 512)")
    p.add_argument("--wd", type=real, default=5e-5, help="weight decay (default 5e-5)")
    p.add_argument("--lr", type=real, default=0.01, help="learning rate (default 0.01)")
    _options.add_seeds(p, "1-5")
    p.add_argument("--epochs", type=integer, default=10000, help="epochs (default 10000)")
    _options.add_device(p)
    _options.add_dtype(p)
    p.add_argument("--seeding", choices=("reference", "default"), default="reference",
                   help="reference (default): the paper scripts' init and split; default: CoGS's own")
    p.add_argument("--strategies", default="f6,f46,auto,memorize", help="constructions to build (comma-separated)")
    _options.add_threshold(p)
    _options.add_train_frac(p)
    p.add_argument("--eval-epochs", default=None,
                   help="epochs to evaluate and record SP summaries at, e.g. 0,50,100,…: denser SP-dynamics curves "
                        "(default 0,1,2,4,… and the last)")
    _options.add_setup(p)
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--json", action="store_true", help="print report.json to stdout instead of the summary")
    _options.add_resume(p, "the training")
    _options.add_overwrite(p)
    _options.add_keep_checkpoints(p)
    _options.add_threads(p)


def run(args) -> int:
    import sys

    from cogs.cli._backend import runner_from_args
    from cogs.cli.main import print_json
    from cogs.jobs.arguments import FLAGS, seed_list
    from cogs.jobs.compare import compare
    from groups import parse_group
    from models.training import resolve_device, terminal_progress

    spec, runs = parse_group(args.group).spec, len(seed_list(args.seeds))
    _options.apply_threads(args, resolve_device(args.device))  # construction, training and analysis alike
    # flushed at once: under nohup stdout is a file, and the phases should show as they happen
    log = (lambda *a, **k: print(*a, file=sys.stderr, flush=True, **k)) if args.json else (lambda *a, **k: print(*a, flush=True, **k))
    with runner_from_args(args, None, label=f"compare {spec}") as runner:
        report = compare(args.group, args.out, hidden=args.hidden, wd=args.wd, lr=args.lr, seeds=args.seeds,
                         epochs=args.epochs, device=args.device, dtype=args.dtype, seeding=args.seeding,
                         strategies=args.strategies, threshold=args.threshold, resume=args.resume,
                         train_frac=args.train_frac, eval_epochs=args.eval_epochs, **_options.setup_from_args(args),
                         overwrite=args.overwrite, runner=runner, log=log, spelling=FLAGS,
                         progress=terminal_progress(f"train {spec} q={args.hidden} R={runs}"))
    if args.json:
        print_json(report.to_dict())
    else:
        print(report.summary())
    return 0
