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
symbolic links are removed, never followed.

Ownership is by record, not by name: while a job holds its folder, every file it writes there
is appended to the folder's manifest (``DIR/.cogs-manifest``, one JSON line per file, written
before the file appears; folders the job creates for its checkpoints are recorded whole, since
a sharded job's workers write into them). A folder "holds the output of an earlier run" when
the manifest lists something there; ``overwrite`` deletes exactly the files listed (and the
folders that become empty), so a user's file inside --out — even inside a run's folder —
survives. An entry whose name a command writes but that no manifest lists (a user's own
``train/`` or ``Z23/``, or the output of a CoGS too old to keep a manifest) is refused with one
line and never deleted: move it, or choose another folder.

One job at a time: :func:`prepare_out` takes an exclusive lock on the folder (``flock`` on
``DIR/.cogs-lock``, which records the holder's host, process id, command and start time) before
it looks at or deletes anything, and the job keeps it until :func:`release_out`; a second job on
the same folder — from this machine or another sharing the filesystem, where it supports locks —
is refused with one line naming the holder (:class:`FolderLocked`), and nothing of the first is
touched. The lock dies with the process that holds it (a killed job leaves no stale lock). A refusal names the options as its caller spells
them (``spelling``, :mod:`cogs.jobs.arguments`: the library's ``overwrite=True`` by default,
the command line's ``--overwrite``), and only those the caller takes (``can_resume``).

>>> import tempfile, pathlib
>>> from cogs.jobs.arguments import FLAGS
>>> outputs = Outputs("train", ("summary.json",))
>>> with tempfile.TemporaryDirectory() as folder:
...     _ = (pathlib.Path(folder) / "summary.json").write_text("{}")
...     _ = (pathlib.Path(folder) / MANIFEST_NAME).write_text('{"command": "train", "file": "summary.json"}\\n')
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
from models.atomic import clean_stale_temps, is_temporary


@typing.final
class FolderInUse(ValueError):
    """--out holds the output of an earlier run and neither overwrite nor resume was asked."""


@typing.final
class ForeignEntries(ValueError):
    """--out holds entries a command would write that no cogs job recorded writing."""


#: the manifest at the top of an output folder: what cogs jobs wrote there
MANIFEST_NAME = ".cogs-manifest"
#: the largest manifest read (a hostile or damaged one is refused, not read)
MANIFEST_MAX_BYTES = 64 << 20


def read_manifest(out) -> tuple[set, set]:
    """(files, trees): the paths (relative to ``out``, POSIX) cogs jobs recorded writing there,
    and the folders they recorded as wholly theirs. A missing manifest is empty; malformed
    lines are skipped (a line cut short by a killed process among them)."""
    import json

    from models.safe_files import check_regular_file

    path = Path(out) / MANIFEST_NAME
    files, trees = set(), set()
    if not path.exists() and not path.is_symlink():
        return files, trees
    check_regular_file(path, MANIFEST_MAX_BYTES, what="manifest")
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if not isinstance(entry, dict):
                continue
            for key, into in (("file", files), ("tree", trees)):
                rel = entry.get(key)
                if isinstance(rel, str) and _safe_rel(rel):
                    into.add(rel)
    return files, trees


def _safe_rel(rel: str) -> bool:
    """A relative path inside the folder (no absolute path, no '..', no empty part)."""
    parts = rel.split("/")
    return bool(rel) and not rel.startswith("/") and all(p not in ("", ".", "..") for p in parts)


def _append_manifest(out: Path, command: str, **entry) -> None:
    import json

    with open(out / MANIFEST_NAME, "a", encoding="utf-8") as f:
        f.write(json.dumps({"command": command, **entry}) + "\n")
        f.flush()


def _write_manifest(out: Path, files, trees, command: str) -> None:
    import json

    from models.atomic import write_text

    lines = [json.dumps({"command": command, "tree": r}) for r in sorted(trees)]
    lines += [json.dumps({"command": command, "file": r}) for r in sorted(files)]
    if lines:
        write_text(out / MANIFEST_NAME, "\n".join(lines) + "\n")
    else:
        (out / MANIFEST_NAME).unlink(missing_ok=True)


def _under(rel: str, top: str) -> bool:
    return rel == top or rel.startswith(top + "/")


def recorded(out, name: str, files=None, trees=None) -> bool:
    """Does the manifest of ``out`` list anything under the top-level entry ``name``?"""
    if files is None:
        files, trees = read_manifest(out)
    return any(_under(r, name) for r in files) or any(_under(r, name) or _under(name, r) for r in trees)


@typing.final
class FolderLocked(ValueError):
    """--out is in use by another running job (its host and process id are named)."""


#: the lock file at the top of an output folder
LOCK_NAME = ".cogs-lock"
# folders this process holds the lock of: resolved path → [open file, hold count]
_held: dict = {}


def lock_out(out, command: str) -> None:
    """Take the exclusive lock of ``out`` (created if missing) for ``cogs <command>``, or raise
    :class:`FolderLocked` naming the job that holds it. Re-entrant within this process (a job
    that writes its report after training holds it once more); :func:`release_out` undoes one
    call."""
    import json
    import os
    import socket
    import time

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    key = str(out.resolve())
    if key in _held:
        _held[key][1] += 1
        return
    try:
        import fcntl
    except ImportError:  # no POSIX locks on this system: nothing to take
        _held[key] = [None, 1, _recorder(out, command)]
        return
    f = open(out / LOCK_NAME, "a+")
    try:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:  # held by another process
        f.seek(0)
        try:
            holder = json.loads(f.read() or "{}")
        except ValueError:
            holder = {}
        f.close()
        who = (f"`cogs {holder.get('command', '?')}` on host {holder.get('host', '?')}, process {holder.get('pid', '?')}, "
               f"since {holder.get('since', '?')}") if holder else "another cogs job"
        raise FolderLocked(f"{out} is in use by {who}; wait for it to end or choose another output folder") from None
    except OSError as e:  # a filesystem without locks (NFS without lockd, …): go on unlocked, saying so
        import warnings

        warnings.warn(f"{out}: cannot lock the output folder ({e.strerror or e}); another job could use it at the same "
                      "time", RuntimeWarning, stacklevel=3)
    f.seek(0)
    f.truncate()
    f.write(json.dumps({"command": command, "host": socket.gethostname(), "pid": os.getpid(),
                        "since": time.strftime("%Y-%m-%d %H:%M:%S")}))
    f.flush()
    _held[key] = [f, 1, _recorder(out, command)]


def _recorder(out: Path, command: str):
    """Record every file this process writes into ``out`` in its manifest (models.atomic's
    write hook), each once."""
    from models.atomic import add_recorder

    seen: set = set()  # what this job appended (a path written again is listed once)

    def note(rel: str) -> None:
        if rel in seen or rel in (MANIFEST_NAME, LOCK_NAME):
            return
        seen.add(rel)
        _append_manifest(out, command, file=rel)

    return add_recorder(out, note)


def release_out(out) -> None:
    """Give back one hold of ``out``'s lock (the file stays; the lock is released with the last)."""
    if out is None:
        return
    key = str(Path(out).resolve())
    entry = _held.get(key)
    if entry is None:
        return
    entry[1] -= 1
    if entry[1] > 0:
        return
    del _held[key]
    from models.atomic import remove_recorder

    remove_recorder(entry[2])
    f = entry[0]
    if f is not None:
        f.seek(0)
        f.truncate()
        f.close()  # closing releases the flock


def _holds(out) -> int:
    entry = _held.get(str(Path(out).resolve())) if out is not None else None
    return 0 if entry is None else entry[1]


def releases_out(fn):
    """Decorate a job function taking ``out``: every hold of its lock the call takes
    (:func:`prepare_out`) is given back when it returns or raises."""
    import functools
    import inspect

    sig = inspect.signature(fn)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        out = sig.bind_partial(*args, **kwargs).arguments.get("out")
        before = _holds(out)
        try:
            return fn(*args, **kwargs)
        finally:
            while _holds(out) > before:
                release_out(out)

    return wrapper


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
    ``resume`` without a folder (``out=None``), both together, ``out`` not a folder, entries
    the command would write that no manifest records (:class:`ForeignEntries`), or a folder in
    use without ``overwrite`` or ``resume``. Returns the owned entries found (cheap: a command may run it
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
    files, trees = read_manifest(out)
    # a temporary of an atomic write (.name.cogs-host-pid-…) is a cogs job's, killed mid-write
    foreign = [p for p in found if not recorded(out, p.name, files, trees) and not is_temporary(p.name)]
    if foreign:
        raise ForeignEntries(f"{spelling.given('out', out)} holds {_names(foreign)}, which `cogs {outputs.command}` "
                             "would write but no cogs job recorded writing (your own files, or the output of an older "
                             "CoGS); nothing was touched — move them, or choose another output folder")
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
    """Make ``out`` ready for ``cogs <command>`` (see the module doc) and take its lock
    (:func:`lock_out`; the caller gives it back with :func:`release_out` when the job has
    written everything); returns what was removed (nothing for ``out=None``, a job in memory).

    The one place a job deletes, after every refusal: :func:`check_out`, then with ``resume``
    :func:`check_resume` on ``parts`` (where the job's checkpoints may be); only then are the
    owned entries removed — with ``resume``, all but the paths ``outputs.keep`` names.
    ``spelling`` and ``can_resume``: how a refusal names the options (:func:`check_out`)."""
    found = check_out(out, outputs, overwrite=overwrite, resume=resume, spelling=spelling, can_resume=can_resume)
    if out is None:
        return found
    out = Path(out)
    if resume:  # refused before the lock is taken: a refusal writes nothing, the lock file included
        check_resume(out, outputs, parts, spelling=spelling)
    lock_out(out, outputs.command)  # before anything is deleted; the caller releases it (release_out)
    try:
        clean_stale_temps(out)  # what a killed write left at the top: gone before the folder is judged again
        # again under the lock (another job may have ended or written meanwhile)
        found = check_out(out, outputs, overwrite=overwrite, resume=resume, spelling=spelling, can_resume=can_resume)
        if found:
            _remove_recorded(out, {p.name for p in found}, outputs.keeps if resume else (lambda rel: False),
                             outputs.command)
        _claim_trees(out, outputs)
    except BaseException:
        release_out(out)
        raise
    return found


def _claim_trees(out: Path, outputs: Outputs) -> None:
    """Record as wholly the command's the checkpoint folders it keeps (a sharded job's workers
    write there, outside this process's record) — those that do not exist yet, or that the
    manifest already records: a folder of the user's is never claimed."""
    files, trees = read_manifest(out)
    for pattern in outputs.keep:
        if any(ch in pattern for ch in "*?["):
            continue
        path = out / pattern
        if pattern in trees:
            continue
        exists = path.exists() or path.is_symlink()
        if not exists or any(_under(r, pattern) for r in files):  # new, or holding what a job recorded
            _append_manifest(out, outputs.command, tree=pattern)


def _remove_recorded(out: Path, tops: set, keeps, command: str) -> None:
    """Delete what the manifest records under the top-level entries ``tops`` (files, and the
    recorded trees), except what ``keeps`` keeps; then the folders that became empty; then
    rewrite the manifest without what was deleted. Nothing unrecorded is touched."""
    files, trees = read_manifest(out)
    gone_files, gone_trees = set(), set()
    dirs = set()
    for rel in sorted(trees):
        if rel.split("/")[0] not in tops or keeps(rel):
            continue
        path = out / rel
        if _through_link(out, rel):
            gone_trees.add(rel)
            continue
        if path.is_dir() and not path.is_symlink():
            _remove(path, rel, keeps)
        elif path.exists() or path.is_symlink():
            path.unlink(missing_ok=True)
        gone_trees.add(rel)
        dirs.update(_parents(rel))
    for rel in sorted(files):
        if rel.split("/")[0] not in tops or keeps(rel) or any(_under(rel, k) for k in _kept_prefixes(rel, keeps)):
            continue
        path = out / rel
        if _through_link(out, rel):  # a folder on the way was replaced by a link: never delete through it
            gone_files.add(rel)
            continue
        if path.is_symlink() or path.is_file():
            path.unlink(missing_ok=True)
        elif path.is_dir():
            continue  # a folder where the record says file: not ours to empty
        gone_files.add(rel)
        dirs.update(_parents(rel))
    for top in tops:  # a recorded folder replaced by a link: the link goes, never what it points to
        if (out / top).is_symlink() and recorded(out, top, files, trees):
            (out / top).unlink()
    for rel in sorted(dirs, key=lambda r: r.count("/"), reverse=True):  # deepest first
        try:
            (out / rel).rmdir()  # only if empty: a user's file inside keeps it
        except OSError:
            pass
    _write_manifest(out, files - gone_files, trees - gone_trees, command)


def _through_link(out: Path, rel: str) -> bool:
    """Is a folder on the way from ``out`` to ``rel`` a symbolic link (which deleting would follow)?"""
    return any((out / p).is_symlink() for p in _parents(rel))


def _parents(rel: str) -> list[str]:
    parts = rel.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]


def _kept_prefixes(rel: str, keeps) -> list[str]:
    return [p for p in _parents(rel) if keeps(p)]


# --------------------------------------------------------------------------- resume checks
def _usable(places, spelling: Spelling) -> list[Path]:
    """``places``: ``(folder, config, objective[, init])`` tuples; the folders holding a checkpoint to
    continue from. Raises :class:`CannotResume` (saying nothing was deleted) for one that
    :func:`models.training.trainer.resume_point` — the trainer's own check — refuses."""
    from models.training.checkpoint import CheckpointError
    from models.training.trainer import resume_point

    usable = []
    for folder, config, objective, *init in places:
        try:
            point = resume_point(config, folder, objective=objective, init=init[0] if init else None)
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
