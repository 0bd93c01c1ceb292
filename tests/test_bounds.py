"""cogs.solver.bounds and `cogs bounds`: the lower bound 3c + r against hand-computed values, the
paper's orders, CoGS's best construction, discovery results, and the CLI."""

from __future__ import annotations

import json
import math
import typing

import numpy as np
import pytest

from cogs.solver.bounds import bounds, lower_bound, read_results

# (group, c, r, 3c + r), counted by hand: r = #{k ≠ 0 : 2k = 0}, c = (d − 1 − r)/2
HAND = [
    ("Z2", 0, 1, 1),
    ("Z3", 1, 0, 3),
    ("Z4", 1, 1, 4),  # k = 2 real; {1, 3}
    ("Z5", 2, 0, 6),
    ("Z7", 3, 0, 9),
    ("Z8", 3, 1, 10),  # k = 4 real; {1,7}, {2,6}, {3,5}
    ("Z9", 4, 0, 12),
    ("Z2xZ2", 0, 3, 3),
    ("Z3xZ3", 4, 0, 12),
    ("Z2xZ4", 2, 3, 9),  # real: (1,0), (0,2), (1,2)
    ("Z23", 11, 0, 33),
    ("Z3xZ3xZ3", 13, 0, 39),
]


@pytest.mark.parametrize("spec, c, r, bound", HAND)
def test_lower_bound_by_hand(spec, c, r, bound):
    b = bounds(spec)
    assert (b.c, b.r, b.lower_bound) == (c, r, bound)
    assert lower_bound(spec) == bound
    assert b.d == 1 + 2 * c + r
    assert b.gap == b.best_order - bound and b.gap >= 0


@pytest.mark.parametrize("d", [3, 5, 7, 9, 11, 15, 21, 23])
def test_odd_cyclic_bound_is_ceil_three_halves(d):
    assert lower_bound(f"Z{d}") == math.ceil(3 * (d - 1) / 2)


def test_paper_orders_by_hand():
    assert bounds("Z5").paper == {"f6": 12, "f46": 10}
    assert bounds("Z8").paper == {"f6": 20, "f46": 16}
    assert bounds("Z2xZ4").paper == {"f6": 18, "f46": 16}
    assert bounds("Z2xZ2").paper == {"f6": 6}  # no complex orbit: no z_F4/6


def test_z2_note_and_best_construction():
    b = bounds("Z2")
    assert any("q = 1 is impossible" in n for n in b.notes)
    assert b.cogs_construction.order == 2 and b.cogs_construction.strategy == "f6"


@pytest.mark.parametrize("spec", ["Z5", "Z8", "Z2xZ4", "Z3xZ3"])
def test_cogs_construction_is_the_lowest_passing_strategy(spec):
    cons = bounds(spec).cogs_construction
    tried = cons.tried
    assert "memorize" not in tried and {"f6", "f46"} <= set(tried)
    passing = {s: t.order for s, t in tried.items() if t.error is None and t.passed}
    assert cons.order == min(passing.values()) and passing[cons.strategy] == cons.order
    assert cons.built and cons.loss < 1e-12
    assert cons.order <= min(bounds(spec).paper.values())


def test_large_group_is_planned_not_built():
    cons = bounds("Z257", build_max_d=256).cogs_construction
    assert not cons.built and cons.loss is None
    assert cons.tried["f6"].order == 6 * 128 and cons.tried["f46"].order == 2 * 257
    assert cons.tried["chain"].order == 2 * 256 and cons.order == 512 and cons.strategy == "chain"  # 3 ∤ 257: n3 = 0


def test_discovered_rows_json(tmp_path):
    p = tmp_path / "scan.json"
    rows = [
        {"q": 9, "best_loss": 1e-3, "converged": False},
        {"q": 10, "best_loss": 2e-20, "converged": True},
        {"q": 10, "best_loss": 1e-22, "converged": True},
        {"q": 12, "best_loss": 0.0, "converged": True},
    ]
    p.write_text(json.dumps({"group": "Z5", "rows": rows}))
    b = bounds("Z5", results=p)
    assert b.discovered.order == 10 and b.discovered.loss == 1e-22
    assert b.discovered.orders_tried == (9, 10, 12)
    assert b.best_order == min(10, b.cogs_construction.order)
    with pytest.raises(ValueError, match="not Z7"):
        bounds("Z7", results=p)
    p.write_text(json.dumps([{"q": 4, "best_loss": 1.0, "converged": False}]))
    assert bounds("Z5", results=p).discovered.order is None


def test_discovered_weights_folder(tmp_path):
    from models.io import save_weights

    g = np.arange(3)
    W_a = 6.0 * (g[None, :] == g[:, None]) - 5.0
    W_b = 6.0 * (g[None, :] == g[:, None])
    W_c = ((g[:, None] == (2 * g[None, :]) % 3) - 1.0 / 3.0) / 24.0  # exact Z3 solution, q = 3
    (tmp_path / "q3").mkdir()
    save_weights(tmp_path / "q3" / "best.npz", "Z3", W_a, W_b, W_c)
    rows = read_results(tmp_path, "Z3")
    assert len(rows) == 1 and rows[0]["q"] == 3 and rows[0]["converged"]
    b = bounds("Z3", results=tmp_path)
    assert b.discovered.order == 3 and b.best_order == 3 and b.best_source == "cogs chain" and b.gap == 0  # a tie: the construction is named


def test_missing_results():
    with pytest.raises(ValueError, match="no such file"):
        bounds("Z3", results="/nonexistent/scan.json")


# -- CLI ---------------------------------------------------------------------------------


def test_cli_json_shape(capsys):
    from cogs.cli.main import main

    assert main(["bounds", "--group", "Z3,Z8", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [g["group"] for g in data["groups"]] == ["Z3", "Z8"]
    keys = {"group", "d", "c", "r", "lower_bound", "paper", "cogs_construction", "discovered", "best_known", "gap", "notes"}
    assert all(keys <= set(g) for g in data["groups"])
    assert [g["lower_bound"] for g in data["groups"]] == [3, 10]
    assert data["groups"][1]["paper"] == {"f6": 20, "f46": 16}


def test_cli_table_and_results(tmp_path, capsys):
    from cogs.cli.main import main

    p = tmp_path / "scan.json"
    p.write_text(json.dumps({"group": "Z5", "rows": [{"q": 10, "best_loss": 1e-20, "converged": True}]}))
    assert main(["bounds", "--group", "Z3,Z5", "--results", str(p)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:5] == ["group", "d", "c", "r", "q"] and "gap" in out[0]
    assert out[1].startswith("Z3") and out[2].startswith("Z5") and "10 (1.0e-20)" in out[2]


@pytest.mark.parametrize(
    "args, needle",
    [
        (["--group", "banana"], "banana"),
        (["--group", "Z3,,Z5"], "empty"),
        (["--group", "Z3", "--results", "/nonexistent/scan.json"], "no such file"),
    ],
)
def test_cli_errors_one_line(args, needle, capsys):
    from cogs.cli.main import main

    assert main(["bounds", *args]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and needle in err[0]


# -- discovery result objects, and which group an output applies to ------------------------------
@typing.final
class _Doc:
    """Anything with to_dict() giving a discovery document (duck typing, as bounds reads it)."""

    def __init__(self, doc):
        self._doc = doc

    def to_dict(self):
        return self._doc


def test_results_may_be_a_discovery_result_object():
    from cogs.discovery import discover, scan

    r = discover("Z3", 3, restarts=4, seed=0)
    b = bounds("Z3", results=r)
    assert b.discovered.order == 3 and b.discovered.source == "DiscoveryResult" and b.gap == 0
    s = scan("Z3", 4, 3, restarts=4, seed=0)
    assert bounds("Z3", results=s).discovered.orders_tried == (3, 4) and bounds("Z3", results=s).discovered.order == 3
    rows = [{"q": 10, "best_loss": 1e-22, "converged": True}, {"q": 9, "best_loss": 0.5, "converged": False}]
    assert bounds("Z5", results=_Doc({"group": "Z5", "rows": rows})).discovered.order == 10
    assert read_results(_Doc(rows), "Z5")[0]["source"] == "_Doc"
    with pytest.raises(ValueError, match="results _Doc: rows are for group Z5, not Z7"):
        bounds("Z7", results=_Doc({"group": "Z5", "rows": rows}))
    with pytest.raises(ValueError, match="results _Doc: expected a list of rows, got str"):
        bounds("Z5", results=_Doc("not a document"))


def test_group_for_results_picks_the_group_the_output_names(tmp_path):
    from cogs.solver.bounds import group_for_results

    p = tmp_path / "scan.json"
    p.write_text(json.dumps({"group": "Z5", "rows": [{"q": 10, "best_loss": 1e-20, "converged": True}]}))
    doc = _Doc({"group": "Z5", "rows": [{"q": 10, "best_loss": 1e-20}]})
    for results in (p, str(p), doc):
        assert group_for_results(["Z3", "Z5", "Z8"], results).spec == "Z5"
        assert group_for_results(["Z5"], results).spec == "Z5"
    unnamed = _Doc([{"q": 4, "best_loss": 1e-20}])
    assert group_for_results(["Z3"], unnamed).spec == "Z3"  # one group: the output applies to it
    with pytest.raises(ValueError, match=r"^results _Doc: names none of the groups Z3, Z7$"):
        group_for_results(["Z3", "Z7"], doc)
    with pytest.raises(ValueError, match=r"^--results .*scan.json: names none of the groups Z3, Z7$"):
        group_for_results(["Z3", "Z7"], str(p), label="--results")
    with pytest.raises(ValueError, match="rows are for group Z5, not Z7"):
        group_for_results(["Z7"], p)  # read and checked on the way
