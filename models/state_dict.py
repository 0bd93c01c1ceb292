"""Weights from networks CoGS did not train: torch checkpoints and state dicts.

:func:`load_any_weights` reads

* a CoGS weights file (``.npz``, see :mod:`models.io`), or
* a torch file saved with ``torch.save`` and read with ``torch.load(weights_only=True)``
  (no code in the file can run): either the paper's scripts' layout — a dict whose
  ``model`` entry, or the dict itself, holds ``layera.weight`` (q×d), ``layerb.weight``
  (q×d) and ``layerc.weight`` (d×q) — or any other state dict with ``keys=(A, B, C)``
  naming the three tensors (W_a, W_b: q×d; W_c: d×q).

The file must be a regular file no larger than ``max_bytes`` (FIFOs, devices and folders are
refused before anything is read). A torch file carries no group: pass ``group``; for an npz
the file's group is used and ``group``, when given, must match it.
"""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

import numpy as np

from models.io import Weights, WeightsFileError, load_weights, validate_weights
from models.safe_files import check_regular_file as _check_regular_file

REFERENCE_KEYS = ("layera.weight", "layerb.weight", "layerc.weight")
MAX_BYTES = 4 << 30


def check_regular_file(path, max_bytes: int = MAX_BYTES) -> Path:
    """``path`` if it is a regular file of at most ``max_bytes`` bytes (symlinks followed);
    WeightsFileError otherwise, without opening it (:func:`models.safe_files.check_regular_file`)."""
    _check_regular_file(path, max_bytes, what="weights file", error=WeightsFileError)
    return Path(path)


def _is_npz(path: Path) -> bool:
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


def load_state_dict_weights(path, group, keys=None, max_bytes: int = MAX_BYTES) -> Weights:
    """W_a, W_b, W_c from a torch file (module doc); ``group`` is required."""
    import pickle

    import torch

    path = check_regular_file(path, max_bytes)
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
    w = validate_weights(group, *arrays, source=str(path))
    return Weights(w.group, w.W_a, w.W_b, w.W_c, meta)


def load_any_weights(path, group=None, keys=None, max_bytes: int = MAX_BYTES) -> Weights:
    """A CoGS ``.npz`` weights file or a torch file (module doc), judged by content."""
    path = check_regular_file(path, max_bytes)
    if _is_npz(path):
        if keys is not None:
            raise WeightsFileError(f"{path}: --keys applies to torch files; this is a CoGS .npz weights file")
        return load_weights(path, group=group)
    return load_state_dict_weights(path, group, keys, max_bytes)
