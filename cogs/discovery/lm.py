"""Batched Levenberg–Marquardt on the d³ residual vector of the loss.

With ρ(θ) the residuals of :mod:`models.residuals` (ℓ = ‖ρ‖²) and J = ∂ρ/∂θ, one step of
each restart solves the damped normal equations

    (JᵀJ + μ I) δ = −Jᵀρ

(one batched Cholesky for all restarts), and accepts θ + δ when the loss decreased. The
damping follows Nielsen's rule on the gain ratio ϱ = (ℓ(θ) − ℓ(θ + δ)) / (ℓ(θ) − ‖ρ + Jδ‖²):
accepted → μ ← μ·max(1/3, 1 − (2ϱ − 1)³), ν ← 2; rejected → μ ← μ·ν, ν ← 2ν, per restart.
μ·I (not μ·diag JᵀJ) because JᵀJ is singular along the gauge directions of the network
(node rescalings (W_a, W_b, W_c[:, j]) → (αW_a, αW_b, α⁻²W_c[:, j]), DC moves between
W_a[j] and W_b[j], constant columns of W_c), whose diagonal need not be.

JᵀJ and Jᵀρ are formed from their block structure rather than from the dense (d³ × 3qd)
Jacobian. With s_j(a, b) = W_a[j, a] + W_b[j, b], h_j = s_j², P = I − 11ᵀ/d, P_c = P W_c,
C = P_cᵀP_c, H_jk = Σ_{ab} h_j h_k and θ = (W_a[j, g], W_b[j, g], W_c[c, k]):

    aa: δ_{gg'} (4/d²) C_jk Σ_b s_j(g,b) s_k(g,b)        bb: likewise, summing over a
    ab: (4/d²) C_jk s_j(g,g') s_k(g,g')
    ac: (2/d²) P_c[c',j] Σ_b s_j(g,b) h_k(g,b)           bc: likewise, summing over a
    cc: P[c',c''] H_jk / d²
    Jᵀρ: W_c[c',j] ↦ (1/d) Σ_ab ρ_{ab c'} h_j(a,b),  W_a[j,g] ↦ (2/d) Σ_b s_j(g,b) u_j(g,b),
         u_j(a,b) = Σ_c P_c[c,j] ρ_{abc}  (and W_b with the sum over a).

That costs O(q²d³) per restart instead of O(q²d⁵) for JᵀJ from the dense Jacobian;
:func:`dense_normal_equations` (through :func:`models.residuals.jacobian`) is the reference
the tests compare against, and can be selected with ``EngineConfig(normal="dense")``.

>>> import torch
>>> from groups import parse_group
>>> G = parse_group("Z3")
>>> g = torch.Generator().manual_seed(0)
>>> W = [torch.randn(2, 2, 3, generator=g, dtype=torch.float64) for _ in range(2)] + [torch.randn(2, 3, 2, generator=g, dtype=torch.float64)]
>>> A, b, r = normal_equations(G, *W)
>>> A2, b2, r2 = dense_normal_equations(G, *W)
>>> bool(torch.allclose(A, A2, atol=1e-12) and torch.allclose(b, b2, atol=1e-12))
True
"""

from __future__ import annotations

import typing

import attrs
import torch

from groups import parse_group
from models.residuals import jacobian, residuals, unpack
from models.weights import as_tensors, weights_of

__all__ = ["LMState", "dense_normal_equations", "lm_step", "loss_and_grad", "normal_equations"]

MU_MIN, MU_MAX = 1e-15, 1e12


def normal_equations(group, W_a=None, W_b=None, W_c=None):
    """(JᵀJ (…, n, n), Jᵀρ (…, n), ρ (…, d³)) from the block structure (module docstring)."""
    G, W_a, W_b, W_c = weights_of(group, W_a, W_b, W_c)
    W_a, W_b, W_c = as_tensors(W_a, W_b, W_c, group=G)
    d = G.order
    q = W_a.shape[-2]
    lead = W_a.shape[:-2]
    rho = residuals(G, W_a, W_b, W_c)
    s = W_a.unsqueeze(-1) + W_b.unsqueeze(-2)  # (…, j, a, b)
    h = s * s
    Pc = W_c - W_c.mean(-2, keepdim=True)  # (…, c, j)
    C = Pc.transpose(-1, -2) @ Pc  # (…, j, k)
    grad = _jt_rho(s, h, Pc, rho, d)
    n1 = q * d
    dd = float(d * d)

    n = 3 * n1
    A = W_a.new_zeros(lead + (n, n))
    blk = lambda i, k: A[..., i * n1 : (i + 1) * n1, k * n1 : (k + 1) * n1]  # noqa: E731
    c4 = (4.0 / dd) * C
    sg = s.transpose(-3, -2)  # (…, g=a, j, b)
    sgT = s.permute(*range(len(lead)), -1, -3, -2)  # (…, g=b, j, a)
    # aa, bb: block diagonal in g; the diagonal of the (…, j, g, k, g') view is (…, j, k, g)
    for i, S in ((0, sg), (1, sgT)):
        diag = torch.diagonal(blk(i, i).view(lead + (q, d, q, d)), dim1=-3, dim2=-1)
        diag.copy_((c4.unsqueeze(-3) * (S @ S.transpose(-1, -2))).permute(*range(len(lead)), -2, -1, -3))
    # ab[(j,g),(k,h)] = 4/d² C_jk s_j(g,h) s_k(g,h)
    ab = c4[..., :, None, :, None] * s[..., :, :, None, :] * s.transpose(-3, -2)[..., None, :, :, :]
    blk(0, 1).copy_(ab.reshape(lead + (n1, n1)))
    # ac[(j,g),(c',k)] = 2/d² P_c[c',j] Σ_b s_j(g,b) h_k(g,b); bc likewise over a
    hg = h.transpose(-3, -2)  # (…, g, k, b)
    hgT = h.permute(*range(len(lead)), -1, -3, -2)
    for i, S, Hh in ((0, sg, hg), (1, sgT, hgT)):
        T = (S @ Hh.transpose(-1, -2)).transpose(-3, -2)  # (…, j, g, k)
        blk(i, 2).view(lead + (q, d, d, q)).copy_((2.0 / dd) * T.unsqueeze(-2) * Pc.transpose(-1, -2)[..., :, None, :, None])
    # cc = P ⊗ H / d²
    hf = h.reshape(lead + (q, d * d))
    H = hf @ hf.transpose(-1, -2)
    P = torch.eye(d, dtype=W_a.dtype, device=W_a.device) - 1.0 / d
    blk(2, 2).view(lead + (d, q, d, q)).copy_(P[:, None, :, None] * H[..., None, :, None, :] / dd)
    for i, k in ((0, 1), (0, 2), (1, 2)):
        blk(k, i).copy_(blk(i, k).transpose(-1, -2))
    return A, grad, rho


def _jt_rho(s, h, Pc, rho, d):
    """Jᵀρ (…, 3qd) from s, h (…, q, d, d), P_c (…, d, q) and ρ (…, d³)."""
    lead = s.shape[:-3]
    r3 = rho.reshape(lead + (d * d, d))  # (…, pair, c)
    hf = h.reshape(h.shape[:-2] + (d * d,))  # (…, j, pair)
    u = (Pc.transpose(-1, -2) @ r3.transpose(-1, -2)).reshape(s.shape)  # (…, j, a, b)
    su = s * u
    g_a = (2.0 / d) * su.sum(-1)  # (…, j, g = a)
    g_b = (2.0 / d) * su.sum(-2)  # (…, j, g = b)
    g_c = (r3.transpose(-1, -2) @ hf.transpose(-1, -2)) / d  # (…, c, j)
    return torch.cat([g_a.flatten(-2), g_b.flatten(-2), g_c.flatten(-2)], -1)


def loss_and_grad(theta: torch.Tensor, q: int, group):
    """(ℓ (R,), ∇ℓ = 2Jᵀρ (R, n)) in closed form (no autograd, no Jacobian): O(qd³) a restart."""
    G = parse_group(group)
    d = G.order
    W_a, W_b, W_c = unpack(theta, q, d)
    rho = residuals(G, W_a, W_b, W_c)
    s = W_a.unsqueeze(-1) + W_b.unsqueeze(-2)
    Pc = W_c - W_c.mean(-2, keepdim=True)
    return (rho * rho).sum(-1), 2.0 * _jt_rho(s, s * s, Pc, rho, d)


def dense_normal_equations(group, W_a=None, W_b=None, W_c=None):
    """The same triple through the dense Jacobian of :func:`models.residuals.jacobian`."""
    G, W_a, W_b, W_c = weights_of(group, W_a, W_b, W_c)
    J = jacobian(G, W_a, W_b, W_c)
    rho = residuals(G, W_a, W_b, W_c)
    Jt = J.transpose(-1, -2)
    return Jt @ J, (Jt @ rho.unsqueeze(-1)).squeeze(-1), rho


@typing.final
@attrs.define
class LMState:
    """Per-restart LM state: θ (R, n), loss (R,), damping μ and its growth factor ν (R,)."""

    theta: torch.Tensor
    loss: torch.Tensor
    mu: torch.Tensor
    nu: torch.Tensor

    @classmethod
    def start(cls, theta: torch.Tensor, q: int, group, mu0: float = 1e-3) -> "LMState":
        r = residuals(group, *unpack(theta, q, parse_group(group).order))
        R = theta.shape[0]
        return cls(theta.clone(), (r * r).sum(-1), theta.new_full((R,), mu0), theta.new_full((R,), 2.0))


def lm_step(theta: torch.Tensor, loss: torch.Tensor, mu: torch.Tensor, nu: torch.Tensor, q: int, group, *, normal: str = "structured"):
    """One batched LM step for every row of θ (R, n). Returns (θ, loss, μ, ν, accepted),
    new tensors; a rejected restart keeps θ and loss and raises μ."""
    G = parse_group(group)
    d = G.order
    W = unpack(theta, q, d)
    A, grad, _ = (normal_equations if normal == "structured" else dense_normal_equations)(G, *W)
    n = theta.shape[-1]
    eye = torch.eye(n, dtype=theta.dtype, device=theta.device)
    L, info = torch.linalg.cholesky_ex(A + mu[:, None, None] * eye)
    delta = -torch.cholesky_solve(grad.unsqueeze(-1), L).squeeze(-1)
    trial = theta + delta
    r = residuals(G, *unpack(trial, q, d))
    new_loss = (r * r).sum(-1)
    pred = -(2.0 * (delta * grad).sum(-1) + (delta * (A @ delta.unsqueeze(-1)).squeeze(-1)).sum(-1))
    ok = (info == 0) & torch.isfinite(new_loss) & (new_loss < loss)
    gain = (loss - new_loss) / pred.clamp_min(torch.finfo(theta.dtype).tiny)
    mu_ok = mu * torch.clamp(1.0 - (2.0 * gain - 1.0) ** 3, min=1.0 / 3.0)
    mu = torch.where(ok, mu_ok, mu * nu).clamp(MU_MIN, MU_MAX)
    nu = torch.where(ok, torch.full_like(nu, 2.0), (nu * 2.0).clamp(max=1e6))
    theta = torch.where(ok[:, None], trial, theta)
    loss = torch.where(ok, new_loss, loss)
    return theta, loss, mu, nu, ok
