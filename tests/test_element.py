"""Tests of models/element.py: the semi-ring of networks (docs/mathematics.md#the-semi-ring-of-networks) and its blocks.

Laws are checked with algebra.testing on random elements; the weight-space facts (unit
element, scaled group convolution, round trips) are checked against formulas derived here
from docs/mathematics.md#characters-and-the-fourier-transform/§4 with an explicit character table and Cayley table (tests/helpers.py).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from algebra.testing import check_scalar_action, check_semiring_laws
from groups import parse_group
from models.element import Block, BlockSemiring, NetworkElement, NetworkSemiring

try:
    from helpers import OMEGA, SMALL_GROUPS, coefficients_ref, paper_lambda, sub_table
except ImportError:  # tests/ imported as a package
    from tests.helpers import OMEGA, SMALL_GROUPS, coefficients_ref, paper_lambda, sub_table

LAW_GROUPS = ("Z5", "Z6", "Z7", "Z8", "Z2xZ4", "Z3xZ3", "Z2xZ2xZ3")
ATOL = 1e-10


def _elements(S, seed, orders, real=False):
    rng = np.random.default_rng(seed)
    return [S.random(q, rng=rng, real=real, scale=0.7) for q in orders]


# ---------------------------------------------------------------------------------------
# semi-ring laws
# ---------------------------------------------------------------------------------------
@settings(max_examples=12, deadline=None)
@given(
    spec=st.sampled_from(LAW_GROUPS),
    seed=st.integers(0, 2**32 - 1),
    orders=st.lists(st.integers(1, 2), min_size=3, max_size=3),
    real=st.booleans(),
)
def test_network_semiring_laws(spec, seed, orders, real):
    S = NetworkSemiring(parse_group(spec))
    xs = _elements(S, seed, orders, real=real)
    xs.append(S.constant(0.5 - 1.5j))
    check_semiring_laws(S, xs, atol=ATOL)


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), kind=st.sampled_from(["complex", "real"]),
       orders=st.lists(st.integers(1, 3), min_size=4, max_size=4))
def test_block_semiring_laws(seed, kind, orders):
    B = BlockSemiring(kind)
    rng = np.random.default_rng(seed)
    xs = [B.random(q, rng=rng) for q in orders]
    check_semiring_laws(B, xs, atol=ATOL)


def test_laws_checker_catches_a_wrong_unit():
    """The law check is not vacuous: an element of another 'unit' breaks identity."""
    S = NetworkSemiring(parse_group("Z5"))
    x = S.random(2, rng=np.random.default_rng(1))
    assert not S.isclose(S.mul(S.constant(2.0), x), x)
    assert S.isclose(S.mul(S.constant(2.0), x), S.scale(2.0, x))


def test_zero_absorbing_and_units_explicit():
    S = NetworkSemiring(parse_group("Z2xZ4"))
    x = S.random(3, rng=np.random.default_rng(2))
    assert S.mul(S.zero(), x).order == 0 and S.mul(x, S.zero()).order == 0
    assert S.isclose(S.mul(S.one(), x), x) and S.isclose(S.add(S.zero(), x), x)
    # x + x is 2·x after merging equal (a, b) rows
    xx = S.add(x, x)
    assert xx.order == 6 and xx.merged_order() == 3
    assert S.isclose(xx, S.scale(2.0, x))
    assert not S.isclose(xx, x)


def test_scalar_action():
    S = NetworkSemiring(parse_group("Z6"))
    xs = _elements(S, 3, [1, 2])
    check_scalar_action(S, xs, [2.0, -0.5j, 1.5 + 1j], atol=ATOL)


# ---------------------------------------------------------------------------------------
# identification (docs/mathematics.md#the-semi-ring-of-networks)
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("spec", ["Z7", "Z2xZ4", "Z3xZ3"])
def test_identification(spec):
    G = parse_group(spec)
    S = NetworkSemiring(G)
    rng = np.random.default_rng(5)
    x = S.random(4, rng=rng)
    z = np.array(x.z)
    # permutation of nodes
    assert S.isclose(S.element(z[:, :, [2, 0, 3, 1]]), x)
    # splitting a node's c row into two nodes with the same (a, b) (merging reverses it)
    c1 = rng.standard_normal(G.order) + 1j * rng.standard_normal(G.order)
    split = np.concatenate([z, z[:, :, :1]], axis=2)
    split[2, :, 0] = c1
    split[2, :, -1] = z[2, :, 0] - c1
    y = S.element(split)
    assert y.order == 5 and y.merged_order() == 4 and S.isclose(y, x)
    # all-zero nodes are dropped
    zeros = S.element(np.concatenate([z, np.zeros((3, G.order, 2))], axis=2))
    assert zeros.order == 6 and zeros.merged_order() == 4 and S.isclose(zeros, x)
    # a genuinely different element is not identified
    w = z.copy()
    w[0, 1, 2] += 1e-3
    assert not S.isclose(S.element(w), x)
    assert not S.isclose(S.element(z[:, :, :3]), x)


def _u_syn_network(G):
    return NetworkElement(G, np.full((3, G.order, 1), OMEGA, dtype=complex))


def test_z_syn_polynomial_merges_to_three_nodes_network():
    """(u_syn − ω)(u_syn − ω̄) = u_syn² + u_syn + 1: 4 nodes stored, 3 after merging (docs/mathematics.md#the-semi-ring-of-networks)."""
    G = parse_group("Z7")
    S = NetworkSemiring(G)
    u = _u_syn_network(G)
    p = S.mul(S.add(u, S.constant(-OMEGA)), S.add(u, S.constant(-np.conj(OMEGA))))
    assert p.order == 4
    assert p.merged_order() == 3
    z_syn = NetworkElement(G, np.stack([np.full((3, G.order), v) for v in (1, OMEGA, np.conj(OMEGA))], axis=2))
    assert S.isclose(p, z_syn)
    expected = S.add(S.add(S.mul(u, u), u), S.one())
    assert S.isclose(p, expected)


def test_z_syn_polynomial_merges_to_three_nodes_block():
    B = BlockSemiring("complex")
    u = Block.from_nodes([(OMEGA, OMEGA, OMEGA)])
    p = B.mul(B.add(u, B.constant(-OMEGA)), B.add(u, B.constant(-np.conj(OMEGA))))
    assert p.order == 4 and p.merged_order() == 3
    w = np.conj(OMEGA)
    assert B.isclose(p, Block.from_nodes([(1, 1, 1), (OMEGA, OMEGA, OMEGA), (w, w, w)]))
    assert not B.isclose(p, Block.from_nodes([(1, 1, 1), (OMEGA, OMEGA, OMEGA), (w, w, -w)]))


# ---------------------------------------------------------------------------------------
# weights <-> element
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("spec", SMALL_GROUPS)
def test_from_weights_matches_spec_formula_and_round_trips(spec):
    G = parse_group(spec)
    d, q = G.order, 5
    rng = np.random.default_rng(11)
    W = (rng.standard_normal((q, d)), rng.standard_normal((q, d)), rng.standard_normal((d, q)))
    x = NetworkElement.from_weights(G, *W)
    lam = paper_lambda(d)
    A, B, C = coefficients_ref(G, *W)
    np.testing.assert_allclose(x.z, lam * np.stack([A, B, C]), rtol=0, atol=1e-12)
    assert x.is_real()
    back = x.to_weights()
    for w0, w1 in zip(W, back):
        np.testing.assert_allclose(w1, w0, rtol=0, atol=1e-12)


def test_to_weights_refuses_non_real_element():
    S = NetworkSemiring(parse_group("Z5"))
    x = S.random(3, rng=np.random.default_rng(0))
    assert not x.is_real()
    with pytest.raises(ValueError, match="conjugate symmetric"):
        x.to_weights()


@pytest.mark.parametrize("spec", ["Z5", "Z8", "Z2xZ4", "Z3xZ3"])
def test_unit_weights_are_scaled_delta(spec):
    """1 = one node with z ≡ 1: W = (d/λ) e_0 for each of W_a, W_b, W_c (docs/mathematics.md#the-semi-ring-of-networks)."""
    G = parse_group(spec)
    d = G.order
    W_a, W_b, W_c = NetworkSemiring(G).one().to_weights()
    e0 = np.zeros(d)
    e0[0] = d / paper_lambda(d)
    np.testing.assert_allclose(W_a[0], e0, atol=1e-12)
    np.testing.assert_allclose(W_b[0], e0, atol=1e-12)
    np.testing.assert_allclose(W_c[:, 0], e0, atol=1e-12)


@pytest.mark.parametrize("spec", ["Z6", "Z7", "Z2xZ4", "Z2xZ2xZ3"])
def test_products_of_real_networks_are_real(spec):
    S = NetworkSemiring(parse_group(spec))
    rng = np.random.default_rng(3)
    x, y = S.random(2, rng=rng, real=True), S.random(3, rng=rng, real=True)
    assert S.mul(x, y).is_real() and S.add(x, y).is_real()
    S.mul(x, y).to_weights()  # does not refuse


def _convolve(G, f, g):
    """(f ⊛ g)[s] = Σ_h f[h] g[s − h] on the group, by the definition."""
    T = sub_table(G)  # T[s, h] = s − h
    return np.array([np.sum(f * g[T[s]]) for s in range(G.order)])


@pytest.mark.parametrize("spec", ["Z5", "Z6", "Z2xZ4", "Z3xZ3"])
def test_product_is_scaled_group_convolution_in_weight_space(spec):
    """Derivation: z = λ·coeff and (z1*z2)_k = z1_k z2_k give coeff12 = λ·coeff1·coeff2; the
    convolution theorem for the (1/d)-normalised transform gives coeff(f⊛g) = d·coeff(f)·coeff(g);
    so the product node (j1, j2) has weights (λ/d)·(W1[j1] ⊛ W2[j2]) for each of a, b, c."""
    G = parse_group(spec)
    d = G.order
    S = NetworkSemiring(G)
    rng = np.random.default_rng(4)
    q1, q2 = 2, 3
    W1 = (rng.standard_normal((q1, d)), rng.standard_normal((q1, d)), rng.standard_normal((d, q1)))
    W2 = (rng.standard_normal((q2, d)), rng.standard_normal((q2, d)), rng.standard_normal((d, q2)))
    x, y = NetworkElement.from_weights(G, *W1), NetworkElement.from_weights(G, *W2)
    s = paper_lambda(d) / d
    Ea = np.array([s * _convolve(G, W1[0][j1], W2[0][j2]) for j1 in range(q1) for j2 in range(q2)])
    Eb = np.array([s * _convolve(G, W1[1][j1], W2[1][j2]) for j1 in range(q1) for j2 in range(q2)])
    Ec = np.array([s * _convolve(G, W1[2][:, j1], W2[2][:, j2]) for j1 in range(q1) for j2 in range(q2)]).T
    prod = S.mul(x, y)
    assert S.isclose(prod, NetworkElement.from_weights(G, Ea, Eb, Ec))
    got = prod.to_weights()  # node order j1 outer, j2 inner
    for e, g in zip((Ea, Eb, Ec), got):
        np.testing.assert_allclose(g, e, atol=1e-11)
    # a wrong scale is detected
    assert not S.isclose(prod, NetworkElement.from_weights(G, Ea / s, Eb / s, Ec / s))


def test_merged_order_of_assembled_blocks():
    """Block.lift places v at k and conj v at -k; lifting keeps the node count."""
    G = parse_group("Z7")
    blk = Block.from_nodes([(1, 1, 1), (1j, -1j, 1)])
    x = blk.lift(G, 2)
    assert x.order == 2 and x.is_real()
    np.testing.assert_allclose(x.z[:, 2, :], blk.v)
    np.testing.assert_allclose(x.z[:, 5, :], np.conj(blk.v))
    assert np.all(x.z[:, [0, 1, 3, 4, 6], :] == 0)
    with pytest.raises(ValueError):
        Block.from_nodes([(1, 1, 1)], kind="real").lift(G, 2)
