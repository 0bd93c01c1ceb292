"""One conversion to plain JSON for every report, certificate and CLI output."""

from __future__ import annotations

import math

import numpy as np


def jsonable(x):
    """Plain-JSON copy: complex → {"re", "im"}, numpy scalars/arrays → Python, non-finite
    floats → None (so ``json.dumps(..., allow_nan=False)`` always succeeds); dicts and
    sequences recursively, dict keys as strings."""
    if isinstance(x, dict):
        return {str(k): jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [jsonable(v) for v in x]
    if isinstance(x, np.ndarray):
        return jsonable(x.tolist())
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        x = float(x)
        return x if math.isfinite(x) else None
    if isinstance(x, (complex, np.complexfloating)):
        return {"re": jsonable(float(np.real(x))), "im": jsonable(float(np.imag(x)))}
    return x
