"""Any finite group (docs/groups.md): the axiom and irrep checkers on every small group, GAP's
facts, the named families built here from their definitions, property tests, spec parsing.

Expected values never come from the code under test: the families are rebuilt below from
their definitions (permutations, affine maps of Z_n, 2 × 2 complex matrices), conjugacy classes
and element orders from the Cayley table, characters of Abelian groups from
χ_k(g) = exp(2πi Σ_t k_t g_t / n_t), and the facts about each group (classes, exponent,
degrees, Frobenius–Schur indicators, element orders) from GAP (tests/data/gap_groups.json,
written once by groups/data/generate_smallgroups.py).
"""

from __future__ import annotations

import copy
import itertools
import json
import math
import pickle
import re
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from groups import (
    FiniteAbelianGroup,
    FiniteGroup,
    GroupSpecError,
    Irrep,
    RealIrrep,
    TableGroup,
    number_of_small_groups,
    parse_group,
)
from groups.testing import check_group_axioms, check_irreps

ROOT = Path(__file__).resolve().parents[1]
GAP = json.loads((ROOT / "tests" / "data" / "gap_groups.json").read_text(encoding="utf-8"))
TOL = 1e-10
FAST = settings(max_examples=20, deadline=None)

SMALL = [f"SmallGroup({n},{i})" for n in range(2, 33) for i in range(1, number_of_small_groups(n) + 1)]
NAMED = ["S3", "D4", "D5", "D6", "Q8", "Dic3", "A4", "S3xZ3", "Q8xZ2", "Z2xS3", "S4", "S5", "A5"]


# ---------------------------------------------------------------------------------------------
# the checkers, on every group of order ≤ 32 and on the named ones
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("n", range(2, 33))
def test_every_small_group_of_order_up_to_32_passes_both_checkers(n):
    for i in range(1, number_of_small_groups(n) + 1):
        G = parse_group(f"SmallGroup({n},{i})")
        check_group_axioms(G)
        check_irreps(G, rng=n * 100 + i)


@pytest.mark.parametrize("spec", NAMED)
def test_named_groups_and_products_pass_both_checkers(spec):
    G = parse_group(spec)
    check_group_axioms(G)
    check_irreps(G)


@pytest.mark.parametrize("spec", ["Z2", "Z7", "Z2xZ4", "Z3xZ6", "Z2xZ2xZ2"])
def test_abelian_groups_pass_check_irreps(spec):
    check_irreps(parse_group(spec))


class Doctored(FiniteGroup):
    """A group whose table (and, optionally, irreps, identity, inverses or Fourier transform)
    is given here, so the checkers can be shown to fail."""

    def __init__(self, table, **override):
        super().__init__()
        object.__setattr__(self, "_T", np.asarray(table, dtype=np.int64))
        object.__setattr__(self, "_override", override)

    spec = "doctored"

    def _table(self):
        return self._T

    def __getattribute__(self, name):
        override = object.__getattribute__(self, "__dict__").get("_override", {})
        if name in override:
            value = override[name]
            return value(self) if name in ("identity",) else value
        return object.__getattribute__(self, name)


def _loop5():
    """A Latin square of order 5 with identity 0 that is not associative (a loop, not a group)."""
    return np.array([[0, 1, 2, 3, 4], [1, 0, 3, 4, 2], [2, 4, 0, 1, 3], [3, 2, 4, 0, 1], [4, 3, 1, 2, 0]])


def test_loop5_is_a_latin_square_with_identity_but_not_associative():
    L = _loop5()
    ar = np.arange(5)
    assert (np.sort(L, 0) == ar[:, None]).all() and (np.sort(L, 1) == ar).all()
    assert (L[0] == ar).all() and (L[:, 0] == ar).all()
    assert any(L[L[a, b], c] != L[a, L[b, c]] for a in ar for b in ar for c in ar)


def test_check_group_axioms_can_fail():
    S3 = parse_group("S3")
    T = np.asarray(S3.cayley_table())
    with pytest.raises(AssertionError, match="^associativity"):
        check_group_axioms(Doctored(_loop5()))
    with pytest.raises(AssertionError, match="^identity"):
        check_group_axioms(Doctored(T, identity=lambda G: 1))
    wrong = np.asarray(S3.inverse_table()).copy()
    wrong[[2, 3]] = wrong[[3, 2]]
    with pytest.raises(AssertionError, match="^inverses"):
        check_group_axioms(Doctored(T, inverse_table=lambda: wrong))
    bad = T.copy()
    bad[1, 1] = 6
    with pytest.raises(AssertionError, match="^closure"):
        check_group_axioms(Doctored(bad))
    latin = T.copy()
    latin[2, 3] = latin[2, 4]  # row 2 repeats an element
    with pytest.raises(AssertionError, match="associativity|latin square|inverses"):
        check_group_axioms(Doctored(latin))
    with pytest.raises(AssertionError, match="^element orders"):
        check_group_axioms(Doctored(T, element_orders=lambda: np.ones(6, dtype=np.int64)))
    with pytest.raises(AssertionError, match="^commutativity: G.is_abelian is True, but the table is not symmetric"):
        check_group_axioms(Doctored(T, is_abelian=True))
    with pytest.raises(AssertionError, match="^conjugacy classes"):
        check_group_axioms(Doctored(T, conjugacy_classes=lambda: tuple((g,) for g in range(6))))
    check_group_axioms(Doctored(T))  # the undoctored table passes


def _with(irreps=None, reals=None, **more):
    S3 = parse_group("S3")
    over = dict(more)
    if irreps is not None:
        over["irreps"] = lambda: irreps
    if reals is not None:
        over["real_irreps"] = lambda: reals
    return Doctored(S3.cayley_table(), **over)


def test_check_irreps_can_fail():
    S3 = parse_group("S3")
    good, reals = S3.irreps(), S3.real_irreps()
    check_irreps(_with())  # S3's table with the computed irreps passes
    two = good[2]
    transposed = Irrep(two.index, two.dim, two.indicator, two.real, np.swapaxes(two.matrices, 1, 2))
    with pytest.raises(AssertionError, match="^homomorphism"):
        check_irreps(_with(irreps=good[:2] + (transposed,)))
    scaled = Irrep(two.index, two.dim, two.indicator, two.real, 1.0 * two.matrices)
    sign = Irrep(1, 1, 1, 1, good[1].matrices)
    with pytest.raises(AssertionError, match="^indicator"):
        check_irreps(_with(irreps=(good[0], Irrep(1, 1, 0, 1, good[1].matrices), scaled)))
    with pytest.raises(AssertionError, match="^sum of squares"):
        check_irreps(_with(irreps=(good[0], sign)))
    with pytest.raises(AssertionError, match="^inequivalent"):
        check_irreps(_with(irreps=(good[0], Irrep(1, 1, 1, 0, good[0].matrices), scaled)))
    r2 = reals[2]
    wrong_kind = RealIrrep(2, r2.size, "C", r2.complex, r2.matrices)
    with pytest.raises(AssertionError, match="^real kind"):
        check_irreps(_with(reals=reals[:2] + (wrong_kind,)))
    with pytest.raises(AssertionError, match="^real homomorphism"):
        check_irreps(_with(reals=reals[:2] + (RealIrrep(2, 2, "R", (2,), np.swapaxes(r2.matrices, 1, 2)),)))
    swapped = lambda f, axis=-1: tuple(np.swapaxes(b, -1, -2) for b in S3.fourier(f, axis=axis))  # noqa: E731
    with pytest.raises(AssertionError, match="^Fourier"):
        check_irreps(_with(fourier=swapped))
    halved = lambda fhat, axis=-1: S3.ifourier(fhat, axis=axis) / 2  # noqa: E731
    with pytest.raises(AssertionError, match="^Fourier round trip"):
        check_irreps(_with(ifourier=halved))
    backwards = lambda f, axis=-1: S3.real_fourier(f, axis=axis)[::-1]  # noqa: E731
    with pytest.raises(AssertionError, match="^real Fourier"):
        check_irreps(_with(real_fourier=backwards))


# ---------------------------------------------------------------------------------------------
# GAP's facts
# ---------------------------------------------------------------------------------------------
def _classes(T):
    n = T.shape[0]
    e = int(np.flatnonzero((T == np.arange(n)).all(1))[0])
    inv = np.argmax(T == e, axis=1)
    seen, out = set(), []
    for g in range(n):
        if g not in seen:
            c = {int(T[T[x, g], inv[x]]) for x in range(n)}
            seen |= c
            out.append(c)
    return out


def _orders(T):
    n = T.shape[0]
    e = int(np.flatnonzero((T == np.arange(n)).all(1))[0])
    out = []
    for g in range(n):
        k, p = 1, g
        while p != e:
            p, k = int(T[p, g]), k + 1
        out.append(k)
    return out


def _compare_with_gap(key, G, irreps=True):
    want = GAP[key]
    assert G.order == want["order"], key
    assert G.is_abelian == want["abelian"], key
    assert len(G.conjugacy_classes()) == want["classes"], key
    assert G.exponent == want["exponent"], key
    assert sorted(int(o) for o in G.element_orders()) == want["element_orders"], key
    if irreps:
        assert sorted(r.dim for r in G.irreps()) == want["degrees"], key
        assert sorted([r.dim, r.indicator] for r in G.irreps()) == want["irreps"], key
        # real irreducibles: ι = 1 → R of size d; ι = −1 → H of size 2d; a pair ρ, ρ̄ with ι = 0 → C of size 2d
        pairs = want["irreps"]
        expect = [("R", d) for d, i in pairs if i == 1] + [("H", 2 * d) for d, i in pairs if i == -1]
        for d in sorted({d for d, i in pairs if i == 0}):
            count = sum(1 for dd, i in pairs if i == 0 and dd == d)
            assert count % 2 == 0, key
            expect += [("C", 2 * d)] * (count // 2)
        assert sorted((r.kind, r.size) for r in G.real_irreps()) == sorted(expect), key


def test_gap_fixture_covers_every_shipped_group():
    small = [k for k in GAP if k.startswith("SmallGroup(")]
    assert len(small) == 586  # Besche–Eick–O'Brien: the groups of order ≤ 64
    for n in range(2, 65):
        assert sum(1 for k in small if GAP[k]["id"][0] == n) == number_of_small_groups(n)
    assert {k for k in GAP if not k.startswith("SmallGroup(")} == (
        {f"S{n}" for n in range(3, 7)} | {f"A{n}" for n in range(4, 7)} | {f"D{n}" for n in range(3, 13)}
        | {f"Dic{n}" for n in range(2, 9)}
    )
    assert GAP["SmallGroup(1,1)"]["order"] == 1
    with pytest.raises(GroupSpecError, match="trivial"):
        parse_group("SmallGroup(1,1)")


@pytest.mark.parametrize("n", range(2, 33))
def test_small_groups_match_gap(n):
    for i in range(1, number_of_small_groups(n) + 1):
        key = f"SmallGroup({n},{i})"
        assert GAP[key]["id"] == [n, i]
        G = parse_group(key)
        _compare_with_gap(key, G)
        T = np.asarray(G.cayley_table())  # classes and element orders from the table, too
        classes = _classes(T)
        assert len(classes) == GAP[key]["classes"]
        assert sorted(_orders(T)) == GAP[key]["element_orders"]
        # documented orders: classes by smallest member; irreps trivial first, then by dimension
        assert [set(c) for c in G.conjugacy_classes()] == sorted(classes, key=min)
        dims = [r.dim for r in G.irreps()]
        assert dims[0] == 1 and dims[1:] == sorted(dims[1:])
        assert np.allclose(G.real_irreps()[0].matrices, 1.0)


def test_irreps_are_the_same_on_every_computation():
    """Seeded: a fresh group with the same table gets the very same matrices."""
    for spec in ("S4", "SmallGroup(24,3)", "Q8xZ2"):
        G = parse_group(spec)
        H = TableGroup.from_table(G.cayley_table(), name="copy")
        for a, b in zip(G.irreps() + G.real_irreps(), H.irreps() + H.real_irreps()):
            assert np.array_equal(a.matrices, b.matrices)


@pytest.mark.parametrize("n", range(33, 65))
def test_small_groups_of_order_33_to_64_match_gap_structure(n):
    """Order, commutativity, classes, exponent and element orders (cheap: no irreps)."""
    for i in range(1, number_of_small_groups(n) + 1):
        _compare_with_gap(f"SmallGroup({n},{i})", parse_group(f"SmallGroup({n},{i})"), irreps=False)


@pytest.mark.slow
@pytest.mark.parametrize("n", range(33, 65))
def test_small_groups_of_order_33_to_64_match_gap_irreps(n):
    """Degrees and Frobenius–Schur indicators of every irrep (about 30 s for all orders on 2
    cores, most of it the 267 groups of order 64)."""
    for i in range(1, number_of_small_groups(n) + 1):
        _compare_with_gap(f"SmallGroup({n},{i})", parse_group(f"SmallGroup({n},{i})"))


NAMED_GAP = sorted(k for k in GAP if not k.startswith("SmallGroup(") and k != "S6")


@pytest.mark.parametrize("key", NAMED_GAP)
def test_named_groups_match_gap(key):
    G = parse_group(key)
    _compare_with_gap(key, G)
    n, i = GAP[key]["id"]
    if n <= 64:  # GAP's id: the same facts as the SmallGroup it names
        H = parse_group(f"SmallGroup({n},{i})")
        assert sorted(int(o) for o in H.element_orders()) == sorted(int(o) for o in G.element_orders())
        assert len(H.conjugacy_classes()) == len(G.conjugacy_classes())


@pytest.mark.slow
def test_s6_matches_gap():
    """S6 (order 720): its irreps take about 7 s."""
    _compare_with_gap("S6", parse_group("S6"))


# ---------------------------------------------------------------------------------------------
# the named families, built here from their definitions
# ---------------------------------------------------------------------------------------------
def ref_symmetric(n, even_only=False):
    """Permutations of {0..n−1} in one-line notation, lexicographic, (g·h)(i) = g(h(i))."""
    perms = [p for p in itertools.product(range(n), repeat=n) if len(set(p)) == n]  # lexicographic
    if even_only:
        perms = [p for p in perms if sum(p[i] > p[j] for i in range(n) for j in range(i + 1, n)) % 2 == 0]
    P = np.array(perms)
    code = P @ (n ** np.arange(n - 1, -1, -1))  # base-n value: increasing in lexicographic order
    assert (np.diff(code) > 0).all()
    composed = np.take_along_axis(P[:, None, :].repeat(len(P), 1), P[None, :, :].repeat(len(P), 0), axis=2)
    return np.searchsorted(code, composed @ (n ** np.arange(n - 1, -1, -1)))


def ref_dihedral(n):
    """r^i s^j at i + n·j as the map x ↦ i + (−1)^j x of Z_n (r: x ↦ x + 1, s: x ↦ −x)."""
    maps = [(i, (-1) ** j) for j in range(2) for i in range(n)]

    def compose(g, h):  # (g ∘ h)(x) = a + ε(b + δx)
        (a, eps), (b, dlt) = g, h
        return ((a + eps * b) % n, eps * dlt)

    index = {m: k for k, m in enumerate(maps)}
    return np.array([[index[compose(g, h)] for h in maps] for g in maps])


def ref_dicyclic(n):
    """a^i x^j at i + 2n·j, a = diag(ζ, ζ̄) with ζ = e^{iπ/n}, x = [[0, −1], [1, 0]]."""
    z = np.exp(1j * np.pi / n)
    a, x = np.diag([z, z.conjugate()]), np.array([[0, -1], [1, 0]], dtype=complex)
    els = [np.linalg.matrix_power(a, i) @ np.linalg.matrix_power(x, j) for j in range(2) for i in range(2 * n)]
    flat = np.array([m.ravel() for m in els])

    def find(m):
        d = np.abs(flat - m.ravel()).max(axis=1)
        k = int(np.argmin(d))
        assert d[k] < 1e-9
        return k

    return np.array([[find(g @ h) for h in els] for g in els])


def ref_cyclic(n):
    return (np.arange(n)[:, None] + np.arange(n)[None, :]) % n


def ref_product(*tables):
    """Mixed radix, first factor least significant."""
    sizes = [t.shape[0] for t in tables]
    N = math.prod(sizes)

    def coords(i):
        out = []
        for s in sizes:
            out.append(i % s)
            i //= s
        return out

    def index(c):
        i, radix = 0, 1
        for x, s in zip(c, sizes):
            i, radix = i + radix * x, radix * s
        return i

    return np.array([[index([t[a, b] for t, a, b in zip(tables, coords(i), coords(j))]) for j in range(N)] for i in range(N)])


@pytest.mark.parametrize("n", [3, 4, 5, 6])
def test_symmetric_groups_are_the_permutations(n):
    T = ref_symmetric(n)
    assert np.array_equal(parse_group(f"S{n}").cayley_table(), T)
    assert parse_group(f"S{n}").identity == 0
    if n == 3:  # in words: (1 2)·(0 1) = (0 2 1), i.e. 021 · 102 = 201
        assert T[1, 2] == 4


@pytest.mark.parametrize("n", [4, 5, 6])
def test_alternating_groups_are_the_even_permutations(n):
    assert np.array_equal(parse_group(f"A{n}").cayley_table(), ref_symmetric(n, even_only=True))


@pytest.mark.parametrize("n", [3, 4, 5, 6, 7, 12])
def test_dihedral_groups(n):
    T = ref_dihedral(n)
    G = parse_group(f"D{n}")
    assert np.array_equal(G.cayley_table(), T)
    r, s = 1, n  # r^1 s^0 and r^0 s^1
    inv = {g: int(np.flatnonzero(T[g] == 0)[0]) for g in range(2 * n)}
    assert T[T[s, r], inv[s]] == inv[r]  # s r s⁻¹ = r⁻¹
    assert all(T[i, n] == i + n for i in range(n))  # r^i · s = r^i s at i + n


@pytest.mark.parametrize("n", [2, 3, 4, 5, 8])
def test_dicyclic_groups(n):
    T = ref_dicyclic(n)
    G = parse_group(f"Dic{n}")
    assert np.array_equal(G.cayley_table(), T)
    a, x = 1, 2 * n
    assert T[x, x] == n  # x² = aⁿ
    inv_x = int(np.flatnonzero(T[x] == 0)[0])
    assert T[T[x, a], inv_x] == 2 * n - 1  # x a x⁻¹ = a⁻¹
    if n == 2:
        assert np.array_equal(parse_group("Q8").cayley_table(), T)


@pytest.mark.parametrize(
    "spec, factors",
    [("S3xZ3", lambda: (ref_symmetric(3), ref_cyclic(3))), ("Q8xZ2", lambda: (ref_dicyclic(2), ref_cyclic(2))),
     ("Z2xS3", lambda: (ref_cyclic(2), ref_symmetric(3))), ("D4xS3", lambda: (ref_dihedral(4), ref_symmetric(3))),
     ("Z2xQ8xZ3", lambda: (ref_cyclic(2), ref_dicyclic(2), ref_cyclic(3)))],
)
def test_products_are_mixed_radix(spec, factors):
    G = parse_group(spec)
    assert np.array_equal(G.cayley_table(), ref_product(*factors()))
    assert G.spec == spec and not isinstance(G, FiniteAbelianGroup)


def test_small_groups_identity_first():
    for key in SMALL:
        assert parse_group(key).identity == 0  # GAP's AsSortedList puts the identity first


# ---------------------------------------------------------------------------------------------
# property tests
# ---------------------------------------------------------------------------------------------
HYP = ["Z6", "Z2xZ4", "Z3xZ3", "S3", "D4", "Q8", "A4", "Dic3", "S3xZ3", "Z2xS3", "SmallGroup(16,6)", "SmallGroup(24,3)", "S4"]


def _draw(data, n, k=1):
    return [data.draw(st.integers(0, n - 1)) for _ in range(k)]


@FAST
@given(st.sampled_from(HYP), st.data())
def test_property_group_axioms(spec, data):
    G = parse_group(spec)
    T, n, e = np.asarray(G.cayley_table()), G.order, G.identity
    g, h, k = _draw(data, n, 3)
    assert T[T[g, h], k] == T[g, T[h, k]]
    assert T[e, g] == g == T[g, e]
    assert T[g, G.inverse(g)] == e == T[G.inverse(g), g]
    assert G.multiply(g, h) == T[g, h]
    # the class of g is closed under conjugation and its members have the same order
    c = G.conjugacy_classes()[int(G.class_index()[g])]
    conj = int(T[T[h, g], G.inverse(h)])
    assert g in c and conj in c and G.element_orders()[conj] == G.element_orders()[g]


@FAST
@given(st.sampled_from(HYP), st.data())
def test_property_representations(spec, data):
    G = parse_group(spec)
    T, inv = np.asarray(G.cayley_table()), np.asarray(G.inverse_table())
    g, h = _draw(data, G.order, 2)
    for r in G.irreps():
        M = r.matrices
        np.testing.assert_allclose(M[T[g, h]], M[g] @ M[h], atol=TOL)
        np.testing.assert_allclose(M[inv[g]], M[g].conj().T, atol=TOL)
        np.testing.assert_allclose(np.trace(M[T[T[h, g], inv[h]]]), np.trace(M[g]), atol=TOL)
    for s in G.real_irreps():
        M = s.matrices
        np.testing.assert_allclose(M[T[g, h]], M[g] @ M[h], atol=TOL)
        np.testing.assert_allclose(M[inv[g]], M[g].T, atol=TOL)


def _function(data, n):
    return np.array(data.draw(st.lists(st.floats(-8, 8, allow_nan=False), min_size=n, max_size=n)))


@FAST
@given(st.sampled_from(HYP), st.data())
def test_property_fourier(spec, data):
    G = parse_group(spec)
    n, T = G.order, np.asarray(G.cayley_table())
    f, y = _function(data, n), _function(data, n)
    (h,) = _draw(data, n)
    fhat = G.fourier(f)
    np.testing.assert_allclose(G.ifourier(fhat).real, f, atol=TOL * 64)
    np.testing.assert_allclose(G.real_ifourier(G.real_fourier(f)), f, atol=TOL * 64)
    # a delta: δ_h^(ρ) = ρ(h); a left translate (L_h f)(g) = f(h⁻¹g): (L_h f)^(ρ) = ρ(h) f̂(ρ)
    delta = np.zeros(n)
    delta[h] = 1.0
    moved = f[np.asarray(G.cayley_table())[G.inverse(h)]]
    for r, dh, mh, fr in zip(G.irreps(), G.fourier(delta), G.fourier(moved), fhat):
        np.testing.assert_allclose(dh, r.matrices[h], atol=TOL)
        np.testing.assert_allclose(mh, r.matrices[h] @ fr, atol=TOL * 64)
    # convolution by the explicit double sum
    conv = np.zeros(n)
    for a in range(n):
        for b in range(n):
            conv[T[a, b]] += f[a] * y[b]
    for c, a, b in zip(G.real_fourier(conv), G.real_fourier(f), G.real_fourier(y)):
        np.testing.assert_allclose(c, a @ b, atol=TOL * 64 * n)
    # torch, batched along axis 0
    ft = torch.tensor(np.stack([f, y], axis=1))
    back = G.real_ifourier(G.real_fourier(ft, axis=0), axis=0)
    assert isinstance(back, torch.Tensor) and back.dtype == torch.float64
    np.testing.assert_allclose(back.numpy(), np.stack([f, y], axis=1), atol=TOL * 64)


# ---------------------------------------------------------------------------------------------
# Abelian groups: characters in dual order, real irreducibles trivial + orbits
# ---------------------------------------------------------------------------------------------
def _coords(moduli, i):
    out = []
    for m in moduli:
        out.append(i % m)
        i //= m
    return out


@pytest.mark.parametrize("spec", ["Z2", "Z5", "Z8", "Z2xZ4", "Z3xZ6", "Z2xZ2xZ2", "Z12"])
def test_abelian_irreps_are_the_characters(spec):
    G = parse_group(spec)
    assert isinstance(G, FiniteAbelianGroup)
    moduli, n = G.moduli, G.order
    C = [_coords(moduli, i) for i in range(n)]
    X = np.array([[np.exp(2j * np.pi * sum(a * b / m for a, b, m in zip(C[k], C[g], moduli))) for g in range(n)]
                  for k in range(n)])
    neg = [sum(((-c) % m) * math.prod(moduli[:t]) for t, (c, m) in enumerate(zip(C[k], moduli))) for k in range(n)]
    irreps = G.irreps()
    assert [r.dim for r in irreps] == [1] * n
    for k, r in enumerate(irreps):
        np.testing.assert_allclose(r.matrices[:, 0, 0], X[k], atol=1e-12)
        np.testing.assert_allclose(r.matrices[:, 0, 0], G.character_table()[k], atol=1e-12)
        assert r.indicator == (1 if neg[k] == k else 0)
    reals = G.real_irreps()
    orbits = [(k, neg[k]) for k in range(1, n) if k <= neg[k]]
    assert [(o.k, o.neg) for o in G.orbits()] == orbits
    assert len(reals) == 1 + len(orbits) and reals[0].size == 1 and np.allclose(reals[0].matrices, 1)
    for s, (k, nk) in zip(reals[1:], orbits):
        c, si = X[k].real, X[k].imag
        if k == nk:
            assert (s.kind, s.size, tuple(s.complex)) == ("R", 1, (k,))
            np.testing.assert_allclose(s.matrices[:, 0, 0], c, atol=1e-12)
        else:
            assert (s.kind, s.size, tuple(s.complex)) == ("C", 2, (k, nk))
            rot = np.stack([np.stack([c, -si], -1), np.stack([si, c], -1)], -2)
            np.testing.assert_allclose(s.matrices, rot, atol=1e-12)
        assert all(irreps[j].real == s.index for j in s.complex)


def test_abelian_and_general_fourier_agree_on_cyclic_groups():
    """Z6 as a FiniteAbelianGroup and as SmallGroup(6,2) (its table): same Plancherel, same
    block sizes, and the Abelian matrix transform is the character sum."""
    G = parse_group("Z6")
    f = np.arange(6.0) ** 2
    X = G.character_table()
    for k, b in enumerate(G.fourier(f)):
        assert b.shape == (1, 1)
        np.testing.assert_allclose(b[0, 0], (f * X[k]).sum(), atol=1e-12)
    H = parse_group("SmallGroup(6,2)")
    assert H.is_abelian and not isinstance(H, FiniteAbelianGroup)
    assert sorted((s.kind, s.size) for s in H.real_irreps()) == sorted((s.kind, s.size) for s in G.real_irreps())


# ---------------------------------------------------------------------------------------------
# parse_group
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "spec, canonical, order",
    [("S3", "S3", 6), ("s4", "S4", 24), ("S5", "S5", 120), ("A4", "A4", 12), ("a5", "A5", 60),
     ("D3", "D3", 6), ("d12", "D12", 24), ("Dic3", "Dic3", 12), ("DIC8", "Dic8", 32), ("Q8", "Q8", 8),
     ("q8", "Q8", 8), ("Dic2", "Q8", 8), ("SmallGroup(16,3)", "SmallGroup(16,3)", 16),
     ("smallgroup( 8 , 3 )", "SmallGroup(8,3)", 8), ("SmallGroup(64,267)", "SmallGroup(64,267)", 64),
     ("S3xZ3", "S3xZ3", 18), (" s3 × z3 ", "S3xZ3", 18), ("Q8xZ2", "Q8xZ2", 16), ("Z2xS3", "Z2xS3", 12),
     ("Dic2x2", "Q8xZ2", 16), ("SmallGroup(8,3)xZ2", "SmallGroup(8,3)xZ2", 16), ("S3xS3", "S3xS3", 36)],
)
def test_parse_named_groups(spec, canonical, order):
    G = parse_group(spec)
    assert G.spec == canonical and G.order == order and not isinstance(G, FiniteAbelianGroup)
    assert parse_group(G.spec) == G and parse_group(G.spec) is G and parse_group(G) is G
    assert repr(G) == f"parse_group({canonical!r})" and str(G) == canonical


def test_q8_is_dic2():
    assert parse_group("Q8") is parse_group("Dic2") is parse_group("q8")
    G = parse_group("Q8")
    assert sorted([r.dim, r.indicator] for r in G.irreps())[-1] == [2, -1]  # quaternionic
    assert [(s.size, s.kind) for s in G.real_irreps()][-1] == (4, "H")


@pytest.mark.parametrize("spec", ["S3", "Q8", "D5", "A4", "SmallGroup(8,3)", "SmallGroup(32,51)", "S3xZ3", "Z2"])
def test_pickle_and_copy_give_the_cached_instance(spec):
    G = parse_group(spec)
    G.irreps()  # a filled cache does not travel
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        assert pickle.loads(pickle.dumps(G, protocol=protocol)) is G
    assert copy.deepcopy(G) is G and copy.copy(G) is G


def test_table_group_from_table():
    T = ref_dihedral(4)
    G = TableGroup.from_table(T, name="my D4")
    assert G.order == 8 and G.spec == "my D4" and G.source == "table"
    assert np.array_equal(G.cayley_table(), parse_group("D4").cayley_table())
    assert G == TableGroup.from_table(T.tolist(), name="my D4") and G != parse_group("D4")
    H = pickle.loads(pickle.dumps(G))
    assert H == G and H is not G
    check_group_axioms(G)
    with pytest.raises(ValueError, match="not associative"):
        TableGroup.from_table(_loop5())


BAD = {
    "Foo3": r"'foo3' is not a group",
    "Z2xFoo": r"'foo' is not a group",
    "SmallGroup(16,15)": r"there are 14 groups of order 16",
    "SmallGroup(16,0)": r"there are 14 groups of order 16",
    "SmallGroup(96,1)": r"shipped up to order 64.*as a file",
    "SmallGroup(0,1)": r"no group of order 0",
    "S7": r"S3 … S6",
    "S2": r"S2 is Z2",
    "A3": r"A3 is Z3",
    "A7": r"A4 … A6",
    "D2": r"D2 is Z2xZ2",
    "Dic1": r"Dic1",
    "Q16": r"Dicn",
    "S6xS6": r"exceeds the supported 1024",
    "S3xx3": r"empty factor 2",
}


@pytest.mark.parametrize("spec", list(BAD))
def test_parse_refusals_are_one_line(spec):
    with pytest.raises(GroupSpecError, match=BAD[spec]) as info:
        parse_group(spec)
    assert len(str(info.value).splitlines()) == 1 and spec in str(info.value)


# messages of the Abelian parser before any finite group was added (the same strings, verbatim)
ABELIAN_MESSAGES = {
    "Z0": "group spec 'Z0': factor 'z0' has order 0",
    "Z1": "group spec 'Z1': factor 'z1' is trivial (Z_1 is not allowed)",
    "Z-3": "group spec 'Z-3': factor 'z-3' has a negative order",
    "": "empty group spec; expected e.g. 'Z23' or 'Z2xZ3xZ4'",
    " ": "empty group spec; expected e.g. 'Z23' or 'Z2xZ3xZ4'",
    "x": "group spec 'x': empty factor 1 (expected e.g. 'Z2xZ3')",
    "Z2xx3": "group spec 'Z2xx3': empty factor 2 (expected e.g. 'Z2xZ3')",
    "Z2x": "group spec 'Z2x': empty factor 2 (expected e.g. 'Z2xZ3')",
    "2x1": "group spec '2x1': factor '1' is trivial (Z_1 is not allowed)",
    "Z2xZ-3": "group spec 'Z2xZ-3': factor 'z-3' has a negative order",
    "٣": "group spec '٣': factor '٣' has a non-ASCII digit (write 0-9)",
    "Z100000x100000": "group spec 'Z100000x100000': order 10000000000 exceeds the supported 10000000",
}


@pytest.mark.parametrize("spec", list(ABELIAN_MESSAGES))
def test_abelian_refusals_unchanged(spec):
    with pytest.raises(GroupSpecError) as info:
        parse_group(spec)
    assert str(info.value) == ABELIAN_MESSAGES[spec]


@pytest.mark.parametrize("spec, moduli", [("Z23", (23,)), ("23", (23,)), ("z2xz3xz4", (2, 3, 4)), ("2x3x4", (2, 3, 4)),
                                          (" Z2 x Z2 ", (2, 2)), (12, (12,)), ("Z007", (7,))])
def test_abelian_specs_unchanged(spec, moduli):
    G = parse_group(spec)
    assert isinstance(G, FiniteAbelianGroup) and G.moduli == moduli and G.identity == 0
    assert G.spec == "x".join(f"Z{m}" for m in moduli) and parse_group(G.spec) is G
    assert G.is_abelian and len(G.conjugacy_classes()) == G.order


# ---------------------------------------------------------------------------------------------
# docs/groups.md
# ---------------------------------------------------------------------------------------------
def test_the_groups_page_runs(tmp_path, monkeypatch):
    """docs/groups.md's Python blocks run in order, in one namespace, and write nothing."""
    monkeypatch.chdir(tmp_path)
    text = (ROOT / "docs" / "groups.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)
    assert blocks
    namespace: dict = {}
    for i, code in enumerate(blocks):
        exec(compile(code, f"docs/groups.md block {i + 1}", "exec"), namespace)  # noqa: S102
    assert not any(tmp_path.iterdir())


def test_the_groups_page_example_file_is_s3(tmp_path):
    """The table-file example of docs/groups.md (1-based) is S3 in its documented numbering."""
    text = (ROOT / "docs" / "groups.md").read_text(encoding="utf-8")
    (example,) = re.findall(r"^```json\n(.*?)^```", text, flags=re.S | re.M)
    path = tmp_path / "s3.json"
    path.write_text(example, encoding="utf-8")
    G = parse_group(str(path))
    assert np.array_equal(G.cayley_table(), ref_symmetric(3))
    assert json.loads(example)["index_base"] == 1
