"""Tests of models/network.py: the Network value type and the semi-ring of networks in weight
space (docs/mathematics.md#the-semi-ring-of-networks).

The laws run through algebra.testing on random networks of cyclic and product groups; the
product is checked against the group convolution written here from its definition (sums over
an explicit subtraction table, tests/helpers.py), the unit against (d/λ)·δ_0, and the loss and
accuracy against plain enumeration. Every function that reads weights takes a Network in the
group's place (models/weights.py).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from algebra.testing import check_homomorphism, check_scalar_action, check_semiring_laws
from groups import parse_group
from models.element import NetworkSemiring
from models.network import FourierMap, Network, Networks, load, load_npz

try:
    from helpers import SMALL_GROUPS, accuracy_ref, loss_ref, paper_lambda, random_weights, sub_table
except ImportError:  # tests/ imported as a package
    from tests.helpers import SMALL_GROUPS, accuracy_ref, loss_ref, paper_lambda, random_weights, sub_table

LAW_GROUPS = ("Z5", "Z6", "Z8", "Z2xZ4", "Z3xZ3", "Z2xZ2xZ3")
ATOL = 1e-10


def _networks(spec, seed, orders):
    S = Networks(spec)
    rng = np.random.default_rng(seed)
    return [S.random(q, rng=rng, scale=0.7) for q in orders]


# --------------------------------------------------------------------------- the semi-ring
@settings(max_examples=10, deadline=None)
@given(spec=st.sampled_from(LAW_GROUPS), seed=st.integers(0, 2**32 - 1),
       orders=st.lists(st.integers(1, 2), min_size=3, max_size=3))
def test_semiring_laws_in_weight_space(spec, seed, orders):
    S = Networks(spec)
    xs = _networks(spec, seed, orders) + [S.constant(-0.75)]
    check_semiring_laws(S, xs, atol=ATOL)  # commutative: these groups are Abelian


@settings(max_examples=8, deadline=None)
@given(spec=st.sampled_from(LAW_GROUPS), seed=st.integers(0, 2**32 - 1))
def test_fourier_map_is_a_homomorphism(spec, seed):
    check_homomorphism(FourierMap(spec), _networks(spec, seed, (1, 2, 2)), atol=ATOL)


@settings(max_examples=6, deadline=None)
@given(spec=st.sampled_from(LAW_GROUPS), seed=st.integers(0, 2**32 - 1),
       scalars=st.lists(st.floats(-3, 3, allow_nan=False), min_size=2, max_size=3))
def test_scalar_action(spec, seed, scalars):
    check_scalar_action(Networks(spec), _networks(spec, seed, (1, 2)), scalars, atol=1e-9)


def test_equality_tells_a_wrong_product_apart():
    """Semi-ring equality sees a product without its λ/d scale, and a unit that is off by 2
    (so the law tests above can fail)."""
    S = Networks("Z5")
    x, y = _networks("Z5", 1, (1, 2))
    d = 5
    bad = Network("Z5", *(w * d / paper_lambda(d) for w in (x * y).weights))  # (x*y) without λ/d
    assert not (x * y).isclose(bad)
    assert not S.isclose(x * S.one(), Network("Z5", x.W_a, x.W_b, 2 * x.W_c))


def _convolve(G, f, g):
    """(f ⊛ g)[s] = Σ_h f[h] g[s − h], by the definition."""
    T = sub_table(G)  # T[s, h] = s − h
    return np.array([np.sum(f * g[T[s]]) for s in range(G.order)])


@pytest.mark.parametrize("spec", ["Z5", "Z6", "Z2xZ4", "Z3xZ3"])
def test_product_is_the_scaled_group_convolution_of_node_pairs(spec):
    G = parse_group(spec)
    d = G.order
    rng = np.random.default_rng(4)
    x = Network(G, *random_weights(G, 2, rng))
    y = Network(G, *random_weights(G, 3, rng))
    s = paper_lambda(d) / d
    pairs = [(j1, j2) for j1 in range(2) for j2 in range(3)]  # j1 outer
    want_a = np.array([s * _convolve(G, x.W_a[j1], y.W_a[j2]) for j1, j2 in pairs])
    want_b = np.array([s * _convolve(G, x.W_b[j1], y.W_b[j2]) for j1, j2 in pairs])
    want_c = np.array([s * _convolve(G, x.W_c[:, j1], y.W_c[:, j2]) for j1, j2 in pairs]).T
    z = x * y
    assert z.order == 6
    for got, want in zip(z.weights, (want_a, want_b, want_c)):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)
    # and it is the product of the Fourier-domain elements
    assert NetworkSemiring(G).isclose(z.element(), x.element() * y.element())


@pytest.mark.parametrize("spec", ["Z5", "Z8", "Z2xZ4"])
def test_zero_one_and_sum(spec):
    G = parse_group(spec)
    d = G.order
    S = Networks(G)
    one, zero = S.one(), S.zero()
    delta = np.zeros(d)
    delta[0] = d / paper_lambda(d)
    np.testing.assert_allclose(one.W_a[0], delta, atol=1e-14)
    np.testing.assert_allclose(one.W_c[:, 0], delta, atol=1e-14)
    assert zero.order == 0 and zero.loss() == pytest.approx((d - 1) / d, abs=1e-15)
    x, y = _networks(spec, 0, (2, 3))
    s = x + y
    assert s.order == 5
    np.testing.assert_array_equal(s.W_a, np.vstack([x.W_a, y.W_a]))
    np.testing.assert_array_equal(s.W_c, np.hstack([x.W_c, y.W_c]))
    assert (2 * x).isclose(Network(G, x.W_a, x.W_b, 2 * x.W_c))
    with pytest.raises(ValueError, match="real number"):
        _ = (1j) * x


def test_merging_identifies_equal_nodes():
    x, = _networks("Z7", 3, (2,))
    doubled = x + x  # the same two nodes twice: merged, their outputs add
    assert doubled.order == 4 and doubled.canonical().order == 2
    assert doubled.isclose(2 * x) and not doubled.isclose(x)


def test_constructions_compose_in_a_notebook():
    from cogs.solver import construct

    f6 = construct("Z7", "f6")
    both = f6 + construct("Z7", "f46")
    assert both.order == f6.order + 14
    prod = f6 * Networks("Z7").one()
    assert prod.isclose(f6, atol=1e-9) and prod.loss() < 1e-12


# --------------------------------------------------------------------------- what it computes
@pytest.mark.parametrize("spec", SMALL_GROUPS)
def test_loss_and_accuracy_match_enumeration(spec):
    G = parse_group(spec)
    rng = np.random.default_rng(8)
    W = random_weights(G, 4, rng)
    net = Network(G, *W)
    assert net.loss() == pytest.approx(loss_ref(G, *W), rel=1e-10)
    pairs = np.array([[0, 1], [2, 3], [1, 1]]) % G.order
    assert net.loss(pairs) == pytest.approx(loss_ref(G, *W, pairs=pairs), rel=1e-10)
    assert net.accuracy() == pytest.approx(accuracy_ref(G, *W))


def test_every_weight_reader_takes_a_network():
    from cogs.reading import analyze_network
    from cogs.sp.loss import constraint_report, kappa_terms, sp_loss_zero_mean
    from models.exact_loss import exact_loss, fast_loss
    from models.explain import explain
    from models.forward import brute_force_loss, loss_and_accuracy
    from models.residuals import residual_loss
    from models.spectrum import Spectrum

    G = parse_group("Z6")
    W = random_weights(G, 3, np.random.default_rng(2))
    net = Network(G, *W)
    for fn in (fast_loss, exact_loss, brute_force_loss, residual_loss, sp_loss_zero_mean, kappa_terms):
        assert torch.allclose(torch.as_tensor(fn(net)), torch.as_tensor(fn(G, *W)), rtol=1e-12, atol=1e-14), fn.__name__
    assert float(loss_and_accuracy(net)[1]) == float(loss_and_accuracy(G, *W)[1])
    assert constraint_report(net) == constraint_report(G, *W)
    assert np.allclose(Spectrum.from_weights(net).A, Spectrum.from_weights(G, *W).A)
    assert explain(net).to_dict() == explain(G, *W).to_dict() == net.explain().to_dict()
    assert [o.order for o in analyze_network(net).orbits] == [o.order for o in analyze_network(G, *W).orbits]
    with pytest.raises(TypeError, match="not both"):
        fast_loss(net, *W)
    with pytest.raises(TypeError, match="W_a, W_b, W_c"):
        fast_loss(G)


# --------------------------------------------------------------------------- a value
def test_immutable_and_checked():
    rng = np.random.default_rng(0)
    W = list(random_weights("Z5", 2, rng))
    net = Network("Z5", *W, meta={"note": "x"})
    W[0][0, 0] = 99.0  # the caller's array is the caller's
    assert net.W_a[0, 0] != 99.0
    with pytest.raises(ValueError):
        net.W_a[0, 0] = 1.0
    with pytest.raises(Exception):
        net.order = 3
    with pytest.raises(TypeError):
        net.meta["note"] = "y"
    for bad, match in (((W[0][:, :4], W[1], W[2]), "expected"), ((W[0] * np.nan, W[1], W[2]), "NaN"),
                       ((W[0] + 1j, W[1], W[2]), "real numbers")):
        with pytest.raises(ValueError, match=match):
            Network("Z5", *bad)


def test_repr_is_one_line_and_html_is_a_table():
    from cogs.solver import construct

    net = construct("Z5", "f46")
    r = repr(net)
    assert "\n" not in r and len(r) < 120 and "Z5" in r and "order=10" in r and "loss=" in r
    assert repr(Networks("Z5").zero()) == "Network(group=Z5, order=0)"
    h = net._repr_html_()
    assert h.startswith("<table>") and "Z5" in h and "f46" in h


def test_save_and_load_round_trip(tmp_path):
    from cogs.solver import construct

    net = construct("Z7", "f46")
    path = net.save(tmp_path / "n.npz")
    back = load(path)
    assert back.group == net.group and back.path == str(path)
    for a, b in zip(back.weights, net.weights):
        np.testing.assert_array_equal(a, b)
    assert dict(back.meta) == dict(net.meta) and back.meta["strategy"] == "f46"
    assert load_npz(path, "Z7").isclose(net)
    with pytest.raises(ValueError, match="no hidden nodes"):
        Networks("Z7").zero().save(tmp_path / "empty.npz")
    # a torch state dict in the paper scripts' layout loads with its group
    torch.save({"layera.weight": torch.tensor(net.W_a), "layerb.weight": torch.tensor(net.W_b),
                "layerc.weight": torch.tensor(net.W_c)}, tmp_path / "ck.pt")
    assert load(tmp_path / "ck.pt", group="Z7").isclose(net)


# --------------------------------------------------------------------------- a value, continued
def test_new_weights_drop_the_certificate_and_the_meta_that_described_the_old_ones():
    from cogs.solver import construct

    net = construct("Z5", "f46")
    assert net.certificate.passed and {"loss", "order"} <= set(net.meta)
    tripled = net.evolve(W_c=3 * net.W_c)
    assert tripled.certificate is None and not {"loss", "order"} & set(tripled.meta)
    assert tripled.meta["strategy"] == "f46" and tripled.meta["seed"] == 0  # what made it stays
    assert "loss=" not in repr(tripled) and "certified" not in tripled._repr_html_()
    assert tripled.loss() > 0.1 and "loss=" in repr(tripled)  # once computed, the loss of these weights
    for changed in (net.evolve(group="Z5", W_a=net.W_a + 1), net.canonical(), net.evolve(W_b=net.W_b[:, ::-1])):
        assert changed.certificate is None and "loss" not in changed.meta and "order" not in changed.meta
    # the same weights: kept; meta given with new weights: taken as given
    assert net.evolve(path="x.npz").certificate is net.certificate
    assert net.evolve(W_c=net.W_c.copy(), group="Z5").certificate is net.certificate
    given = net.evolve(W_c=3 * net.W_c, meta={"loss": 1.0})
    assert given.certificate is None and dict(given.meta) == {"loss": 1.0}
    # a certificate of other weights is refused (test_a_certificate_of_other_weights_is_refused)
    with pytest.raises(ValueError, match="certificate is for other weights"):
        net.evolve(W_c=3 * net.W_c, certificate=net.certificate)
    assert "loss=" in repr(net) and "certified" in net._repr_html_()


def test_weights_cannot_be_made_writeable_again(tmp_path):
    from cogs.solver import construct

    rng = np.random.default_rng(0)
    nets = [Network("Z5", *random_weights("Z5", 2, rng)), construct("Z7", "chain"), Networks("Z6").zero()]
    nets.append(load(nets[0].save(tmp_path / "n.npz")))
    for net in nets:
        for w in net.weights:
            with pytest.raises(ValueError, match="WRITEABLE"):
                w.setflags(write=True)
            if isinstance(w.base, np.ndarray):  # nor can what it views
                with pytest.raises(ValueError, match="WRITEABLE"):
                    w.base.setflags(write=True)
            with pytest.raises(ValueError, match="read-only"):
                w[...] = 0.0


@pytest.mark.parametrize("spec", ["Z5", "Z8", "Z2xZ3"])
def test_the_empty_network_agrees_with_a_zero_output_network(spec):
    """zero() and a one-node network with W_c = 0 are equal in the semi-ring: the same accuracy
    (1/d: every output is 0, the arg-max picks class 0) and the same loss ((d − 1)/d)."""
    G = parse_group(spec)
    d = G.order
    zero = Networks(G).zero()
    silent = Network(G, np.ones((1, d)), np.ones((1, d)), np.zeros((d, 1)))
    assert zero.isclose(silent)
    assert zero.accuracy() == silent.accuracy() == pytest.approx(1 / d, abs=1e-15)
    assert zero.accuracy() == accuracy_ref(G, *zero.weights)
    pairs = np.array([[0, 0], [1, d - 1], [1, 2]]) % d
    assert zero.accuracy(pairs) == silent.accuracy(pairs)
    assert zero.loss() == (d - 1) / d  # exactly
    assert silent.loss() == pytest.approx(zero.loss(), abs=1e-15) and zero.loss(pairs) == pytest.approx(silent.loss(pairs), abs=1e-15)


def _same_network(a, b) -> bool:
    return (a.group is b.group and all(np.array_equal(x, y) for x, y in zip(a.weights, b.weights))
            and dict(a.meta) == dict(b.meta) and a.path == b.path)


def test_networks_pickle_and_deepcopy_with_their_certificate():
    import copy
    import pickle

    from cogs.solver import construct

    rng = np.random.default_rng(3)
    plain = Network("Z2xZ3", *random_weights("Z2xZ3", 3, rng), meta={"seed": 3, "config": {"lr": 0.1}}, path="w.npz")
    for net in (plain, construct("Z7", "f46"), construct("Z9", "chain"), construct("Z3", "memorize"), Networks("Z4").zero()):
        for back in (pickle.loads(pickle.dumps(net)), copy.deepcopy(net), copy.copy(net)):
            assert _same_network(back, net) and not back.W_a.flags.writeable
            if net.certificate is not None:
                assert back.certificate.to_json() == net.certificate.to_json() and back.certificate.passed
                assert repr(back) == repr(net) and "loss=" in repr(back)
    S = Networks("Z6")
    assert pickle.loads(pickle.dumps(S)) is S and copy.deepcopy(S) is S


def test_networks_is_shared_and_read_only():
    S = Networks("Z5")
    with pytest.raises(AttributeError, match="read-only"):
        S.group = parse_group("Z7")
    with pytest.raises(AttributeError, match="read-only"):
        del S.group
    with pytest.raises(AttributeError, match="read-only"):
        S.anything = 1
    assert S.group == parse_group("Z5") and Networks("Z5") is S and S.one().d == 5


def test_a_copy_with_new_weights_forgets_the_file_they_came_from(tmp_path):
    import cogs

    path = cogs.construct("Z5", "f46").save(tmp_path / "n.npz")
    net = cogs.load(path)
    assert net.path == str(path) and net.evolve(meta={"note": 1}).path == str(path)  # same weights, same file
    moved = net.evolve(W_c=2 * net.W_c)
    assert moved.path is None
    runs = cogs.train("Z5", epochs=1, init=moved, dtype="float64")
    assert runs[0].config["init"] == "in-memory network (Z5, order 10)"  # not the file, which holds other weights


def test_a_certificate_of_other_weights_is_refused():
    import cogs

    net = cogs.construct("Z5", "f46")
    with pytest.raises(ValueError, match="certificate is for other weights"):
        Network("Z5", net.W_a, net.W_b, 2 * net.W_c, certificate=net.certificate)
    with pytest.raises(ValueError, match="certificate is for other weights"):
        Network("Z5", net.W_a[:5], net.W_b[:5], net.W_c[:, :5], certificate=net.certificate)
    assert Network("Z5", *net.weights, certificate=net.certificate).certificate is net.certificate


def test_weights_passed_by_keyword_to_save_weights_are_refused_with_the_fix(tmp_path):
    from models.io import save_weights

    W = random_weights("Z5", 2, np.random.default_rng(0))
    with pytest.raises(TypeError, match="positionally"):
        save_weights(tmp_path / "w.npz", "Z5", W_a=W[0], W_b=W[1], W_c=W[2])
    assert not (tmp_path / "w.npz").exists()
