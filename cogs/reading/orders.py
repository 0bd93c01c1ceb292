"""Per-orbit Fourier decomposition of a trained network and its orders (docs/mathematics.md#characters-and-the-fourier-transform, docs/reading.md).

For node j the Fourier coefficients (docs/mathematics.md#characters-and-the-fourier-transform, *coefficient units*) are

    A_kj = (1/d) Σ_g W_a[j,g] conj χ_k(g),  B_kj likewise,  C_kj = (1/d) Σ_g W_c[g,j] χ_k(g),

and paper units are z = λ·(A, B, C), λ = (2d)^{1/3}.

Dominant input frequency (docs/reading.md). The "orbits" here are the trivial character {0} (its
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
Neural Nets", NeurIPS 2025, arXiv 2410.01779 (docs/reading.md).
"""

from __future__ import annotations

import typing

import attrs
import numpy as np

from models.spectrum import DEFAULT_TAU, DEFAULT_THRESHOLD, Spectrum


@typing.final
@attrs.frozen(repr=False)
class Orders:
    """Orders per orbit by both activity rules (index 0 = the trivial orbit k = 0).

    >>> from cogs.solver import construct
    >>> orbit_orders(construct("Z7", "f46").spectrum())  # z_F4/6: all 2d = 14 nodes active
    Orders(orbits=4, active_abs=14, active_rel=14, threshold=0.05, tau=0.1)
    """

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

    def __repr__(self) -> str:
        return (f"Orders(orbits={len(self.orbits)}, active_abs={int(self.abs.sum())}, active_rel={int(self.rel.sum())}, "
                f"threshold={self.threshold:g}, tau={self.tau:g})")


def orbit_orders(dec: Spectrum, threshold: float = DEFAULT_THRESHOLD, tau: float = DEFAULT_TAU) -> Orders:
    """Orders of every orbit by the absolute rule (i) and the scale-free rule (ii)."""
    return Orders(
        dec.orbits,
        dec.orders(dec.active("abs", threshold, tau)),
        dec.orders(dec.active("rel", threshold, tau)),
        threshold,
        tau,
    )
