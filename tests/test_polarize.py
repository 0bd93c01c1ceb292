"""Exact global solutions on any finite group: the blocks of the group algebra, the polarize
strategy, memorize and auto on groups read by irreps, and the general lower bound.

Expected orders are computed by hand here: per non-trivial real irreducible the rank of the
chosen algorithm (schoolbook m³ for M_m(R), Gauss 3 per complex product, 16 per quaternion
product; Strassen 7, Laderman 23, the 8-product quaternion algorithm), times 2 (polarisation).
The loss is checked by a brute force written here over all n² pairs."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cogs
from cogs.solver import make_plan
from cogs.solver.bounds import lower_bound
from groups import TableGroup, block_from_coords, blocks, parse_group


def loss_by_hand(G, W_a, W_b, W_c) -> float:
    """ℓ = (1/n²) Σ_{g,h} ‖P(o(g, h) − e_{g·h})‖², every pair enumerated."""
    n, T = G.order, G.cayley_table()
    total = 0.0
    for g in range(n):
        h = W_a[:, g][:, None] + W_b  # (q, n): pre-activations for (g, ·)
        o = W_c @ (h * h)  # (n, n): output at k for each h
        target = np.eye(n)[:, T[g]]
        res = (o - o.mean(0)) - (target - 1.0 / n)
        total += float(np.sum(res * res))
    return total / n**2


def _relabelled_s3():
    P = list(itertools.permutations(range(3)))
    perm = [4, 2, 0, 5, 1, 3]
    T = np.empty((6, 6), dtype=np.int64)
    for a, g in enumerate(P):
        for b, h in enumerate(P):
            T[perm[a], perm[b]] = perm[P.index(tuple(g[h[i]] for i in range(3)))]
    return TableGroup.from_table(T, name="S3 relabelled")


GROUPS = ["S3", "D4", "Q8", "Dic3", "A4", "D5", "S4", "S3xZ3"]

# (group, naive order, best order): 2 × Σ ranks, by hand
ORDERS = [
    ("S3", 2 * (1 + 8), 2 * (1 + 7)),  # sign: 1; M_2(R): 8 or Strassen 7
    ("D4", 2 * (1 + 1 + 1 + 8), 2 * (3 + 7)),
    ("Q8", 2 * (3 + 16), 2 * (3 + 8)),  # H: 16 naive, 8 with the quaternion algorithm
    ("A4", 2 * (3 + 27), 2 * (3 + 23)),  # C: Gauss 3; M_3(R): 27 or Laderman 23
    ("S4", 2 * (1 + 8 + 27 + 27), 2 * (1 + 7 + 23 + 23)),
    ("Dic3", 2 * (1 + 8 + 3 + 16), 2 * (1 + 7 + 3 + 8)),
]


@pytest.mark.parametrize("spec,naive,best", ORDERS)
def test_polarised_orders_are_twice_the_chosen_ranks(spec, naive, best):
    assert make_plan(spec, "polarize", algorithm="naive").order == naive
    assert make_plan(spec, "polarize").order == best
    assert make_plan(spec, "auto").order <= best  # auto is never above polarised best


@pytest.mark.parametrize("spec", GROUPS + ["relabelled"])
@pytest.mark.parametrize("strategy", ["polarize", "auto"])
def test_every_strategy_is_exact_on_non_abelian_groups(spec, strategy):
    G = _relabelled_s3() if spec == "relabelled" else parse_group(spec)
    net = cogs.construct(G, strategy)
    cert = net.certificate
    assert cert.passed and net.order == cert.order == make_plan(G, strategy).order
    assert loss_by_hand(G, *net.weights) <= 1e-20
    assert cert.four_parts["total"] <= 1e-20 and cert.brute_force_loss <= 1e-20
    assert sum(b.nodes for b in cert.blocks) == net.order


@pytest.mark.parametrize("spec", ["S3", "Q8"])
def test_memorize_builds_one_node_per_pair_on_any_group(spec):
    G = parse_group(spec)
    net = cogs.construct(G, "memorize")
    assert net.order == G.order**2 and net.certificate.passed
    assert loss_by_hand(G, *net.weights) <= 1e-20


def test_the_naive_algorithm_everywhere_and_a_named_one_where_it_fits():
    s4 = make_plan("S4", "polarize", algorithm="laderman")
    assert [a.name for _, a in s4.recipe] == ["naive_R1", "strassen", "laderman", "laderman"]
    assert s4.note == "algorithm: laderman"
    with pytest.raises(ValueError, match="unknown bilinear algorithm 'nope'"):
        make_plan("S3", "polarize", algorithm="nope")


def test_polarize_on_a_group_written_as_cyclic_factors_points_to_f6():
    plan = make_plan("Z7", "polarize")
    assert "construct f6" in plan.reason
    assert cogs.construct("Z7", "auto").order == 12  # auto on Abelian groups: unchanged (the chain)


@pytest.mark.parametrize("spec,bound", [("S3", 8), ("D4", 10), ("Q8", 10), ("A4", 20), ("S4", 42), ("Z8", 10), ("Z2xZ4", 9)])
def test_the_lower_bound_is_alder_strassen_on_the_group_algebra(spec, bound):
    assert lower_bound(spec) == bound


def test_bounds_on_a_non_abelian_group():
    b = cogs.bounds("S3")
    doc = b.to_dict()
    assert doc["lower_bound"] == 8 and doc["c"] is None and doc["polarized"] == {"naive": 18, "best": 16}
    assert doc["cogs_construction"]["order"] == 16 and doc["gap"] == 8


@settings(max_examples=20, deadline=None)
@given(spec=st.sampled_from(["S3", "Q8", "A4", "Dic3", "Z6", "Z2xZ4"]), seed=st.integers(0, 2**32 - 1))
def test_the_block_maps_turn_convolution_into_the_block_product(spec, seed):
    """φ(x⋆y) = φ(x)φ(y) per block, (x⋆y)(k) = Σ_{gh=k} x(g) y(h); f = mean + Σ_σ backward(forward f)."""
    G = parse_group(spec)
    n, T = G.order, G.cayley_table()
    rng = np.random.default_rng(seed)
    x, y = rng.normal(size=n), rng.normal(size=n)
    conv = np.zeros(n)
    for g in range(n):
        for h in range(n):
            conv[T[g, h]] += x[g] * y[h]
    for b in blocks(G):
        X, Y, C = (block_from_coords(b.kind, b.m, f @ b.forward) for f in (x, y, conv))
        np.testing.assert_allclose(X @ Y, C, atol=1e-10)
    np.testing.assert_allclose(x.mean() + sum((x @ b.forward) @ b.backward for b in blocks(G)), x, atol=1e-12)


def test_construct_json_lists_the_blocks(tmp_path):
    r = subprocess.run([sys.executable, "-m", "cogs.cli.main", "construct", "--group", "Q8", "--out", str(tmp_path / "q8.npz"),
                        "--json"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["strategy"] == "polarize" and doc["requested_strategy"] == "auto" and doc["order"] == 22
    assert [(b["kind"], b["m"], b["algorithm"], b["rank"], b["nodes"]) for b in doc["blocks"]] == \
        [("R", 1, "naive_R1", 1, 2)] * 3 + [("H", 1, "quaternion_8", 8, 16)]
    assert doc["passed"] and doc["four_parts"]["total"] < 1e-20
    net = cogs.load(tmp_path / "q8.npz")
    assert net.order == 22 and float(net.loss()) < 1e-12


def test_the_documented_algorithm_registration_runs():
    """docs/extending.md, "Adding a bilinear algorithm": its block runs as printed."""
    from pathlib import Path
    import re

    text = (Path(__file__).resolve().parent.parent / "docs" / "extending.md").read_text(encoding="utf-8")
    body = text.split("## Adding a bilinear algorithm\n", 1)[1].split("\n## ", 1)[0]
    (code,) = re.findall(r"^```python\n(.*?)^```", body, flags=re.S | re.M)
    namespace: dict = {}
    exec(compile(code, "docs/extending.md", "exec"), namespace)  # noqa: S102
    assert namespace["after"] == 440


def test_explain_reads_a_network_on_any_group_per_real_irreducible():
    """Polarised S3: the sign block's 2 nodes and Strassen's 14 are homed on their irreducibles,
    no DC, no links; the local dimension is nullity − gauge rank (3 per node)."""
    net = cogs.construct("S3", "polarize")
    e = net.explain()
    homes = {o.label: o.nodes for o in e.orbits if o.nodes}
    assert homes == {"σ1 (R1)": 2, "σ2 (R2)": 14}
    assert all(not o.links and o.dc_nodes == 0 for o in e.orbits)
    assert e.local.gauge_rank == 3 * 16 and e.local.local_dimension == e.local.nullity - e.local.gauge_rank
    assert not e.loss_flag


@pytest.mark.parametrize("spec", ["S3", "D4", "Q8", "A4"])
def test_the_public_law_checker_on_networks_of_non_abelian_groups(spec):
    """algebra.testing.check_semiring_laws on Networks(G): every law but commutativity holds, and
    asking for commutativity fails — the product is the non-commutative convolution."""
    from algebra.testing import check_semiring_laws
    from models.network import Networks

    S = Networks(spec)
    rng = np.random.default_rng(3)
    xs = [S.random(q, rng=rng, scale=0.7) for q in (1, 2, 2)]
    check_semiring_laws(S, xs, commutative=False)
    with pytest.raises(AssertionError, match="commut"):
        check_semiring_laws(S, xs, commutative=True)


def test_every_strategy_is_exact_on_a_group_from_a_table_file(tmp_path):
    P = list(itertools.permutations(range(3)))
    T = [[P.index(tuple(g[h[i]] for i in range(3))) for h in P] for g in P]
    path = tmp_path / "groups.jsonl"
    path.write_text(json.dumps({"name": "S3", "order": 6, "table": [[x + 1 for x in row] for row in T], "index_base": 1}) + "\n")
    G = parse_group(f"{path}:S3")
    for strategy in ("polarize", "memorize", "auto"):
        net = cogs.construct(G, strategy)
        assert net.certificate.passed and loss_by_hand(G, *net.weights) <= 1e-20, strategy


@pytest.mark.parametrize("spec", ["D4", "Dic3", "D5", "S3xZ3"])
def test_memorize_is_exact_on_more_groups(spec):
    G = parse_group(spec)
    net = cogs.construct(G, "memorize")
    assert net.order == G.order**2 and loss_by_hand(G, *net.weights) <= 1e-20


@pytest.mark.parametrize("spec", ["S3", "D4", "Q8", "A4"])
def test_sp_tensors_pass_the_public_homomorphism_checker(spec):
    """Every SP tensor r_{στρ} (all irrep triples) is a ring homomorphism Networks(G) → M_d(C),
    checked with algebra.testing.check_homomorphism; without the 2/n² scale it is not."""
    from algebra.testing import check_homomorphism
    from models.network import Networks
    from models.sp_tensor import SPTensor

    S = Networks(spec)
    rng = np.random.default_rng(5)
    xs = [S.random(q, rng=rng, scale=0.7) for q in (1, 2)]
    k = len(S.group.irreps())
    for triple in itertools.product(range(k), repeat=3):
        check_homomorphism(SPTensor(spec, *triple), xs)

    class Unscaled(SPTensor):
        def _apply(self, x):
            return super()._apply(x) * self.group.order**2 / 2

    with pytest.raises(AssertionError, match="preserves one"):
        check_homomorphism(Unscaled(spec, k - 1, k - 1, k - 1), xs)
    big = SPTensor(spec, k - 1, k - 1, k - 1)
    if big.codomain.n > 1:  # a non-commutative codomain: the order of the factors matters
        x, y = xs
        assert not big.codomain.isclose(big(x * y), big(y) @ big(x), atol=1e-6)
