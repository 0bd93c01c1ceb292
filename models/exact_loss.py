"""The exact loss of docs/mathematics.md#the-network-and-its-loss over all n² pairs in weight
space, never enumerating pairs, on any finite group G (n = |G|, Abelian or not):
:func:`fast_loss`, differentiable; and :func:`exact_loss`, the cheaper exact method for the
sizes at hand (the weight-space form, or the residual sum of :mod:`models.residuals` once
q ≥ n²). :func:`brute_force_loss` enumerates pairs (any subset), for comparison.

All take weights as torch tensors (batched over leading dims) or numpy arrays and return
torch tensors.

Derivation of :func:`fast_loss`. With u = W_a[j], v = W_b[j], h_j(a,b) = u(a)² + 2u(a)v(b) + v(b)², i.e.
h_j = Σ_s c_s X_s[j,a] Y_s[j,b] with X = (u², u, 1), Y = (1, v, v²), c = (1, 2, 1). Then
    Σ_{a,b} ‖P o‖² = tr(M H),  M = W_cᵀ P W_c,  H_{jj'} = Σ_{s,t} c_s c_t (X_s X_tᵀ)_{jj'} (Y_s Y_tᵀ)_{jj'},
    Σ_{a,b} o_{a·b}(a,b) = Σ_j σ_j (‖u_j‖² + ‖v_j‖²) + 2 Σ_j u_jᵀ C_j v_j,  σ_j = Σ_g W_c[g,j],
    Σ_{a,b} ō(a,b) = (1/n) Σ_j σ_j (n‖u_j‖² + 2 Σu_j Σv_j + n‖v_j‖²),
and ℓ = (1/n²)[tr(MH) − 2(Σ o_{a·b} − Σ ō)] + 1 − 1/n. Only the cross term Σ_{a,b} o_{a·b}(a,b)
reads the group's multiplication, through C_j[g,h] = W_c[g·h, j] (Σ_h W_c[g·h, j] = σ_j for
every g gives its first part). Its bilinear part 2 Σ_j u_jᵀ C_j v_j is computed

* for a :class:`groups.FiniteAbelianGroup` (Z_n factors) by the FFT:
  Σ_j u_jᵀ C_j v_j = n² Σ_{k,j} Re(A_kj B_kj C_kj) (docs/mathematics.md#characters-and-the-fourier-transform),
  O(q·n log n);
* for any other group (non-Abelian, or given by its table) in weight space from the Cayley
  table T: u_jᵀ C_j v_j = Σ_g u_j(g) Σ_h W_c[T[g,h], j] v_j(h), O(q·n²) work, chunked over
  nodes so that memory stays bounded.

The quadratic part tr(MH) is O(q²n) on every group.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> W = rng.normal(size=(4, 7)), rng.normal(size=(4, 7)), rng.normal(size=(7, 4))
>>> abs(float(fast_loss("Z7", *W)) - float(brute_force_loss("Z7", *W))) < 1e-10
True
>>> W = rng.normal(size=(4, 6)), rng.normal(size=(4, 6)), rng.normal(size=(6, 4))
>>> abs(float(fast_loss("S3", *W)) - float(brute_force_loss("S3", *W))) < 1e-10
True
"""

from __future__ import annotations

import math

import torch

from groups import FiniteAbelianGroup, rfftn_chunked
from models.forward import brute_force_loss  # re-exported: the enumeration the exact forms are checked against
from models.weights import as_tensors, weights_of

__all__ = ["brute_force_loss", "exact_loss", "exact_loss_method", "fast_loss"]


def exact_loss_method(q: int, d: int) -> str:
    """Which exact all-pairs evaluation :func:`exact_loss` uses for width q on a group of
    order d: the weight-space form (O(q²d) work, q × q memory) while q < d², enumeration of
    the d³ residuals (O(q·d³) work, chunked: no more than the weight-space form once q ≥ d²)
    for wider networks. Enumeration sums squared residuals, so an exact network scores ~1e-30;
    the weight-space form cancels terms of size ~q²/d and resolves ~1e-16·q²/d."""
    return "fast (weight space, exact)" if q < d * d else "residuals (all d² pairs; q ≥ d², as cheap as weight space and exact to ~1e-30)"


def _float64(*ws):
    """The weights in float64 (differentiably): the exact forms cancel terms of size ~q²/d, which
    float32 (or float16) would resolve only to ~1e-7 (an exact network would score 6e-8)."""
    return tuple(w if w.dtype == torch.float64 else w.to(torch.float64) for w in ws)


def exact_loss(group, W_a=None, W_b=None, W_c=None) -> torch.Tensor:
    """The exact all-pairs loss by the cheaper exact method for these sizes (see
    :func:`exact_loss_method`): :func:`fast_loss` for q < d², else the residual sum. Computed in
    float64 whatever the weights' dtype (float32 and float16 tensors are converted)."""
    group, W_a, W_b, W_c = weights_of(group, W_a, W_b, W_c, quadratic="the exact loss")
    W_a, W_b, W_c = _float64(*as_tensors(W_a, W_b, W_c, group=group))
    d, q = group.order, W_a.shape[-2]
    if q < d * d:
        return fast_loss(group, W_a, W_b, W_c)
    from models.residuals import residual_loss

    return residual_loss(group, W_a, W_b, W_c)


def fast_loss(group, W_a=None, W_b=None, W_c=None) -> torch.Tensor:
    """The exact all-pairs loss without enumerating pairs (see the module docstring), in float64
    whatever the weights' dtype."""
    group, W_a, W_b, W_c = weights_of(group, W_a, W_b, W_c, quadratic="the exact loss")
    W_a, W_b, W_c = _float64(*as_tensors(W_a, W_b, W_c, group=group))
    d = group.order
    u, v = W_a, W_b  # (..., q, d)
    u2, v2 = u * u, v * v
    su, su2 = u.sum(-1), u2.sum(-1)  # (..., q)
    sv, sv2 = v.sum(-1), v2.sum(-1)
    # H = Σ_{s,t} c_s c_t (X_s X_tᵀ)∘(Y_s Y_tᵀ), X = (u², u, 1), Y = (1, v, v²), c = (1, 2, 1).
    # A Gram block with a constant row is rank one (row sums); M is symmetric, so tr(M H) needs
    # each off-diagonal (s, t) block once (× 2). Up to terms whose trace against M vanishes,
    #   H ≅ u²(d·u² + 4 s_v∘u)ᵀ + (d·v² + 4 s_u∘v)(v²)ᵀ + 4 (uuᵀ)∘(vvᵀ) + 2 s_{u²} s_{v²}ᵀ,
    # four q×q×d products (the first two share one matmul of inner size 2d) plus M.
    mt = lambda x, y: torch.matmul(x, y.transpose(-1, -2))  # noqa: E731
    left = torch.cat([u2, d * v2 + 4 * su.unsqueeze(-1) * v], dim=-1)
    right = torch.cat([d * u2 + 4 * sv.unsqueeze(-1) * u, v2], dim=-1)
    H = torch.addcmul(mt(left, right), mt(u, u), mt(v, v), value=4.0)
    Wc_centred = W_c - W_c.mean(dim=-2, keepdim=True)  # P W_c
    M = torch.matmul(W_c.transpose(-1, -2), Wc_centred)  # W_cᵀ P W_c (P idempotent, symmetric)
    rank_one = (su2 * torch.matmul(M, sv2.unsqueeze(-1)).squeeze(-1)).sum(-1)
    flat = M.shape[:-2] + (1, -1)
    quad = torch.matmul(M.reshape(flat), H.reshape(flat).transpose(-1, -2))[..., 0, 0] + 2 * rank_one
    sigma = W_c.sum(-2)  # (..., q)
    if isinstance(group, FiniteAbelianGroup):
        cross = (sigma * (su2 + sv2)).sum(-1) + 2 * d * d * _sum_re_r_kkk(group, u, v, W_c.transpose(-1, -2))
    else:
        cross = (sigma * (su2 + sv2)).sum(-1) + 2 * _sum_u_C_v(group, u, v, W_c)
    mean = (sigma * (d * su2 + 2 * su * sv + d * sv2)).sum(-1) / d
    return (quad - 2 * (cross - mean)) / (d * d) + (1.0 - 1.0 / d)


# elements of (batch, nodes, n, n) gathered at once by :func:`_sum_u_C_v`
_CROSS_CHUNK_ELEMENTS = 1 << 22


def _sum_u_C_v(group, u, v, W_c) -> torch.Tensor:
    """Σ_j Σ_{g,h} u_j(g) W_c[g·h, j] v_j(h) for real u, v of shape (..., q, n) and W_c of shape
    (..., n, q), on any finite group, from its Cayley table (no Fourier transform): O(q·n²)
    work, chunked over nodes (at most about 4M gathered entries at once)."""
    n, q = group.order, u.shape[-2]
    T = torch.tensor(group.cayley_table(), device=u.device)  # (n, n): T[g, h] = g·h (a copy: the table is read-only)
    c = W_c.transpose(-1, -2)  # (..., q, n)
    batch = math.prod(u.shape[:-2])
    step = max(1, min(q, _CROSS_CHUNK_ELEMENTS // max(1, batch * n * n)))
    total = u.new_zeros(u.shape[:-2])
    for start in range(0, q, step):
        nodes = slice(start, start + step)
        Cj = c[..., nodes, :][..., T]  # (..., step, g, h): W_c[g·h, j]
        Cv = torch.matmul(Cj, v[..., nodes, :].unsqueeze(-1)).squeeze(-1)  # (..., step, g)
        total = total + (u[..., nodes, :] * Cv).sum((-1, -2))
    return total


def _sum_re_r_kkk(group, u, v, c) -> torch.Tensor:
    """Σ_k Σ_j Re(A_kj B_kj C_kj) for real u, v, c of shape (..., q, d) (c = W_cᵀ).

    A = fft(u)/d, B = fft(v)/d, C = conj(fft(c))/d (docs/mathematics.md#characters-and-the-fourier-transform, real weights). Only half the
    spectrum is needed: with a real FFT along the group's first factor (last reshaped axis),
    k and −k pair up, so entries whose last coordinate l is neither 0 nor n_1/2 count twice."""
    d = group.order
    radii = tuple(reversed(group.moduli))
    axes = tuple(range(-len(radii), 0))
    F = [rfftn_chunked(x.reshape(x.shape[:-1] + radii), axes) for x in (u, v, c)]
    prod = (F[0] * F[1] * F[2].conj()).real
    n1 = radii[-1]
    w = torch.full((n1 // 2 + 1,), 2.0, dtype=prod.dtype, device=prod.device)
    w[0] = 1.0
    if n1 % 2 == 0:
        w[-1] = 1.0
    return (prod * w).reshape(prod.shape[:-len(radii)] + (-1,)).sum(-1).sum(-1) / d**3
