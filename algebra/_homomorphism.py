"""Semi-ring homomorphisms h: S -> T with h(x+y)=h(x)+h(y), h(xy)=h(x)h(y), h(0)=0, h(1)=1."""

from __future__ import annotations

import abc
import typing

from algebra._semiring import Semiring


class Homomorphism(abc.ABC):
    """A map between semirings that claims to preserve +, *, 0 and 1.

    Subclasses implement :meth:`_apply`; ``h(x)`` checks membership in the domain.
    ``g @ h`` (or ``g.compose(h)``) is x ↦ g(h(x)). Verify a claim with
    :func:`algebra.testing.check_homomorphism`.
    """

    @property
    @abc.abstractmethod
    def domain(self) -> Semiring: ...

    @property
    @abc.abstractmethod
    def codomain(self) -> Semiring: ...

    @abc.abstractmethod
    def _apply(self, x): ...

    def __call__(self, x):
        if not self.domain.contains(x):
            raise TypeError(f"{x!r} is not an element of the domain {self.domain!r}")
        return self._apply(x)

    def compose(self, inner: "Homomorphism") -> "Homomorphism":
        """self ∘ inner."""
        return Composite(self, inner)

    def __matmul__(self, inner: "Homomorphism") -> "Homomorphism":
        return self.compose(inner)


@typing.final
class Composite(Homomorphism):
    """outer ∘ inner; refuses mismatched domain/codomain."""

    def __init__(self, outer: Homomorphism, inner: Homomorphism):
        if inner.codomain != outer.domain:
            raise ValueError(
                f"cannot compose: inner codomain {inner.codomain!r} is not outer domain {outer.domain!r}"
            )
        self.outer, self.inner = outer, inner

    @property
    def domain(self) -> Semiring:
        return self.inner.domain

    @property
    def codomain(self) -> Semiring:
        return self.outer.codomain

    def _apply(self, x):
        return self.outer._apply(self.inner._apply(x))

    def __repr__(self) -> str:
        return f"{self.outer!r} @ {self.inner!r}"
