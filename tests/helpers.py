"""Small shared test helpers: group lists, random weights, independent reference formulas.

Everything here is written from the definitions in docs/mathematics.md directly (numpy, explicit sums over the Cayley table
and the character table), so tests can use it as a reference that does not share code with
the modules under test.
"""

from __future__ import annotations

import numpy as np

from groups import parse_group

#: small groups covering odd/even cyclic and products (real characters appear for even d)
SMALL_GROUPS = ("Z5", "Z6", "Z7", "Z8", "Z2xZ4", "Z3xZ3", "Z2xZ2xZ3")
OMEGA = np.exp(2j * np.pi / 3)


def paper_lambda(d: int) -> float:
    """λ = (2d)^{1/3} (docs/mathematics.md#characters-and-the-fourier-transform)."""
    return (2.0 * d) ** (1.0 / 3.0)


def sub_table(group) -> np.ndarray:
    """(d, d): T[g, h] = index(g − h), from coordinates (independent of cayley_table)."""
    G = parse_group(group)
    e = G.elements()
    diff = e[:, None, :] - e[None, :, :]
    return G.index(diff)


def add_table(group) -> np.ndarray:
    G = parse_group(group)
    e = G.elements()
    return G.index(e[:, None, :] + e[None, :, :])


def characters(group) -> np.ndarray:
    """(d, d) X[k, g] = exp(2πi Σ_t k_t g_t / n_t), straight from the definition."""
    G = parse_group(group)
    e = G.elements().astype(np.float64)
    ph = np.zeros((G.order, G.order))
    for t, n in enumerate(G.moduli):
        ph = ph + np.outer(e[:, t], e[:, t]) / n
    return np.exp(2j * np.pi * ph)


def coefficients_ref(group, W_a, W_b, W_c):
    """(A, B, C), each (d, q), by the docs/mathematics.md#characters-and-the-fourier-transform sums with the explicit character table."""
    G = parse_group(group)
    d = G.order
    X = characters(G)
    A = np.conj(X) @ np.asarray(W_a).T / d
    B = np.conj(X) @ np.asarray(W_b).T / d
    C = X @ np.asarray(W_c) / d
    return A, B, C


def random_weights(group, q: int, rng: np.random.Generator, runs: int | None = None, scale: float = 1.0):
    """Random real weights (W_a, W_b, W_c) with non-zero input DC; batched when ``runs``."""
    d = parse_group(group).order
    lead = () if runs is None else (runs,)
    W_a = rng.standard_normal(lead + (q, d)) * scale + 0.3
    W_b = rng.standard_normal(lead + (q, d)) * scale - 0.2
    W_c = rng.standard_normal(lead + (d, q)) * scale
    return W_a, W_b, W_c


def outputs_ref(group, W_a, W_b, W_c, pairs=None):
    """Outputs o(a, b) (N, d) and targets a + b (N,) by plain enumeration (one network)."""
    G = parse_group(group)
    d = G.order
    T = add_table(G)
    if pairs is None:
        a, b = np.divmod(np.arange(d * d), d)
    else:
        pairs = np.asarray(pairs).reshape(-1, 2)
        a, b = pairs[:, 0], pairs[:, 1]
    h = (np.asarray(W_a)[:, a] + np.asarray(W_b)[:, b]) ** 2  # (q, N)
    return (np.asarray(W_c) @ h).T, T[a, b]


def loss_ref(group, W_a, W_b, W_c, pairs=None) -> float:
    """docs/mathematics.md#the-network-and-its-loss loss by plain enumeration: mean over pairs of ‖P(o − e_{a+b})‖² (one network)."""
    o, y = outputs_ref(group, W_a, W_b, W_c, pairs)
    target = np.zeros_like(o)
    target[np.arange(len(y)), y] = 1.0
    r = o - target
    r = r - r.mean(axis=1, keepdims=True)
    return float((r**2).sum(axis=1).mean())


def accuracy_ref(group, W_a, W_b, W_c, pairs=None) -> float:
    o, y = outputs_ref(group, W_a, W_b, W_c, pairs)
    return float(np.mean(o.argmax(axis=1) == y))


def explicit_zf6(d: int, thetas=None, theta_seed: int = 0):
    """The explicit real weights of z_F6 for odd cyclic d (docs/solutions.md#z_f6-f6), typed in from the formula:
    κ = (12d)^{−1/3}, nodes (s,t) ∈ {0,1}×{0,1,2} per k = 1..(d−1)/2, φ = 2πgk/d, θ_k free
    (``thetas`` or drawn uniformly from ``theta_seed``). Returns W_a, W_b (q×d), W_c (d×q)."""
    kappa = (12 * d) ** (-1 / 3)
    g = np.arange(d)
    if thetas is None:
        thetas = np.random.default_rng(theta_seed).uniform(0, 2 * np.pi, (d - 1) // 2)
    rows_a, rows_b, rows_c = [], [], []
    for k in range(1, (d - 1) // 2 + 1):
        th = thetas[k - 1]
        phi = 2 * np.pi * g * k / d
        for s in (0, 1):
            for t in (0, 1, 2):
                rows_a.append(2 * kappa * np.cos(phi + s * th + 2 * np.pi * t / 3))
                rows_b.append(2 * kappa * np.cos(phi + s * (th + np.pi) + 2 * np.pi * t / 3))
                rows_c.append(2 * kappa * np.cos(phi - 2 * np.pi * t / 3 + s * (2 * th - np.pi)))
    return np.array(rows_a), np.array(rows_b), np.array(rows_c).T
