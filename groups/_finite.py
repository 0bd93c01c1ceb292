"""The abstract finite group: everything CoGS needs from a group is its Cayley table.

:class:`FiniteGroup` holds what every finite group has — the table, the identity (found from
the table), inverses, element orders, conjugacy classes, and the irreducible representations
with the matrix Fourier transform (docs/groups.md). Concrete groups implement two hooks:
:meth:`_table` (the (n, n) multiplication table, T[g, h] = index of g·h) and :attr:`spec`.
:class:`groups.FiniteAbelianGroup` is the specialisation to Z_{n1} × … × Z_{nm}, with its
own mixed-radix indexing and FFT; :class:`groups.TableGroup` is every other group.

Instances are immutable and cached per spec; arrays they hand out are read-only.
"""

from __future__ import annotations

import abc

import numpy as np


class FiniteGroup(abc.ABC):
    """A finite group given by its Cayley table (elements are the indices 0 … n−1).

    >>> from groups import parse_group
    >>> G = parse_group("S3")
    >>> G.order, G.is_abelian, len(G.conjugacy_classes())
    (6, False, 3)
    >>> [(r.dim, r.indicator) for r in G.irreps()]
    [(1, 1), (1, 1), (2, 1)]
    """

    __slots__ = ("__weakref__", "_cache")

    def __init__(self) -> None:
        object.__setattr__(self, "_cache", {})

    def __setattr__(self, name, value):  # immutable
        raise AttributeError(f"{type(self).__name__} is immutable")

    # -- the hooks -------------------------------------------------------------------------
    @property
    @abc.abstractmethod
    def spec(self) -> str:
        """Canonical spec string: ``parse_group(G.spec) == G`` (for a table file, its path)."""

    @abc.abstractmethod
    def _table(self) -> np.ndarray:
        """(n, n) int64 Cayley table, T[g, h] = index of g·h."""

    # -- basic structure -----------------------------------------------------------------
    def _cached(self, key, fn):
        cache = self._cache
        if key not in cache:
            value = fn()
            if isinstance(value, np.ndarray):
                value.setflags(write=False)
            cache[key] = value
        return cache[key]

    @property
    def order(self) -> int:
        return int(self.cayley_table().shape[0])

    def __len__(self) -> int:
        return self.order

    def __repr__(self) -> str:
        return f"parse_group({self.spec!r})"

    def __str__(self) -> str:
        return self.spec

    def cayley_table(self) -> np.ndarray:
        """(n, n) int64 table T[g, h] = index of g·h (read-only)."""
        return self._cached("cayley", lambda: np.asarray(self._table(), dtype=np.int64))

    @property
    def identity(self) -> int:
        """The index e with e·g = g for every g, read from the table."""

        def compute():
            T = self.cayley_table()
            rows = np.flatnonzero((T == np.arange(self.order)[None, :]).all(axis=1))
            return int(rows[0])

        return self._cached("identity", compute)

    def inverse_table(self) -> np.ndarray:
        """(n,) int64: inv[g] = index of g⁻¹."""

        def compute():
            T = self.cayley_table()
            g, h = np.nonzero(T == self.identity)
            inv = np.empty(self.order, dtype=np.int64)
            inv[g] = h
            return inv

        return self._cached("inverse", compute)

    def multiply(self, g, h):
        """g·h on indices (broadcasting)."""
        return self.cayley_table()[np.asarray(g), np.asarray(h)]

    def inverse(self, g):
        return self.inverse_table()[np.asarray(g)]

    @property
    def is_abelian(self) -> bool:
        return self._cached("abelian", lambda: bool(np.array_equal(self.cayley_table(), self.cayley_table().T)))

    def element_orders(self) -> np.ndarray:
        """(n,) the order of each element (least k ≥ 1 with g^k = e)."""

        def compute():
            T, e = self.cayley_table(), self.identity
            ar = np.arange(self.order)
            orders = np.zeros(self.order, dtype=np.int64)
            power, k = ar.copy(), 1
            while (orders == 0).any():
                orders[(power == e) & (orders == 0)] = k
                power, k = T[power, ar], k + 1
            return orders

        return self._cached("element_orders", compute)

    @property
    def exponent(self) -> int:
        return int(np.lcm.reduce(self.element_orders()))

    def conjugacy_classes(self) -> tuple[tuple[int, ...], ...]:
        """The conjugacy classes {x g x⁻¹}, each sorted, ordered by their smallest element
        (so the identity's class {e} comes first when e = 0)."""
        return self._cached("classes", self._compute_classes)

    def _compute_classes(self):
        T, inv = self.cayley_table(), self.inverse_table()
        conjugates = T[T, inv[:, None]]  # conjugates[x, g] = (x·g)·x⁻¹
        label = np.full(self.order, -1, dtype=np.int64)
        classes = []
        for g in range(self.order):
            if label[g] >= 0:
                continue
            members = np.unique(conjugates[:, g])
            label[members] = len(classes)
            classes.append(tuple(int(m) for m in members))
        return tuple(classes)

    def class_index(self) -> np.ndarray:
        """(n,) index of each element's conjugacy class in :meth:`conjugacy_classes`."""

        def compute():
            out = np.empty(self.order, dtype=np.int64)
            for c, members in enumerate(self.conjugacy_classes()):
                out[list(members)] = c
            return out

        return self._cached("class_index", compute)

    # -- representations and Fourier -------------------------------------------------------
    def irreps(self):
        """The complex irreducible representations (unitary), one per conjugacy class, as
        :class:`groups.Irrep` values: the trivial one first, then by dimension."""
        return self._cached("irreps", self._compute_irreps)[0]

    def real_irreps(self):
        """The real irreducible representations real weights see (:class:`groups.RealIrrep`,
        real orthogonal matrices of type R, C or H; docs/groups.md), the trivial one first."""
        return self._cached("irreps", self._compute_irreps)[1]

    def _compute_irreps(self):
        """(complex irreps, real irreducibles): the commutant route of groups._irreps (a
        subclass with a closed form overrides this)."""
        from groups._irreps import general_irreps

        return general_irreps(self)

    def fourier(self, f, axis: int = -1):
        """The matrix Fourier transform f̂(ρ) = Σ_g f(g) ρ(g), one (…, d_ρ, d_ρ) complex array
        per irrep of :meth:`irreps` (numpy or torch, batched over every other axis)."""
        from groups._matrix_fourier import fourier

        return fourier(self, f, axis=axis)

    def ifourier(self, fhat, axis: int = -1):
        """The inverse: f(g) = (1/n) Σ_ρ d_ρ tr(ρ(g)† f̂(ρ)) (complex; ``.real`` for real f)."""
        from groups._matrix_fourier import ifourier

        return ifourier(self, fhat, axis=axis)

    def real_fourier(self, f, axis: int = -1):
        """f̂(σ) = Σ_g f(g) σ(g) over the real irreducibles (real (…, s, s) arrays)."""
        from groups._matrix_fourier import real_fourier

        return real_fourier(self, f, axis=axis)

    def real_ifourier(self, fhat, axis: int = -1):
        """The inverse of :meth:`real_fourier`: f(g) = (1/n) Σ_σ m_σ tr(σ(g)ᵀ f̂(σ))."""
        from groups._matrix_fourier import real_ifourier

        return real_ifourier(self, fhat, axis=axis)

    def summary(self) -> dict:
        """Order, commutativity, classes and exponent."""
        return {
            "group": self.spec,
            "order": self.order,
            "abelian": self.is_abelian,
            "classes": len(self.conjugacy_classes()),
            "exponent": self.exponent,
        }
