"""The weights file format shared by every command: ``.npz`` with float arrays ``W_a`` (q×d),
``W_b`` (q×d), ``W_c`` (d×q), a string ``group`` (spec) and a JSON string ``meta`` (and, for a
network of K > 2 operands, ``W_more`` (K − 2, q, d): the further input matrices). Reading is
safe (``allow_pickle=False``) and validates everything; saving is atomic (write to a temporary
file in the same folder, then rename). :meth:`models.network.Network.save` and
:func:`models.network.load` are the usual way in and out.

>>> import tempfile, numpy as np
>>> from pathlib import Path
>>> W = (np.ones((2, 5)), np.zeros((2, 5)), np.ones((5, 2)))
>>> with tempfile.TemporaryDirectory() as tmp:
...     path = save_weights(Path(tmp) / "w.npz", "Z5", *W, note="example")
...     G, W_a, W_b, W_c, meta = read_weights(path)
>>> G.spec, W_a.shape, meta["note"]
('Z5', (2, 5), 'example')
"""

from __future__ import annotations

import typing

import json
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from groups import GroupSpecError, parse_group
from models.atomic import atomic_open
from models.weights import as_arrays, is_network, weights_memory, weights_of


@typing.final
class WeightsFileError(ValueError):
    """A weights file that is missing, not an npz, incomplete, malformed or inconsistent."""


def save_weights(path, group, W_a=None, W_b=None, W_c=None, /, **meta) -> Path:
    """Write the weights file of a network, or of ``group``'s W_a, W_b, W_c, atomically.
    ``meta`` values must be JSON-serialisable; they are stored as one JSON string entry
    ``meta``. The first five parameters are positional-only, so a meta key may be any name
    (``path``, ``group``, ``W_a``, … included). A network passed without ``meta`` keeps its own
    (``network.meta``; :meth:`models.network.Network.save`)."""
    if W_a is None and W_b is None and W_c is None and not is_network(group) and {"W_a", "W_b", "W_c"} & set(meta):
        raise TypeError("save_weights takes the weights positionally: save_weights(path, group, W_a, W_b, W_c, **meta) "
                        "(keywords are metadata), or save_weights(path, network)")
    own = getattr(group, "meta", None)
    if not meta and W_a is None and W_b is None and W_c is None and isinstance(own, Mapping):
        meta = dict(own)
    more = getattr(group, "W_more", None)
    group, W_a, W_b, W_c = weights_of(group, W_a, W_b, W_c)
    W_a, W_b, W_c = as_arrays(W_a, W_b, W_c, group=group, error=WeightsFileError)
    extra = {} if more is None else {"W_more": np.asarray(more, dtype=np.float64)}
    path = Path(path)
    if path.suffix != ".npz":
        raise WeightsFileError(f"{path}: weights files must end in .npz")
    path.parent.mkdir(parents=True, exist_ok=True)
    # a group read from a table file travels with its table: the weights read back without the
    # file, and a file changed since is noticed
    table = {"table": np.asarray(group.cayley_table(), dtype=np.int32)} if getattr(group, "source", None) == "file" else {}
    with atomic_open(path, "wb") as f:
        np.savez(
            f,
            W_a=W_a,
            W_b=W_b,
            W_c=W_c,
            group=np.array(group.spec),
            meta=np.array(json.dumps(meta, default=_json_default)),
            **table,
            **extra,
        )
    return path


#: the largest group spec and 'meta' JSON text (characters) a weights file may hold
GROUP_STRING_MAX_CHARS = 1 << 12
META_MAX_CHARS = 1 << 20


def _group_of(spec: str, table, path):
    """The weights' group: ``parse_group(spec)``; for a group from a table file (``table``
    stored), the stored table when the file is gone, and a refusal when the file's table has
    changed since the weights were written."""
    from groups import GroupTableError, TableGroup

    if table is None:
        return parse_group(spec)
    try:
        G = parse_group(spec)
    except GroupSpecError:
        try:
            return TableGroup(table, spec, source="file")  # the file is gone: the table it had
        except GroupTableError as e:
            raise WeightsFileError(f"{path}: the stored table of {spec}: {str(e).split(': ', 1)[-1]}") from None
    if not np.array_equal(G.cayley_table(), table):
        raise WeightsFileError(f"{path}: the table of {spec} has changed since these weights were written "
                               "(they are for the table stored with them)")
    return G


def read_weights(path, group=None, *, more: bool = False) -> tuple:
    """``(group, W_a, W_b, W_c, meta)`` of a weights file, validated. ``group`` (spec or
    group), when given, must match the file's group (as the same factorisation). ``more``:
    append ``W_more`` ((K − 2, q, d) float64, or None for two operands) to the tuple.

    The file is judged before it is read (:mod:`models.safe_files`): it must be a regular file
    (not a FIFO, device or directory) within the file-size limit of :mod:`models.limits` (the
    memory limit; none under ``COGS_LIMITS=off``), and each member's dtype and shape are checked
    from its npy header — against the group and the memory limit — before any array data is
    inflated. ``meta``, when present, must be a JSON object."""
    from models.limits import SizeLimitError, check, max_file_bytes
    from models.safe_files import check_regular_file, npz_headers

    path = Path(path)
    from models.safe_files import MEMORY_HINT

    check_regular_file(path, max_file_bytes(), what="weights file", error=WeightsFileError, hint=MEMORY_HINT)
    if not zipfile.is_zipfile(path):
        raise WeightsFileError(f"{path}: not an .npz file")
    heads = npz_headers(path, error=WeightsFileError)
    missing = [n for n in ("W_a", "W_b", "W_c", "group") if n not in heads]
    if missing:
        raise WeightsFileError(f"{path}: missing array(s) {', '.join(missing)}")
    g, m = heads["group"], heads.get("meta")
    if g.dtype.kind != "U" or g.shape != () or g.nbytes > 4 * GROUP_STRING_MAX_CHARS:
        raise WeightsFileError(f"{path}: 'group' must be a string spec")
    if m is not None and (m.dtype.kind != "U" or m.shape != () or m.nbytes > 4 * META_MAX_CHARS):
        raise WeightsFileError(f"{path}: 'meta' must be one JSON string of at most {META_MAX_CHARS} characters")
    for name in ("W_a", "W_b", "W_c"):
        h = heads[name]
        if h.dtype.kind not in "fiu":
            raise WeightsFileError(f"{path}: {name} must hold real numbers, got dtype {h.dtype}")
        if len(h.shape) != 2:
            raise WeightsFileError(f"{path}: {name} must be 2-D, got shape {h.shape}")
    wm = heads.get("W_more")
    if wm is not None and (wm.dtype.kind not in "fiu" or len(wm.shape) != 3 or wm.shape[0] < 1
                           or wm.shape[1:] != heads["W_a"].shape):
        raise WeightsFileError(f"{path}: 'W_more' must be a real (K − 2, q, d) array beside W_a's (q, d)")
    t = heads.get("table")
    if t is not None and (t.dtype.kind not in "iu" or len(t.shape) != 2 or t.shape[0] != t.shape[1]
                          or t.shape[0] != heads["W_a"].shape[-1]):
        raise WeightsFileError(f"{path}: 'table' must be a square integer Cayley table of the weights' group")
    try:
        with np.load(path, allow_pickle=False) as z:
            spec = str(z["group"])
            file_group = _group_of(spec, z["table"] if t is not None else None, path)
            if group is not None:
                want = parse_group(group)
                if want != file_group:
                    raise WeightsFileError(f"{path}: file is for group {file_group.spec}, not {want.spec}")
            d, q = file_group.order, heads["W_a"].shape[0]
            for name, shape in (("W_a", (q, d)), ("W_b", (q, d)), ("W_c", (d, q))):
                if heads[name].shape != shape:
                    raise WeightsFileError(f"{path}: {name} has shape {heads[name].shape}, expected {shape} for {file_group.spec}")
            k_more = 0 if wm is None else wm.shape[0]
            try:  # the arrays, their float64 copies and the evaluation that follows
                check(f"loading {path} (q = {q}, d = {d})", memory=weights_memory(q, d, 3 + k_more))
            except SizeLimitError as e:
                raise WeightsFileError(str(e)) from None
            data = {n: z[n] for n in ("W_a", "W_b", "W_c")}
            W_more = None if wm is None else np.asarray(z["W_more"], dtype=np.float64)
            meta_raw = str(z["meta"]) if m is not None else None
    except (WeightsFileError, GroupSpecError) as e:
        raise WeightsFileError(str(e) if str(e).startswith(str(path)) else f"{path}: {e}") from None
    except (ValueError, OSError, zipfile.BadZipFile, EOFError, zlib.error) as e:
        raise WeightsFileError(f"{path}: unreadable npz ({e})") from None
    W_a, W_b, W_c = as_arrays(data["W_a"], data["W_b"], data["W_c"], group=file_group, error=WeightsFileError,
                              source=str(path))
    if W_more is not None and not np.isfinite(W_more).all():
        raise WeightsFileError(f"{path}: W_more holds NaN or infinite values")
    out = (file_group, W_a, W_b, W_c, _parse_meta(meta_raw, path))
    return out + (W_more,) if more else out


def _parse_meta(text: str | None, path) -> dict:
    """The metadata dict: absent → {}; present, it must be a JSON object."""
    if text is None:
        return {}
    try:
        meta = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as e:
        raise WeightsFileError(f"{path}: 'meta' is not valid JSON ({str(e).splitlines()[0] if str(e) else type(e).__name__})") from None
    if not isinstance(meta, dict):
        raise WeightsFileError(f"{path}: 'meta' must be a JSON object, got {type(meta).__name__}")
    return meta


def _json_default(x):
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    raise TypeError(f"not JSON-serialisable: {type(x).__name__}")
