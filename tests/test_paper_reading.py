"""The paper's reading of factorable orbits (normalisation to abc = 1 per node, the tolerance
rules, product names) and Table 2, on hand-built factors and hand-computed shares."""

from __future__ import annotations

import math
import types

import numpy as np
import pytest

from cogs.reading import analyze_network, factorize
from cogs.reading.paper import (
    name_order2,
    name_order3,
    name_paper_factor,
    normalize_columns,
    principal_cbrt,
    read_pairing,
)
from cogs.reports.table2 import network_row, summarize, table2

W = np.exp(2j * np.pi / 3)
RNG = np.random.default_rng(7)


def kron_rows(x, y):
    """Row-wise Kronecker product: node (j1, j2) = x_j1 ⊙ y_j2."""
    return (np.asarray(x)[:, :, None] * np.asarray(y)[:, None, :]).reshape(3, -1)


def disguise(F, rng, signs=True):
    """What training leaves: a per-row scale D (x*y = Dx * D⁻¹y keeps the products — here
    applied to the whole block, which only rescales rows), a node permutation and node sign
    flips (a, b) → (−a, −b)."""
    D = rng.uniform(0.5, 2.0, 3) * np.exp(1j * rng.uniform(-np.pi, np.pi, 3))
    F = F * D[:, None]
    perm = rng.permutation(F.shape[1])
    F = F[:, perm].copy()
    if signs:
        flip = rng.random(F.shape[1]) < 0.5
        F[:2, flip] *= -1
    return F


# ---------------------------------------------------------------- normalisation


def test_principal_cube_root():
    assert principal_cbrt(-8) == pytest.approx(1 + 1j * math.sqrt(3), abs=1e-12)
    assert principal_cbrt(8) == pytest.approx(2, abs=1e-12)
    z = 2.0 * np.exp(3j)  # arg 3 rad → cube root arg 1 rad
    assert principal_cbrt(z) == pytest.approx(2 ** (1 / 3) * np.exp(1j), abs=1e-12)


def test_normalize_columns_gives_abc_one_and_keeps_directions():
    X = RNG.standard_normal((3, 5)) + 1j * RNG.standard_normal((3, 5))
    N = normalize_columns(X)
    assert np.allclose(N.prod(axis=0), 1.0, atol=1e-12)
    ratio = X / N  # one scalar per column
    assert np.allclose(ratio, ratio[:1], atol=1e-12)
    assert np.all(np.isnan(normalize_columns(np.array([[1, 0], [1, 2], [1, 3]]))[:, 1]))


def test_normalisation_is_what_names_a_scaled_node():
    # z_nu_i's node (i, −i, 1) scaled by 1.5 on every row: a·b·c = 1.5³ ≠ 1
    v = 1.5 * np.array([1j, -1j, 1.0])
    assert name_order2(v)[0] == "z_nu"  # read as is, |c − 1| = 0.5 > 0.1: only a + b = 0 holds
    f = name_paper_factor(np.stack([np.ones(3), v], axis=1), base=True)
    assert f.name == "z_nu_i"


# ---------------------------------------------------------------- order-2 rules


@pytest.mark.parametrize("eps", [1, -1])
def test_z_xi_rule(eps):
    xi = 0.7 * np.exp(0.3j)
    v = np.array([xi, -1j * eps / xi, 1j * eps])
    name, params = name_order2(v)
    assert name == "z_xi" and params["eps"] == eps and params["xi"] == pytest.approx(xi, abs=1e-12)


def test_z_nu_i_and_z_nu_rules():
    assert name_order2([1j, -1j, 1])[0] == "z_nu_i"
    assert name_order2([-1j, 1j, 1])[0] == "z_nu_i"
    nu = 0.8 * np.exp(0.5j)
    name, params = name_order2([nu, -nu, -nu ** -2])
    assert name == "z_nu" and params["nu"] == pytest.approx(nu)
    # the rules are tried in order: z_nu at ν = e^{iπ/4} has c = −ν⁻² = i, so it reads z_xi
    nu = np.exp(1j * np.pi / 4)
    assert name_order2([nu, -nu, -nu ** -2])[0] == "z_xi"
    assert name_order2([1, -1, -1], kind="real")[0] == "z_real"
    assert name_order2([2, 1, 0.5]) == (None, {})


def test_order2_tolerance_is_strict_at_0_1():
    assert name_order2([1j, -1j + 0.3, 1.0999])[0] == "z_nu_i"  # the z_nu_i rule reads c and a only
    assert name_order2([1j, -1j + 0.3, 1.1001])[0] is None


# ---------------------------------------------------------------- order-3 rules


def syn_ab(alpha, beta):
    return np.array([[1, alpha * W, beta * W.conjugate()],
                     [1, np.conj(alpha) * W, np.conj(beta) * W.conjugate()],
                     [1, W, W.conjugate()]])


def test_z_syn_through_signs_conjugation_and_order():
    Y = syn_ab(1, 1)
    assert name_order3(Y)[0] == "z_syn"
    Z = Y[:, [0, 2, 1]].copy()  # c row (1, ω̄, ω): conjugated by the rule
    Z[:2, 1] *= -1  # a node sign flip
    assert name_order3(Z)[0] == "z_syn"


def test_z_syn_uses_per_node_distance_not_max_abs():
    Y = syn_ab(1, 1)
    Y[0, 1] += 0.2  # perturb a of node 1, then renormalise to abc = 1
    N = normalize_columns(Y)
    dev = N[:, 1] - W * np.ones(3)
    assert np.max(np.abs(dev)) > 0.1  # a max-abs rule with 0.1 would reject it
    assert np.linalg.norm(dev) < 0.1 * math.sqrt(3)
    assert name_paper_factor(Y, base=True).name == "z_syn"


def test_z_syn_ab_by_its_c_row():
    alpha, beta = np.exp(0.9j), np.exp(-2.1j)
    name, params = name_order3(syn_ab(alpha, beta))
    assert name == "z_syn_ab"
    # α is defined up to the node sign symmetry
    assert min(abs(params["alpha"] - alpha), abs(params["alpha"] + alpha)) < 1e-12
    Y = syn_ab(alpha, beta)
    Y[2, 1] *= np.exp(0.15j)  # c off by |ω(e^{0.15i} − 1)| ≈ 0.15 > 0.1
    assert name_order3(Y)[0] is None


# ---------------------------------------------------------------- products through the pairing search


def z_nu_i():
    return np.array([[1, 1j], [1, -1j], [1, 1]])


def z_xi(xi, eps=1):
    return np.array([[1, xi], [1, -1j * eps / xi], [1, 1j * eps]])


def z_nu(nu):
    return np.array([[1, nu], [1, -nu], [1, -nu ** -2]])


CASES = [
    ("z_nu_i*z_xi", lambda: kron_rows(z_nu_i(), z_xi(0.9 * np.exp(0.2j)))),
    ("z_nu*z_syn", lambda: kron_rows(z_nu(0.7 * np.exp(0.3j)), syn_ab(1, 1))),
    ("z_nu_i*z_syn_ab", lambda: kron_rows(z_nu_i(), syn_ab(np.exp(0.7j), np.exp(2.0j)))),
]


@pytest.mark.parametrize("family,build", CASES, ids=[c[0] for c in CASES])
def test_products_are_read_by_family(family, build):
    rng = np.random.default_rng(11)
    for _ in range(5):
        F = disguise(build(), rng)
        fact = factorize(F)
        assert fact.factorable and fact.error < 1e-10
        assert read_pairing(fact.best).family == family


# ---------------------------------------------------------------- Table 2


def orbit(order, factorable=None, family=None):
    return types.SimpleNamespace(order=order, factorable=factorable, family=family)


def test_table2_row_and_summary_by_hand():
    net1 = types.SimpleNamespace(orbits=[
        orbit(4, True, "z_nu_i*z_xi"), orbit(4, True, "z_nu_i*z_xi"), orbit(4, True, "z_nu_i*z_xi"),
        orbit(6, True, "z_nu*z_syn"), orbit(6, True, "z_nu_i*z_syn"), orbit(6, True, None),
        orbit(4, False), orbit(0), orbit(3), orbit(3),
    ])
    net2 = types.SimpleNamespace(orbits=[
        orbit(4, True, "z_nu_i*z_xi"), orbit(6, True, "z_nu_i*z_syn_ab"), orbit(6, False), orbit(2),
    ])
    r1 = network_row(net1)
    assert r1["z_nu_i*z_xi"] == pytest.approx(3 / 6)
    assert r1["z_nu_i*z_syn_ab"] == pytest.approx(1 / 6)
    assert r1["z_nu*z_syn"] == pytest.approx(1 / 6)
    assert r1["others"] == pytest.approx(1 / 6)
    assert r1["non_factorable_4"] == pytest.approx(1 / 4)
    assert r1["non_factorable_6"] == 0.0
    assert (r1["n_order_4"], r1["n_order_6"], r1["n_order_0"], r1["n_other_orders"]) == (4, 3, 1, 2)
    r2 = network_row(net2)
    assert r2["z_nu_i*z_xi"] == pytest.approx(1 / 2) and r2["z_nu_i*z_syn_ab"] == pytest.approx(1 / 2)
    assert r2["non_factorable_6"] == pytest.approx(1 / 2)
    t = table2([net1, net2])
    # mean of 1/2 and 1/2 is 1/2 with no spread; of 1/6 and 1/2 it is 1/3 ± (1/6)
    assert t["z_nu_i*z_xi"]["mean"] == pytest.approx(0.5) and t["z_nu_i*z_xi"]["sem"] == pytest.approx(0.0)
    assert t["z_nu_i*z_syn_ab"]["mean"] == pytest.approx(1 / 3)
    assert t["z_nu_i*z_syn_ab"]["sem"] == pytest.approx(1 / 6)  # s = |1/2 − 1/6|/√2, sem = s/√2
    assert t["n_order_6"]["mean"] == pytest.approx(2.5) and t["n_order_6"]["sem"] == pytest.approx(0.5)
    assert summarize([network_row(net2)])["z_nu*z_syn"] == {"mean": 0.0, "sem": None}


def test_constructed_f46_reads_as_the_paper_construction():
    from cogs.solver import construct
    from groups import parse_group

    G = parse_group("Z11")
    c = construct(G, "f46", seed=0)
    an = analyze_network(G, *c.weights)
    fams = sorted(o.family for o in an.orbits)
    # z_F4/6 on Z11: 4 orbits carry z_{ν=i} * z_ξ, one carries z_ν * z_syn (or its ν = i case)
    assert [o.order for o in an.orbits].count(4) == 4 and [o.order for o in an.orbits].count(6) == 1
    assert fams.count("z_nu_i*z_xi") == 4
    assert len({"z_nu*z_syn", "z_nu_i*z_syn", "z_nu_i*z_syn_ab"} & set(fams)) == 1
    row = network_row(an)
    assert row["z_nu_i*z_xi"] == pytest.approx(4 / 5) and row["others"] == 0.0


def test_lsq_estimate_halves_the_noise_of_y():
    rng = np.random.default_rng(3)
    F0 = kron_rows(z_nu(0.7 * np.exp(0.3j)), syn_ab(1, 1))
    from cogs.reading.paper import paper_pairing

    errs = {"first": [], "lsq": []}
    for _ in range(40):
        F = F0 + 0.02 * (rng.standard_normal(F0.shape) + 1j * rng.standard_normal(F0.shape))
        for est in errs:
            p = paper_pairing(F, estimate=est)
            assert p.factorable
            y0 = F0[:, list(p.first)].copy()  # the noiseless first half, signs as the pairing set them
            y0[:2, list(p.flipped)] *= -1
            errs[est].append(np.linalg.norm(p.y - y0))
    assert np.mean(errs["lsq"]) < 0.85 * np.mean(errs["first"])
