"""Judge a file before reading it.

* :func:`check_regular_file` — ``stat`` only (symlinks followed): a FIFO (whose ``open`` would
  block), a device (``/dev/zero`` behind a symlink never ends), a socket or a directory is
  refused without being opened, and so is a file over a size limit.
* :func:`npz_headers` — the dtype and shape of every member of an ``.npz`` from its npy header
  (a few hundred bytes inflated per member), so that sizes can be checked before any array
  data is inflated: a 2 MB zip bomb claiming a (2^20, 2^16) float64 member costs nothing.
* :func:`check_zip_sizes` — the uncompressed sizes a zip archive (a torch checkpoint) declares.

Every refusal is one line, raised as the caller's exception class (``error``).
"""

from __future__ import annotations

import typing

import math
import os
import stat
import zipfile
import zlib
from pathlib import Path

import attrs
import numpy as np
from numpy.lib import format as npy_format

__all__ = ["MAX_MEMBERS", "MAX_TORCH_MEMBERS", "NpyHeader", "check_regular_file", "check_zip_sizes", "npz_headers",
           "zip_entries"]

#: members an npz may hold (CoGS writes five)
MAX_MEMBERS = 64
#: members a torch file may hold (a state dict's tensors and a few records each)
MAX_TORCH_MEMBERS = 4096


#: what a refusal by the memory limit tells the user to change
MEMORY_HINT = "the memory limit: COGS_MAX_MEMORY_GB raises it, COGS_LIMITS=off lifts it"


def check_regular_file(path, max_bytes: float, *, what: str = "file", error=ValueError, hint: str = "") -> int:
    """The size of ``path`` in bytes, after checking (with ``os.stat`` alone: nothing is
    opened) that it exists, is a regular file and holds at most ``max_bytes`` (``hint``: what
    sets that limit, said in the refusal)."""
    path = Path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise error(f"{path}: no such file") from None
    except OSError as e:
        raise error(f"{path}: cannot stat ({e.strerror or e})") from None
    mode = st.st_mode
    if stat.S_ISDIR(mode):
        raise error(f"{path}: is a directory, not a {what}")
    if not stat.S_ISREG(mode):
        kind = "a FIFO" if stat.S_ISFIFO(mode) else "a device" if (stat.S_ISCHR(mode) or stat.S_ISBLK(mode)) else "a socket" if stat.S_ISSOCK(mode) else "not a regular file"
        raise error(f"{path}: is {kind}, not a regular {what}; refusing to read it")
    if st.st_size > max_bytes:
        raise error(f"{path}: {st.st_size} bytes, over the {max_bytes:.3g}-byte limit for a {what}"
                    + (f" ({hint})" if hint else ""))
    return int(st.st_size)


@typing.final
@attrs.frozen
class NpyHeader:
    """What an npy header declares: dtype, shape and the data size in bytes."""

    dtype: np.dtype
    shape: tuple[int, ...]
    fortran_order: bool

    @property
    def nbytes(self) -> int:
        return math.prod(self.shape) * self.dtype.itemsize


def zip_entries(path, *, error=ValueError, what: str = "file") -> int | None:
    """The number of members a zip's end-of-central-directory record declares, read from the
    file's last bytes without reading its directory (None: not found, e.g. not a zip)."""
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as f:
            f.seek(max(0, size - (1 << 16) - 22))
            tail = f.read()
    except OSError as e:
        raise error(f"{path}: unreadable {what} ({e.strerror or e})") from None
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return None
    entries = int.from_bytes(tail[at + 10:at + 12], "little")
    if entries == 0xFFFF:  # zip64: the count is in the zip64 end record, found through its locator
        loc = tail.rfind(b"PK\x06\x07", 0, at)
        if loc >= 0 and len(tail) - loc >= 20:
            rec = int.from_bytes(tail[loc + 8:loc + 16], "little")
            try:
                with open(path, "rb") as f:
                    f.seek(rec)
                    head = f.read(56)
            except OSError:
                return entries
            if head[:4] == b"PK\x06\x06" and len(head) >= 40:
                return int.from_bytes(head[32:40], "little")
    return entries


def _check_entries(path, max_members: int, error, what: str) -> None:
    n = zip_entries(path, error=error, what=what)
    if n is not None and n > max_members:
        raise error(f"{path}: a {what} of {n} members, more than it can hold ({max_members}); refusing to read it")


def _check_names(path, infos, error, what: str) -> None:
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise error(f"{path}: a {what} with two members named {dup!r} (which one is meant is ambiguous); refusing it")


def npz_headers(path, *, error=ValueError, max_members: int = MAX_MEMBERS) -> dict[str, NpyHeader]:
    """Array name → :class:`NpyHeader` for every member of the npz at ``path``, read from the
    headers only. More members than ``max_members`` (judged from the zip's end record, before
    its directory is read), two members of one name, members that are not ``.npy`` arrays,
    unreadable headers, object dtypes (pickles) and unknown npy versions are refused."""
    out: dict[str, NpyHeader] = {}
    _check_entries(path, max_members, error, "npz")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > max_members:
                raise error(f"{path}: {len(infos)} members, more than an npz of weights holds ({max_members})")
            _check_names(path, infos, error, "npz")
            for info in infos:
                if info.is_dir() or not info.filename.endswith(".npy"):
                    raise error(f"{path}: member {info.filename!r} is not an .npy array")
                with zf.open(info) as f:
                    out[info.filename[:-4]] = _read_header(f, path, info.filename, error)
    except zipfile.BadZipFile as e:
        raise error(f"{path}: not an .npz file ({e})") from None
    except (OSError, EOFError, zlib.error, NotImplementedError, RuntimeError) as e:
        raise error(f"{path}: unreadable npz ({str(e) or type(e).__name__})") from None
    return out


def _read_header(f, path, name: str, error) -> NpyHeader:
    try:
        version = npy_format.read_magic(f)
        if version == (1, 0):
            shape, fortran, dtype = npy_format.read_array_header_1_0(f)
        elif version == (2, 0):
            shape, fortran, dtype = npy_format.read_array_header_2_0(f)
        else:
            raise ValueError(f"npy format version {version} not supported")
    except Exception as e:  # noqa: BLE001 - any failure to parse an untrusted header is a bad member
        raise error(f"{path}: member {name!r} is not a valid .npy array ({str(e).splitlines()[0] if str(e) else type(e).__name__})") from None
    if dtype.hasobject:
        raise error(f"{path}: unreadable npz (member {name!r} holds Python objects, dtype {dtype}; pickles are refused)")
    return NpyHeader(dtype, tuple(int(n) for n in shape), bool(fortran))


def check_zip_sizes(path, max_bytes: float, *, what: str = "file", error=ValueError,
                    max_members: int = MAX_TORCH_MEMBERS) -> int:
    """Total uncompressed size a zip archive declares (torch checkpoints are zips), refused
    above ``max_bytes``; also refused: more than ``max_members`` members (judged from the end
    record before the directory is read) and two members of one name. A file that is not a zip
    passes (0)."""
    if not zipfile.is_zipfile(path):
        return 0
    _check_entries(path, max_members, error, what)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            _check_names(path, infos, error, what)
            total = sum(i.file_size for i in infos)
    except (zipfile.BadZipFile, OSError, EOFError) as e:
        raise error(f"{path}: unreadable {what} ({e})") from None
    if total > max_bytes:
        raise error(f"{path}: a {what} declaring {total} bytes uncompressed, over the {max_bytes:.3g}-byte limit "
                    f"({MEMORY_HINT})")
    return total
