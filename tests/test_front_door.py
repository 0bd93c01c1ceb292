"""The Python front door, used as a notebook would: only ``import cogs``.

Construct networks, add and multiply them, save and load them, train two runs in memory, read
them, and check the objects that come back against what the command line prints for the same
work (the CLI is a shell over these functions).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import cogs

ROOT = Path(__file__).resolve().parent.parent


def test_a_notebook_session(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # anything written by accident would land here
    import cogs

    G = cogs.group("Z7")
    f6 = cogs.construct(G, strategy="f6")
    f46 = cogs.construct("Z7", strategy="f46")
    assert (f6.order, f46.order) == (18, 14)  # 3(d − 1) and 2d
    assert f6.certificate.passed and f46.certificate.passed and f46.loss() < 1e-12

    # the semi-ring: + concatenates nodes, * convolves node pairs, one is its unit
    total = f6 + f46
    assert total.order == 32 and total.W_c.shape == (7, 32)
    one = cogs.Networks("Z7").one()
    assert (f46 * one).isclose(f46) and (one * f46).isclose(f46)
    assert (f6 * (f46 + one)).isclose(f6 * f46 + f6)  # distributivity, 18·15 nodes
    assert (f6 * f46).order == 18 * 14
    assert (2.0 * f46).isclose(cogs.Network(G, f46.W_a, f46.W_b, 2 * f46.W_c))
    assert "\n" not in repr(f46) and "Z7" in repr(f46)

    # save and load
    path = f46.save(tmp_path / "f46.npz")
    back = cogs.load(path)
    assert back.isclose(f46, atol=0) and back.meta["strategy"] == "f46" and back.path == str(path)

    # train two runs in memory, then read them
    before = sorted(p.name for p in tmp_path.iterdir())
    runs = cogs.train("Z7", hidden=24, epochs=30, seeds=[1, 2], lr=0.01, wd=5e-5)
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written
    assert [r.network.order for r in runs] == [24, 24] and [r.seed for r in runs] == [1, 2]
    assert runs[0].metrics[-1]["epoch"] == 30 and runs[0].metrics[0]["epoch"] == 0
    final, cfg = runs[0].metrics[-1], runs[0].config  # the all-pairs loss is the train and test losses' mean
    mixed = (cfg["n_train"] * final["train_loss"] + cfg["n_test"] * final["test_loss"]) / 49
    assert runs[0].network.loss() == pytest.approx(mixed, rel=1e-5)  # float32 training, float64 here
    report = cogs.analyze([r.network for r in runs])
    doc = report.to_dict()
    assert len(doc["networks"]) == 2 and set(doc) >= {"threshold", "networks", "table2"}
    assert all(len(n["orbits"]) == 3 for n in doc["networks"])  # Z7: orbits {1,6}, {2,5}, {3,4}
    json.dumps(doc, allow_nan=False)  # plain JSON


def test_analyze_matches_the_command_line(tmp_path):
    """cogs.analyze(files).to_dict() is exactly what `cogs analyze --json` prints."""
    import cogs

    paths = [cogs.construct("Z5", strategy=s).save(tmp_path / f"{s}.npz") for s in ("f6", "f46")]
    doc = cogs.analyze(paths).to_dict()
    cli = subprocess.run([sys.executable, "-m", "cogs.cli.main", "analyze", "--weights", *map(str, paths), "--json"],
                         cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert cli.returncode == 0, cli.stderr
    assert json.loads(cli.stdout) == json.loads(json.dumps(doc))


def test_train_to_a_folder_writes_what_the_command_writes(tmp_path):
    import cogs

    runs = cogs.train("Z5", hidden=8, epochs=3, seeds=[1], out=tmp_path / "py")
    cli = subprocess.run([sys.executable, "-m", "cogs.cli.main", "train", "--group", "Z5", "--hidden", "8",
                          "--epochs", "3", "--seeds", "1", "--out", str(tmp_path / "cli")],
                         cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert cli.returncode == 0, cli.stderr
    names = lambda p: sorted(str(x.relative_to(p)) for x in p.rglob("*") if "checkpoints" not in x.parts)  # noqa: E731
    assert names(tmp_path / "py") == names(tmp_path / "cli")
    assert cogs.load(Path(runs[0].folder) / "weights.npz").isclose(runs[0].network, atol=0)


@pytest.mark.parametrize("name", sorted(cogs.__all__))
def test_front_door_examples_run_as_copied_into_a_fresh_interpreter(name):
    """Each example imports what it uses (``import cogs`` and explicit imports): run with empty
    globals, not the defining module's (which is what the doctest collection gives them)."""
    import doctest

    import cogs

    tests = [t for t in doctest.DocTestFinder().find(getattr(cogs, name), f"cogs.{name}", module=False, globs={}) if t.examples]
    assert tests, f"cogs.{name} has no example"
    for test in tests:
        report: list[str] = []
        result = doctest.DocTestRunner().run(test, out=report.append)
        assert result.failed == 0, "".join(report)
