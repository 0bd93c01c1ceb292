"""The loss of docs/mathematics.md#the-network-and-its-loss in terms of sum potentials, and the
SP-form objective used for training with selected terms dropped.

* :func:`sp_loss_zero_mean` / :func:`sp_terms_zero_mean` — the zero-mean SP form of
  docs/mathematics.md#sum-potentials (term groups can be dropped: :func:`sp_form_loss`);
* :func:`sp_loss_general` / :func:`kappa_terms` — the general κ form (DC inputs allowed);
* :func:`constraint_report` — per orbit, r_kkk and the R_c, R_n, R_* violations.

The exact loss in weight space (never enumerating pairs) is :mod:`models.exact_loss`; all three
agree (tests/test_loss.py).

>>> from cogs.solver import construct
>>> from models.exact_loss import fast_loss
>>> W = construct("Z7", "f46").weights  # a certified global minimiser
>>> abs(float(sp_loss_zero_mean("Z7", *W)) - float(fast_loss("Z7", *W))) < 1e-12
True
"""

from __future__ import annotations

import torch

from cogs.sp.families import rc_energy, rp_sums, r_kkk
from groups import fftn_chunked
from models.spectrum import fourier_coefficients, paper_scale
from models.weights import as_tensors, weights_of

TERMS = ("target", "R_c", "R_n", "R_*")


def _paper(group, W_a, W_b, W_c):
    A, B, C = fourier_coefficients(group, W_a, W_b, W_c)
    lam = paper_scale(group.order)
    return lam * A, lam * B, lam * C


def sp_terms_zero_mean(group, W_a=None, W_b=None, W_c=None) -> dict:
    """Per-k terms ℓ_k of docs/mathematics.md#sum-potentials (paper units, zero-mean inputs assumed — the DC components
    A_0, B_0 are dropped, i.e. the inputs are projected to zero mean). Each (..., d), k=0 zeroed."""
    group, W_a, W_b, W_c = weights_of(group, W_a, W_b, W_c)
    W_a, W_b, W_c = as_tensors(W_a, W_b, W_c, group=group)
    a, b, c = _paper(group, W_a, W_b, W_c)
    a = torch.cat([torch.zeros_like(a[..., :1, :]), a[..., 1:, :]], dim=-2)
    b = torch.cat([torch.zeros_like(b[..., :1, :]), b[..., 1:, :]], dim=-2)
    target = -2 * r_kkk(a, b, c).real
    sq = rc_energy(a, b, c)
    Sa, Sb = rp_sums(a, c, group), rp_sums(b, c, group)
    rn = 0.25 * (Sa[..., 0, :] + Sb[..., 0, :]).abs() ** 2
    rs = 0.25 * ((Sa[..., 1:, :].abs() ** 2).sum(-2) + (Sb[..., 1:, :].abs() ** 2).sum(-2))
    mask = torch.ones(group.order, dtype=target.dtype, device=target.device)
    mask[0] = 0
    return {"target": target * mask, "R_c": sq * mask, "R_n": rn * mask, "R_*": rs * mask}


def sp_loss_zero_mean(group, W_a=None, W_b=None, W_c=None, *, drop=()) -> torch.Tensor:
    """(b) ℓ = (1/d) Σ_{k≠0} ℓ_k + (d−1)/d (docs/mathematics.md#sum-potentials). Equal to the true loss when the
    inputs are zero-mean; ``drop`` removes term groups from ℓ_k: any of 'R_c' (Σ|r_{k1k2k}|²),
    'R_n', 'R_*' (e.g. ``drop=('R_*',)`` is the paper's "without R_*", docs/paper.md)."""
    group, W_a, W_b, W_c = weights_of(group, W_a, W_b, W_c)
    unknown = set(drop) - set(TERMS)
    if unknown:
        raise ValueError(f"unknown SP loss terms {sorted(unknown)}; choose from {TERMS}")
    terms = sp_terms_zero_mean(group, W_a, W_b, W_c)
    total = sum(v for n, v in terms.items() if n not in drop)
    d = group.order
    return total.sum(-1) / d + (d - 1) / d


def sp_form_loss(group, W_a=None, W_b=None, W_c=None, *, drop=()) -> torch.Tensor:
    """Training objective: the zero-mean SP form with optional terms dropped (differentiable)."""
    return sp_loss_zero_mean(group, W_a, W_b, W_c, drop=drop)


def sp_loss_general(group, W_a=None, W_b=None, W_c=None, *, max_d: int = 256) -> torch.Tensor:
    """(b') ℓ = d Σ_{k≠0} Σ_{m1,m2} |κ(m1,m2,k)|² (docs/mathematics.md#sum-potentials, coefficient units, no zero-mean
    assumption), with κ = 2 r_{m1m2k} − [m1=m2=k]/d + [m2=0] S_a[m1,k] + [m1=0] S_b[m2,k].
    Forms the r_{m1 m2 k} tensor one k at a time (O(d³q)): a reference, for d ≤ ``max_d``."""
    return kappa_terms(group, W_a, W_b, W_c, max_d=max_d).sum(-1)


def kappa_terms(group, W_a=None, W_b=None, W_c=None, *, max_d: int = 256) -> torch.Tensor:
    """The general (κ) form of the loss split by output frequency: (..., d) with entry k equal
    to d Σ_{m1,m2} |κ(m1,m2,k)|² (k = 0 is 0, since P removes it); they sum to the exact loss
    for any real weights, DC input components included (see :func:`sp_loss_general`)."""
    group, W_a, W_b, W_c = weights_of(group, W_a, W_b, W_c)
    d = group.order
    if d > max_d:
        raise ValueError(f"the κ form forms d³ terms; d = {d} exceeds max_d = {max_d}")
    W_a, W_b, W_c = as_tensors(W_a, W_b, W_c, group=group)
    A, B, C = fourier_coefficients(group, W_a, W_b, W_c)
    Sa, Sb = rp_sums(A, C, group), rp_sums(B, C, group)  # (..., m, k)
    out = torch.zeros(W_a.shape[:-2] + (d,), dtype=W_a.dtype, device=W_a.device)
    q = A.shape[-1]
    step = max(1, (1 << 22) // max(1, d * (d + q)))  # k per batched product
    Bt = B.transpose(-1, -2).unsqueeze(-3)  # (..., 1, q, d)
    for k0 in range(1, d, step):
        ks = torch.arange(k0, min(d, k0 + step), device=A.device)
        # r_{m1 m2 k} = Σ_j A_{m1 j} C_{k j} B_{m2 j}: one (d × q)(q × d) product per k
        kappa = 2 * torch.matmul(A.unsqueeze(-3) * C[..., ks, :].unsqueeze(-2), Bt)  # (..., nk, m1, m2)
        i = torch.arange(len(ks), device=A.device)
        kappa[..., i, ks, ks] -= 1.0 / d
        kappa[..., :, :, 0] += Sa[..., :, ks].transpose(-1, -2)
        kappa[..., :, 0, :] += Sb[..., :, ks].transpose(-1, -2)
        out[..., ks] = d * (kappa.abs() ** 2).sum((-1, -2))
    return out


def constraint_report(group, W_a=None, W_b=None, W_c=None) -> dict:
    """Per orbit (representative k), in paper units: r_kkk, and the violation of each
    family — R_c = sqrt(Σ_{(k1,k2)≠(k,k)}|r_{k1k2k}|²), R_n = |Σ_p Σ_k' r_{p,k',−k',k}|,
    R_* = sqrt(Σ_p Σ_{m≠0}|Σ_k' r_{p,k',m−k',k}|²) — plus the input DC (zero-mean check).

    The same quantities as :func:`cogs.sp.families.families`, evaluated only at the orbit
    representatives and using that the weights are real: the node Gram matrices are then
    real, G_A = W_a W_aᵀ/d (Parseval), so the R_c energy needs real products only. (R_c is a
    square root of a difference Σ|r|² − |r_kkk|², so it resolves violations down to about
    sqrt(machine eps)·|r_kkk|, not below.)"""
    group, W_a, W_b, W_c = weights_of(group, W_a, W_b, W_c)
    W_a, W_b, W_c = (w.detach() for w in as_tensors(W_a, W_b, W_c, group=group))
    if W_a.ndim != 2:
        raise ValueError(f"constraint_report takes one network (q, d) weights, got W_a of shape {tuple(W_a.shape)}")
    d, q = group.order, W_a.shape[0]
    lam3 = 2.0 * d  # SPs are cubic: paper units = λ³ · coefficient units
    orbits = group.orbits()
    reps = torch.tensor([o.k for o in orbits], dtype=torch.long)
    radii = tuple(reversed(group.moduli))
    with torch.no_grad():
        # one batched FFT: A, B, C and the self-convolutions A⊛A = dft(W_a²), B⊛B = dft(W_b²);
        # for real W_c, C = (1/d) Σ_g W_c[g] χ_k(g) = conj(fft(W_c))/d.
        stack = torch.stack([W_a, W_b, W_a * W_a, W_b * W_b, W_c.T]).reshape((5, q) + radii)
        F = fftn_chunked(lambda z, a: torch.fft.fftn(z, dim=a), stack, tuple(range(2, 2 + len(radii)))).reshape(5, q, d)
        A0, B0 = F[0, :, 0].real / d, F[1, :, 0].real / d  # input DC (k = 0)
        Cr = F[4][:, reps].conj().T * (lam3 / d)  # (n, q), already × λ³ for the SPs below
        rk = (F[0][:, reps].T * F[1][:, reps].T * Cr).sum(-1) / d**2
        M = torch.matmul(W_a, W_a.T) * torch.matmul(W_b, W_b.T) / (d * d)  # (G_A ∘ G_B), real
        cr, ci = Cr.real.contiguous(), Cr.imag.contiguous()
        energy = ((cr @ M) * cr + (ci @ M) * ci).sum(-1)  # Σ_{k1,k2} |r_{k1k2k}|²
        rc = (energy - rk.abs() ** 2).clamp_min(0).sqrt()
        Sa = torch.matmul(F[2].T, Cr.T) / d  # (m, n): Σ_k' r_{a,k',m−k',k}
        Sb = torch.matmul(F[3].T, Cr.T) / d
        rn = (Sa[0] + Sb[0]).abs()
        rs = ((Sa[1:].abs() ** 2).sum(0) + (Sb[1:].abs() ** 2).sum(0)).sqrt()
    lam = paper_scale(d)
    rows = [
        {
            "k": o.k,
            "neg": o.neg,
            "kind": o.kind,
            "r_kkk": complex(rk[i].item()),
            "R_c": float(rc[i]),
            "R_n": float(rn[i]),
            "R_*": float(rs[i]),
        }
        for i, o in enumerate(orbits)
    ]
    return {
        "orbits": rows,
        "dc_a": float(lam * A0.abs().max()),
        "dc_b": float(lam * B0.abs().max()),
    }
