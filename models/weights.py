"""The one way weights come in: a network's three matrices, checked once.

Every function of CoGS that reads weights takes them in one order — the group first, then
``W_a``, ``W_b`` (q × d) and ``W_c`` (d × q) — or a network value in the group's place (a
:class:`models.network.Network`, or anything with ``group``, ``W_a``, ``W_b`` and ``W_c``
attributes), with no weights after it:

>>> import numpy as np
>>> from models.network import Network
>>> net = Network("Z5", np.ones((2, 5)), np.zeros((2, 5)), np.ones((5, 2)))
>>> G, W_a, W_b, W_c = weights_of(net)
>>> G.spec, W_a.shape, weights_of("Z5", W_a, W_b, W_c)[0] is G
('Z5', (2, 5), True)

:func:`as_arrays` gives one network as float64 numpy arrays (the value types keep these);
:func:`as_tensors` gives real torch tensors with any leading batch shape (the kernels work on
these). Both refuse complex, non-numeric and wrongly shaped weights with a ValueError that
names the expected shape.
"""

from __future__ import annotations

import numpy as np

from groups import parse_group

__all__ = ["as_arrays", "as_tensors", "check_shapes", "is_network", "weights_of"]

_NAMES = ("W_a", "W_b", "W_c")


def is_network(x) -> bool:
    """Does ``x`` carry a whole network (``group``, ``W_a``, ``W_b``, ``W_c``)?"""
    return all(hasattr(x, n) for n in ("group", *_NAMES))


def weights_of(first, W_a=None, W_b=None, W_c=None, *, quadratic: str | None = None):
    """``(group, W_a, W_b, W_c)`` from a network value, or from a group (spec or object) and the
    three matrices; anything else is a TypeError saying what to pass. ``quadratic``: the name of
    what needs the paper's quadratic MSE network — a network trained with another set-up
    (``meta["setup"]``, :mod:`models.setup`) is then refused with one line."""
    if is_network(first):
        if W_a is not None or W_b is not None or W_c is not None:
            raise TypeError("pass either a network or a group and W_a, W_b, W_c, not both")
        if quadratic is not None and getattr(first, "meta", None):
            from models.setup import require_quadratic

            require_quadratic(first, quadratic)
        return first.group, first.W_a, first.W_b, first.W_c
    if W_a is None or W_b is None or W_c is None:
        raise TypeError(f"expected a network, or a group and W_a, W_b, W_c; got {type(first).__name__} "
                        "without three weight matrices")
    return parse_group(first), W_a, W_b, W_c


def weights_memory(q: int, d: int, matrices: int = 3) -> float:
    """Bytes a network of ``matrices`` q × d matrices costs once read: the arrays, their
    float64 copies and the evaluation that follows (4 × 8 bytes a number); the one estimate
    every reader checks against the memory limit."""
    return 4.0 * 8 * matrices * q * d


def _torch():
    """torch, imported when a tensor is already at hand (this module itself stays torch-free)."""
    import torch

    return torch


def _real_kind(name: str, w) -> None:
    """Refuse weights that are not real numbers (complex ones would lose their imaginary part)."""
    if hasattr(w, "is_complex"):  # a torch tensor
        if w.is_complex():
            raise ValueError(f"{name} is complex; weights must be real (the imaginary part would be dropped)")
        if w.dtype == _torch().bool:
            raise ValueError(f"{name} is of dtype bool, not real numbers")
        return
    kind = np.asarray(w).dtype.kind
    if kind == "c":
        raise ValueError(f"{name} is complex; weights must be real (the imaginary part would be dropped)")
    if kind not in "fiu":  # bool is refused here as everywhere (as_arrays): weights are numbers
        raise ValueError(f"{name} is of dtype {np.asarray(w).dtype}, not real numbers")


def check_shapes(W_a, W_b, W_c, d: int) -> None:
    """W_a, W_b of shape (..., q, d) and W_c of shape (..., d, q), with the same leading shape:
    else a ValueError naming the expected shape."""
    sa, sb, sc = tuple(W_a.shape), tuple(W_b.shape), tuple(W_c.shape)
    if sa != sb:
        raise ValueError(f"W_a {sa} and W_b {sb} differ in shape")
    if len(sa) < 2 or sa[-1] != d:
        raise ValueError(f"W_a must be (..., q, d) with d = {d}, got {sa}")
    q = sa[-2]
    if sc != sa[:-2] + (d, q):
        raise ValueError(f"W_c must be (..., d, q) = (..., {d}, {q}), got {sc}")


def as_tensors(W_a, W_b, W_c, *, group=None, dtype=None):
    """Real torch tensors (numpy input converted to ``dtype``, default float64; tensors kept as
    they are, device and dtype included); with ``group``, shapes checked (any batch shape)."""
    import torch

    dtype = torch.float64 if dtype is None else dtype
    out = []
    for name, w in zip(_NAMES, (W_a, W_b, W_c)):
        _real_kind(name, w)
        if not isinstance(w, torch.Tensor):
            arr = np.asarray(w)
            # a read-only array (a Network's) is copied: torch must not write into it
            w = torch.as_tensor(arr, dtype=dtype) if arr.flags.writeable else torch.tensor(arr, dtype=dtype)
        elif not w.is_floating_point():
            w = w.to(dtype)
        out.append(w)
    if group is not None:
        check_shapes(*out, parse_group(group).order)
    return tuple(out)


def as_arrays(W_a, W_b, W_c, *, group=None, error=ValueError, source: str = "weights", allow_empty: bool = False):
    """One network as float64 numpy arrays W_a, W_b (q, d) and W_c (d, q): real, finite, 2-D,
    consistent (and of the group's order d, with ``group``). ``error``: the exception class
    raised, its message prefixed with ``source``. ``allow_empty``: accept q = 0.

    Kinds and shapes are judged before anything is copied (a tensor of stride-0 views, which
    claims gigabytes over a few bytes of storage, is refused by its shape or by the memory limit
    of :mod:`models.limits`, never materialised)."""
    views = []
    for name, w in zip(_NAMES, (W_a, W_b, W_c)):
        if hasattr(w, "detach"):
            if w.is_complex() or w.dtype == _torch().bool:
                raise error(f"{source}: {name} must hold real numbers, got dtype {str(w.dtype).replace('torch.', '')}")
            if w.layout != _torch().strided or w.device.type == "meta":
                raise error(f"{source}: {name} is a {str(w.layout).replace('torch.', '')} tensor on {w.device.type}; "
                            "weights must be dense tensors with data")
            if w.numel() and w.untyped_storage().nbytes() < w.numel() * w.element_size():
                raise error(f"{source}: {name} claims {w.numel()} numbers over a storage of "
                            f"{w.untyped_storage().nbytes()} bytes (an expanded or overlapping view); refusing it")
        else:
            w = np.asarray(w)
            if w.dtype.kind not in "fiu":
                raise error(f"{source}: {name} must hold real numbers, got dtype {w.dtype}")
        if len(w.shape) != 2:
            raise error(f"{source}: {name} must be 2-D, got shape {tuple(w.shape)}")
        views.append(w)
    shapes = [tuple(int(n) for n in w.shape) for w in views]
    q = shapes[0][0]
    if q < 1 and not allow_empty:
        raise error(f"{source}: network has no hidden nodes")
    d = parse_group(group).order if group is not None else shapes[0][1]
    spec = f" for {parse_group(group).spec}" if group is not None else ""
    if shapes[0] != (q, d):
        raise error(f"{source}: W_a has shape {shapes[0]}, expected (q, {d}){spec}")
    if shapes[1] != (q, d):
        raise error(f"{source}: W_b has shape {shapes[1]}, expected ({q}, {d})")
    if shapes[2] != (d, q):
        raise error(f"{source}: W_c has shape {shapes[2]}, expected ({d}, {q})")
    from models.limits import SizeLimitError, check

    try:
        check(f"{source}: reading a network of q = {q}, d = {d}", memory=weights_memory(q, d))
    except SizeLimitError as e:
        raise error(str(e)) from None
    arrays = []
    for name, w in zip(_NAMES, views):
        if hasattr(w, "detach"):
            w = w.detach().cpu().to(dtype=_torch().float64).numpy()
        w = np.array(w, dtype=np.float64)  # a copy: the caller's array stays the caller's
        if not np.all(np.isfinite(w)):
            raise error(f"{source}: {name} contains NaN or Inf values")
        arrays.append(w)
    W_a, W_b, W_c = arrays
    return W_a, W_b, W_c
