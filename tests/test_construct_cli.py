"""`cogs construct` end to end (subprocess): files, JSON shape, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from models.network import load_npz
from models.forward import brute_force_loss


def cogs(*args):
    script = Path(sys.executable).parent / "cogs"  # the console script of the editable install
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "cogs.cli.main"]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=300)


def test_construct_json_and_weights_file(tmp_path):
    out = tmp_path / "z7.npz"
    p = cogs("construct", "--group", "Z7", "--strategy", "f46", "--seed", "4", "--out", str(out), "--json")
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert data["group"] == "Z7" and data["strategy"] == "f46" and data["order"] == 14
    assert abs(data["loss"]) < 1e-12
    assert [o["k"] for o in data["orbits"]] == [1, 2, 3]
    assert all(o["order"] in (4, 6) and o["generators"] for o in data["orbits"])
    w = load_npz(out, "Z7")
    assert w.q == 14 and w.meta["strategy"] == "f46" and w.meta["seed"] == 4
    assert abs(float(brute_force_loss(w.group, *w.tensors()))) < 1e-12


def test_construct_table_output(tmp_path, capsys):
    from cogs.cli.main import main

    assert main(["construct", "--group", "Z2xZ2xZ2", "--strategy", "f46", "--out", str(tmp_path / "w.npz")]) == 0
    out = capsys.readouterr().out
    assert "falls back to f6" in out and "order        14" in out and "z_real" in out


@pytest.mark.parametrize(
    "args, needle",
    [
        (["--group", "banana", "--strategy", "f6"], "banana"),
        (["--group", "Z65", "--strategy", "memorize"], "refusing"),
        (["--group", "Z1x3", "--strategy", "f6"], "Z_1"),
    ],
)
def test_construct_errors_in_process(args, needle, tmp_path, capsys):
    from cogs.cli.main import main

    assert main(["construct", *args, "--out", str(tmp_path / "x.npz")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and needle in err[0]
    assert not (tmp_path / "x.npz").exists()


@pytest.mark.parametrize(
    "args, needle",
    [
        (["--group", "Z7", "--strategy", "f7"], "unknown strategy"),
        (["--group", "Z1x3", "--strategy", "f6"], "Z_1"),
    ],
)
def test_construct_errors_are_one_line(args, needle, tmp_path):
    p = cogs("construct", *args, "--out", str(tmp_path / "x.npz"))
    assert p.returncode != 0
    assert "Traceback" not in p.stderr
    lines = [line for line in p.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and needle in lines[0], p.stderr
    assert not (tmp_path / "x.npz").exists()
