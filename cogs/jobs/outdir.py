"""What a command owns in its output folder, and what it does with a folder used before.

``cogs train``, ``compare`` and ``sweep`` each declare the entries they write at the top of
--out (files, folders, or patterns for families of them) as :class:`Outputs`. A folder that
already holds one of them is the output of an earlier run, and :func:`prepare_out`

- refuses it, with one line saying so, unless asked otherwise (no silent data loss);
- with ``overwrite``: deletes what the command owns there and starts afresh;
- with ``resume``: deletes what it owns except the checkpoints it resumes from, so that no
  stale run, report or figure of the earlier run survives next to the new ones — but only
  once :func:`check_resume` has found a checkpoint of the same job to continue from (a
  mismatched or missing checkpoint is refused with nothing deleted);
- with both: refuses them (they contradict each other);
- without a folder (``out=None``, a job in memory): does nothing, and refuses ``overwrite``
  or ``resume`` (they are about a folder).

Entries it does not own (a user's notes, another tool's files) are never touched, and
symbolic links are removed, never followed. A refusal names the options as its caller spells
them (``spelling``, :mod:`cogs.jobs.arguments`: the library's ``overwrite=True`` by default,
the command line's ``--overwrite``), and only those the caller takes (``can_resume``).

>>> import tempfile, pathlib
>>> from cogs.jobs.arguments import FLAGS
>>> outputs = Outputs("train", ("summary.json",))
>>> with tempfile.TemporaryDirectory() as folder:
...     _ = (pathlib.Path(folder) / "summary.json").write_text("{}")
...     for kw in (dict(), dict(spelling=FLAGS), dict(can_resume=False)):
...         try:
...             prepare_out(folder, outputs, **kw)
...         except FolderInUse as e:
...             print(str(e).split("(", 1)[1])
summary.json); pass overwrite=True to replace it or resume=True to continue it
summary.json); pass --overwrite to replace it or --resume to continue it
summary.json); pass overwrite=True to replace it
"""

from __future__ import annotations

import typing

import fnmatch
import re
from pathlib import Path

import attrs

from cogs.jobs.arguments import KEYWORDS, Spelling
from cogs.jobs.runs import BATCH_OUTPUTS


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


@typing.final
@attrs.frozen
class Outputs:
    """What ``cogs <command>`` writes at the top of its --out: ``owned``, names and compiled
    patterns (a name also covers its atomic-write temporaries ``.name.…``); ``keep``,
    ``fnmatch`` patterns of paths relative to --out that a resume keeps (the checkpoints it
    continues from)."""

    command: str
    owned: tuple = attrs.field(converter=tuple)
    keep: tuple = attrs.field(converter=tuple, default=())

    def owns(self, name: str) -> bool:
        """Whether an entry called ``name`` at the top of --out is the command's."""
        return _matches(name, self.owned)

    def keeps(self, rel: str) -> bool:
        """Whether a resume keeps the path ``rel`` (relative to --out)."""
        return any(fnmatch.fnmatchcase(rel, k) for k in self.keep)


def owned_entries(out, owned) -> list[Path]:
    """The entries at the top of ``out`` that match ``owned`` (names or compiled patterns)."""
    out = Path(out)
    if not out.is_dir():
        return []
    return sorted(p for p in out.iterdir() if _matches(p.name, owned))


def _remove(path: Path, rel: str, keeps) -> None:
    if keeps(rel):
        return
    if path.is_dir() and not path.is_symlink():
        for child in list(path.iterdir()):
            _remove(child, f"{rel}/{child.name}", keeps)
        try:
            path.rmdir()
        except OSError:  # something kept inside
            pass
    else:
        path.unlink(missing_ok=True)


def check_out(out, outputs: Outputs, *, overwrite: bool = False, resume: bool = False,
              spelling: Spelling = KEYWORDS, can_resume: bool = True) -> list[Path]:
    """The first refusals of :func:`prepare_out`, without touching anything: ``overwrite`` or
    ``resume`` without a folder (``out=None``), both together, ``out`` not a folder, or a
    folder in use without either. Returns the owned entries found (cheap: a command may run it
    before it starts a backend). ``spelling`` names the options in a refusal; ``can_resume``:
    whether the caller takes ``resume`` (a report's ``write`` does not), so that a refusal
    offers only what the caller can pass."""
    if out is None:
        if resume or overwrite:
            raise ValueError("resume and overwrite are about an output folder: pass out=… (or leave them False)")
        return []
    out = Path(out)
    resume_, overwrite_ = spelling.switch("resume"), spelling.switch("overwrite")
    if overwrite and resume:
        raise ValueError(f"{resume_} and {overwrite_} exclude each other: {resume_} continues the earlier "
                         f"job, {overwrite_} deletes it")
    if out.exists() and not out.is_dir():
        raise ValueError(f"{spelling.given('out', out)}: exists and is not a folder")
    found = owned_entries(out, outputs.owned)
    if found and not (overwrite or resume):
        names = _names(found)
        remedy = f"pass {overwrite_} to replace it" + (f" or {resume_} to continue it" if can_resume else "")
        raise FolderInUse(f"{spelling.given('out', out)} already holds the output of an earlier "
                          f"`cogs {outputs.command}` ({names}); {remedy}")
    return found


def _names(found) -> str:
    return ", ".join(p.name + ("/" if p.is_dir() else "") for p in found[:4]) + (", …" if len(found) > 4 else "")


def prepare_out(out, outputs: Outputs, *, overwrite: bool = False, resume: bool = False, parts=(),
                spelling: Spelling = KEYWORDS, can_resume: bool = True) -> list[Path]:
    """Make ``out`` ready for ``cogs <command>`` (see the module doc); returns what was removed
    (nothing for ``out=None``, a job in memory).

    The one place a job deletes, after every refusal: :func:`check_out`, then with ``resume``
    :func:`check_resume` on ``parts`` (where the job's checkpoints may be); only then are the
    owned entries removed — with ``resume``, all but the paths ``outputs.keep`` names.
    ``spelling`` and ``can_resume``: how a refusal names the options (:func:`check_out`)."""
    found = check_out(out, outputs, overwrite=overwrite, resume=resume, spelling=spelling, can_resume=can_resume)
    if out is None:
        return found
    out = Path(out)
    if resume:
        check_resume(out, outputs, parts, spelling=spelling)
    for p in found:
        _remove(p, p.name, outputs.keeps if resume else (lambda rel: False))
    out.mkdir(parents=True, exist_ok=True)
    return found


# --------------------------------------------------------------------------- resume checks
def _usable(places, spelling: Spelling) -> list[Path]:
    """``places``: ``(folder, config, objective)`` triples; the folders holding a checkpoint to
    continue from. Raises :class:`CannotResume` (saying nothing was deleted) for one that
    :func:`models.training.trainer.resume_point` — the trainer's own check — refuses."""
    from models.training.checkpoint import CheckpointError
    from models.training.trainer import resume_point

    usable = []
    for folder, config, objective in places:
        try:
            point = resume_point(config, folder, objective=objective)
        except CheckpointError as e:
            raise CannotResume(f"{spelling.switch('resume')}: {e}; nothing was deleted (rerun with the earlier job's "
                               f"options, or {spelling.switch('overwrite')} to replace it)") from None
        if point is not None:
            usable.append(Path(folder))
    return usable


def _nothing_to_resume(out, found, command: str, spelling: Spelling) -> CannotResume:
    return CannotResume(f"{spelling.switch('resume')}: {spelling.given('out', out)} holds the output of an earlier "
                        f"`cogs {command}` ({_names(found)}) but no checkpoint of this job to continue from; nothing "
                        f"was deleted (pass {spelling.switch('overwrite')} to replace it)")


def check_resume(out, outputs: Outputs, parts, *, spelling: Spelling = KEYWORDS) -> list[Path]:
    """Whether a job can continue what ``out`` holds, before anything is deleted; the folders
    holding the checkpoints it continues from. Raises :class:`CannotResume`, touching nothing
    (naming the options as ``spelling`` spells them).

    ``parts``: ``[(grid, places), …]``, one per batch the job trains. ``grid`` is the folder
    of ``out`` its runs go to when a job trains several batches into folders of their own (a
    sweep's grids), None otherwise; ``places`` is every ``(folder, config, objective)`` where
    a checkpoint of that batch may be (:meth:`cogs.distributed.Runner.checkpoint_places`:
    the batch's checkpoint folder, or each shard's). The rules:

    - every checkpoint found must be one the trainer continues
      (:func:`models.training.trainer.resume_point`: same job, not past its epochs);
    - with grids, a folder ``out`` holds among the owned ones must be one of them (or kept:
      the shards), and a grid holding runs must have a checkpoint to continue from;
    - when ``out`` holds any output of an earlier run, some checkpoint must be there.
    """
    out = Path(out)
    parts = list(parts)
    found = owned_entries(out, outputs.owned)
    grids = {grid for grid, _ in parts if grid is not None}
    if found and grids:
        stray = [p.name for p in found if p.is_dir() and p.name not in grids and not outputs.keeps(p.name)]
        if stray:
            raise CannotResume(f"{spelling.switch('resume')}: {spelling.given('out', out)} holds {stray[0]}/, a grid "
                               f"of an earlier {outputs.command} that this one does not train (another "
                               f"{spelling.option('preset')} or {spelling.option('scale')}?); nothing was deleted "
                               f"(pass {spelling.switch('overwrite')} to replace it)")
    usable: list[Path] = []
    for grid, places in parts:
        here = _usable(places, spelling)
        if grid is not None and not here:
            runs = owned_entries(out / grid, BATCH_OUTPUTS)
            if runs:
                raise _nothing_to_resume(out / grid, runs, outputs.command, spelling)
        usable += here
    if found and not usable:
        raise _nothing_to_resume(out, found, outputs.command, spelling)
    return usable
