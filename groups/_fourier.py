"""Fourier transform on a finite Abelian group, numpy and torch, via the n-dim FFT.

With the mixed-radix index of docs/mathematics.md#groups-and-elements (first factor least significant), the group axis
reshapes in C order to (n_m, ..., n_1), so the ordinary multi-dimensional FFT over those axes
is the group Fourier transform: conj χ_k(g) = exp(-2πi Σ k_t g_t / n_t) is numpy's forward
kernel.
"""

from __future__ import annotations

import numpy as np
from multipledispatch import dispatch

import sys

from algebra._dispatch import NAMESPACE

# groups never imports torch (``import groups`` stays a numpy-only start-up): a torch tensor can
# only exist once its caller has imported torch, so it is recognised through sys.modules.


#: the most axes one multi-dimensional FFT call transforms: MKL refuses 8 or more ("Invalid
#: configuration parameters"), so a group of 8 or more cyclic factors is transformed in chunks of
#: axes (the transform is separable: one after the other gives the same result)
MAX_FFT_AXES = 6


def fftn_chunked(fftn, y, axes):
    """``fftn(y, axes)`` (or an ifftn) applied to at most :data:`MAX_FFT_AXES` axes at a time."""
    axes = tuple(axes)
    for i in range(0, len(axes), MAX_FFT_AXES):
        y = fftn(y, axes[i:i + MAX_FFT_AXES])
    return y


def rfftn_chunked(x, axes):
    """``torch.fft.rfftn(x, dim=axes)`` for any number of axes: the real transform over the last
    chunk of axes (which holds the halved last axis), then the complex one over the others."""
    import torch

    axes = tuple(axes)
    if len(axes) <= MAX_FFT_AXES:
        return torch.fft.rfftn(x, dim=axes)
    y = torch.fft.rfftn(x, dim=axes[-MAX_FFT_AXES:])
    return fftn_chunked(lambda z, a: torch.fft.fftn(z, dim=a), y, axes[:-MAX_FFT_AXES])


def torch_module():
    """The torch module if this process has imported it, else None."""
    return sys.modules.get("torch")


def is_tensor(x) -> bool:
    torch = torch_module()
    return torch is not None and isinstance(x, torch.Tensor)


def _shape(group, x, axis):
    d = group.order
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(f"axis {axis} is out of range for an array of {x.ndim} dimension(s)")
    axis = axis % x.ndim
    if x.shape[axis] != d:
        raise ValueError(f"axis {axis} has length {x.shape[axis]}, expected |G| = {d} for {group.spec}")
    radii = tuple(reversed(group.moduli))
    new = tuple(x.shape[:axis]) + radii + tuple(x.shape[axis + 1 :])
    axes = tuple(range(axis, axis + len(radii)))
    return axis, new, axes


@dispatch(np.ndarray, namespace=NAMESPACE)
def _fft_pair(x):
    """(array, fftn(y, axes), ifftn(y, axes)) for the array's library."""
    return x, (lambda y, axes: np.fft.fftn(y, axes=axes)), (lambda y, axes: np.fft.ifftn(y, axes=axes))


@dispatch(object, namespace=NAMESPACE)
def _fft_pair(x):  # noqa: F811
    """A torch tensor (the only other array type :func:`dft` lets through)."""
    if not is_tensor(x):
        raise TypeError(f"expected a numpy array or a torch tensor, got {type(x).__name__}")
    torch = torch_module()
    if not (x.is_floating_point() or x.is_complex()):
        x = x.to(torch.float64)  # like numpy: integer input is transformed in double precision
    return x, (lambda y, axes: torch.fft.fftn(y, dim=axes)), (lambda y, axes: torch.fft.ifftn(y, dim=axes))


def _transform(group, x, axis: int, sign: int, inverse: bool):
    axis, new, axes = _shape(group, x, axis)
    x, fftn, ifftn = _fft_pair(x)
    y = x.reshape(new)
    d = group.order
    # forward kernel exp(-2πi..) is the library's fftn; exp(+2πi..) is d·ifftn
    if (sign == -1) != inverse:
        out = fftn_chunked(fftn, y, axes)
    else:
        out = fftn_chunked(ifftn, y, axes) * d
    if not inverse:
        out = out / d
    return out.reshape(x.shape)


def _check(sign):
    if sign not in (-1, 1):
        raise ValueError(f"sign must be -1 or +1, got {sign!r}")


def dft(group, x, axis: int = -1, sign: int = -1):
    """x̂[k] = (1/d) Σ_g x[g] χ_k(g)^{sign}  (sign = -1: conj χ, docs/mathematics.md#characters-and-the-fourier-transform inputs)."""
    _check(sign)
    if not isinstance(x, np.ndarray) and not is_tensor(x):
        x = np.asarray(x)
    return _transform(group, x, int(axis), int(sign), False)


def idft(group, xhat, axis: int = -1, sign: int = -1):
    """x[g] = Σ_k x̂[k] χ_k(g)^{-sign}: the inverse of :func:`dft` with the same sign."""
    _check(sign)
    if not isinstance(xhat, np.ndarray) and not is_tensor(xhat):
        xhat = np.asarray(xhat)
    return _transform(group, xhat, int(axis), int(sign), True)
