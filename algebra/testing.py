"""Law checkers and hypothesis strategies for semirings and homomorphisms (public module).

Checkers run over *all* pairs/triples of the elements they are given and raise
:class:`AssertionError` naming the violated law and the offending elements, e.g.
``AssertionError: left distributivity: x*(y+z) != x*y + x*z for x=…, y=…, z=…``.
Comparisons use the structure's ``isclose`` with the given ``atol``.

Laws of a (commutative) semiring (S, +, *, 0, 1), checked in this order:

=============================  =============================================
law name (in the message)      statement
=============================  =============================================
membership                     every given element, 0 and 1 lie in S
closure                        x + y and x * y lie in S
additive associativity         (x + y) + z = x + (y + z)
additive commutativity         x + y = y + x
additive identity              0 + x = x = x + 0
multiplicative associativity   (x y) z = x (y z)
multiplicative commutativity   x y = y x            (only if ``commutative``)
multiplicative identity        1 x = x = x 1
left distributivity            x (y + z) = x y + x z
right distributivity           (y + z) x = y x + z x
zero absorbing                 0 x = 0 = x 0
=============================  =============================================

>>> from algebra import POLYNOMIALS, Polynomial
>>> from algebra.testing import check_semiring_laws
>>> check_semiring_laws(POLYNOMIALS, [Polynomial([1, 2]), Polynomial([0, 1j])])  # passes
>>> from algebra._broken import BrokenSemiring
>>> check_semiring_laws(BrokenSemiring(), [0.0, 1.0, 2.0])
Traceback (most recent call last):
...
AssertionError: zero absorbing: 0*x != 0 for x=1.0 (0*x = 1.0)

The hypothesis strategies (:func:`polynomials`, :func:`elements_of`, :func:`gaussian_integers`)
need the ``hypothesis`` package (the ``test`` extra); it is imported only when they are called.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

__all__ = [
    "check_homomorphism",
    "check_scalar_action",
    "check_semiring_laws",
    "elements_of",
    "gaussian_integers",
    "polynomials",
    "short_repr",
]

def short_repr(x, limit: int = 80) -> str:
    """repr(x) cut to about ``limit`` characters (for assertion messages)."""
    r = repr(x)
    if len(r) > limit:
        r = r[: limit - 3] + "..."
    return r


def _fail(law: str, statement: str, names: Sequence[str], values: Sequence, extra: str = ""):
    where = ", ".join(f"{n}={short_repr(v)}" for n, v in zip(names, values))
    msg = f"{law}: {statement} for {where}"
    if extra:
        msg += f" ({extra})"
    raise AssertionError(msg)


def _check_monoid(xs, op, unit, kind: str, sym: str, unit_sym: str, close, *, commutative: bool) -> None:
    """Associativity, (optionally) commutativity and the two-sided unit of one operation."""
    for x, y, z in itertools.product(xs, repeat=3):
        lhs, rhs = op(op(x, y), z), op(x, op(y, z))
        if not close(lhs, rhs):
            _fail(f"{kind} associativity", f"(x{sym}y){sym}z != x{sym}(y{sym}z)", "xyz", [x, y, z],
                  f"{short_repr(lhs)} vs {short_repr(rhs)}")
    if commutative:
        for x, y in itertools.product(xs, repeat=2):
            lhs, rhs = op(x, y), op(y, x)
            if not close(lhs, rhs):
                _fail(f"{kind} commutativity", f"x{sym}y != y{sym}x", "xy", [x, y],
                      f"{short_repr(lhs)} vs {short_repr(rhs)}")
    for x in xs:
        for side, v in ((f"{unit_sym}{sym}x", op(unit, x)), (f"x{sym}{unit_sym}", op(x, unit))):
            if not close(v, x):
                _fail(f"{kind} identity", f"{side} != x", "x", [x], f"{side} = {short_repr(v)}")


def check_semiring_laws(S, elements: Iterable, *, atol: float = 1e-10, commutative: bool = True) -> None:
    """Check the semiring laws (table in the module docstring) on all pairs/triples of ``elements``.

    Raises AssertionError naming the first violated law and the offending elements.
    ``commutative=False`` skips multiplicative commutativity (addition must always commute).
    Cost: O(n³) structure operations for n elements — keep n small (≤ 8 or so).
    """
    xs = list(elements)
    close = lambda a, b: S.isclose(a, b, atol=atol)  # noqa: E731
    zero, one = S.zero(), S.one()

    # membership and closure
    for name, v in (("0", zero), ("1", one)):
        if not S.contains(v):
            _fail("membership", f"the declared {name} is not an element", ["value"], [v])
    for x in xs:
        if not S.contains(x):
            _fail("membership", "element not in the structure", ["x"], [x])
    for x, y in itertools.product(xs, repeat=2):
        if not S.contains(S.add(x, y)):
            _fail("closure", "x+y is not an element", ["x", "y"], [x, y])
        if not S.contains(S.mul(x, y)):
            _fail("closure", "x*y is not an element", ["x", "y"], [x, y])

    _check_monoid(xs, S.add, zero, "additive", "+", "0", close, commutative=True)
    _check_monoid(xs, S.mul, one, "multiplicative", "*", "1", close, commutative=commutative)

    # distributivity
    for x, y, z in itertools.product(xs, repeat=3):
        lhs, rhs = S.mul(x, S.add(y, z)), S.add(S.mul(x, y), S.mul(x, z))
        if not close(lhs, rhs):
            _fail("left distributivity", "x*(y+z) != x*y + x*z", "xyz", [x, y, z],
                  f"{short_repr(lhs)} vs {short_repr(rhs)}")
    for x, y, z in itertools.product(xs, repeat=3):
        lhs, rhs = S.mul(S.add(y, z), x), S.add(S.mul(y, x), S.mul(z, x))
        if not close(lhs, rhs):
            _fail("right distributivity", "(y+z)*x != y*x + z*x", "xyz", [x, y, z],
                  f"{short_repr(lhs)} vs {short_repr(rhs)}")

    # absorption
    for x in xs:
        for side, v in (("0*x", S.mul(zero, x)), ("x*0", S.mul(x, zero))):
            if not close(v, zero):
                _fail("zero absorbing", f"{side} != 0", "x", [x], f"{side} = {short_repr(v)}")


def check_homomorphism(h, elements: Iterable, *, atol: float = 1e-10) -> None:
    """Check that h: S → T preserves 0, 1, + and * on all pairs of ``elements`` (compared
    in ``h.codomain`` with its ``isclose``). Laws, in order: "codomain membership",
    "preserves zero" h(0)=0, "preserves one" h(1)=1, "preserves addition" h(x+y)=h(x)+h(y),
    "preserves multiplication" h(xy)=h(x)h(y).

    >>> from algebra import Evaluation, Polynomial
    >>> check_homomorphism(Evaluation(1j), [Polynomial([1, 2]), Polynomial([3])])  # passes
    """
    S, T = h.domain, h.codomain
    xs = list(elements)
    close = lambda a, b: T.isclose(a, b, atol=atol)  # noqa: E731
    for x in xs:
        if not S.contains(x):
            _fail("membership", "element not in the domain", "x", [x])
    images = [h(x) for x in xs]
    for x, hx in zip(xs, images):
        if not T.contains(hx):
            _fail("codomain membership", "h(x) is not an element of the codomain", "x", [x],
                  f"h(x) = {short_repr(hx)}")
    h0, h1 = h(S.zero()), h(S.one())
    if not (T.contains(h0) and close(h0, T.zero())):
        _fail("preserves zero", "h(0) != 0", ["h(0)"], [h0])
    if not (T.contains(h1) and close(h1, T.one())):
        _fail("preserves one", "h(1) != 1", ["h(1)"], [h1])
    for (x, hx), (y, hy) in itertools.product(zip(xs, images), repeat=2):
        lhs, rhs = h(S.add(x, y)), T.add(hx, hy)
        if not close(lhs, rhs):
            _fail("preserves addition", "h(x+y) != h(x)+h(y)", "xy", [x, y],
                  f"{short_repr(lhs)} vs {short_repr(rhs)}")
    for (x, hx), (y, hy) in itertools.product(zip(xs, images), repeat=2):
        lhs, rhs = h(S.mul(x, y)), T.mul(hx, hy)
        if not close(lhs, rhs):
            _fail("preserves multiplication", "h(x*y) != h(x)*h(y)", "xy", [x, y],
                  f"{short_repr(lhs)} vs {short_repr(rhs)}")


def check_scalar_action(S, elements: Iterable, scalars: Iterable, *, atol: float = 1e-10) -> None:
    """Check the scalar action s·x (``S.scale``) on all elements/scalars. Laws, in order:

    * "scalar distributivity":   s·(x + y) = s·x + s·y
    * "scalar compatibility":    (s t)·x = s·(t·x)
    * "scalar-product compatibility": s·(x y) = (s·x) y
    * "scalar identity":         1·x = x

    >>> from algebra import POLYNOMIALS, Polynomial
    >>> check_scalar_action(POLYNOMIALS, [Polynomial([1, 2])], [2, 1j])  # passes
    """
    xs, ss = list(elements), list(scalars)
    close = lambda a, b: S.isclose(a, b, atol=atol)  # noqa: E731
    for s in ss:
        for x, y in itertools.product(xs, repeat=2):
            lhs, rhs = S.scale(s, S.add(x, y)), S.add(S.scale(s, x), S.scale(s, y))
            if not close(lhs, rhs):
                _fail("scalar distributivity", "s·(x+y) != s·x + s·y", "sxy", [s, x, y],
                      f"{short_repr(lhs)} vs {short_repr(rhs)}")
    for s, t in itertools.product(ss, repeat=2):
        for x in xs:
            lhs, rhs = S.scale(s * t, x), S.scale(s, S.scale(t, x))
            if not close(lhs, rhs):
                _fail("scalar compatibility", "(st)·x != s·(t·x)", "stx", [s, t, x],
                      f"{short_repr(lhs)} vs {short_repr(rhs)}")
    for s in ss:
        for x, y in itertools.product(xs, repeat=2):
            lhs, rhs = S.scale(s, S.mul(x, y)), S.mul(S.scale(s, x), y)
            if not close(lhs, rhs):
                _fail("scalar-product compatibility", "s·(x*y) != (s·x)*y", "sxy", [s, x, y],
                      f"{short_repr(lhs)} vs {short_repr(rhs)}")
    for x in xs:
        v = S.scale(1, x)
        if not close(v, x):
            _fail("scalar identity", "1·x != x", "x", [x], f"1·x = {short_repr(v)}")


# ---------------------------------------------------------------------------------------
# hypothesis strategies (hypothesis imported lazily)
# ---------------------------------------------------------------------------------------
def gaussian_integers(bound: int = 3):
    """Strategy for complex numbers a + b i with integers |a|, |b| ≤ bound (exact in float64)."""
    from hypothesis import strategies as st

    part = st.integers(-bound, bound)
    return st.builds(complex, part, part)


def polynomials(max_degree: int = 3, *, bound: int = 3):
    """Strategy for :class:`~algebra.Polynomial` of degree ≤ ``max_degree`` with Gaussian-integer
    coefficients (|Re|, |Im| ≤ ``bound``), so that sums and products are exact in float64 and
    the semiring laws hold exactly.
    """
    from hypothesis import strategies as st

    from algebra._polynomial import Polynomial

    return st.lists(gaussian_integers(bound), max_size=max_degree + 1).map(Polynomial)


def elements_of(S, strategy, build=None):
    """Strategy for elements of ``S``: draw from ``strategy``, map through ``build`` (if given),
    keep only what ``S.contains``.

    >>> from algebra import TROPICAL
    >>> from hypothesis import strategies as st
    >>> s = elements_of(TROPICAL, st.floats(allow_nan=False))   # -inf is filtered out
    """
    if build is not None:
        strategy = strategy.map(build)
    return strategy.filter(S.contains)
