"""The Ray backend: every shard is a Ray task with a resource request.

- CPU shards ask for ``cpus_per_shard`` CPUs (default: the smallest node's CPU count, at most
  8) and run torch with that many threads.
- GPU shards ask for one CPU and a *fraction* of a GPU: the shard's estimated memory over the
  device's (:func:`cogs.distributed.plan.shard_bytes`), at least ``1 / shards_per_gpu``
  (default 4), so several shards share one device when they fit, each in its own process.
- Shards are sized to the device: when a job's runs do not fit one device's memory budget
  (90 % of a GPU; half of the smallest node's Ray memory for CPUs) the job is cut into
  several shards; ``runs_per_shard`` sets the size by hand.

Fault tolerance: a task whose worker process dies (killed, out of memory, node lost) is
retried up to ``max_retries`` times by Ray and resumes from its shard's last checkpoint (the
checkpoint folder must be reachable from the node that retries it — a shared filesystem on a
multi-node cluster; otherwise the retry starts the shard afresh, with the same result). An
exception raised by the shard itself is not retried: it is reported and the other shards go on.

Progress: workers send start/progress events to a small actor (no CPU reserved); the driver
prints them (see :mod:`cogs.distributed.progress`). Results come back through Ray's object
store, so only the driver writes the output folder.

Workers must import CoGS: on one machine the Ray started here inherits this interpreter and its
environment; on a cluster install CoGS on every node (same virtual environment path, or a
shared filesystem), or pass a ``runtime_env``. A Ray started here runs its workers at niceness
0 like the local backend (Ray's default is 15; ``RAY_worker_niceness`` in the environment
overrides both); a cluster's workers run at the niceness its ``ray start`` gave them.
"""

from __future__ import annotations

import math
import os
import typing
import warnings

from cogs.distributed.executor import Executor, Job, short_error
from cogs.distributed.plan import max_runs, plan_shards, shard_bytes
from cogs.distributed.shard import run_shard

INSTALL_HINT = 'the Ray backend needs Ray: pip install -e ".[distributed]"'
NICENESS_ENV = "RAY_worker_niceness"


def import_ray():
    """The ``ray`` module, or a RuntimeError saying how to install it."""
    try:
        import ray
    except ImportError:
        raise RuntimeError(INSTALL_HINT) from None
    return ray


def _remote_shard(task, sink):
    def report(name, ident, **fields):
        sink.event.remote(name, ident, fields)

    return run_shard(task, report if sink is not None else None)


def _gpu_memory_probe() -> int:
    import torch

    return int(torch.cuda.get_device_properties(0).total_memory)


@typing.final
class _Sink:
    """Progress events from the workers, drained by the driver."""

    def __init__(self):
        self._events = []

    def event(self, name, ident, fields):
        self._events.append((name, ident, fields))

    def drain(self):
        out, self._events = self._events, []
        return out


@typing.final
class RayExecutor(Executor):
    """Shards as Ray tasks (see the module doc). Connects to ``address`` (a running cluster:
    'auto', 'HOST:6379' or 'ray://HOST:10001'), or starts Ray on this machine when ``address``
    is None and Ray is not running yet; an already initialised Ray is used as it is. Ray is
    shut down on :meth:`close` only when this executor started it."""

    backend = "ray"

    def __init__(self, work_dir, *, address: str | None = None, cpus_per_shard: float | None = None,
                 gpus_per_shard: float | None = None, shards_per_gpu: int = 4, max_retries: int = 3,
                 runtime_env: dict | None = None, init_kwargs: dict | None = None, poll: float = 1.0, **kw):
        super().__init__(work_dir, **kw)
        ray = self.ray = import_ray()
        if gpus_per_shard is not None and not (0 < gpus_per_shard <= 1 or float(gpus_per_shard).is_integer()):
            raise ValueError(f"GPUs per shard must be in (0, 1] or a whole number, got {gpus_per_shard}")
        if cpus_per_shard is not None and cpus_per_shard <= 0:
            raise ValueError(f"CPUs per shard must be > 0, got {cpus_per_shard}")
        if max_retries < 0:
            raise ValueError(f"max retries must be ≥ 0, got {max_retries}")
        self.cpus_per_shard, self.gpus_per_shard = cpus_per_shard, gpus_per_shard
        self.shards_per_gpu, self.max_retries, self.poll = max(1, int(shards_per_gpu)), int(max_retries), poll
        self._owns = False
        if not ray.is_initialized():
            kwargs = dict(address=address, include_dashboard=False, logging_level="warning")
            if runtime_env:
                kwargs["runtime_env"] = runtime_env
            kwargs.update(init_kwargs or {})
            joining = bool(address or os.environ.get("RAY_ADDRESS"))
            if joining:
                kwargs.pop("include_dashboard")  # a setting of the cluster, not of a client
            # Ray runs its workers at niceness 15 by default; a Ray started here runs them at the
            # priority of the local backend (0), or they lose the CPU to any other process
            saved = os.environ.get(NICENESS_ENV)
            if not joining and saved is None:
                os.environ[NICENESS_ENV] = "0"
            try:
                ray.init(**kwargs)
            finally:
                if saved is None:
                    os.environ.pop(NICENESS_ENV, None)
            self._owns = True
        elif address:
            warnings.warn("Ray is already initialised in this process: ignoring --address", RuntimeWarning, stacklevel=2)
        self.runtime_env = runtime_env
        self._nodes = [n.get("Resources", {}) for n in ray.nodes() if n.get("Alive")]
        self._gpu_mem = None
        self._sink = ray.remote(num_cpus=0)(_Sink).remote()
        self._fn = ray.remote(_remote_shard)
        self._refs: dict = {}  # ObjectRef -> (job, task)

    # --- cluster facts ------------------------------------------------------------------------
    def _node_max(self, name: str) -> float:
        return max((float(n.get(name, 0)) for n in self._nodes), default=0.0)

    def _node_min(self, name: str) -> float:
        vals = [float(n.get(name, 0)) for n in self._nodes if float(n.get(name, 0)) > 0]
        return min(vals, default=0.0)

    def gpu_memory(self) -> int:
        """Memory of one GPU in bytes: this machine's first GPU, or asked from a GPU worker."""
        if self._gpu_mem is None:
            import torch

            if torch.cuda.is_available():
                self._gpu_mem = int(torch.cuda.get_device_properties(0).total_memory)
            else:
                probe = self.ray.remote(num_gpus=0.01, num_cpus=0)(_gpu_memory_probe)
                self._gpu_mem = int(self.ray.get(probe.remote(), timeout=300))
        return self._gpu_mem

    def _device(self, name: str) -> str:
        gpus = self._node_max("GPU")
        if name == "cpu":
            return "cpu"
        if name.startswith("cuda"):
            if gpus <= 0:
                raise ValueError(f"device {name!r} requested but the Ray cluster has no GPU")
            if name != "cuda":
                raise ValueError(f"device {name!r}: with the Ray backend use --device cuda (Ray assigns the GPUs)")
            return "cuda"
        return "cuda" if gpus > 0 else "cpu"

    def _cpus(self, device: str) -> float:
        if self.cpus_per_shard is not None:
            return float(self.cpus_per_shard)
        if device == "cuda":
            return 1.0
        return float(max(1, min(8, int(self._node_min("CPU") or 1))))

    def _gpus(self, shard) -> float:
        if self.gpus_per_shard is not None:
            return float(self.gpus_per_shard)
        c = shard.config
        from groups import parse_group

        need = shard_bytes(parse_group(c.group).order, c.q, c.dtype, shard.n_runs, "cuda") / self.gpu_memory()
        return min(1.0, math.ceil(max(need, 1.0 / self.shards_per_gpu) * 100) / 100)

    def _threads(self, device: str):
        return self.threads or max(1, int(self._cpus(device)))

    # --- planning and scheduling ------------------------------------------------------------
    def plan(self, config):
        from groups import parse_group

        device = self._device(config.device)
        m = self.runs_per_shard
        if m is None:
            if device == "cuda":
                budget = int(0.9 * self.gpu_memory())
            else:
                mem = self._node_min("memory") or float(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
                budget = int(0.5 * mem)
            m = max_runs(parse_group(config.group).order, config.q, config.dtype, budget, device, limit=config.n_runs)
        return plan_shards(config, m), device

    def _submit(self, job: Job) -> None:
        for task in job.tasks:
            cpus = self._cpus(task.device)
            gpus = self._gpus(task.shard) if task.device == "cuda" else 0.0
            if cpus > self._node_max("CPU") or gpus > self._node_max("GPU"):
                raise ValueError(f"a shard needs {cpus:g} CPU(s) and {gpus:g} GPU(s) but no node of the Ray cluster "
                                 f"has that many (CPUs per node ≤ {self._node_max('CPU'):g}, GPUs ≤ {self._node_max('GPU'):g})")
            opts = dict(num_cpus=cpus, num_gpus=gpus, max_retries=self.max_retries, retry_exceptions=False,
                        name=f"cogs-shard-{task.key}")
            if self.runtime_env:
                opts["runtime_env"] = self.runtime_env
            ref = self._fn.options(**opts).remote(task, self._sink)
            self._refs[ref] = (job, task)

    def _drain(self) -> None:
        try:
            events = self.ray.get(self._sink.drain.remote(), timeout=30)
        except self.ray.exceptions.RayError:  # progress is best effort
            return
        for name, ident, fields in events:
            self.board.event(name, ident, **fields)

    def _collect(self, ref) -> None:
        ray = self.ray
        job, task = self._refs.pop(ref)
        try:
            outcome = ray.get(ref)
        except ray.exceptions.RayTaskError as e:  # the shard's own exception: not retried
            cause = getattr(e, "cause", None)
            self._failed(job, task, short_error(cause) if isinstance(cause, BaseException) else short_error(e))
        except ray.exceptions.RayError as e:  # the worker died more than max_retries times
            self._failed(job, task, f"worker lost {self.max_retries + 1} time(s) ({type(e).__name__})")
        else:
            self._finished(job, outcome)

    def _wait(self, job: Job) -> None:
        ray = self.ray
        while not job.finished:
            pending = list(self._refs)
            if not pending:
                break
            ready, _ = ray.wait(pending, num_returns=1, timeout=self.poll)
            if ready:  # whatever else is ready too, without waiting
                ready, _ = ray.wait(pending, num_returns=len(pending), timeout=0)
            self._drain()
            for ref in ready:
                self._collect(ref)
            self.board.tick()

    def _wait_all(self) -> None:
        for job, _ in list(self._refs.values()):
            self._wait(job)

    def close(self) -> None:
        ray = self.ray
        for ref in list(self._refs):
            ray.cancel(ref, force=True)
        self._refs.clear()
        try:
            ray.kill(self._sink)
        except Exception:  # noqa: BLE001 - already gone
            pass
        if self._owns and ray.is_initialized():
            ray.shutdown()
        super().close()
