"""Training checkpoints: ``DIR/epoch_{e:07d}.pt`` written atomically with ``torch.save`` and
read back with ``torch.load(weights_only=True)`` (tensors, numbers, strings, lists, dicts only).

A checkpoint at epoch e holds the state after e optimizer steps: weights, optimizer state
(Adam moments and step count), the alive/diverged state of each run, the train masks, and the
metrics history of the epochs evaluated before e — everything needed to continue bit for bit.
So the newest checkpoint alone is what a resume needs (its history also holds every metric and
SP record the reports and figures are drawn from); :func:`prune_checkpoints` drops the others.

A process killed while writing one (kill -9, power loss) leaves the previous checkpoints intact
and at most a temporary file ``.epoch_….pt.*.tmp`` behind; :func:`remove_temporaries` deletes
those, and the trainer calls it before it starts or resumes.
"""

from __future__ import annotations

import typing

import re
from pathlib import Path

import torch

from models.atomic import atomic_open
from models.training.config import CHECKPOINT_EVERY_S  # noqa: F401  (defined there, torch-free; re-exported)

FORMAT = "cogs-train-checkpoint"
VERSION = 1
_NAME = re.compile(r"epoch_(\d+)\.pt")
_TEMPORARY = re.compile(r"\.epoch_\d+\.pt\..*\.tmp")  # what models.atomic leaves when killed mid-write


@typing.final
class CheckpointError(ValueError):
    """A checkpoint that is unreadable or does not belong to the job being resumed."""


def checkpoint_path(directory, epoch: int) -> Path:
    return Path(directory) / f"epoch_{int(epoch):07d}.pt"


def list_checkpoints(directory) -> list[tuple[int, Path]]:
    d = Path(directory)
    if not d.is_dir():
        return []
    out = []
    for p in d.iterdir():
        m = _NAME.fullmatch(p.name)
        if m and p.is_file():
            out.append((int(m.group(1)), p))
    return sorted(out)


def latest_checkpoint(directory) -> Path | None:
    found = list_checkpoints(directory)
    return found[-1][1] if found else None


def load_latest_valid(directory) -> tuple[Path | None, dict | None, list[str]]:
    """The newest checkpoint that loads, newest first: (path, state, problems) where
    ``problems`` lists the newer checkpoints that were unreadable (and skipped). Raises the
    newest one's error if none loads; (None, None, []) when there are none."""
    found = list_checkpoints(directory)
    problems: list[str] = []
    first_error = None
    for _, path in reversed(found):
        try:
            return path, load_checkpoint(path), problems
        except CheckpointError as e:
            first_error = first_error or e
            problems.append(str(e))
    if first_error is not None:
        raise first_error
    return None, None, []


def clear_checkpoints(directory) -> None:
    for _, p in list_checkpoints(directory):
        p.unlink()
    remove_temporaries(directory)


def remove_temporaries(directory) -> list[Path]:
    """Delete the temporary files of checkpoint writes that never finished (their writer is
    gone: :func:`models.atomic.clean_stale_temps`; or older temporaries, which carry no writer
    id); returns them."""
    from models.atomic import clean_stale_temps

    d = Path(directory)
    if not d.is_dir():
        return []
    gone = list(clean_stale_temps(d))
    for p in d.iterdir():
        if _TEMPORARY.fullmatch(p.name) and ".cogs-" not in p.name and p.is_file():
            p.unlink(missing_ok=True)
            gone.append(p)
    return gone


def check_keep_checkpoints(keep) -> None:
    """Refuse a ``keep_checkpoints`` that is not an integer ≥ 1 or None (keep all)."""
    if keep is not None and (isinstance(keep, bool) or not isinstance(keep, int) or keep < 1):
        raise ValueError(f"keep_checkpoints must be an integer ≥ 1 or None (all), got {keep!r}")


def prune_checkpoints(directory, keep: int) -> list[Path]:
    """Keep the ``keep`` newest checkpoints (at least one), delete the older ones; returns
    the deleted paths."""
    found = list_checkpoints(directory)
    gone = [p for _, p in found[: max(0, len(found) - max(1, int(keep)))]]
    for p in gone:
        p.unlink(missing_ok=True)
    return gone


def save_checkpoint(directory, epoch: int, state: dict) -> Path:
    path = checkpoint_path(directory, epoch)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"format": FORMAT, "version": VERSION, "epoch": int(epoch), **state}
    try:
        with atomic_open(path, "wb") as f:
            torch.save(payload, f)
    except RuntimeError as e:  # torch's writer reports a failed write as "[enforce fail at …]"
        raise _write_error(path, e) from None
    return path


def _write_error(path: Path, e: Exception) -> OSError:
    """What a failed ``torch.save`` means: a full disk (ENOSPC) when the folder has no room
    left, else an OSError naming the file and torch's first line."""
    import errno
    import shutil

    try:
        free = shutil.disk_usage(path.parent).free
    except OSError:
        free = None
    first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    if free is not None and free < (64 << 20):
        return OSError(errno.ENOSPC, f"No space left on device ({free} bytes free)", str(path))
    return OSError(errno.EIO, f"could not write the checkpoint ({first[:160]})", str(path))


def load_checkpoint(path) -> dict:
    from models.training.checkpoint_checks import check_file, check_state

    path = Path(path)
    check_file(path, CheckpointError)  # a regular file within the size limits, before reading
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as e:  # noqa: BLE001 - any unpickling failure is a bad file
        raise CheckpointError(f"{path}: unreadable checkpoint ({str(e).splitlines()[0] if str(e) else type(e).__name__})") from None
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise CheckpointError(f"{path}: not a cogs training checkpoint")
    if state.get("version") != VERSION:
        raise CheckpointError(f"{path}: checkpoint version {state.get('version')} not supported")
    check_state(path, state, CheckpointError)  # epoch agrees with the name; no NaN in active runs
    return state
