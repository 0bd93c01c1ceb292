"""Per-orbit Fourier decomposition of a trained network and its orders (SPEC §3, §8).

For node j the Fourier coefficients (SPEC §3, *coefficient units*) are

    A_kj = (1/d) Σ_g W_a[j,g] conj χ_k(g),  B_kj likewise,  C_kj = (1/d) Σ_g W_c[g,j] χ_k(g),

and paper units are z = λ·(A, B, C), λ = (2d)^{1/3}.

Dominant input frequency (SPEC §8). The "orbits" here are the trivial character {0} (its
own orbit, index 0) followed by ``group.orbits()`` (index i ↦ ``group.orbits()[i-1]``).
The magnitude of node j on orbit o = {k, −k} is max(|A_kj|, |A_{−k,j}|) (the two are equal
for real weights); the dominant orbit of node j is the argmax of that magnitude over all
orbits, k = 0 included, and its *dominant magnitude* m_j is the maximum.

Order of orbit o = number of *active* nodes whose dominant orbit is o. Two activity rules
are reported side by side:

(i)  ``abs`` — the reference scripts' absolute rule: m_j ≥ threshold (default 0.05), in
     coefficient units (not paper units). Not invariant to any rescaling of the weights.
(ii) ``rel`` — scale-free: node strength s_j = (‖A_j‖·‖B_j‖·‖C_j‖)^{1/3}, the geometric mean
     of the ℓ2 norms of the node's three coefficient vectors over all k (by Parseval
     ‖A_j‖² = ‖W_a[j]‖²/d, so s_j is the geometric mean of the weight norms up to d^{-1/2});
     node j is active iff s_j ≥ τ · max_j' s_j' (default τ = 0.1). s_j is invariant under the
     per-node symmetry (w_a, w_b, w_c) → (t·w_a, t·w_b, w_c/t²) (hence also the global
     (s·W_a, s·W_b, W_c/s²)) and under node sign flips; rescaling all weights by t scales
     every s_j by t, so the ratio — and the rule — is invariant to that too.

Reference: Y. Tian, "Composing Global Solutions to Reasoning Tasks via Algebraic Objects in
Neural Nets", NeurIPS 2025, arXiv 2410.01779 (§8 of SPEC).
"""

from __future__ import annotations

import typing

import attrs
import numpy as np

from groups import FiniteAbelianGroup, Orbit, parse_group

DEFAULT_THRESHOLD = 0.05
DEFAULT_TAU = 0.1


def _np(x) -> np.ndarray:
    if hasattr(x, "detach"):
        x = x.detach().cpu().numpy()
    x = np.asarray(x)
    return x.astype(np.complex128 if np.iscomplexobj(x) else np.float64)


@typing.final
@attrs.frozen(eq=False)
class Decomposition:
    """Fourier decomposition of one network (see module doc).

    A, B, C: (d, q) complex128, coefficient units. ``orbits``: the trivial orbit
    ``Orbit(0, 0)`` followed by ``group.orbits()``. ``magnitude``: (n_orbits, q) per-orbit
    input magnitude max(|A_kj|, |A_{−k,j}|). ``dominant``: (q,) dominant orbit index;
    ``dominant_magnitude``: (q,) m_j; ``strength``: (q,) s_j.
    """

    group: FiniteAbelianGroup
    A: np.ndarray
    B: np.ndarray
    C: np.ndarray
    orbits: tuple
    magnitude: np.ndarray
    dominant: np.ndarray
    dominant_magnitude: np.ndarray
    strength: np.ndarray

    @property
    def q(self) -> int:
        return self.A.shape[1]

    @property
    def scale(self) -> float:
        """λ = (2d)^{1/3}: coefficients × λ = paper units."""
        return (2.0 * self.group.order) ** (1.0 / 3.0)

    def active(self, rule: str = "abs", threshold: float = DEFAULT_THRESHOLD, tau: float = DEFAULT_TAU) -> np.ndarray:
        """(q,) bool: active nodes under rule ``'abs'`` (m_j ≥ threshold) or ``'rel'``
        (s_j ≥ τ·max s)."""
        if rule == "abs":
            return self.dominant_magnitude >= threshold
        if rule == "rel":
            smax = float(self.strength.max(initial=0.0))
            if smax <= 0:
                return np.zeros(self.q, dtype=bool)
            return self.strength >= tau * smax
        raise ValueError(f"activity rule must be 'abs' or 'rel', got {rule!r}")

    def orbit_nodes(self, index: int, active: np.ndarray) -> np.ndarray:
        """Indices of the active nodes whose dominant orbit is ``orbits[index]``."""
        return np.flatnonzero((self.dominant == index) & active)

    def orders(self, active: np.ndarray) -> np.ndarray:
        """(n_orbits,) int: number of active nodes per dominant orbit (index 0 = k = 0)."""
        return np.bincount(self.dominant[active], minlength=len(self.orbits)).astype(np.int64)

    def block(self, index: int, nodes) -> np.ndarray:
        """F: (3, len(nodes)) complex, values (a, b, c) at the orbit representative k, paper
        units (SPEC §3), for the given nodes."""
        k = self.orbits[index].k
        nodes = np.asarray(nodes, dtype=np.int64)
        return self.scale * np.stack([self.A[k, nodes], self.B[k, nodes], self.C[k, nodes]])


def decompose(group, W_a, W_b, W_c) -> Decomposition:
    """Decompose weights W_a, W_b (q, d), W_c (d, q) (numpy or torch) — see module doc."""
    group = parse_group(group)
    d = group.order
    W_a, W_b, W_c = _np(W_a), _np(W_b), _np(W_c)
    q = W_a.shape[0]
    if W_a.shape != (q, d) or W_b.shape != (q, d) or W_c.shape != (d, q):
        raise ValueError(
            f"weights must be W_a, W_b (q, {d}) and W_c ({d}, q) for {group.spec}; got {W_a.shape}, {W_b.shape}, {W_c.shape}"
        )
    A = np.asarray(group.dft(W_a, axis=1, sign=-1)).T
    B = np.asarray(group.dft(W_b, axis=1, sign=-1)).T
    C = np.asarray(group.dft(W_c, axis=0, sign=+1))
    orbits = (Orbit(0, 0),) + tuple(group.orbits())
    absA = np.abs(A)
    ks = np.array([o.k for o in orbits])
    negs = np.array([o.neg for o in orbits])
    magnitude = np.maximum(absA[ks], absA[negs])  # (n_orbits, q)
    dominant = np.argmax(magnitude, axis=0) if q else np.zeros(0, dtype=np.int64)
    dom_mag = magnitude[dominant, np.arange(q)] if q else np.zeros(0)
    norms = [np.linalg.norm(X, axis=0) for X in (A, B, C)]
    strength = np.cbrt(norms[0] * norms[1] * norms[2])
    return Decomposition(group, A, B, C, orbits, magnitude, dominant.astype(np.int64), dom_mag, strength)


@typing.final
@attrs.frozen
class Orders:
    """Orders per orbit by both activity rules (index 0 = the trivial orbit k = 0)."""

    orbits: tuple
    abs: np.ndarray
    rel: np.ndarray
    threshold: float
    tau: float

    def to_dict(self) -> dict:
        return {
            "threshold": self.threshold,
            "tau": self.tau,
            "k": [o.k for o in self.orbits],
            "abs": [int(x) for x in self.abs],
            "rel": [int(x) for x in self.rel],
        }


def orbit_orders(dec: Decomposition, threshold: float = DEFAULT_THRESHOLD, tau: float = DEFAULT_TAU) -> Orders:
    """Orders of every orbit by the absolute rule (i) and the scale-free rule (ii)."""
    return Orders(
        dec.orbits,
        dec.orders(dec.active("abs", threshold, tau)),
        dec.orders(dec.active("rel", threshold, tau)),
        threshold,
        tau,
    )
