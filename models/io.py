"""The weights file format shared by every command: ``.npz`` with float arrays ``W_a`` (q×d),
``W_b`` (q×d), ``W_c`` (d×q) and a string ``group`` (spec). Extra entries are kept as
metadata. Loading is safe (``allow_pickle=False``) and validates everything; saving is
atomic (write to a temporary file in the same folder, then rename).
"""

from __future__ import annotations

import typing

import json
import zipfile
from pathlib import Path

import attrs
import numpy as np

from groups import FiniteAbelianGroup, GroupSpecError, parse_group
from models.atomic import atomic_open


@typing.final
class WeightsFileError(ValueError):
    """A weights file that is missing, not an npz, incomplete, malformed or inconsistent."""


@typing.final
@attrs.frozen
class Weights:
    """Validated weights of one network (float64 numpy arrays) and its group."""

    group: FiniteAbelianGroup
    W_a: np.ndarray
    W_b: np.ndarray
    W_c: np.ndarray
    meta: dict = attrs.field(factory=dict)

    @property
    def d(self) -> int:
        return self.group.order

    @property
    def q(self) -> int:
        return self.W_a.shape[0]

    def tensors(self, dtype=None, device=None):
        import torch

        dtype = dtype or torch.float64
        return tuple(torch.tensor(w, dtype=dtype, device=device) for w in (self.W_a, self.W_b, self.W_c))


def validate_weights(group, W_a, W_b, W_c, *, source: str = "weights") -> Weights:
    """Check shapes, dtype and finiteness; return float64 :class:`Weights`."""
    group = parse_group(group)
    d = group.order
    arrays = {}
    for name, w in (("W_a", W_a), ("W_b", W_b), ("W_c", W_c)):
        w = np.asarray(w)
        if w.dtype.kind not in "fiu":
            raise WeightsFileError(f"{source}: {name} must hold real numbers, got dtype {w.dtype}")
        w = w.astype(np.float64)
        if w.ndim != 2:
            raise WeightsFileError(f"{source}: {name} must be 2-D, got shape {w.shape}")
        if not np.all(np.isfinite(w)):
            raise WeightsFileError(f"{source}: {name} contains NaN or Inf values")
        arrays[name] = w
    q = arrays["W_a"].shape[0]
    if q < 1:
        raise WeightsFileError(f"{source}: network has no hidden nodes")
    if arrays["W_a"].shape != (q, d):
        raise WeightsFileError(f"{source}: W_a has shape {arrays['W_a'].shape}, expected (q, {d}) for {group.spec}")
    if arrays["W_b"].shape != (q, d):
        raise WeightsFileError(f"{source}: W_b has shape {arrays['W_b'].shape}, expected ({q}, {d})")
    if arrays["W_c"].shape != (d, q):
        raise WeightsFileError(f"{source}: W_c has shape {arrays['W_c'].shape}, expected ({d}, {q})")
    return Weights(group, arrays["W_a"], arrays["W_b"], arrays["W_c"])


def save_weights(path, group, W_a, W_b, W_c, **meta) -> Path:
    """Write the weights file atomically. ``meta`` values must be JSON-serialisable; they are
    stored as one JSON string entry ``meta``."""
    w = validate_weights(group, _np(W_a), _np(W_b), _np(W_c))
    path = Path(path)
    if path.suffix != ".npz":
        raise WeightsFileError(f"{path}: weights files must end in .npz")
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_open(path, "wb") as f:
        np.savez(
            f,
            W_a=w.W_a,
            W_b=w.W_b,
            W_c=w.W_c,
            group=np.array(w.group.spec),
            meta=np.array(json.dumps(meta, default=_json_default)),
        )
    return path


def load_weights(path, group=None) -> Weights:
    """Load and validate a weights file. ``group`` (spec or group), when given, must match the
    file's group (as the same factorisation)."""
    path = Path(path)
    if not path.exists():
        raise WeightsFileError(f"{path}: no such file")
    if path.is_dir():
        raise WeightsFileError(f"{path}: is a directory, not a weights file")
    if not zipfile.is_zipfile(path):
        raise WeightsFileError(f"{path}: not an .npz file")
    try:
        with np.load(path, allow_pickle=False) as z:
            names = set(z.files)
            missing = [n for n in ("W_a", "W_b", "W_c", "group") if n not in names]
            if missing:
                raise WeightsFileError(f"{path}: missing array(s) {', '.join(missing)}")
            data = {n: z[n] for n in ("W_a", "W_b", "W_c", "group")}
            meta_raw = z["meta"] if "meta" in names else None
    except WeightsFileError:
        raise
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as e:
        raise WeightsFileError(f"{path}: unreadable npz ({e})") from None
    spec = data["group"]
    if spec.dtype.kind != "U" or spec.ndim != 0:
        raise WeightsFileError(f"{path}: 'group' must be a string spec")
    try:
        file_group = parse_group(str(spec))
    except GroupSpecError as e:
        raise WeightsFileError(f"{path}: {e}") from None
    if group is not None:
        want = parse_group(group)
        if want != file_group:
            raise WeightsFileError(f"{path}: file is for group {file_group.spec}, not {want.spec}")
    w = validate_weights(file_group, data["W_a"], data["W_b"], data["W_c"], source=str(path))
    meta = {}
    if meta_raw is not None and meta_raw.dtype.kind == "U" and meta_raw.ndim == 0:
        try:
            meta = json.loads(str(meta_raw))
        except json.JSONDecodeError:
            meta = {}
    return attrs.evolve(w, meta=meta if isinstance(meta, dict) else {})


def _np(w):
    if hasattr(w, "detach"):
        w = w.detach().cpu().numpy()
    return np.asarray(w)


def _json_default(x):
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    raise TypeError(f"not JSON-serialisable: {type(x).__name__}")
