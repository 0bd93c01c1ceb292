"""Tests of cogs.solver: every strategy on a table of groups gives a global solution of the
order docs/solutions.md#global-solutions predicts; the search works from the registry; user generators take part;
uncovered orbits are named; the explicit z_F6 formula and the balanced norms of docs/solutions.md#global-solutions.

Orders and orbit counts are computed here independently (from the moduli); losses are
checked with models.exact_loss.fast_loss and, independently, models.forward.brute_force_loss on the
weights as saved and re-loaded.
"""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest
import torch

from cogs.generators import Signature, default_registry, register_generator, scoped_registry
from models.exact_loss import fast_loss
from cogs.solver import CoverageError, construct, requirement, search
from groups import parse_group
from models.network import load_npz
from models.forward import brute_force_loss

try:
    from helpers import explicit_zf6 as _explicit_zf6
except ImportError:  # tests/ imported as a package
    from tests.helpers import explicit_zf6 as _explicit_zf6

TOL = 1e-12


def counts(spec):
    """(d, c, r) from the moduli: r = #{k ≠ 0 : 2k = 0}, c = (d − 1 − r)/2."""
    moduli = parse_group(spec).moduli
    d = math.prod(moduli)
    r = math.prod(2 if n % 2 == 0 else 1 for n in moduli) - 1
    return d, (d - 1 - r) // 2, r


def _order3(spec, g) -> bool:
    """3g = 0 for the element g ≠ 0 of the group (mixed radix, first factor least significant)."""
    mods = [int(m) for m in spec.lower().replace("z", "").split("x")]
    coords = []
    for m in mods:
        coords.append(g % m)
        g //= m
    return all((3 * x) % m == 0 for x, m in zip(coords, mods))


def check_loss(c, tmp_path):
    path = c.save(tmp_path / "w.npz")
    w = load_npz(path)
    assert w.meta["strategy"] == c.meta["strategy"] and w.meta["seed"] == c.meta["seed"]
    Wa, Wb, Wc = w.tensors()
    fl = float(fast_loss(w.group, Wa, Wb, Wc))
    bf = float(brute_force_loss(w.group, Wa, Wb, Wc))
    assert abs(fl) < TOL and abs(bf) < TOL, (fl, bf)
    return w


GROUPS = ["Z5", "Z7", "Z8", "Z12", "Z23", "Z2xZ4", "Z3xZ6", "Z2xZ2xZ3", "Z2xZ2xZ2", "Z5xZ5", "Z3xZ3xZ3"]


@pytest.mark.parametrize("spec", GROUPS)
@pytest.mark.parametrize("strategy", ["f6", "f46", "auto"])
def test_strategies_give_global_solutions_of_the_predicted_order(spec, strategy, tmp_path):
    d, c, r = counts(spec)
    res = construct(spec, strategy, seed=1, brute_force_max_d=0)
    check_loss(res, tmp_path)
    if strategy == "f6" or (strategy == "f46" and c == 0):
        assert res.order == 6 * c + 2 * r
        assert res.meta["strategy"] == "f6"
    elif strategy == "f46":
        assert res.order == 2 * d
    else:  # auto: never worse than either; odd d: the chain, 2(d − 1) − n3; else with a complex orbit 2d − r
        assert res.order <= min(6 * c + 2 * r, 2 * d if c else 10**9)
        if d % 2 == 1:
            n3 = sum(1 for g in range(1, d) if _order3(spec, g)) // 2
            assert res.order == 2 * (d - 1) - n3 and res.meta["strategy"] == "chain"
        elif c > 0:  # 2d − r, one less per orbit with 3k = 0 (chain's 3-node blocks; tests/test_chain.py)
            n3 = sum(1 for g in range(1, d) if _order3(spec, g)) // 2
            assert res.order == 2 * d - r - n3
    if d <= 12:  # recount after merging from the weights themselves (docs/mathematics.md#the-semi-ring-of-networks)
        from models.element import NetworkElement

        el = NetworkElement.from_weights(parse_group(spec), res.W_a, res.W_b, res.W_c)
        assert el.merged_order() == res.order


def test_odd_cyclic_orders():
    for d in (5, 7, 9, 11):
        assert construct(f"Z{d}", "f6", brute_force_max_d=0).order == 3 * (d - 1)
        assert construct(f"Z{d}", "f46", brute_force_max_d=0).order == 2 * d


def test_f46_on_z127(tmp_path):
    res = construct("Z127", "f46", seed=3, brute_force_max_d=0)
    assert res.order == 254
    check_loss(res, tmp_path)


@pytest.mark.parametrize("spec", ["Z5", "Z8", "Z12", "Z2xZ4", "Z2xZ2xZ2", "Z2xZ2xZ3"])
def test_memorize(spec, tmp_path):
    d, _, _ = counts(spec)
    res = construct(spec, "memorize", brute_force_max_d=0)
    assert res.order == d * d
    check_loss(res, tmp_path)
    mc = res.certificate.data["memorization_check"]
    assert mc["max_abs_deviation_from_direct_form"] < 1e-12
    lam = (2 * d) ** (1 / 3)
    assert np.allclose([complex(s) for s in mc["row_scales"]], [lam / d, lam / d, lam / (2 * d)])


def test_memorize_size_limit():
    with pytest.raises(ValueError, match="refusing"):
        construct("Z65", "memorize")


def test_f46_without_complex_orbit_falls_back():
    res = construct("Z2xZ2xZ2", "f46", brute_force_max_d=0)
    assert res.meta["strategy"] == "f6" and "falls back" in res.certificate.data["note"]


def test_certificate_contents_and_json():
    res = construct("Z12", "f46", seed=2)
    data = json.loads(res.certificate.to_json())
    assert data["group"] == "Z12" and data["order"] == 24 and data["passed"]
    assert data["brute_force_loss"] is not None and abs(data["brute_force_loss"]) < TOL
    ks = [o["k"] for o in data["orbits"]]
    assert ks == [o.k for o in parse_group("Z12").orbits()]
    for o in data["orbits"]:
        assert o["order"] in (2, 4, 6) and o["generators"]
        assert abs(complex(o["block_sps"]["abc"]["re"], o["block_sps"]["abc"]["im"]) - 1) < 1e-12
        assert o["full_group"]["R_*"] < 1e-9 and o["full_group"]["R_n"] < 1e-9
    roles = {o["role"] for o in data["orbits"]}
    assert roles == {"helper", "partial", "full"}
    helper = [o for o in data["orbits"] if o["role"] == "helper"][0]
    assert helper["generators"] == ["z_nu", "z_syn"]
    nu = helper["leaves"][0]["params"]["nu"]
    assert abs(abs(complex(nu["re"], nu["im"])) - 1) < 1e-12  # |ν| = 1 as z_F4/6 needs
    partial = [o for o in data["orbits"] if o["role"] == "partial"][0]
    assert partial["name"] == "z_nu_i*z_xi" and partial["gamma"] is not None


def test_vectorised_weights_equal_the_tensor_route():
    from cogs.solver import block_rn_residuals, build_tensor, cancel_rn, cancel_rn_weights, rn_residuals, weights_from_blocks
    from models.element import NetworkElement

    G = parse_group("Z3xZ4")
    rng = np.random.default_rng(0)
    orbits = G.orbits()
    blocks = []
    for o in orbits:
        v = rng.standard_normal((3, 3)) + (0 if o.is_real else 1j * rng.standard_normal((3, 3)))
        blocks.append(v)
    ks = np.array([o.k for o in orbits])
    negs = np.array([o.neg for o in orbits])
    z, col = build_tensor(G.order, ks, negs, blocks)
    W_ref = NetworkElement(G, z).to_weights()
    W = weights_from_blocks(G, ks, negs, blocks)
    for a, b in zip(W_ref, W[:3]):
        assert np.allclose(a, b, atol=1e-12)
    rho_t = rn_residuals(z, ks, col)
    rho_b = block_rn_residuals(blocks, ks == negs)
    assert np.allclose(rho_t, rho_b)
    h = [i for i, o in enumerate(orbits) if not o.is_real][0]
    tgt = np.array([i for i in range(len(orbits)) if i != h])
    hcols = np.flatnonzero(col == h)
    g1 = cancel_rn(z, hcols, ks[tgt], negs[tgt], rho_t[tgt])
    W_c = W[2].copy()
    g2 = cancel_rn_weights(G, W_c, hcols, blocks[h], ks[tgt], negs[tgt], rho_b[tgt])
    assert np.allclose(g1, g2)
    assert np.allclose(NetworkElement(G, z).to_weights()[2], W_c, atol=1e-12)


# -- the search works from the registry ----------------------------------------------------
def test_search_from_order_one_generators_only():
    reg = default_registry().subset(["u_syn", "u_nu"])
    plan = search("complex", requirement("complex"), registry=reg)
    assert plan.order == 6 and plan.vanishing >= requirement("complex")
    res = construct("Z7", "f6", registry=reg, brute_force_max_d=49)
    assert res.order == 18 and abs(res.certificate.loss) < TOL and abs(res.certificate.data["brute_force_loss"]) < TOL
    with pytest.raises(CoverageError):
        search("complex", requirement("complex"), registry=reg, polynomial=False)


def test_default_search_finds_the_spec_products():
    assert search("complex", requirement("complex")).name == "z_nu*z_syn"
    assert search("complex", requirement("complex", cancel_rn=True)).name == "z_nu_i*z_xi"
    assert search("real", requirement("real")).name == "z_real"


def w3():
    """{(ω^{−m}, 1, ω^m) : m = 0, 1, 2}: y_1 restricted to one orbit of Z_3."""
    w = np.exp(2j * np.pi / 3)
    return [(w**-m, 1, w**m) for m in range(3)]


W3_SIG = Signature(3, ("a'bc", "abc'", "aa'c", "bb'c", "aac", "bbc", "b'b'c"))


def test_user_generator_takes_part_in_the_search(tmp_path):
    with scoped_registry() as reg:
        register_generator(name="w3", order=3, kinds=("complex",), signature=W3_SIG)(w3)
        small = reg.subset(["z_nu_i", "w3", "z_real"])
        plan = search("complex", requirement("complex"), registry=small)
        assert plan.name == "z_nu_i*w3" and plan.order == 6
        res = construct("Z2xZ5", "f6", registry=small, brute_force_max_d=0)
        check_loss(res, tmp_path)
        assert {o["name"] for o in res.certificate.data["orbits"] if o["kind"] == "complex"} == {"z_nu_i*w3"}
    assert "w3" not in default_registry()


def test_single_user_generator_of_equal_order_is_preferred(tmp_path):
    w = np.exp(2j * np.pi / 3)
    zi = [(1, 1, 1), (1j, -1j, 1)]
    six = [(a1 * a2, b1 * b2, c1 * c2) for (a1, b1, c1), (a2, b2, c2) in itertools.product(zi, w3())]
    with scoped_registry() as reg:
        register_generator(name="z6", order=6, signature=Signature(6, sorted(requirement("complex"))))(lambda: six)
        plan = search("complex", requirement("complex"), registry=reg)
        assert plan.name == "z6"
        res = construct("Z7", "f6", registry=reg, brute_force_max_d=0)
        check_loss(res, tmp_path)
        assert w == w  # silence linters about w


def test_uncovered_orbits_are_named():
    reg = default_registry().subset(["one", "z_real"])
    with pytest.raises(CoverageError, match=r"orbit k=1 of Z7 \(complex"):
        construct("Z7", "f6", registry=reg)
    reg = default_registry().subset(["z_nu", "z_syn"])
    with pytest.raises(CoverageError, match=r"orbit k=2 of Z4 \(real"):
        construct("Z4", "f6", registry=reg)
    with pytest.raises(ValueError, match="unknown strategy"):
        construct("Z7", "f7")


# -- docs/solutions.md#global-solutions figures ------------------------------------------------------------------------
def explicit_zf6(d, theta_seed=0):
    return _explicit_zf6(d, theta_seed=theta_seed)


@pytest.mark.parametrize("d", [7, 23])
def test_explicit_zf6_formula(d):
    Wa, Wb, Wc = (torch.tensor(w) for w in explicit_zf6(d))
    assert Wa.shape == (3 * (d - 1), d)
    assert abs(float(fast_loss(f"Z{d}", Wa, Wb, Wc))) < TOL
    assert abs(float(brute_force_loss(parse_group(f"Z{d}"), Wa, Wb, Wc))) < TOL


@pytest.mark.parametrize("d, expected", [(23, 214.9), (71, 995.4)])
def test_balanced_norm_of_zf6(d, expected):
    res = construct(f"Z{d}", "f6", brute_force_max_d=0)
    assert round(res.certificate.data["balanced_weight_norm2"], 1) == expected
    assert round(float(sum(np.sum(w**2) for w in res.weights)), 1) == expected  # saved balanced
    # the explicit formula of docs/solutions.md#global-solutions is balanced already: same figure, independently
    assert round(float(sum(np.sum(w**2) for w in explicit_zf6(d))), 1) == expected
