"""Tests of groups/ against docs/mathematics.md#groups-and-elements, docs/mathematics.md#characters-and-the-fourier-transform, and of the ``cogs groups`` command.

Expected values are computed here by independent means (our own mixed-radix decoding, the
defining formula χ_k(g) = exp(2πi Σ_t k_t g_t / n_t), explicit sums, gcd counts), never read
back from the code under test.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from groups.testing import check_group_axioms as public_check_group_axioms
from groups import (
    CyclicGroup,
    FiniteAbelianGroup,
    GroupSpecError,
    Orbit,
    ProductGroup,
    cyclic,
    dft,
    from_moduli,
    idft,
    parse_group,
    product,
)

FAST = settings(max_examples=25, deadline=None)


# ---------------------------------------------------------------------------------------
# independent reference implementations (docs/mathematics.md#groups-and-elements, docs/mathematics.md#characters-and-the-fourier-transform)
# ---------------------------------------------------------------------------------------
def ref_coords(moduli, i):
    """Mixed radix, first factor least significant: i = g1 + n1 g2 + n1 n2 g3 + …"""
    out = []
    for n in moduli:
        out.append(i % n)
        i //= n
    return tuple(out)


def ref_index(moduli, g):
    idx, radix = 0, 1
    for gt, n in zip(g, moduli):
        idx += radix * (gt % n)
        radix *= n
    return idx


def ref_characters(moduli):
    """X[k, g] = exp(2πi Σ_t k_t g_t / n_t), straight from the definition."""
    d = math.prod(moduli)
    cs = [ref_coords(moduli, i) for i in range(d)]
    X = np.empty((d, d), dtype=complex)
    for k in range(d):
        for g in range(d):
            X[k, g] = np.exp(2j * np.pi * sum(a * b / n for a, b, n in zip(cs[k], cs[g], moduli)))
    return X


def ref_neg(moduli, k):
    return ref_index(moduli, tuple(-c for c in ref_coords(moduli, k)))


# ---------------------------------------------------------------------------------------
# every group kind
# ---------------------------------------------------------------------------------------
GROUPS = {
    "Z2": cyclic(2),
    "Z7 (odd)": cyclic(7),
    "Z8 (even)": cyclic(8),
    "Z12": parse_group("Z12"),
    "Z2xZ3": product(2, 3),
    "Z2xZ2": product(cyclic(2), cyclic(2)),
    "Z2^4": product(*[2] * 4),
    "Z2xZ4": parse_group("Z2xZ4"),
    "Z3xZ6": parse_group("3x6"),
    "Z2x(Z3xZ4)": product(cyclic(2), product(cyclic(3), cyclic(4))),
    "(Z2xZ2)x(Z3xZ5)": product(product(2, 2), product(3, 5)),
    "Z5xZ5": parse_group("Z5xZ5"),
}

moduli_lists = st.lists(st.integers(2, 7), min_size=1, max_size=3).filter(lambda m: math.prod(m) <= 64)


def check_group_axioms(G: FiniteAbelianGroup) -> None:
    """The public checker (groups.testing), and the table against coordinates written here
    from docs/mathematics.md#groups-and-elements, independently of the group's own coords."""
    public_check_group_axioms(G)
    d, moduli = G.order, G.moduli
    T, neg = np.asarray(G.cayley_table()), np.asarray(G.neg_table())
    for i in range(d):
        for j in range(0, d, max(1, d // 7)):
            gi, gj = ref_coords(moduli, i), ref_coords(moduli, j)
            assert T[i, j] == ref_index(moduli, tuple(a + b for a, b in zip(gi, gj)))
        assert neg[i] == ref_neg(moduli, i)


@pytest.mark.parametrize("name", list(GROUPS))
def test_group_axioms(name):
    check_group_axioms(GROUPS[name])


@FAST
@given(moduli_lists)
def test_group_axioms_random(moduli):
    check_group_axioms(from_moduli(tuple(moduli)))


def test_check_group_axioms_can_fail():
    class Skewed(FiniteAbelianGroup):  # a table that is not a group table
        def _moduli(self):
            return (3,)

        def cayley_table(self):
            return np.array([[0, 1, 2], [1, 2, 0], [2, 2, 1]])

    with pytest.raises(AssertionError, match="associativity|commutativity|inverses|latin square"):
        check_group_axioms(Skewed())


def test_flattening_and_caching():
    assert product(cyclic(2), product(cyclic(3), cyclic(4))) == parse_group("Z2xZ3xZ4")
    assert product(product(2, 3), 4).moduli == (2, 3, 4)
    assert product(5) is cyclic(5)
    assert cyclic(5) is cyclic(5) and parse_group("Z5") is cyclic(5)
    assert isinstance(parse_group("Z6"), CyclicGroup)
    assert isinstance(parse_group("Z2xZ3"), ProductGroup)
    assert parse_group("Z2xZ3") != parse_group("Z6")  # same up to isomorphism only
    assert parse_group(parse_group("Z2xZ3").spec) == parse_group("Z2xZ3")
    assert {parse_group("Z2xZ3"), product(2, 3)} == {product(2, 3)}
    with pytest.raises(AttributeError):
        cyclic(5).foo = 1
    for bad in (1, 0, -2, True, 2.0):
        with pytest.raises((ValueError, TypeError)):
            cyclic(bad)
    with pytest.raises(TypeError):
        product(2, "3")


# ---------------------------------------------------------------------------------------
# indexing (docs/mathematics.md#groups-and-elements)
# ---------------------------------------------------------------------------------------
def test_mixed_radix_example():
    G = parse_group("Z2xZ3xZ4")
    assert G.index((1, 2, 3)) == 1 + 2 * 2 + 2 * 3 * 3 == 23
    assert tuple(G.coords(23)) == (1, 2, 3)
    assert tuple(G.coords(1)) == (1, 0, 0) and tuple(G.coords(2)) == (0, 1, 0)
    assert tuple(G.coords(6)) == (0, 0, 1)
    assert G.index((3, 5, 4)) == G.index((1, 2, 0))  # coordinates reduced mod n_t
    with pytest.raises(IndexError):
        G.coords(24)
    with pytest.raises(IndexError):
        G.coords(-1)
    with pytest.raises(ValueError):
        G.index((1, 2))


@FAST
@given(moduli_lists)
def test_index_coords_round_trip(moduli):
    G = from_moduli(tuple(moduli))
    d = G.order
    E = np.asarray(G.elements())
    assert E.shape == (d, len(moduli))
    for i in range(d):
        assert tuple(int(c) for c in E[i]) == ref_coords(moduli, i)
    assert np.array_equal(G.index(G.coords(np.arange(d))), np.arange(d))
    assert np.array_equal(G.coords(np.arange(d).reshape(-1, 1)).shape, (d, 1, len(moduli)))
    assert np.array_equal(G.add(np.arange(d), G.neg(np.arange(d))), np.zeros(d))
    assert np.array_equal(G.sub(np.arange(d), np.arange(d)), np.zeros(d))


# ---------------------------------------------------------------------------------------
# invariant factors and isomorphism
# ---------------------------------------------------------------------------------------
def _divisors(n):
    return [m for m in range(1, n + 1) if n % m == 0]


@FAST
@given(moduli_lists)
def test_invariant_factors(moduli):
    G = from_moduli(tuple(moduli))
    f = G.invariant_factors()
    assert all(isinstance(x, int) and x > 1 for x in f)
    assert list(f) == sorted(f)
    assert all(b % a == 0 for a, b in zip(f, f[1:]))
    assert math.prod(f) == G.order
    exponent = math.lcm(*moduli)
    assert f[-1] == exponent
    orders = np.asarray(G.element_orders())
    # independent element orders: lcm over t of n_t / gcd(g_t, n_t)
    for i in range(G.order):
        g = ref_coords(moduli, i)
        assert orders[i] == math.lcm(*(n // math.gcd(gt, n) for gt, n in zip(g, moduli)))
    for m in _divisors(exponent):
        # #{g : m g = 0} = Π_t gcd(m, n_t) = Π_i gcd(m, f_i)
        count = math.prod(math.gcd(m, n) for n in moduli)
        assert count == math.prod(math.gcd(m, x) for x in f)
        assert count == int(np.sum(m % orders == 0))
    assert G.summary()["exponent"] == exponent


def test_isomorphisms():
    iso = lambda a, b: parse_group(a).is_isomorphic(parse_group(b))  # noqa: E731
    assert iso("Z2xZ3", "Z6")
    assert not iso("Z2xZ2", "Z4")
    assert iso("Z4xZ6", "Z2xZ12")
    assert iso("Z3xZ4xZ5", "Z60")
    assert not iso("Z2xZ2xZ2", "Z2xZ4")
    assert not iso("Z9", "Z3xZ3")
    assert parse_group("Z4xZ6").invariant_factors() == (2, 12)
    assert parse_group("Z2xZ2xZ3xZ3").invariant_factors() == (6, 6)
    assert parse_group("Z7").invariant_factors() == (7,)


# ---------------------------------------------------------------------------------------
# characters and orbits (docs/mathematics.md#characters-and-the-fourier-transform)
# ---------------------------------------------------------------------------------------
def check_characters(G):
    d, moduli = G.order, G.moduli
    X = np.asarray(G.character_table())
    T, neg = np.asarray(G.cayley_table()), np.asarray(G.neg_table())
    assert X.shape == (d, d) and X.dtype == np.complex128
    np.testing.assert_allclose(X, ref_characters(moduli), atol=1e-12)
    assert G.dual().order == d
    for k in range(d):
        np.testing.assert_allclose(G.character(k), X[k], atol=0)
    # χ_k χ_l = χ_{k+l}
    for k in range(d):
        np.testing.assert_allclose(X[k][None, :] * X, X[T[k]], atol=1e-12)
    # conj χ_k = χ_{−k}
    np.testing.assert_allclose(X.conj(), X[neg], atol=1e-12)
    # orthogonality X X^H = d I
    np.testing.assert_allclose(X @ X.conj().T, d * np.eye(d), atol=1e-10)
    # real iff 2k = 0, and then its values are exactly real (±1)
    for k in range(d):
        two_k_zero = ref_index(moduli, tuple(2 * c for c in ref_coords(moduli, k))) == 0
        assert G.is_real_character(k) == two_k_zero
        if two_k_zero:
            assert np.all(X[k].imag == 0) and set(np.unique(X[k].real)) <= {-1.0, 1.0}
        else:
            assert np.max(np.abs(X[k].imag)) > 1e-3
    # orbits partition Ĝ∖{0}
    orbits = G.orbits()
    members = [m for o in orbits for m in o.members]
    assert sorted(members) == list(range(1, d))
    for o in orbits:
        assert isinstance(o, Orbit)
        assert o.neg == ref_neg(moduli, o.k) and o.k <= o.neg
        assert o.is_real == (o.k == o.neg) == G.is_real_character(o.k)
        assert G.orbit_of(o.neg) == o and G.orbit_of(o.k) == o
    assert [o.k for o in orbits] == sorted(o.k for o in orbits)
    n_real = math.prod(math.gcd(2, n) for n in moduli) - 1  # #{k ≠ 0 : 2k = 0}
    assert len(G.real_orbits()) == n_real
    assert 2 * len(G.complex_orbits()) + len(G.real_orbits()) == d - 1
    s = G.summary()
    assert s["complex_orbits"] == (d - 1 - n_real) // 2 and s["real_characters"] == n_real
    with pytest.raises(ValueError):
        G.orbit_of(0)


@pytest.mark.parametrize("name", list(GROUPS))
def test_characters(name):
    check_characters(GROUPS[name])


@FAST
@given(moduli_lists)
def test_characters_random(moduli):
    check_characters(from_moduli(tuple(moduli)))


def test_odd_cyclic_has_no_real_character():
    G = cyclic(23)
    assert len(G.real_orbits()) == 0 and len(G.complex_orbits()) == 11
    assert G.orbits()[0] == Orbit(1, 22)


# ---------------------------------------------------------------------------------------
# Fourier transform (docs/mathematics.md#characters-and-the-fourier-transform)
# ---------------------------------------------------------------------------------------
def ref_dft(moduli, x, sign):
    """(1/d) Σ_g x[..., g] χ_k(g)^{sign} along the last axis."""
    X = ref_characters(moduli)
    K = X.conj() if sign == -1 else X
    return np.asarray(x) @ K.T / math.prod(moduli)


def ref_idft(moduli, xhat, sign):
    """Σ_k x̂[..., k] χ_k(g)^{−sign}."""
    X = ref_characters(moduli)
    K = X if sign == -1 else X.conj()
    return np.asarray(xhat) @ K


def _random(rng, shape, complex_):
    x = rng.standard_normal(shape)
    if complex_:
        x = x + 1j * rng.standard_normal(shape)
    return x


@pytest.mark.parametrize("name", ["Z7 (odd)", "Z8 (even)", "Z2x(Z3xZ4)", "Z2^4", "Z3xZ6"])
@pytest.mark.parametrize("sign", [-1, 1])
@pytest.mark.parametrize("complex_", [False, True])
def test_dft_matches_explicit_sum(name, sign, complex_):
    G = GROUPS[name]
    d = G.order
    rng = np.random.default_rng(d + sign)
    x = _random(rng, (3, 2, d), complex_)
    want = ref_dft(G.moduli, x, sign)
    for got in (G.dft(x, sign=sign), dft(G, x, sign=sign)):
        assert got.shape == x.shape
        np.testing.assert_allclose(got, want, atol=1e-12)
    back = G.idft(want, sign=sign)
    np.testing.assert_allclose(back, ref_idft(G.moduli, want, sign), atol=1e-12)
    np.testing.assert_allclose(back, x, atol=1e-12)
    np.testing.assert_allclose(idft(G, want, sign=sign), x, atol=1e-12)
    # the same with the character table the group itself exposes
    Xg = np.asarray(G.character_table())
    K = Xg.conj() if sign == -1 else Xg
    np.testing.assert_allclose(G.dft(x, sign=sign), x @ K.T / d, atol=1e-12)


@pytest.mark.parametrize("name", ["Z8 (even)", "Z2x(Z3xZ4)", "(Z2xZ2)x(Z3xZ5)"])
@pytest.mark.parametrize("sign", [-1, 1])
def test_dft_along_other_axes_numpy_and_torch(name, sign):
    G = GROUPS[name]
    d = G.order
    rng = np.random.default_rng(0)
    for axis in (0, 1, -2):
        shape = [2, 3, 4]
        shape[axis] = d
        x = _random(rng, tuple(shape), True)
        want = np.moveaxis(ref_dft(G.moduli, np.moveaxis(x, axis, -1), sign), -1, axis)
        got = G.dft(x, axis=axis, sign=sign)
        np.testing.assert_allclose(got, want, atol=1e-12)
        np.testing.assert_allclose(G.idft(got, axis=axis, sign=sign), x, atol=1e-12)
        for t in (torch.from_numpy(x), torch.from_numpy(x.real.copy())):
            tw = G.dft(t, axis=axis, sign=sign)
            assert isinstance(tw, torch.Tensor) and tw.dtype == torch.complex128
            ref = want if t.is_complex() else np.moveaxis(
                ref_dft(G.moduli, np.moveaxis(x.real, axis, -1), sign), -1, axis)
            np.testing.assert_allclose(tw.numpy(), ref, atol=1e-12)
            back = G.idft(tw, axis=axis, sign=sign)
            assert isinstance(back, torch.Tensor)
            np.testing.assert_allclose(back.numpy(), t.numpy(), atol=1e-12)


def test_dft_rejects_bad_input():
    G = parse_group("Z2xZ3")
    with pytest.raises(ValueError):
        G.dft(np.zeros(5))
    with pytest.raises(ValueError):
        G.dft(np.zeros(6), sign=2)
    with pytest.raises(ValueError):
        G.dft(np.zeros((6, 4)), axis=-1)
    with pytest.raises(ValueError):  # out-of-range axis must not wrap around to axis 0
        G.dft(np.zeros((6, 6)), axis=2)
    with pytest.raises(ValueError):
        G.dft(torch.zeros(6, 6), axis=-3)
    with pytest.raises(ValueError):
        G.dft(np.float64(1.0))


def test_dft_integer_input_in_double_precision():
    G = parse_group("Z2xZ3")
    want = ref_dft(G.moduli, np.arange(6.0), -1)
    for x in (np.arange(6), torch.arange(6)):
        got = G.dft(x)
        got = got.numpy() if isinstance(got, torch.Tensor) else got
        assert got.dtype == np.complex128
        np.testing.assert_allclose(got, want, atol=1e-12)
    np.testing.assert_allclose(G.dft([0, 1, 2, 3, 4, 5]), want, atol=1e-12)


@FAST
@given(moduli_lists, st.integers(0, 2**32 - 1), st.sampled_from([-1, 1]), st.booleans())
def test_fourier_random(moduli, seed, sign, use_torch):
    G = from_moduli(tuple(moduli))
    d = G.order
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((2, d))  # real input
    xin = torch.from_numpy(x) if use_torch else x
    xhat = G.dft(xin, sign=sign)
    xhat_np = xhat.numpy() if use_torch else xhat
    np.testing.assert_allclose(xhat_np, ref_dft(moduli, x, sign), atol=1e-12)
    # real input ⇔ conjugate-symmetric coefficients X[−k] = conj X[k]
    negk = [ref_neg(moduli, k) for k in range(d)]
    np.testing.assert_allclose(xhat_np[:, negk], xhat_np.conj(), atol=1e-12)
    back = G.idft(xhat, sign=sign)
    back_np = back.numpy() if use_torch else back
    np.testing.assert_allclose(back_np, x, atol=1e-12)
    assert np.max(np.abs(back_np.imag)) <= 1e-12


# ---------------------------------------------------------------------------------------
# parse_group
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "spec, moduli",
    [("Z23", (23,)), ("23", (23,)), ("z2xz3xz4", (2, 3, 4)), ("2x3x4", (2, 3, 4)),
     ("Z2xZ3xZ4", (2, 3, 4)), (" Z2 x Z2 ", (2, 2)), (12, (12,))],
)
def test_parse_good(spec, moduli):
    G = parse_group(spec)
    assert G.moduli == moduli and G.order == math.prod(moduli)
    assert parse_group(G.spec) == G and parse_group(G) is G


BAD_GROUP_STRINGS = {
    "Z0": r"order 0",
    "Z-3": r"negative",
    "banana": r"banana",
    "Z2xx3": r"empty factor",
    "": r"empty",
    "Z1": r"Z_1|trivial",
    "Zx3": r"'z'",
}


@pytest.mark.parametrize("spec", list(BAD_GROUP_STRINGS))
def test_parse_bad(spec):
    with pytest.raises(GroupSpecError, match=BAD_GROUP_STRINGS[spec]):
        parse_group(spec)
    assert issubclass(GroupSpecError, ValueError)


def test_parse_huge_order():
    with pytest.raises(GroupSpecError, match="exceeds"):
        parse_group("Z" + "9" * 5000)  # not a bare ValueError from int()
    with pytest.raises(GroupSpecError, match="exceeds"):
        parse_group("Z100000x100000")
    assert parse_group("Z007") == cyclic(7)


def test_parse_bad_types():
    with pytest.raises(GroupSpecError):
        parse_group(None)
    with pytest.raises(GroupSpecError):
        parse_group(2.5)


# ---------------------------------------------------------------------------------------
# the `cogs groups` command
# ---------------------------------------------------------------------------------------
def _cogs() -> list[str]:
    exe = Path(sys.executable).parent / "cogs"
    if exe.exists():
        return [str(exe)]
    found = shutil.which("cogs")
    if found:
        return [found]
    return [sys.executable, "-m", "cogs.cli.main"]


def _env():
    env = dict(os.environ)
    env.pop("PYTHONWARNINGS", None)
    return env


def test_cli_groups_json():
    r = subprocess.run(_cogs() + ["groups", "Z2xZ3xZ4", "--json"], capture_output=True,
                       text=True, timeout=120, env=_env())
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    assert s["order"] == 24
    assert s["invariant_factors"] == [2, 12]
    assert s["complex_orbits"] == 10  # (24 − 1 − 3) / 2
    assert s["real_characters"] == 3  # #{k ≠ 0 : 2k = 0} = 2·1·2 − 1
    assert len(s["orbits"]) == 13
    assert {o["kind"] for o in s["orbits"]} == {"real", "complex"}


@pytest.mark.parametrize("spec", list(BAD_GROUP_STRINGS))
def test_cli_main_bad_spec_one_line(spec, capsys):
    # in-process through the console script's entry point (fast); the installed script
    # itself is exercised below
    from cogs.cli.main import main

    rc = main(["groups", spec])
    out, err = capsys.readouterr()
    assert rc != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "error" in lines[0].lower(), err
    assert "Traceback" not in err + out


def test_cli_script_bad_specs_and_help():
    # the installed console script, invocations run concurrently (each start imports torch)
    run = lambda *a: subprocess.Popen(_cogs() + ["groups", *a], stdout=subprocess.PIPE,  # noqa: E731
                                      stderr=subprocess.PIPE, text=True, env=_env())
    procs = {spec: run(spec) for spec in ("Z0", "banana")}
    helper = run("--help")
    for spec, p in procs.items():
        out, err = p.communicate(timeout=120)
        assert p.returncode != 0, spec
        assert "Traceback" not in err and "Traceback" not in out, (spec, err)
        lines = err.strip().splitlines()
        assert len(lines) == 1, (spec, err)
        assert "error" in lines[0].lower()
    out, err = helper.communicate(timeout=120)
    assert helper.returncode == 0, err
    assert "spec" in out.lower() and "--json" in out


def test_cli_main_text_output(capsys):
    from cogs.cli.main import main

    assert main(["groups", "z2xz4", "--orbits"]) == 0
    out = capsys.readouterr().out
    assert "Z2xZ4" in out and "complex orbits" in out
    # Z2xZ4: 3 real characters, (8 − 1 − 3)/2 = 2 complex orbits
    assert "real characters    3" in out and "complex orbits     2" in out


@pytest.mark.parametrize("spec", ["Z2", "Z12", "Z2xZ4", "Z3xZ3xZ5"])
def test_groups_pickle_and_copy_as_the_cached_instance(spec):
    """Groups are immutable and cached: pickle and copy give the very same object back (the
    default protocol would set attributes, which an immutable group refuses)."""
    import copy
    import pickle

    G = parse_group(spec)
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        assert pickle.loads(pickle.dumps(G, protocol=protocol)) is G
    assert copy.deepcopy(G) is G and copy.copy(G) is G
    assert copy.deepcopy({"g": [G, G]})["g"][1] is G
    G.cayley_table()  # a filled cache does not travel, nor change the answer
    assert pickle.loads(pickle.dumps(G)) is G
