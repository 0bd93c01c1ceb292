"""Exact pairing search: is an orbit block a product (order 2) * (order m)? (docs/reading.md)

Let F be the 3×n matrix of (a, b, c) values of an orbit's nodes at its representative k
(paper units), n = 2m. If F = x * y (docs/mathematics.md#the-semi-ring-of-networks: node (j1, j2) = x_{j1} ⊙ y_{j2}) with x of
order 2, its nodes split into two halves H1 = {x_1 ⊙ y_i}, H2 = {x_2 ⊙ y_i} matched by i, and

    F[:, H2_i] / F[:, H1_i] = x_2 / x_1      (entrywise, the same 3-vector for every i).

Trained networks only show F up to node permutations and the node sign symmetry
(a, b, c) → (−a, −b, c), so we search over every

    ordered split (H1, H2) of the n nodes into halves   (C(n, m) choices),
    one-to-one matching H1_i ↔ H2_σ(i)                   (m! choices),
    sign pattern s ∈ {±1}^m on the a, b rows of the ratio, s_1 = +1
        (the overall sign is the sign symmetry of x_2 itself)   (2^{m−1} choices),

i.e. 480 candidates for n = 6 and 24 for n = 4, all evaluated at once in numpy. For each
candidate the ratio matrix R (3×m), R[p, i] = s_i^{[p∈{a,b}]} F[p, H2_σ(i)] / F[p, H1_i],
has error

    E = ‖R − mean_i R‖_F     (Frobenius deviation from the row means),

and the pairing with the least E wins; the block is *factorable* iff E ≤ 0.1·√(3n)
(docs/reading.md, n = the number of nodes of the orbit). E is invariant to rescaling F by any
per-row diagonal D (x * y = (Dx) * (D⁻¹y)), so to the weight symmetries that rescale rows.
Both orientations (H1, H2) and (H2, H1) are searched, so a ratio and its inverse compete.

The factors recovered are identified only up to that D (docs/reading.md): the order-2 factor by its
ratio vector ρ = mean_i R (x ≅ [(1,1,1), ρ]), the order-m factor by F[:, H1] up to D and
node signs (its ratios to one of its nodes; see :mod:`cogs.reading.classify`).

Reference: Y. Tian, NeurIPS 2025, arXiv 2410.01779 (docs/reading.md).
"""

from __future__ import annotations

import typing

import functools
import itertools
import math

import attrs
import numpy as np

FACTOR_TOLERANCE = 0.1


@functools.lru_cache(maxsize=None)
def pairing_candidates(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All candidates for n = 2m nodes: (first, second, signs), shapes (P, m) each.

    ``first[c, i]`` is H1_i, ``second[c, i]`` its partner H2_σ(i), ``signs[c, i]`` = s_i."""
    if n < 2 or n % 2:
        raise ValueError(f"pairing search needs an even number of nodes ≥ 2, got {n}")
    m = n // 2
    firsts, seconds, signs = [], [], []
    sign_patterns = [(1,) + s for s in itertools.product((1, -1), repeat=m - 1)]
    for h1 in itertools.combinations(range(n), m):
        h2 = [j for j in range(n) if j not in h1]
        for perm in itertools.permutations(h2):
            for s in sign_patterns:
                firsts.append(h1)
                seconds.append(perm)
                signs.append(s)
    out = tuple(np.array(x, dtype=np.int64) for x in (firsts, seconds, signs))
    for x in out:
        x.setflags(write=False)
    return out


def factor_threshold(n: int, tol: float = FACTOR_TOLERANCE) -> float:
    """0.1·√(3n): the largest error of a factorable block of n nodes (docs/reading.md)."""
    return tol * math.sqrt(3 * n)


@functools.lru_cache(maxsize=None)
def _base_candidates(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(first, second) of the sign-free candidates (B, m) and the sign matrix (m, S);
    candidate c of :func:`pairing_candidates` is base c // S with sign pattern c % S."""
    first, second, signs = pairing_candidates(n)
    m = n // 2
    S = 2 ** (m - 1)
    return first[::S], second[::S], np.ascontiguousarray(signs[:S].T.astype(np.float64))


def pairing_errors(F: np.ndarray, chunk: int = 1024) -> np.ndarray:
    """Errors E of every candidate of :func:`pairing_candidates` for a batch of blocks
    F (N, 3, n) → (N, P) float64 (``inf`` where a ratio divides by zero).

    Uses E² = Σ_{p,i} |R_pi|² − (1/m) Σ_p |Σ_i R_pi|², so the sign patterns cost one small
    matrix product per (split, matching); accurate to ~1e-8·‖R‖ (the reported pairings are
    re-evaluated exactly by :func:`make_pairing`)."""
    F = np.asarray(F, dtype=np.complex128)
    if F.ndim == 2:
        F = F[None]
    N, three, n = F.shape
    if three != 3:
        raise ValueError(f"blocks must have shape (N, 3, n), got {F.shape}")
    first, second, smat = _base_candidates(n)
    m = n // 2
    nb, ns = first.shape[0], smat.shape[1]
    out = np.empty((N, nb * ns))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for lo in range(0, N, chunk):
            f = F[lo : lo + chunk]
            ratio = f[:, :, None, :] / f[:, :, :, None]  # [.., p, u, v] = F[p, v] / F[p, u]
            R = ratio[:, :, first, second]  # (N, 3, B, m)
            tot = np.sum(R.real**2 + R.imag**2, axis=(1, 3))  # (N, B)
            ab = R[:, :2] @ smat  # (N, 2, B, S): Σ_i s_i R_pi for p = a, b
            sab = np.sum(ab.real**2 + ab.imag**2, axis=1)  # (N, B, S)
            cs = R[:, 2].sum(-1)  # (N, B)
            e2 = tot[:, :, None] - (sab + (cs.real**2 + cs.imag**2)[:, :, None]) / m
            e = np.sqrt(np.maximum(e2, 0.0)).reshape(f.shape[0], -1)
            out[lo : lo + chunk] = np.where(np.isfinite(e), e, np.inf)
    return out


@typing.final
@attrs.frozen(eq=False)
class Pairing:
    """One candidate pairing of a block F (3×n).

    ``first``/``second``: H1_i and its partner; ``signs``: s_i; ``error``: E;
    ``ratio``: ρ = mean_i R (3,), the order-2 factor's x_2/x_1;
    ``x``: (3, 2) = [(1,1,1), ρ]; ``y``: (3, m) = F[:, H1] (the other factor up to D)."""

    first: tuple
    second: tuple
    signs: tuple
    error: float = attrs.field(repr="{:.3g}".format)
    ratio: np.ndarray = attrs.field(repr=False)
    x: np.ndarray = attrs.field(repr=False)
    y: np.ndarray = attrs.field(repr=False)

    def to_dict(self) -> dict:
        return {
            "first": list(self.first),
            "second": list(self.second),
            "signs": list(self.signs),
            "error": float(self.error),
            "ratio": [[float(z.real), float(z.imag)] for z in self.ratio],
        }


ESTIMATES = ("first", "lsq")


def make_pairing(F: np.ndarray, first, second, signs, error: float | None = None, estimate: str = "first") -> Pairing:
    """The :class:`Pairing` of F for the given halves, matching and signs.

    ``estimate``: how the order-m factor y is read off — ``'first'`` (docs/reading.md and the
    reference scripts: y = F[:, first half]) or ``'lsq'`` (least squares from both halves
    under F1 = y, sgn·F2 = ρ∘y: y = (F1 + conj(ρ)·sgn·F2)/(1 + |ρ|²), half the noise)."""
    if estimate not in ESTIMATES:
        raise ValueError(f"estimate must be one of {ESTIMATES}, got {estimate!r}")
    F = np.asarray(F, dtype=np.complex128)
    first, second, signs = (tuple(int(v) for v in x) for x in (first, second, signs))
    s = np.array(signs, dtype=float)
    sgn = np.stack([s, s, np.ones_like(s)])
    with np.errstate(divide="ignore", invalid="ignore"):
        R = F[:, list(second)] / F[:, list(first)] * sgn
    rho = R.mean(axis=1)
    if error is None:
        error = float(np.linalg.norm(R - rho[:, None]))
        if not np.isfinite(error):
            error = math.inf
    x = np.stack([np.ones(3, dtype=np.complex128), rho], axis=1)
    F1 = F[:, list(first)]
    y = F1.copy()
    if estimate == "lsq":
        with np.errstate(divide="ignore", invalid="ignore"):
            y_lsq = (F1 + np.conj(rho)[:, None] * F[:, list(second)] * sgn) / (1 + np.abs(rho) ** 2)[:, None]
        if np.all(np.isfinite(y_lsq)):
            y = y_lsq
    return Pairing(first, second, signs, float(error), rho, x, y)


@typing.final
@attrs.frozen(eq=False)
class Factorization:
    """Result of the pairing search on one block: ``best`` pairing, its ``error``, the
    ``threshold`` 0.1·√(3n) and ``factorable``; ``candidates``: up to ``keep`` distinct
    pairings with error ≤ threshold, best first. Distinct = different ordered pairs
    (H1_i → H2_σ(i)), up to swapping H1 and H2 as a whole (which only rescales the factors);
    swapping the orientation of *some* pairs is a different reading of the order-m factor:
    in z_nu_i * z_syn, whose ratio (i, −i, 1) equals its inverse up to the sign symmetry,
    it reads the same block as z_nu_i * z_syn_ab (α = ±i), so every such reading is kept for
    the naming step to choose the most specific one."""

    n: int
    best: Pairing | None = attrs.field(repr=False)
    error: float = attrs.field(repr="{:.3g}".format)
    threshold: float = attrs.field(repr="{:.3g}".format)
    factorable: bool
    candidates: tuple = attrs.field(repr=len)

    def to_dict(self) -> dict:
        return {
            "n": self.n,
            "error": float(self.error) if np.isfinite(self.error) else None,
            "threshold": self.threshold,
            "factorable": self.factorable,
            "best": self.best.to_dict() if self.best is not None else None,
        }


def factorize(F, tol: float = FACTOR_TOLERANCE, keep: int = 24, errors: np.ndarray | None = None,
              estimate: str = "first") -> Factorization:
    """Pairing search on one block F (3, n) (see module doc). ``errors``: precomputed row
    of :func:`pairing_errors` (batch use)."""
    F = np.asarray(F, dtype=np.complex128)
    n = F.shape[1]
    thr = factor_threshold(n, tol)
    if errors is None:
        errors = pairing_errors(F[None])[0]
    first, second, signs = pairing_candidates(n)
    order = np.argsort(errors, kind="stable")
    best = make_pairing(F, first[order[0]], second[order[0]], signs[order[0]], estimate=estimate) if np.isfinite(errors[order[0]]) else None
    best_e = best.error if best is not None else math.inf
    cands, seen = [], set()
    for c in order:
        e = float(errors[c])
        if not e <= thr or len(cands) >= keep:
            break
        fwd = frozenset((int(u), int(v)) for u, v in zip(first[c], second[c]))
        key = min(sorted(fwd), sorted((v, u) for u, v in fwd))  # a global swap H1 ↔ H2 is no new reading
        key = tuple(key)
        if key in seen:
            continue
        seen.add(key)
        cands.append(make_pairing(F, first[c], second[c], signs[c], estimate=estimate))
    return Factorization(n, best, best_e, thr, bool(best_e <= thr), tuple(cands))


def factorize_batch(blocks, tol: float = FACTOR_TOLERANCE, keep: int = 24, estimate: str = "first") -> list[Factorization]:
    """:func:`factorize` for many blocks; blocks of equal size are searched together."""
    blocks = [np.asarray(F, dtype=np.complex128) for F in blocks]
    out: list[Factorization | None] = [None] * len(blocks)
    by_n: dict[int, list[int]] = {}
    for i, F in enumerate(blocks):
        by_n.setdefault(F.shape[1], []).append(i)
    for n, idx in by_n.items():
        errs = pairing_errors(np.stack([blocks[i] for i in idx]))
        for row, i in enumerate(idx):
            out[i] = factorize(blocks[i], tol, keep, errs[row], estimate=estimate)
    return out  # type: ignore[return-value]


def best_pairings(F, tol: float = FACTOR_TOLERANCE) -> tuple[np.ndarray, np.ndarray]:
    """Fast path for statistics: (N,) best candidate index and (N,) error for F (N, 3, n)."""
    e = pairing_errors(F)
    i = np.argmin(e, axis=1)
    return i, e[np.arange(e.shape[0]), i]


def benchmark(n: int = 6, count: int = 20000, seed: int = 0) -> float:
    """Orbits per second of the batched pairing search on random complex blocks (3×n).

    ``python -c "from cogs.reading.factorize import benchmark; print(benchmark(6))"``"""
    import time

    rng = np.random.default_rng(seed)
    F = rng.standard_normal((count, 3, n)) + 1j * rng.standard_normal((count, 3, n))
    pairing_errors(F[:8])  # warm the candidate cache
    t = time.perf_counter()
    best_pairings(F)
    return count / (time.perf_counter() - t)

