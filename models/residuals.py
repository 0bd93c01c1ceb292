"""The loss as a sum of squares: the d³ residual vector and its exact Jacobian.

Over all d² pairs the loss of the network (docs/mathematics.md#the-network-and-its-loss) is

    ℓ = (1/d²) Σ_{(a,b)} ‖P(o(a,b) − e_{a+b})‖² = ‖ρ‖²,   ρ_{(a,b),c} = (1/d) [P(o(a,b) − e_{a+b})]_c,

so ρ (d³ entries, pair index a·d + b outer, class c inner) is the residual vector a
least-squares method (Gauss–Newton, Levenberg–Marquardt) works on. With θ = (W_a, W_b, W_c)
flattened in that order (q·d + q·d + d·q parameters) and s_j(a,b) = W_a[j,a] + W_b[j,b]:

    ∂ρ_{(a,b),c}/∂W_c[c',j] = (1/d) P[c,c'] s_j²,
    ∂ρ_{(a,b),c}/∂W_a[j,g]  = (2/d) [P W_c]_{c,j} s_j [g = a],   likewise W_b with [g = b].

Everything is batched over leading dimensions (R restarts in one tensor program).

>>> import torch
>>> from groups import parse_group
>>> G = parse_group("Z3")
>>> g = torch.Generator().manual_seed(0)
>>> W = [torch.randn(2, 3, generator=g, dtype=torch.float64) for _ in range(2)] + [torch.randn(3, 2, generator=g, dtype=torch.float64)]
>>> from models.forward import brute_force_loss
>>> bool(torch.isclose((residuals(G, *W) ** 2).sum(), brute_force_loss(G, *W), rtol=1e-12))
True
"""

from __future__ import annotations

import torch

from models.weights import as_tensors, weights_of

__all__ = ["jacobian", "n_params", "pack", "residual_loss", "residuals", "unpack"]


def n_params(q: int, d: int) -> int:
    """Number of parameters of a (q, d) network: 3qd."""
    return 3 * q * d


def pack(W_a: torch.Tensor, W_b: torch.Tensor, W_c: torch.Tensor) -> torch.Tensor:
    """θ = (vec W_a, vec W_b, vec W_c) along the last axis; batch dims kept."""
    lead = W_a.shape[:-2]
    return torch.cat([W_a.reshape(lead + (-1,)), W_b.reshape(lead + (-1,)), W_c.reshape(lead + (-1,))], dim=-1)


def unpack(theta: torch.Tensor, q: int, d: int):
    """Inverse of :func:`pack`: (W_a (…, q, d), W_b (…, q, d), W_c (…, d, q))."""
    lead = theta.shape[:-1]
    n = q * d
    if theta.shape[-1] != 3 * n:
        raise ValueError(f"θ has {theta.shape[-1]} entries; a (q={q}, d={d}) network has {3 * n}")
    return (
        theta[..., :n].reshape(lead + (q, d)),
        theta[..., n : 2 * n].reshape(lead + (q, d)),
        theta[..., 2 * n :].reshape(lead + (d, q)),
    )


def _pre(group, W_a, W_b):
    d = group.order
    s = W_a.unsqueeze(-1) + W_b.unsqueeze(-2)  # (..., q, a, b)
    return s.reshape(s.shape[:-2] + (d * d,))  # (..., q, d²), pair a·d + b


def residuals(group, W_a=None, W_b=None, W_c=None) -> torch.Tensor:
    """ρ of shape (..., d²·d): ‖ρ‖² is the exact all-pairs loss."""
    G, W_a, W_b, W_c = weights_of(group, W_a, W_b, W_c)
    W_a, W_b, W_c = as_tensors(W_a, W_b, W_c, group=G)
    d = G.order
    s = _pre(G, W_a, W_b)
    Pc = W_c - W_c.mean(-2, keepdim=True)
    o = torch.matmul(Pc, s * s).transpose(-1, -2)  # (..., d², d), already P o
    target = torch.full((d * d, d), -1.0 / d, dtype=W_a.dtype, device=W_a.device)
    y = torch.tensor(G.cayley_table().reshape(-1), device=W_a.device)
    target[torch.arange(d * d, device=W_a.device), y] += 1.0
    return ((o - target) / d).reshape(o.shape[:-2] + (d * d * d,))


def jacobian(group, W_a=None, W_b=None, W_c=None) -> torch.Tensor:
    """∂ρ/∂θ of shape (..., d³, 3qd) (θ as in :func:`pack`), exact, dense."""
    G, W_a, W_b, W_c = weights_of(group, W_a, W_b, W_c)
    W_a, W_b, W_c = as_tensors(W_a, W_b, W_c, group=G)
    d = G.order
    q = W_a.shape[-2]
    lead = W_a.shape[:-2]
    s = _pre(G, W_a, W_b)  # (..., q, N)
    N = d * d
    Pc = W_c - W_c.mean(-2, keepdim=True)  # (..., d, q)
    P = torch.eye(d, dtype=W_a.dtype, device=W_a.device) - 1.0 / d
    # W_c block: J[(n, c), (c', j)] = P[c, c'] s_j[n] / d
    h = (s * s).transpose(-1, -2)  # (..., N, q)
    Jc = (P.reshape(1, d, d, 1) * h.unsqueeze(-2).unsqueeze(-2)) / d  # (..., N, c, c', q)
    # input blocks: J[(n, c), (j, g)] = 2/d Pc[c, j] s_j[n] [g = a(n)]
    core = (2.0 / d) * Pc.unsqueeze(-3) * s.transpose(-1, -2).unsqueeze(-2)  # (..., N, c, q)
    core = core.reshape(lead + (d, d, d, q))  # (..., a, b, c, j)
    eye = torch.eye(d, dtype=W_a.dtype, device=W_a.device)
    Ja = core.unsqueeze(-1) * eye.reshape(d, 1, 1, 1, d)  # (..., a, b, c, j, g): [g = a]
    Jb = core.unsqueeze(-1) * eye.reshape(1, d, 1, 1, d)  # [g = b]
    rows = N * d
    return torch.cat([Ja.reshape(lead + (rows, q * d)), Jb.reshape(lead + (rows, q * d)), Jc.reshape(lead + (rows, d * q))], dim=-1)


def residual_loss(group, W_a=None, W_b=None, W_c=None, *, rows_per_chunk: int | None = None) -> torch.Tensor:
    """The exact all-pairs loss by enumeration, as Σ‖P o − P e_{a+b}‖²/d² (batched, chunked
    over the first input a). Unlike the per-sample expansion ‖o − ō‖² − 2(o_y − ō) + 1 − 1/d,
    which cancels order-1 terms and so bottoms out near 1e-16, this sums squares of the
    residuals themselves: an exact solution scores ~1e-30 in float64."""
    G, W_a, W_b, W_c = weights_of(group, W_a, W_b, W_c)
    W_a, W_b, W_c = as_tensors(W_a, W_b, W_c, group=G)
    d = G.order
    q = W_a.shape[-2]
    if rows_per_chunk is None:
        batch = max(1, W_a.numel() // max(1, q * d))
        rows_per_chunk = max(1, min(d, (1 << 22) // max(1, batch * d * (q + d))))
    if rows_per_chunk < 1:
        raise ValueError(f"rows_per_chunk must be ≥ 1, got {rows_per_chunk}")
    Pc = W_c - W_c.mean(-2, keepdim=True)
    table = torch.tensor(G.cayley_table(), device=W_a.device)
    eye = torch.eye(d, dtype=W_a.dtype, device=W_a.device) - 1.0 / d
    total = W_a.new_zeros(W_a.shape[:-2])
    for start in range(0, d, rows_per_chunk):
        a = torch.arange(start, min(d, start + rows_per_chunk), device=W_a.device)
        s = W_a[..., a].unsqueeze(-1) + W_b.unsqueeze(-2)  # (..., q, na, d_b)
        h = (s * s).reshape(s.shape[:-2] + (-1,))
        o = torch.matmul(Pc, h)  # (..., d, na·d)
        target = eye[:, table[a].reshape(-1)]  # (d, na·d): P e_{a+b}
        total = total + ((o - target) ** 2).sum((-1, -2))
    return total / (d * d)
