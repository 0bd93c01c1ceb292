"""Training one shard: the unit of work of every backend (in-process or a Ray task).

:func:`run_shard` trains ``task.shard.config`` with the ordinary trainer, checkpointing into the
shard's own folder and always resuming from the newest checkpoint there: a task that is started
again after its worker died continues where the last checkpoint left it, bit for bit.
Checkpoints land at epochs 1, 2, 4, …, the last one and every
:data:`models.training.CHECKPOINT_EVERY_S` seconds (so a retry repeats at most that much); a
shard keeps its ``keep_checkpoints`` newest (None: all). The result
comes back to the caller, which merges the shards and writes the runs.

Test hook (used by the test suite to kill a worker mid-shard): with ``COGS_TEST_SHARD_PAUSE=DIR``
in a worker's environment, shard number ``COGS_TEST_SHARD_PAUSE_SHARD`` (default 0) of each
job, once it has written a checkpoint at a power-of-two epoch ≥ ``COGS_TEST_SHARD_PAUSE_EPOCH``
(default 1), writes its process id to ``DIR/<key>.pid`` and sleeps up to 60 s — once: not
again after the file exists.
"""

from __future__ import annotations

import typing

import os
import socket
import time
from pathlib import Path

import attrs

from cogs.distributed.plan import Shard
from cogs.sp.objectives import make_objective
from models.training import CHECKPOINT_EVERY_S

PAUSE_ENV = "COGS_TEST_SHARD_PAUSE"


@typing.final
@attrs.frozen
class ShardTask:
    """Everything a worker needs to train one shard (plain, picklable values).

    ``init``: None, or (W_a, W_b, W_c) numpy arrays of one network (every run starts there)
    or of the shard's runs ((R, q, d), (R, q, d), (R, d, q)). ``device``: 'cpu' or 'cuda'
    (on a Ray worker 'cuda' is the GPU Ray assigned). ``threads``: torch CPU threads
    (None: leave torch's default). ``keep_checkpoints``: how many of the newest checkpoints
    the shard keeps (None: all)."""

    shard: Shard
    key: str
    checkpoint_dir: str
    objective: str = "mse"
    init: tuple | None = None
    device: str = "cpu"
    threads: int | None = None
    ident: int = 0
    checkpoint_every: float | None = CHECKPOINT_EVERY_S
    keep_checkpoints: int | None = 1


@typing.final
@attrs.frozen
class ShardOutcome:
    """A finished shard: its :class:`models.training.TrainResult` and how it ran."""

    ident: int
    result: object
    seconds: float
    resumed_from: int
    pid: int
    host: str


def latest_epoch(directory) -> int:
    """Epoch of the newest checkpoint in ``directory`` (0 if none)."""
    from models.training import list_checkpoints

    found = list_checkpoints(directory)
    return found[-1][0] if found else 0


def _pause_hook(task: ShardTask):
    """The test hook of the module doc, or None."""
    where = os.environ.get(PAUSE_ENV)
    if not where or task.shard.number != int(os.environ.get(f"{PAUSE_ENV}_SHARD", "0")):
        return None
    at = int(os.environ.get(f"{PAUSE_ENV}_EPOCH", "1"))
    pid_file = Path(where) / f"{task.key}.pid"

    def hook(epoch: int):
        if epoch >= at and not pid_file.exists():
            tmp = pid_file.with_suffix(".tmp")
            tmp.write_text(str(os.getpid()))
            os.replace(tmp, pid_file)
            time.sleep(60)

    return hook


def run_shard(task: ShardTask, report=None) -> ShardOutcome:
    """Train one shard (see the module doc). ``report(event, ident, **fields)`` receives
    'start' (pid, host, resumed_from), 'progress' (done, total; at most about once a second)
    and 'done' (seconds) events."""
    import torch

    from cogs.sp.dynamics import sp_recorder
    from groups import parse_group
    from models.training import checkpoint_epochs, train

    t0 = time.perf_counter()
    if task.threads:
        torch.set_num_threads(int(task.threads))
    config = attrs.evolve(task.shard.config, device=task.device)
    G = parse_group(config.group)
    objective = make_objective(task.objective, G)  # None for the built-in MSE
    ckpt_dir = Path(task.checkpoint_dir)
    resumed_from = latest_epoch(ckpt_dir)
    pid, host = os.getpid(), socket.gethostname()
    send = report or (lambda *a, **k: None)
    send("start", task.ident, pid=pid, host=host, resumed_from=resumed_from, total=config.epochs)
    ckpts = set(checkpoint_epochs(config.epochs))
    pause = _pause_hook(task)
    last = [0.0]

    def progress(done: int, total: int):
        if done in ckpts and pause is not None:
            pause(done)
        now = time.monotonic()
        if now - last[0] >= 1.0 or done >= total:
            last[0] = now
            send("progress", task.ident, done=done, total=total)

    result = train(config, objective=objective, sp_recorder=sp_recorder, init=task.init, progress=progress,
                   checkpoint_dir=ckpt_dir, resume=True, keep_checkpoints=task.keep_checkpoints,
                   checkpoint_every=task.checkpoint_every)
    seconds = time.perf_counter() - t0
    send("done", task.ident, seconds=seconds)
    return ShardOutcome(task.ident, result, seconds, resumed_from, pid, host)
