"""The all-pairs loss on any finite group (docs/mathematics.md, "Any finite group"): brute force
over all n² pairs, the weight-space forms of models/exact_loss.py (fast_loss, exact_loss) and
models/residuals.py, and the four-part form of models/loss_parts.py agree, on non-Abelian
groups, on groups given by a table whose identity is not at index 0, and on Abelian groups
(whose FFT path stays as it was).

The reference is a plain numpy enumeration written here from the definition
ℓ = (1/n²) Σ_{g,h} ‖P(o(g,h) − e_{g·h})‖² (a sum of squared residuals). Two groups have
tables built here from their definitions (permutations of {0, 1, 2}; the quaternion units),
shuffled so that the identity is not at index 0. A hand-derived exact case: docs/mathematics.md's ("Any finite group")
polarisation of the plain real-matrix-product algorithm on every non-trivial real irreducible
(S3 → 18 nodes, D4 22, A4 70), and the memorisation network z_M (one node per pair).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

import models.exact_loss as exact_loss_module
from groups import FiniteAbelianGroup, TableGroup, parse_group
from models.exact_loss import exact_loss, fast_loss
from models.forward import QuadraticNet, brute_force_loss, loss_and_accuracy
from models.loss_parts import LossParts, loss_part_arrays, loss_parts
from models.network import Network
from models.residuals import residual_loss, residuals

RTOL = 1e-10


# --------------------------------------------------------------------------- groups
def _shuffled(T: np.ndarray, seed: int, name: str) -> TableGroup:
    """The group of table T with its elements renamed by a random permutation π that moves the
    identity off index 0: T'[π g, π h] = π T[g, h]."""
    n = T.shape[0]
    e = int(np.flatnonzero((T == np.arange(n)).all(1))[0])
    rng = np.random.default_rng(seed)
    while True:
        pi = rng.permutation(n)
        if pi[e] != 0:
            break
    T2 = np.empty_like(T)
    T2[pi[:, None], pi[None, :]] = pi[T]
    return TableGroup.from_table(T2, name=name)


def _s3_from_permutations() -> np.ndarray:
    """S3 as permutations of {0, 1, 2}, (g·h)(i) = g(h(i)), tabulated from the definition."""
    perms = list(itertools.permutations(range(3)))
    index = {p: i for i, p in enumerate(perms)}
    return np.array([[index[tuple(g[h[i]] for i in range(3))] for h in perms] for g in perms])


def _q8_from_quaternions() -> np.ndarray:
    """Q8 = {±1, ±i, ±j, ±k} as unit quaternions (w, x, y, z), multiplied by Hamilton's rule."""
    def mul(p, q):
        a1, b1, c1, d1 = p
        a2, b2, c2, d2 = q
        return (a1 * a2 - b1 * b2 - c1 * c2 - d1 * d2, a1 * b2 + b1 * a2 + c1 * d2 - d1 * c2,
                a1 * c2 - b1 * d2 + c1 * a2 + d1 * b2, a1 * d2 + b1 * c2 - c1 * b2 + d1 * a2)

    units = [tuple(int(s * (t == i)) for t in range(4)) for i in range(4) for s in (1, -1)]
    index = {u: i for i, u in enumerate(units)}
    return np.array([[index[mul(p, q)] for q in units] for p in units])


S3_PERMS = _shuffled(_s3_from_permutations(), 3, "S3 from permutations, shuffled")
Q8_QUAT = _shuffled(_q8_from_quaternions(), 8, "Q8 from quaternions, shuffled")
S4_SHUFFLED = _shuffled(parse_group("S4").cayley_table(), 24, "S4 relabelled")
NON_ABELIAN = ("S3", "D4", "Q8", "A4", "S4", "Dic3", "S3xZ3", "SmallGroup(16,8)", "D5")
ABELIAN = ("Z5", "Z2xZ4")
ALL_GROUPS = NON_ABELIAN + ABELIAN + ("SmallGroup(8,2)", S3_PERMS, Q8_QUAT, S4_SHUFFLED)


def _G(g):
    return g if isinstance(g, TableGroup) else parse_group(g)


def _id(g):
    return g.spec if isinstance(g, TableGroup) else g


# --------------------------------------------------------------------------- references
def loss_reference(T: np.ndarray, W_a, W_b, W_c) -> float:
    """(1/n²) Σ_{g,h} ‖P(o(g,h) − e_{g·h})‖², o(g,h) = Σ_j W_c[:, j] (W_a[j,g] + W_b[j,h])², from the
    table T alone (squared residuals summed: an exact network scores ~1e-30)."""
    n = T.shape[0]
    s = np.asarray(W_a)[:, :, None] + np.asarray(W_b)[:, None, :]  # (q, g, h)
    o = np.einsum("kj,jgh->ghk", np.asarray(W_c), s * s)
    target = np.zeros((n, n, n))
    for g in range(n):
        for h in range(n):
            target[g, h, T[g, h]] = 1.0
    r = o - target
    r = r - r.mean(-1, keepdims=True)
    return float(np.sum(r * r) / n**2)


def random_network(n: int, q: int, rng, scale: float = 0.6):
    """Random real weights with non-zero input means (DC components) and output mean."""
    W_a = rng.standard_normal((q, n)) * scale + rng.standard_normal((q, 1)) * 0.5
    W_b = rng.standard_normal((q, n)) * scale + rng.standard_normal((q, 1)) * 0.5
    W_c = rng.standard_normal((n, q)) * scale + 0.2
    return W_a, W_b, W_c


def _t(ws, dtype=torch.float64, grad=False):
    return [torch.tensor(np.asarray(w), dtype=dtype, requires_grad=grad) for w in ws]


def _rel(x, y):
    return abs(float(x) - float(y)) / max(1e-300, abs(float(y)))


# --------------------------------------------------------------------------- the forms agree
@pytest.mark.parametrize("group", ALL_GROUPS, ids=_id)
def test_all_loss_forms_agree(group):
    G = _G(group)
    n = G.order
    rng = np.random.default_rng(n + 7)
    W = random_network(n, 5, rng)
    ref = loss_reference(G.cayley_table(), *W)
    assert ref > 1.0  # a generic network: far from any solution
    got = {
        "brute_force_loss": brute_force_loss(G, *_t(W)),
        "fast_loss": fast_loss(G, *_t(W)),
        "fast_loss(numpy)": fast_loss(G, *W),
        "exact_loss": exact_loss(G, *_t(W)),
        "residual_loss": residual_loss(G, *_t(W)),
        "‖residuals‖²": (residuals(G, *_t(W)) ** 2).sum(),
        "loss_parts": loss_parts(G, *W).total,
        "Network.loss": Network(G, *W).loss(),
    }
    for name, value in got.items():
        assert _rel(value, ref) <= RTOL, (name, float(value), ref)


def test_the_table_groups_are_what_they_claim():
    """The hand-built tables: identity off 0, and S3/Q8 non-Abelian with the right element
    orders (so they are not accidentally some other group of that order)."""
    for G, orders in ((S3_PERMS, [1, 2, 2, 2, 3, 3]), (Q8_QUAT, [1, 2, 4, 4, 4, 4, 4, 4]), (S4_SHUFFLED, None)):
        assert G.identity != 0 and not G.is_abelian
        if orders is not None:
            assert sorted(G.element_orders().tolist()) == orders


def test_exact_loss_switches_to_residuals_for_wide_networks_on_any_group():
    G = S3_PERMS
    n = G.order
    W = random_network(n, n * n + 2, np.random.default_rng(2), scale=0.3)
    ref = loss_reference(G.cayley_table(), *W)
    assert _rel(exact_loss(G, *_t(W)), ref) <= RTOL
    assert _rel(fast_loss(G, *_t(W)), ref) <= RTOL


def test_empty_network_and_zero_output_give_n_minus_1_over_n():
    for G in (_G("A4"), Q8_QUAT):
        n = G.order
        empty = Network(G, np.zeros((0, n)), np.zeros((0, n)), np.zeros((n, 0)))
        assert empty.loss() == (n - 1) / n
        assert abs(loss_parts(empty).total - (n - 1) / n) <= 1e-15
        W = random_network(n, 3, np.random.default_rng(0))
        dead = (W[0], W[1], np.zeros((n, 3)))
        for value in (fast_loss(G, *dead), brute_force_loss(G, *dead), loss_parts(G, *dead).total):
            assert abs(float(value) - (n - 1) / n) <= 1e-14


# --------------------------------------------------------------------------- the two paths of fast_loss
def test_abelian_groups_keep_the_fft_path_and_table_groups_take_the_weight_space_path(monkeypatch):
    calls = []
    fft, table = exact_loss_module._sum_re_r_kkk, exact_loss_module._sum_u_C_v
    monkeypatch.setattr(exact_loss_module, "_sum_re_r_kkk", lambda *a: calls.append("fft") or fft(*a))
    monkeypatch.setattr(exact_loss_module, "_sum_u_C_v", lambda *a: calls.append("table") or table(*a))
    for spec in ABELIAN + ("Z3xZ3", "Z8"):
        G = parse_group(spec)
        assert isinstance(G, FiniteAbelianGroup)
        calls.clear()
        fast_loss(G, *random_network(G.order, 3, np.random.default_rng(1)))
        assert calls == ["fft"], spec
    for spec in ("S3", "SmallGroup(8,2)"):  # SmallGroup(8,2) is Abelian but given by its table
        calls.clear()
        fast_loss(spec, *random_network(parse_group(spec).order, 3, np.random.default_rng(1)))
        assert calls == ["table"], spec


def test_the_fft_and_table_paths_agree_on_an_abelian_group():
    """Z2xZ4 through its FFT and the same table as a TableGroup through weight space."""
    A = parse_group("Z2xZ4")
    T = TableGroup.from_table(np.array(A.cayley_table()), name="Z2xZ4 as a table")
    W = random_network(8, 6, np.random.default_rng(5))
    assert _rel(fast_loss(T, *W), fast_loss(A, *W)) <= 1e-12


def test_weight_space_cross_term_is_chunked_without_changing_the_result(monkeypatch):
    G = _G("S4")
    W = _t(random_network(24, 9, np.random.default_rng(4)))
    whole = fast_loss(G, *W)
    monkeypatch.setattr(exact_loss_module, "_CROSS_CHUNK_ELEMENTS", 1)  # one node at a time
    assert _rel(fast_loss(G, *W), whole) <= 1e-13
    parts = [loss_parts(G, *W, rows_per_chunk=r).total for r in (1, 5, 24)]
    assert max(_rel(p, float(whole)) for p in parts) <= RTOL
    with pytest.raises(ValueError, match="rows_per_chunk"):
        loss_parts(G, *W, rows_per_chunk=0)


# --------------------------------------------------------------------------- batches, dtypes, gradients
@pytest.mark.parametrize("group", ["Q8", S3_PERMS], ids=_id)
def test_batched_shapes(group):
    G = _G(group)
    n, q = G.order, 4
    rng = np.random.default_rng(11)
    nets = [[random_network(n, q, rng) for _ in range(3)] for _ in range(2)]
    W = [torch.tensor(np.array([[net[i] for net in row] for row in nets])) for i in range(3)]  # (2, 3, ·, ·)
    ref = np.array([[loss_reference(G.cayley_table(), *net) for net in row] for row in nets])
    for fn in (fast_loss, exact_loss, brute_force_loss, residual_loss):
        out = fn(G, *W)
        assert out.shape == (2, 3), fn.__name__
        assert np.max(np.abs(out.numpy() - ref) / ref) <= RTOL, fn.__name__


def test_float32_and_float64():
    G = _G("A4")
    W = random_network(12, 6, np.random.default_rng(3), scale=0.4)
    ref = loss_reference(G.cayley_table(), *W)
    out64 = fast_loss(G, *_t(W, torch.float64))
    out32 = fast_loss(G, *_t(W, torch.float32))
    # float32 weights are evaluated in float64: the exact loss of the rounded weights
    assert out64.dtype == torch.float64 and out32.dtype == torch.float64
    assert _rel(out64, ref) <= RTOL
    rounded = [np.asarray(w, dtype=np.float32).astype(np.float64) for w in W]
    assert _rel(out32, loss_reference(G.cayley_table(), *rounded)) <= RTOL
    assert 1e-12 < _rel(out32, ref) <= 1e-5  # the rounding of the weights, not of the arithmetic


@pytest.mark.parametrize("group", ["S3", "Dic3", Q8_QUAT], ids=_id)
def test_gradients_of_fast_loss_match_autograd_of_brute_force(group):
    G = _G(group)
    W = random_network(G.order, 5, np.random.default_rng(6))
    Wf, Wb = _t(W, grad=True), _t(W, grad=True)
    fast_loss(G, *Wf).backward()
    brute_force_loss(G, *Wb).backward()
    for x, y in zip(Wf, Wb):
        assert torch.allclose(x.grad, y.grad, rtol=1e-9, atol=1e-10)
    assert float(Wf[2].grad.abs().max()) > 1e-3  # a real gradient, not zeros


# --------------------------------------------------------------------------- the four parts
def _residual_tensor(T, W_a, W_b, W_c):
    """R(g, h, k) = P(o(g,h) − e_{g·h})_k from the definition."""
    n = T.shape[0]
    s = W_a[:, :, None] + W_b[:, None, :]
    o = np.einsum("kj,jgh->ghk", W_c, s * s)
    target = (T[:, :, None] == np.arange(n)).astype(float)
    r = o - target
    return r - r.mean(-1, keepdims=True)


@pytest.mark.parametrize("group", ["S3", "A4", "Q8", S3_PERMS, "Z5"], ids=_id)
def test_the_four_parts_decompose_the_residual(group):
    """R(g,h,k) = J₀(k) + J_a(g,k) + J_b(h,k) + X(g,h,k) pointwise, the parts are centred as the
    module doc says, and ℓ is the sum of their squares with weights 1, n, n, n² over n²."""
    G = _G(group)
    n, T = G.order, G.cayley_table()
    W = random_network(n, 4, np.random.default_rng(9))
    X, J_a, J_b, J_0 = loss_part_arrays(G, *W)
    assert X.shape == (n, n, n) and J_a.shape == (n, n) and J_b.shape == (n, n) and J_0.shape == (n,)
    R = _residual_tensor(T, *W)
    assert np.allclose(J_0[None, None, :] + J_a[:, None, :] + J_b[None, :, :] + X, R, rtol=0, atol=1e-11)
    assert np.allclose(X.sum(0), 0, atol=1e-11) and np.allclose(X.sum(1), 0, atol=1e-11)
    assert np.allclose(J_a.sum(0), 0, atol=1e-11) and np.allclose(J_b.sum(0), 0, atol=1e-11)
    parts = loss_parts(G, *W)
    assert isinstance(parts, LossParts) and parts.n == n and parts.group == G.spec
    assert _rel(parts.sum_X2, np.sum(X**2)) <= 1e-12 and _rel(parts.sum_J02, np.sum(J_0**2)) <= 1e-12
    assert _rel(sum(parts.terms.values()), parts.total) <= 1e-14
    assert _rel(parts.total, np.sum(R**2) / n**2) <= RTOL
    with pytest.raises(attrs_frozen_error()):
        parts.total = 0.0


def attrs_frozen_error():
    import attrs

    return attrs.exceptions.FrozenInstanceError


# --------------------------------------------------------------------------- exact networks
def polarised_matrix_product(G):
    """docs/mathematics.md, "Any finite group", derived here: R[G] = ⊕_σ (blocks of the real Fourier transform
    x̂(σ) = Σ_g x(g) σ(g)), and x⋆y − (Σx)(Σy)/n = Σ_{σ non-trivial} ifourier_σ(x̂(σ) ŷ(σ)). The plain
    matrix product (x̂ŷ)_{ik} = Σ_l x̂_{il} ŷ_{lk} is a bilinear algorithm of s³ products per block of
    size s: product (σ, i, l, k) reads x̂_{il} = ⟨x, σ(·)_{il}⟩ and ŷ_{lk} = ⟨y, σ(·)_{lk}⟩ and writes
    into the function w = real_ifourier(the matrix unit E_{ik} in block σ). So Σ u⊗v⊗w = S₀ with
    u = σ(·)_{il}, v = σ(·)_{lk}; polarised, each product gives the nodes (u, v, w/4), (u, −v, −w/4).
    Returns (W_a, W_b, W_c) and the rank R (so the order is 2R)."""
    n = G.order
    reps = G.real_irreps()
    trivial = [i for i, r in enumerate(reps) if r.size == 1 and np.allclose(r.matrices, 1.0)]
    assert len(trivial) == 1
    U, V, Wout = [], [], []
    for b, sigma in enumerate(reps):
        if b == trivial[0]:
            continue
        M, s = sigma.matrices, sigma.size
        for i, l, k in itertools.product(range(s), repeat=3):
            unit = [np.zeros((r.size, r.size)) for r in reps]
            unit[b][i, k] = 1.0
            U.append(M[:, i, l])
            V.append(M[:, l, k])
            Wout.append(np.asarray(G.real_ifourier(unit)).real)
    U, V, Wout = np.array(U), np.array(V), np.array(Wout)
    # the bilinear algorithm is exact: Σ_r u_r(g) v_r(h) w_r(k) = [g·h = k] − 1/n
    S0 = (G.cayley_table()[:, :, None] == np.arange(n)).astype(float) - 1.0 / n
    assert np.max(np.abs(np.einsum("rg,rh,rk->ghk", U, V, Wout) - S0)) <= 1e-12
    W_a = np.concatenate([U, U])
    W_b = np.concatenate([V, -V])
    W_c = np.concatenate([Wout / 4, -Wout / 4]).T
    return (W_a, W_b, W_c), len(U)


@pytest.mark.parametrize("group, order", [("S3", 18), ("D4", 22), ("A4", 70), ("Q8", 134), (S3_PERMS, 18), (Q8_QUAT, 134)],
                         ids=lambda x: _id(x) if not isinstance(x, int) else str(x))
def test_polarised_matrix_product_is_a_global_solution(group, order):
    G = _G(group)
    W, rank = polarised_matrix_product(G)
    assert 2 * rank == order == W[0].shape[0]  # docs/mathematics.md (Any finite group): S3 18, D4 22, A4 70
    assert loss_reference(G.cayley_table(), *W) <= 1e-20
    parts = loss_parts(G, *W)
    assert parts.total <= 1e-20 and max(parts.sum_X2, parts.sum_Ja2, parts.sum_Jb2, parts.sum_J02) <= 1e-20
    assert float(residual_loss(G, *W)) <= 1e-20
    # the signed weight-space form and the per-sample expansion cancel O(1) terms: ~1e-16
    assert abs(float(fast_loss(G, *W))) <= 1e-12 and abs(float(brute_force_loss(G, *W))) <= 1e-12
    assert float(loss_and_accuracy(G, *W)[1]) == 1.0
    # without one polarisation partner the junk no longer cancels (so these checks can fail)
    broken = (W[0][1:], W[1][1:], W[2][:, 1:])
    assert loss_parts(G, *broken).total > 1e-4
    assert loss_reference(G.cayley_table(), *broken) > 1e-4


def test_polarised_matrix_product_on_s4_has_order_126():
    G = _G("S4")
    W, rank = polarised_matrix_product(G)
    assert 2 * rank == 126
    assert loss_parts(G, *W).total <= 1e-20


@pytest.mark.parametrize("group", ["S3", "Dic3", S3_PERMS], ids=_id)
def test_memorisation_network_is_exact_on_any_group(group):
    """z_M (docs/mathematics.md §7) on any group: one node per pair (g, h) with w_a = e_g, w_b = e_h,
    w_c = ½ P e_{g·h}. For the pair (g', h'): o = ½ Σ_h P e_{g'h} + ½ Σ_g P e_{gh'} + P e_{g'h'} =
    P e_{g'h'} (each of the first two sums is P applied to the all-ones vector), so ℓ = 0."""
    G = _G(group)
    n, T = G.order, G.cayley_table()
    I = np.eye(n)
    P = I - 1.0 / n
    g, h = np.divmod(np.arange(n * n), n)
    W = (I[g], I[h], 0.5 * P @ I[:, T[g, h]])
    assert loss_reference(T, *W) <= 1e-28
    assert float(exact_loss(G, *W)) <= 1e-28  # q = n²: the residual sum
    assert loss_parts(G, *W).total <= 1e-28
    assert abs(float(fast_loss(G, *W))) <= 1e-12
    net = QuadraticNet.from_weights(G, *W)
    loss, acc = net.loss_and_accuracy()
    assert abs(float(loss.detach())) <= 1e-12 and float(acc) == 1.0
    # the task is g·h, not h·g: on a non-Abelian group the transposed table is a wrong target
    if not G.is_abelian:
        W_swapped = (I[g], I[h], 0.5 * P @ I[:, T[h, g]])
        assert loss_reference(T, *W_swapped) > 0.1 and float(exact_loss(G, *W_swapped)) > 0.1
