"""A network's weights by real irreducible representation: the power of each node in each real
irreducible, for any finite group (docs/reading.md#reading-by-irreducible-representations).

Real weights see the real irreducibles σ of G (``G.real_irreps()``: the trivial one first; size
s_σ, type R/C/H, multiplicity m_σ, the complex irreps ρ it realises of dimension d_σ). For a
function w on G, ŵ(σ) = Σ_g w(g) σ(g) and Plancherel's formula reads

    Σ_g w(g)² = Σ_σ P_σ(w),    P_σ(w) = (m_σ / n) ‖ŵ(σ)‖_F²      (n = |G|).

:class:`IrrepSpectrum` holds P for the three weight matrices of a network — node j's row of
W_a, its row of W_b and its column of W_c — as ``power`` (3, n_σ, q), and the reading that
mirrors :class:`models.spectrum.Spectrum` (docs/reading.md, "Orders") in power terms:

- the *magnitude* of node j in σ is μ_σj = √d_σ ‖ŵ_j(ρ)‖_F / n for a complex irrep ρ that σ
  realises (all give the same for real w), i.e. μ_σj = √(P_σ(W_a[j]) · d_σ² / (m_σ s_σ n)):
  √(P/n) for types R and H and √(P/2n) for type C, so that a node's power counts the same in
  an irreducible of any dimension; for a finite Abelian group it is exactly
  max(|A_kj|, |A_{−k,j}|) of the orbit {k, −k} (d = 1, and s = m = 1 for a real orbit, s = 2,
  m = 1 for a complex one);
- the *dominant irreducible* of node j is the σ of largest μ_σj (the first on a tie, the
  trivial one included), and its magnitude is m_j;
- node j is *active* under rule ``'abs'`` when m_j ≥ threshold (0.05), under ``'rel'`` (scale
  free) when its strength s_j = (‖A_j‖·‖B_j‖·‖C_j‖)^{1/3} ≥ τ · max s, where ‖A_j‖² =
  Σ_σ P_σ(W_a[j]) / n (= Σ_k |A_kj|² for an Abelian group), likewise B and C;
- the *order* of σ is the number of active nodes whose dominant irreducible is σ;
- the *norm share* of σ is Σ_j (P_σ(W_a[j]) + P_σ(W_b[j]) + P_σ(W_c[:, j])) / ‖W‖², with
  ‖W‖² = ‖W_a‖² + ‖W_b‖² + ‖W_c‖² (the shares sum to 1; all 0 for an all-zero network).

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> s = IrrepSpectrum.from_weights("S3", rng.normal(size=(4, 6)), rng.normal(size=(4, 6)), rng.normal(size=(6, 4)))
>>> s
IrrepSpectrum(group=S3, q=4, irreps=3, active=4)
>>> s.power.shape, bool(np.isclose(s.norm_share.sum(), 1.0))
((3, 3, 4), True)
"""

from __future__ import annotations

import typing

import attrs
import numpy as np

from models.spectrum import DEFAULT_TAU, DEFAULT_THRESHOLD, active_nodes
from models.weights import as_arrays, weights_of

__all__ = ["IrrepSpectrum", "irrep_power"]


def _frozen(a) -> np.ndarray:
    a = np.array(a)
    a.setflags(write=False)
    return a


def irrep_power(group, W, axis: int = -1) -> np.ndarray:
    """P_σ(w) = (m_σ/n) ‖ŵ(σ)‖_F² of the functions ``W`` on ``group`` (the group on ``axis``), one
    per real irreducible σ of ``group.real_irreps()`` on a new last axis: shape (…, n_σ)."""
    n = group.order
    blocks = group.real_fourier(np.asarray(W, dtype=np.float64), axis=axis)
    weights = [r.multiplicity / n for r in group.real_irreps()]
    return np.stack([w * np.square(b).sum(axis=(-2, -1)) for w, b in zip(weights, blocks)], axis=-1)


@typing.final
@attrs.frozen(eq=False, repr=False)
class IrrepSpectrum:
    """One network's power per real irreducible and its reading (module doc).

    ``irreps``: ``group.real_irreps()``. ``power``: (3, n_σ, q) float64, P_σ of W_a's rows, W_b's
    rows and W_c's columns. ``magnitude``: (n_σ, q) μ_σj (from W_a, like |A_kj|);
    ``dominant``: (q,) index of each node's dominant irreducible; ``dominant_magnitude``: (q,)
    m_j; ``strength``: (q,) s_j. Arrays are read-only.

    >>> import numpy as np
    >>> w = np.cos(2 * np.pi * np.outer([1, 2, 2], np.arange(5)) / 5)  # nodes on {1, 4}, {2, 3}, {2, 3}
    >>> IrrepSpectrum.from_weights("Z5", w, w, w.T).orders(np.ones(3, dtype=bool))
    array([0, 1, 2])
    """

    group: typing.Any
    irreps: tuple
    power: np.ndarray = attrs.field(converter=_frozen)
    magnitude: np.ndarray = attrs.field(converter=_frozen)
    dominant: np.ndarray = attrs.field(converter=_frozen)
    dominant_magnitude: np.ndarray = attrs.field(converter=_frozen)
    strength: np.ndarray = attrs.field(converter=_frozen)

    @classmethod
    def from_weights(cls, group, W_a=None, W_b=None, W_c=None) -> "IrrepSpectrum":
        """The reading of a network, or of ``group``'s W_a, W_b (q, n) and W_c (n, q) (numpy or
        torch, any device)."""
        group, W_a, W_b, W_c = weights_of(group, W_a, W_b, W_c)
        W_a, W_b, W_c = as_arrays(W_a, W_b, W_c, group=group, allow_empty=True)
        irreps = tuple(group.real_irreps())
        n, q = group.order, W_a.shape[0]
        with np.errstate(over="ignore", invalid="ignore"):  # overflow is judged below
            power = np.stack([irrep_power(group, W_a, -1), irrep_power(group, W_b, -1),
                              irrep_power(group, W_c, 0)]).swapaxes(1, 2)  # (3, n_σ, q)
        scale = np.array([r.dim**2 / (r.multiplicity * r.size * n) for r in irreps])
        magnitude = np.sqrt(power[0] * scale[:, None])
        dominant = np.argmax(magnitude, axis=0).astype(np.int64) if q else np.zeros(0, dtype=np.int64)
        dom_mag = magnitude[dominant, np.arange(q)] if q else np.zeros(0)
        norms = np.sqrt(power.sum(axis=1) / n)  # (3, q): ‖A_j‖, ‖B_j‖, ‖C_j‖
        # the geometric mean as a product of cube roots: no underflow at |w| ~ 1e-120, no overflow near 1e308
        strength = np.cbrt(norms[0]) * np.cbrt(norms[1]) * np.cbrt(norms[2])
        if not (np.all(np.isfinite(strength)) and all(np.all(np.isfinite(x)) for x in norms)):
            raise ValueError(f"float64 overflow reading the network (max |weight| = "
                             f"{max(float(np.abs(w).max(initial=0)) for w in (W_a, W_b, W_c)):.3g}); its coefficients "
                             "are not representable")
        return cls(group, irreps, power, magnitude, dominant, dom_mag, strength)

    @property
    def q(self) -> int:
        return int(self.power.shape[2])

    def __repr__(self) -> str:
        return (f"IrrepSpectrum(group={self.group.spec}, q={self.q}, irreps={len(self.irreps)}, "
                f"active={int(self.active().sum())})")

    def active(self, rule: str = "abs", threshold: float = DEFAULT_THRESHOLD, tau: float = DEFAULT_TAU) -> np.ndarray:
        """(q,) bool: active nodes under rule ``'abs'`` (m_j ≥ threshold) or ``'rel'``
        (s_j ≥ τ·max s), as :meth:`models.spectrum.Spectrum.active`."""
        return active_nodes(self.dominant_magnitude, self.strength, rule, threshold, tau)

    def orders(self, active: np.ndarray) -> np.ndarray:
        """(n_σ,) int: the number of active nodes per dominant irreducible (index 0 = trivial)."""
        active = np.asarray(active, dtype=bool)
        return np.bincount(self.dominant[active], minlength=len(self.irreps)).astype(np.int64)

    def irrep_nodes(self, index: int, active: np.ndarray) -> np.ndarray:
        """Indices of the active nodes whose dominant irreducible is ``irreps[index]``."""
        return np.flatnonzero((self.dominant == index) & np.asarray(active, dtype=bool))

    @property
    def norm_share(self) -> np.ndarray:
        """(n_σ,) the share of ‖W_a‖² + ‖W_b‖² + ‖W_c‖² in each real irreducible (sums to 1;
        zeros for an all-zero network)."""
        per = self.power.sum(axis=(0, 2))
        total = float(per.sum())
        return per / total if total > 0 else np.zeros_like(per)
