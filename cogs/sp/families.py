"""Vectorised families of sum potentials for any finite Abelian group (torch, batched).

Everything here takes Fourier *coefficients* A, B, C of shape (..., d, q) (k on axis -2,
node on axis -1; docs/mathematics.md#characters-and-the-fourier-transform units, not paper units) and works on torch tensors so it is
differentiable and runs on any device. Multiply an SP by λ³ = 2d for paper units.

Cost: r_kkk O(dq); the R_c energy O(q²d) through node Gram matrices (the d³ tensor of all
r_{k1k2k} is never formed); R_n O(dq); R_* O(d²q) (one matrix product after a group
convolution done by FFT).
"""

from __future__ import annotations

import numpy as np
import torch

from groups import FiniteAbelianGroup


def r_kkk(A, B, C):
    """(..., d): r_kkk = Σ_j A_kj B_kj C_kj."""
    return (A * B * C).sum(-1)


def r_tensor(A, B, C):
    """(..., d, d, d): every r_{k1 k2 k} (only for small d)."""
    return torch.einsum("...xj,...yj,...kj->...xyk", A, B, C)


def gram(X):
    """(..., q, q): G[j, j'] = Σ_k X_kj conj X_kj'."""
    return torch.matmul(X.transpose(-1, -2), X.conj())


def rc_energy(A, B, C):
    """(...,d): Σ_{k1,k2} |r_{k1 k2 k}|² for each k, via Σ_{jj'} C_kj (G_A∘G_B)_{jj'} conj C_kj'."""
    M = gram(A) * gram(B)
    return torch.einsum("...kj,...jl,...kl->...k", C, M, C.conj()).real


def self_convolution(X, group: FiniteAbelianGroup):
    """(..., d, q): (X⊛X)[m, j] = Σ_{k'} X_{k'j} X_{m−k',j} (coefficient-space group convolution).

    With X = dft(x) (conj-χ analysis), X⊛X = dft(x²): one inverse and one forward FFT."""
    x = group.idft(X, axis=-2, sign=-1)
    return group.dft(x * x, axis=-2, sign=-1)


def rp_sums(X, C, group: FiniteAbelianGroup):
    """(..., d_m, d_k): S[m, k] = Σ_{k'} r_{p,k',m−k',k} = Σ_j (X⊛X)[m,j] C_kj."""
    return torch.matmul(self_convolution(X, group), C.transpose(-1, -2))


def families(A, B, C, group: FiniteAbelianGroup) -> dict:
    """Per frequency k (axis -1, all d of them; k = 0 included for completeness):

    - ``r_kkk``: r_kkk (complex);
    - ``R_c``:  Σ_{(k1,k2)≠(k,k)} |r_{k1k2k}|²;
    - ``R_n``:  Σ_p Σ_{k'} r_{p,k',−k',k} (complex);
    - ``R_*``:  Σ_p Σ_{m≠0} |Σ_{k'} r_{p,k',m−k',k}|²;
    - ``R_*_a``, ``R_*_b``: the same per p.
    """
    rk = r_kkk(A, B, C)
    rc = rc_energy(A, B, C) - rk.abs() ** 2
    Sa, Sb = rp_sums(A, C, group), rp_sums(B, C, group)
    rn = Sa[..., 0, :] + Sb[..., 0, :]
    sa = (Sa[..., 1:, :].abs() ** 2).sum(-2)
    sb = (Sb[..., 1:, :].abs() ** 2).sum(-2)
    return {"r_kkk": rk, "R_c": rc.clamp_min(0), "R_n": rn, "R_*": sa + sb, "R_*_a": sa, "R_*_b": sb}


def as_tensor(x, dtype=torch.complex128):
    if isinstance(x, torch.Tensor):
        return x
    return torch.as_tensor(np.asarray(x), dtype=dtype)
