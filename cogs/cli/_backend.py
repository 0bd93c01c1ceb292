"""The backend options shared by ``cogs train`` and ``cogs sweep``, and the runner they ask for
(:mod:`cogs.distributed.runner`; ``cogs compare`` always trains one batch).

``--backend local`` (the default) without ``--shard-runs`` trains every job as one batch in
this process (:class:`~cogs.distributed.runner.BatchRunner`). ``--backend local --shard-runs N``
trains the same shards as Ray would, one after the other in this process. ``--backend ray``
runs them as Ray tasks (``--address`` to join a running cluster; otherwise Ray starts on this
machine).
"""

from __future__ import annotations

from cogs.cli._types import integer, real

import sys


def add_backend_arguments(p) -> None:
    g = p.add_argument_group("backend (see docs/scaling.md)")
    g.add_argument("--backend", choices=("local", "ray"), default="local",
                   help="local: this process (default); ray: shards as Ray tasks (needs the 'distributed' extra)")
    g.add_argument("--address", default=None,
                   help="a running Ray cluster (auto, HOST:6379 or ray://HOST:10001); default: start Ray here")
    g.add_argument("--shard-runs", type=integer, default=None,
                   help="runs per shard (default: one batch for local; sized to device memory for ray)")
    g.add_argument("--cpus-per-shard", type=real, default=None,
                   help="ray: CPUs per shard (default: a node's CPUs up to 8 for CPU shards, 1 for GPU shards)")
    g.add_argument("--gpus-per-shard", type=real, default=None,
                   help="ray: GPU share per shard, e.g. 0.25 (default: from the shard's memory, at least 0.25)")
    g.add_argument("--max-retries", type=integer, default=None,
                   help="ray: retries of a shard whose worker dies (default 3); a shard's own errors are not retried")


def wants_executor(args) -> bool:
    """True when the options ask for shards (Ray, or local with --shard-runs); False for a
    command without backend options."""
    from cogs.cli.main import CLIError

    backend, shard_runs = getattr(args, "backend", "local"), getattr(args, "shard_runs", None)
    if backend == "local":
        ray_only = [f"--{k.replace('_', '-')}" for k in ("address", "cpus_per_shard", "gpus_per_shard", "max_retries")
                    if getattr(args, k, None) is not None]
        if ray_only:
            raise CLIError(f"{', '.join(ray_only)}: only with --backend ray")
    if shard_runs is not None and shard_runs < 1:
        raise CLIError(f"--shard-runs must be ≥ 1, got {shard_runs}")
    return backend == "ray" or shard_runs is not None


def executor_from_args(args, work_dir, *, keep_checkpoints: int | None):
    """The executor the options ask for (see :func:`wants_executor`); ``keep_checkpoints``:
    newest checkpoints each shard keeps (None: all), as ``_options.keep_checkpoints(args)``."""
    from cogs.distributed import make_executor

    threads = getattr(args, "threads", None)
    if threads is None and args.backend == "local":  # as the one-batch path would set it
        from cogs.cli._options import threads_for

        threads = threads_for(args, getattr(args, "device", "cpu"))
    kw = dict(runs_per_shard=args.shard_runs, resume=bool(getattr(args, "resume", False)),
              keep_checkpoints=keep_checkpoints, threads=threads)
    if args.backend == "ray":
        kw.update(address=args.address, cpus_per_shard=args.cpus_per_shard, gpus_per_shard=args.gpus_per_shard,
                  max_retries=args.max_retries)
    return make_executor(args.backend, work_dir, **kw)


def runner_from_args(args, work_dir, *, label: str, outputs=None):
    """The runner the options ask for (see :func:`wants_executor`), made with --resume,
    --keep-checkpoints and --threads: one batch in this process, checkpointing every
    :data:`models.training.CHECKPOINT_EVERY_S` seconds and telling stderr (``label: …``) where a
    resume starts; or shards checkpointing into ``work_dir``. With --backend ray a folder in use
    is refused first (``outputs``: what the command owns in --out), before Ray starts."""
    from cogs.cli._options import keep_checkpoints, stderr_note, threads_for
    from cogs.distributed.runner import BatchRunner
    from cogs.jobs.arguments import FLAGS
    from cogs.jobs.outdir import check_out
    from models.training import resolve_device

    keep = keep_checkpoints(args)
    if not wants_executor(args):
        threads = threads_for(args, resolve_device(getattr(args, "device", "cpu")))
        return BatchRunner(resume=args.resume, keep_checkpoints=keep, log=stderr_note(label), threads=threads)
    if args.backend == "ray" and outputs is not None:
        check_out(args.out, outputs, overwrite=args.overwrite, resume=args.resume, spelling=FLAGS)
    return executor_from_args(args, work_dir, keep_checkpoints=keep)


def report_failures(runner) -> int:
    """Print the failed shards on stderr; the exit status (0: none failed, 1: some did)."""
    if not runner.failures:
        return 0
    print(f"{len(runner.failures)} shard(s) failed; their runs are missing from the output:", file=sys.stderr)
    for f in runner.failures:
        print(f"  {f['label']}: {f['error']}", file=sys.stderr)
    return 1
