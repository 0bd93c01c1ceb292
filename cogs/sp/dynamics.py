"""Sum potentials along a training trajectory (docs/mathematics.md#characters-and-the-fourier-transform, docs/mathematics.md#sum-potentials), batched over runs.

In paper units z_p = λ·(Fourier coefficients), λ = (2d)^{1/3}:
  A[k, j] = (1/d) Σ_g W_a[j, g] conj χ_k(g),  B likewise,  C[k, j] = (1/d) Σ_g W_c[g, j] χ_k(g).

:func:`sp_trajectory` returns, per run,
  ``sum_re_rkkk``  Σ_{k≠0} Re r_kkk,  r_kkk = Σ_j z_a[k,j] z_b[k,j] z_c[k,j]   (global optimum: d−1)
  ``off_diag``     Σ_{k≠0} Σ_{(k1,k2)≠(k,k)} |r_{k1 k2 k}|²   (the R_c residual; optimum 0)
  ``rn_aac``       per orbit (representative k): |Σ_j conj(z_a[k,j]) z_a[k,j] z_c[k,j]|
The off-diagonal sum never forms the d³ tensor r_{k1k2k}: with Gram matrices
G_a[j,j'] = Σ_{k1} z_a[k1,j] conj z_a[k1,j'] (and G_b), Σ_{k1,k2} |r_{k1k2k}|² =
Σ_{j,j'} z_c[k,j] conj z_c[k,j'] G_a[j,j'] G_b[j,j'], an O(q²d) computation per run.
"""

from __future__ import annotations

import torch

from groups import parse_group
from models.spectrum import fourier_coefficients, paper_scale
from models.weights import as_tensors, weights_of

_GRAM_BUDGET = 1 << 24  # complex entries of q×q Gram matrices held at once


def sp_coefficients(group, W_a=None, W_b=None, W_c=None):
    """z_a, z_b, z_c as complex128 tensors of shape (R, d, q) (index [r, k, j])."""
    G, W_a, W_b, W_c = weights_of(group, W_a, W_b, W_c)
    lam = paper_scale(G.order)
    W_a, W_b, W_c = (w.detach().to(torch.float64) for w in as_tensors(W_a, W_b, W_c))
    A, B, C = fourier_coefficients(G, W_a, W_b, W_c)
    return A * lam, B * lam, C * lam


@torch.no_grad()
def sp_trajectory(group, W_a=None, W_b=None, W_c=None) -> dict:
    """SP summaries of R networks (weights (R,q,d), (R,q,d), (R,d,q), or one unbatched network);
    see the module doc. Values are float64 tensors: (R,), (R,), (R, n_orbits)."""
    G, W_a, W_b, W_c = weights_of(group, W_a, W_b, W_c)
    W_a, W_b, W_c = as_tensors(W_a, W_b, W_c)
    single = W_a.ndim == 2
    if single:
        W_a, W_b, W_c = (w.unsqueeze(0) for w in (W_a, W_b, W_c))
    za, zb, zc = sp_coefficients(G, W_a, W_b, W_c)
    R, d, q = za.shape
    rkkk = (za * zb * zc).sum(-1)  # (R, d)
    sum_re = rkkk[:, 1:].real.sum(-1)
    full = torch.empty(R, d, dtype=torch.float64, device=za.device)
    step = max(1, _GRAM_BUDGET // max(1, q * q))
    for r0 in range(0, R, step):
        sl = slice(r0, r0 + step)
        a, b, c = za[sl], zb[sl], zc[sl]
        M = (a.transpose(-1, -2) @ a.conj()) * (b.transpose(-1, -2) @ b.conj())  # (r, q, q)
        full[sl] = ((c @ M) * c.conj()).sum(-1).real
    off = (full - rkkk.abs() ** 2)[:, 1:].sum(-1)
    reps = torch.as_tensor([o.k for o in G.orbits()], dtype=torch.long, device=za.device)
    rn = ((za.abs() ** 2) * zc).sum(-1)[:, reps].abs() if len(reps) else torch.zeros(R, 0, dtype=torch.float64, device=za.device)
    out = {"sum_re_rkkk": sum_re, "off_diag": off, "rn_aac": rn}
    if single:
        out = {k: v[0] for k, v in out.items()}
    return out


def sp_recorder(group):
    """A training recorder ``(epoch, W_a, W_b, W_c) -> sp_trajectory(...)``. The trainer takes
    this factory as ``train(config, sp_recorder=sp_recorder)`` and uses it when
    ``config.record_sp`` is set (models never imports cogs)."""
    G = parse_group(group)

    def record(epoch, W_a, W_b, W_c):
        return sp_trajectory(G, W_a, W_b, W_c)

    record.__name__ = "sp_trajectory"
    return record


def orbit_labels(group) -> list[int]:
    """The orbit representatives k, in the column order of ``rn_aac``."""
    return [o.k for o in parse_group(group).orbits()]


__all__ = ["orbit_labels", "sp_coefficients", "sp_recorder", "sp_trajectory"]
