"""The abstract finite Abelian group.

Every finite Abelian group is Z_{n1} x ... x Z_{nm}; concrete groups implement one hook,
``_moduli``. Elements are addressed by a mixed-radix index, first factor least significant
(docs/mathematics.md#groups-and-elements): idx(g) = g1 + n1*g2 + n1*n2*g3 + ...
"""

from __future__ import annotations

import abc
import math

import numpy as np

from groups._finite import FiniteGroup
from groups._orbit import Orbit


class FiniteAbelianGroup(FiniteGroup):
    """A finite Abelian group written additively, with its characters and Fourier transform.

    Concrete subclasses (:class:`CyclicGroup`, :class:`ProductGroup`) are final and only
    provide :meth:`_moduli`. Instances are cached and immutable; compare with ``==``
    (same factorisation) or :meth:`is_isomorphic` (same invariant factors).
    """

    __slots__ = ()

    # -- the one hook -------------------------------------------------------------------
    @abc.abstractmethod
    def _moduli(self) -> tuple[int, ...]:
        """Orders n1, ..., nm of the cyclic factors, first factor least significant."""

    # -- basic structure -----------------------------------------------------------------
    @property
    def moduli(self) -> tuple[int, ...]:
        return self._moduli()

    @property
    def order(self) -> int:
        return math.prod(self.moduli)

    def __len__(self) -> int:
        return self.order

    @property
    def is_abelian(self) -> bool:
        return True

    @property
    def spec(self) -> str:
        """Canonical spec string, e.g. ``'Z2xZ3xZ4'``; ``parse_group(G.spec) == G``."""
        return "x".join(f"Z{n}" for n in self.moduli)

    def __eq__(self, other) -> bool:
        return isinstance(other, FiniteAbelianGroup) and self.moduli == other.moduli

    def __hash__(self) -> int:
        return hash(("FiniteAbelianGroup", self.moduli))

    # -- elements --------------------------------------------------------------------------
    @property
    def identity(self) -> int:
        return 0

    def elements(self) -> np.ndarray:
        """Coordinates of every element, shape (d, m), row i = coords of index i."""
        return self._cached("elements", lambda: self.coords(np.arange(self.order)))

    def coords(self, index) -> np.ndarray:
        """Index (any int array) -> coordinate tuples, shape (..., m)."""
        index = np.asarray(index, dtype=np.int64)
        if np.any((index < 0) | (index >= self.order)):
            raise IndexError(f"element index out of range for {self.spec} (order {self.order})")
        out = []
        rest = index
        for n in self.moduli:
            out.append(rest % n)
            rest = rest // n
        return np.stack(out, axis=-1)

    def index(self, coords) -> np.ndarray | int:
        """Coordinate tuples (..., m) -> mixed-radix index; coordinates are reduced mod n_t."""
        c = np.asarray(coords, dtype=np.int64)
        if c.shape[-1:] != (len(self.moduli),):
            raise ValueError(f"coordinates must have last axis {len(self.moduli)} for {self.spec}")
        idx = np.zeros(c.shape[:-1], dtype=np.int64)
        radix = 1
        for t, n in enumerate(self.moduli):
            idx = idx + radix * (c[..., t] % n)
            radix *= n
        return idx if idx.ndim else int(idx)

    def add(self, i, j):
        """g + h on indices (broadcasting)."""
        return self.index(self.coords(i) + self.coords(j))

    def neg(self, i):
        """-g on indices."""
        return self.index(-self.coords(i))

    def sub(self, i, j):
        return self.index(self.coords(i) - self.coords(j))

    def _table(self) -> np.ndarray:
        """(d, d) int64 table T[i, j] = index(i + j)."""
        return self.add(np.arange(self.order)[:, None], np.arange(self.order)[None, :])

    def neg_table(self) -> np.ndarray:
        """(d,) int64: T[i] = index(-i)."""
        return self._cached("neg", lambda: self.neg(np.arange(self.order)))

    def inverse_table(self) -> np.ndarray:
        return self.neg_table()

    def conjugacy_classes(self) -> tuple[tuple[int, ...], ...]:
        """Every element is its own class."""
        return tuple((g,) for g in range(self.order))

    def class_index(self) -> np.ndarray:
        return self._cached("class_index", lambda: np.arange(self.order))

    @property
    def exponent(self) -> int:
        return math.lcm(*self.moduli) if self.moduli else 1

    def element_orders(self) -> np.ndarray:
        """(d,) order of each element: lcm over factors of n_t / gcd(g_t, n_t)."""

        def compute():
            e = self.elements()
            orders = np.ones(self.order, dtype=np.int64)
            for t, n in enumerate(self.moduli):
                orders = np.lcm(orders, n // np.gcd(e[:, t], n))
            return orders

        return self._cached("element_orders", compute)

    def invariant_factors(self) -> tuple[int, ...]:
        """Invariant factors m1 | m2 | ... (ascending, all > 1); () for the trivial group."""

        def compute():
            # primary decomposition of each factor, then combine by prime powers
            powers: dict[int, list[int]] = {}
            for n in self.moduli:
                for p, e in _factorize(n).items():
                    powers.setdefault(p, []).append(p**e)
            length = max((len(v) for v in powers.values()), default=0)
            factors = [1] * length
            for p, vals in powers.items():
                vals = sorted(vals, reverse=True)
                for i, v in enumerate(vals):
                    factors[length - 1 - i] *= v
            return tuple(f for f in factors if f > 1)

        return self._cached("invariant_factors", compute)

    def is_isomorphic(self, other: "FiniteAbelianGroup") -> bool:
        return self.invariant_factors() == other.invariant_factors()

    def _compute_irreps(self):
        """The characters χ_k (dual order) and the orbits {k, −k} as real irreducibles."""
        from groups._irreps import abelian_irreps

        return abelian_irreps(self)

    # -- dual group and characters -----------------------------------------------------
    def dual(self) -> "FiniteAbelianGroup":
        """The dual group Ĝ, isomorphic to G and indexed like it (χ_k for k ∈ Ĝ)."""
        return self

    def pairing(self) -> np.ndarray:
        """(d, d) float64 phase fractions P[k, g] = Σ_t k_t g_t / n_t mod 1."""

        def compute():
            e = self.elements().astype(np.float64)
            inv = np.array([1.0 / n for n in self.moduli])
            ph = (e * inv) @ self.elements().T.astype(np.float64)
            return np.mod(ph, 1.0)

        return self._cached("pairing", compute)

    def character(self, k: int) -> np.ndarray:
        """χ_k as a (d,) complex128 vector over the elements g."""
        return self.character_table()[int(k)].copy()

    def character_table(self) -> np.ndarray:
        """(d, d) complex128, X[k, g] = χ_k(g) = exp(2πi Σ_t k_t g_t / n_t)."""
        return self._cached("chars", lambda: _exp2pi(self.pairing()))

    def is_real_character(self, k: int) -> bool:
        return int(self.neg_table()[int(k)]) == int(k)

    def orbits(self) -> tuple[Orbit, ...]:
        """Ĝ∖{0} split into orbits {k, -k}, ordered by representative k (the smaller index)."""

        def compute():
            neg = self.neg_table()
            return tuple(
                Orbit(k, int(neg[k])) for k in range(1, self.order) if k <= int(neg[k])
            )

        return self._cached("orbits", compute)

    def complex_orbits(self) -> tuple[Orbit, ...]:
        return tuple(o for o in self.orbits() if not o.is_real)

    def real_orbits(self) -> tuple[Orbit, ...]:
        return tuple(o for o in self.orbits() if o.is_real)

    def orbit_of(self, k: int) -> Orbit:
        k = int(k)
        if k == 0:
            raise ValueError("k = 0 (the trivial character) belongs to no orbit")
        neg = int(self.neg_table()[k])
        return Orbit(min(k, neg), max(k, neg))

    # -- Fourier transform -------------------------------------------------------------
    def dft(self, x, axis: int = -1, sign: int = -1):
        """x̂[k] = (1/d) Σ_g x[g] χ_k(g)^{sign}; sign=-1 uses conj χ (inputs), +1 χ (outputs).

        Works on numpy and torch arrays, batched over every other axis; the group axis has
        length d and is laid out in the mixed-radix order of docs/mathematics.md#groups-and-elements.
        """
        from groups._fourier import dft

        return dft(self, x, axis=axis, sign=sign)

    def idft(self, xhat, axis: int = -1, sign: int = -1):
        """Inverse of :meth:`dft` with the same ``sign``: x[g] = Σ_k x̂[k] χ_k(g)^{-sign}."""
        from groups._fourier import idft

        return idft(self, xhat, axis=axis, sign=sign)

    def summary(self) -> dict:
        """Order, invariant factors, orbit counts and exponent in closed form (O(#factors), no
        per-element arrays): the real characters are the k ≠ 0 with 2k = 0, Π gcd(2, n_i) − 1
        of them; the other d − 1 − r characters pair up into complex orbits {k, −k}; the
        exponent is the lcm of the factor orders."""
        r = math.prod(math.gcd(2, n) for n in self.moduli) - 1
        return {
            "group": self.spec,
            "order": self.order,
            "moduli": list(self.moduli),
            "invariant_factors": list(self.invariant_factors()),
            "complex_orbits": (self.order - 1 - r) // 2,
            "real_characters": r,
            "exponent": math.lcm(*self.moduli) if self.moduli else 1,
        }


def _exp2pi(frac: np.ndarray) -> np.ndarray:
    """exp(2πi·frac) with exact values at multiples of 1/4 (so real characters are real)."""
    out = np.exp(2j * np.pi * frac)
    q = frac * 4
    exact = np.isclose(q, np.round(q), atol=0, rtol=0) | (np.abs(q - np.round(q)) < 1e-12)
    table = np.array([1, 1j, -1, -1j])
    out[exact] = table[np.round(q[exact]).astype(np.int64) % 4]
    return out


def _factorize(n: int) -> dict[int, int]:
    out: dict[int, int] = {}
    p = 2
    while p * p <= n:
        while n % p == 0:
            out[p] = out.get(p, 0) + 1
            n //= p
        p += 1
    if n > 1:
        out[n] = out.get(n, 0) + 1
    return out
