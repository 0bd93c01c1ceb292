"""End to end: ``cogs compare`` and ``cogs sweep`` (few epochs), the report's contents
checked against independent facts (docs/solutions.md#global-solutions orders, brute-force losses of the saved
constructions, the trained runs' own files), and one-line refusals."""

from __future__ import annotations

import json
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


def test_a_preset_must_own_the_folders_it_trains_into(tmp_path):
    from cogs.jobs.preset import Grid, Preset
    from cogs.jobs.sweep import sweep
    from models.training import TrainConfig

    class Careless(Preset):
        name, summary = "careless", "writes a grid folder it does not declare"

        def grids(self, *, scale, epochs, seeds, device, dtype):
            return [Grid("mine", TrainConfig(group="Z5", q=4, epochs=epochs, seeds=seeds, device=device))]

        def rows(self, trained):
            return []

        def markdown(self, trained, rows, figures):
            return []

    with pytest.raises(ValueError, match=r"trains into mine/, which its outputs do not name"):
        sweep(Careless(), tmp_path / "o", epochs=1, seeds=(1,), device="cpu")
    assert not (tmp_path / "o").exists()
    assert sweep(Careless(), epochs=1, seeds=(1,), device="cpu").to_dict()["rows"] == []  # in memory: no folder


def test_presets_are_registered_in_the_commands_order():
    from cogs.jobs.preset import Preset
    from cogs.jobs.sweep import PRESETS, preset_jobs, sweep_grids

    assert list(PRESETS) == ["table2", "fig4", "width", "fig3", "rstar"]
    assert all(isinstance(p, Preset) and p.name == n and p.summary for n, p in PRESETS.items())
    grids = sweep_grids("width", epochs=5, seeds=(1,))
    assert [g.folder for g in grids] == ["Z23_q256", "Z23_q512", "Z23_q1024", "Z23_q2048"]
    jobs = [(config, name) for _, config, name in sweep_grids("rstar", epochs=5, seeds=(1,))]
    assert preset_jobs("rstar", epochs=5, seeds=(1,)) == jobs and [name for _, name in jobs] == ["sp", "sp-no-rstar"]
    with pytest.raises(ValueError, match="unknown preset 'fig9'; choose from table2, fig4, width, fig3, rstar"):
        sweep_grids("fig9")
    with pytest.raises(ValueError, match="scale must be"):
        sweep_grids("rstar", scale="huge")
