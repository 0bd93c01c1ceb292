"""The exact loss of docs/mathematics.md#the-network-and-its-loss over all d² pairs, three independent ways, plus the SP-form
objective used for training with selected terms dropped.

(a) :func:`brute_force_loss` — enumerate pairs (chunked; any subset of pairs);
(b) :func:`sp_loss_zero_mean` / :func:`sp_loss_general` — the sum-potential forms of docs/mathematics.md#sum-potentials;
(c) :func:`fast_loss` — weight space, never enumerating pairs: O(q²d + q·d log d).

All take weights as torch tensors (batched over leading dims) or numpy arrays and return
torch tensors; (c) and the SP objective are differentiable.

Derivation of (c). With u = W_a[j], v = W_b[j], h_j(a,b) = u(a)² + 2u(a)v(b) + v(b)², i.e.
h_j = Σ_s c_s X_s[j,a] Y_s[j,b] with X = (u², u, 1), Y = (1, v, v²), c = (1, 2, 1). Then
    Σ_{a,b} ‖P o‖² = tr(M H),  M = W_cᵀ P W_c,  H_{jj'} = Σ_{s,t} c_s c_t (X_s X_tᵀ)_{jj'} (Y_s Y_tᵀ)_{jj'},
    Σ_{a,b} o_{a+b}(a,b) = Σ_j σ_j (‖u_j‖² + ‖v_j‖²) + 2 d² Σ_{k,j} A_kj B_kj C_kj,  σ_j = Σ_g W_c[g,j],
    Σ_{a,b} ō(a,b) = (1/d) Σ_j σ_j (d‖u_j‖² + 2 Σu_j Σv_j + d‖v_j‖²),
and ℓ = (1/d²)[tr(MH) − 2(Σ o_{a+b} − Σ ō)] + 1 − 1/d.

>>> from cogs.solver import construct
>>> W = construct("Z7", "f46").weights  # a certified global minimiser
>>> float(fast_loss(*W, "Z7")) < 1e-12, abs(float(brute_force_loss(*W, "Z7")) - float(fast_loss(*W, "Z7"))) < 1e-12
(True, True)
"""

from __future__ import annotations

import numpy as np
import torch

from cogs.families import coefficients, r_tensor, rc_energy, rp_sums, r_kkk
from groups import parse_group
from models.network import brute_force_loss as _brute_force_loss
from models.spectrum import paper_scale

TERMS = ("target", "R_c", "R_n", "R_*")


def _tensors(W_a, W_b, W_c, dtype=torch.float64, group=None):
    """Real tensors (numpy input converted to ``dtype``); with ``group``, shapes checked:
    W_a, W_b (..., q, d), W_c (..., d, q). Complex or non-numeric weights are refused (a
    conversion would drop the imaginary part)."""
    out = []
    for name, w in zip(("W_a", "W_b", "W_c"), (W_a, W_b, W_c)):
        if not isinstance(w, torch.Tensor):
            arr = np.asarray(w)
            if arr.dtype.kind not in "fiub":
                what = "complex; weights must be real (the imaginary part would be dropped)" if arr.dtype.kind == "c" else f"of dtype {arr.dtype}, not real numbers"
                raise ValueError(f"{name} is {what}")
            w = torch.as_tensor(arr, dtype=dtype)
        elif w.is_complex():
            raise ValueError(f"{name} is complex; weights must be real (the imaginary part would be dropped)")
        out.append(w)
    if group is not None:
        from models.network import _check_shapes

        _check_shapes(*out, parse_group(group).order)
    return out


def brute_force_loss(W_a, W_b, W_c, group, pairs=None, *, chunk=None) -> torch.Tensor:
    """(a) mean over ``pairs`` (default all d²) of ‖P(o − e_{a+b})‖², chunked."""
    W_a, W_b, W_c = _tensors(W_a, W_b, W_c)
    return _brute_force_loss(W_a, W_b, W_c, parse_group(group), pairs, chunk=chunk)


def exact_loss_method(q: int, d: int) -> str:
    """Which exact all-pairs evaluation :func:`exact_loss` uses for width q on a group of
    order d: the weight-space form (O(q²d) work, q × q memory) while q < d², enumeration of
    the d³ residuals (O(q·d³) work, chunked: no more than the weight-space form once q ≥ d²)
    for wider networks. Enumeration sums squared residuals, so an exact network scores ~1e-30;
    the weight-space form cancels terms of size ~q²/d and resolves ~1e-16·q²/d."""
    return "fast (weight space, exact)" if q < d * d else "residuals (all d² pairs; q ≥ d², as cheap as weight space and exact to ~1e-30)"


def exact_loss(W_a, W_b, W_c, group) -> torch.Tensor:
    """The exact all-pairs loss by the cheaper exact method for these sizes (see
    :func:`exact_loss_method`): :func:`fast_loss` for q < d², else the residual sum."""
    group = parse_group(group)
    W_a, W_b, W_c = _tensors(W_a, W_b, W_c, group=group)
    d, q = group.order, W_a.shape[-2]
    if q < d * d:
        return fast_loss(W_a, W_b, W_c, group)
    from models.residuals import residual_loss

    return residual_loss(W_a, W_b, W_c, group)


def fast_loss(W_a, W_b, W_c, group) -> torch.Tensor:
    """(c) the exact all-pairs loss without enumerating pairs (see module docstring)."""
    group = parse_group(group)
    W_a, W_b, W_c = _tensors(W_a, W_b, W_c, group=group)
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
    cross = (sigma * (su2 + sv2)).sum(-1) + 2 * d * d * _sum_re_r_kkk(u, v, W_c.transpose(-1, -2), group)
    mean = (sigma * (d * su2 + 2 * su * sv + d * sv2)).sum(-1) / d
    return (quad - 2 * (cross - mean)) / (d * d) + (1.0 - 1.0 / d)


def _sum_re_r_kkk(u, v, c, group) -> torch.Tensor:
    """Σ_k Σ_j Re(A_kj B_kj C_kj) for real u, v, c of shape (..., q, d) (c = W_cᵀ).

    A = fft(u)/d, B = fft(v)/d, C = conj(fft(c))/d (docs/mathematics.md#characters-and-the-fourier-transform, real weights). Only half the
    spectrum is needed: with a real FFT along the group's first factor (last reshaped axis),
    k and −k pair up, so entries whose last coordinate l is neither 0 nor n_1/2 count twice."""
    d = group.order
    radii = tuple(reversed(group.moduli))
    axes = tuple(range(-len(radii), 0))
    F = [torch.fft.rfftn(x.reshape(x.shape[:-1] + radii), dim=axes) for x in (u, v, c)]
    prod = (F[0] * F[1] * F[2].conj()).real
    n1 = radii[-1]
    w = torch.full((n1 // 2 + 1,), 2.0, dtype=prod.dtype, device=prod.device)
    w[0] = 1.0
    if n1 % 2 == 0:
        w[-1] = 1.0
    return (prod * w).reshape(prod.shape[:-len(radii)] + (-1,)).sum(-1).sum(-1) / d**3


def _paper(W_a, W_b, W_c, group):
    A, B, C = coefficients(W_a, W_b, W_c, group)
    lam = paper_scale(group.order)
    return lam * A, lam * B, lam * C


def sp_terms_zero_mean(W_a, W_b, W_c, group) -> dict:
    """Per-k terms ℓ_k of docs/mathematics.md#sum-potentials (paper units, zero-mean inputs assumed — the DC components
    A_0, B_0 are dropped, i.e. the inputs are projected to zero mean). Each (..., d), k=0 zeroed."""
    group = parse_group(group)
    W_a, W_b, W_c = _tensors(W_a, W_b, W_c, group=group)
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
    """(b) ℓ = (1/d) Σ_{k≠0} ℓ_k + (d−1)/d (docs/mathematics.md#sum-potentials). Equal to the true loss when the
    inputs are zero-mean; ``drop`` removes term groups from ℓ_k: any of 'R_c' (Σ|r_{k1k2k}|²),
    'R_n', 'R_*' (e.g. ``drop=('R_*',)`` is the paper's "without R_*", docs/paper.md)."""
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
    """(b') ℓ = d Σ_{k≠0} Σ_{m1,m2} |κ(m1,m2,k)|² (docs/mathematics.md#sum-potentials, coefficient units, no zero-mean
    assumption), with κ = 2 r_{m1m2k} − [m1=m2=k]/d + [m2=0] S_a[m1,k] + [m1=0] S_b[m2,k].
    Forms the r_{m1 m2 k} tensor one k at a time (O(d³q)): a reference, for d ≤ ``max_d``."""
    return kappa_terms(W_a, W_b, W_c, group, max_d=max_d).sum(-1)


def kappa_terms(W_a, W_b, W_c, group, *, max_d: int = 256) -> torch.Tensor:
    """The general (κ) form of the loss split by output frequency: (..., d) with entry k equal
    to d Σ_{m1,m2} |κ(m1,m2,k)|² (k = 0 is 0, since P removes it); they sum to the exact loss
    for any real weights, DC input components included (see :func:`sp_loss_general`)."""
    group = parse_group(group)
    d = group.order
    if d > max_d:
        raise ValueError(f"the κ form forms d³ terms; d = {d} exceeds max_d = {max_d}")
    W_a, W_b, W_c = _tensors(W_a, W_b, W_c, group=group)
    A, B, C = coefficients(W_a, W_b, W_c, group)
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


def constraint_report(W_a, W_b, W_c, group) -> dict:
    """Per orbit (representative k), in paper units: r_kkk, and the violation of each
    family — R_c = sqrt(Σ_{(k1,k2)≠(k,k)}|r_{k1k2k}|²), R_n = |Σ_p Σ_k' r_{p,k',−k',k}|,
    R_* = sqrt(Σ_p Σ_{m≠0}|Σ_k' r_{p,k',m−k',k}|²) — plus the input DC (zero-mean check).

    The same quantities as :func:`cogs.families.families`, evaluated only at the orbit
    representatives and using that the weights are real: the node Gram matrices are then
    real, G_A = W_a W_aᵀ/d (Parseval), so the R_c energy needs real products only. (R_c is a
    square root of a difference Σ|r|² − |r_kkk|², so it resolves violations down to about
    sqrt(machine eps)·|r_kkk|, not below.)"""
    group = parse_group(group)
    W_a, W_b, W_c = (w.detach() for w in _tensors(W_a, W_b, W_c, group=group))
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
        F = torch.fft.fftn(stack, dim=tuple(range(2, 2 + len(radii)))).reshape(5, q, d)
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
