"""Tests of cogs/sp/potentials.py and cogs/sp/families.py: sum potentials are homomorphisms
(docs/mathematics.md#sum-potentials), the partial-solution table of docs/solutions.md#partial-solutions, and the vectorised families agree with
the brute-force d³ tensor of all r_{k1k2k} and with the per-block SPs of a lifted block.

Block SP values used as expectations are computed here from node lists by plain products
(``_bsp``), never through the code under test; the relations between full and block SPs
are derived in the docstrings below.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from algebra import COMPLEX
from algebra.testing import check_homomorphism
from cogs.sp.families import families
from cogs.sp.potentials import (
    BLOCK_FAMILIES,
    BlockPotential,
    SumPotential,
    block_potentials,
    block_signature,
    r,
    r_p,
)
from groups import parse_group
from models.element import Block, BlockSemiring, NetworkSemiring

try:
    from helpers import OMEGA, add_table, sub_table
except ImportError:  # tests/ imported as a package
    from tests.helpers import OMEGA, add_table, sub_table

W = np.conj(OMEGA)
COMPLEX_SPS = ("abc", "a'bc", "ab'c", "abc'", "aa'c", "bb'c", "aac", "bbc", "a'a'c", "b'b'c")
REAL_SPS = ("abc", "aac", "bbc")


def _bsp(nodes_or_v, mono: str) -> complex:
    """Σ_j Π factors, from (3, q) values; ``mono`` like "a'bc" (independent of BlockPotential)."""
    v = np.asarray(nodes_or_v, dtype=complex)
    rows = {"a": v[0], "b": v[1], "c": v[2]}
    prod = np.ones(v.shape[1], dtype=complex)
    i = 0
    while i < len(mono):
        x = rows[mono[i]]
        if i + 1 < len(mono) and mono[i + 1] == "'":
            x = np.conj(x)
            i += 1
        prod = prod * x
        i += 1
    return complex(prod.sum())


def _canon(mono: str) -> str:
    return BlockPotential(mono).monomial


# ---------------------------------------------------------------------------------------
# homomorphisms
# ---------------------------------------------------------------------------------------
SP_GROUPS = ("Z5", "Z6", "Z8", "Z2xZ4", "Z3xZ3", "Z2xZ2xZ3")


@settings(max_examples=15, deadline=None)
@given(
    spec=st.sampled_from(SP_GROUPS),
    seed=st.integers(0, 2**32 - 1),
    kind=st.sampled_from(["r", "r_a", "r_b", "conj"]),
    data=st.data(),
)
def test_sum_potentials_are_homomorphisms(spec, seed, kind, data):
    G = parse_group(spec)
    d = G.order
    ks = [data.draw(st.integers(0, d - 1)) for _ in range(3)]
    if kind == "r":
        h = r(G, *ks)
    elif kind in ("r_a", "r_b"):
        h = r_p(G, kind[-1], *ks)
    else:
        flags = [data.draw(st.booleans()) for _ in range(3)]
        mono = " ".join(f"{p}[{k}]" + ("'" if f else "") for p, k, f in zip("abc", ks, flags))
        h = SumPotential(G, mono)
    S = NetworkSemiring(G)
    rng = np.random.default_rng(seed)
    xs = [S.random(q, rng=rng, scale=0.8) for q in (1, 2, 2)] + [S.random(2, rng=rng, real=True, scale=0.3)]
    check_homomorphism(h, xs, atol=1e-10)
    assert COMPLEX.isclose(h(S.one()), 1) and COMPLEX.isclose(h(S.zero()), 0)


def test_sum_potential_value_is_the_defining_sum():
    G = parse_group("Z2xZ4")
    x = NetworkSemiring(G).random(3, rng=np.random.default_rng(0))
    z = x.z
    got = SumPotential(G, "a[1]' b[5] c[3]'")(x)
    np.testing.assert_allclose(got, np.sum(np.conj(z[0, 1]) * z[1, 5] * np.conj(z[2, 3])), atol=1e-12)


def test_one_c_makes_sps_well_defined_under_merging():
    """Splitting a node's c row over two copies of its (a, b) is the same element (docs/mathematics.md#the-semi-ring-of-networks):
    every SP (one c factor) agrees on both representatives; a product with two c factors
    does not — which is why SumPotential insists on exactly one c."""
    G = parse_group("Z5")
    S = NetworkSemiring(G)
    rng = np.random.default_rng(3)
    x = S.random(2, rng=rng)
    z = np.concatenate([x.z, x.z[:, :, :1]], axis=2)
    c1 = rng.standard_normal(5) + 1j * rng.standard_normal(5)
    z[2, :, 0], z[2, :, 2] = c1, x.z[2, :, 0] - c1
    y = S.element(z)
    assert S.isclose(x, y)
    for mono in ("a[1] b[2] c[3]", "a[1]' a[4] c[2]'", "b[0] b[3] c[1]"):
        h = SumPotential(G, mono)
        assert abs(h(x) - h(y)) < 1e-12
    two_c = lambda e: complex(np.sum(e.z[0, 1] * e.z[2, 1] * e.z[2, 2]))  # noqa: E731
    assert abs(two_c(x) - two_c(y)) > 1e-6


def test_constants_map_to_s_or_conj_s():
    """r(ŝ) = s for an SP with unconjugated c, s̄ with c̄ (docs/solutions.md#global-solutions)."""
    G = parse_group("Z7")
    s = 0.3 - 1.7j
    sh = NetworkSemiring(G).constant(s)
    assert SumPotential(G, "a[1] b[2] c[3]")(sh) == pytest.approx(s)
    assert SumPotential(G, "a[1]' a[2] c[3]'")(sh) == pytest.approx(np.conj(s))
    assert BlockPotential("abc'")(BlockSemiring().constant(s)) == pytest.approx(np.conj(s))


@pytest.mark.parametrize("mono", ["a[1] b[2]", "a[1] b[2] c[1] c[2]", "c[1]' c[2]", "a[1]"])
def test_sum_potential_needs_exactly_one_c(mono):
    with pytest.raises(ValueError, match="exactly one c"):
        SumPotential(parse_group("Z5"), mono)


@pytest.mark.parametrize("mono", ["ab", "abcc", "ac'c"])
def test_block_potential_needs_exactly_one_c(mono):
    with pytest.raises(ValueError, match="exactly one c"):
        BlockPotential(mono)


@pytest.mark.parametrize("bad", ["a[1] x[2] c[3]", "a[9] b[1] c[1]", "a1 b1 c1"])
def test_sum_potential_refuses_bad_factors(bad):
    with pytest.raises(ValueError):
        SumPotential(parse_group("Z5"), bad)


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), mono=st.sampled_from(COMPLEX_SPS))
def test_block_potentials_are_homomorphisms(seed, mono):
    B = BlockSemiring("complex")
    rng = np.random.default_rng(seed)
    xs = [B.random(q, rng=rng) for q in (1, 2, 3)]
    check_homomorphism(BlockPotential(mono), xs, atol=1e-10)
    xr = [BlockSemiring("real").random(q, rng=rng) for q in (1, 2)]
    check_homomorphism(BlockPotential(mono.replace("'", ""), "real"), xr, atol=1e-10)


# ---------------------------------------------------------------------------------------
# the table of docs/solutions.md#partial-solutions
# ---------------------------------------------------------------------------------------
def _unit(rng):
    return np.exp(2j * np.pi * rng.random())


def _nu(rng):
    return (0.5 + rng.random()) * _unit(rng)


def _table(rng):
    """name -> (block, order, r_kkk, vanishing SPs), each built from the node list of §6."""
    nu, xi, eps = _nu(rng), _nu(rng), rng.choice([-1, 1])
    al, be = _unit(rng), _unit(rng)
    si = rng.choice([1j, -1j])
    rows = {
        "one": ([(1, 1, 1)], 1, 1, ()),
        "u_syn": ([(OMEGA, OMEGA, OMEGA)], 1, 1, ()),
        "z_syn": ([(1, 1, 1), (OMEGA, OMEGA, OMEGA), (W, W, W)], 3, 3,
                  tuple(s for s in COMPLEX_SPS if s not in ("abc", "aac", "bbc"))),
        "u_nu": ([(nu, -nu, -(nu**-2))], 1, 1, ()),
        "z_nu": ([(1, 1, 1), (nu, -nu, -(nu**-2))], 2, 2, ("aac", "bbc")),
        "z_nu_i": ([(1, 1, 1), (si, -si, -(si**-2))], 2, 2, ("a'bc", "ab'c", "aac", "bbc", "a'a'c", "b'b'c")),
        "u_xi": ([(xi, -1j * eps / xi, 1j * eps)], 1, 1, ()),
        "z_xi": ([(1, 1, 1), (xi, -1j * eps / xi, 1j * eps)], 2, 2, ("abc'",)),
        "z_syn_ab": ([(1, 1, 1), (al * OMEGA, np.conj(al) * OMEGA, OMEGA), (be * W, np.conj(be) * W, W)], 3, 3,
                     ("abc'", "aa'c", "bb'c")),
    }
    out = {n: (Block.from_nodes(nodes), o, rk, van) for n, (nodes, o, rk, van) in rows.items()}
    out["z_real"] = (Block.from_nodes([(1, 1, 1), (1, -1, -1)], kind="real"), 2, 2, ("aac", "bbc"))
    return out


NAMES = ("one", "u_syn", "z_syn", "u_nu", "z_nu", "z_nu_i", "u_xi", "z_xi", "z_syn_ab", "z_real")


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("name", NAMES)
def test_partial_solution_table(name, seed):
    block, order, rk, vanish = _table(np.random.default_rng(seed))[name]
    sps = REAL_SPS if block.kind == "real" else COMPLEX_SPS
    assert block.merged_order() == order
    assert abs(_bsp(block.v, "abc") - rk) < 1e-12
    for s in sps[1:]:
        val = _bsp(block.v, s)
        if s in vanish:
            assert abs(val) < 1e-12, (name, s, val)
        else:
            assert abs(val) > 1e-6, (name, s, val)  # generically non-zero
    sig = block_signature(block)
    assert abs(sig["r_kkk"] - rk) < 1e-12
    assert sorted(sig["vanishing"]) == sorted(_canon(s) for s in vanish)
    if name == "z_syn":
        assert abs(_bsp(block.v, "aac") - 3) < 1e-12 and abs(_bsp(block.v, "bbc") - 3) < 1e-12


def test_block_families_list_matches_spec():
    assert set(block_potentials("complex")) == {_canon(s) for s in COMPLEX_SPS}
    assert set(block_potentials("real")) == set(REAL_SPS)
    assert {_canon(s) for s in BLOCK_FAMILIES["complex"]["R_c"]} == {_canon(s) for s in ("a'bc", "ab'c", "abc'")}


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize(
    "left,right,rk,survivors",
    [
        ("z_nu", "z_syn", 6, ()),
        ("z_nu_i", "z_syn_ab", 6, ()),
        ("z_nu_i", "z_xi", 4, ("aa'c", "bb'c")),
    ],
)
def test_products_unite_zero_sets(left, right, rk, survivors, seed):
    t = _table(np.random.default_rng(seed))
    p = BlockSemiring("complex").mul(t[left][0], t[right][0])
    assert p.order == t[left][1] * t[right][1]
    assert abs(_bsp(p.v, "abc") - rk) < 1e-12
    for s in COMPLEX_SPS[1:]:
        val = _bsp(p.v, s)
        if s in survivors:
            assert abs(val) > 1e-6, (s, val)
        else:
            assert abs(val) < 1e-12, (s, val)


# ---------------------------------------------------------------------------------------
# families: against the d³ tensor, and against lifted blocks
# ---------------------------------------------------------------------------------------
def _reference_families(G, A, B, C):
    """Straight from docs/mathematics.md#sum-potentials with the full r tensors (numpy)."""
    neg = G.neg_table()
    T = sub_table(G)  # T[m, k'] = m − k'
    r3 = np.einsum("xj,yj,kj->xyk", A, B, C)
    ks = np.arange(G.order)
    rk = r3[ks, ks, ks]
    rc = (np.abs(r3) ** 2).sum((0, 1)) - np.abs(rk) ** 2
    out_s, rn = 0, 0
    for X in (A, B):
        rp = np.einsum("xj,yj,kj->xyk", X, X, C)
        rn = rn + np.array([sum(rp[kp, neg[kp], k] for kp in ks) for k in ks])
        S = np.array([[sum(rp[kp, T[m, kp], k] for kp in ks) for k in ks] for m in ks])  # (m, k)
        out_s = out_s + (np.abs(S[1:]) ** 2).sum(0)
    return rk, rc, rn, out_s


@pytest.mark.parametrize("spec", ["Z5", "Z6", "Z2xZ4", "Z3xZ3"])
def test_families_match_brute_force_tensor(spec):
    G = parse_group(spec)
    d, q = G.order, 4
    rng = np.random.default_rng(7)
    A, B, C = (rng.standard_normal((d, q)) + 1j * rng.standard_normal((d, q)) for _ in range(3))
    fam = families(*(torch.as_tensor(x) for x in (A, B, C)), G)
    rk, rc, rn, rs = _reference_families(G, A, B, C)
    np.testing.assert_allclose(fam["r_kkk"].numpy(), rk, atol=1e-10)
    np.testing.assert_allclose(fam["R_c"].numpy(), rc, atol=1e-9)
    np.testing.assert_allclose(fam["R_n"].numpy(), rn, atol=1e-10)
    np.testing.assert_allclose(fam["R_*"].numpy(), rs, atol=1e-9)
    np.testing.assert_allclose((fam["R_*_a"] + fam["R_*_b"]).numpy(), rs, atol=1e-9)
    # batched over a leading axis: the same per run
    batch = [torch.as_tensor(np.stack([x, 2 * x])) for x in (A, B, C)]
    fb = families(*batch, G)
    np.testing.assert_allclose(fb["R_c"][0].numpy(), rc, atol=1e-9)
    np.testing.assert_allclose(fb["R_n"][1].numpy(), 8 * rn, atol=1e-9)


def _expected_lift(G, orbit, v):
    """Full SPs at k of a block v lifted to orbit {k, −k}: z_k = v, z_{−k} = v̄, zero elsewhere.

    r_{k1k2k} is non-zero only for k1, k2 ∈ {k, −k}; value at −k is the conjugate row. Hence
    R_c = Σ_{(k1,k2)≠(k,k)} |…|² = |Σāb c|² + |Σab̄c|² + |Σāb̄c|² (= |Σabc̄|²) on a complex
    orbit and 0 on a real one; R_n = Σ_p Σ_{k'∈{k,−k}} Σ p_{k'} p_{−k'} c = 2(Σāac + Σb̄bc)
    on a complex orbit but Σa²c + Σb²c on a real one (a single k'); R_* groups the pairs
    (k1, k2) by m = k1 + k2 ≠ 0 — usually m = ±2k separately, but when 4k = 0 ≠ 2k the two
    terms a²c and ā²c share m = 2k = −2k and add before the modulus.
    """
    members = orbit.members if orbit.is_real else (orbit.k, orbit.neg)
    add = add_table(G)
    rows = {orbit.k: v}
    if not orbit.is_real:
        rows[orbit.neg] = np.conj(v)
    c = v[2]
    r_kkk = np.sum(v[0] * v[1] * c)
    rc = 0.0
    for k1 in members:
        for k2 in members:
            if (k1, k2) != (orbit.k, orbit.k):
                rc += abs(np.sum(rows[k1][0] * rows[k2][1] * c)) ** 2
    rn = 0
    rs = 0.0
    for p in (0, 1):
        by_m: dict = {}
        for k1 in members:
            for k2 in members:
                by_m[add[k1, k2]] = by_m.get(add[k1, k2], 0) + np.sum(rows[k1][p] * rows[k2][p] * c)
        rn = rn + by_m.get(0, 0)
        rs += sum(abs(val) ** 2 for m, val in by_m.items() if m != 0)
    return r_kkk, rc, rn, rs


@pytest.mark.parametrize("spec", ["Z7", "Z8", "Z2xZ4", "Z3xZ6", "Z5xZ5"])
def test_lifted_block_families_agree_with_block_sps(spec):
    G = parse_group(spec)
    rng = np.random.default_rng(8)
    neg = G.neg_table()
    saw_collision = False
    for orbit in G.orbits():
        kind = orbit.kind
        blk = BlockSemiring(kind).random(3, rng=rng)
        x = blk.lift(G, orbit)
        fam = families(*(torch.as_tensor(np.array(x.z[i])) for i in range(3)), G)
        k = orbit.k
        r_kkk, rc, rn, rs = _expected_lift(G, orbit, blk.v)
        assert abs(complex(fam["r_kkk"][k]) - r_kkk) < 1e-10
        assert abs(float(fam["R_c"][k]) - rc) < 1e-9
        assert abs(complex(fam["R_n"][k]) - rn) < 1e-10
        assert abs(float(fam["R_*"][k]) - rs) < 1e-9
        # the same in terms of the block SPs of docs/mathematics.md#sum-potentials
        v = blk.v
        if kind == "complex":
            assert abs(rc - sum(abs(_bsp(v, s)) ** 2 for s in ("a'bc", "ab'c", "abc'"))) < 1e-9
            assert abs(rn - 2 * (_bsp(v, "aa'c") + _bsp(v, "bb'c"))) < 1e-10
            two_k = int(G.add(k, k))
            if two_k != 0 and int(G.add(two_k, two_k)) == 0:
                saw_collision = True  # 4k = 0 ≠ 2k
                want = sum(abs(_bsp(v, s) + _bsp(v, t)) ** 2 for s, t in (("aac", "a'a'c"), ("bbc", "b'b'c")))
            else:
                want = sum(abs(_bsp(v, s)) ** 2 for s in ("aac", "bbc", "a'a'c", "b'b'c"))
            assert abs(rs - want) < 1e-9
        else:
            assert rc < 1e-20 and rs < 1e-20
            assert abs(rn - (_bsp(v, "aac") + _bsp(v, "bbc"))) < 1e-10
        # conjugate values at −k, nothing elsewhere
        assert abs(complex(fam["r_kkk"][neg[k]]) - np.conj(r_kkk)) < 1e-10
        others = [j for j in range(G.order) if j not in (k, neg[k])]
        assert float(fam["r_kkk"][others].abs().max()) < 1e-12
        assert float(fam["R_n"][others].abs().max()) < 1e-12
    if spec in ("Z8", "Z2xZ4"):
        assert saw_collision
