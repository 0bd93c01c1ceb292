"""The spectral hand-off (models.spectrum) and the registry of report analyses (cogs.reports).

The spectrum is checked against the character sums written out in tests/helpers.py (not
the FFT the code uses), on cyclic and product groups, odd and even; the analyses registry
for what every registered analysis must do and for reading each network exactly once."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from cogs.reports import ANALYSES, Analysis, Readings, figures_of, markdown_of, register, registered, report_of, unregister
from groups import parse_group
from models.spectrum import Spectrum, fourier_coefficients, paper_scale
from tests.helpers import SMALL_GROUPS, coefficients_ref, paper_lambda, random_weights


@settings(max_examples=25, deadline=None)
@given(spec=st.sampled_from(SMALL_GROUPS), q=st.integers(1, 6), seed=st.integers(0, 2**31 - 1))
def test_spectrum_is_the_character_sum(spec, q, seed):
    G = parse_group(spec)
    W = random_weights(G, q, np.random.default_rng(seed))
    s = Spectrum.from_weights(G, *W)
    A, B, C = coefficients_ref(G, *W)
    for got, want in zip((s.A, s.B, s.C), (A, B, C)):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)
    np.testing.assert_allclose(s.z, paper_lambda(G.order) * np.stack([A, B, C]), rtol=0, atol=1e-11)
    assert paper_scale(G.order) == pytest.approx(paper_lambda(G.order), rel=1e-15)


@settings(max_examples=15, deadline=None)
@given(spec=st.sampled_from(SMALL_GROUPS), seed=st.integers(0, 2**31 - 1))
def test_one_conversion_for_numpy_and_torch_batches(spec, seed):
    """fourier_coefficients on a torch batch equals the character sums of each network."""
    G = parse_group(spec)
    W = random_weights(G, 4, np.random.default_rng(seed), runs=3)
    At, Bt, Ct = fourier_coefficients(G, *(torch.as_tensor(w) for w in W))
    assert isinstance(At, torch.Tensor) and At.shape == (3, G.order, 4)
    for r in range(3):
        want = coefficients_ref(G, *(w[r] for w in W))
        for got, ref in zip((At[r], Bt[r], Ct[r]), want):
            np.testing.assert_allclose(got.numpy(), ref, rtol=0, atol=1e-12)


def test_dominant_orbit_order_and_block_by_hand():
    """Node 0 lives at k = 1 (|A| = 1), node 1 at k = 2 (|A| = 0.5), node 2 is silent."""
    G = parse_group("Z5")
    g = np.arange(5)
    W_a = np.stack([np.cos(2 * np.pi * g / 5) * 2, np.cos(4 * np.pi * g / 5), np.zeros(5)])  # |A_1| = 1, |A_2| = 0.5
    W_b, W_c = W_a.copy(), np.ones((5, 3))
    s = Spectrum.from_weights(G, W_a, W_b, W_c)
    assert [o.k for o in s.orbits] == [0, 1, 2]
    np.testing.assert_allclose(s.dominant_magnitude, [1.0, 0.5, 0.0], atol=1e-12)
    assert list(s.dominant[:2]) == [1, 2]
    active = s.active("abs", 0.05)
    assert list(active) == [True, True, False]
    assert list(s.orders(active)) == [0, 1, 1]
    np.testing.assert_allclose(s.block(1, [0]), paper_scale(5) * np.array([[1.0], [1.0], [0.0]]), atol=1e-12)
    fm = s.frequency_map()
    assert fm.shape == (2, 5) and fm[0, 1] == pytest.approx(1.0) and fm[1, 2] == pytest.approx(0.5)


def test_spectrum_refuses_wrong_shapes():
    with pytest.raises(ValueError, match=r"expected \(3, 5\)"):
        Spectrum.from_weights("Z5", np.zeros((3, 5)), np.zeros((3, 4)), np.zeros((5, 3)))


# --- the registry of analyses ---------------------------------------------------------------


@pytest.fixture(scope="module")
def readings():
    from cogs.solver import construct

    G = parse_group("Z7")
    W = construct(G, "f46").weights
    rng = np.random.default_rng(3)
    noisy = tuple(w + 1e-3 * rng.normal(size=w.shape) for w in W)
    spectra = [Spectrum.from_weights(G, *W), None, Spectrum.from_weights(G, *noisy)]
    return Readings.from_spectra(G, spectra, [{"seed": 1}, {"seed": 2}, {"seed": 3}],
                                 config={"hidden": W[0].shape[0], "wd": 5e-5})  # the weights' own width


def _report(readings):
    base = {"group": readings.group.spec, "d": readings.group.order, "constructed": [],
            "runs": [{"seed": m["seed"], "orbits": [] if a is None else [o.to_dict("compact") for o in a.orbits]}
                     for m, a in zip(readings.metas, readings.analyses)]}
    return base | report_of(readings)


@pytest.mark.parametrize("analysis", list(ANALYSES.values()), ids=lambda a: a.name)
def test_every_registered_analysis_reports_json_and_markdown_from_the_report_alone(readings, analysis):
    part = analysis.report(readings)
    assert isinstance(part, dict)
    json.dumps(part)  # JSON-ready
    report = _report(readings)
    round_tripped = json.loads(json.dumps(report))  # markdown needs nothing but the saved report
    lines = analysis.markdown(round_tripped)
    assert all(isinstance(x, str) for x in lines)
    if lines:
        assert lines[0].startswith("## ")


def test_names_are_unique_and_keys_are_reported_once(readings):
    names = list(ANALYSES)
    assert len(names) == len(set(names))
    keys = [k for a in ANALYSES.values() for k in a.report(readings)]
    assert len(keys) == len(set(keys))


def test_table2_reads_the_exact_network_and_skips_the_unreadable_one(readings):
    t2 = report_of(readings, ["table2"])
    assert [r["seed"] for r in t2["table2_per_network"]] == [1, 3]  # seed 2 could not be read
    assert t2["table2_paper_percent"] is None  # no published row for d = 7


def test_adding_an_analysis_is_one_class_and_one_registration(readings, tmp_path):
    class NodeCount(Analysis):
        name = "node_count_test"

        def report(self, r):
            return {"node_count": [s.q for s in r.spectra if s is not None]}

        def markdown(self, report):
            return ["## Nodes", "", f"nodes: {report['node_count']}"]

    register(NodeCount())
    try:
        with pytest.raises(ValueError, match="already registered"):
            register(NodeCount())
        report = _report(readings)
        q = readings.config["hidden"]
        assert report["node_count"] == [q, q]
        assert f"nodes: [{q}, {q}]" in markdown_of(report)
        assert "node_count_test" in [a.name for a in registered()]
    finally:
        unregister("node_count_test")
    assert "node_count_test" not in [a.name for a in registered()]
    with pytest.raises(ValueError, match="unknown analysis"):
        registered(["node_count_test"])


def test_a_key_reported_twice_is_an_error(readings):
    class Clash(Analysis):
        name = "clash_test"

        def report(self, r):
            return {"table2": {}}

    register(Clash())
    try:
        with pytest.raises(ValueError, match="already reported: table2"):
            report_of(readings)
    finally:
        unregister("clash_test")


def test_each_network_is_converted_once_and_read_twice_at_most(monkeypatch):
    """Readings.from_batch converts each run's weights once; the lsq reading reuses the spectra."""
    import cogs.reports.base as base
    import cogs.reading as analysis
    from cogs.jobs.runs import TrainedBatch
    from models.training import TrainConfig, train

    calls = {"spectrum": 0, "read": 0}
    real_from, real_read = Spectrum.from_weights.__func__, analysis.analyze_spectrum

    def counting_from(cls, *a, **k):
        calls["spectrum"] += 1
        return real_from(cls, *a, **k)

    def counting_read(*a, **k):
        calls["read"] += 1
        return real_read(*a, **k)

    config = TrainConfig(group="Z5", q=8, epochs=3, seeds=(1, 2), dtype="float64", device="cpu")
    batch = TrainedBatch.of("Z5", config, train(config))
    monkeypatch.setattr(Spectrum, "from_weights", classmethod(counting_from))
    monkeypatch.setattr(analysis, "analyze_spectrum", counting_read)
    r = base.Readings.from_batch(batch, config={"hidden": 8, "wd": 5e-5})
    report_of(r)
    assert calls == {"spectrum": 2, "read": 4}  # two networks; the paper's reading and the lsq one
    figures_of(r, report_of(r), "/nonexistent", _NoFigures())  # figures read the same spectra
    assert calls["spectrum"] == 2


class _NoFigures:
    """A stand-in for cogs.reports.figures that draws nothing."""

    def __getattr__(self, name):
        return lambda *a, **k: None


def test_a_subset_reads_nothing_again(readings, monkeypatch):
    """Readings.subset picks networks by index; the readings are the same objects, not re-read."""
    import cogs.reading as analysis

    monkeypatch.setattr(analysis, "analyze_spectrum", lambda *a, **k: pytest.fail("read again"))
    sub = readings.subset([2, 0])
    assert [m["seed"] for m in sub.metas] == [3, 1]
    assert sub.analyses[0] is readings.analyses[2] and sub.spectra[1] is readings.spectra[0]
    h = report_of(sub, ["order_histogram"])["order_histogram"]
    orders = [o.order for a in (readings.analyses[2], readings.analyses[0]) for o in a.orbits if o.kind == "complex"]
    assert sum(h["complex"].values()) == len(orders)
    assert {int(k): v for k, v in h["complex"].items()} == {n: orders.count(n) for n in set(orders)}


def test_sweep_mean_order_from_a_histogram():
    from cogs.jobs.paper_presets import _all_kinds, _mean

    assert _mean({"4": 3, "6": 1}) == pytest.approx((4 * 3 + 6) / 4)
    assert _mean({}) is None
    assert _all_kinds({"complex": {"4": 2, "6": 1}, "real": {"2": 3, "4": 1}}) == {2: 3, 4: 3, 6: 1}


@pytest.mark.parametrize("preset, fragments", [
    ("fig4", ["d = 23", "q = 512", "wd ∈ {1e-5, 5e-5, 0.0001, 0.0002, 0.0005}", "float32"]),
    ("width", ["q ∈ {256, 512, 1024, 2048}", "wd = 5e-5"]),
    ("rstar", ["d = 7", "q = 20", "float64"]),
])
def test_sweep_reports_state_the_set_up_their_grids_train(preset, fragments):
    """The set-up line is read off the grids the preset trains (not written a second time)."""
    from cogs.jobs.sweep import _setup_line, sweep_grids

    line = _setup_line(sweep_grids(preset, epochs=100, seeds=(1, 2)))
    for f in fragments + ["seeds 1, 2", "100 epochs", "lr = 0.01"]:
        assert f in line, (f, line)


# ------------------------------------------------------------------------------ reprs
def test_reprs_are_one_short_line_without_arrays():
    """Every value type of the reading prints as one line that names the group, the order and
    counts — never its arrays (a Z23 network of 46 nodes would print thousands of numbers)."""
    from cogs.reading import analyze_spectrum, explain, orbit_orders
    from cogs.reading.paper import paper_pairing
    from cogs.reports.analyze import analyze
    from cogs.solver import construct

    net = construct("Z23", "f46")
    spectrum = net.spectrum()
    an = analyze_spectrum(spectrum)
    orbit = an.orbits[0]
    objects = {
        "Spectrum(group=Z23, q=46, orbits=12, active=46)": spectrum,
        "NetworkAnalysis(group=Z23, q=46, orbits=11, factor_orbits=11, factorable=11, named=11)": an,
        "OrbitAnalysis(k=1, neg=22, kind=complex, order=": orbit,
        "Factorization(n=": orbit.factorization,
        "Pairing(first=(": orbit.factorization.best,
        "PaperPairing(first=(": paper_pairing(orbit.block),
        "Orders(orbits=12, active_abs=46, active_rel=46, threshold=0.05, tau=0.1)": orbit_orders(spectrum),
        "Readings(group=Z23, networks=2, read=2, threshold=0.05)": Readings.from_spectra("Z23", [spectrum, spectrum]),
        "Explanation(group=Z23, q=46, loss=": explain(net, local_dimension=False),
        "Explanation(group=Z7, q=14, loss=": explain(construct("Z7", "f46")),
        "AnalysisReport(group=Z23, networks=2, orbits=22, named=22, threshold=0.05)": analyze([net, net]),
    }
    for start, obj in objects.items():
        text = repr(obj)
        assert text.startswith(start), (start, text)
        assert "\n" not in text and len(text) <= 120 and "array" not in text, text
    assert repr(objects["Explanation(group=Z7, q=14, loss="]).endswith("local_dimension=24)")
