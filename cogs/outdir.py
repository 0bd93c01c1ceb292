"""What a command owns in its output folder, and what it does with a folder used before.

``cogs train``, ``compare`` and ``sweep`` each declare the entries they write at the top of
--out (files, folders, or patterns for families of them). A folder that already holds one of
them is the output of an earlier run, and the command

- refuses it, with one line saying so, unless asked otherwise (no silent data loss);
- with ``overwrite``: deletes what it owns there and starts afresh;
- with ``resume``: deletes what it owns except the checkpoints it resumes from, so that no
  stale run, report or figure of the earlier run survives next to the new ones.

Entries it does not own (a user's notes, another tool's files, the shard folders of
:mod:`cogs.distributed`) are never touched, and symbolic links are removed, never followed.
"""

from __future__ import annotations

import typing

import fnmatch
import re
from pathlib import Path


@typing.final
class FolderInUse(ValueError):
    """--out holds the output of an earlier run and neither overwrite nor resume was asked."""


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


def prepare_out(out, owned, *, command: str, overwrite: bool = False, resume: bool = False, keep=()) -> list[Path]:
    """Make ``out`` ready for ``cogs <command>`` (see the module doc); returns what was removed.

    ``keep``: patterns of paths relative to ``out`` (``fnmatch``, e.g. ``"train/checkpoints"``
    or ``"*/checkpoints"``) that survive a resume."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {out}: exists and is not a folder")
    found = owned_entries(out, owned)
    if found and not (overwrite or resume):
        names = ", ".join(p.name + ("/" if p.is_dir() else "") for p in found[:4]) + (", …" if len(found) > 4 else "")
        raise FolderInUse(f"--out {out} already holds the output of an earlier `cogs {command}` ({names}); "
                          "pass --overwrite to replace it or --resume to continue it")
    for p in found:
        _remove(p, p.name, keep if (resume and not overwrite) else ())
    out.mkdir(parents=True, exist_ok=True)
    return found
