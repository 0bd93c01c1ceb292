"""Deliberately broken structures: each one violates a known law, so that the checkers of
:mod:`algebra.testing` can be shown to reject it (private; used by the tests).

* :class:`BrokenSemiring` — nonnegative reals with x ⊕ y = max(x, y) and
  x ⊗ y = x + y + xy = (1+x)(1+y) − 1. Everything holds (⊗ is monotone, so it even
  distributes over max) except that 0 is both the zero and the one: 0 ⊗ x = x ≠ 0,
  **zero absorbing** fails.
* :class:`TwistedNumbers` — ordinary real numbers with exactly one operation twisted, chosen
  by ``flaw`` (see :data:`FLAWS`); each flaw makes a known law the *first* one to fail.
* :class:`TransformationNearRing` — maps Z_m → Z_m with pointwise addition and composition:
  a near-ring. f∘(g + h) ≠ f∘g + f∘h for non-affine f (**left distributivity** fails) while
  (g + h)∘f = g∘f + h∘f always; ``opposite=True`` multiplies in the other order, so **right
  distributivity** fails instead. Composition is not commutative.
* :class:`BrokenEvaluation` — maps C[u] → C that are not homomorphisms (``flaw``).
* :class:`SubstitutionScaling` — C[u] with the scalar action s·p(u) = p(s u): additive,
  compatible and unital, but s·(pq) ≠ (s·p) q.

>>> from algebra.testing import check_semiring_laws
>>> check_semiring_laws(TwistedNumbers("wrong_one"), [1.0, 2.0])
Traceback (most recent call last):
...
AssertionError: multiplicative identity: 1*x != x for x=1.0 (1*x = 2.0)
"""

from __future__ import annotations

import typing

import math
import numbers

from algebra._homomorphism import Homomorphism
from algebra._polynomial import POLYNOMIALS, Polynomial, PolynomialSemiring
from algebra._scalars import COMPLEX
from algebra._semiring import Semiring


def _close(x, y, atol):
    x, y = complex(x), complex(y)
    if x == y:
        return True
    if not (math.isfinite(abs(x)) and math.isfinite(abs(y))):
        return False
    return abs(x - y) <= atol * max(1.0, abs(x), abs(y))


@typing.final
class BrokenSemiring(Semiring):
    """([0, ∞), max, (1+x)(1+y)−1, 0, 0): fails only "zero absorbing"."""

    def zero(self):
        return 0.0

    def one(self):
        return 0.0

    def add(self, x, y):
        return max(float(x), float(y))

    def mul(self, x, y):
        x, y = float(x), float(y)
        return x + y + x * y

    def equal(self, x, y):
        return float(x) == float(y)

    def isclose(self, x, y, *, atol=1e-10):
        return _close(x, y, atol)

    def contains(self, x):
        return isinstance(x, numbers.Real) and math.isfinite(x) and x >= 0

    def __repr__(self):
        return "BrokenSemiring()"


#: flaw name -> the law that fails first under check_semiring_laws / check_scalar_action
FLAWS = {
    "average_add": "additive associativity",  # x ⊕ y = (x + y)/2
    "left_add": "additive commutativity",  # x ⊕ y = x
    "wrong_zero": "additive identity",  # declared zero = 1
    "square_mul": "multiplicative associativity",  # x ⊗ y = x² y²
    "abs_mul": "multiplicative commutativity",  # x ⊗ y = x |y|
    "wrong_one": "multiplicative identity",  # declared one = 2
    "min_mul": "left distributivity",  # x ⊗ y = min(x, y), one = +inf (use x ≥ 0)
    "affine_scale": "scalar distributivity",  # s·x = s x + (s − 1)
    "shifted_scale": "scalar compatibility",  # s·x = (s + 1) x
    "zero_scale": "scalar identity",  # s·x = 0
}


class TwistedNumbers(Semiring):
    """(R, +, ·, 0, 1) with one twist named by ``flaw`` (a key of :data:`FLAWS`)."""

    def __init__(self, flaw: str):
        if flaw not in FLAWS:
            raise ValueError(f"unknown flaw {flaw!r}; choose from {sorted(FLAWS)}")
        self.flaw = flaw

    def zero(self):
        return 1.0 if self.flaw == "wrong_zero" else 0.0

    def one(self):
        if self.flaw == "wrong_one":
            return 2.0
        if self.flaw == "min_mul":
            return math.inf
        return 1.0

    def add(self, x, y):
        if self.flaw == "average_add":
            return (x + y) / 2
        if self.flaw == "left_add":
            return x
        return x + y

    def mul(self, x, y):
        if self.flaw == "square_mul":
            return x * x * y * y
        if self.flaw == "abs_mul":
            return x * abs(y)
        if self.flaw == "min_mul":
            return min(x, y)
        return x * y

    def scale(self, s, x):
        if self.flaw == "affine_scale":
            return s * x + (s - 1)
        if self.flaw == "shifted_scale":
            return (s + 1) * x
        if self.flaw == "zero_scale":
            return 0.0
        return s * x

    def constant(self, s):
        return float(s)

    def equal(self, x, y):
        return x == y

    def isclose(self, x, y, *, atol=1e-10):
        return _close(x, y, atol)

    def contains(self, x):
        if not isinstance(x, numbers.Real):
            return False
        if self.flaw == "min_mul":
            return x >= 0  # +inf (the one) included
        return math.isfinite(x)

    def __repr__(self):
        return f"TwistedNumbers({self.flaw!r})"


@typing.final
class TransformationNearRing(Semiring):
    """Maps f: Z_m → Z_m as tuples (f(0), …, f(m−1)); (f + g)(i) = f(i) + g(i) mod m,
    f ⊗ g = f∘g (or g∘f with ``opposite=True``); zero = constant 0, one = identity map.
    Not a semiring: left (resp. right) distributivity fails for non-affine maps, and ⊗ is not
    commutative.
    """

    def __init__(self, m: int = 3, opposite: bool = False):
        self.m, self.opposite = int(m), bool(opposite)

    def zero(self):
        return (0,) * self.m

    def one(self):
        return tuple(range(self.m))

    def add(self, f, g):
        return tuple((a + b) % self.m for a, b in zip(f, g))

    def mul(self, f, g):
        if self.opposite:
            f, g = g, f
        return tuple(f[g[i]] for i in range(self.m))  # f∘g

    def equal(self, f, g):
        return tuple(f) == tuple(g)

    def isclose(self, f, g, *, atol=1e-10):
        return self.equal(f, g)

    def contains(self, f):
        return (
            isinstance(f, tuple)
            and len(f) == self.m
            and all(isinstance(v, int) and 0 <= v < self.m for v in f)
        )

    def __repr__(self):
        return f"TransformationNearRing({self.m}, opposite={self.opposite})"


@typing.final
class BrokenEvaluation(Homomorphism):
    """Maps C[u] → C that are not semiring homomorphisms; ``flaw`` picks which law fails first:

    * "constant_one": p ↦ 1                    — "preserves zero"
    * "constant_zero": p ↦ 0                   — "preserves one" (it preserves 0, +, *)
    * "square": p ↦ p(x0)²                     — "preserves addition" (preserves 0, 1, *)
    * "value_plus_slope": p ↦ p(x0) + p'(x0)   — "preserves multiplication" (preserves 0, 1, +)
    * "not_a_number": p ↦ str(p(x0))           — "codomain membership"
    """

    FLAWS = {
        "constant_one": "preserves zero",
        "constant_zero": "preserves one",
        "square": "preserves addition",
        "value_plus_slope": "preserves multiplication",
        "not_a_number": "codomain membership",
    }

    def __init__(self, x0, flaw: str):
        if flaw not in self.FLAWS:
            raise ValueError(f"unknown flaw {flaw!r}")
        self.x0, self.flaw = complex(x0), flaw

    @property
    def domain(self):
        return POLYNOMIALS

    @property
    def codomain(self):
        return COMPLEX

    def _apply(self, p: Polynomial):
        v = p(self.x0)
        if self.flaw == "constant_one":
            return 1 + 0j
        if self.flaw == "constant_zero":
            return 0j
        if self.flaw == "square":
            return v * v
        if self.flaw == "value_plus_slope":
            slope = Polynomial([i * c for i, c in enumerate(p.coeffs)][1:])
            return v + slope(self.x0)
        return str(v)

    def __repr__(self):
        return f"BrokenEvaluation({self.x0!r}, {self.flaw!r})"


@typing.final
class SubstitutionScaling(PolynomialSemiring):
    """C[u] whose scalar action is substitution, s·p(u) = p(s u): fails only
    "scalar-product compatibility" ((s·(pq))(u) = p(su) q(su) ≠ p(su) q(u))."""

    def scale(self, s, x):
        s = complex(s)
        return Polynomial(c * s**i for i, c in enumerate(x.coeffs))

    def __eq__(self, other):
        return type(other) is SubstitutionScaling

    def __hash__(self):
        return hash("SubstitutionScaling")

    def __repr__(self):
        return "SubstitutionScaling()"
