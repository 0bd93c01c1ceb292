"""Weights from networks CoGS did not train: torch checkpoints and state dicts.

:func:`read_state_dict` reads a torch file saved with ``torch.save`` with
``torch.load(weights_only=True)`` (no code in the file can run): either the paper's scripts'
layout — a dict whose ``model`` entry, or the dict itself, holds ``layera.weight`` (q×d),
``layerb.weight`` (q×d) and ``layerc.weight`` (d×q) — or any other state dict with
``keys=(A, B, C)`` naming the three tensors (W_a, W_b: q×d; W_c: d×q).
:func:`models.network.load` reads either such a file or a CoGS weights file (``.npz``),
judged by content (:func:`is_npz`).

The file must be a regular file no larger than ``max_bytes`` (FIFOs, devices and folders are
refused before anything is read). A torch file carries no group: pass ``group``.
"""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

import numpy as np

from groups import parse_group
from models.io import WeightsFileError
from models.safe_files import check_regular_file
from models.weights import as_arrays

REFERENCE_KEYS = ("layera.weight", "layerb.weight", "layerc.weight")


def check_weights_file(path, max_bytes: float | None = None) -> Path:
    """``path`` if it is a regular file of at most ``max_bytes`` bytes (None: the file limit of
    :mod:`models.limits`, the memory limit, none under ``COGS_LIMITS=off``; symlinks followed);
    WeightsFileError otherwise, without opening it (:func:`models.safe_files.check_regular_file`
    with the weights-file wording)."""
    from models.limits import max_file_bytes

    from models.safe_files import MEMORY_HINT

    check_regular_file(path, max_file_bytes() if max_bytes is None else max_bytes, what="weights file",
                       error=WeightsFileError, hint=MEMORY_HINT if max_bytes is None else "")
    return Path(path)


def is_npz(path: Path) -> bool:
    """Is ``path`` a zip of .npy members without a pickle (a CoGS weights file, not a torch file)?"""
    if not zipfile.is_zipfile(path):
        return False
    try:
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
    except (zipfile.BadZipFile, OSError):
        return False
    return any(n.endswith(".npy") for n in names) and not any(n.endswith("data.pkl") for n in names)


def is_torch_file(path: Path) -> bool:
    """Does ``path`` look like what ``torch.save`` writes: a zip holding ``…/data.pkl``, or a
    legacy file starting with a pickle (protocol 2 or later: byte 0x80)?"""
    if zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as z:
                return any(n == "data.pkl" or n.endswith("/data.pkl") for n in z.namelist())
        except (zipfile.BadZipFile, OSError):
            return False
    try:
        with open(path, "rb") as f:
            return f.read(1) == b"\x80"
    except OSError:
        return False


def _not_weights(path: Path) -> WeightsFileError:
    """The refusal of a file that is neither a CoGS weights file nor a torch file, saying what it
    starts with."""
    try:
        with open(path, "rb") as f:
            head = f.read(12)
    except OSError:
        head = b""
    what = "an empty file" if not head else f"a file starting with {head!r}"
    return WeightsFileError(f"{path}: not a CoGS weights file (.npz) or a torch file saved by torch.save; it is {what}")


def _tensor_array(x, name: str, path: Path):
    """The tensor itself (judged and converted by :func:`models.weights.as_arrays`, which looks
    at its shape before copying anything)."""
    if hasattr(x, "detach"):
        if x.is_complex():
            raise WeightsFileError(f"{path}: {name} is complex; weights must be real")
        return x
    if isinstance(x, np.ndarray):
        return x
    raise WeightsFileError(f"{path}: {name} is a {type(x).__name__}, not a tensor")


def read_state_dict(path, group, keys=None, max_bytes: float | None = None) -> tuple:
    """``(group, W_a, W_b, W_c, meta)`` from a torch file (module doc); ``group`` is required.

    Judged before ``torch.load``: a regular file within the file limit (``max_bytes``; None:
    :func:`models.limits.max_file_bytes`), whose zip declares at most that much uncompressed
    data in at most :data:`models.safe_files.MAX_TORCH_MEMBERS` members with distinct names;
    the tensors' shapes are checked against the group and the memory limit before any is
    copied (a stride-0 tensor claiming gigabytes over a few bytes is refused, not expanded)."""
    import pickle

    import torch

    from models.limits import max_file_bytes
    from models.safe_files import MAX_TORCH_MEMBERS, check_zip_sizes

    limit = max_file_bytes() if max_bytes is None else max_bytes
    path = check_weights_file(path, limit)
    check_zip_sizes(path, limit, what="torch file", error=WeightsFileError, max_members=MAX_TORCH_MEMBERS)
    if not is_torch_file(path):
        raise _not_weights(path)
    if group is None:
        raise WeightsFileError(f"{path}: a torch file carries no group; pass one (e.g. --group Z23)")
    try:
        with warnings.catch_warnings():  # torch warns about pickle protocols of foreign files
            warnings.simplefilter("ignore", UserWarning)
            obj = torch.load(path, map_location="cpu", weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, EOFError, ValueError, OSError, zipfile.BadZipFile, AttributeError, TypeError,
            KeyError, IndexError) as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise WeightsFileError(f"{path}: not a weights file or a torch checkpoint that loads with weights_only=True ({first[:160]})") from None
    if not isinstance(obj, dict):
        raise WeightsFileError(f"{path}: holds a {type(obj).__name__}, not a state dict")
    if keys is None:
        keys = REFERENCE_KEYS
        state = obj["model"] if isinstance(obj.get("model"), dict) else obj
    else:
        keys = tuple(keys)
        if len(keys) != 3:
            raise WeightsFileError(f"keys must name three tensors (W_a, W_b, W_c), got {len(keys)}")
        state = obj if all(k in obj for k in keys) or not isinstance(obj.get("model"), dict) else obj["model"]
    missing = [k for k in keys if k not in state]
    if missing:
        have = ", ".join(sorted(str(k) for k in state)[:8])
        raise WeightsFileError(f"{path}: no {', '.join(missing)} in the state dict (it has {have or 'nothing'}); name the tensors with --keys A,B,C")
    arrays = [_tensor_array(state[k], k, path) for k in keys]
    meta = {"source": "torch", "keys": list(keys)}
    results = obj.get("results") if isinstance(obj, dict) else None
    if isinstance(results, list) and results and isinstance(results[-1], dict) and isinstance(results[-1].get("epoch"), int):
        meta["epoch"] = results[-1]["epoch"]
    group = parse_group(group)
    W_a, W_b, W_c = as_arrays(*arrays, group=group, error=WeightsFileError, source=str(path))
    return group, W_a, W_b, W_c, meta
