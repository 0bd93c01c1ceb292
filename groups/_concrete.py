"""Concrete groups: cyclic Z_n and direct products (flattened). Both are final.

Both pickle and copy as their factorisation (``from_moduli(moduli)``), so a copy or an
unpickled group is the cached instance itself: ``pickle.loads(pickle.dumps(G)) is G``.
"""

from __future__ import annotations

import functools
import typing

from groups._base import FiniteAbelianGroup


@typing.final
class CyclicGroup(FiniteAbelianGroup):
    """Z_n, n ≥ 2. Build with :func:`cyclic` (cached)."""

    __slots__ = ("_n",)

    def __init__(self, n: int):
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(f"cyclic group order must be an int, got {n!r}")
        if n < 2:
            raise ValueError(f"cyclic group order must be ≥ 2, got {n} (Z_1 factors are not allowed)")
        super().__init__()
        object.__setattr__(self, "_n", n)

    def _moduli(self) -> tuple[int, ...]:
        return (self._n,)

    def __reduce__(self):  # immutable and cached: rebuilt from the factorisation, never attribute by attribute
        return (from_moduli, (self.moduli,))


@typing.final
class ProductGroup(FiniteAbelianGroup):
    """Z_{n1} x ... x Z_{nm}, m ≥ 2, first factor least significant. Build with :func:`product`."""

    __slots__ = ("_ns",)

    def __init__(self, moduli: tuple[int, ...]):
        moduli = tuple(moduli)
        if len(moduli) < 2:
            raise ValueError("a product group needs at least two factors; use cyclic(n)")
        for n in moduli:
            if isinstance(n, bool) or not isinstance(n, int) or n < 2:
                raise ValueError(f"factor orders must be ints ≥ 2, got {n!r}")
        super().__init__()
        object.__setattr__(self, "_ns", moduli)

    def _moduli(self) -> tuple[int, ...]:
        return self._ns

    def __reduce__(self):  # as CyclicGroup.__reduce__
        return (from_moduli, (self.moduli,))

    @property
    def factors(self) -> tuple[CyclicGroup, ...]:
        return tuple(cyclic(n) for n in self._ns)


@functools.lru_cache(maxsize=None)
def cyclic(n: int) -> CyclicGroup:
    """The cyclic group Z_n (cached: ``cyclic(5) is cyclic(5)``)."""
    return CyclicGroup(n)


def product(*groups: FiniteAbelianGroup | int) -> FiniteAbelianGroup:
    """Direct product, flattened: ``product(Z2, product(Z3, Z4)) == parse_group('Z2xZ3xZ4')``.

    Ints stand for cyclic factors. One factor gives that factor back.
    """
    moduli: list[int] = []
    for g in groups:
        if isinstance(g, FiniteAbelianGroup):
            moduli.extend(g.moduli)
        elif isinstance(g, int) and not isinstance(g, bool):
            moduli.append(cyclic(g).moduli[0])
        else:
            raise TypeError(f"product() takes groups or ints, got {g!r}")
    return from_moduli(tuple(moduli))


@functools.lru_cache(maxsize=None)
def from_moduli(moduli: tuple[int, ...]) -> FiniteAbelianGroup:
    if len(moduli) == 0:
        raise ValueError("a group needs at least one factor")
    if len(moduli) == 1:
        return cyclic(moduli[0])
    return ProductGroup(moduli)
