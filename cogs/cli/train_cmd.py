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

from cogs.cli import _options
from cogs.cli._types import integer, real

from pathlib import Path


from cogs.sp.objectives import OBJECTIVES, make_objective


def add_arguments(p) -> None:
    p.add_argument("--group", required=True, help="group spec, e.g. Z23 or Z2xZ3xZ4")
    p.add_argument("--hidden", type=integer, default=None, help="hidden width q (default 512, or the --init file's)")
    p.add_argument("--epochs", type=integer, required=True, help="number of optimizer steps")
    p.add_argument("--lr", default="0.01", help="learning rate(s), comma-separated (default 0.01)")
    p.add_argument("--wd", default="5e-5", help="weight decay(s), comma-separated (default 5e-5)")
    _options.add_seeds(p, "1")
    p.add_argument("--train-frac", type=real, default=0.9, help="train fraction of the d² pairs (default 0.9)")
    p.add_argument("--seeding", choices=("default", "reference"), default="default",
                   help="'reference' reproduces the paper scripts' init and split bit for bit")
    p.add_argument("--eval-epochs", default=None, help="epochs to evaluate, e.g. 0,100,1000 (default 0,1,2,4,… and the last)")
    p.add_argument("--init", default=None, help="start every run from this weights file (.npz)")
    _options.add_device(p)
    _options.add_dtype(p)
    p.add_argument("--optimizer", choices=("adam", "sgd"), default="adam",
                   help="adam (docs/paper.md, default) or sgd: plain full-batch gradient descent p -= lr·(g + wd·p)")
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


def build_config(args):
    from cogs.cli.main import CLIError
    from groups import parse_group
    from models.network import load_npz
    from models.training import TrainConfig, parse_floats, parse_ints, parse_seeds

    G = parse_group(args.group)
    init = None
    q = args.hidden
    if args.init is not None:
        init = load_npz(args.init, group=G)
        if q is None:
            q = init.q
        elif q != init.q:
            raise CLIError(f"--hidden {q} but {args.init} has {init.q} hidden nodes")
    if q is None:
        q = 512
    eval_epochs = parse_ints(args.eval_epochs, "eval epoch") if args.eval_epochs else None
    config = TrainConfig(
        group=G.spec,
        q=q,
        epochs=args.epochs,
        lrs=parse_floats(args.lr, "learning rate"),
        wds=parse_floats(args.wd, "weight decay"),
        seeds=parse_seeds(args.seeds),
        train_frac=args.train_frac,
        seeding=args.seeding,
        eval_epochs=eval_epochs,
        device=args.device,
        dtype=args.dtype,
        record_sp=args.record_sp,
        optimizer=getattr(args, "optimizer", "adam"),
        compile=bool(getattr(args, "compile", False)),
    )
    return G, config, init


def run(args) -> int:
    from cogs.cli.main import print_json
    from cogs.sp.dynamics import sp_recorder
    from cogs.jobs.runs import write_runs
    from models.training import resolve_device, terminal_progress, train
    from models.training.config import check_size, float_token

    from cogs.cli._backend import executor_from_args, report_failures, wants_executor

    G, config, init = build_config(args)
    sharded = wants_executor(args)
    if args.backend == "local":
        resolve_device(config.device)  # refuse an unavailable device before touching the disk
    if not sharded:  # a sharded job is sized shard by shard (cogs.distributed.plan)
        check_size(config)  # over the limits: refused before the output folder is touched
    objective = make_objective(args.objective, G)
    out = Path(args.out)
    from cogs.jobs.outdir import check_out, check_resume, prepare_out
    from cogs.jobs.runs import TRAIN_OUTPUTS

    # an earlier job's runs: refused, replaced (--overwrite) or continued (--resume), refused
    # before anything starts; a resume is checked against the checkpoints before stale runs go
    check_out(out, TRAIN_OUTPUTS, command="train", overwrite=args.overwrite, resume=args.resume)
    keep = _options.keep_checkpoints(args)
    if sharded:  # shards checkpoint into out/checkpoints/shards/<shard>
        with executor_from_args(args, out / "checkpoints" / "shards", keep_checkpoints=keep) as executor:
            if args.resume:
                check_resume(out, TRAIN_OUTPUTS, [(folder, shard.config, objective) for folder, shard
                                                  in executor.shard_folders(config, objective, init)], command="train")
            prepare_out(out, TRAIN_OUTPUTS, command="train", overwrite=args.overwrite, resume=args.resume,
                        keep=("checkpoints",))
            result = executor.train(config, objective=objective, init=init)
    else:
        if args.resume:
            check_resume(out, TRAIN_OUTPUTS, [(out / "checkpoints", config, objective)], command="train")
        prepare_out(out, TRAIN_OUTPUTS, command="train", overwrite=args.overwrite, resume=args.resume,
                    keep=("checkpoints",))
        _options.apply_threads(args, resolve_device(config.device))
        result = train(
            config,
            objective=objective,
            sp_recorder=sp_recorder,
            init=init,
            progress=terminal_progress(f"train {G.spec} q={config.q} R={config.n_runs}"),
            checkpoint_dir=out / "checkpoints",
            resume=args.resume,
            keep_checkpoints=keep,
            checkpoint_every=_options.CHECKPOINT_EVERY_S,
            log=_options.stderr_note(f"train {G.spec}"),
        )
    summary_runs = write_runs(out, G, config, result, extra_config={
        "objective": args.objective, "init": str(args.init) if args.init else None})
    if args.json:
        print_json(result.to_json())
    else:
        print(f"trained {config.n_runs} run(s) of {G.spec}, q={config.q}, {config.epochs} epochs on {result.device} -> {out}")
        print(f"{'seed':>5} {'lr':>9} {'wd':>9} {'status':>9} {'train_loss':>11} {'train_acc':>9} {'test_loss':>11} {'test_acc':>9}")
        for s in summary_runs:
            f = s["final"]
            cells = [_fmt(f[k]) for k in ("train_loss", "train_acc", "test_loss", "test_acc")]
            print(f"{s['seed']:>5} {float_token(s['lr']):>9} {float_token(s['wd']):>9} {s['status']:>9} {cells[0]:>11} {cells[1]:>9} {cells[2]:>11} {cells[3]:>9}")
    return report_failures(executor) if sharded else 0


def _fmt(x) -> str:
    return "-" if x is None else f"{x:.4g}"

