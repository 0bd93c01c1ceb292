"""The semi-ring of networks on non-Abelian groups (docs/mathematics.md, "Any finite group":
semi-ring, SP tensors) in weight space, models/network.py.

Laws run on random networks of S3, D4, Q8, A4, a product (S3xZ3) and S3 built here from
permutations with its elements shuffled (identity not at index 0). The product is checked
against the group convolution written here from its definition, (x⋆y)(k) = Σ_{g·h=k} x(g) y(h),
with the scale λ/n, λ = (2n)^{1/3} (docs/mathematics.md, the semi-ring); the unit against (n/λ)·δ_e. The SP tensors
r_{στρ}(z) = Σ_j conj(â_j(σ)) ⊗ conj(b̂_j(τ)) ⊗ ĉ_j(ρ) (â = G.fourier of a row) are checked to be
a homomorphism into the matrix algebra M_{dσ} ⊗ M_{dτ} ⊗ M_{dρ} (Kronecker products, multiplied
as matrices). What reads characters refuses these groups with a one-line error.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from groups import NotAbelianError, TableGroup, parse_group
from models.network import FourierMap, Network, Networks

ATOL = 1e-10


def _s3_from_permutations_shuffled(seed: int = 1) -> TableGroup:
    """S3 as permutations of {0, 1, 2}, (g·h)(i) = g(h(i)), elements renamed by a permutation
    π that moves the identity off index 0."""
    perms = list(itertools.permutations(range(3)))
    index = {p: i for i, p in enumerate(perms)}
    T = np.array([[index[tuple(g[h[i]] for i in range(3))] for h in perms] for g in perms])
    rng = np.random.default_rng(seed)
    pi = rng.permutation(6)
    while pi[0] == 0:  # the identity permutation is perms[0]
        pi = rng.permutation(6)
    T2 = np.empty_like(T)
    T2[pi[:, None], pi[None, :]] = pi[T]
    return TableGroup.from_table(T2, name="S3 from permutations, shuffled")


S3_SHUFFLED = _s3_from_permutations_shuffled()
NON_ABELIAN = (parse_group("S3"), parse_group("D4"), parse_group("Q8"), parse_group("A4"), parse_group("S3xZ3"), S3_SHUFFLED)


def _id(G):
    return G.spec


def paper_lambda(n: int) -> float:
    """λ = (2n)^{1/3} (docs/mathematics.md#units)."""
    return (2.0 * n) ** (1.0 / 3.0)


def _random(G, orders, seed, scale=0.7):
    S = Networks(G)
    rng = np.random.default_rng(seed)
    return [S.random(q, rng=rng, scale=scale) for q in orders]


# --------------------------------------------------------------------------- semi-ring laws
@settings(max_examples=12, deadline=None)
@given(G=st.sampled_from(NON_ABELIAN), seed=st.integers(0, 2**32 - 1),
       orders=st.lists(st.integers(1, 3), min_size=3, max_size=3))
def test_semiring_laws_on_non_abelian_groups(G, seed, orders):
    S = Networks(G)
    x, y, z = _random(G, orders, seed)
    close = lambda u, v: S.isclose(u, v, atol=ATOL)  # noqa: E731
    assert close((x + y) + z, x + (y + z))
    assert close(x + y, y + x)
    assert close((x * y) * z, x * (y * z))
    assert close(x * (y + z), x * y + x * z)
    assert close((x + y) * z, x * z + y * z)
    assert close(S.one() * x, x) and close(x * S.one(), x)
    assert close(x + S.zero(), x) and close(S.zero() + x, x)
    assert close(x * S.zero(), S.zero()) and close(S.zero() * x, S.zero())
    c = S.constant(-0.75)
    assert close(c * x, -0.75 * x) and close(x * c, -0.75 * x)  # ŝ = s·1 is central


@pytest.mark.parametrize("G", NON_ABELIAN, ids=_id)
def test_product_is_not_commutative_on_a_non_abelian_group(G):
    x, y = _random(G, (1, 1), seed=G.order)
    assert not (x * y).isclose(y * x)
    assert (x * y).order == (y * x).order == 1


@pytest.mark.parametrize("spec", ["Z5", "Z2xZ4", "SmallGroup(8,2)"])  # the last: Abelian, by its table
def test_product_is_commutative_on_abelian_groups(spec):
    x, y = _random(spec, (2, 3), seed=3)
    assert (x * y).isclose(y * x)
    assert not (x * y).isclose(x * x)  # and equality is not vacuous


def test_equality_on_a_non_abelian_group_is_not_vacuous():
    """Weight-space equality sees a product without its λ/n scale, a unit that is off by 2, a
    single changed entry; it ignores node order and merges nodes with equal inputs."""
    G = parse_group("S3")
    S = Networks(G)
    x, y = _random(G, (2, 2), seed=5)
    n = G.order
    unscaled = Network(G, *(w * n / paper_lambda(n) for w in (x * y).weights))
    assert not (x * y).isclose(unscaled)
    assert not S.isclose(x * S.one(), Network(G, x.W_a, x.W_b, 2 * x.W_c))
    W_a = np.array(x.W_a)
    W_a[1, 3] += 1e-6
    assert not x.isclose(Network(G, W_a, x.W_b, x.W_c))
    perm = [1, 0]
    assert x.isclose(Network(G, x.W_a[perm], x.W_b[perm], x.W_c[:, perm]))
    doubled = Network(G, x.W_a, x.W_b, 2 * x.W_c)
    assert (x + x).isclose(doubled) and (x + x).canonical().order == 2
    assert (x + x).canonical().isclose(doubled)
    dead = Network(G, np.vstack([x.W_a, y.W_a]), np.vstack([x.W_b, y.W_b]), np.hstack([x.W_c, 0 * y.W_c]))
    assert dead.isclose(x) and dead.canonical().order == 2


# --------------------------------------------------------------------------- the product and the unit
def _convolution(T: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """(x⋆y)(k) = Σ_{g·h = k} x(g) y(h), by the definition (g first: order matters)."""
    out = np.zeros(T.shape[0])
    for g in range(T.shape[0]):
        for h in range(T.shape[0]):
            out[T[g, h]] += x[g] * y[h]
    return out


@pytest.mark.parametrize("G", NON_ABELIAN, ids=_id)
def test_product_is_the_scaled_group_convolution_of_node_pairs_j1_outer(G):
    n, T = G.order, G.cayley_table()
    x, y = _random(G, (2, 3), seed=7)
    s = paper_lambda(n) / n
    prod = x * y
    assert prod.order == 6
    for j1 in range(2):
        for j2 in range(3):
            j = j1 * 3 + j2  # j1 outer
            assert np.allclose(prod.W_a[j], s * _convolution(T, x.W_a[j1], y.W_a[j2]), rtol=0, atol=1e-12)
            assert np.allclose(prod.W_b[j], s * _convolution(T, x.W_b[j1], y.W_b[j2]), rtol=0, atol=1e-12)
            assert np.allclose(prod.W_c[:, j], s * _convolution(T, x.W_c[:, j1], y.W_c[:, j2]), rtol=0, atol=1e-12)


@pytest.mark.parametrize("G", NON_ABELIAN, ids=_id)
def test_one_is_the_scaled_delta_at_the_identity(G):
    n, e = G.order, G.identity
    one = Networks(G).one()
    delta = np.zeros(n)
    delta[e] = n / paper_lambda(n)
    assert one.order == 1
    assert np.array_equal(one.W_a[0], delta) and np.array_equal(one.W_b[0], delta) and np.array_equal(one.W_c[:, 0], delta)


def test_the_shuffled_group_really_has_its_identity_elsewhere():
    assert S3_SHUFFLED.identity != 0 and not S3_SHUFFLED.is_abelian
    x = _random(S3_SHUFFLED, (2,), seed=1)[0]
    # a delta at index 0 is not the unit here
    wrong = np.zeros((1, 6))
    wrong[0, 0] = 6 / paper_lambda(6)
    assert not (x * Network(S3_SHUFFLED, wrong, wrong, wrong.T)).isclose(x)


# --------------------------------------------------------------------------- SP tensors
def sp_tensor(G, x: Network, triple) -> np.ndarray:
    """r̃_{στρ}(x) = (λ/n)³ Σ_j conj(â_j(σ)) ⊗ conj(b̂_j(τ)) ⊗ ĉ_j(ρ) as a Kronecker matrix.

    The scale: a product node has rows s·(a_{j1} ⋆ a'_{j2}) with s = λ/n, whose transforms are
    s·â_{j1}(ρ) â'_{j2}(ρ) (the convolution theorem), and each term of r has three factors, so
    r(x*y) = s³ r(x) r(y): r̃ = s³ r = (2/n²) r is the multiplicative one, and r̃(1) = I, since
    the unit's rows (n/λ)·δ_e have transform (n/λ)·I."""
    sigma, tau, rho = triple
    n = G.order
    A, B, C = G.fourier(x.W_a, axis=-1), G.fourier(x.W_b, axis=-1), G.fourier(x.W_c, axis=0)
    dim = G.irreps()[sigma].dim * G.irreps()[tau].dim * G.irreps()[rho].dim
    r = np.zeros((dim, dim), dtype=complex)
    for j in range(x.order):
        r += np.kron(np.kron(np.conj(A[sigma][j]), np.conj(B[tau][j])), C[rho][j])
    return (paper_lambda(n) / n) ** 3 * r


@settings(max_examples=8, deadline=None)
@given(G=st.sampled_from(NON_ABELIAN[:4] + (S3_SHUFFLED,)), seed=st.integers(0, 2**32 - 1),
       orders=st.lists(st.integers(1, 3), min_size=2, max_size=2))
def test_sp_tensors_are_ring_homomorphisms(G, seed, orders):
    S = Networks(G)
    x, y = _random(G, orders, seed)
    triples = list(itertools.product(range(len(G.irreps())), repeat=3))
    for triple in triples:
        rx, ry = sp_tensor(G, x, triple), sp_tensor(G, y, triple)
        scale = max(1.0, np.abs(rx).max(), np.abs(ry).max()) ** 2
        assert np.allclose(sp_tensor(G, x + y, triple), rx + ry, rtol=0, atol=1e-10 * scale)
        assert np.allclose(sp_tensor(G, x * y, triple), rx @ ry, rtol=0, atol=1e-10 * scale)
        assert np.allclose(sp_tensor(G, S.one(), triple), np.eye(len(rx)), rtol=0, atol=1e-12)
        assert np.allclose(sp_tensor(G, S.zero(), triple), 0)


def test_sp_tensors_see_the_order_of_the_product():
    """On S3's 2-dim irrep the tensors of x*y and y*x differ, and r̃(x*y) is r̃(x) r̃(y), not
    r̃(y) r̃(x): the homomorphism check above can fail."""
    G = parse_group("S3")
    x, y = _random(G, (1, 1), seed=2)
    two = [i for i, r in enumerate(G.irreps()) if r.dim == 2][0]
    triple = (two, two, two)
    rx, ry = sp_tensor(G, x, triple), sp_tensor(G, y, triple)
    assert not np.allclose(rx @ ry, ry @ rx, atol=1e-6)
    assert np.allclose(sp_tensor(G, x * y, triple), rx @ ry, atol=1e-10)
    assert not np.allclose(sp_tensor(G, x * y, triple), ry @ rx, atol=1e-6)


# --------------------------------------------------------------------------- what needs characters
@pytest.mark.parametrize("G", [parse_group("S3"), S3_SHUFFLED, parse_group("SmallGroup(8,2)")], ids=_id)
def test_what_reads_characters_refuses_other_groups_in_one_line(G):
    from models.element import Block, NetworkElement, NetworkSemiring
    from models.spectrum import Spectrum, fourier_coefficients

    x = _random(G, (2,), seed=0)[0]
    calls = {
        "spectrum": x.spectrum,
        "element": x.element,
        "FourierMap": lambda: FourierMap(G),
        "NetworkSemiring": lambda: NetworkSemiring(G),
        "Spectrum.from_weights": lambda: Spectrum.from_weights(x),
        "NetworkElement.from_weights": lambda: NetworkElement.from_weights(x),
        "fourier_coefficients": lambda: fourier_coefficients(x),
        "Block.lift": lambda: Block.from_nodes([(1, 1, 1)], kind="real").lift(G, 1),
    }
    for name, call in calls.items():
        with pytest.raises(NotAbelianError) as info:
            call()
        message = str(info.value)
        assert "\n" not in message and G.spec in message and "needs a finite Abelian group" in message, (name, message)
    # what works in weight space still does; explain reads per real irreducible
    assert x.loss() > 0 and 0 <= x.accuracy() <= 1 and (x * x).order == 4
    assert x.explain(local_dimension=False).orbits[1].label.startswith("σ1 (")
