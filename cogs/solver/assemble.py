"""Assembly of per-orbit blocks into one network, cross-orbit R_n cancellation, balancing.

Everything here is vectorised over orbits and nodes: the full (3, d, q) element tensor (paper
units, docs/mathematics.md#characters-and-the-fourier-transform) is written with one fancy-index assignment per row, never orbit by orbit.

* :func:`normalize_blocks` — scale each block so that r_kkk = 1 (docs/solutions.md#partial-solutions: divide by r_kkk,
  i.e. scale every row by r_kkk^{−1/3}; on a complex orbit the c row absorbs the phase);
* :func:`build_tensor` — z[p, k, j] = v[p, j] for the block's nodes, z[p, −k, j] = conj v[p, j]
  on complex orbits (so the network is real);
* :func:`rn_residuals` / :func:`cancel_rn` — docs/solutions.md#global-solutions, z_F4/6: ρ_k = Σ_{j∈block k} z_{c,k,j}
  Σ_{k'} (|z_{a,k',j}|² + |z_{b,k',j}|²) is orbit k's R_n sum; the helper orbit's nodes H get
  z_{c,k,j} += γ_k (conj at −k) with γ_k = −ρ_k/N, N = Σ_{j∈H} Σ_{k'} (|z_{a,k',j}|² + |z_{b,k',j}|²).
  Because Σ_{j∈H} of ab, āb, ab̄, a², ā², b², b̄² is 0 on the helper, this adds nothing to R_c
  or R_* at k and exactly −ρ_k to its R_n sum. On a real orbit ρ_k and γ_k are real;
* :func:`balance` — per node j, rows scaled by (s, s, s⁻²) minimising
  s²(‖W_a[j]‖² + ‖W_b[j]‖²) + s⁻⁴‖W_c[j]‖², i.e. s⁶ = 2‖W_c[j]‖² / (‖W_a[j]‖² + ‖W_b[j]‖²).
  This leaves the network's *function* unchanged ((s·w_a + s·w_b)²·s⁻² w_c) and, when
  ‖W_a[j]‖ = ‖W_b[j]‖ (every built-in block has |a| = |b| at every node), equals the
  "balanced" norm of docs/solutions.md#global-solutions (all three row norms equal, product unchanged).

>>> import numpy as np
>>> W_a, W_b, W_c = np.ones((1, 3)), np.ones((1, 3)), 8 * np.ones((3, 1))
>>> [float(np.sum(w ** 2)) for w in balance(W_a, W_b, W_c)[:3]]
[12.0, 12.0, 12.0]

Reference: Tian, NeurIPS 2025, arXiv:2410.01779 (docs/mathematics.md#characters-and-the-fourier-transform, docs/solutions.md#global-solutions).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["balance", "build_tensor", "cancel_rn", "normalize_blocks", "rn_residuals"]


def normalize_blocks(blocks: Sequence[np.ndarray], kinds: Sequence[str]) -> list[np.ndarray]:
    """Each block (3, q_i) scaled so that Σ abc = 1 (rows × |r|^{−1/3}, c × phase⁻¹)."""
    out = []
    for v, kind in zip(blocks, kinds):
        r = complex(np.sum(v[0] * v[1] * v[2]))
        if r == 0:
            raise ValueError("cannot normalise a block with r_kkk = 0")
        if kind == "real":
            out.append(np.real(v) * np.cbrt(1.0 / r.real))
        else:
            w = v * abs(r) ** (-1.0 / 3.0)
            w[2] = w[2] * (abs(r) / r)
            out.append(w)
    return out


def build_tensor(d: int, ks: np.ndarray, negs: np.ndarray, blocks: Sequence[np.ndarray]):
    """The (3, d, Q) element tensor of blocks placed on orbits (ks[i], negs[i]).

    Returns (z, col_orbit): col_orbit[j] = index i of the orbit that node j belongs to."""
    ks = np.asarray(ks, dtype=np.int64)
    negs = np.asarray(negs, dtype=np.int64)
    sizes = np.array([b.shape[1] for b in blocks], dtype=np.int64)
    Q = int(sizes.sum())
    col_orbit = np.repeat(np.arange(len(blocks)), sizes)
    V = np.concatenate([np.asarray(b, dtype=np.complex128) for b in blocks], axis=1) if blocks else np.zeros((3, 0), complex)
    z = np.zeros((3, d, Q), dtype=np.complex128)
    J = np.arange(Q)
    K = ks[col_orbit]
    N = negs[col_orbit]
    z[:, K, J] = V
    cplx = K != N
    z[:, N[cplx], J[cplx]] = np.conj(V[:, cplx])
    return z, col_orbit


def _input_power(z: np.ndarray) -> np.ndarray:
    """(Q,) Σ_{k'} (|z_{a,k',j}|² + |z_{b,k',j}|²) per node."""
    return (np.abs(z[0]) ** 2 + np.abs(z[1]) ** 2).sum(axis=0)


def rn_residuals(z: np.ndarray, ks: np.ndarray, col_orbit: np.ndarray) -> np.ndarray:
    """(n_orbits,) ρ_k = Σ_{j ∈ block k} z_{c,k,j} Σ_{k'} (|z_{a,k',j}|² + |z_{b,k',j}|²)."""
    ks = np.asarray(ks, dtype=np.int64)
    Q = z.shape[2]
    w = _input_power(z)
    contrib = z[2, ks[col_orbit], np.arange(Q)] * w
    n = len(ks)
    return np.bincount(col_orbit, weights=contrib.real, minlength=n) + 1j * np.bincount(col_orbit, weights=contrib.imag, minlength=n)


def cancel_rn(z: np.ndarray, helper_cols: np.ndarray, ks: np.ndarray, negs: np.ndarray, rho: np.ndarray) -> np.ndarray:
    """Add γ_k = −ρ_k/N to the helper nodes' output at every orbit k given (in place).

    ``ks``, ``negs``, ``rho``: the orbits to cancel (the helper's own orbit excluded).
    Returns γ (complex; real on real orbits)."""
    helper_cols = np.asarray(helper_cols, dtype=np.int64)
    ks = np.asarray(ks, dtype=np.int64)
    negs = np.asarray(negs, dtype=np.int64)
    N = float(_input_power(z[:, :, helper_cols]).sum())
    if N <= 0:
        raise ValueError("helper orbit has no input power (N = 0)")
    real = ks == negs
    gamma = -np.asarray(rho, dtype=np.complex128) / N
    gamma[real] = gamma[real].real
    zc = z[2]
    zc[np.ix_(ks, helper_cols)] += gamma[:, None]
    cx = ~real
    zc[np.ix_(negs[cx], helper_cols)] += np.conj(gamma[cx])[:, None]
    return gamma


def balance(W_a: np.ndarray, W_b: np.ndarray, W_c: np.ndarray):
    """Function-preserving per-node rescaling (s, s, s⁻²) of minimal ‖W‖² (module docstring).

    Returns (W_a, W_b, W_c, s) with s of shape (q,)."""
    A = np.sum(W_a**2, axis=1)
    B = np.sum(W_b**2, axis=1)
    C = np.sum(W_c**2, axis=0)
    ok = (A + B > 0) & (C > 0)
    s = np.ones_like(A)
    s[ok] = (2.0 * C[ok] / (A[ok] + B[ok])) ** (1.0 / 6.0)
    return W_a * s[:, None], W_b * s[:, None], W_c * (s**-2)[None, :], s


def gauge_fix(W_a: np.ndarray, W_b: np.ndarray, W_c: np.ndarray):
    """The least-norm representative under the two additive symmetries of each node j:
    W_c[:, j] + t·1 (the projection P removes it) and (W_a[j] + t, W_b[j] − t) (h_j depends
    on W_a[j,a] + W_b[j,b] only). Centres W_c's columns and splits the input DC equally."""
    t = (W_b.mean(1) - W_a.mean(1)) / 2
    return W_a + t[:, None], W_b - t[:, None], W_c - W_c.mean(0, keepdims=True)


def weights_from_blocks(group, ks: np.ndarray, negs: np.ndarray, blocks: Sequence[np.ndarray]):
    """Real weights (W_a, W_b, W_c) of blocks placed on orbits, without forming the complex
    (3, d, Q) tensor: for a node j on orbit k with paper-unit values (a, b, c),
    W_a[j, g] = 2 Re(a χ_k(g))/λ, W_c[g, j] = 2 Re(c conj χ_k(g))/λ (factor 1 instead of 2 on a
    real orbit) — the inverse transform of docs/mathematics.md#characters-and-the-fourier-transform with the conjugate at −k. O(Q·d).

    Returns (W_a, W_b, W_c, col_orbit); equal to ``NetworkElement(G, build_tensor(...)[0]).to_weights()``."""
    from models.element import paper_scale

    d = group.order
    ks = np.asarray(ks, dtype=np.int64)
    negs = np.asarray(negs, dtype=np.int64)
    sizes = np.array([b.shape[1] for b in blocks], dtype=np.int64)
    col_orbit = np.repeat(np.arange(len(blocks)), sizes)
    V = np.concatenate([np.asarray(b, dtype=np.complex128) for b in blocks], axis=1) / paper_scale(d)
    K = ks[col_orbit]
    fac = np.where(K == negs[col_orbit], 1.0, 2.0)[:, None]
    chi = group.character_table()[K]  # (Q, d): χ_k(g) for each node's k
    W_a = fac * (V[0][:, None] * chi).real
    W_b = fac * (V[1][:, None] * chi).real
    W_c = np.ascontiguousarray((fac * (V[2][:, None] * np.conj(chi)).real).T)
    return W_a, W_b, W_c, col_orbit


def block_rn_residuals(blocks: Sequence[np.ndarray], real: Sequence[bool]) -> np.ndarray:
    """ρ_k from the blocks alone: Σ_j c_j m (|a_j|² + |b_j|²), m = 2 on a complex orbit (k and
    −k both carry the node), 1 on a real one; the same as :func:`rn_residuals` on the tensor."""
    out = np.empty(len(blocks), dtype=np.complex128)
    for i, (v, r) in enumerate(zip(blocks, real)):
        m = 1.0 if r else 2.0
        out[i] = np.sum(v[2] * m * (np.abs(v[0]) ** 2 + np.abs(v[1]) ** 2))
    return out


def cancel_rn_weights(group, W_c: np.ndarray, helper_cols, helper_block: np.ndarray, ks, negs, rho) -> np.ndarray:
    """:func:`cancel_rn` in weight space (in place on W_c): the helper columns get
    Σ_k m Re(γ_k conj χ_k(g))/λ with γ_k = −ρ_k/N, N = Σ_{j∈H} 2(|a_j|² + |b_j|²). Returns γ."""
    from models.element import paper_scale

    ks = np.asarray(ks, dtype=np.int64)
    negs = np.asarray(negs, dtype=np.int64)
    N = float(np.sum(2.0 * (np.abs(helper_block[0]) ** 2 + np.abs(helper_block[1]) ** 2)))
    if N <= 0:
        raise ValueError("helper orbit has no input power (N = 0)")
    real = ks == negs
    gamma = -np.asarray(rho, dtype=np.complex128) / N
    gamma[real] = gamma[real].real
    m = np.where(real, 1.0, 2.0)
    X = group.character_table()[ks]  # (n, d)
    col = ((m * gamma)[:, None] * np.conj(X)).real.sum(axis=0) / paper_scale(group.order)
    W_c[:, np.asarray(helper_cols, dtype=np.int64)] += col[:, None]
    return gamma
