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


def _phi_chain():
    """A user's strategy that reads the chain's options (phi, tri3)."""
    import typing

    from cogs.solver import STRATEGIES, Plan, Refusal, Strategy

    @typing.final
    class PhiChain(Strategy):
        name, summary, options = "phi_chain", "the chain under another name", ("phi", "tri3")

        def plan(self, group, *, registry, **options):
            plan = STRATEGIES["chain"].plan(group, registry=registry, **options)
            if isinstance(plan, Refusal):
                return Refusal(self, group, plan.reason)
            return Plan(self, group, plan.order, registry=registry, recipe=plan.recipe)

        def assemble(self, plan, seed):
            return STRATEGIES["chain"].assemble(plan, seed)

    return PhiChain()


def test_phi_and_tri3_follow_the_strategys_options_and_the_help_the_registry(tmp_path, capsys):
    """--phi/--no-tri3 are checked against the chosen strategy's ``options`` (not a list of names),
    and --strategy's help lists the registered strategies."""
    from cogs.cli.main import main
    from cogs.solver import register_strategy, unregister_strategy

    out = str(tmp_path / "w.npz")
    assert main(["construct", "--group", "Z7", "--strategy", "f6", "--phi", "0.3", "--out", out]) == 2
    assert capsys.readouterr().err == "cogs construct: error: --phi and --no-tri3 apply to --strategy chain (or auto), not f6\n"
    with pytest.raises(SystemExit):
        main(["construct", "--help"])
    assert "--strategy STRATEGY f6 | f46 | chain | memorize | polarize | auto (default auto)" in " ".join(capsys.readouterr().out.split())
    register_strategy(_phi_chain())
    try:
        assert main(["construct", "--group", "Z9", "--strategy", "phi_chain", "--phi", "0.3", "--no-tri3", "--out", out, "--json"]) == 0
        data = json.loads(capsys.readouterr().out)
        assert data["strategy"] == "phi_chain" and data["chain"]["phi"] == 0.3 and data["chain"]["tri3"] is False and data["order"] == 16
        assert main(["construct", "--group", "Z7", "--strategy", "memorize", "--no-tri3", "--out", out]) == 2
        assert capsys.readouterr().err.endswith("apply to --strategy chain or phi_chain (or auto), not memorize\n")
        with pytest.raises(SystemExit):
            main(["construct", "--help"])
        assert "f6 | f46 | chain | memorize | polarize | auto | phi_chain (default auto)" in " ".join(capsys.readouterr().out.split())
    finally:
        unregister_strategy("phi_chain")
