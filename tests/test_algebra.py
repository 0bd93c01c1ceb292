"""Tests of algebra/: the law checkers accept known-good semirings and reject broken ones;
polynomials in a semiring agree with numpy; homomorphisms compose; dispatch is unambiguous.

Expected values come from independent formulas (numpy.polyval, numpy.poly, explicit products),
never from the code under test.
"""

from __future__ import annotations

import math
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from algebra import (
    COMPLEX,
    POLYNOMIALS,
    TROPICAL,
    Composite,
    Evaluation,
    Homomorphism,
    Polynomial,
    PolynomialSemiring,
    Substitution,
    evaluate_polynomial,
    linear_product,
    root_product,
)
from algebra._broken import (
    FLAWS,
    BrokenEvaluation,
    BrokenSemiring,
    SubstitutionScaling,
    TransformationNearRing,
    TwistedNumbers,
)
from algebra.testing import (
    check_homomorphism,
    check_scalar_action,
    check_semiring_laws,
    elements_of,
    gaussian_integers,
    polynomials,
)

FAST = settings(max_examples=40, deadline=None)

poly_lists = st.lists(polynomials(max_degree=3), min_size=1, max_size=4)
points = st.complex_numbers(max_magnitude=2.0, allow_nan=False, allow_infinity=False)


# ---------------------------------------------------------------------------------------
# known-good structures pass
# ---------------------------------------------------------------------------------------
@FAST
@given(poly_lists)
def test_polynomial_semiring_laws(ps):
    check_semiring_laws(POLYNOMIALS, ps + [POLYNOMIALS.zero(), POLYNOMIALS.one()])


@FAST
@given(poly_lists, st.lists(gaussian_integers(), min_size=1, max_size=3))
def test_polynomial_scalar_action(ps, scalars):
    check_scalar_action(POLYNOMIALS, ps, scalars)


@FAST
@given(poly_lists, points)
def test_evaluation_is_homomorphism(ps, x0):
    check_homomorphism(Evaluation(x0), ps + [POLYNOMIALS.zero(), POLYNOMIALS.one()])


@FAST
@given(poly_lists, polynomials(max_degree=2))
def test_substitution_is_homomorphism(ps, q):
    check_homomorphism(Substitution(q), ps)


@FAST
@given(st.lists(elements_of(COMPLEX, gaussian_integers()), min_size=1, max_size=4),
       st.lists(gaussian_integers(), min_size=1, max_size=3))
def test_complex_field_laws(zs, scalars):
    check_semiring_laws(COMPLEX, zs)
    check_scalar_action(COMPLEX, zs, scalars)


@FAST
@given(st.lists(elements_of(TROPICAL, st.integers(-20, 20) | st.just(math.inf), build=float),
                min_size=1, max_size=5))
def test_tropical_semiring_laws(xs):
    check_semiring_laws(TROPICAL, xs)
    for x in xs:  # idempotent addition: a semiring that is not a ring
        assert TROPICAL.add(x, x) == x


def test_semiring_element_operators():
    p, q = Polynomial([1, 2]), Polynomial([0, 1j])
    assert p + q == Polynomial([1, 2 + 1j])
    # (1 + 2u)(i u) = i u + 2i u²
    assert p * q == Polynomial([0, 1j, 2j])
    assert 3 * p == p * 3 == Polynomial([3, 6])
    assert p**3 == Polynomial([1, 6, 12, 8])  # (1 + 2u)³
    assert p**0 == POLYNOMIALS.one()
    with pytest.raises(TypeError):
        p + 1  # numbers are not polynomials; no silent coercion
    with pytest.raises(ValueError):
        p**-1


def test_polynomial_value_type():
    p = Polynomial([1, 2, 0, 0])
    assert p.coeffs == (1 + 0j, 2 + 0j)  # trailing zeros trimmed
    assert p.degree == 1 and Polynomial([0, 0]).degree == -1 and Polynomial([]).coeffs == ()
    assert eval(repr(p), {"Polynomial": Polynomial}) == p
    assert eval(repr(Polynomial([1j, -2.5])), {"Polynomial": Polynomial}) == Polynomial([1j, -2.5])
    assert hash(p) == hash(Polynomial((1, 2)))
    with pytest.raises(AttributeError):
        p.foo = 1
    with pytest.raises(ValueError):
        Polynomial([float("nan")])
    with pytest.raises(TypeError):
        Polynomial(["1"])
    assert POLYNOMIALS == PolynomialSemiring() and hash(POLYNOMIALS) == hash(PolynomialSemiring())
    assert POLYNOMIALS.isclose(Polynomial([1, 2]), Polynomial([1, 2 + 1e-13]))
    assert not POLYNOMIALS.isclose(Polynomial([1, 2]), Polynomial([1, 2, 1e-6]))


# ---------------------------------------------------------------------------------------
# polynomials in a semiring agree with numpy
# ---------------------------------------------------------------------------------------
@FAST
@given(st.lists(points, max_size=6), points)
def test_evaluate_polynomial_matches_polyval(coeffs, u):
    got = evaluate_polynomial(COMPLEX, coeffs, u)
    want = np.polyval(np.array(coeffs[::-1], dtype=complex), u) if coeffs else 0
    assert abs(got - want) <= 1e-10 * max(1.0, sum(abs(c) * 2.0**i for i, c in enumerate(coeffs)))


@FAST
@given(st.lists(gaussian_integers(), max_size=5))
def test_evaluate_polynomial_in_polynomial_semiring(coeffs):
    # Σ c_i u^i with u the indeterminate is the polynomial with those coefficients
    u = POLYNOMIALS.indeterminate()
    got = evaluate_polynomial(POLYNOMIALS, [POLYNOMIALS.constant(c) for c in coeffs], u)
    assert got == Polynomial(coeffs)


@FAST
@given(st.lists(points, max_size=5), points)
def test_root_product_matches_expanded_product(roots, u):
    want = 1 + 0j
    for r in roots:
        want *= u - r
    assert COMPLEX.isclose(root_product(COMPLEX, u, roots), want)
    shifts = [complex(-r) for r in roots]
    assert COMPLEX.isclose(linear_product(COMPLEX, u, shifts), want)


@FAST
@given(st.lists(gaussian_integers(2), max_size=5))
def test_root_product_polynomial_matches_numpy_poly(roots):
    got = root_product(POLYNOMIALS, POLYNOMIALS.indeterminate(), roots)
    want = np.poly(np.array(roots, dtype=complex))[::-1] if roots else np.array([1.0])
    assert got.degree == len(roots)
    np.testing.assert_allclose(np.array(got.coeffs), want, atol=1e-10)
    # ρ vanishes exactly at its roots: ev_r(ρ) = Π (r − s)
    for r in roots:
        assert abs(Evaluation(r)(got)) <= 1e-9


def test_linear_product_empty_and_spec_example():
    assert linear_product(COMPLEX, 5.0, []) == 1
    assert evaluate_polynomial(POLYNOMIALS, [], Polynomial([1])) == POLYNOMIALS.zero()
    # docs/solutions.md#global-solutions: z_syn = (u − ω)(u − ω̄) = u² + u + 1 for ω = e^{2πi/3}
    w = np.exp(2j * np.pi / 3)
    z = root_product(POLYNOMIALS, POLYNOMIALS.indeterminate(), [w, w.conjugate()])
    assert POLYNOMIALS.isclose(z, Polynomial([1, 1, 1]), atol=1e-12)


# ---------------------------------------------------------------------------------------
# broken structures are rejected, each law branch shown failing
# ---------------------------------------------------------------------------------------
NUMBERS = [0.0, 1.0, 2.0, -1.0, 0.5]


def test_broken_semiring_rejected():
    # every other law holds on these elements (⊗ is monotone, so it distributes over max);
    # it is exactly 0 ⊗ x = x ≠ 0 that fails, first at x = 1.0
    with pytest.raises(AssertionError, match=r"zero absorbing: 0\*x != 0 for x=1\.0"):
        check_semiring_laws(BrokenSemiring(), [0.0, 1.0, 2.5, 4.0])


@pytest.mark.parametrize("flaw", [f for f in FLAWS if not f.endswith("_scale")])
def test_twisted_numbers_rejected_by_named_law(flaw):
    xs = [0.0, 1.0, 2.0, 0.5] if flaw == "min_mul" else NUMBERS
    with pytest.raises(AssertionError, match=FLAWS[flaw]):
        check_semiring_laws(TwistedNumbers(flaw), xs)


@pytest.mark.parametrize("flaw", [f for f in FLAWS if f.endswith("_scale")])
def test_twisted_scalings_rejected_by_named_law(flaw):
    S = TwistedNumbers(flaw)
    check_semiring_laws(S, NUMBERS)  # the semiring itself is fine
    with pytest.raises(AssertionError, match=FLAWS[flaw]):
        check_scalar_action(S, NUMBERS, [2.0, -1.0, 1.0])


def test_untwisted_numbers_pass():
    # control: the checkers do accept the real numbers with the correct scalar action
    S = TwistedNumbers("min_mul")
    with pytest.raises(AssertionError):
        check_semiring_laws(S, [1.0, 2.0])
    check_semiring_laws(COMPLEX, NUMBERS)
    check_scalar_action(COMPLEX, NUMBERS, [2.0, -1.0, 1.0])


def test_substitution_scaling_rejected():
    P = SubstitutionScaling()
    ps = [Polynomial([1, 1]), Polynomial([0, 2, 1])]
    check_semiring_laws(P, ps)
    with pytest.raises(AssertionError, match="scalar-product compatibility"):
        check_scalar_action(P, ps, [2.0, 3.0])


NEAR_RING_ELEMENTS = [(0, 0, 0), (0, 1, 2), (1, 1, 1), (0, 1, 1), (2, 0, 1), (0, 0, 1)]


def test_near_ring_rejected():
    # the composition is not commutative
    with pytest.raises(AssertionError, match="multiplicative commutativity"):
        check_semiring_laws(TransformationNearRing(3), NEAR_RING_ELEMENTS)
    # f∘(g+h) != f∘g + f∘h for the non-affine f = (0, 1, 1)
    with pytest.raises(AssertionError, match="left distributivity"):
        check_semiring_laws(TransformationNearRing(3), NEAR_RING_ELEMENTS, commutative=False)
    with pytest.raises(AssertionError, match="right distributivity"):
        check_semiring_laws(TransformationNearRing(3, opposite=True), NEAR_RING_ELEMENTS,
                            commutative=False)
    # control: the linear maps x ↦ a x (a ∈ Z_3) form the ring Z_3 — all laws hold
    linear = [(0, 0, 0), (0, 1, 2), (0, 2, 1)]
    check_semiring_laws(TransformationNearRing(3), linear)
    check_semiring_laws(TransformationNearRing(3, opposite=True), linear)


def test_membership_and_closure_branches():
    with pytest.raises(AssertionError, match="membership"):
        check_semiring_laws(POLYNOMIALS, [Polynomial([1]), 1.0])
    with pytest.raises(AssertionError, match="closure"):
        # carrier [0, ∞], but "addition" is subtraction: 1 − 2 leaves the carrier
        class Leaky(TwistedNumbers):
            def add(self, x, y):
                return x - y

        check_semiring_laws(Leaky("min_mul"), [1.0, 2.0])


@pytest.mark.parametrize("flaw", sorted(BrokenEvaluation.FLAWS))
def test_broken_homomorphisms_rejected(flaw):
    ps = [Polynomial([1, 2]), Polynomial([0, 1j]), Polynomial([-1, 0, 1])]
    with pytest.raises(AssertionError, match=BrokenEvaluation.FLAWS[flaw]):
        check_homomorphism(BrokenEvaluation(0.5 + 0.25j, flaw), ps)


def test_error_message_names_elements():
    with pytest.raises(AssertionError) as e:
        check_semiring_laws(TwistedNumbers("wrong_one"), [3.0])
    assert str(e.value).startswith("multiplicative identity")
    assert "x=3.0" in str(e.value)
    long = [Polynomial(range(1, 60)), Polynomial([1])]
    with pytest.raises(AssertionError) as e:
        check_semiring_laws(SubstitutionScaling(), long + [1.0])
    assert len(str(e.value)) < 300  # element reprs are shortened


# ---------------------------------------------------------------------------------------
# composition of homomorphisms
# ---------------------------------------------------------------------------------------
class Conjugation(Homomorphism):
    """z ↦ conj z: a ring automorphism of C (written here, independent of algebra/)."""

    domain = COMPLEX
    codomain = COMPLEX

    def _apply(self, z):
        return complex(z).conjugate()


@FAST
@given(poly_lists, polynomials(max_degree=2), points)
def test_composition(ps, q, x0):
    ev, sub = Evaluation(x0), Substitution(q)
    comp = ev @ sub
    assert isinstance(comp, Composite)
    assert comp.domain == POLYNOMIALS and comp.codomain == COMPLEX
    check_homomorphism(comp, ps)
    # (ev_x0 ∘ σ_q)(p) = p(q(x0)), computed with numpy
    qx0 = np.polyval(np.array(q.coeffs[::-1] or [0], dtype=complex), x0)
    for p in ps:
        want = np.polyval(np.array(p.coeffs[::-1] or [0], dtype=complex), qx0)
        assert COMPLEX.isclose(comp(p), want, atol=1e-9)
    conj_ev = Conjugation().compose(ev)
    check_homomorphism(conj_ev, ps)
    for p in ps:
        assert COMPLEX.isclose(conj_ev(p), np.conj(p(x0)))


def test_refused_composition():
    ev, sub = Evaluation(1.0), Substitution(Polynomial([0, 1]))
    with pytest.raises(ValueError, match="cannot compose"):
        sub @ ev  # ev lands in COMPLEX, sub starts in POLYNOMIALS
    with pytest.raises(ValueError, match="cannot compose"):
        ev.compose(Conjugation())
    with pytest.raises(TypeError):
        ev(2.0)  # not an element of the domain


# ---------------------------------------------------------------------------------------
# dispatch: private namespace, no ambiguities
# ---------------------------------------------------------------------------------------
def test_private_dispatch_namespace_has_no_ambiguities():
    from multipledispatch.conflict import ambiguities
    from multipledispatch.core import global_namespace

    import groups._fourier  # noqa: F401  (registers its functions)
    from algebra._dispatch import NAMESPACE

    assert NAMESPACE is not global_namespace
    assert NAMESPACE, "the project registers its dispatch functions in NAMESPACE"
    for name, dispatcher in NAMESPACE.items():
        assert global_namespace.get(name) is not dispatcher, name
        assert not ambiguities(dispatcher.funcs), f"ambiguous signatures in {name}"


def test_reload_with_ambiguity_warnings_as_errors():
    # In a fresh interpreter (reloading in this one would replace the classes that other
    # tests' objects are instances of): turn AmbiguityWarning into an error, reload every
    # module that registers dispatch functions, and resolve every dispatcher's ordering,
    # which is where multipledispatch emits the warning.
    code = textwrap.dedent(
        """
        import importlib, warnings
        from multipledispatch.conflict import AmbiguityWarning
        warnings.simplefilter("error", AmbiguityWarning)
        import algebra, algebra._semiring, algebra._polynomial, groups, groups._fourier
        for m in (algebra._semiring, groups._fourier, algebra._polynomial):
            importlib.reload(m)
        from algebra._dispatch import NAMESPACE
        for d in NAMESPACE.values():
            d.reorder()
            _ = d.ordering
        from algebra._polynomial import Polynomial  # the reloaded class
        import numpy as np
        p = Polynomial([1, 2])
        assert (p + p) * p == Polynomial([2, 8, 8]) and 2 * p == Polynomial([2, 4])
        groups.parse_group("Z6").dft(np.arange(6.0))
        print("ok", len(NAMESPACE))
        """
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("ok")


def test_ambiguity_check_can_fail():
    # control: an ambiguous registration in a scratch namespace is detected
    import warnings

    from multipledispatch import Dispatcher
    from multipledispatch.conflict import AmbiguityWarning, ambiguities

    d = Dispatcher("f")
    d.add((object, int), lambda a, b: 1)
    d.add((int, object), lambda a, b: 2)
    assert ambiguities(d.funcs)
    with warnings.catch_warnings():
        warnings.simplefilter("error", AmbiguityWarning)
        with pytest.raises(AmbiguityWarning):
            d.reorder()
