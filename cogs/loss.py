"""The exact loss of SPEC §2 over all d² pairs, three independent ways, plus the SP-form
objective used for training with selected terms dropped.

(a) :func:`brute_force_loss` — enumerate pairs (chunked; any subset of pairs);
(b) :func:`sp_loss_zero_mean` / :func:`sp_loss_general` — the sum-potential forms of SPEC §5;
(c) :func:`fast_loss` — weight space, never enumerating pairs: O(q²d + q·d log d).

All take weights as torch tensors (batched over leading dims) or numpy arrays and return
torch tensors; (c) and the SP objective are differentiable.

Derivation of (c). With u = W_a[j], v = W_b[j], h_j(a,b) = u(a)² + 2u(a)v(b) + v(b)², i.e.
h_j = Σ_s c_s X_s[j,a] Y_s[j,b] with X = (u², u, 1), Y = (1, v, v²), c = (1, 2, 1). Then
    Σ_{a,b} ‖P o‖² = tr(M H),  M = W_cᵀ P W_c,  H_{jj'} = Σ_{s,t} c_s c_t (X_s X_tᵀ)_{jj'} (Y_s Y_tᵀ)_{jj'},
    Σ_{a,b} o_{a+b}(a,b) = Σ_j σ_j (‖u_j‖² + ‖v_j‖²) + 2 d² Σ_{k,j} A_kj B_kj C_kj,  σ_j = Σ_g W_c[g,j],
    Σ_{a,b} ō(a,b) = (1/d) Σ_j σ_j (d‖u_j‖² + 2 Σu_j Σv_j + d‖v_j‖²),
and ℓ = (1/d²)[tr(MH) − 2(Σ o_{a+b} − Σ ō)] + 1 − 1/d.
"""

from __future__ import annotations

import numpy as np
import torch

from cogs.families import coefficients, r_tensor, rc_energy, rp_sums, r_kkk
from groups import parse_group
from models.network import brute_force_loss as _brute_force_loss

TERMS = ("target", "R_c", "R_n", "R_*")


def _tensors(W_a, W_b, W_c, dtype=torch.float64):
    out = []
    for w in (W_a, W_b, W_c):
        if not isinstance(w, torch.Tensor):
            w = torch.as_tensor(np.asarray(w), dtype=dtype)
        out.append(w)
    return out


def brute_force_loss(W_a, W_b, W_c, group, pairs=None, *, chunk=None) -> torch.Tensor:
    """(a) mean over ``pairs`` (default all d²) of ‖P(o − e_{a+b})‖², chunked."""
    W_a, W_b, W_c = _tensors(W_a, W_b, W_c)
    return _brute_force_loss(W_a, W_b, W_c, parse_group(group), pairs, chunk=chunk)


def fast_loss(W_a, W_b, W_c, group) -> torch.Tensor:
    """(c) the exact all-pairs loss without enumerating pairs (see module docstring)."""
    group = parse_group(group)
    W_a, W_b, W_c = _tensors(W_a, W_b, W_c)
    d = group.order
    u, v = W_a, W_b  # (..., q, d)
    ones = torch.ones_like(u)
    X = (u * u, u, ones)
    Y = (ones, v, v * v)
    cs = (1.0, 2.0, 1.0)
    H = 0
    for s in range(3):
        for t in range(3):
            gx = torch.matmul(X[s], X[t].transpose(-1, -2))
            gy = torch.matmul(Y[s], Y[t].transpose(-1, -2))
            H = H + (cs[s] * cs[t]) * gx * gy
    Wc_centred = W_c - W_c.mean(dim=-2, keepdim=True)  # P W_c
    M = torch.matmul(W_c.transpose(-1, -2), Wc_centred)  # W_cᵀ P W_c (P idempotent, symmetric)
    quad = (M * H).sum((-1, -2))
    sigma = W_c.sum(-2)  # (..., q)
    nu, nv = (u * u).sum(-1), (v * v).sum(-1)
    A, B, C = coefficients(W_a, W_b, W_c, group)
    diag = sigma * (nu + nv)
    cross = diag.sum(-1) + 2 * d * d * r_kkk(A, B, C).real.sum(-1)
    mean = (sigma * (d * nu + 2 * u.sum(-1) * v.sum(-1) + d * nv)).sum(-1) / d
    return (quad - 2 * (cross - mean)) / (d * d) + (1.0 - 1.0 / d)


def _paper(W_a, W_b, W_c, group):
    A, B, C = coefficients(W_a, W_b, W_c, group)
    lam = (2.0 * group.order) ** (1.0 / 3.0)
    return lam * A, lam * B, lam * C


def sp_terms_zero_mean(W_a, W_b, W_c, group) -> dict:
    """Per-k terms ℓ_k of SPEC §5 (paper units, zero-mean inputs assumed — the DC components
    A_0, B_0 are dropped, i.e. the inputs are projected to zero mean). Each (..., d), k=0 zeroed."""
    group = parse_group(group)
    W_a, W_b, W_c = _tensors(W_a, W_b, W_c)
    a, b, c = _paper(W_a, W_b, W_c, group)
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


def sp_loss_zero_mean(W_a, W_b, W_c, group, drop=()) -> torch.Tensor:
    """(b) ℓ = (1/d) Σ_{k≠0} ℓ_k + (d−1)/d (SPEC §5). Equal to the true loss when the
    inputs are zero-mean; ``drop`` removes term groups from ℓ_k: any of 'R_c' (Σ|r_{k1k2k}|²),
    'R_n', 'R_*' (e.g. ``drop=('R_*',)`` is SPEC §9's "without R_*")."""
    group = parse_group(group)
    unknown = set(drop) - set(TERMS)
    if unknown:
        raise ValueError(f"unknown SP loss terms {sorted(unknown)}; choose from {TERMS}")
    terms = sp_terms_zero_mean(W_a, W_b, W_c, group)
    total = sum(v for n, v in terms.items() if n not in drop)
    d = group.order
    return total.sum(-1) / d + (d - 1) / d


def sp_form_loss(W_a, W_b, W_c, group, drop=()) -> torch.Tensor:
    """Training objective: the zero-mean SP form with optional terms dropped (differentiable)."""
    return sp_loss_zero_mean(W_a, W_b, W_c, group, drop=drop)


def sp_loss_general(W_a, W_b, W_c, group, *, max_d: int = 256) -> torch.Tensor:
    """(b') ℓ = d Σ_{k≠0} Σ_{m1,m2} |κ(m1,m2,k)|² (SPEC §5, coefficient units, no zero-mean
    assumption), with κ = 2 r_{m1m2k} − [m1=m2=k]/d + [m2=0] S_a[m1,k] + [m1=0] S_b[m2,k].
    Forms the r_{m1 m2 k} tensor one k at a time (O(d³q)): a reference, for d ≤ ``max_d``."""
    group = parse_group(group)
    d = group.order
    if d > max_d:
        raise ValueError(f"sp_loss_general forms d³ terms; d = {d} exceeds max_d = {max_d}")
    W_a, W_b, W_c = _tensors(W_a, W_b, W_c)
    A, B, C = coefficients(W_a, W_b, W_c, group)
    Sa, Sb = rp_sums(A, C, group), rp_sums(B, C, group)  # (..., m, k)
    total = 0
    for k in range(1, d):
        rk = torch.einsum("...xj,...yj,...j->...xy", A, B, C[..., k, :])
        kappa = 2 * rk
        kappa = kappa.clone()
        kappa[..., k, k] = kappa[..., k, k] - 1.0 / d
        kappa[..., :, 0] = kappa[..., :, 0] + Sa[..., :, k]
        kappa[..., 0, :] = kappa[..., 0, :] + Sb[..., :, k]
        total = total + (kappa.abs() ** 2).sum((-1, -2))
    return d * total


def constraint_report(W_a, W_b, W_c, group) -> dict:
    """Per orbit (representative k), in paper units: r_kkk, and the violation of each
    family — R_c = sqrt(Σ_{(k1,k2)≠(k,k)}|r_{k1k2k}|²), R_n = |Σ_p Σ_k' r_{p,k',−k',k}|,
    R_* = sqrt(Σ_p Σ_{m≠0}|Σ_k' r_{p,k',m−k',k}|²) — plus the input DC (zero-mean check)."""
    from cogs.families import families

    group = parse_group(group)
    W_a, W_b, W_c = _tensors(W_a, W_b, W_c)
    a, b, c = _paper(W_a.detach(), W_b.detach(), W_c.detach(), group)
    fam = families(a, b, c, group)
    rows = []
    for o in group.orbits():
        k = o.k
        rows.append(
            {
                "k": k,
                "neg": o.neg,
                "kind": o.kind,
                "r_kkk": complex(fam["r_kkk"][..., k].item()),
                "R_c": float(fam["R_c"][..., k].clamp_min(0).sqrt().item()),
                "R_n": float(fam["R_n"][..., k].abs().item()),
                "R_*": float(fam["R_*"][..., k].sqrt().item()),
            }
        )
    return {
        "orbits": rows,
        "dc_a": float(a[..., 0, :].abs().max().item()) if a.shape[-1] else 0.0,
        "dc_b": float(b[..., 0, :].abs().max().item()) if b.shape[-1] else 0.0,
    }
