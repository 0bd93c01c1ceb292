"""Tests of cogs/sp/loss.py: the exact loss three ways (brute force, SP forms, weight space)
against an independent numpy enumeration of docs/mathematics.md#the-network-and-its-loss, gradients, memory at d = 127, the
constraint report, and the global / partial solutions of docs/solutions.md#global-solutions assembled from blocks.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from cogs.sp.loss import constraint_report, sp_form_loss, sp_loss_general, sp_loss_zero_mean
from models.exact_loss import brute_force_loss, fast_loss
from groups import parse_group
from models.element import Block, BlockSemiring, assemble

try:
    from helpers import OMEGA, SMALL_GROUPS, coefficients_ref, loss_ref, paper_lambda, random_weights
except ImportError:  # tests/ imported as a package
    from tests.helpers import OMEGA, SMALL_GROUPS, coefficients_ref, loss_ref, paper_lambda, random_weights

RTOL = 1e-10


def _t(ws):
    return [torch.as_tensor(np.asarray(w), dtype=torch.float64) for w in ws]


def _rel(x, y):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    return float(np.max(np.abs(x - y) / np.maximum(1.0, np.abs(y))))


# ---------------------------------------------------------------------------------------
# three evaluators against the reference enumeration
# ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("spec", SMALL_GROUPS + ("Z3xZ6",))
def test_three_losses_agree(spec):
    G = parse_group(spec)
    rng = np.random.default_rng(len(spec) + G.order)
    W = random_weights(G, 6, rng, scale=0.6)
    ref = loss_ref(G, *W)
    assert ref > 1.0  # a generic network, far from any solution
    Wt = _t(W)
    for name, fn in (("brute", brute_force_loss), ("general", sp_loss_general), ("fast", fast_loss)):
        got = float(fn(G, *Wt))
        assert abs(got - ref) <= RTOL * abs(ref), (name, got, ref)
    # numpy inputs are accepted too
    assert abs(float(fast_loss(G, *W)) - ref) <= RTOL * ref


@settings(max_examples=10, deadline=None)
@given(spec=st.sampled_from(SMALL_GROUPS), seed=st.integers(0, 2**32 - 1), q=st.integers(1, 7),
       runs=st.integers(1, 3), scale=st.sampled_from([0.05, 0.5, 2.0]))
def test_batched_losses_agree(spec, seed, q, runs, scale):
    G = parse_group(spec)
    W = random_weights(G, q, np.random.default_rng(seed), runs=runs, scale=scale)
    ref = np.array([loss_ref(G, W[0][r], W[1][r], W[2][r]) for r in range(runs)])
    Wt = _t(W)
    for fn in (brute_force_loss, sp_loss_general, fast_loss):
        got = fn(G, *Wt).numpy()
        assert got.shape == (runs,)
        np.testing.assert_allclose(got, ref, rtol=RTOL, atol=1e-12)


@pytest.mark.parametrize("spec", ["Z5", "Z8", "Z2xZ4", "Z3xZ3", "Z2xZ2xZ3"])
def test_zero_mean_sp_form(spec):
    G = parse_group(spec)
    rng = np.random.default_rng(9)
    W_a, W_b, W_c = random_weights(G, 5, rng, runs=2)
    Za, Zb = W_a - W_a.mean(-1, keepdims=True), W_b - W_b.mean(-1, keepdims=True)
    ref = np.array([loss_ref(G, Za[r], Zb[r], W_c[r]) for r in range(2)])
    got = sp_loss_zero_mean(G, *_t((Za, Zb, W_c))).numpy()
    np.testing.assert_allclose(got, ref, rtol=RTOL)
    np.testing.assert_allclose(fast_loss(G, *_t((Za, Zb, W_c))).numpy(), ref, rtol=RTOL)
    # on inputs with DC it is the loss of the centred network, not the true loss
    np.testing.assert_allclose(sp_loss_zero_mean(G, *_t((W_a, W_b, W_c))).numpy(), ref, rtol=RTOL)
    true = np.array([loss_ref(G, W_a[r], W_b[r], W_c[r]) for r in range(2)])
    assert np.all(np.abs(true - ref) > 1e-3 * np.abs(ref))


def test_brute_force_on_subsets_and_chunks():
    G = parse_group("Z2xZ4")
    d = G.order
    rng = np.random.default_rng(1)
    W = random_weights(G, 5, rng)
    idx = rng.choice(d * d, size=17, replace=False)
    pairs = np.stack(np.divmod(idx, d), axis=1)
    ref = loss_ref(G, *W, pairs=pairs)
    for chunk in (None, 1, 5):
        assert abs(float(brute_force_loss(G, *_t(W), pairs=pairs, chunk=chunk)) - ref) <= RTOL * ref


@pytest.mark.parametrize("spec", ["Z6", "Z7", "Z2xZ4"])
def test_fast_loss_gradients_match_brute_force(spec):
    G = parse_group(spec)
    W = random_weights(G, 5, np.random.default_rng(2), scale=0.5)
    grads = []
    for fn in (fast_loss, brute_force_loss):
        Wt = [w.clone().requires_grad_(True) for w in _t(W)]
        fn(G, *Wt).backward()
        grads.append([w.grad.numpy() for w in Wt])
    for gf, gb in zip(*grads):
        np.testing.assert_allclose(gf, gb, rtol=1e-9, atol=1e-9 * max(1.0, np.abs(gb).max()))
    # and against a central finite difference of the reference on one coordinate
    eps = 1e-6
    Wp = [w.copy() for w in W]
    Wm = [w.copy() for w in W]
    Wp[0][1, 2] += eps
    Wm[0][1, 2] -= eps
    fd = (loss_ref(G, *Wp) - loss_ref(G, *Wm)) / (2 * eps)
    assert abs(grads[0][0][1, 2] - fd) < 1e-5 * max(1.0, abs(fd))


def test_brute_force_d127_all_pairs_is_chunked_and_matches_fast():
    G = parse_group("Z127")
    W = random_weights(G, 256, np.random.default_rng(3), scale=0.1)
    Wt = _t(W)
    bf = float(brute_force_loss(G, *Wt))
    fl = float(fast_loss(G, *Wt))
    assert abs(bf - fl) <= RTOL * abs(fl)


# ---------------------------------------------------------------------------------------
# solutions of docs/solutions.md#global-solutions built from blocks
# ---------------------------------------------------------------------------------------
W_ = np.conj(OMEGA)
Z_SYN = Block.from_nodes([(1, 1, 1), (OMEGA, OMEGA, OMEGA), (W_, W_, W_)])
NU = 1.3 * np.exp(0.4j)
Z_NU = Block.from_nodes([(1, 1, 1), (NU, -NU, -(NU**-2))])
Z_REAL = Block.from_nodes([(1, 1, 1), (1, -1, -1)], kind="real")


def _z_f6(G):
    prod = BlockSemiring("complex").mul(Z_NU, Z_SYN).normalized()
    return assemble(G, {o: (Z_REAL.normalized() if o.is_real else prod) for o in G.orbits()})


@pytest.mark.parametrize("spec", ["Z7", "Z8", "Z2xZ4", "Z3xZ6"])
def test_z_f6_is_a_global_solution(spec):
    G = parse_group(spec)
    x = _z_f6(G)
    n_complex = sum(1 for o in G.orbits() if not o.is_real)
    n_real = sum(1 for o in G.orbits() if o.is_real)
    assert x.merged_order() == 6 * n_complex + 2 * n_real
    assert x.is_real()
    W = x.to_weights()
    loss = loss_ref(G, *W)
    assert loss < 1e-12
    assert float(brute_force_loss(G, *_t(W))) < 1e-12
    assert abs(float(fast_loss(G, *_t(W)))) < 1e-12
    rep = constraint_report(G, *_t(W))
    for row in rep["orbits"]:
        assert abs(row["r_kkk"] - 1) < 1e-10
        # R_c = sqrt(Σ|r|² − |r_kkk|²) from Gram matrices: a difference of O(1) terms, so its
        # floor is sqrt(machine eps) ≈ 1.5e-8, not 1e-16
        assert row["R_c"] < 1e-7 and row["R_n"] < 1e-9 and row["R_*"] < 1e-9
    assert rep["dc_a"] < 1e-12 and rep["dc_b"] < 1e-12


@pytest.mark.parametrize("d", [5, 7, 9, 11])
def test_z_syn_everywhere_is_partial(d):
    """Normalised z_syn on every orbit: per orbit ℓ_k = −2 + |r_kkk|² + ¼(|Σa²c|² + |Σb²c|²)
    = −2 + 1 + ¼(1 + 1) = −½ (the other SPs vanish), so ℓ = (d−1)/d − (d−1)/(2d) = (d−1)/(2d).
    Dropping R_* from the objective makes it a zero-loss point of that objective."""
    G = parse_group(f"Z{d}")
    x = assemble(G, {o: Z_SYN.normalized() for o in G.orbits()})
    W = x.to_weights()
    assert abs(loss_ref(G, *W) - (d - 1) / (2 * d)) < 1e-12
    Wt = _t(W)
    assert abs(float(fast_loss(G, *Wt)) - (d - 1) / (2 * d)) < 1e-12
    assert abs(float(sp_form_loss(G, *Wt, drop=("R_*",)))) < 1e-12
    assert abs(float(sp_form_loss(G, *Wt)) - (d - 1) / (2 * d)) < 1e-12
    rep = constraint_report(G, *Wt)
    for row in rep["orbits"]:  # R_* = sqrt(|Σa²c|² + |Σb²c|²) = sqrt(2) after normalising
        assert abs(row["r_kkk"] - 1) < 1e-10
        assert row["R_c"] < 1e-7 and row["R_n"] < 1e-9  # R_c floor: see test_z_f6_…
        assert abs(row["R_*"] - np.sqrt(2)) < 1e-9


@pytest.mark.parametrize("spec", ["Z7", "Z8", "Z2xZ4", "Z3xZ6"])
def test_constraint_report_matches_families(spec):
    """The report (real-weight fast path) equals cogs.sp.families at the orbit representatives,
    in paper units (coefficients from the docs/mathematics.md#characters-and-the-fourier-transform sums × λ); families is itself checked
    against the brute-force d³ tensor in test_potentials."""
    from cogs.sp.families import families

    G = parse_group(spec)
    d = G.order
    W = random_weights(G, 5, np.random.default_rng(4))
    lam = paper_lambda(d)
    A, B, C = (torch.as_tensor(lam * x) for x in coefficients_ref(G, *W))
    fam = families(A, B, C, G)
    rep = constraint_report(G, *_t(W))
    assert [row["k"] for row in rep["orbits"]] == [o.k for o in G.orbits()]
    for row in rep["orbits"]:
        k = row["k"]
        assert abs(row["r_kkk"] - complex(fam["r_kkk"][k])) < 1e-10 * max(1, abs(row["r_kkk"]))
        assert abs(row["R_c"] - float(fam["R_c"][k]) ** 0.5) < 1e-8 * max(1, row["R_c"])
        assert abs(row["R_n"] - abs(complex(fam["R_n"][k]))) < 1e-10 * max(1, row["R_n"])
        assert abs(row["R_*"] - float(fam["R_*"][k]) ** 0.5) < 1e-10 * max(1, row["R_*"])
    assert abs(rep["dc_a"] - float(A[0].abs().max())) < 1e-12 * max(1, rep["dc_a"])
    assert abs(rep["dc_b"] - float(B[0].abs().max())) < 1e-12 * max(1, rep["dc_b"])
    assert rep["dc_a"] > 0.1  # random_weights has input DC


def test_sp_form_loss_refuses_unknown_terms():
    G = parse_group("Z5")
    W = _t(random_weights(G, 2, np.random.default_rng(0)))
    with pytest.raises(ValueError, match="unknown"):
        sp_form_loss(G, *W, drop=("R_x",))


def test_sp_loss_general_refuses_large_d():
    G = parse_group("Z300")
    W = _t(random_weights(G, 1, np.random.default_rng(0)))
    with pytest.raises(ValueError, match="max_d"):
        sp_loss_general(G, *W)
