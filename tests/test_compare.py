"""End to end: ``cogs compare`` and ``cogs sweep`` (few epochs), the report's contents
checked against independent facts (docs/solutions.md#global-solutions orders, brute-force losses of the saved
constructions, the trained runs' own files), and one-line refusals."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
import torch

from cogs.cli.main import main
from cogs.reports.table2 import KEYS, summarize
from cogs.reports.family_shares import shares_of_all
from models.network import load_npz
from models.forward import all_pairs, forward

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _plain_loss(w) -> float:
    """docs/mathematics.md#the-network-and-its-loss loss over all pairs, written out here independently of the library's loss."""
    d = w.d
    table = np.add.outer(np.arange(d), np.arange(d)) % d  # Z_d (cyclic tests only)
    W_a, W_b, W_c = (torch.tensor(x) for x in (w.W_a, w.W_b, w.W_c))
    P = all_pairs(d)
    o = forward(W_a, W_b, W_c, P[:, 0], P[:, 1]).numpy()
    target = np.eye(d)[table[P[:, 0], P[:, 1]]]
    diff = o - target
    diff -= diff.mean(1, keepdims=True)
    return float((diff**2).sum(1).mean())


@pytest.fixture(scope="module")
def z7_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("cmp") / "Z7"
    rc = main(["compare", "--group", "Z7", "--hidden", "20", "--epochs", "150", "--seeds", "1-2", "--out", str(out)])
    assert rc == 0
    return out, json.loads((out / "report.json").read_text())


def test_compare_writes_report_files(z7_report):
    out, rep = z7_report
    assert (out / "report.md").read_text().startswith("# CoGS comparison: Z7")
    for name in ("order_histogram.png", "frequency_maps.png", "sp_dynamics.png"):
        data = (out / name).read_bytes()
        assert data[:8] == PNG_MAGIC and len(data) > 5000, name
    for key in ("family_shares", "match_rate", "constructed", "runs", "order_histogram", "nonfactorable_share"):
        assert key in rep
    assert not list(out.rglob(".*.tmp")), "atomic writes left temporaries"


def test_compare_constructions_are_global_minima_with_spec_orders(z7_report):
    out, rep = z7_report
    cons = {c["strategy"]: c for c in rep["constructed"]}
    d = 7
    assert cons["f6"]["order"] == 3 * (d - 1) and cons["f46"]["order"] == 2 * d and cons["memorize"]["order"] == d * d
    for c in cons.values():
        w = load_npz(out / c["file"])
        assert w.q == c["order"]
        assert abs(_plain_loss(w)) < 1e-12
        assert abs(c["loss"]) < 1e-12
        assert c["norm"] == pytest.approx(float((w.W_a**2).sum() + (w.W_b**2).sum() + (w.W_c**2).sum()), rel=1e-12)


def test_compare_runs_match_their_files(z7_report):
    out, rep = z7_report
    assert [r["seed"] for r in rep["runs"]] == [1, 2]
    for r in rep["runs"]:
        w = load_npz(out / "train" / f"seed{r['seed']}_lr0.01_wd5e-05" / "weights.npz")
        assert w.meta["seeding"] == "reference" and w.meta["train_frac"] == 0.9
        assert r["norm"] == pytest.approx(float((w.W_a**2).sum() + (w.W_b**2).sum() + (w.W_c**2).sum()), rel=1e-6)
        assert len(r["orbits"]) == 3  # Z7: three complex orbits
        assert r["active_nodes"] == sum(o["order"] for o in r["orbits"])
    shares = rep["family_shares"]
    assert all(0 <= v <= 1 for v in shares.values())
    if shares:
        assert sum(shares.values()) + rep["unnamed_share"] == pytest.approx(1.0)


def test_report_table2_is_the_mean_of_its_per_network_rows(z7_report):
    out, rep = z7_report
    per = rep["table2_per_network"]
    assert [r["seed"] for r in per] == [1, 2]
    for r, run in zip(per, rep["runs"]):
        orders = [o["order"] for o in run["orbits"]]
        assert r["n_order_4"] == orders.count(4) and r["n_order_6"] == orders.count(6)
        assert r["n_order_0"] + r["n_other_orders"] == len(orders) - orders.count(4) - orders.count(6)
    for k in KEYS:
        vals = [r[k] for r in per]
        assert rep["table2"][k]["mean"] == pytest.approx(sum(vals) / 2)
        assert rep["table2"][k]["sem"] == pytest.approx(abs(vals[0] - vals[1]) / 2)
    md = (out / "report.md").read_text()
    # every label the report prints is defined in it
    for label in ("νi*ξ", "νi*synαβ", "ν*syn", "non-fact. 4", "#order 0", "match_rate"):
        assert f"- {label}:" in md or f"{label} =" in md, label
    assert shares_of_all([None]) == {}


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["compare", "--group", "Z0", "--out", "{tmp}"], "order 0"),
        (["compare", "--group", "Z7", "--strategies", "f7", "--out", "{tmp}"], "unknown strategy"),
        (["compare", "--group", "Z7", "--seeds", "3-1", "--out", "{tmp}"], "seed"),
        (["compare", "--group", "Z7", "--hidden", "0", "--out", "{tmp}"], "q"),
        (["compare", "--group", "Z7", "--lr", "-1", "--out", "{tmp}"], "learning rate"),
        (["sweep", "--preset", "fig9", "--out", "{tmp}"], "invalid choice"),
        (["sweep", "--preset", "fig3", "--epochs", "0", "--out", "{tmp}"], "epochs"),
    ],
)
def test_bad_input_is_one_line(argv, fragment, tmp_path, capsys):
    argv = [a.replace("{tmp}", str(tmp_path / "o")) for a in argv]
    try:
        rc = main(argv)
    except SystemExit as e:
        rc = e.code
    err = capsys.readouterr().err
    assert rc == 2
    lines = [l for l in err.splitlines() if l.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    assert fragment.lower() in lines[0].lower()
    assert not (tmp_path / "o" / "report.json").exists()


def test_sweep_rstar_and_table2_smoke(tmp_path):
    """Presets run end to end (few epochs) and write their reports."""
    out = tmp_path / "rstar"
    assert main(["sweep", "--preset", "rstar", "--epochs", "20", "--seeds", "1", "--out", str(out)]) == 0
    rep = json.loads((out / "report.json").read_text())
    assert [r["objective"] for r in rep["rows"]] == ["sp", "sp-no-rstar"]
    assert all(len(r["orders"][0]) == 3 for r in rep["rows"])  # Z7 has three orbits
    out = tmp_path / "table2"
    assert main(["sweep", "--preset", "table2", "--epochs", "3", "--seeds", "1", "--out", str(out)]) == 0
    rep = json.loads((out / "report.json").read_text())
    assert rep["rows"][0]["d"] == 23 and rep["rows"][0]["paper_percent"]["z_nu_i*z_xi"] == 47.1
    assert set(rep["rows"][0]["table2"]) >= set(KEYS)
    assert (out / "report.md").exists()


# ----------------------------------------------------------------------------- the library functions
def _files(folder: Path) -> dict:
    return {str(p.relative_to(folder)): p for p in sorted(folder.rglob("*")) if p.is_file() and "checkpoints" not in p.parts}


def _without_timings(doc: dict) -> dict:
    doc = json.loads(json.dumps(doc))
    doc.pop("timings", None)
    for row in doc["constructed"]:
        row.pop("seconds", None)
    return doc


def test_compare_in_memory_writes_nothing_and_writes_later_what_the_command_writes(tmp_path, monkeypatch):
    from cogs.jobs.compare import compare

    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    args = dict(hidden=8, epochs=40, seeds="1-2", strategies=["f6", "f46"], device="cpu")
    report = compare("Z5", **args)
    assert list(work.iterdir()) == []  # no file, no checkpoint, no figure
    doc = report.to_dict()
    assert doc["figures"] == {} and [row["file"] for row in doc["constructed"]] == [None, None]
    assert sorted(report.constructed) == ["f46", "f6"] and [r.seed for r in report.runs] == [1, 2]
    assert "\n" not in repr(report) and "in memory" in repr(report) and "report:" not in report.summary()
    json.dumps(doc, allow_nan=False)
    written = report.write(tmp_path / "later")
    direct = compare("Z5", tmp_path / "direct", **args)
    a, b = _files(tmp_path / "later"), _files(tmp_path / "direct")
    assert sorted(a) == sorted(b) and "constructed/f6.npz" in a and "train/seed2_lr0.01_wd5e-05/weights.npz" in a
    for name in a:
        if name.endswith(".npz"):
            assert load_npz(a[name]).isclose(load_npz(b[name]), atol=0), name
        elif name.endswith(".json"):
            assert _without_timings(json.loads(a[name].read_text())) == _without_timings(json.loads(b[name].read_text())) \
                if name == "report.json" else a[name].read_text() == b[name].read_text(), name
    assert written.to_dict()["constructed"][0]["file"] == "constructed/f6.npz"
    assert written.to_dict()["figures"] == direct.to_dict()["figures"]
    assert _without_timings(written.to_dict()) == _without_timings(json.loads((tmp_path / "later" / "report.json").read_text()))
    assert f"report: {tmp_path / 'later'}/report.md" in written.summary()
    with pytest.raises(ValueError, match="already holds the output of an earlier `cogs compare`"):
        report.write(tmp_path / "later")


def test_a_registered_preset_runs_through_sweep_and_the_command(tmp_path, capsys):
    """A preset of one's own: registered, it is a choice of `cogs sweep --preset`, trains its
    grid and writes its report, in memory or into a folder."""
    from cogs.jobs.preset import Grid, Preset
    from cogs.jobs.sweep import PRESETS, register_preset, sweep, unregister_preset
    from models.training import TrainConfig

    class Tiny(Preset):
        name = "tiny"
        summary = "Z5 at q = 6 with two weight decays"
        outputs = ("z5grid", "tiny.png")

        def grids(self, *, scale, epochs, seeds, device, dtype):
            return [Grid("z5grid", TrainConfig(group="Z5", q=6, epochs=epochs, wds=(0.0, 1e-3), seeds=seeds,
                                               device=device, dtype=dtype))]

        def announce(self, grid):
            return f"tiny: {grid.config.n_runs} runs"

        def rows(self, trained):
            return [{"wd": r.wd, "ok": r.status == "ok"} for t in trained for r in t.batch.runs]

        def markdown(self, trained, rows, figures):
            return [f"{len(rows)} runs; figures: {', '.join(figures) or 'none'}"]

        def figures(self, trained, rows, folder):
            (folder / "tiny.png").write_bytes(b"not really a png")
            return [folder / "tiny.png"]

    assert "tiny" not in PRESETS
    register_preset(Tiny())
    try:
        with pytest.raises(ValueError, match="already registered"):
            register_preset(Tiny())
        assert list(PRESETS)[-1] == "tiny"
        memory = sweep("tiny", epochs=3, seeds=(1, 2), device="cpu")
        assert [r["wd"] for r in memory.to_dict()["rows"]] == [0.0, 1e-3, 0.0, 1e-3]
        assert "figures" not in memory.to_dict() and memory.markdown().endswith("4 runs; figures: none\n")
        rc = main(["sweep", "--preset", "tiny", "--epochs", "3", "--seeds", "1-2", "--device", "cpu",
                   "--out", str(tmp_path / "o")])
        out = capsys.readouterr().out
        assert rc == 0 and "tiny: 4 runs" in out and "4 runs; figures: tiny.png" in out
        rep = json.loads((tmp_path / "o" / "report.json").read_text())
        assert rep["preset"] == "tiny" and rep["figures"] == ["tiny.png"] and rep["rows"] == memory.to_dict()["rows"]
        assert len(list((tmp_path / "o" / "z5grid").glob("seed*/weights.npz"))) == 4
        written = memory.write(tmp_path / "later")
        assert written.to_dict()["rows"] == rep["rows"] and (tmp_path / "later" / "z5grid" / "summary.json").exists()
        assert (tmp_path / "later" / "report.md").read_text() == (tmp_path / "o" / "report.md").read_text()
    finally:
        unregister_preset("tiny")
    assert "tiny" not in PRESETS


def _careless_preset():
    """A preset that trains into a folder its outputs do not name."""
    from cogs.jobs.preset import Grid, Preset
    from models.training import TrainConfig

    class Careless(Preset):
        name, summary = "careless", "writes a grid folder it does not declare"

        def grids(self, *, scale, epochs, seeds, device, dtype):
            return [Grid("mine", TrainConfig(group="Z5", q=4, epochs=epochs, seeds=seeds, device=device))]

        def rows(self, trained):
            return []

        def markdown(self, trained, rows, figures):
            return []

    return Careless()


def test_a_preset_must_own_the_folders_it_trains_into(tmp_path):
    from cogs.jobs.sweep import sweep

    with pytest.raises(ValueError, match=r"trains into mine/, which its outputs do not name"):
        sweep(_careless_preset(), tmp_path / "o", epochs=1, seeds=(1,), device="cpu")
    assert not (tmp_path / "o").exists()
    assert sweep(_careless_preset(), epochs=1, seeds=(1,), device="cpu").to_dict()["rows"] == []  # in memory: no folder


def test_presets_are_registered_in_the_commands_order():
    from cogs.jobs.preset import Preset
    import cogs.jobs.sweep as sweep_module
    from cogs.jobs.sweep import PRESETS, sweep_grids

    assert list(PRESETS) == ["table2", "fig4", "width", "fig3", "rstar", "irreps"]
    assert all(isinstance(p, Preset) and p.name == n and p.summary for n, p in PRESETS.items())
    grids = sweep_grids("width", epochs=5, seeds=(1,))
    assert [g.folder for g in grids] == ["Z23_q256", "Z23_q512", "Z23_q1024", "Z23_q2048"]
    assert [g.objective for g in sweep_grids("rstar", epochs=5, seeds=(1,))] == ["sp", "sp-no-rstar"]
    assert not hasattr(sweep_module, "preset_jobs")  # the grids are the one list of what a sweep trains
    with pytest.raises(ValueError, match="unknown preset 'fig9'; choose from table2, fig4, width, fig3, rstar, irreps"):
        sweep_grids("fig9")
    with pytest.raises(ValueError, match="scale must be"):
        sweep_grids("rstar", scale="huge")
    assert [(g.folder, g.config.group) for g in sweep_grids("irreps", epochs=5, seeds=(1,), group="SmallGroup(16,3)")] == \
        [("irreps_SmallGroup_16_3_", "SmallGroup(16,3)")]
    assert sweep_grids("irreps", epochs=5, seeds=(1,))[0].config.group == "S4"
    with pytest.raises(ValueError, match="preset 'fig4' trains its own groups; group is read by irreps"):
        sweep_grids("fig4", group="S4")


# ----------------------------------------------------------------------------- strategies, numbers, wording
def _broken_strategy():
    from cogs.solver import Strategy

    class Broken(Strategy):
        name, summary = "broken_plan", "a strategy whose plan raises"

        def plan(self, group, *, registry, **options):
            raise ValueError("broken_plan cannot plan")

        def assemble(self, plan, seed):
            raise AssertionError("never built")

    return Broken()


def test_a_strategy_that_refuses_the_group_is_a_skipped_row_with_its_reason():
    """Any strategy's refusal — chain on Z4, not only memorize's size limit — is a skipped row
    carrying the refusal's reason; the other strategies are built."""
    from cogs.jobs.compare import compare

    report = compare("Z4", hidden=6, epochs=2, seeds=1, strategies="f6,chain", device="cpu")
    rows = report.to_dict()["constructed"]
    assert [r["strategy"] for r in rows] == ["f6", "chain"] and "order" in rows[0]
    assert rows[1] == {"strategy": "chain", "skipped": "Z4 has no character of odd order besides 0, so chain has no doubling "
                       "cycle to build on and nothing to add to the registry's compositions — use f46 or auto"}
    assert sorted(report.constructed) == ["f6"]
    assert rows[1]["skipped"] in report.summary()


def test_memorize_above_its_size_limit_is_skipped_with_the_short_note():
    """The compare report's note for memorize above d = 64 is the short one it always was."""
    from cogs.jobs.compare import compare

    report = compare("Z67", hidden=4, epochs=1, seeds=1, strategies="memorize", device="cpu")
    assert report.to_dict()["constructed"] == [{"strategy": "memorize", "skipped": "d = 67 > 64: d² nodes not affordable"}]


def test_every_strategy_is_planned_before_the_folder_is_touched(tmp_path):
    """A resume with a strategy that cannot even plan is refused with nothing deleted; one that
    refuses the group resumes, with a skipped row."""
    from cogs.jobs.compare import compare
    from cogs.solver import register_strategy, unregister_strategy

    out = tmp_path / "cmp"
    compare("Z4", out, hidden=6, epochs=2, seeds=1, strategies="f6", device="cpu")
    before = {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    register_strategy(_broken_strategy())
    try:
        with pytest.raises(ValueError, match="broken_plan cannot plan"):
            compare("Z4", out, hidden=6, epochs=4, seeds=1, strategies="f6,broken_plan", device="cpu", resume=True)
    finally:
        unregister_strategy("broken_plan")
    assert {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()} == before
    resumed = compare("Z4", out, hidden=6, epochs=4, seeds=1, strategies="f6,chain", device="cpu", resume=True)
    rep = json.loads((out / "report.json").read_text())
    assert [r.get("skipped", "built") for r in rep["constructed"]][0] == "built" and "skipped" in rep["constructed"][1]
    assert resumed.to_dict()["constructed"][1] == rep["constructed"][1]


def test_compare_reads_the_networks_and_the_group_it_reports(monkeypatch):
    """The report's header is G.summary()'s, each constructed row's norm is the network's own
    weight_norm2 and its losses the typed certificate's fields; the readings hold the Networks."""
    from cogs.jobs import compare as compare_module
    from cogs.solver.certificate import Certificate
    from groups._base import FiniteAbelianGroup
    from models.network import Network

    real_summary = FiniteAbelianGroup.summary
    monkeypatch.setattr(FiniteAbelianGroup, "summary", lambda G: dict(real_summary(G), complex_orbits=-7))
    monkeypatch.setattr(Network, "weight_norm2", lambda net: 42.0)
    monkeypatch.setattr(Certificate, "to_dict", lambda cert: pytest.fail("the certificate is read by its fields"))
    report = compare_module.compare("Z5", hidden=4, epochs=1, seeds=1, strategies="f46", device="cpu")
    doc = report.to_dict()
    assert doc["complex_orbits"] == -7 and (doc["group"], doc["d"], doc["real_characters"]) == ("Z5", 5, 0)
    (row,) = doc["constructed"]
    assert row["norm"] == 42.0 and doc["runs"][0]["norm"] == 42.0
    cert = report.constructed["f46"].certificate
    assert row["certificate_loss"] == cert.loss and row["loss"] == cert.brute_force_loss
    assert row["loss_method"] == cert.loss_method and row["orbit_generators"] == ["z_nu*z_syn", "z_nu_i*z_xi"]
    assert report._readings.constructed == report.constructed  # Networks, not weight tuples
    assert all(isinstance(n, Network) for n in report._readings.constructed.values())


def test_the_frequency_maps_draw_a_constructed_network_read_as_a_network(tmp_path):
    from cogs.reports import Readings
    from cogs.reports.frequency_maps import FrequencyMaps
    from cogs.solver import construct
    from models.network import Network

    drawn = []

    class Figures:
        @staticmethod
        def frequency_maps(path, panels, title):
            drawn.append([label for label, _ in panels])
            return path

    f46, f6 = construct("Z7", "f46"), construct("Z7", "f6")
    readings = Readings.from_spectra("Z7", [f6.spectrum()], [{"seed": 1}], constructed={"f46": f46, "f6": f6})
    assert isinstance(readings.constructed["f46"], Network)
    assert FrequencyMaps().figure(readings, {}, tmp_path, Figures) == {"frequency_maps": "frequency_maps.png"}
    assert FrequencyMaps(construction="f6").figure(readings, {}, tmp_path, Figures)
    assert drawn == [["trained (seed 1)", "constructed f46 (order 14)"], ["trained (seed 1)", "constructed f6 (order 18)"]]


def test_compare_and_sweep_read_seeds_and_numbers_as_train_does():
    from cogs.jobs.compare import compare
    from cogs.jobs.sweep import sweep

    report = compare("Z5", hidden=np.int64(4), epochs=np.int64(1), seeds=np.int64(2), lr=np.float32(0.5),
                     wd=np.float64(0.0), threshold=np.float32(0.05), strategies="f6", device="cpu")
    cfg = report.to_dict()["config"]
    assert list(cfg["seeds"]) == [2] and type(cfg["hidden"]) is int and type(cfg["lr"]) is float
    assert type(cfg["threshold"]) is float and type(cfg["epochs"]) is int
    json.dumps(report.to_dict(), allow_nan=False)
    again = compare("Z5", hidden=4, epochs=1, seeds="2", strategies="f6", device="cpu")
    assert list(again.to_dict()["config"]["seeds"]) == [2]
    for seeds in (3, "3", np.int64(3), [3]):
        assert sweep("rstar", epochs=1, seeds=seeds, device="cpu").to_dict()["seeds"] == [3], seeds
    doc = sweep("rstar", epochs=np.int64(1), seeds="1-2", device="cpu").to_dict()
    assert doc["seeds"] == [1, 2] and type(doc["epochs"]) is int
    with pytest.raises(ValueError, match=r"^epochs must be ≥ 1, got 0$"):
        sweep("rstar", epochs=0, seeds=1)
    with pytest.raises(ValueError, match=r"seeds must be integers .* got 1\.5 \(float\)"):
        sweep("rstar", epochs=1, seeds=[1.5])


def test_a_reports_write_offers_only_what_write_takes(tmp_path):
    """CompareReport.write and SweepReport.write take overwrite but not resume: a used folder's
    refusal says overwrite=True, in the library's words."""
    from cogs.jobs.compare import compare
    from cogs.jobs.sweep import sweep

    report = compare("Z5", hidden=4, epochs=1, seeds=1, strategies="f6", device="cpu")
    report.write(tmp_path / "c")
    with pytest.raises(ValueError, match=r"^out='.*c' already holds the output of an earlier `cogs compare` "
                                         r"\(.*\); pass overwrite=True to replace it$"):
        report.write(tmp_path / "c")
    swept = sweep("rstar", epochs=1, seeds=1, device="cpu")
    swept.write(tmp_path / "s")
    with pytest.raises(ValueError, match=r"pass overwrite=True to replace it$"):
        swept.write(tmp_path / "s")
    report.write(tmp_path / "c", overwrite=True)


def test_the_output_folder_checks_take_how_to_name_the_options(tmp_path):
    from cogs.jobs.arguments import FLAGS
    from cogs.jobs.outdir import FolderInUse, Outputs, check_out, prepare_out

    outputs = Outputs("train", ("summary.json",))
    with pytest.raises(ValueError, match=r"^resume and overwrite are about an output folder: pass out="):
        prepare_out(None, outputs, resume=True)
    assert prepare_out(None, outputs) == [] and check_out(None, outputs) == []
    with pytest.raises(ValueError, match=r"^--resume and --overwrite exclude each other: --resume continues"):
        check_out(tmp_path, outputs, overwrite=True, resume=True, spelling=FLAGS)
    with pytest.raises(ValueError, match=r"^resume=True and overwrite=True exclude each other: resume=True continues"):
        check_out(tmp_path, outputs, overwrite=True, resume=True)
    (tmp_path / "summary.json").write_text("{}")
    from cogs.jobs.outdir import ForeignEntries

    with pytest.raises(ForeignEntries, match=f"^--out {re.escape(str(tmp_path))} holds summary.json, which `cogs train`"):
        check_out(tmp_path, outputs, spelling=FLAGS)  # no job recorded writing it: the user's
    (tmp_path / ".cogs-manifest").write_text('{"command": "train", "file": "summary.json"}\n')
    with pytest.raises(FolderInUse, match=f"^--out {re.escape(str(tmp_path))} already holds"):
        check_out(tmp_path, outputs, spelling=FLAGS)
    (tmp_path / "file").write_text("")
    with pytest.raises(ValueError, match=r"^out='.*file': exists and is not a folder$"):
        check_out(tmp_path / "file", outputs)


def test_sweep_report_write_refuses_a_grid_folder_its_preset_does_not_own(tmp_path):
    """The one check of sweep(out=…) applies to SweepReport.write too."""
    from cogs.jobs.sweep import sweep

    report = sweep(_careless_preset(), epochs=1, seeds=(1,), device="cpu")
    with pytest.raises(ValueError, match=r"trains into mine/, which its outputs do not name"):
        report.write(tmp_path / "o")
    assert not (tmp_path / "o").exists()


def test_the_sweep_command_takes_its_scales_from_the_library(monkeypatch):
    import cogs.jobs.preset as preset_module
    from cogs.cli.main import build_parser

    monkeypatch.setattr(preset_module, "SCALES", ("cpu", "full", "tiny"))
    sub = next(a for a in build_parser()._actions if a.dest == "command").choices["sweep"]
    (scale,) = [a for a in sub._actions if a.dest == "scale"]
    assert tuple(scale.choices) == ("cpu", "full", "tiny") and scale.default == "cpu"
