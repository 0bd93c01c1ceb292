"""Atomic file writes: write to a temporary file in the target folder, fsync, rename.

Temporary files are named ``.<name>.cogs-<host>-<pid>-<random><suffix>`` (``<host>``: this
machine's name, letters and digits only). A write killed before its rename (SIGKILL, power
loss) leaves one behind; the next atomic write into the same folder removes every such file
written on this machine whose writing process no longer exists (:func:`clean_stale_temps`).
Files written on another machine (a shared filesystem under a cluster) are never removed:
their process ids mean nothing here.

The file that appears has the mode a plain ``open(path, "w")`` would give it: 0666 less the
process's umask (``mkstemp`` creates its temporary 0600, which would keep collaborators and
workers running as another user out).
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import socket
import tempfile
from pathlib import Path

_STALE = re.compile(r"^\..+\.cogs-([A-Za-z0-9]+)-(\d+)-[A-Za-z0-9_]+(\.[A-Za-z0-9]+)?$")


@functools.cache
def host_tag() -> str:
    """This machine's name reduced to letters and digits (at most 32), as temporary names carry it."""
    return re.sub(r"[^A-Za-z0-9]", "", socket.gethostname())[:32] or "host"


def _prefix(path: Path) -> str:
    return f".{path.name}.cogs-{host_tag()}-{os.getpid()}-"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError, OverflowError):
        return True  # exists (another user's) or cannot tell: keep its file
    return True


def _umask() -> int:
    """The process's umask, read without changing it where the system says it (Linux's
    /proc/self/status); else by setting and restoring it."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    old = os.umask(0o022)
    os.umask(old)
    return old


def file_mode() -> int:
    """The mode a new file gets from ``open``: 0o666 & ~umask."""
    return 0o666 & ~_umask()


# (root folder, callback(relative path)) of every recorder active in this process: a job that
# owns an output folder records what it writes there (cogs.jobs.outdir's manifest)
_recorders: list = []


@contextlib.contextmanager
def recording(root, callback):
    """While active, every atomic write to a path inside ``root`` calls ``callback(rel)`` (the
    path relative to ``root``, a POSIX string) before the file appears."""
    entry = (Path(root).resolve(), callback)
    _recorders.append(entry)
    try:
        yield
    finally:
        _recorders.remove(entry)


def add_recorder(root, callback):
    """:func:`recording` without the context: returns the handle :func:`remove_recorder` takes."""
    entry = (Path(root).resolve(), callback)
    _recorders.append(entry)
    return entry


def remove_recorder(entry) -> None:
    if entry in _recorders:
        _recorders.remove(entry)


def _record(path: Path) -> None:
    if not _recorders:
        return
    full = Path(os.path.abspath(path))
    try:
        full = full.parent.resolve() / full.name
    except OSError:
        pass
    for root, callback in list(_recorders):
        try:
            rel = full.relative_to(root)
        except ValueError:
            continue
        callback(rel.as_posix())


def is_temporary(name: str) -> bool:
    """Is ``name`` the temporary of an atomic write (``.<name>.cogs-<host>-<pid>-<random>…``)?"""
    return _STALE.match(name) is not None


def clean_stale_temps(directory) -> list[Path]:
    """Remove the temporary files of atomic writes in ``directory`` written on this machine by
    a process that is gone (a killed write); returns what was removed. Files of live processes,
    and files written on other machines, are kept."""
    removed: list[Path] = []
    if os.name != "posix":
        return removed
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return removed
    for entry in entries:
        m = _STALE.match(entry.name)
        if (m is None or m.group(1) != host_tag() or not entry.is_file(follow_symlinks=False)
                or _alive(int(m.group(2)))):
            continue
        try:
            os.unlink(entry.path)
            removed.append(Path(entry.path))
        except OSError:
            pass
    return removed


@contextlib.contextmanager
def atomic_open(path, mode: str = "wb"):
    """``with atomic_open(p, "w") as f: ...`` — ``p`` appears complete or not at all; a
    failure inside the block leaves the old file (if any) untouched and no temporary behind."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_temps(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=_prefix(path), suffix=".tmp")
    try:
        with os.fdopen(fd, mode) as f:
            yield f
            f.flush()
            if os.name == "posix":
                os.fchmod(f.fileno(), file_mode())
            os.fsync(f.fileno())
        _record(path)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def atomic_path(path):
    """For writers that need a file name (e.g. savefig): yields a temporary path that is
    renamed onto ``path`` when the block succeeds."""
    return _AtomicPath(Path(path))


class _AtomicPath(contextlib.AbstractContextManager):
    def __init__(self, path: Path):
        self.path = path

    def __enter__(self) -> str:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        clean_stale_temps(self.path.parent)
        fd, self.tmp = tempfile.mkstemp(dir=self.path.parent, prefix=_prefix(self.path), suffix=self.path.suffix)
        os.close(fd)
        return self.tmp

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                if os.name == "posix":
                    os.chmod(self.tmp, file_mode())
                _record(self.path)
                os.replace(self.tmp, self.path)
        finally:
            if os.path.exists(self.tmp):
                os.unlink(self.tmp)
        return False


def write_text(path, text: str) -> Path:
    """Write a text file atomically."""
    with atomic_open(path, "w") as f:
        f.write(text)
    return Path(path)


def write_json(path, obj) -> Path:
    """Write strict JSON atomically (:func:`models.jsonable.jsonable`: NaN/Inf become null), indented."""
    import json

    from models.jsonable import jsonable

    return write_text(path, json.dumps(jsonable(obj), indent=2, allow_nan=False) + "\n")
