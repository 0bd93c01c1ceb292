"""Runners: what trains the batches of a job. ``cogs.train``, ``cogs.compare`` and
``cogs.sweep`` take one as ``runner=`` and hand it every :class:`models.training.TrainConfig`
they train; the runner decides how (one batch here, shards here or on Ray) and where the
checkpoints go.

A :class:`Runner` implements two methods:

- ``train(config, *, objective=None, init=None, checkpoint_dir=None, progress=None)`` returns
  the job's :class:`models.training.TrainResult` (runs in the job's order).
  ``checkpoint_dir`` is the folder the job gives this batch's checkpoints (None: none, the
  job keeps nothing on disk); a runner may checkpoint elsewhere, and says where in
- ``checkpoint_places(config, objective=None, checkpoint_dir=None, init=None)``: every
  ``(folder, config, objective)`` whose checkpoint ``train`` would continue from — for the
  resume check of :func:`cogs.jobs.outdir.check_resume`, before anything is deleted. Starts
  and writes nothing.

and may override :meth:`~Runner.check` (refuse a job before its output folder is touched),
:meth:`~Runner.prefetch` (jobs announced up front, so that a parallel runner can start them
all at once) and :meth:`~Runner.close`. ``resume`` says whether ``train`` continues from the
checkpoints it finds (else it starts afresh); ``failures`` lists what failed without stopping
the job (shards).

:class:`BatchRunner` trains every run of a job as one batch in this process (the trainer of
:mod:`models.training`); the shard executors (:class:`cogs.distributed.LocalExecutor`,
:class:`cogs.distributed.ray_backend.RayExecutor`) cut it into shards.

>>> from models.training import TrainConfig
>>> runner = BatchRunner(keep_checkpoints=2)
>>> result = runner.train(TrainConfig(group="Z5", q=8, epochs=3, seeds=(1, 2), device="cpu"))
>>> [r.seed for r in result.runs], runner.failures
([1, 2], [])
"""

from __future__ import annotations

import abc
import contextlib
import typing
from pathlib import Path

from models.training.config import CHECKPOINT_EVERY_S


class Runner(abc.ABC):
    """What trains the batches of a job (see the module doc)."""

    #: whether ``train`` continues from the checkpoints it finds (else it starts afresh)
    resume: bool = False

    @abc.abstractmethod
    def train(self, config, *, objective=None, init=None, checkpoint_dir=None, progress=None):
        """Train every run of ``config``; the :class:`models.training.TrainResult`.
        ``objective``: None (the MSE) or a named objective (:func:`cogs.sp.objectives.make_objective`);
        ``init``: None, a weights-file path, a network or weights (:func:`models.training.initial_state`);
        ``progress``: callable ``(epochs_done, epochs_total)``."""

    @abc.abstractmethod
    def checkpoint_places(self, config, objective=None, checkpoint_dir=None, init=None) -> list[tuple]:
        """``[(folder, config, objective, init), …]``: where ``train`` with these arguments would
        look for checkpoints to continue from (a sub-job's config for each of its parts), and the
        initial weights it starts from (compared with the checkpoint's)."""

    def check(self, config) -> None:
        """Refuse ``config`` (a ValueError, one line) before the job touches its output folder;
        here: nothing to refuse."""

    def prefetch(self, jobs) -> None:
        """Jobs ``[(config, objective), …]`` that ``train`` will be asked for; here: nothing."""

    @property
    def failures(self) -> list[dict]:
        """Parts of jobs that failed while the rest went on (each: label, error); here: none."""
        return []

    def close(self) -> None:
        """Release what the runner holds; here: nothing."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


@typing.final
class BatchRunner(Runner):
    """Every run of a job as one batch in this process (:func:`models.training.train`).

    ``resume``: continue from the newest checkpoint in ``checkpoint_dir`` (a fresh start when
    there is none). ``keep_checkpoints``: the newest checkpoints kept (None: all).
    ``checkpoint_every``: also a checkpoint when this many seconds have passed (None: only at
    epochs 1, 2, 4, … and the last). ``log``: the trainer's notes (where a resume starts).
    ``threads``: torch CPU threads while training (None: leave them as they are)."""

    def __init__(self, *, resume: bool = False, keep_checkpoints: int | None = None,
                 checkpoint_every: float | None = CHECKPOINT_EVERY_S, log=None, threads: int | None = None):
        from models.training.checkpoint import check_keep_checkpoints

        check_keep_checkpoints(keep_checkpoints)
        if threads is not None and (isinstance(threads, bool) or not isinstance(threads, int) or threads < 1):
            raise ValueError(f"threads must be an integer ≥ 1 or None, got {threads!r}")
        self.resume = bool(resume)
        self.keep_checkpoints = keep_checkpoints
        self.checkpoint_every = checkpoint_every
        self.log = log
        self.threads = threads

    def check(self, config) -> None:
        """The device must exist here and the job fit this process's limits as one batch
        (:func:`models.training.config.check_size`)."""
        from models.training.config import check_size, resolve_device

        check_size(config, resolve_device(config.device))

    def train(self, config, *, objective=None, init=None, checkpoint_dir=None, progress=None):
        from cogs.sp.dynamics import sp_recorder
        from models.devices import torch_threads
        from models.training import train  # looked up at each call (tests replace it)

        with torch_threads(self.threads) if self.threads is not None else contextlib.nullcontext():
            return train(config, objective=objective, sp_recorder=sp_recorder, init=init, progress=progress,
                         checkpoint_dir=checkpoint_dir, resume=self.resume, keep_checkpoints=self.keep_checkpoints,
                         checkpoint_every=self.checkpoint_every, log=self.log)

    def checkpoint_places(self, config, objective=None, checkpoint_dir=None, init=None) -> list[tuple]:
        return [] if checkpoint_dir is None else [(Path(checkpoint_dir), config, objective, init)]

    def __repr__(self) -> str:
        return f"BatchRunner(resume={self.resume}, keep_checkpoints={self.keep_checkpoints})"


#: how many of the newest checkpoints a job keeps per batch or shard unless told otherwise: the
#: newest holds everything a resume and the reports need (metrics history included), and one spare
KEEP_CHECKPOINTS = 2


def job_runner(runner, *, resume: bool, keep_checkpoints: int | None = KEEP_CHECKPOINTS, threads: int | None = None,
               log=None):
    """The runner a job trains with: ``runner`` itself, checked, or a :class:`BatchRunner`
    with these settings when it is None (one batch in this process, from the job's own
    settings). With a runner, the settings that would make one (``keep_checkpoints``,
    ``threads``, ``log``) are refused — give them to the runner — and ``resume`` must be the
    runner's own.

    >>> job_runner(None, resume=False)
    BatchRunner(resume=False, keep_checkpoints=2)
    >>> job_runner(None, resume=True, keep_checkpoints=None).keep_checkpoints is None   # None: keep all
    True
    """
    if runner is None:
        return BatchRunner(resume=resume, keep_checkpoints=keep_checkpoints, log=log, threads=threads)
    if not isinstance(runner, Runner):
        raise TypeError(f"runner must be a cogs.distributed.Runner (BatchRunner, LocalExecutor, RayExecutor or a "
                        f"subclass of your own), got {type(runner).__name__}")
    given = [name for name, set_ in (("keep_checkpoints", keep_checkpoints != KEEP_CHECKPOINTS),
                                     ("threads", threads is not None), ("log", log is not None)) if set_]
    if given:
        raise ValueError(f"{', '.join(given)}: settings of the runner, not of the job; with runner= give them to the "
                         f"runner you make, e.g. BatchRunner({given[0]}=…)")
    if bool(resume) != bool(runner.resume):
        raise ValueError(f"resume={bool(resume)} but the runner was made with resume={bool(runner.resume)}: make "
                         f"the runner with resume={bool(resume)}")
    return runner
