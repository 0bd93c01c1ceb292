"""The matrix Fourier transform of any finite group, numpy and torch, batched (docs/groups.md).

f̂(ρ) = Σ_g f(g) ρ(g) (a d_ρ × d_ρ matrix per complex irrep ρ) and its inverse
f(g) = (1/n) Σ_ρ d_ρ tr(ρ(g)† f̂(ρ)); Plancherel Σ_g |f(g)|² = (1/n) Σ_ρ d_ρ ‖f̂(ρ)‖_F²; and the
convolution (x⋆y)(k) = Σ_{gh=k} x(g) y(h) becomes (x⋆y)^(ρ) = x̂(ρ) ŷ(ρ). Over the real
irreducibles σ (real weights): f̂(σ) = Σ_g f(g) σ(g), f(g) = (1/n) Σ_σ m_σ tr(σ(g)ᵀ f̂(σ)),
Σ_g f(g)² = (1/n) Σ_σ m_σ ‖f̂(σ)‖_F².

All the irreps' matrices are stacked into one n × n matrix B (Σ d_ρ² = n), so a transform
is one matrix product over the group axis: O(n²) per function.

>>> import numpy as np
>>> from groups import parse_group
>>> G = parse_group("S3")
>>> f = np.arange(6.0)
>>> np.allclose(G.ifourier(G.fourier(f)).real, f)
True
"""

from __future__ import annotations

import numpy as np

from groups._fourier import is_tensor, torch_module

__all__ = ["fourier", "ifourier", "real_fourier", "real_ifourier"]


def _basis(G, real: bool):
    """(B (n, Σ s²), sizes, weights): B[g, block] = the flattened matrix of each irrep at g."""

    def compute():
        reps = G.real_irreps() if real else G.irreps()
        B = np.concatenate([r.matrices.reshape(G.order, -1) for r in reps], axis=1)
        sizes = tuple(r.size if real else r.dim for r in reps)
        weights = tuple(r.multiplicity if real else r.dim for r in reps)
        B.setflags(write=False)
        return B, sizes, weights

    return G._cached(("fourier_basis", real), compute)


def _move(x, axis: int, n: int, spec: str):
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(f"axis {axis} is out of range for an array of {x.ndim} dimension(s)")
    axis = axis % x.ndim
    if x.shape[axis] != n:
        raise ValueError(f"axis {axis} has length {x.shape[axis]}, expected |G| = {n} for {spec}")
    if is_tensor(x):
        return x.movedim(axis, -1)
    return np.moveaxis(x, axis, -1)


def _as_array(x):
    return x if isinstance(x, np.ndarray) or is_tensor(x) else np.asarray(x)


def _matrix_like(B, x, complex_: bool):
    if is_tensor(x):
        torch = torch_module()
        if x.is_complex():
            dtype = x.dtype
        elif x.dtype == torch.float32:
            dtype = torch.complex64 if complex_ else torch.float32
        else:
            dtype = torch.complex128 if complex_ else torch.float64
        if not (x.is_floating_point() or x.is_complex()):
            x = x.to(torch.float64)
        return torch.from_numpy(np.array(B)).to(device=x.device, dtype=dtype), x.to(dtype)
    return B, x


def _split(F, sizes):
    out, start = [], 0
    for s in sizes:
        block = F[..., start : start + s * s]
        out.append(block.reshape(tuple(F.shape[:-1]) + (s, s)))
        start += s * s
    return tuple(out)


def _forward(G, f, axis, real):
    f = _move(_as_array(f), int(axis), G.order, G.spec)
    B, sizes, _ = _basis(G, real)
    B, f = _matrix_like(B, f, complex_=not real)
    return _split(f @ B, sizes)


def _inverse(G, fhat, axis, real):
    B, sizes, weights = _basis(G, real)
    fhat = [_as_array(b) for b in fhat]
    if len(fhat) != len(sizes):
        raise ValueError(f"expected {len(sizes)} blocks (one per {'real irreducible' if real else 'irrep'} of {G.spec}), got {len(fhat)}")
    flat = []
    for b, s, w in zip(fhat, sizes, weights):
        if tuple(b.shape[-2:]) != (s, s):
            raise ValueError(f"a block of shape {tuple(b.shape)} does not match an irrep of size {s}")
        flat.append(b.reshape(tuple(b.shape[:-2]) + (s * s,)) * w)
    if is_tensor(flat[0]):
        torch = torch_module()
        F = torch.cat(flat, dim=-1)
        Bt, F = _matrix_like(B if real else B.conj(), F, complex_=not real)
        out = (F @ Bt.transpose(0, 1)) / G.order
        return out.movedim(-1, int(axis)) if out.ndim else out
    F = np.concatenate(flat, axis=-1)
    out = F @ (B if real else B.conj()).T / G.order
    return np.moveaxis(out, -1, int(axis))


def fourier(G, f, axis: int = -1):
    """f̂(ρ) = Σ_g f(g) ρ(g) for each irrep ρ of ``G.irreps()`` (see the module doc)."""
    return _forward(G, f, axis, real=False)


def ifourier(G, fhat, axis: int = -1):
    """f(g) = (1/n) Σ_ρ d_ρ tr(ρ(g)† f̂(ρ)); the group axis is put at ``axis``."""
    return _inverse(G, fhat, axis, real=False)


def real_fourier(G, f, axis: int = -1):
    """f̂(σ) = Σ_g f(g) σ(g) for each real irreducible σ of ``G.real_irreps()``."""
    return _forward(G, f, axis, real=True)


def real_ifourier(G, fhat, axis: int = -1):
    """f(g) = (1/n) Σ_σ m_σ tr(σ(g)ᵀ f̂(σ))."""
    return _inverse(G, fhat, axis, real=True)
