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

__all__ = ["NpyHeader", "check_regular_file", "check_zip_sizes", "npz_headers"]

#: members an npz may hold (CoGS writes five)
MAX_MEMBERS = 64


def check_regular_file(path, max_bytes: float, *, what: str = "file", error=ValueError) -> int:
    """The size of ``path`` in bytes, after checking (with ``os.stat`` alone: nothing is
    opened) that it exists, is a regular file and holds at most ``max_bytes``."""
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
        raise error(f"{path}: {st.st_size} bytes, over the {max_bytes:.3g}-byte limit for a {what}")
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


def npz_headers(path, *, error=ValueError, max_members: int = MAX_MEMBERS) -> dict[str, NpyHeader]:
    """Array name → :class:`NpyHeader` for every member of the npz at ``path``, read from the
    headers only. Members that are not ``.npy`` arrays, unreadable headers, object dtypes
    (pickles) and unknown npy versions are refused."""
    out: dict[str, NpyHeader] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > max_members:
                raise error(f"{path}: {len(infos)} members, more than an npz of weights holds ({max_members})")
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


def check_zip_sizes(path, max_bytes: float, *, what: str = "file", error=ValueError) -> int:
    """Total uncompressed size a zip archive declares (torch checkpoints are zips), refused
    above ``max_bytes``; a file that is not a zip passes (0)."""
    if not zipfile.is_zipfile(path):
        return 0
    try:
        with zipfile.ZipFile(path) as zf:
            total = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, OSError, EOFError) as e:
        raise error(f"{path}: unreadable {what} ({e})") from None
    if total > max_bytes:
        raise error(f"{path}: a {what} declaring {total} bytes uncompressed, over the {max_bytes:.3g}-byte limit")
    return total
