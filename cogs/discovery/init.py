"""Starting points of a discovery run: random, or a perturbed construction.

Random: every entry of θ = (W_a, W_b, W_c) is N(0, σ²) with σ = κ·d^{-1/3} (κ =
``EngineConfig.init_scale``). Then s = W_a[j,a] + W_b[j,b] ~ σ, and an output
o = Σ_j W_c[:,j] s_j² is O(√q σ³) = O(√q κ³/d), small against the centred targets, so Adam
starts in the regime where the loss is still ≈ 1 − 1/d and grows the weights it needs.

From a construction (``init_from=STRATEGY``): the weights of ``construct(group, STRATEGY,
seed=seed)`` adjusted to q nodes — extra nodes are dropped smallest contribution first, the
contribution of node j being ‖P W_c[:, j]‖ · ‖h_j‖ (h_j the d² activations, P the centring),
missing nodes are added with entries N(0, (ε·rms θ₀)²), ε = ``EngineConfig.pad_scale`` — then
each restart adds its own noise: W ← W + η·rms(W)·ξ per weight matrix (η = ``init_noise``,
ξ standard normal). All randomness comes from the one generator passed in.
"""

from __future__ import annotations

import numpy as np
import torch

from groups import parse_group
from models.residuals import pack

__all__ = ["construction_weights", "initial_thetas", "node_contributions", "strategies"]


def strategies() -> tuple[str, ...]:
    """The strategy names ``cogs.solver.construct`` accepts right now."""
    from cogs.solver import STRATEGIES

    return tuple(STRATEGIES)


def node_contributions(W_a: np.ndarray, W_b: np.ndarray, W_c: np.ndarray) -> np.ndarray:
    """‖P W_c[:, j]‖ · ‖h_j‖ per node j, h_j(a, b) = (W_a[j, a] + W_b[j, b])²."""
    s = W_a[:, :, None] + W_b[:, None, :]
    h = np.sqrt(((s * s) ** 2).sum((1, 2)))
    Pc = W_c - W_c.mean(0, keepdims=True)
    return np.linalg.norm(Pc, axis=0) * h


def construction_weights(group, strategy: str, seed: int):
    """The float64 weights (W_a, W_b, W_c) of ``construct(group, strategy, seed=seed)``;
    ValueError listing the valid strategies for an unknown name."""
    valid = strategies()
    if strategy not in valid:
        raise ValueError(f"unknown init_from strategy {strategy!r}; choose from {', '.join(valid)}")
    from cogs.solver import construct

    c = construct(parse_group(group), strategy, seed=seed)
    return tuple(np.array(w, dtype=np.float64) for w in c.weights)  # writable copies


def _fit_nodes(W_a, W_b, W_c, q: int, gen: torch.Generator, pad_scale: float):
    q0 = W_a.shape[0]
    W_a, W_b, W_c = (torch.as_tensor(w, dtype=torch.float64) for w in (W_a, W_b, W_c))
    if q0 > q:
        contrib = node_contributions(W_a.numpy(), W_b.numpy(), W_c.numpy())
        keep = np.sort(np.argsort(-contrib, kind="stable")[:q])
        keep_t = torch.as_tensor(keep)
        return W_a[keep_t], W_b[keep_t], W_c[:, keep_t]
    if q0 < q:
        rms = float(pack(W_a, W_b, W_c).pow(2).mean().sqrt())
        sig = pad_scale * (rms if rms > 0 else 1.0)
        d, extra = W_a.shape[1], q - q0
        pa = torch.randn(extra, d, generator=gen, dtype=torch.float64) * sig
        pb = torch.randn(extra, d, generator=gen, dtype=torch.float64) * sig
        pc = torch.randn(d, extra, generator=gen, dtype=torch.float64) * sig
        return torch.cat([W_a, pa]), torch.cat([W_b, pb]), torch.cat([W_c, pc], 1)
    return W_a, W_b, W_c


def initial_thetas(group, q: int, restarts: int, gen: torch.Generator, *, init_scale: float, init_from=None, init_noise: float = 0.0, pad_scale: float = 0.1, seed: int = 0, base=None) -> torch.Tensor:
    """θ (restarts, 3qd) float64: random (``init_from=None``) or a perturbed construction
    (``base``: its weights when already built, else built here with ``seed``)."""
    d = parse_group(group).order
    n = 3 * q * d
    if init_from is None:
        return torch.randn(restarts, n, generator=gen, dtype=torch.float64) * (init_scale * d ** (-1.0 / 3.0))
    W0 = construction_weights(group, init_from, seed) if base is None else base
    W_a, W_b, W_c = _fit_nodes(*W0, q, gen, pad_scale)
    out = []
    for w in (W_a, W_b, W_c):
        rms = float(w.pow(2).mean().sqrt()) if w.numel() else 0.0
        noise = torch.randn((restarts,) + tuple(w.shape), generator=gen, dtype=torch.float64)
        out.append(w.unsqueeze(0) + (init_noise * rms) * noise)
    return pack(*out)
