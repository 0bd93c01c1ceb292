"""Executors by backend name: ``local`` (shards one after the other in this process) or
``ray`` (shards as Ray tasks; Ray imported only here).

>>> type(make_executor("local", "/tmp/unused-shards")).__name__   # nothing is written until it trains
'LocalExecutor'
"""

from __future__ import annotations

BACKENDS = ("local", "ray")
_RAY_ONLY = ("address", "cpus_per_shard", "gpus_per_shard", "max_retries", "runtime_env", "init_kwargs")


def make_executor(backend: str, work_dir, **kw):
    """``LocalExecutor`` or ``RayExecutor`` (Ray imported only here). Keywords the local
    executor does not take (address, cpus_per_shard, …) must be None for it."""
    if backend == "local":
        from cogs.distributed.executor import LocalExecutor

        extra = {k: v for k, v in kw.items() if k in _RAY_ONLY}
        given = [k for k, v in extra.items() if v is not None]
        if given:
            raise ValueError(f"{', '.join(given)}: only with the Ray backend")
        return LocalExecutor(work_dir, **{k: v for k, v in kw.items() if k not in _RAY_ONLY})
    if backend == "ray":
        from cogs.distributed.ray_backend import RayExecutor

        return RayExecutor(work_dir, **{k: v for k, v in kw.items() if v is not None or k not in _RAY_ONLY})
    raise ValueError(f"unknown backend {backend!r} (use {' or '.join(BACKENDS)})")
