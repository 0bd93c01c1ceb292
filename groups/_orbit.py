"""Orbits of the dual group under k -> -k."""

from __future__ import annotations

import typing

import attrs


@typing.final
@attrs.frozen(order=True)
class Orbit:
    """An orbit {k, -k} of non-trivial characters, as dual-group indices.

    ``k`` is the representative (the smaller index), ``neg`` the index of -k.
    A *real* orbit has ``k == neg`` (2k = 0, a real-valued character).

    >>> Orbit(k=1, neg=22)
    Orbit(k=1, neg=22)
    >>> Orbit(k=4, neg=4).is_real
    True
    """

    k: int = attrs.field(converter=int)
    neg: int = attrs.field(converter=int)

    @property
    def is_real(self) -> bool:
        return self.k == self.neg

    @property
    def kind(self) -> str:
        return "real" if self.is_real else "complex"

    @property
    def members(self) -> tuple[int, ...]:
        return (self.k,) if self.is_real else (self.k, self.neg)
