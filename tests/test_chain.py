"""The chain construction below the paper's orders (docs/beyond.md): doubling cycles, linked
generators, assembly, κ-form certificates, auto, and the CLI."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cogs.generators import default_registry, make_generator, scoped_registry
from cogs.generators.builtin_linked import chain_link, tri3
from cogs.generators.linked import LinkedBlock, LinkSignature, readout_error
from cogs.generators.registry import RegistrationError
from cogs.solver import construct
from cogs.solver.chain import chain_blocks, chain_layout, chain_order, chain_weights
from cogs.solver.linked_assembly import LinkError, assemble_linked
from groups import doubling_cycles, parse_group
from helpers import loss_ref

# (group, order with 3-node blocks, order without) — by hand: 2(d − 1) − n3 and 2(d − 1),
# n3 = (number of elements g ≠ 0 with 3g = 0)/2
CHAIN_TABLE = [
    ("Z3", 3, 4),
    ("Z5", 8, 8),
    ("Z7", 12, 12),
    ("Z9", 15, 16),
    ("Z11", 20, 20),
    ("Z13", 24, 24),
    ("Z15", 27, 28),
    ("Z21", 39, 40),
    ("Z23", 44, 44),
    ("Z27", 51, 52),
    ("Z3xZ3", 12, 16),
    ("Z3xZ5", 27, 28),
    ("Z5xZ5", 48, 48),
    ("Z3xZ9", 48, 52),
    ("Z3xZ3xZ3", 39, 52),
]


@pytest.mark.parametrize("spec, order, order_plain", CHAIN_TABLE)
def test_chain_is_exact_at_the_predicted_order(spec, order, order_plain):
    for tri, want in ((True, order), (False, order_plain)):
        c = construct(spec, "chain", tri3=tri)
        assert c.order == want == chain_order(spec, tri3=tri)
        loss = loss_ref(spec, c.W_a, c.W_b, c.W_c)  # independent enumeration, sum of squares
        assert loss <= 1e-20, (spec, tri, loss)
        cert = c.certificate
        assert cert.passed and cert.brute_force_loss <= 1e-20 and cert.kappa_loss <= 1e-20
        assert cert.certificate_form.startswith("kappa")
        assert cert.dc_inputs > 0.1  # the construction really has DC inputs
        assert sum(r.order for r in cert.orbits) == want


@pytest.mark.parametrize("spec", ["Z3", "Z5", "Z9", "Z15", "Z3xZ3", "Z3xZ5", "Z25", "Z3xZ3xZ3"])
def test_auto_never_above_chain_on_odd_groups(spec):
    a = construct(spec, "auto")
    assert a.order <= construct(spec, "chain").order
    assert a.meta["strategy"] == "chain" and a.certificate.requested_strategy == "auto"
    assert "chain" in a.certificate.note
    assert loss_ref(spec, a.W_a, a.W_b, a.W_c) <= 1e-20


def explicit_chain_inputs(d: int, phi: float):
    """Input rows as docs/beyond.md writes them for odd cyclic d, typed from the formulas (four nodes per orbit,
    no 3-node blocks), keyed by the character k each block uses."""
    g = np.arange(d)
    rows = {}
    seen = set()
    for k0 in range(1, d):
        if k0 in seen or (d - k0) in seen:
            continue
        ks = [k0]
        while (2 * ks[-1]) % d not in (k0, (d - k0) % d):
            ks.append((2 * ks[-1]) % d)
        closes_neg = (2 * ks[-1]) % d == (d - k0) % d
        types = ["u"] * len(ks)
        if closes_neg:
            types[-1] = "c"
        for i, k in enumerate(ks):
            seen.update({k, d - k})
            prev = types[i - 1]
            S = -4 / math.cos(phi) if prev == "u" else -4 / math.cos(3 * phi)
            disc = math.sqrt(S * S - 8)
            s1, s2 = (S + disc) / 2, (S - disc) / 2
            t = 1 if types[i] == "c" else 0
            x = 2 * np.pi * k * g / d
            Wa = [np.cos(x + phi) + s1, np.cos(x + phi) + s2, -np.sin(x + phi), -np.sin(x - 2 * t * phi)]
            Wb = [np.cos(x + phi), np.cos(x + phi), np.sin(x + phi), -np.sin(x - 2 * t * phi)]
            rows[k] = (np.array(Wa), np.array(Wb))
    return rows


@pytest.mark.parametrize("d, phi", [(5, math.pi / 8), (7, 0.3), (9, math.pi / 8), (13, 0.41)])
def test_chain_rows_match_the_formulas(d, phi):
    blocks, rows = chain_blocks(chain_layout(f"Z{d}", phi=phi, tri3=False))
    want = explicit_chain_inputs(d, phi)
    assert sorted(b.k for b in blocks) == sorted(want)
    for b in blocks:
        np.testing.assert_allclose(b.W_a, want[b.k][0], atol=1e-12)
        np.testing.assert_allclose(b.W_b, want[b.k][1], atol=1e-12)
    W_a, W_b, W_c, _ = chain_weights(chain_layout(f"Z{d}", phi=phi, tri3=False))
    assert loss_ref(f"Z{d}", W_a, W_b, W_c) <= 1e-20


def test_tri3_is_the_three_node_formula():
    G = parse_group("Z3")
    b = tri3(G, 1)
    g = np.arange(3)
    for t in range(3):
        np.testing.assert_array_equal(b.W_a[t], 6.0 * (g == t) - 5)
        np.testing.assert_array_equal(b.W_b[t], 6.0 * (g == t))
    # W_c[g, t] = (1/(8d))([π(g) = 2t] − 1/3), d = 3, π(g) = g
    W_a, W_b, W_c, _ = assemble_linked(G, [b])
    ref = np.array([[((gg - 2 * t) % 3 == 0) - 1 / 3 for t in range(3)] for gg in range(3)]) / 24
    np.testing.assert_allclose(W_c, ref, atol=1e-15)
    assert loss_ref("Z3", W_a, W_b, W_c) <= 1e-28


# even groups: (group, chain order, auto order) by hand. Odd-order orbits: 4 each (3 with
# 3k = 0); the rest with a complex orbit of even order: helper 6 + 4 per other even complex
# orbit + 1 per real character; without one (Z_2^n × odd): r sign nodes + 1 unit node.
EVEN_TABLE = [
    ("Z2", 2, 2),  # sign node + unit = 2 = z_real (auto keeps f6 on a tie)
    ("Z2xZ2", 4, 4),  # 3 + 1 (f6: 6)
    ("Z2xZ2xZ2", 8, 8),  # 7 + 1 (f6: 14)
    ("Z2xZ2xZ2xZ2", 16, 16),  # 15 + 1 (f6: 30)
    ("Z6", 10, 10),  # tri3 3 + helper 6 + real 1 (2d − r = 11)
    ("Z12", 22, 22),  # 3 + 6 + 3·4 + 1 (2d − r = 23)
    ("Z2xZ6", 20, 20),  # 3 + 6 + 2·4 + 3 (2d − r = 21)
    ("Z2xZ2xZ3", 20, 20),  # ≅ Z2xZ6
    ("Z10", 19, 19),  # 2·4 + 6 + 4 + 1 = 2d − r: a tie
    ("Z14", 27, 27),  # 3·4 + 6 + 2·4 + 1 = 2d − r: a tie
]


@pytest.mark.parametrize("spec, order, auto_order", EVEN_TABLE)
def test_chain_on_even_groups(spec, order, auto_order):
    c = construct(spec, "chain", seed=3)
    assert c.order == order == chain_order(spec)
    assert loss_ref(spec, c.W_a, c.W_b, c.W_c) <= 1e-20
    assert c.certificate.passed and c.certificate.brute_force_loss <= 1e-20
    a = construct(spec, "auto")
    assert a.order == auto_order <= order
    assert sum(r.order for r in c.certificate.orbits) == order


def test_chain_refuses_2_groups_and_bad_phi():
    for spec in ("Z8", "Z4", "Z2xZ4", "Z16"):
        with pytest.raises(ValueError, match="no character of odd order"):
            construct(spec, "chain")
    with pytest.raises(ValueError, match="sin 2φ"):
        construct("Z5", "chain", phi=0.0)
    with pytest.raises(ValueError, match="cos 3φ"):
        construct("Z5", "chain", phi=math.pi / 6)
    with pytest.raises(ValueError, match="finite"):
        construct("Z5", "chain", phi=float("nan"))
    # near a forbidden angle the read-out divides by ~0: refused, not built inexactly
    for phi in (math.pi / 2 - 2e-6, math.pi / 6 + 2e-6, 1e-5):
        with pytest.raises(ValueError, match="needs"):
            construct("Z9", "chain", phi=phi)
    # above CHAIN_MAX_D the order is still planned (2(d − 1), no orbit with 3k = 0 on a prime
    # d), and only building is refused
    from cogs.solver.chain import chain_layout, chain_weights

    assert chain_order("Z4099") == 2 * 4098
    with pytest.raises(ValueError, match="CHAIN_MAX_D"):
        chain_weights(chain_layout("Z4099"))


@pytest.mark.parametrize("phi", [0.2, 1.0, 2.0, -0.7])
def test_chain_any_valid_phi(phi):
    c = construct("Z11", "chain", phi=phi)
    assert c.order == 20 and loss_ref("Z11", c.W_a, c.W_b, c.W_c) <= 1e-20
    assert c.certificate.details.phi == phi


def test_f46_certificate_keeps_the_zero_mean_form():
    cert = construct("Z7", "f46").certificate
    assert cert.certificate_form.startswith("zero-mean") and cert.kappa_loss is None


# -- doubling cycles ----------------------------------------------------------------------
odd_moduli = st.lists(st.sampled_from([3, 5, 7, 9, 11, 15]), min_size=1, max_size=2).filter(lambda m: math.prod(m) <= 135)


@settings(max_examples=25, deadline=None)
@given(odd_moduli)
def test_doubling_cycles_partition_the_orbits(mods):
    G = parse_group("x".join(f"Z{m}" for m in mods))
    T, neg = G.cayley_table(), G.neg_table()
    covered = []
    for cyc in doubling_cycles(G):
        for i, k in enumerate(cyc.ks):
            j, sign = cyc.next(i)
            want = cyc.ks[j] if sign > 0 else neg[cyc.ks[j]]
            assert T[k, k] == want
            covered.append(G.orbit_of(k))
    assert sorted(covered) == sorted(G.orbits())  # each orbit exactly once


@pytest.mark.parametrize("spec, covered", [("Z6", [2]), ("Z12", [4]), ("Z8", []), ("Z2xZ5", [2, 4])])
def test_doubling_cycles_of_even_groups_cover_the_odd_order_characters(spec, covered):
    G = parse_group(spec)
    got = sorted(G.orbit_of(k).k for c in doubling_cycles(G) for k in c.ks)
    assert got == covered


# -- linked generators in the registry -------------------------------------------------
def test_builtin_linked_generators_are_registered():
    reg = default_registry()
    assert reg["chain_link"].builds == "linked" and reg["tri3"].builds == "linked"
    sig = reg["chain_link"].signatures["complex"]
    assert LinkSignature.parse(repr(sig)) == sig and sig.dc_inputs and sig.links and sig.exports
    assert "chain_link" not in [g.name for g in reg.block_generators("complex")]


def test_wrong_linked_declarations_are_rejected():
    def bad_readout(group, k, **kw):
        b = tri3(group, k)
        return LinkedBlock(b.k, b.W_a, b.W_b, 2 * b.readout)

    def no_dc_claim(group, k):
        return tri3(group, k)

    with scoped_registry() as reg:
        with pytest.raises(RegistrationError, match="misses cos X"):
            reg.register(make_generator(bad_readout, name="bad", order=3, signature=LinkSignature("order3", 3, dc_inputs=True), builds="linked"))
        with pytest.raises(RegistrationError, match="dc_inputs"):
            reg.register(make_generator(no_dc_claim, name="bad2", order=3, signature=LinkSignature("order3", 3, dc_inputs=False), builds="linked"))
        with pytest.raises(RegistrationError, match="LinkSignature"):
            make_generator(no_dc_claim, name="bad3", order=3, signature=None, builds="linked")


def test_chain_without_tri3_in_the_registry():
    reg = default_registry().subset([n for n in default_registry().names() if n != "tri3"])
    c = construct("Z9", "chain", registry=reg)
    assert c.order == 16 and c.certificate.passed
    with pytest.raises(ValueError, match="chain_link"):
        construct("Z9", "chain", registry=default_registry().subset(["one", "z_nu", "z_syn"]))


def test_link_mismatch_is_refused():
    G = parse_group("Z5")
    b1 = chain_link(G, 1, link_sign=1, S=-4.4)
    b2 = chain_link(G, 2, link_sign=-1, S=-4.4)  # b1 asks for S = −4/cos φ at k = 2
    with pytest.raises(LinkError, match="exports"):
        assemble_linked(G, [b1, b2])
    with pytest.raises(LinkError, match="no block exports"):
        assemble_linked(G, [b1])
    assert readout_error(G, b1) < 1e-12


# -- CLI ---------------------------------------------------------------------------------
def test_construct_cli_chain(tmp_path, capsys):
    from cogs.cli.main import main

    out = tmp_path / "c.npz"
    assert main(["construct", "--group", "Z3xZ3", "--strategy", "chain", "--out", str(out), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["order"] == 12 and data["certificate_form"].startswith("kappa") and data["passed"]
    assert {o["name"] for o in data["orbits"]} == {"tri3"}
    assert main(["construct", "--group", "Z9", "--strategy", "chain", "--no-tri3", "--phi", "0.3", "--out", str(out),
                 "--overwrite"]) == 0
    text = capsys.readouterr().out
    assert "order        16" in text and "kappa" in text and "reads the Γ-pair" in text


@pytest.mark.parametrize(
    "args, needle",
    [
        (["--group", "Z8", "--strategy", "chain"], "no character of odd order"),
        (["--group", "Z5", "--strategy", "chain", "--phi", "0"], "sin 2φ"),
        (["--group", "Z5", "--strategy", "f46", "--phi", "0.3"], "apply to --strategy chain"),
        (["--group", "Z5", "--strategy", "f6", "--no-tri3"], "apply to --strategy chain"),
        (["--group", "Z4", "--strategy", "auto", "--phi", "nan"], "finite"),
        (["--group", "Z7", "--strategy", "chain", "--phi=-inf"], "finite"),
    ],
)
def test_construct_cli_chain_errors(args, needle, tmp_path, capsys):
    from cogs.cli.main import main

    assert main(["construct", *args, "--out", str(tmp_path / "x.npz")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and needle in err[0]
    assert not (tmp_path / "x.npz").exists()


def test_phi_is_reduced_mod_2pi():
    a = construct("Z7", "chain", phi=0.3 + 40 * math.pi)
    assert a.certificate.details.phi == pytest.approx(0.3, abs=1e-12)
    assert loss_ref("Z7", a.W_a, a.W_b, a.W_c) <= 1e-20


def test_the_solver_picks_linked_generators_by_signature():
    """A registered linked generator with the fitting signature and fewer nodes is used; one
    without a φ parameter is called without it."""
    calls = []

    def my_tri(group, k):
        calls.append(k)
        return tri3(group, k)

    with scoped_registry() as reg:
        reg.unregister("tri3")
        assert chain_order("Z9") == 16  # no 3-node block registered: four nodes on {3, 6}
        reg.register(make_generator(my_tri, name="my_tri", order=3, signature=LinkSignature("order3", 3, dc_inputs=True), builds="linked"))
        calls.clear()
        c = construct("Z9", "chain")
        assert c.order == 15 and calls == [3] and c.certificate.passed
        assert {r.name for r in c.certificate.orbits} == {"chain_link", "my_tri"}


def test_trimmed_registries_give_the_real_reason():
    base = default_registry()
    no_unit = base.subset([n for n in base.names() if n != "unit"])
    with pytest.raises(ValueError, match="lacks"):
        construct("Z2xZ2", "chain", registry=no_unit)
    assert construct("Z2xZ2", "auto", registry=no_unit).order == 6  # falls back to z_real
    no_link = base.subset([n for n in base.names() if n != "chain_link"])
    assert construct("Z3xZ3", "chain", registry=no_link).order == 12  # tri3 covers every orbit
    with pytest.raises(ValueError, match="Γ-pairs"):
        construct("Z5", "chain", registry=no_link)


def test_certificate_passes_on_exact_evidence_only():
    from cogs.solver.certificate import certify

    c = construct("Z5", "chain")
    W = [w.copy() for w in c.weights]
    W[2] = W[2] * (1 + 1e-4)  # a slightly wrong network
    evidence = certify(c.group, *W)
    assert not evidence.passed and evidence.brute_force_loss > 1e-12
