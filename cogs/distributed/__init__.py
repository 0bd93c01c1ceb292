"""Runners — what trains the batches of ``cogs.train``, ``cogs.compare`` and ``cogs.sweep`` —
and training past one batch: shards, executors and the Ray backend.

A :class:`Runner` (:mod:`~cogs.distributed.runner`) trains one ``TrainConfig`` and says where
it checkpoints; the jobs take one as ``runner=``. :class:`BatchRunner` trains a job as one
batch in this process; the executors below cut it into shards.

A training job (one ``TrainConfig``: a group, q and dtype, runs = seeds × weight decays ×
learning rates) is cut into *shards*, product subsets of its runs that each train as one
batched tensor program and fit one device (:mod:`~cogs.distributed.plan`). A shard trains with
the ordinary trainer, checkpoints into its own folder and resumes from it when it runs again
(:mod:`~cogs.distributed.shard`). Executors run the shards — in this process
(:class:`LocalExecutor`) or as Ray tasks with GPU/CPU requests, retried when a worker dies
(:class:`~cogs.distributed.ray_backend.RayExecutor`) — and merge them back into the job's
``TrainResult`` in the job's run order (:mod:`~cogs.distributed.gather`), so the output
folders and reports are those of one batch.

>>> from cogs.distributed import plan_shards
>>> from models.training import TrainConfig
>>> [s.config.seeds for s in plan_shards(TrainConfig(group="Z5", q=8, epochs=1, seeds=(1, 2, 3), wds=(1e-4, 1e-3)), 4)]
[(1, 2), (3,)]

Ray is optional (``pip install -e ".[distributed]"``); nothing here imports it until a Ray
executor is made (``RayExecutor`` is the class, loaded without Ray). The names below load on first use (``cogs.distributed.runner`` does not
import torch, so the command line's option parsers can read its defaults). ``docs/scaling.md`` shows a laptop, one GPU box, a Ray cluster and Slurm.
"""

__all__ = [
    "BACKENDS",
    "BatchRunner",
    "Executor",
    "LocalExecutor",
    "RayExecutor",
    "Runner",
    "Shard",
    "ShardOutcome",
    "ShardTask",
    "ShardsFailed",
    "make_executor",
    "max_runs",
    "merge_results",
    "plan_shards",
    "run_shard",
    "shard_bytes",
    "shard_key",
]


def __getattr__(name: str):
    # plain import statements (never importlib: tests/test_layers.py reads every edge)
    if name in ("Executor", "LocalExecutor", "ShardsFailed"):
        from cogs.distributed import executor as module
    elif name in ("BatchRunner", "Runner"):
        from cogs.distributed import runner as module
    elif name == "merge_results":
        from cogs.distributed import gather as module
    elif name in ("Shard", "max_runs", "plan_shards", "shard_bytes", "shard_key"):
        from cogs.distributed import plan as module
    elif name in ("ShardOutcome", "ShardTask", "run_shard"):
        from cogs.distributed import shard as module
    elif name in ("BACKENDS", "make_executor"):
        from cogs.distributed import backends as module
    elif name == "RayExecutor":  # the class; Ray itself is imported when one is made
        from cogs.distributed import ray_backend as module
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(module, name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
