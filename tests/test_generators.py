"""Tests of cogs.generators: the registry, the built-ins against docs/solutions.md#partial-solutions, verification of
declarations, scoping, and the polynomial construction of docs/solutions.md#global-solutions.

Expected values are typed in from docs/solutions.md#partial-solutions/§7 and evaluated with an independent SP evaluator
(plain numpy sums below), never taken from the code under test.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from cogs.generators import (
    PolynomialError,
    RegistrationError,
    Registry,
    Signature,
    UndeclaredVanishingWarning,
    default_registry,
    polynomial_construction,
    register_generator,
    scoped_registry,
)
from models.element import Block, BlockSemiring

W = np.exp(2j * np.pi / 3)
WB = np.conj(W)
ALL9 = {"a'bc", "ab'c", "abc'", "aa'c", "bb'c", "aac", "bbc", "a'a'c", "b'b'c"}


def sps(nodes, kind="complex"):
    """Independent evaluation of the block SPs of docs/mathematics.md#sum-potentials from a list of (a, b, c) nodes."""
    n = np.array(nodes, dtype=complex)
    a, b, c = n[:, 0], n[:, 1], n[:, 2]
    C = np.conj
    if kind == "real":
        return {"abc": np.sum(a * b * c), "aac": np.sum(a * a * c), "bbc": np.sum(b * b * c)}
    return {
        "abc": np.sum(a * b * c),
        "a'bc": np.sum(C(a) * b * c),
        "ab'c": np.sum(a * C(b) * c),
        "abc'": np.sum(a * b * C(c)),
        "aa'c": np.sum(a * C(a) * c),
        "bb'c": np.sum(b * C(b) * c),
        "aac": np.sum(a * a * c),
        "bbc": np.sum(b * b * c),
        "a'a'c": np.sum(C(a) * C(a) * c),
        "b'b'c": np.sum(C(b) * C(b) * c),
    }


def zeros(vals, tol=1e-9):
    return {m for m, v in vals.items() if m != "abc" and abs(v) < tol}


# -- docs/solutions.md#partial-solutions table, typed in: name -> (order, r_kkk, vanishing, nodes(params), kind) -------
NU, XI, EPS, AL, BE = np.exp(0.9j) * 1.3, np.exp(2.1j) * 0.7, -1, np.exp(0.4j), np.exp(2.5j)
TABLE = {
    "one": (1, 1, set(), [(1, 1, 1)], "complex"),
    "u_syn": (1, 1, set(), [(W, W, W)], "complex"),
    "z_syn": (3, 3, ALL9 - {"aac", "bbc"}, [(1, 1, 1), (W, W, W), (WB, WB, WB)], "complex"),
    "u_nu": (1, 1, set(), [(NU, -NU, -NU**-2)], "complex"),
    "z_nu": (2, 2, {"aac", "bbc"}, [(1, 1, 1), (NU, -NU, -NU**-2)], "complex"),
    "z_nu_i": (2, 2, {"a'bc", "ab'c", "aac", "bbc", "a'a'c", "b'b'c"}, [(1, 1, 1), (1j, -1j, 1)], "complex"),
    "u_xi": (1, 1, set(), [(XI, -1j * EPS / XI, 1j * EPS)], "complex"),
    "z_xi": (2, 2, {"abc'"}, [(1, 1, 1), (XI, -1j * EPS / XI, 1j * EPS)], "complex"),
    "z_syn_ab": (3, 3, {"abc'", "aa'c", "bb'c"}, [(1, 1, 1), (AL * W, np.conj(AL) * W, W), (BE * WB, np.conj(BE) * WB, WB)], "complex"),
    "z_real": (2, 2, {"aac", "bbc"}, [(1, 1, 1), (1, -1, -1)], "real"),
}
PARAMS = {"u_nu": {"nu": NU}, "z_nu": {"nu": NU}, "u_xi": {"xi": XI, "eps": EPS}, "z_xi": {"xi": XI, "eps": EPS}, "z_syn_ab": {"alpha": AL, "beta": BE}, "z_nu_i": {"sign": 1}, "z_real": {"sign": 1}}


def test_spec_table_is_self_consistent():
    # the typed-in table itself satisfies its claims (checks the test data, not the code)
    for name, (order, r, van, nodes, kind) in TABLE.items():
        vals = sps(nodes, kind)
        assert abs(vals["abc"] - r) < 1e-12, name
        assert zeros(vals) == van, name


@pytest.mark.parametrize("name", list(TABLE))
def test_builtin_matches_spec_table(name):
    order, r, van, nodes, kind = TABLE[name]
    gen = default_registry()[name]
    block = gen.build(kind, PARAMS.get(name))
    assert block.merged_order() == order == gen.order
    assert BlockSemiring(kind).isclose(block, Block.from_nodes(nodes, kind), atol=1e-12)
    sig = gen.signature(kind)
    assert sig.r_kkk == r and set(sig.vanishing) == van


def test_registry_has_every_spec_name_and_the_memorisation_factors():
    names = set(default_registry().names())
    assert set(TABLE) | {"y_1", "y_2"} <= names


def test_signature_repr_parses_back_and_is_canonical():
    s = Signature(2, ["bbc", "c a a", "c b' a"])
    assert s.vanishing == ("ab'c", "aac", "bbc")
    assert eval(repr(s)) == s
    assert Signature.parse(repr(s)) == s
    c = Signature(1 + 2j, ("abc'",))
    assert Signature.parse(repr(c)) == c and eval(repr(c)) == c
    assert Signature.parse(repr(Signature(None))) == Signature(None)
    with pytest.raises(ValueError, match="not one of the block SPs"):
        Signature(1, ("abbc",))
    with pytest.raises(ValueError):
        Signature(0, ())
    assert hash(s) == hash(Signature(2.0, ("aac", "bbc", "ab'c")))


def _z_nu(nu=np.exp(0.7j)):
    return [(1, 1, 1), (nu, -nu, -(nu**-2))]


def _phase(rng):
    return complex(np.exp(2j * np.pi * rng.random()))


def test_wrong_declarations_are_refused():
    with scoped_registry():
        with pytest.raises(RegistrationError, match="abc'"):
            register_generator(name="bad1", order=2, signature=Signature(2, ("aac", "bbc", "abc'")), params={"nu": (np.exp(0.7j), _phase)})(_z_nu)
        with pytest.raises(RegistrationError, match="r_kkk"):
            register_generator(name="bad2", order=2, signature=Signature(3, ("aac", "bbc")), params={"nu": (np.exp(0.7j), _phase)})(_z_nu)
        with pytest.raises(RegistrationError, match="order"):
            register_generator(name="bad3", order=3, signature=Signature(2, ("aac", "bbc")), params={"nu": (np.exp(0.7j), _phase)})(_z_nu)
        with pytest.raises(RegistrationError, match="identifier"):
            register_generator(name="a*b", order=2, signature=Signature(2, ("aac", "bbc")))(_z_nu)
        with pytest.raises(RegistrationError, match="real orbit"):
            register_generator(name="bad4", order=2, kinds=("real",), signature=Signature(2, ("aa'c",)))(lambda: [(1, 1, 1), (1, -1, -1)])
        # a declaration that holds only at the default but not at sampled values
        with pytest.raises(RegistrationError, match="a'bc"):
            register_generator(name="bad5", order=2, signature=Signature(2, ("aac", "bbc", "a'bc")), params={"nu": (1j, _phase)})(_z_nu)


def test_undeclared_vanishing_warns_and_strict_refuses():
    with scoped_registry() as reg:
        with pytest.warns(UndeclaredVanishingWarning, match="bbc"):
            register_generator(name="z_nu_half", order=2, signature=Signature(2, ("aac",)), params={"nu": (np.exp(0.7j), _phase)})(_z_nu)
        assert "z_nu_half" in reg
        with pytest.raises(RegistrationError, match="bbc"):
            register_generator(name="z_nu_strict", order=2, strict=True, signature=Signature(2, ("aac",)), params={"nu": (np.exp(0.7j), _phase)})(_z_nu)


def test_scoped_registry_does_not_leak_and_duplicates_are_refused():
    before = default_registry().names()
    from cogs.reading.equivalence import EquivalentGeneratorWarning

    with scoped_registry() as reg:
        # a copy of z_nu registers, and is flagged as adding nothing (no other warning)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            register_generator(name="z_nu2", order=2, signature=Signature(2, ("aac", "bbc")), params={"nu": (np.exp(0.7j), _phase)})(_z_nu)
        assert [w.category for w in caught] == [EquivalentGeneratorWarning] and "family z_nu " in str(caught[0].message)
        assert "z_nu2" in reg
        with pytest.raises(RegistrationError, match="already registered"):
            register_generator(name="z_nu2", order=2, signature=Signature(2, ("aac", "bbc")))(_z_nu)
    assert default_registry().names() == before
    own = Registry()
    own.generator(name="mine", order=1, signature=Signature(1))(lambda: [(1, 1, 1)])
    assert own.names() == ["mine"] and "mine" not in default_registry()


def test_params_sampler_uses_the_given_rng():
    g = default_registry()["z_xi"]
    p1 = g.sample_params(np.random.default_rng(5))
    p2 = g.sample_params(np.random.default_rng(5))
    assert p1 == p2 and p1["eps"] in (-1, 1) and abs(abs(p1["xi"]) - 1) < 1e-12


# -- polynomial construction ------------------------------------------------------------------
def test_z_syn_comes_out_of_u_syn():
    u = default_registry()["u_syn"].build("complex")
    R = sorted(TABLE["z_syn"][2])  # z_syn's vanishing set, from docs/solutions.md#partial-solutions
    res = polynomial_construction(u, R)
    assert res.block.order == 3
    assert BlockSemiring("complex").isclose(res.block, Block.from_nodes(TABLE["z_syn"][3]), atol=1e-12)
    assert sorted(np.round(res.roots, 12), key=lambda z: z.imag) == sorted([np.round(W, 12), np.round(WB, 12)], key=lambda z: z.imag)
    # the literal product of linear factors is the same element (4 nodes before merging)
    prod = polynomial_construction(u, R, method="product", merge=False).block
    assert prod.order == 4 and BlockSemiring("complex").isclose(prod, res.block, atol=1e-12)


def test_conjugated_c_is_handled():
    u = default_registry()["u_syn"].build("complex")
    # abc'(u_syn) = ω·ω·ω̄ = ω: killing it needs the constant node (1, 1, −ω̄), not (1, 1, −ω)
    res = polynomial_construction(u, ["abc'"])
    assert res.block.order == 2
    assert abs(sps(res.block.nodes())["abc'"]) < 1e-12
    naive = [(W, W, W), (1, 1, -W)]
    assert abs(sps(naive)["abc'"]) > 0.5  # the naive ŝ would not kill it
    assert abs(res.constants[0] - (-WB)) < 1e-12
    # with generic ν, u_ν's abc' root is not real: check a mixed target set too
    nu = np.exp(1.234j) * 1.1
    un = Block.from_nodes([(nu, -nu, -(nu**-2))])
    res = polynomial_construction(un, ["abc'", "a'bc", "aac"])
    v = sps(res.block.nodes())
    assert max(abs(v[m]) for m in ("abc'", "a'bc", "aac")) < 1e-10
    assert abs(v["abc"]) > 1e-3


def test_polynomial_refuses_an_sp_equal_to_r_kkk():
    u = default_registry()["u_syn"].build("complex")
    with pytest.raises(PolynomialError, match="aac"):
        polynomial_construction(u, ["aac"])  # Σa²c(u_syn) = 1 = r_kkk


def test_polynomial_kills_everything_with_u_nu():
    nu = np.exp(0.5j)
    un = Block.from_nodes([(nu, -nu, -(nu**-2))])
    res = polynomial_construction(un, sorted(ALL9))
    assert res.block.order == 6
    assert zeros(sps(res.block.nodes()), 1e-10) == ALL9


def test_polynomial_on_a_real_orbit_gives_z_real():
    u = default_registry()["u_real"].build("real", {"sign": 1})
    res = polynomial_construction(u, ["aac", "bbc"])
    assert BlockSemiring("real").isclose(res.block, Block.from_nodes([(1, 1, 1), (1, -1, -1)], "real"), atol=1e-12)


def test_memorisation_factors_give_z_m_up_to_scale():
    from groups import parse_group
    from models.element import NetworkElement, paper_scale

    G = parse_group("Z2xZ3")
    d = G.order
    reg = default_registry()
    y = (reg["y_1"].build_element(G) * reg["y_2"].build_element(G)).z
    # direct z_M from docs/solutions.md#global-solutions, written independently: node (g, h) = column g*d + h
    W_a = np.kron(np.eye(d), np.ones((d, 1)))  # row g*d+h = e_g
    W_b = np.kron(np.ones((d, 1)), np.eye(d))  # row g*d+h = e_h
    table = np.array([[G.index((G.coords(g) + G.coords(h))) for h in range(d)] for g in range(d)])
    W_c = np.zeros((d, d * d))
    for g in range(d):
        for h in range(d):
            e = np.zeros(d)
            e[table[g, h]] = 1
            W_c[:, g * d + h] = 0.5 * (e - 1 / d)
    zm = NetworkElement.from_weights(G, W_a, W_b, W_c).z
    lam = paper_scale(d)
    assert np.allclose(zm[0], y[0] * lam / d, atol=1e-12)
    assert np.allclose(zm[1], y[1] * lam / d, atol=1e-12)
    assert np.allclose(zm[2, 1:], y[2, 1:] * lam / (2 * d), atol=1e-12)  # k = 0 is removed by P


# -- no module imports another module's private name ----------------------------------------------
def _private_imports(source: str, modules: set[str]) -> list[str]:
    """``from a.b import _x`` where ``_x`` is a name (not a submodule) of one of our modules."""
    import ast

    bad = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and node.module.split(".")[0] in ("algebra", "groups", "models", "cogs"):
            bad += [f"{node.module}.{a.name}" for a in node.names if a.name.startswith("_") and f"{node.module}.{a.name}" not in modules]
    return bad


def test_no_module_imports_another_modules_private_name():
    """A private name is its module's own: sharing one means making it public (as sample_phi of
    cogs.generators.builtin_linked, which cogs.generators.builtin's φ parameter samples with)."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    files = {}
    for pkg in ("algebra", "groups", "models", "cogs"):
        for path in sorted((root / pkg).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            files[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    modules = set(files)
    found = {m: _private_imports(p.read_text(encoding="utf-8"), modules) for m, p in files.items()}
    assert {m: b for m, b in found.items() if b} == {}
    # the check can fail: a private function is caught, a private module is not
    assert _private_imports("from cogs.generators.builtin_linked import _sample_phi, valid_phi", modules) == [
        "cogs.generators.builtin_linked._sample_phi"]
    assert _private_imports("from cogs.cli import _options\nfrom groups._base import FiniteAbelianGroup", modules) == []
    from cogs.generators import default_registry
    from cogs.generators.builtin_linked import sample_phi, valid_phi

    assert {p.name: p.sampler for p in default_registry()["chain_link"].params} == {"phi": sample_phi}
    phis = [sample_phi(np.random.default_rng(s)) for s in range(20)]
    assert all(0.05 < p < np.pi / 2 - 0.05 and valid_phi(p, atol=0.1) == p for p in phis)



def test_a_new_family_is_not_flagged_and_a_member_of_one_is():
    """z_ξ-like block with a phase shift nothing registered has is not flagged; z_nu_i's block
    re-registered under another name, in the other node order, is (a member of z_nu)."""
    from cogs.reading.equivalence import equivalent_families

    reg = default_registry()
    assert equivalent_families(reg["z_syn_ab"], reg.subset(["z_syn"])) == {}
    assert equivalent_families(reg["z_nu_i"], reg) == {"complex": "z_nu"}
    assert equivalent_families(reg["z_nu"], reg.subset(["z_nu_i"])) == {}  # z_nu is more than z_nu_i
