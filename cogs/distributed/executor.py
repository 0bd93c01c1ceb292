"""Executors: runners (:mod:`cogs.distributed.runner`) that train a job as shards and hand
back one merged result per job.

``executor.train(config, objective=..., init=...)`` plans the job's shards, trains them (here,
in this process, one after the other; :class:`cogs.distributed.ray_backend.RayExecutor` as Ray
tasks), merges their results in the job's run order and returns a ``TrainResult``, as one
batch would. ``prefetch(jobs)`` announces jobs that ``train`` will ask for later, so a parallel
backend can start all their shards at once; here it does nothing.

Each shard checkpoints into ``work_dir/<shard key>`` (not into the ``checkpoint_dir`` a job
offers) and resumes from there when it runs again (``resume=True`` keeps the folders of an
earlier run; otherwise a shard's folder is cleared before it starts — callers guard a used
folder with :mod:`cogs.jobs.outdir`). Shard folders stay after the merge, as the one-batch
trainer's checkpoints do, so that resuming a job (or a sweep) whose shards finished trains
nothing again; ``keep_checkpoints`` is the number of newest checkpoints each shard keeps
(None: all), the trainer's ``keep_checkpoints`` per shard. :meth:`Executor.checkpoint_places`
tells where a job's shards checkpoint before anything runs.

A shard that raises is reported (``failures``, a FAILED line) and the job is merged from the
shards that finished (the result then holds only their runs). When none did, ``train`` waits
for every other submitted shard (they checkpoint, so a rerun with ``resume`` reuses them) and
raises :class:`ShardsFailed`.
"""

from __future__ import annotations

import abc
import typing

import hashlib
import shutil
from pathlib import Path

import attrs
import numpy as np

from cogs.distributed.gather import merge_results
from cogs.distributed.plan import Shard, plan_shards, shard_key
from cogs.distributed.progress import ShardBoard, stderr_line
from cogs.distributed.runner import Runner
from cogs.distributed.shard import ShardTask, run_shard
from models.training.checkpoint import check_keep_checkpoints


@typing.final
class ShardsFailed(RuntimeError):
    """Every shard of a job failed (the message lists why)."""


def shard_objective(objective) -> str:
    """The name of a job's objective as a shard carries it to its worker, which rebuilds it
    with :func:`cogs.sp.objectives.make_objective`: 'mse' for None, a named objective's name
    (:func:`models.training.trainer.objective_name`), or the name itself; anything else is
    refused."""
    from cogs.sp.objectives import OBJECTIVES
    from models.training.trainer import objective_name

    name = objective_name(objective)
    if name not in OBJECTIVES:
        raise ValueError(f"sharded training needs a named objective ({', '.join(OBJECTIVES)}), got {objective!r}")
    return name


def init_arrays(init, group_spec: str):
    """None, or the (W_a, W_b, W_c) float64 numpy arrays of ``init`` (a path, a network, or a
    tuple of arrays/tensors)."""
    if init is None:
        return None
    from models.training.trainer import init_weights

    return tuple(np.ascontiguousarray(w.numpy()) for w in init_weights(init, group_spec))


def _digest(arrays) -> str | None:
    if arrays is None:
        return None
    h = hashlib.sha256()
    for a in arrays:
        h.update(str(a.shape).encode())
        h.update(a.tobytes())
    return h.hexdigest()[:16]


def _slice_init(init, shard: Shard):
    if init is None or init[0].ndim == 2:
        return init
    idx = np.asarray(shard.indices)
    return tuple(w[idx] for w in init)


@typing.final
@attrs.define
class Job:
    """One training job and the state of its shards."""

    config: object
    objective: str
    tasks: list
    outcomes: dict = attrs.Factory(dict)  # ident -> ShardOutcome
    errors: dict = attrs.Factory(dict)  # ident -> message
    merged: object = None

    @property
    def finished(self) -> bool:
        return all(t.ident in self.outcomes or t.ident in self.errors for t in self.tasks)


class Executor(Runner):
    """Base executor; see the module doc. Subclasses implement ``_submit`` and ``_wait``."""

    backend = "local"

    def __init__(self, work_dir, *, runs_per_shard: int | None = None, resume: bool = False,
                 keep_checkpoints: int | None = 1, threads: int | None = None, log=stderr_line,
                 interval: float | None = 10.0):
        if runs_per_shard is not None and int(runs_per_shard) < 1:
            raise ValueError(f"runs per shard must be ≥ 1, got {runs_per_shard}")
        check_keep_checkpoints(keep_checkpoints)
        self.work_dir = Path(work_dir)
        self.runs_per_shard = None if runs_per_shard is None else int(runs_per_shard)
        self.resume = bool(resume)
        self.keep_checkpoints = keep_checkpoints
        self.threads = threads
        self.board = ShardBoard(log, interval)
        self.jobs: dict = {}
        self._failures: list[dict] = []
        self._next = 0

    # --- planning -------------------------------------------------------------------------
    def plan(self, config) -> tuple[list[Shard], str]:
        """The job's shards and the device they run on ('cpu' or 'cuda')."""
        from models.training import resolve_device

        return plan_shards(config, self.runs_per_shard), resolve_device(config.device).type

    def checkpoint_places(self, config, objective=None, checkpoint_dir=None, init=None) -> list[tuple]:
        """Where each shard of the job checkpoints, ``[(folder, shard config, objective), …]``, as
        ``train`` would plan them (``checkpoint_dir`` plays no part: shards checkpoint in the work
        folder); starts and writes nothing (for :func:`cogs.jobs.outdir.check_resume`)."""
        arrays = init_arrays(init, config.group)
        digest = _digest(arrays)
        name = shard_objective(objective)
        return [(self.work_dir / shard_key(shard, name, digest), shard.config, objective, _slice_init(arrays, shard))
                for shard in self.plan(config)[0]]

    def _job(self, config, objective=None, init=None) -> Job:
        name = shard_objective(objective)
        arrays = init_arrays(init, config.group)
        digest = _digest(arrays)
        key = (config, name, digest)
        job = self.jobs.get(key)
        if job is not None:
            return job
        shards, device = self.plan(config)
        tasks = []
        for shard in shards:
            skey = shard_key(shard, name, digest)
            folder = self.work_dir / skey
            if not self.resume and folder.exists():
                shutil.rmtree(folder)
            task = ShardTask(shard=shard, key=skey, checkpoint_dir=str(folder.resolve()), objective=name,
                             init=_slice_init(arrays, shard), device=device, threads=self._threads(device),
                             ident=self._next, keep_checkpoints=self.keep_checkpoints)
            self._next += 1
            self.board.add(task.ident, shard.label(), config.epochs, shard.n_runs)
            tasks.append(task)
        job = self.jobs[key] = Job(config, name, tasks)
        self._submit(job)
        return job

    def _threads(self, device: str) -> int | None:
        return self.threads

    # --- the public interface -----------------------------------------------------------
    def prefetch(self, jobs) -> None:
        """Announce jobs: an iterable of ``(config, objective)`` or ``(config, objective, init)``."""
        for job in jobs:
            self._job(*job)

    def train(self, config, *, objective=None, init=None, checkpoint_dir=None, progress=None):
        """Train ``config`` as shards and return the merged ``TrainResult`` (see module doc);
        ``checkpoint_dir`` and ``progress`` play no part (the shards checkpoint in the work
        folder and report on the executor's board)."""
        job = self._job(config, objective, init)
        if job.merged is None:
            self._wait(job)
            self.board.tick(force=True)
            results = [job.outcomes[t.ident].result if t.ident in job.outcomes else None for t in job.tasks]
            if all(r is None for r in results):
                self._wait_all()  # let every other shard finish and checkpoint: a rerun with --resume reuses them
                self.board.tick(force=True)
                raise ShardsFailed(f"every shard of {config.group} q={config.q} failed ("
                                   + "; ".join(job.errors[t.ident] for t in job.tasks)
                                   + "); the other shards finished and kept their checkpoints: rerun with --resume")
            job.merged, missing = merge_results(config, [t.shard for t in job.tasks], results)
            job.outcomes = {i: attrs.evolve(o, result=None) for i, o in job.outcomes.items()}  # merged: free the parts
            # the shard folders stay: a resumed job (or sweep) continues from them instead of training again
        return job.merged

    @property
    def failures(self) -> list[dict]:
        """Shards that raised: shard, key, label, error."""
        return self._failures

    def shard_records(self) -> list[dict]:
        """Per shard: label, state, attempts, host, pid, seconds, resumed_from, error."""
        return [dict(s, ident=i) for i, s in sorted(self.board.shards.items())]

    def close(self) -> None:
        """Release the backend; remove the work folder if nothing is left in it."""
        try:
            self.work_dir.rmdir()
        except OSError:
            pass

    # --- bookkeeping shared by the backends -------------------------------------------------
    def _finished(self, job: Job, outcome) -> None:
        job.outcomes[outcome.ident] = outcome
        self.board.event("done", outcome.ident, seconds=outcome.seconds)

    def _failed(self, job: Job, task: ShardTask, message: str) -> None:
        job.errors[task.ident] = message
        self._failures.append({"shard": task.ident, "key": task.key, "label": task.shard.label(), "error": message})
        self.board.event("failed", task.ident, error=message)

    def _wait_all(self) -> None:
        """Wait for every submitted shard (a parallel backend's outstanding work)."""

    @abc.abstractmethod
    def _submit(self, job: Job) -> None:
        """Start the job's shards (or leave them to ``_wait``)."""

    @abc.abstractmethod
    def _wait(self, job: Job) -> None:
        """Return once every shard of ``job`` has finished or failed."""


def short_error(e: BaseException) -> str:
    """One line for a failed shard: the exception's type and the first line of its message.

    >>> short_error(ValueError("bad q\\nmore detail"))
    'ValueError: bad q'
    """
    text = str(e).strip().splitlines()
    return f"{type(e).__name__}: {text[0] if text else ''}".rstrip(": ")


@typing.final
class LocalExecutor(Executor):
    """Shards one after the other in this process (the same shard plan and merge as Ray)."""

    backend = "local"

    def check(self, config) -> None:
        """The device must exist here (each shard is sized when it is planned)."""
        from models.training import resolve_device

        resolve_device(config.device)

    def _submit(self, job: Job) -> None:
        pass  # shards run when the job is asked for

    def _wait(self, job: Job) -> None:
        for task in job.tasks:
            if task.ident in job.outcomes or task.ident in job.errors:
                continue
            try:
                outcome = run_shard(task, report=self.board.event)
            except Exception as e:  # noqa: BLE001 - a shard's own failure is reported, the rest go on
                self._failed(job, task, short_error(e))
                continue
            self._finished(job, outcome)
            self.board.tick()
