"""Train a batch of quadratic networks together: runs = seeds × weight decays × learning rates
(docs/paper.md: full-batch Adam with coupled L2 weight decay, loss of §2, metrics before each step;
--optimizer sgd: plain gradient descent with the same weight decay).

Writes DIR/<run>/{weights.npz, metrics.json, config.json} (<run> = seed{s}_lr{lr}_wd{wd}, the
numbers written so that they read back exactly), DIR/summary.json and checkpoints in
DIR/checkpoints (epochs 1, 2, 4, …, the last and every 10 minutes; the newest --keep-checkpoints
are kept, per shard with --shard-runs or --backend ray; --resume continues from the newest). A
DIR holding an earlier job is refused unless --overwrite or --resume; a resume whose checkpoint
is missing or belongs to another job is refused with nothing deleted.

Example: cogs train --group Z23 --hidden 512 --epochs 10000 --lr 0.01 --wd 1e-5,1e-4 --seeds 1-5 --out runs/z23
"""

from __future__ import annotations

from pathlib import Path

from cogs.cli import _options
from cogs.cli._types import integer
from cogs.sp.objectives import OBJECTIVES


def add_arguments(p) -> None:
    p.add_argument("--group", required=True, help="group spec, e.g. Z23, Z2xZ3xZ4, S4, Q8, SmallGroup(16,3) or FILE.jsonl:NAME (docs/groups.md)")
    p.add_argument("--hidden", type=integer, default=None, help="hidden width q (default 512, or the --init file's)")
    p.add_argument("--epochs", type=integer, required=True, help="number of optimizer steps")
    p.add_argument("--lr", default="0.01", help="learning rate(s), comma-separated (default 0.01)")
    p.add_argument("--wd", default="5e-5", help="weight decay(s), comma-separated (default 5e-5)")
    _options.add_seeds(p, "1")
    _options.add_train_frac(p)
    p.add_argument("--seeding", choices=("default", "reference"), default="default",
                   help="'reference' reproduces the paper scripts' init and split bit for bit")
    p.add_argument("--eval-epochs", default=None, help="epochs to evaluate, e.g. 0,100,1000 (default 0,1,2,4,… and the last)")
    p.add_argument("--init", default=None, help="start every run from this weights file (.npz)")
    _options.add_device(p)
    _options.add_dtype(p)
    _options.add_setup(p)
    p.add_argument("--objective", choices=OBJECTIVES, default="mse",
                   help="mse (docs/mathematics.md#the-network-and-its-loss), sp (SP form), sp-no-rstar (SP form without the R_* terms)")
    p.add_argument("--record-sp", action="store_true", help="record SP summaries at the evaluated epochs")
    p.add_argument("--compile", action="store_true",
                   help="fuse the loss/gradient with torch.compile (one-off compilation of 10-60 s; "
                        "falls back to the plain path with a warning if it fails)")
    _options.add_resume(p)
    _options.add_overwrite(p)
    _options.add_keep_checkpoints(p)
    _options.add_threads(p)
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--json", action="store_true", help="print the runs' metrics as JSON")
    from cogs.cli._backend import add_backend_arguments

    add_backend_arguments(p)


def run(args) -> int:
    from cogs.cli._backend import report_failures, runner_from_args
    from cogs.cli.main import print_json
    from cogs.jobs.arguments import FLAGS
    from cogs.jobs.train import TRAIN_OUTPUTS, train_config, train_job
    from models.training import terminal_progress
    from models.training.config import float_token

    config, init = train_config(args.group, args.hidden, args.epochs, args.seeds, args.lr, args.wd,
                                train_frac=args.train_frac, seeding=args.seeding, eval_epochs=args.eval_epochs,
                                init=args.init, device=args.device, dtype=args.dtype, record_sp=args.record_sp,
                                compile=args.compile, spelling=FLAGS, **_options.setup_from_args(args))
    out = Path(args.out)
    # one batch here, or shards (--shard-runs, --backend ray) checkpointing into out/checkpoints/shards/<shard>
    with runner_from_args(args, out / "checkpoints" / "shards", label=f"train {config.group}",
                          outputs=TRAIN_OUTPUTS) as runner:
        batch = train_job(config, out, objective=args.objective, init=init, resume=args.resume, overwrite=args.overwrite,
                          runner=runner, progress=terminal_progress(f"train {config.group} q={config.q} R={config.n_runs}"),
                          spelling=FLAGS)
    if args.json:
        print_json(batch.result.to_json())
    else:
        print(f"trained {config.n_runs} run(s) of {config.group}, q={config.q}, {config.epochs} epochs on {batch.result.device} -> {out}")
        print(f"{'seed':>5} {'lr':>9} {'wd':>9} {'status':>9} {'train_loss':>11} {'train_acc':>9} {'test_loss':>11} {'test_acc':>9}")
        for r in batch.runs:
            cells = [_fmt(r.final[k]) for k in ("train_loss", "train_acc", "test_loss", "test_acc")]
            print(f"{r.seed:>5} {float_token(r.lr):>9} {float_token(r.wd):>9} {r.status:>9} {cells[0]:>11} {cells[1]:>9} {cells[2]:>11} {cells[3]:>9}")
    return report_failures(runner)


def _fmt(x) -> str:
    return "-" if x is None else f"{x:.4g}"
