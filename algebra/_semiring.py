"""Abstract semi-ring structures and their elements (commutative or not).

A :class:`Semiring` is the *structure* (escnn's ``Group`` pattern): it holds the operations
as hooks; elements may be any objects. Elements that subclass :class:`SemiringElement` get
``+`` and ``*`` (and scalar ``*``) through the project-private multipledispatch namespace.
"""

from __future__ import annotations

import abc
import numbers
from collections.abc import Iterable

from multipledispatch import dispatch

from algebra._dispatch import NAMESPACE


class Semiring(abc.ABC):
    """(S, +, *, 0, 1): + and * associative, + commutative, * distributing over + on both
    sides, 0 absorbing for *; * is commutative for some structures (networks on an Abelian
    group) and not for others (networks on a non-Abelian group). Equality is *under the structure's identification* (:meth:`equal`);
    floating-point structures also decide :meth:`isclose` with a tolerance.
    """

    @abc.abstractmethod
    def zero(self):
        """Additive identity."""

    @abc.abstractmethod
    def one(self):
        """Multiplicative identity."""

    @abc.abstractmethod
    def add(self, x, y):
        """x + y."""

    @abc.abstractmethod
    def mul(self, x, y):
        """x * y."""

    @abc.abstractmethod
    def equal(self, x, y) -> bool:
        """x == y under the identification the structure uses."""

    def isclose(self, x, y, *, atol: float = 1e-10) -> bool:
        """Approximate equality (default: exact :meth:`equal`)."""
        return self.equal(x, y)

    def contains(self, x) -> bool:
        """Is ``x`` an element of this structure? (default: yes)."""
        return True

    def scale(self, s, x):
        """Scalar action s·x, where the structure has one."""
        raise NotImplementedError(f"{type(self).__name__} has no scalar action")

    def constant(self, s):
        """The element that every homomorphism of interest maps to the scalar s ("s·1")."""
        raise NotImplementedError(f"{type(self).__name__} has no scalar constants")

    # -- derived ------------------------------------------------------------------------
    def sum(self, xs: Iterable):
        out = self.zero()
        for x in xs:
            out = self.add(out, x)
        return out

    def prod(self, xs: Iterable):
        out = self.one()
        for x in xs:
            out = self.mul(out, x)
        return out

    def power(self, x, n: int):
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ValueError(f"power needs an int n ≥ 0, got {n!r}")
        out, base = self.one(), x
        while n:
            if n & 1:
                out = self.mul(out, base)
            n >>= 1
            if n:
                base = self.mul(base, base)
        return out


class SemiringElement(abc.ABC):
    """Mixin for element types that know their structure; gives ``+``, ``*``, ``s * x``."""

    __slots__ = ()

    @property
    @abc.abstractmethod
    def semiring(self) -> Semiring:
        """The structure this element belongs to."""

    def __add__(self, other):
        try:
            return _add(self, other)
        except NotImplementedError:
            return NotImplemented

    def __radd__(self, other):
        try:
            return _add(other, self)
        except NotImplementedError:
            return NotImplemented

    def __mul__(self, other):
        try:
            return _mul(self, other)
        except NotImplementedError:
            return NotImplemented

    def __rmul__(self, other):
        try:
            return _mul(other, self)
        except NotImplementedError:
            return NotImplemented

    def __pow__(self, n):
        return self.semiring.power(self, n)


def _same(x: SemiringElement, y: SemiringElement) -> Semiring:
    if x.semiring != y.semiring:
        raise ValueError(f"elements of different semirings: {x.semiring!r} and {y.semiring!r}")
    return x.semiring


@dispatch(SemiringElement, SemiringElement, namespace=NAMESPACE)
def _add(x, y):
    return _same(x, y).add(x, y)


@dispatch(object, object, namespace=NAMESPACE)
def _add(x, y):  # noqa: F811
    raise NotImplementedError


@dispatch(SemiringElement, SemiringElement, namespace=NAMESPACE)
def _mul(x, y):  # noqa: F811
    return _same(x, y).mul(x, y)


@dispatch(numbers.Number, SemiringElement, namespace=NAMESPACE)
def _mul(s, x):  # noqa: F811
    return x.semiring.scale(s, x)


@dispatch(SemiringElement, numbers.Number, namespace=NAMESPACE)
def _mul(x, s):  # noqa: F811
    return x.semiring.scale(s, x)


@dispatch(object, object, namespace=NAMESPACE)
def _mul(x, y):  # noqa: F811
    raise NotImplementedError
