"""models.explain: node homes, DC inputs, output links, and the local dimension of the
solution set (Jacobian nullity minus the per-node gauge) on networks with known answers."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from cogs.reading import Explanation, explain
from models.explain import gauge_vectors
from groups import parse_group
from models.forward import brute_force_loss
from models.residuals import jacobian


def z3_q3():
    """Hand-built exact Z3 solution of order 3 (= the lower bound 3c + r):
    W_a[j,g] = 6[g=j] − 5, W_b[j,g] = 6[g=j], W_c[g,j] = ([g = 2j] − 1/3)/24.

    h_j(a,b) = 25 − 24([a=j] + [b=j]) + 72[a=j][b=j]; Σ_j W_c[:,j] = 0 kills the 25; a = b
    gives 3(e_2a − 1/3) − 2(e_2a − 1/3); a ≠ b gives −(e_2a + e_2b − 2/3) = e_{a+b} − 1/3
    because {2a, 2b, a+b} = Z3."""
    g = np.arange(3)
    W_a = 6.0 * (g[None, :] == g[:, None]) - 5.0
    W_b = 6.0 * (g[None, :] == g[:, None])
    W_c = ((g[:, None] == (2 * g[None, :]) % 3) - 1.0 / 3.0) / 24.0
    return W_a, W_b, W_c


def loss_of(W_a, W_b, W_c, G):
    return float(brute_force_loss(G, *(torch.as_tensor(w, dtype=torch.float64) for w in (W_a, W_b, W_c))))


def test_one_node_counts():
    G = parse_group("Z2")
    e = explain(G, np.array([[1.0, -1.0]]), np.array([[1.0, -1.0]]), np.array([[1.0], [-1.0]]))
    assert isinstance(e, Explanation) and e.q == 1
    (n,) = e.nodes
    assert n.home == 1 and n.reach == (1,) and n.touch == (1,) and not n.has_dc and not n.dead
    assert n.dc_a == 0 and n.dc_b == 0 and n.home_share == pytest.approx(1.0)
    assert [(o.label, o.nodes, o.dc_nodes, o.links) for o in e.orbits] == [("DC", 0, 0, ()), ("k=1 [1]", 1, 0, ())]
    # one node cannot solve Z2 (h ≥ 0): the flag is up
    assert e.loss_flag and e.loss == pytest.approx(12.5)
    assert "NOT a solution" in e.summary_lines()[0]


def test_z7_f46_links_exactly_on_the_helper_orbit():
    from cogs.solver import construct

    c = construct("Z7", "f46", seed=0)
    e = explain(c.group, *c.weights)
    helper = c.certificate.details.helper_orbit
    assert e.q == 14 and not e.loss_flag and not e.dead_nodes
    assert all(n.home != 0 and not n.has_dc for n in e.nodes)
    rows = {o.k: o for o in e.orbits[1:]}
    assert e.orbits[0].nodes == 0
    assert sorted(o.nodes for o in rows.values()) == [4, 4, 6] and rows[helper].nodes == 6
    assert all(o.dc_nodes == 0 for o in e.orbits)
    others = tuple(o.index for o in e.orbits[1:] if o.k != helper)
    for o in rows.values():
        assert o.links == (others if o.k == helper else ())
    # the local dimension is a property of the construction, not of its random parameters
    e1 = explain("Z7", *construct("Z7", "f46", seed=1).weights)
    assert (e.local.nullity, e.local.gauge_rank) == (e1.local.nullity, e1.local.gauge_rank)
    assert e.local.gauge_rank == 3 * 14 and e.local.local_dimension > 0


def test_dc_components_by_hand():
    G = parse_group("Z3")
    W_a, W_b, W_c = z3_q3()
    # a 4th node homed on k = 0: w_a = (4, 3, 3) has A_0 = 10/3, |A_±1| = 1/3; output reaches {1, 2}
    W_a = np.vstack([W_a, [4.0, 3.0, 3.0]])
    W_b = np.vstack([W_b, [0.0, 0.0, 0.0]])
    W_c = np.hstack([W_c, [[1.0], [-1.0], [0.0]]])
    e = explain(G, W_a, W_b, W_c)
    for n in e.nodes[:3]:  # A_0 = (6 − 15)/3 = −3, B_0 = 6/3 = 2; orbit energy 2·(4 + 4) = 16 > 9 + 4
        assert n.home == 1 and n.has_dc and n.dc_a == pytest.approx(-3.0) and n.dc_b == pytest.approx(2.0)
        assert n.reach == (1,) and n.touch == (0, 1)
    dc = e.nodes[3]
    assert dc.home == 0 and dc.has_dc and dc.dc_a == pytest.approx(10 / 3) and dc.dc_b == 0 and dc.reach == (1,)
    assert dc.home_share == pytest.approx((100 / 9) / (100 / 9 + 2 / 9))
    assert [(o.nodes, o.dc_nodes, o.links) for o in e.orbits] == [(1, 1, (1,)), (3, 3, ())]
    assert "DC" in e.table().splitlines()[1]


def test_gauge_vectors_are_in_the_kernel():
    rng = np.random.default_rng(3)
    G = parse_group("Z5")
    for W in ([rng.normal(size=(4, 5)), rng.normal(size=(4, 5)), rng.normal(size=(5, 4))], z3_q3()):
        g = G if W[0].shape[1] == 5 else parse_group("Z3")
        J = jacobian(g, *(torch.as_tensor(w) for w in W)).numpy()
        V = gauge_vectors(*W)
        assert V.shape == (J.shape[1], 3 * W[0].shape[0])
        assert np.abs(J @ V).max() <= 1e-10
        assert explain(g, *W).local.gauge_residual <= 1e-10


def test_random_non_solution_is_flagged_and_has_only_the_gauge():
    rng = np.random.default_rng(0)
    q = 4
    e = explain("Z5", rng.normal(size=(q, 5)), rng.normal(size=(q, 5)), rng.normal(size=(5, q)))
    assert e.loss_flag and e.loss > 1e-3
    L = e.local
    # generic point: rank J = 3qd − 3q (≤ d²(d−1) = 100), so ker J is exactly the gauge
    assert (L.rank, L.nullity, L.gauge_rank, L.local_dimension) == (48, 12, 12, 0)
    assert L.gap is not None and L.gap > 1e6


def test_local_dimension_invariant_under_permutation_and_node_scaling():
    from cogs.solver import construct

    c = construct("Z5", "f46", seed=2)
    base = explain(c.group, *c.weights)
    rng = np.random.default_rng(7)
    perm = rng.permutation(c.order)
    s = rng.uniform(0.5, 2.0, size=c.order) * rng.choice([-1.0, 1.0], size=c.order)
    W_a, W_b, W_c = c.W_a[perm] * s[perm, None], c.W_b[perm] * s[perm, None], c.W_c[:, perm] / s[perm] ** 2
    other = explain(c.group, W_a, W_b, W_c)
    assert other.loss < 1e-12
    a, b = base.local, other.local
    assert (a.rank, a.nullity, a.gauge_rank, a.local_dimension) == (b.rank, b.nullity, b.gauge_rank, b.local_dimension)
    assert [(o.nodes, o.dc_nodes, o.links) for o in base.orbits] == [(o.nodes, o.dc_nodes, o.links) for o in other.orbits]


def test_z3_order_3_dimension_count():
    G = parse_group("Z3")
    W = z3_q3()
    assert abs(loss_of(*W, G)) < 1e-12
    e = explain(G, *W)
    L = e.local
    assert not e.loss_flag and L.n_params == 27 and L.jacobian_shape == (27, 27)
    # P o(a, b) lies in the sum-zero space: rank J ≤ d²(d − 1) = 18, so nullity ≥ 27 − 18 = 9
    # = 3q; the three gauge vectors of each node are independent; nothing else is free
    assert (L.rank, L.nullity, L.gauge_rank, L.local_dimension) == (18, 9, 9, 0)
    assert L.nullity >= L.gauge_rank
    # σ_18 ≈ 0.0175, σ_19 ≈ 8e-15, default cut ≈ 2e-13: the count does not move within the gap
    for f in (0.1, 0.5, 2.0, 1e6):
        M = explain(G, *W, rank_tol=L.rank_tol * f).local
        assert (M.rank, M.nullity, M.gauge_rank, M.local_dimension) == (18, 9, 9, 0)
    # a cut inside the rounding noise counts noise as rank and says so
    M = explain(G, *W, rank_tol=L.rank_tol * 1e-3).local
    assert M.nullity < M.gauge_rank and "counts gauge directions as non-null" in M.note


def test_dead_node_adds_its_free_weights():
    """A node with w_a = −w_b = 2 and w_c = 0 has h ≡ 0: all its 3d = 9 weights are free
    (nullity +9) and its gauge rank is 2 ((i) = 2·(ii)): local dimension 0 + 9 − 2 = 7."""
    G = parse_group("Z3")
    W_a, W_b, W_c = z3_q3()
    W_a = np.vstack([W_a, [2.0, 2.0, 2.0]])
    W_b = np.vstack([W_b, [-2.0, -2.0, -2.0]])
    W_c = np.hstack([W_c, np.zeros((3, 1))])
    e = explain(G, W_a, W_b, W_c)
    assert e.dead_nodes == (3,) and sum(o.nodes for o in e.orbits) == 3
    assert (e.local.nullity, e.local.gauge_rank, e.local.local_dimension) == (18, 11, 7)
    assert "dead" in e.table()


def test_torch_input_json_and_skip():
    W = [torch.as_tensor(w, dtype=torch.float32) for w in z3_q3()]
    e = explain("Z3", *W, local_dimension=False)
    assert e.local is None and [n.home for n in e.nodes] == [1, 1, 1]
    d = json.loads(json.dumps(e.to_dict(), allow_nan=False))
    assert d["group"] == "Z3" and d["local_dimension"] is None and len(d["nodes"]) == 3
    full = explain("Z3", *z3_q3()).to_dict()
    json.dumps(full, allow_nan=False)
    assert full["local_dimension"]["local_dimension"] == 0
    lines = explain("Z3", *z3_q3()).summary_lines()
    assert 3 <= len(lines) <= 5 and "local dimension 0" in lines[-1]


@pytest.mark.parametrize(
    "case, needle",
    [
        ("shape", "expected"),
        ("nan", "NaN or Inf"),
        ("complex", "real numbers"),
        ("rel_tol", "rel_tol"),
        ("rank_tol", "rank_tol"),
        ("empty", "no hidden nodes"),
        ("big", "GB"),
    ],
)
def test_bad_input(case, needle):
    W_a, W_b, W_c = z3_q3()
    kw = {}
    group = "Z3"
    if case == "shape":
        W_c = W_c[:, :2]
    elif case == "nan":
        W_a = W_a.copy()
        W_a[0, 0] = np.nan
    elif case == "complex":
        W_b = W_b + 1j
    elif case == "rel_tol":
        kw = {"rel_tol": 0.0}
    elif case == "rank_tol":
        kw = {"rank_tol": -1.0}
    elif case == "empty":
        W_a, W_b, W_c = np.zeros((0, 3)), np.zeros((0, 3)), np.zeros((3, 0))
    elif case == "big":
        group = "Z64"  # d³ × 3qd × 8 = 64³ · 38400 · 8 ≈ 80 GB
        W_a, W_b, W_c = np.zeros((200, 64)), np.zeros((200, 64)), np.zeros((64, 200))
    with pytest.raises(ValueError) as err:
        explain(group, W_a, W_b, W_c, **kw)
    msg = str(err.value)
    assert needle in msg and "\n" not in msg
    if case == "big":
        assert explain(group, W_a, W_b, W_c, local_dimension=False).local is None
