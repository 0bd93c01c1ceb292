"""Reading networks by real irreducible representations (models.irrep_spectrum, cogs.reading.irreps,
the "irreps" rows of `cogs analyze --json` and the irrep_orders report analysis).

Powers and magnitudes are checked against explicit sums over the group with irreducible
matrices built here — S3 as permutation matrices on the sum-zero plane, Q8 as unit quaternions
(its quaternionic irreducible is left multiplication on H = R⁴) — not with the groups package's
matrices; nodes built from matrix coefficients have their powers fixed by Schur orthogonality;
and on finite Abelian groups every order is compared with the per-orbit reading of
cogs.reading (models.spectrum), trained and constructed networks included.
"""

from __future__ import annotations

import itertools
import json
import types

import attrs
import numpy as np
import pytest

import cogs
from cogs.cli.main import main
from cogs.reading import analyze_network, read_irreps
from cogs.reading.irreps import ANALYZE_KEYS, IrrepReading
from cogs.reports import ANALYSES, Readings, report_of
from cogs.reports.irrep_orders import IrrepOrders, irrep_order_histogram
from groups import parse_group
from models.irrep_spectrum import IrrepSpectrum
from models.network import Network
from models.spectrum import Spectrum

TOL = 1e-10


def random_network(spec, q, seed, *, scale=1.0):
    G = parse_group(spec)
    rng = np.random.default_rng(seed)
    n = G.order
    return Network(G, scale * rng.normal(size=(q, n)), scale * rng.normal(size=(q, n)), scale * rng.normal(size=(n, q)))


# --- groups written out by hand --------------------------------------------------------------


def s3_by_hand():
    """[(character, size, multiplicity, (n, s, s) real matrices, (n, d, d) complex irrep)] of S3 on
    the permutations of {0, 1, 2} in lexicographic order: trivial, sign, and the permutation
    matrices on the sum-zero plane. P(g) e_i = e_{g(i)} represents (g·h)(i) = g(h(i)); when
    the group's table composes the other way round (h(g(i))), P(g)ᵀ is the representation."""
    perms = list(itertools.permutations(range(3)))
    P = np.zeros((6, 3, 3))
    for k, g in enumerate(perms):
        for i in range(3):
            P[k, g[i], i] = 1.0
    table = parse_group("S3").cayley_table()
    if not all(np.array_equal(P[table[g, h]], P[g] @ P[h]) for g in range(6) for h in range(6)):
        P = P.transpose(0, 2, 1)
    V = np.array([[1.0, -1.0, 0.0], [1.0, 1.0, -2.0]]).T
    V /= np.linalg.norm(V, axis=0)  # orthonormal basis of the sum-zero plane
    std = np.einsum("ia,kij,jb->kab", V, P, V)
    sign = np.linalg.det(P)[:, None, None]
    reps = [(np.ones(6), 1, 1, np.ones((6, 1, 1))), (sign[:, 0, 0], 1, 1, sign), (np.trace(std, axis1=1, axis2=2), 2, 2, std)]
    return [(chi, s, m, M, M.astype(complex)) for chi, s, m, M in reps]


def _quat_mul(p, q):
    w1, x1, y1, z1 = p
    w2, x2, y2, z2 = q
    return np.array([w1 * w2 - x1 * x2 - y1 * y2 - z1 * z2, w1 * x2 + x1 * w2 + y1 * z2 - z1 * y2,
                     w1 * y2 - x1 * z2 + y1 * w2 + z1 * x2, w1 * z2 + x1 * y2 - y1 * x2 + z1 * w2])


def q8_by_hand():
    """As :func:`s3_by_hand` for Q8 = Dic_2: a^i x^j at index i + 4j, a ↦ i, x ↦ j (unit
    quaternions); the quaternion product must be the group's table."""
    one, qi, qj = np.array([1.0, 0, 0, 0]), np.array([0, 1.0, 0, 0]), np.array([0, 0, 1.0, 0])
    elems = []
    for j in range(2):
        for i in range(4):
            p = one
            for _ in range(i):
                p = _quat_mul(p, qi)
            for _ in range(j):
                p = _quat_mul(p, qj)
            elems.append(p)
    elems = np.array(elems)
    find = lambda p: int(np.flatnonzero(np.abs(elems - p).sum(1) < 1e-12)[0])  # noqa: E731
    table = np.array([[find(_quat_mul(g, h)) for h in elems] for g in elems])
    assert np.array_equal(table, parse_group("Q8").cayley_table())

    def left(p):
        w, x, y, z = p
        return np.array([[w, -x, -y, -z], [x, w, -z, y], [y, z, w, -x], [z, -y, x, w]])

    L = np.array([left(p) for p in elems])
    ri, rj = np.diag([1j, -1j]), np.array([[0, 1], [-1, 0]], dtype=complex)
    rho = np.array([np.linalg.matrix_power(ri, i) @ np.linalg.matrix_power(rj, j) for j in range(2) for i in range(4)])
    reps = []
    for sa, sx in itertools.product((1.0, -1.0), repeat=2):  # the four characters: a ↦ ±1, x ↦ ±1
        chi = np.array([sa ** i * sx ** j for j in range(2) for i in range(4)])
        reps.append((chi, 1, 1, chi[:, None, None], chi[:, None, None].astype(complex)))
    reps.append((np.trace(L, axis1=1, axis2=2), 4, 1, L, rho))  # type H: size 4, M_1(H), ρ of dimension 2
    return reps


BY_HAND = {"S3": s3_by_hand, "Q8": q8_by_hand}


def matched(spec):
    """The hand-built irreducibles in the order of ``G.real_irreps()``, matched by character."""
    G = parse_group(spec)
    reps = BY_HAND[spec]()
    table = G.cayley_table()
    for *_, M, rho in reps:  # each is a representation of this table
        for X in (M, rho):
            np.testing.assert_allclose(X[table], np.einsum("gab,hbc->ghac", X, X), atol=1e-12)
    out = []
    for r in G.real_irreps():
        hits = [rep for rep in reps if np.allclose(rep[0], r.character, atol=1e-9)]
        assert len(hits) == 1
        out.append(hits[0])
    assert len(out) == len(reps)
    return G, out


def power_by_hand(reps, w):
    """P_σ(w) = (m_σ/n) ‖Σ_g w(g) σ(g)‖_F² by explicit sums; and the magnitude √d_ρ ‖Σ_g w(g) ρ(g)‖_F / n."""
    n = len(w)
    P = [m / n * np.sum(np.einsum("g,gab->ab", w, M) ** 2) for _, _, m, M, _ in reps]
    mu = [np.sqrt(rho.shape[-1]) * np.linalg.norm(np.einsum("g,gab->ab", w, rho)) / n for *_, rho in reps]
    return np.array(P), np.array(mu)


# --- IrrepSpectrum -----------------------------------------------------------------------------


@pytest.mark.parametrize("spec", ["S3", "D4", "Q8", "A4", "Z7", "Z2xZ4", "Z3xZ3"])
def test_plancherel_per_node_and_matrix(spec):
    net = random_network(spec, 5, 11)
    s = IrrepSpectrum.from_weights(net)
    assert s.power.shape == (3, len(net.group.real_irreps()), 5)
    assert (s.power >= 0).all()
    want = np.stack([(net.W_a ** 2).sum(1), (net.W_b ** 2).sum(1), (net.W_c ** 2).sum(0)])
    np.testing.assert_allclose(s.power.sum(axis=1), want, rtol=TOL, atol=0)
    total = sum(float((w ** 2).sum()) for w in net.weights)
    np.testing.assert_allclose(s.norm_share, s.power.sum(axis=(0, 2)) / total, rtol=TOL, atol=0)
    assert s.norm_share.sum() == pytest.approx(1.0, abs=TOL)


@pytest.mark.parametrize("spec", ["S3", "Q8"])
def test_powers_and_magnitudes_are_the_explicit_sums(spec):
    G, reps = matched(spec)
    net = random_network(spec, 4, 5)
    s = IrrepSpectrum.from_weights(net)
    for j in range(4):
        for x, w in enumerate((net.W_a[j], net.W_b[j], net.W_c[:, j])):
            P, mu = power_by_hand(reps, w)
            np.testing.assert_allclose(s.power[x, :, j], P, rtol=TOL, atol=TOL)
            if x == 0:  # the magnitude reads W_a, as |A_kj| does
                np.testing.assert_allclose(s.magnitude[:, j], mu, rtol=TOL, atol=TOL)
                assert s.dominant[j] == int(np.argmax(mu))
                assert s.dominant_magnitude[j] == pytest.approx(mu.max(), rel=TOL)
    norms = np.stack([np.linalg.norm(net.W_a, axis=1), np.linalg.norm(net.W_b, axis=1), np.linalg.norm(net.W_c, axis=0)])
    np.testing.assert_allclose(s.strength, np.cbrt(norms.prod(0)) / np.sqrt(G.order), rtol=TOL)


def test_a_node_in_one_irreducible_is_read_there():
    """Node 0: a matrix coefficient of S3's 2-dim irreducible (Schur: all its power ‖w‖² = n/d = 3
    there, magnitude √d/d = 1/√2); node 1: 0.3 × the sign character (magnitude 0.3); node 2: 1e-3 × the
    trivial one (below the 0.05 threshold)."""
    G, reps = matched("S3")
    std = next(M for _, s, _, M, _ in reps if s == 2)
    sign = next(M for chi, s, _, M, _ in reps if s == 1 and chi.min() < 0)
    W = np.stack([std[:, 0, 1], 0.3 * sign[:, 0, 0], 1e-3 * np.ones(6)])
    s = IrrepSpectrum.from_weights(G, W, W, W.T)
    i_std = [r.size for r in G.real_irreps()].index(2)
    i_sign = next(r.index for r in G.real_irreps() if r.size == 1 and r.character.min() < 0)
    assert list(s.dominant) == [i_std, i_sign, 0]
    np.testing.assert_allclose(s.power[:, i_std, 0], [3.0, 3.0, 3.0], rtol=TOL)
    np.testing.assert_allclose(s.power[:, :, 0].sum(1), [3.0, 3.0, 3.0], rtol=TOL)
    np.testing.assert_allclose(s.dominant_magnitude, [1 / np.sqrt(2), 0.3, 1e-3], rtol=TOL)
    assert list(s.active("abs")) == [True, True, False]
    assert list(s.active("abs", threshold=0.4)) == [True, False, False]
    assert list(s.orders(s.active("abs"))) == [0 if i not in (i_std, i_sign) else 1 for i in range(3)]
    # scale-free: strengths ∝ ‖w‖ = √3, 0.3·√6, 1e-3·√6, so τ = 0.1 keeps the first two
    assert list(s.active("rel")) == [True, True, False]
    assert list(s.active("rel", tau=0.5)) == [True, False, False]


def test_a_node_in_q8_quaternionic_irreducible():
    G, reps = matched("Q8")
    L = reps[-1][3]
    i_h = next(r.index for r in G.real_irreps() if r.kind == "H")
    w = L[:, 0, 2]  # a matrix coefficient of the size-4 irreducible: ‖w‖² = n/s = 2, ŵ(σ) = (n/4) E_02
    s = IrrepSpectrum.from_weights(G, w[None], w[None], w[:, None])
    assert int(s.dominant[0]) == i_h and bool(s.active()[0])
    np.testing.assert_allclose(s.power[:, i_h, 0], [2.0, 2.0, 2.0], rtol=TOL)
    # ρ(g) as a 2×2 complex matrix: Σ_g w(g) ρ(g) by hand, √2 × its Frobenius norm / n
    rho = reps[-1][4]
    np.testing.assert_allclose(s.dominant_magnitude[0], np.sqrt(2) * np.linalg.norm(np.einsum("g,gab->ab", w, rho)) / 8,
                               rtol=TOL)


def test_the_dominant_irreducible_is_the_one_with_more_power_whatever_its_dimension():
    """On S4, a node with power 0.25·n in the sign irreducible and 0.49·n in a 3-dimensional one is
    read as 3-dimensional: the magnitude is √(P/n) for types R and H, whatever the dimension."""
    G = parse_group("S4")
    n = G.order
    sign = next(r for r in G.real_irreps() if r.size == 1 and r.character.min() < 0)
    three = next(r for r in G.real_irreps() if r.size == 3)
    # w = α·(sign character) + β·(a matrix coefficient of the 3-dim irreducible): powers α²n and β²n/3
    alpha, beta = 0.5, 0.7 * np.sqrt(3)
    w = alpha * sign.matrices[:, 0, 0] + beta * three.matrices[:, 0, 1]
    s = IrrepSpectrum.from_weights(G, w[None], w[None], w[:, None])
    np.testing.assert_allclose(s.power[0, sign.index, 0], alpha**2 * n, rtol=TOL)
    np.testing.assert_allclose(s.power[0, three.index, 0], beta**2 * n / 3, rtol=TOL)
    assert int(s.dominant[0]) == three.index  # power 0.49·n against 0.25·n
    np.testing.assert_allclose(s.magnitude[[sign.index, three.index], 0], [0.5, 0.7], rtol=TOL)


def test_values_are_read_only_and_refuse_bad_input():
    s = IrrepSpectrum.from_weights(random_network("S3", 3, 0))
    assert not s.power.flags.writeable and not s.dominant.flags.writeable
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        s.power = None
    with pytest.raises(ValueError, match="rule"):
        s.active("median")
    with pytest.raises(ValueError):
        IrrepSpectrum.from_weights("S3", np.zeros((2, 5)), np.zeros((2, 5)), np.zeros((5, 2)))
    empty = IrrepSpectrum.from_weights("S3", np.zeros((0, 6)), np.zeros((0, 6)), np.zeros((6, 0)))
    assert empty.q == 0 and list(empty.orders(empty.active())) == [0, 0, 0] and list(empty.norm_share) == [0, 0, 0]


def test_torch_weights_read_like_numpy():
    torch = pytest.importorskip("torch")
    net = random_network("D4", 3, 2)
    a = IrrepSpectrum.from_weights(net)
    b = IrrepSpectrum.from_weights("D4", *(torch.tensor(np.array(w)) for w in net.weights))
    np.testing.assert_allclose(a.power, b.power, rtol=1e-14, atol=0)


# --- Abelian groups: exactly the per-orbit reading ------------------------------------------


@pytest.fixture(scope="module")
def z7_networks():
    trained = cogs.train("Z7", hidden=32, epochs=300, seeds=[1])[0].network
    return [cogs.construct("Z7", strategy="f46"), cogs.construct("Z7", strategy="f6"), trained,
            random_network("Z7", 9, 3, scale=0.05)]


def _orbit_orders(analysis, rule):
    key = "order_abs" if rule == "abs" else "order_rel"
    return [analysis.zero_abs if rule == "abs" else analysis.zero_rel] + [getattr(o, key) for o in analysis.orbits]


@pytest.mark.parametrize("threshold", [0.02, 0.05, 0.2])
def test_abelian_orders_are_the_per_orbit_orders(z7_networks, threshold):
    for net in z7_networks:
        a = analyze_network(net, threshold=threshold)
        r = read_irreps(net, threshold=threshold)
        assert [row["kind"] for row in r.rows[1:]] == ["C" if o.kind == "complex" else "R" for o in a.orbits]
        assert list(r.orders) == _orbit_orders(a, "abs")
        assert [row["order_rel"] for row in r.rows] == _orbit_orders(a, "rel")
        assert list(read_irreps(net, threshold=threshold, rule="rel").orders) == _orbit_orders(a, "rel")
        spec, irr = Spectrum.from_weights(net), IrrepSpectrum.from_weights(net)
        np.testing.assert_allclose(irr.magnitude, spec.magnitude, rtol=0, atol=1e-12)
        assert np.array_equal(irr.dominant, spec.dominant)


def test_the_trained_network_has_several_orders(z7_networks):
    """The equivalence above is not vacuous: the trained network spreads over the orbits."""
    orders = read_irreps(z7_networks[2]).orders
    assert sum(orders) > 0 and sum(1 for o in orders[1:] if o) >= 2


@pytest.mark.parametrize("spec", ["Z2xZ4", "Z3xZ3", "Z2xZ2xZ2"])
def test_abelian_products_match_the_orbit_reading(spec):
    G = parse_group(spec)
    for seed in range(3):
        net = random_network(spec, 12, seed, scale=0.2)
        a, r = analyze_network(net, threshold=0.05), read_irreps(net, threshold=0.05)
        assert list(r.orders) == _orbit_orders(a, "abs")
        assert [row["size"] for row in r.rows] == [1] + [1 if o.is_real else 2 for o in G.orbits()]


# --- IrrepReading ------------------------------------------------------------------------------


def test_reading_rows_describe_the_irreducibles():
    net = random_network("A4", 6, 4)
    r = read_irreps(net)
    assert isinstance(r, IrrepReading) and r.group == "A4" and r.q == 6
    G = parse_group("A4")
    complex_irreps = G.irreps()
    for row, sigma in zip(r.rows, G.real_irreps()):
        assert (row["irrep"], row["kind"], row["size"]) == (sigma.index, sigma.kind, sigma.size)
        rho = complex_irreps[sigma.complex[0]]
        assert (row["dim"], row["indicator"]) == (rho.dim, rho.indicator)
        assert {"R": 1, "C": 0, "H": -1}[row["kind"]] == row["indicator"]
    assert [row["kind"] for row in r.rows] == ["R", "C", "R"]  # A4: 1, ω ⊕ ω̄, the 3-dim one
    assert sum(row["norm_share"] for row in r.rows) == pytest.approx(1.0, abs=TOL)
    d = json.loads(json.dumps(r.to_dict()))
    assert list(d["irreps"][0]) == ["irrep", "dim", "indicator", "kind", "size", "order", "order_abs", "order_rel",
                                    "norm_share"]
    with pytest.raises(TypeError):
        r.rows[0]["order"] = 99  # read-only rows
    with pytest.raises(ValueError, match="rule"):
        read_irreps(net, rule="median")


# --- cogs analyze ------------------------------------------------------------------------------


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_analyze_json_on_a_non_abelian_network(tmp_path, capsys):
    G, reps = matched("S3")
    net = random_network("S3", 6, 8, scale=0.3)
    path = net.save(tmp_path / "s3.npz")
    code, out, err = run(capsys, "analyze", "--weights", str(path), "--json")
    assert code == 0, err
    doc = json.loads(out)
    (row,) = doc["networks"]
    assert list(row) == ["file", "group", "q", "orbits", "table2", "match_rate", "irreps"]
    assert (row["group"], row["q"], row["orbits"], row["table2"], row["match_rate"]) == ("S3", 6, None, None, None)
    assert [list(x) for x in row["irreps"]] == [list(ANALYZE_KEYS)] * 3
    assert [(x["irrep"], x["dim"], x["kind"], x["indicator"]) for x in row["irreps"]] == [(0, 1, "R", 1), (1, 1, "R", 1),
                                                                                        (2, 2, "R", 1)]
    # the orders and shares by the explicit sums
    mus = np.array([power_by_hand(reps, net.W_a[j])[1] for j in range(6)])  # (q, n_σ)
    active = mus.max(1) >= 0.05
    want = np.bincount(mus.argmax(1)[active], minlength=3)
    assert [x["order"] for x in row["irreps"]] == list(want)
    P = sum(np.array([power_by_hand(reps, w)[0] for w in ws]).sum(0) for ws in (net.W_a, net.W_b, net.W_c.T))
    np.testing.assert_allclose([x["norm_share"] for x in row["irreps"]], P / P.sum(), rtol=1e-9)
    code, text, err = run(capsys, "analyze", "--weights", str(path))
    assert code == 0 and "read by real irreducibles" in text and "norm share" in text


def test_analyze_json_on_an_abelian_network_adds_irreps_last(z7_networks):
    doc = cogs.analyze(z7_networks[:3]).to_dict()
    for row, net in zip(doc["networks"], z7_networks):
        assert list(row) == ["file", "group", "q", "orbits", "table2", "match_rate", "irreps"]
        a = analyze_network(net)
        assert [x["order"] for x in row["irreps"]] == _orbit_orders(a, "abs")
        assert [x["order"] for x in row["irreps"][1:]] == [o["order"] for o in row["orbits"]]
    assert "irrep_order_histogram" not in doc


# --- the report analysis ---------------------------------------------------------------------


def _s3_batch():
    """Three S3 networks whose orders are known by construction (matrix coefficients)."""
    G, reps = matched("S3")
    std = next(M for _, s, _, M, _ in reps if s == 2)
    sign = next(M for chi, s, _, M, _ in reps if s == 1 and chi.min() < 0)
    i_std = [r.size for r in G.real_irreps()].index(2)
    i_sign = next(r.index for r in G.real_irreps() if r.size == 1 and r.character.min() < 0)

    def net(*cols):
        W = np.stack(cols)
        return Network(G, W, W, W.T)

    nets = [net(std[:, 0, 0], std[:, 1, 0], sign[:, 0, 0]), net(std[:, 0, 1]), None]  # None: a diverged run
    return G, nets, i_std, i_sign


def test_irrep_histogram_on_a_handcrafted_batch(tmp_path):
    G, nets, i_std, i_sign = _s3_batch()
    from cogs.reports import Readings

    readings = Readings(G, (None,) * 3, (None,) * 3, ({},) * 3, 0.05, config={"hidden": 3}, networks=tuple(nets))
    part = IrrepOrders().report(readings)
    h = part["irrep_order_histogram"]
    assert h["networks"] == 2
    by = {row["irrep"]: row for row in h["irreps"]}
    assert by[0]["histogram"] == {"0": 2}
    assert by[i_sign]["histogram"] == {"0": 1, "1": 1}
    assert by[i_std]["histogram"] == {"1": 1, "2": 1}
    assert by[i_std]["histogram_scale_free"] == {"1": 1, "2": 1}
    assert (by[i_std]["dim"], by[i_std]["kind"], by[i_std]["size"]) == (2, "R", 2)
    report = json.loads(json.dumps(part))
    lines = IrrepOrders().markdown(report)
    assert lines[0] == "## Orders by irreducible"
    assert any(f"irrep {i_std} (dim 2, R)" in x and "order 1: 1, order 2: 1" in x for x in lines)
    pytest.importorskip("matplotlib")
    from cogs.reports import figures

    made = IrrepOrders().figure(readings, report, tmp_path, figures)
    assert made == {"irrep_order_histogram": "irrep_order_histogram.png"}
    assert (tmp_path / "irrep_order_histogram.png").stat().st_size > 0


def test_irrep_histogram_counts_networks_not_nodes():
    G, nets, i_std, _ = _s3_batch()
    h = irrep_order_histogram(G, [nets[0], nets[0], nets[1]])
    assert h["networks"] == 3 and h["irreps"][i_std]["histogram"] == {"1": 1, "2": 2}


def test_abelian_reports_are_left_as_they_are(z7_networks):
    assert "irrep_orders" in ANALYSES
    spectra = [Spectrum.from_weights(n) for n in z7_networks]
    readings = Readings.from_spectra("Z7", spectra, [{"seed": i} for i in range(len(spectra))])
    assert IrrepOrders().report(readings) == {}
    assert IrrepOrders().markdown({"group": "Z7", "complex_orbits": 3}) == []
    assert "irrep_order_histogram" not in report_of(readings)
    # even when the readings hold the networks
    held = types.SimpleNamespace(group=parse_group("Z7"), networks=z7_networks, threshold=0.05, config={})
    assert IrrepOrders().report(held) == {}


def test_analyze_reports_the_histogram_for_a_non_abelian_group():
    _, nets, i_std, _ = _s3_batch()
    doc = cogs.analyze(nets[:2]).to_dict()
    assert doc["irrep_order_histogram"]["irreps"][i_std]["histogram"] == {"1": 1, "2": 1}
    assert doc["irrep_order_histogram"]["networks"] == 2
    # and a Readings of the networks (as compare and sweep build it), one of them unreadable
    readings = Readings.from_spectra("S3", [None] * 3, [{"seed": s} for s in (1, 2, 3)], networks=tuple(nets))
    assert report_of(readings)["irrep_order_histogram"]["irreps"][i_std]["histogram"] == {"1": 1, "2": 1}
