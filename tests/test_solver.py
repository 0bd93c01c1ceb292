"""Tests of cogs.solver: every strategy on a table of groups gives a global solution of the
order docs/solutions.md#global-solutions predicts; the search works from the registry; user generators take part;
uncovered orbits are named; the explicit z_F6 formula and the balanced norms of docs/solutions.md#global-solutions;
strategies as registered objects (one table over every registered strategy, a user's strategy
in construct, auto and the CLI, the chain planned once per construct); the certificate's JSON
key order for every row shape.

Orders and orbit counts are computed here independently (from the moduli); losses are
checked with models.exact_loss.fast_loss and, independently, models.forward.brute_force_loss on the
weights as saved and re-loaded.
"""

from __future__ import annotations

import itertools
import json
import math
import typing

import numpy as np
import pytest
import torch

from cogs.generators import Signature, default_registry, register_generator, scoped_registry
from models.exact_loss import fast_loss
from cogs.solver import (
    STRATEGIES,
    CoverageError,
    Plan,
    Refusal,
    Strategy,
    construct,
    make_plan,
    reference_orders,
    register_strategy,
    requirement,
    search,
    unregister_strategy,
)
from groups import parse_group
from models.network import load_npz
from models.forward import brute_force_loss

try:
    from helpers import explicit_zf6 as _explicit_zf6
    from helpers import loss_ref
except ImportError:  # tests/ imported as a package
    from tests.helpers import explicit_zf6 as _explicit_zf6
    from tests.helpers import loss_ref

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
    mc = res.certificate.details
    assert mc.max_abs_deviation_from_direct_form < 1e-12
    lam = (2 * d) ** (1 / 3)
    assert np.allclose(mc.row_scales, [lam / d, lam / d, lam / (2 * d)], rtol=0, atol=1e-10)


def test_memorize_size_limit():
    with pytest.raises(ValueError, match="refusing"):
        construct("Z65", "memorize")


def test_f46_without_complex_orbit_falls_back():
    res = construct("Z2xZ2xZ2", "f46", brute_force_max_d=0)
    assert res.meta["strategy"] == "f6" and "falls back" in res.certificate.note


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
    assert res.order == 18 and abs(res.certificate.loss) < TOL and abs(res.certificate.brute_force_loss) < TOL
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
        assert {o.name for o in res.certificate.orbits if o.kind == "complex"} == {"z_nu_i*w3"}
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
    assert round(res.certificate.balanced_weight_norm2, 1) == expected
    assert round(float(sum(np.sum(w**2) for w in res.weights)), 1) == expected  # saved balanced
    # the explicit formula of docs/solutions.md#global-solutions is balanced already: same figure, independently
    assert round(float(sum(np.sum(w**2) for w in explicit_zf6(d))), 1) == expected


# -- strategies as registered objects -----------------------------------------------------------
TABLE_GROUPS = ["Z7", "Z8", "Z2xZ4", "Z3xZ3"]


@pytest.mark.parametrize("spec", TABLE_GROUPS)
@pytest.mark.parametrize("name", list(STRATEGIES))
def test_every_registered_strategy_builds_what_it_plans_or_refuses_in_one_line(name, spec):
    plan = make_plan(spec, name)
    if isinstance(plan, Refusal):
        assert plan.strategy is STRATEGIES[name] and plan.reason.strip() and "\n" not in plan.reason
        with pytest.raises(ValueError) as err:
            construct(spec, name)
        assert str(err.value) == plan.reason
        return
    net = plan.build(0)
    cert = net.certificate
    assert net.order == plan.order == cert.order == cert.predicted_order
    assert cert.passed and cert.requested_strategy == name and cert.strategy == net.meta["strategy"] == plan.name
    shared = {row.order for row in cert.orbits if row.role == "shared"}  # memorize: one block for every orbit
    assert sum(row.order for row in cert.orbits if row.role != "shared") + sum(shared) == net.order
    assert loss_ref(spec, *net.weights) < 1e-20  # independent enumeration: exact up to rounding


def test_the_table_refuses_only_the_chain_on_2_groups():
    refused = {(n, g) for n in STRATEGIES for g in TABLE_GROUPS if isinstance(make_plan(g, n), Refusal)}
    # polarize is f6 on a group written as Z_n factors, and says so
    assert refused == {("chain", "Z8"), ("chain", "Z2xZ4")} | {("polarize", g) for g in TABLE_GROUPS}


def test_strategies_are_listed_in_registration_order():
    assert ", ".join(STRATEGIES) == "f6, f46, chain, memorize, polarize, auto"
    assert tuple(STRATEGIES) == ("f6", "f46", "chain", "memorize", "polarize", "auto") and "chain" in STRATEGIES
    with pytest.raises(ValueError, match="unknown strategy 'f7'; choose from f6, f46, chain, memorize, polarize, auto$"):
        construct("Z7", "f7")
    with pytest.raises(TypeError):
        STRATEGIES["mine"] = STRATEGIES["f6"]  # read-only: register_strategy adds


@pytest.mark.parametrize(
    "spec, expected",
    [  # by hand: f6 = 6c + 2r, f46 = 2d (c > 0), chain (odd d) 2(d − 1) − n3, memorize d²
        ("Z23", {"f6": 66, "f46": 46, "chain": 44, "memorize": 529}),
        ("Z9", {"f6": 24, "f46": 18, "chain": 15, "memorize": 81}),
        ("Z6", {"f6": 14, "f46": 12, "chain": 10, "memorize": 36}),  # even: the chain's plan, 3 + 6 + 1
        ("Z8", {"f6": 20, "f46": 16, "memorize": 64}),  # the chain refuses 2-groups
        ("Z2xZ2", {"f6": 6, "chain": 4, "memorize": 16}),  # 3 sign nodes + the unit node
        ("Z4099", {"f6": 3 * 4098, "f46": 2 * 4099, "chain": 2 * 4098, "memorize": 4099**2}),  # refused, but predicted
    ],
)
def test_reference_orders(spec, expected):
    got = reference_orders(spec)
    assert got == expected and list(got) == list(expected)


@pytest.mark.parametrize(
    "spec, strategy, plannings",
    [("Z6", "auto", 1), ("Z6", "chain", 1), ("Z6", "f46", 1), ("Z9", "auto", 1), ("Z9", "f46", 0), ("Z12", "chain", 1)],
)
def test_a_construct_plans_the_chain_at_most_once(spec, strategy, plannings, monkeypatch):
    """auto plans the chain once, and the certificate's reference orders reuse that plan."""
    import cogs.solver.chain as chain_module

    calls = []
    real = chain_module.chain_layout

    def counted(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(chain_module, "chain_layout", counted)
    net = construct(spec, strategy)
    assert len(calls) == plannings
    assert net.certificate.reference_orders == reference_orders(spec)  # the same numbers, planned again here
    assert len(calls) == plannings + (spec == "Z6" or spec == "Z12")


def test_auto_plans_every_other_registered_strategy_once(monkeypatch):
    seen = []
    for name, s in STRATEGIES.items():
        real = s.plan
        monkeypatch.setattr(s, "plan", lambda group, *, _real=real, _name=name, **kw: seen.append(_name) or _real(group, **kw))
    construct("Z9", "auto")
    assert seen == ["auto", "f6", "f46", "chain"]


def test_refusal_reasons_are_one_line_and_causes_survive():
    with pytest.raises(ValueError, match="one non-empty line"):
        Refusal(STRATEGIES["f6"], "Z7", "two\nlines")
    reg = default_registry().subset(["one", "z_real"])
    refusal = make_plan("Z7", "f6", registry=reg)
    assert isinstance(refusal.cause, CoverageError) and refusal.cause.orbit.k == 1 and str(refusal.cause) == refusal.reason
    with pytest.raises(CoverageError, match=r"orbit k=1 of Z7"):
        construct("Z7", "f6", registry=reg)


def test_unknown_options_teach_the_known_ones():
    with pytest.raises(TypeError, match="unknown option.*polynomal.*max_factors, phi, polynomial, sums, tri3"):
        construct("Z7", "f6", polynomal=False)


@pytest.mark.parametrize("strategy, options", [("f46", {"phi": 0.3}), ("f6", {"tri3": False}), ("chain", {"sums": False}),
                                               ("memorize", {"max_factors": 2})])
def test_an_option_the_strategy_does_not_read_is_refused(strategy, options):
    """An option of another strategy is not silently ignored: a TypeError names the strategy, what
    it reads and who reads the option."""
    reads = ", ".join(STRATEGIES[strategy].options) or "no options"
    with pytest.raises(TypeError, match=rf"strategy '{strategy}' does not read {list(options)[0]}: it reads {reads} \(.* is read by .*auto\)"):
        construct("Z7", strategy, **options)
    with pytest.raises(TypeError, match="does not read"):
        make_plan("Z7", strategy, **options)


def test_auto_reads_every_option_of_the_strategies_it_compares():
    assert STRATEGIES["auto"].options == ("polynomial", "sums", "max_factors", "phi", "tri3", "algorithm")
    assert construct("S3", "auto", algorithm="naive").order == 18  # read by polarize, which auto picks on S3
    net = construct("Z9", "auto", phi=0.3, tri3=False)  # read by the chain, which auto picks on Z9
    assert net.certificate.strategy == "chain" and net.certificate.details.phi == 0.3 and net.order == 16
    assert construct("Z8", "auto", sums=True).order == 15


def test_reprs_are_one_short_line():
    net = construct("Z12", "chain")
    plan = make_plan("Z12", "auto")
    objects = [net.certificate, net.certificate.orbits[0], plan, make_plan("Z8", "chain"), STRATEGIES["chain"], net.certificate.details]
    for r in map(repr, objects):
        assert "\n" not in r and len(r) < 260 and "array" not in r, r
    assert repr(plan) == "Plan(strategy='chain', group=Z12, order=22)"


def _explicit_f6_example() -> str:
    """The python block of docs/extending.md's "Adding a strategy" section."""
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "docs" / "extending.md").read_text()
    section = text.split("## Adding a strategy\n", 1)[1].split("\n## ", 1)[0]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


def test_the_documented_user_strategy_takes_part_everywhere(tmp_path, capsys):
    from cogs.cli.main import main
    from cogs.solver.bounds import bounds

    try:
        exec(compile(_explicit_f6_example(), "docs/extending.md", "exec"), {})
        out = capsys.readouterr().out.splitlines()
        assert out[:3] == ["30 True", "explicit_f6 needs an odd cyclic group Z_d, not Z8", "chain"]
        assert list(STRATEGIES)[-1] == "explicit_f6"
        net = construct("Z7", "explicit_f6", seed=1)
        assert net.order == 18 and net.certificate.passed and loss_ref("Z7", *net.weights) < 1e-20
        with pytest.raises(ValueError, match="a strategy named 'explicit_f6' is already registered"):
            register_strategy(STRATEGIES["explicit_f6"])
        assert main(["construct", "--group", "Z7", "--strategy", "explicit_f6", "--out", str(tmp_path / "w.npz"), "--json"]) == 0
        data = json.loads(capsys.readouterr().out)
        assert data["strategy"] == "explicit_f6" and data["order"] == 18 and data["passed"]
        assert [o["role"] for o in data["orbits"]] == ["full"] * 3
        assert bounds("Z7").cogs_construction.tried["explicit_f6"].order == 18
        assert main(["construct", "--group", "Z8", "--strategy", "explicit_f6", "--out", str(tmp_path / "x.npz")]) == 2
        assert capsys.readouterr().err == "cogs construct: error: explicit_f6 needs an odd cyclic group Z_d, not Z8\n"
    finally:
        if "explicit_f6" in STRATEGIES:
            unregister_strategy("explicit_f6")
    assert ", ".join(STRATEGIES) == "f6, f46, chain, memorize, polarize, auto"
    with pytest.raises(ValueError, match="no strategy named 'explicit_f6'"):
        unregister_strategy("explicit_f6")


@typing.final
class ChainFromDefaults(Strategy):
    """The chain, always with the default generator registry."""

    name = "chain_from_defaults"
    summary = "the chain, planned with the default registry whatever registry is given"

    def plan(self, group, *, registry, **options):
        plan = STRATEGIES["chain"].plan(group, registry=default_registry(), **options)
        if isinstance(plan, Refusal):
            return Refusal(self, group, plan.reason)
        return Plan(self, group, plan.order, registry=plan.registry, recipe=plan.recipe)

    def assemble(self, plan, seed):
        return STRATEGIES["chain"].assemble(plan, seed)


def test_auto_picks_a_registered_strategy_when_it_is_strictly_lower():
    """A registry without linked generators: the chain refuses, the layout builds 18 on Z9, a
    user's strategy builds 15 — auto takes it and says why."""
    no_linked = default_registry().subset([g for g in default_registry().names() if default_registry()[g].builds != "linked"])
    assert isinstance(make_plan("Z9", "chain", registry=no_linked), Refusal)
    assert construct("Z9", "auto", registry=no_linked).order == 18
    register_strategy(ChainFromDefaults())
    try:
        net = construct("Z9", "auto", registry=no_linked)
        cert = net.certificate
        assert net.order == 15 and cert.passed and cert.strategy == "chain_from_defaults" and cert.requested_strategy == "auto"
        assert cert.note == "auto: chain_from_defaults (order 15) is below the lowest per-orbit composition (auto layout, order 18)"
        assert construct("Z8", "auto").order == 15  # refused on Z8: auto keeps its layout (2d − r)
    finally:
        unregister_strategy("chain_from_defaults")


def test_register_strategy_refuses_what_it_cannot_list():
    with pytest.raises(TypeError, match="instance of cogs.solver.strategy.Strategy"):
        register_strategy("f6")
    bad = ChainFromDefaults()
    for name in ("two words", "../up", "a/b", ""):  # names become options and file names
        bad.name = name
        with pytest.raises(ValueError, match="one word"):
            register_strategy(bad)
    bad.name, bad.summary = "fine", "two\nlines"
    with pytest.raises(ValueError, match="one-line summary"):
        register_strategy(bad)
    assert "fine" not in STRATEGIES


# -- the certificate's JSON: key order of the header and of every row shape --------------------
HEADER = ["group", "d", "complex_orbits", "real_characters", "strategy", "requested_strategy", "note", "seed", "order",
          "predicted_order", "reference_orders", "balanced", "reference"]
EVIDENCE = ["time_build_s", "loss", "loss_method", "certificate_form", "kappa_loss", "brute_force_loss", "loss_tolerance",
            "passed", "max_violation", "dc_inputs", "weight_norm2", "balanced_weight_norm2", "orbits", "time_total_s"]
COMPOSED = ["k", "neg", "kind", "coords", "role", "name", "generators", "leaves", "order", "block_sps"]
CHAIN_BLOCK = ["k", "neg", "kind", "coords", "character", "role", "name", "generators", "leaves", "order", "cycle", "dc_inputs"]


@pytest.mark.parametrize(
    "spec, strategy, details, rows",
    [
        ("Z7", "f46", "helper_orbit", {"complex": COMPOSED + ["rn_residual", "gamma", "full_group"]}),
        ("Z8", "f6", "helper_orbit", {"complex": COMPOSED + ["full_group"], "real": COMPOSED + ["full_group"]}),
        ("Z2xZ2", "memorize", "memorization_check", {"real": COMPOSED + ["full_group", "kappa_loss"]}),  # y_1*y_2 has DC inputs
        ("Z7", "chain", "chain", {"complex": CHAIN_BLOCK + ["type", "links_to", "link_character", "S", "s", "full_group", "kappa_loss"]}),
        ("Z3", "chain", "chain", {"complex": CHAIN_BLOCK + ["full_group", "kappa_loss"]}),  # the three-node block
        ("Z2xZ2", "chain", "chain", {
            "real": CHAIN_BLOCK + ["links_to", "type", "full_group", "kappa_loss"],  # sign nodes: links_to before type
            "dc": ["k", "neg", "kind", "coords", "role", "name", "generators", "leaves", "order", "dc_inputs", "kappa_loss"],
        }),
    ],
)
def test_certificate_json_key_order(spec, strategy, details, rows):
    cert = construct(spec, strategy).certificate
    data = cert.to_dict()
    assert list(data) == HEADER + [details] + EVIDENCE
    kinds = {o["kind"] for o in data["orbits"]}
    assert kinds == set(rows)
    for o in data["orbits"]:
        assert list(o) == rows[o["kind"]], (o["kind"], list(o))
    assert data == json.loads(cert.to_json())  # plain JSON
    assert [row.to_dict() for row in cert.orbits] == data["orbits"]


def test_z12_chain_rows_are_a_chain_block_and_compositions():
    """On an even group the chain's rows sit among the compositions (with κ shares: the network has DC inputs)."""
    data = construct("Z12", "chain").certificate.to_dict()
    shapes = {o["k"]: list(o) for o in data["orbits"]}
    assert shapes[4] == CHAIN_BLOCK + ["full_group", "kappa_loss"]  # {4, 8}: 3k = 0, the three-node block
    for k in (1, 2, 3, 5):
        assert shapes[k] == COMPOSED + ["rn_residual", "gamma", "full_group", "kappa_loss"]


def test_certificate_accessors_match_its_json():
    cert = construct("Z6", "chain", seed=2).certificate
    data = cert.to_dict()
    for key in HEADER + EVIDENCE:
        if key not in ("orbits", "reference_orders", "max_violation"):
            assert data[key] == getattr(cert, key), key
    assert data["reference_orders"] == dict(cert.reference_orders) and data["chain"] == cert.details.to_dict()["chain"]
    for row, o in zip(cert.orbits, data["orbits"]):
        assert (row.k, row.neg, row.kind, row.role, row.name, list(row.generators), row.order) == (
            o["k"], o["neg"], o["kind"], o["role"], o["name"], o["generators"], o["order"])
        assert row.full_group["R_n"] == o["full_group"]["R_n"] and row.kappa_loss == o["kappa_loss"]
        assert row.links_to == o.get("links_to") and row.link_type == o.get("type") and row.cycle == o.get("cycle")
    assert "data" not in dir(cert)


# -- how strategies take part in comparisons: attributes, never names ----------------------------
@typing.final
class SlowF46(Strategy):
    """f46, after a pause in planning: the certificate's build time must count it."""

    name, summary = "slow_f46", "f46 after a pause in planning"
    PAUSE = 0.3

    def plan(self, group, *, registry, **options):
        import time

        time.sleep(self.PAUSE)
        plan = STRATEGIES["f46"].plan(group, registry=registry)
        return Plan(self, group, plan.order, registry=registry, recipe=plan.recipe)

    def assemble(self, plan, seed):
        return STRATEGIES["f46"].assemble(plan, seed)


def test_the_build_time_counts_planning():
    import time

    register_strategy(SlowF46())
    try:
        cert = construct("Z7", "slow_f46").certificate
    finally:
        unregister_strategy("slow_f46")
    assert cert.passed and cert.time_build_s >= SlowF46.PAUSE and cert.time_total_s >= cert.time_build_s
    plan = make_plan("Z7", "f46")
    alone = plan.build(0).certificate  # built on its own: timed from the call
    assert 0 <= alone.time_build_s <= alone.time_total_s and alone.passed
    assert plan.build(0, started=time.perf_counter() - 10).certificate.time_build_s >= 10


@typing.final
class Tiny(Strategy):
    """Claims one node on every group and builds nothing: kept out of comparisons by ``compared``."""

    name, summary, compared = "tiny", "one node, never compared", False

    def plan(self, group, *, registry, **options):
        return Plan(self, group, 1, registry=registry)

    def assemble(self, plan, seed):
        raise AssertionError("tiny is never built in these tests")


@typing.final
class Picky(Strategy):
    """Another strategy that compares others (as auto does): f46's plan under its own name."""

    name, summary, compares_others = "picky", "f46, as a strategy that compares others", True
    planned: typing.ClassVar[list] = []

    def plan(self, group, *, registry, **options):
        self.planned.append(group.spec)
        plan = STRATEGIES["f46"].plan(group, registry=registry)
        return Plan(self, group, plan.order, registry=registry, recipe=plan.recipe)

    def assemble(self, plan, seed):
        return STRATEGIES["f46"].assemble(plan, seed)


@typing.final
class Broken(Strategy):
    """Raises a ValueError in plan, whatever the group."""

    name, summary = "broken", "raises a ValueError when planning"

    def plan(self, group, *, registry, **options):
        raise ValueError(f"broken cannot plan {group.spec}")

    def assemble(self, plan, seed):
        raise AssertionError("never planned")


def test_compared_decides_what_auto_and_bounds_compare():
    from cogs.solver.bounds import cogs_construction

    assert STRATEGIES["memorize"].compared is False and STRATEGIES["auto"].compares_others is True
    assert all(STRATEGIES[n].compared and not STRATEGIES[n].compares_others for n in ("f6", "f46", "chain"))
    tiny = register_strategy(Tiny())
    try:
        assert make_plan("Z7", "auto").order == 12  # the chain's: tiny's one node is not compared
        assert "tiny" not in cogs_construction("Z5").tried and "memorize" not in cogs_construction("Z5").tried
        tiny.compared = True  # the attribute decides, not the name
        assert make_plan("Z7", "auto").order == 1 and make_plan("Z7", "auto").name == "tiny"
    finally:
        unregister_strategy("tiny")


def test_strategies_that_compare_others_are_not_planned_by_auto_and_come_last_in_bounds():
    from cogs.solver.bounds import cogs_construction

    Picky.planned.clear()
    register_strategy(Picky())
    try:
        assert make_plan("Z9", "auto").order == 15 and Picky.planned == []  # auto never plans picky (no recursion)
        best = cogs_construction("Z5")
        assert list(best.tried) == ["f6", "f46", "chain", "auto", "picky"]
        assert best.strategy == "chain" and best.tried["picky"].order == best.tried["f46"].order == 10
    finally:
        unregister_strategy("picky")


def test_a_strategy_whose_plan_raises_is_a_refusal_for_auto():
    """A registered strategy whose ``plan`` raises a ValueError does not break auto for every
    group: auto counts it as refusing (a bad option the caller gave it still raises)."""
    from cogs.solver.bounds import cogs_construction

    register_strategy(Broken())
    try:
        with pytest.raises(ValueError, match="broken cannot plan Z7"):
            make_plan("Z7", "broken")
        net = construct("Z7", "auto")
        assert net.order == 12 and net.certificate.passed and net.certificate.strategy == "chain"
        assert all(p.name != "broken" for p in make_plan("Z8", "auto").alternatives)
        assert cogs_construction("Z5").tried["broken"].error == "broken cannot plan Z5"
        with pytest.raises(ValueError, match="φ = 0"):
            construct("Z5", "auto", phi=0.0)  # read by the chain: the caller's error, not a refusal
    finally:
        unregister_strategy("broken")
