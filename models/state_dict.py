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
MAX_BYTES = 4 << 30


def check_weights_file(path, max_bytes: int = MAX_BYTES) -> Path:
    """``path`` if it is a regular file of at most ``max_bytes`` bytes (symlinks followed);
    WeightsFileError otherwise, without opening it (:func:`models.safe_files.check_regular_file`
    with the weights-file wording)."""
    check_regular_file(path, max_bytes, what="weights file", error=WeightsFileError)
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


def _tensor_array(x, name: str, path: Path) -> np.ndarray:
    if hasattr(x, "detach"):
        if x.is_complex():
            raise WeightsFileError(f"{path}: {name} is complex; weights must be real")
        return x.detach().to("cpu").double().numpy()
    if isinstance(x, np.ndarray):
        return x
    raise WeightsFileError(f"{path}: {name} is a {type(x).__name__}, not a tensor")


def read_state_dict(path, group, keys=None, max_bytes: int = MAX_BYTES) -> tuple:
    """``(group, W_a, W_b, W_c, meta)`` from a torch file (module doc); ``group`` is required."""
    import pickle

    import torch

    path = check_weights_file(path, max_bytes)
    if group is None:
        raise WeightsFileError(f"{path}: a torch file carries no group; pass one (e.g. --group Z23)")
    try:
        with warnings.catch_warnings():  # torch warns about pickle protocols of foreign files
            warnings.simplefilter("ignore", UserWarning)
            obj = torch.load(path, map_location="cpu", weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, EOFError, ValueError, OSError, zipfile.BadZipFile, AttributeError, TypeError) as e:
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
