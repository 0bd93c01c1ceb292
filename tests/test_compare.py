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
