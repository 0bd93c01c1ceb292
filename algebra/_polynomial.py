"""Polynomials *in* a semiring, and a known-good semiring *of* polynomials.

Two different things live here:

* :func:`evaluate_polynomial`, :func:`linear_product`, :func:`root_product` build elements of
  an arbitrary commutative semiring ``S`` from one element ``u`` (docs/solutions.md#global-solutions, "polynomial
  construction": ρ(u) = Π_{s∈Ω} (u − s·1)). They only use the structure's hooks, so they
  work for the semiring of networks as well as for the complex numbers.
* :class:`PolynomialSemiring` (singleton :data:`POLYNOMIALS`) is C[u], the univariate
  polynomials with complex coefficients, with immutable elements :class:`Polynomial`.
  It is a small, exactly understood commutative semiring (a ring, in fact) used to test the
  law checkers of :mod:`algebra.testing`; evaluation at a point, :class:`Evaluation`, and
  substitution, :class:`Substitution`, are semiring homomorphisms out of it.
* :class:`TropicalSemiring` (min, +) over R ∪ {+∞} is a second good instance, one that is
  *not* a ring (no additive inverses, idempotent addition).

>>> from algebra import COMPLEX, POLYNOMIALS, Polynomial, evaluate_polynomial, root_product
>>> evaluate_polynomial(COMPLEX, [1, 2, 3], 2.0)          # 1 + 2·2 + 3·2²
(17+0j)
>>> u = POLYNOMIALS.indeterminate()
>>> root_product(POLYNOMIALS, u, [1, 2])                  # (u − 1)(u − 2) = 2 − 3u + u²
Polynomial(((2+0j), (-3+0j), (1+0j)))
"""

from __future__ import annotations

import typing

import cmath
import math
import numbers
from collections.abc import Iterable, Sequence

from algebra._homomorphism import Homomorphism
from algebra._scalars import COMPLEX
from algebra._semiring import Semiring, SemiringElement

__all__ = [
    "POLYNOMIALS",
    "TROPICAL",
    "Evaluation",
    "Polynomial",
    "PolynomialSemiring",
    "Substitution",
    "TropicalSemiring",
    "evaluate_polynomial",
    "linear_product",
    "root_product",
]


# ---------------------------------------------------------------------------------------
# polynomials in an arbitrary semiring
# ---------------------------------------------------------------------------------------
def evaluate_polynomial(S: Semiring, coeffs: Sequence, u):
    """Σ_i coeffs[i] · u^i in the semiring ``S`` (Horner's scheme, lowest degree first).

    ``coeffs`` are elements of ``S`` (use ``S.constant(c)`` for a scalar c). Horner needs
    only + and *: p(u) = c_0 + u(c_1 + u(c_2 + …)). The empty polynomial is ``S.zero()``.

    >>> from algebra import COMPLEX
    >>> evaluate_polynomial(COMPLEX, [1, 0, 1], 1j)         # 1 + i² = 0
    0j
    """
    coeffs = list(coeffs)
    if not coeffs:
        return S.zero()
    acc = coeffs[-1]
    for c in reversed(coeffs[:-1]):
        acc = S.add(S.mul(acc, u), c)
    return acc


def linear_product(S: Semiring, u, shifts: Iterable):
    """Π_i (u + shifts[i]) in ``S``; ``shifts`` are elements of ``S``. Empty product: ``S.one()``.

    A semiring has no subtraction, so the "u − s" of docs/solutions.md#global-solutions is u + ŝ with ŝ an element that
    the homomorphisms of interest send to −s; :func:`root_product` builds ŝ = S.constant(−s).

    >>> from algebra import COMPLEX
    >>> linear_product(COMPLEX, 2.0, [1, 3])                # (2 + 1)(2 + 3)
    (15+0j)
    """
    return S.prod(S.add(u, s) for s in shifts)


def root_product(S: Semiring, u, roots: Iterable):
    """Π_i (u − roots[i]·1) = ``linear_product(S, u, [S.constant(−s) for s in roots])``.

    For every homomorphism r with r(S.constant(c)) = c this gives r(ρ(u)) = Π (r(u) − s):
    ρ kills every r with r(u) ∈ roots (docs/solutions.md#global-solutions).

    >>> from algebra import COMPLEX
    >>> root_product(COMPLEX, 1j, [1j, -1j])                # (i − i)(i + i)
    0j
    """
    return linear_product(S, u, [S.constant(-s) for s in roots])


# ---------------------------------------------------------------------------------------
# C[u]: a known-good commutative semiring
# ---------------------------------------------------------------------------------------
def _as_coeff(c) -> complex:
    if isinstance(c, bool) or not isinstance(c, numbers.Number):
        raise TypeError(f"polynomial coefficients must be numbers, got {c!r}")
    z = complex(c)
    if not cmath.isfinite(z):
        raise ValueError(f"polynomial coefficients must be finite, got {c!r}")
    return z


@typing.final
class Polynomial(SemiringElement):
    """p(u) = Σ_i coeffs[i] u^i with complex coefficients, lowest degree first; immutable.

    Trailing zero coefficients are trimmed, so equal polynomials have equal ``coeffs``
    (``==`` is exact; use ``POLYNOMIALS.isclose`` for a tolerance). The zero polynomial has
    ``coeffs == ()`` and degree −1. ``+`` and ``*`` are those of C[u]; ``s * p`` scales every
    coefficient by the number s; ``p(x0)`` evaluates at a complex point.

    >>> p = Polynomial([1, 2])                              # 1 + 2u
    >>> p * p
    Polynomial(((1+0j), (4+0j), (4+0j)))
    >>> eval(repr(p)) == p, p(0.5), p.degree
    (True, (2+0j), 1)
    """

    __slots__ = ("_coeffs",)

    def __init__(self, coeffs: Iterable = ()):
        cs = [_as_coeff(c) for c in coeffs]
        while cs and cs[-1] == 0:
            cs.pop()
        object.__setattr__(self, "_coeffs", tuple(cs))

    def __setattr__(self, name, value):
        raise AttributeError("Polynomial is immutable")

    @property
    def semiring(self) -> "PolynomialSemiring":
        return POLYNOMIALS

    @property
    def coeffs(self) -> tuple[complex, ...]:
        return self._coeffs

    @property
    def degree(self) -> int:
        """Largest i with coeffs[i] ≠ 0; −1 for the zero polynomial."""
        return len(self._coeffs) - 1

    def __call__(self, x0) -> complex:
        """p(x0) by Horner's scheme."""
        x0 = complex(x0)
        acc = 0j
        for c in reversed(self._coeffs):
            acc = acc * x0 + c
        return acc

    def __eq__(self, other):
        if not isinstance(other, Polynomial):
            return NotImplemented
        return self._coeffs == other._coeffs

    def __hash__(self):
        return hash(("Polynomial", self._coeffs))

    def __repr__(self) -> str:
        return f"Polynomial({self._coeffs!r})"

    def __reduce__(self):
        return (Polynomial, (self._coeffs,))


class PolynomialSemiring(Semiring):
    """C[u]: (polynomials, +, ·, 0, 1) — commutative, associative, distributive, 0 absorbing.

    * add: (p + q)_i = p_i + q_i;  mul: (pq)_n = Σ_{i+j=n} p_i q_j (Cauchy product);
    * scale(s, p) = s·p coefficient-wise, constant(s) = the constant polynomial s;
    * isclose(p, q): max_i |p_i − q_i| ≤ atol · max(1, max_i |p_i|, max_i |q_i|).

    Use the singleton :data:`POLYNOMIALS` (all instances compare equal).

    >>> P = PolynomialSemiring()
    >>> P.mul(P.constant(2), P.indeterminate()) == Polynomial([0, 2])
    True
    """

    def zero(self) -> Polynomial:
        return Polynomial(())

    def one(self) -> Polynomial:
        return Polynomial((1,))

    def indeterminate(self) -> Polynomial:
        """The polynomial u."""
        return Polynomial((0, 1))

    def add(self, x: Polynomial, y: Polynomial) -> Polynomial:
        a, b = x.coeffs, y.coeffs
        if len(a) < len(b):
            a, b = b, a
        return Polynomial(tuple(a[i] + (b[i] if i < len(b) else 0j) for i in range(len(a))))

    def mul(self, x: Polynomial, y: Polynomial) -> Polynomial:
        a, b = x.coeffs, y.coeffs
        if not a or not b:
            return self.zero()
        out = [0j] * (len(a) + len(b) - 1)
        for i, ai in enumerate(a):
            for j, bj in enumerate(b):
                out[i + j] += ai * bj
        return Polynomial(out)

    def equal(self, x: Polynomial, y: Polynomial) -> bool:
        return x.coeffs == y.coeffs

    def isclose(self, x: Polynomial, y: Polynomial, *, atol: float = 1e-10) -> bool:
        a, b = x.coeffs, y.coeffs
        n = max(len(a), len(b))
        a = a + (0j,) * (n - len(a))
        b = b + (0j,) * (n - len(b))
        scale = max([1.0] + [abs(c) for c in a] + [abs(c) for c in b])
        return all(abs(p - q) <= atol * scale for p, q in zip(a, b))

    def contains(self, x) -> bool:
        return isinstance(x, Polynomial)

    def scale(self, s, x: Polynomial) -> Polynomial:
        s = _as_coeff(s)
        return Polynomial(s * c for c in x.coeffs)

    def constant(self, s) -> Polynomial:
        return Polynomial((_as_coeff(s),))

    def __eq__(self, other):
        return type(other) is PolynomialSemiring

    def __hash__(self):
        return hash("PolynomialSemiring")

    def __repr__(self):
        return "POLYNOMIALS"


POLYNOMIALS = PolynomialSemiring()


@typing.final
class Evaluation(Homomorphism):
    """ev_{x0}: C[u] → C, p ↦ p(x0) — a semiring homomorphism (C is commutative).

    >>> Evaluation(2)(Polynomial([1, 1]))                   # 1 + u at u = 2
    (3+0j)
    """

    def __init__(self, x0):
        self.x0 = _as_coeff(x0)

    @property
    def domain(self) -> Semiring:
        return POLYNOMIALS

    @property
    def codomain(self) -> Semiring:
        return COMPLEX

    def _apply(self, p: Polynomial) -> complex:
        return p(self.x0)

    def __repr__(self):
        return f"Evaluation({self.x0!r})"


@typing.final
class Substitution(Homomorphism):
    """σ_q: C[u] → C[u], p ↦ p∘q = p(q(u)) — a semiring homomorphism for any fixed q.

    ``Evaluation(x0) @ Substitution(q)`` is ``Evaluation(q(x0))``.

    >>> Substitution(Polynomial([1, 1]))(Polynomial([0, 0, 1]))   # (1 + u)²
    Polynomial(((1+0j), (2+0j), (1+0j)))
    """

    def __init__(self, q: Polynomial):
        if not isinstance(q, Polynomial):
            raise TypeError(f"Substitution needs a Polynomial, got {q!r}")
        self.q = q

    @property
    def domain(self) -> Semiring:
        return POLYNOMIALS

    @property
    def codomain(self) -> Semiring:
        return POLYNOMIALS

    def _apply(self, p: Polynomial) -> Polynomial:
        coeffs = [POLYNOMIALS.constant(c) for c in p.coeffs]
        return evaluate_polynomial(POLYNOMIALS, coeffs, self.q)

    def __repr__(self):
        return f"Substitution({self.q!r})"


# ---------------------------------------------------------------------------------------
# the tropical semiring
# ---------------------------------------------------------------------------------------
@typing.final
class TropicalSemiring(Semiring):
    """(R ∪ {+∞}, min, +, +∞, 0): the min-plus semiring. Elements are plain floats.

    x ⊕ y = min(x, y), x ⊗ y = x + y; zero = +∞ (absorbing: ∞ + x = ∞), one = 0.
    Addition is idempotent (x ⊕ x = x), so it is a semiring that is not a ring. It has no
    scalar action compatible with ⊗, so :meth:`scale` is not provided;
    ``constant(s)`` is the element s.

    >>> T = TropicalSemiring()
    >>> T.add(3.0, 5.0), T.mul(3.0, 5.0), T.zero()
    (3.0, 8.0, inf)
    """

    def zero(self) -> float:
        return math.inf

    def one(self) -> float:
        return 0.0

    def add(self, x, y) -> float:
        return min(float(x), float(y))

    def mul(self, x, y) -> float:
        return float(x) + float(y)  # inf + finite = inf; -inf is not an element

    def equal(self, x, y) -> bool:
        return float(x) == float(y)

    def isclose(self, x, y, *, atol: float = 1e-10) -> bool:
        x, y = float(x), float(y)
        if x == y:
            return True
        if math.isinf(x) or math.isinf(y):
            return False
        return abs(x - y) <= atol * max(1.0, abs(x), abs(y))

    def contains(self, x) -> bool:
        if isinstance(x, bool) or not isinstance(x, numbers.Real):
            return False
        x = float(x)
        return not math.isnan(x) and x != -math.inf

    def constant(self, s) -> float:
        return float(s)

    def __eq__(self, other):
        return type(other) is TropicalSemiring

    def __hash__(self):
        return hash("TropicalSemiring")

    def __repr__(self):
        return "TROPICAL"


TROPICAL = TropicalSemiring()
