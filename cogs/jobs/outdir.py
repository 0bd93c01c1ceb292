"""What a command owns in its output folder, and what it does with a folder used before.

``cogs train``, ``compare`` and ``sweep`` each declare the entries they write at the top of
--out (files, folders, or patterns for families of them). A folder that already holds one of
them is the output of an earlier run, and the command

- refuses it, with one line saying so, unless asked otherwise (no silent data loss);
- with ``overwrite``: deletes what it owns there and starts afresh;
- with ``resume``: deletes what it owns except the checkpoints it resumes from, so that no
  stale run, report or figure of the earlier run survives next to the new ones — but only
  once :func:`check_resume` has found a checkpoint of the same job to continue from (a
  mismatched or missing checkpoint is refused with nothing deleted);
- with both: refuses them (they contradict each other).

Entries it does not own (a user's notes, another tool's files) are never touched, and
symbolic links are removed, never followed.
"""

from __future__ import annotations

import typing

import fnmatch
import re
from pathlib import Path


@typing.final
class FolderInUse(ValueError):
    """--out holds the output of an earlier run and neither overwrite nor resume was asked."""


@typing.final
class CannotResume(ValueError):
    """--resume was asked but --out holds nothing this job can continue (nothing was deleted)."""


def _matches(name: str, owned) -> bool:
    for o in owned:
        if isinstance(o, re.Pattern):
            if o.fullmatch(name):
                return True
        elif name == o or (name.startswith(f".{o}.") and len(name) > len(o) + 2):  # o, or a temporary of o
            return True
    return False


def owned_entries(out, owned) -> list[Path]:
    """The entries at the top of ``out`` that match ``owned`` (names or compiled patterns)."""
    out = Path(out)
    if not out.is_dir():
        return []
    return sorted(p for p in out.iterdir() if _matches(p.name, owned))


def _remove(path: Path, rel: str, keep) -> None:
    if any(fnmatch.fnmatchcase(rel, k) for k in keep):
        return
    if path.is_dir() and not path.is_symlink():
        for child in list(path.iterdir()):
            _remove(child, f"{rel}/{child.name}", keep)
        try:
            path.rmdir()
        except OSError:  # something kept inside
            pass
    else:
        path.unlink(missing_ok=True)


def check_out(out, owned, *, command: str, overwrite: bool = False, resume: bool = False) -> list[Path]:
    """The refusals of :func:`prepare_out`, without touching anything: ``out`` is not a folder,
    ``overwrite`` and ``resume`` together, or a folder in use without either. Returns the
    owned entries found (cheap: meant to run before a backend starts)."""
    out = Path(out)
    if overwrite and resume:
        raise ValueError("--resume and --overwrite exclude each other: --resume continues the earlier "
                         "job, --overwrite deletes it")
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {out}: exists and is not a folder")
    found = owned_entries(out, owned)
    if found and not (overwrite or resume):
        names = _names(found)
        raise FolderInUse(f"--out {out} already holds the output of an earlier `cogs {command}` ({names}); "
                          "pass --overwrite to replace it or --resume to continue it")
    return found


def _names(found) -> str:
    return ", ".join(p.name + ("/" if p.is_dir() else "") for p in found[:4]) + (", …" if len(found) > 4 else "")


def prepare_out(out, owned, *, command: str, overwrite: bool = False, resume: bool = False, keep=()) -> list[Path]:
    """Make ``out`` ready for ``cogs <command>`` (see the module doc); returns what was removed.

    ``keep``: patterns of paths relative to ``out`` (``fnmatch``, e.g. ``"train/checkpoints"``
    or ``"*/checkpoints"``) that survive a resume. With ``resume``, call :func:`check_resume`
    first: this function deletes without asking whether the checkpoints kept fit the job."""
    out = Path(out)
    found = check_out(out, owned, command=command, overwrite=overwrite, resume=resume)
    for p in found:
        _remove(p, p.name, keep if resume else ())
    out.mkdir(parents=True, exist_ok=True)
    return found


# --------------------------------------------------------------------------- resume checks
def _tag(objective) -> str:
    """The trainer's name of an objective (None: 'mse'); a string is taken as the name."""
    from models.training.trainer import _objective_tag

    return objective if isinstance(objective, str) else _objective_tag(objective)


def checkpoint_epoch(directory, config, objective=None) -> int | None:
    """The epoch ``models.training.train(config, objective=…, checkpoint_dir=directory,
    resume=True)`` would continue from: that of the newest readable checkpoint there (None:
    there is none). Raises :class:`CannotResume` where the trainer would refuse it — no
    checkpoint loads, the newest that does belongs to a different job (compared with the
    trainer's own job key), or it is past ``config.epochs``. Reads, never writes."""
    from groups import parse_group
    from models.training import checkpoint as ckpt
    from models.training.trainer import _diff, _resume_key

    try:
        latest, state, _ = ckpt.load_latest_valid(directory)
    except ckpt.CheckpointError as e:
        raise CannotResume(f"--resume: {e}") from None
    if latest is None:
        return None
    key = _resume_key(config, parse_group(config.group), _tag(objective))
    old = state.get("key")
    if isinstance(old, dict) and "optimizer" not in old:  # as the trainer reads checkpoints from before the option
        old = dict(old, optimizer="adam")
    if old != key:
        raise CannotResume(f"--resume: {latest}: checkpoint belongs to a different job ({_diff(old, key)})")
    epoch = int(state.get("epoch", 0))
    if epoch > config.epochs:
        raise CannotResume(f"--resume: {latest}: checkpoint is at epoch {epoch}, beyond --epochs {config.epochs}")
    return epoch


def usable_checkpoints(checkpoints) -> list[Path]:
    """``checkpoints``: ``(directory, config, objective)`` triples; the directories holding a
    checkpoint to continue from. Raises :class:`CannotResume` (saying nothing was deleted)
    for one the trainer would refuse (:func:`checkpoint_epoch`)."""
    usable = []
    for directory, config, objective in checkpoints:
        try:
            epoch = checkpoint_epoch(directory, config, objective)
        except CannotResume as e:
            raise CannotResume(f"{e}; nothing was deleted (rerun with the earlier job's options, or --overwrite "
                               "to replace it)") from None
        if epoch is not None:
            usable.append(Path(directory))
    return usable


def nothing_to_resume(out, found, command: str) -> CannotResume:
    """The refusal of a --resume into ``out``, holding ``found``, without a checkpoint of the job."""
    return CannotResume(f"--resume: --out {out} holds the output of an earlier `cogs {command}` ({_names(found)}) "
                        "but no checkpoint of this job to continue from; nothing was deleted (pass --overwrite "
                        "to replace it)")


def check_resume(out, owned, checkpoints, *, command: str) -> list[Path]:
    """Before ``prepare_out(..., resume=True)`` deletes anything: ``checkpoints`` lists
    ``(directory, config, objective)`` — every place a checkpoint of this job may be (a batch's
    folder, each shard's). Each checkpoint found must belong to the job (:func:`checkpoint_epoch`),
    and when ``out`` holds an earlier run's output at least one must exist: else
    :class:`CannotResume`, with nothing touched. Returns the directories holding checkpoints."""
    usable = usable_checkpoints(checkpoints)
    found = owned_entries(out, owned)
    if found and not usable:
        raise nothing_to_resume(out, found, command)
    return usable
