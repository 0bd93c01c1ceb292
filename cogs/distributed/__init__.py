"""Training sweeps past one batch: shards, executors and the Ray backend.

A training job (one ``TrainConfig``: a group, q and dtype, runs = seeds × weight decays ×
learning rates) is cut into *shards*, product subsets of its runs that each train as one
batched tensor program and fit one device (:mod:`~cogs.distributed.plan`). A shard trains with
the ordinary trainer, checkpoints into its own folder and resumes from it when it runs again
(:mod:`~cogs.distributed.shard`). Executors run the shards — in this process
(:class:`LocalExecutor`) or as Ray tasks with GPU/CPU requests, retried when a worker dies
(:class:`~cogs.distributed.ray_backend.RayExecutor`) — and merge them back into the job's
``TrainResult`` in the job's run order (:mod:`~cogs.distributed.gather`), so the output
folders and reports are those of one batch.

>>> from models.training import TrainConfig
>>> [s.config.seeds for s in plan_shards(TrainConfig(group="Z5", q=8, epochs=1, seeds=(1, 2, 3), wds=(1e-4, 1e-3)), 4)]
[(1, 2), (3,)]

Ray is optional (``pip install -e ".[distributed]"``); nothing here imports it until a Ray
executor is made. ``docs/scaling.md`` shows a laptop, one GPU box, a Ray cluster and Slurm.
"""

from cogs.distributed.executor import Executor, LocalExecutor, ShardsFailed
from cogs.distributed.gather import merge_results
from cogs.distributed.plan import Shard, max_runs, plan_shards, shard_bytes, shard_key
from cogs.distributed.shard import ShardOutcome, ShardTask, run_shard

BACKENDS = ("local", "ray")


def make_executor(backend: str, work_dir, **kw) -> Executor:
    """``LocalExecutor`` or ``RayExecutor`` (Ray imported only here). Keywords the local
    executor does not take (address, cpus_per_shard, …) must be None for it."""
    if backend == "local":
        extra = {k: v for k, v in kw.items() if k in _RAY_ONLY}
        given = [k for k, v in extra.items() if v is not None]
        if given:
            raise ValueError(f"{', '.join(given)}: only with the Ray backend")
        return LocalExecutor(work_dir, **{k: v for k, v in kw.items() if k not in _RAY_ONLY})
    if backend == "ray":
        from cogs.distributed.ray_backend import RayExecutor

        return RayExecutor(work_dir, **{k: v for k, v in kw.items() if v is not None or k not in _RAY_ONLY})
    raise ValueError(f"unknown backend {backend!r} (use {' or '.join(BACKENDS)})")


_RAY_ONLY = ("address", "cpus_per_shard", "gpus_per_shard", "max_retries", "runtime_env", "init_kwargs")

__all__ = [
    "BACKENDS",
    "Executor",
    "LocalExecutor",
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
