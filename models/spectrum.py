"""A network's spectrum: its three weight matrices in the group's Fourier basis, computed once.

Every reader of trained or constructed weights goes through here: the loss in its SP form,
the SP dynamics, orders, factorisation, frequency maps and the explanations of discovered
solutions. For node j and character χ_k of G (d = |G|) the *Fourier coefficients* are

    A_kj = (1/d) Σ_g W_a[j,g] conj χ_k(g),   B_kj likewise,   C_kj = (1/d) Σ_g W_c[g,j] χ_k(g)

(*coefficient units*; docs/mathematics.md, "Units"). *Paper units* multiply them by
λ = (2d)^{1/3} (:func:`paper_scale`): there a global solution has r_kkk = 1 at every k ≠ 0.

:func:`fourier_coefficients` is the one conversion, for numpy arrays or torch tensors, one
network or a batch (leading axes). :class:`Spectrum` holds one network's coefficients as
float64/complex128 numpy arrays together with the orbit index the analyses need: the trivial
orbit {0} first, then ``group.orbits()``; per node its dominant orbit (the orbit {k, −k} with
the largest |A_kj|) and that magnitude; the scale-free node strength.

Characters need a finite Abelian group written as Z_n factors: any other group is refused with
a one-line :class:`groups.NotAbelianError`.

>>> import numpy as np
>>> from groups import parse_group
>>> G = parse_group("Z5")
>>> rng = np.random.default_rng(0)
>>> s = Spectrum.from_weights(G, rng.normal(size=(3, 5)), rng.normal(size=(3, 5)), rng.normal(size=(5, 3)))
>>> s.A.shape, s.z.shape, len(s.orbits)
((5, 3), (3, 5, 3), 3)
>>> bool(np.allclose(s.z, paper_scale(5) * np.stack([s.A, s.B, s.C])))
True
"""

from __future__ import annotations

import typing

import attrs
import numpy as np

from groups import Orbit, require_abelian
from models.weights import as_arrays, weights_of

__all__ = ["DEFAULT_TAU", "DEFAULT_THRESHOLD", "Spectrum", "fourier_coefficients", "paper_scale"]

#: the activity threshold on |A_kj| (coefficient units), as the paper reads networks
DEFAULT_THRESHOLD = 0.05
#: the scale-free activity rule: strength ≥ τ · the largest strength
DEFAULT_TAU = 0.1


def active_nodes(dominant_magnitude: np.ndarray, strength: np.ndarray, rule: str = "abs",
                 threshold: float = DEFAULT_THRESHOLD, tau: float = DEFAULT_TAU) -> np.ndarray:
    """(q,) bool: the activity rules of docs/reading.md#orders, from each node's dominant
    magnitude m_j and strength s_j: ``'abs'`` m_j ≥ threshold, ``'rel'`` s_j ≥ τ·max s."""
    if rule == "abs":
        return np.asarray(dominant_magnitude) >= threshold
    if rule == "rel":
        smax = float(np.max(strength, initial=0.0))
        if smax <= 0:
            return np.zeros(len(strength), dtype=bool)
        return np.asarray(strength) >= tau * smax
    raise ValueError(f"activity rule must be 'abs' or 'rel', got {rule!r}")


def paper_scale(d: int) -> float:
    """λ = (2d)^{1/3}: coefficient units × λ = paper units."""
    return (2.0 * d) ** (1.0 / 3.0)


def fourier_coefficients(group, W_a=None, W_b=None, W_c=None):
    """(A, B, C), each of shape (..., d, q) (k on axis −2, node on axis −1), of a network, or
    from ``group``'s W_a, W_b of shape (..., q, d) and W_c of shape (..., d, q); numpy arrays
    or torch tensors (the result is of the same library, on the same device)."""
    group, W_a, W_b, W_c = weights_of(group, W_a, W_b, W_c)
    require_abelian(group, "Fourier coefficients over characters χ_k")
    A = group.dft(W_a, axis=-1, sign=-1).swapaxes(-1, -2)
    B = group.dft(W_b, axis=-1, sign=-1).swapaxes(-1, -2)
    C = group.dft(W_c, axis=-2, sign=+1)
    return A, B, C


@typing.final
@attrs.frozen(eq=False, repr=False)
class Spectrum:
    """One network's Fourier coefficients and orbit index (module doc).

    A, B, C: (d, q) complex128, coefficient units. ``orbits``: ``Orbit(0, 0)`` then
    ``group.orbits()``. ``magnitude``: (n_orbits, q), max(|A_kj|, |A_{−k,j}|) per orbit;
    ``dominant``: (q,) index of each node's dominant orbit; ``dominant_magnitude``: (q,) that
    maximum m_j; ``strength``: (q,) s_j = (‖A_j‖·‖B_j‖·‖C_j‖)^{1/3}, norms over all k.

    Its repr counts the orbits {k, −k} (the trivial one included) and the nodes active under
    the default absolute rule:

    >>> import numpy as np
    >>> Spectrum.from_weights("Z5", np.eye(5)[:2], np.eye(5)[:2], np.eye(5)[:, :2])
    Spectrum(group=Z5, q=2, orbits=3, active=2)
    """

    group: typing.Any
    A: np.ndarray
    B: np.ndarray
    C: np.ndarray
    orbits: tuple
    magnitude: np.ndarray
    dominant: np.ndarray
    dominant_magnitude: np.ndarray
    strength: np.ndarray

    @classmethod
    def from_weights(cls, group, W_a=None, W_b=None, W_c=None) -> "Spectrum":
        """The spectrum of a network, or of ``group``'s W_a, W_b (q, d) and W_c (d, q) (numpy
        or torch, any device)."""
        group, W_a, W_b, W_c = weights_of(group, W_a, W_b, W_c)
        require_abelian(group, "the Fourier spectrum (orbits {k, −k} of characters)")
        W_a, W_b, W_c = as_arrays(W_a, W_b, W_c, group=group, allow_empty=True)
        q = W_a.shape[0]
        A, B, C = (np.asarray(X) for X in fourier_coefficients(group, W_a, W_b, W_c))
        orbits = (Orbit(0, 0),) + tuple(group.orbits())
        absA = np.abs(A)
        ks = np.array([o.k for o in orbits])
        negs = np.array([o.neg for o in orbits])
        magnitude = np.maximum(absA[ks], absA[negs])  # (n_orbits, q)
        dominant = np.argmax(magnitude, axis=0) if q else np.zeros(0, dtype=np.int64)
        dom_mag = magnitude[dominant, np.arange(q)] if q else np.zeros(0)
        with np.errstate(over="ignore", invalid="ignore"):  # overflow is judged just below
            norms = [np.linalg.norm(X, axis=0) for X in (A, B, C)]
        # the geometric mean as a product of cube roots: no underflow at |w| ~ 1e-120, no overflow near 1e308
        strength = np.cbrt(norms[0]) * np.cbrt(norms[1]) * np.cbrt(norms[2])
        if not (np.all(np.isfinite(strength)) and all(np.all(np.isfinite(x)) for x in norms)):
            raise ValueError(f"float64 overflow reading the network (max |weight| = "
                             f"{max(float(np.abs(w).max(initial=0)) for w in (W_a, W_b, W_c)):.3g}); its coefficients "
                             "are not representable")
        return cls(group, A, B, C, orbits, magnitude, dominant.astype(np.int64), dom_mag, strength)

    @property
    def q(self) -> int:
        return self.A.shape[1]

    def __repr__(self) -> str:
        return (f"Spectrum(group={self.group.spec}, q={self.q}, orbits={len(self.orbits)}, "
                f"active={int(self.active().sum())})")

    @property
    def scale(self) -> float:
        """λ = (2d)^{1/3}."""
        return paper_scale(self.group.order)

    @property
    def z(self) -> np.ndarray:
        """(3, d, q) complex128: λ·(A, B, C), paper units (the semi-ring element's tensor)."""
        return self.scale * np.stack([self.A, self.B, self.C])

    def active(self, rule: str = "abs", threshold: float = DEFAULT_THRESHOLD, tau: float = DEFAULT_TAU) -> np.ndarray:
        """(q,) bool: active nodes under rule ``'abs'`` (m_j ≥ threshold) or ``'rel'``
        (s_j ≥ τ·max s)."""
        return active_nodes(self.dominant_magnitude, self.strength, rule, threshold, tau)

    def orbit_nodes(self, index: int, active: np.ndarray) -> np.ndarray:
        """Indices of the active nodes whose dominant orbit is ``orbits[index]``."""
        return np.flatnonzero((self.dominant == index) & active)

    def orders(self, active: np.ndarray) -> np.ndarray:
        """(n_orbits,) int: number of active nodes per dominant orbit (index 0 = k = 0)."""
        return np.bincount(self.dominant[active], minlength=len(self.orbits)).astype(np.int64)

    def block(self, index: int, nodes) -> np.ndarray:
        """(3, len(nodes)) complex128: (a, b, c) at the representative k of ``orbits[index]``,
        paper units, for the given nodes."""
        k = self.orbits[index].k
        nodes = np.asarray(nodes, dtype=np.int64)
        return self.scale * np.stack([self.A[k, nodes], self.B[k, nodes], self.C[k, nodes]])

    def frequency_map(self, threshold: float = DEFAULT_THRESHOLD, max_nodes: int = 400) -> np.ndarray:
        """|A_kj| of the active nodes (rows, sorted by dominant orbit, then by magnitude) at
        every frequency k = 0..d−1 (columns); when no node reaches ``threshold``, the nodes
        within 10 % of the largest magnitude."""
        A = np.abs(self.A.T)  # (q, d)
        act = A.max(1) >= threshold if A.size else np.zeros(self.q, dtype=bool)
        if not act.any() and A.size:
            act = A.max(1) >= A.max() * 0.1
        A = A[act]
        if not len(A):
            return A
        neg = self.group.neg_table()
        dom = A.argmax(1)
        rep = np.minimum(dom, neg[dom])
        order = np.lexsort((-A.max(1), rep))
        return A[order][:max_nodes]
