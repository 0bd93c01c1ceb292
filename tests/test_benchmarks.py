"""The benchmark scripts stay runnable (they are not tests of speed): the GPU grid's CPU smoke
mode end to end, and the per-run baselines of train_throughput compute the docs/mathematics.md#the-network-and-its-loss network and
loss (so the speed ratios compare like with like)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
from pathlib import Path

import numpy as np
import torch

from groups import parse_group
from models.forward import all_pairs, loss_and_accuracy
from models.training.seeding import default_init

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


def _load(name):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_gpu_grid_quick_mode_writes_every_group(tmp_path, capsys):
    grid = _load("gpu_grid")
    assert grid.main(["--quick", "--device", "cpu", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["d5_q16.json", "d5_q8.json", "d7_q16.json", "d7_q8.json"]
    doc = json.loads((tmp_path / "d7_q8.json").read_text())
    assert doc["seconds"] > 0 and len(doc["runs"]) == 4  # 2 weight decays x 2 seeds
    assert all(r["status"] == "ok" for r in doc["runs"])
    assert "total" in out and out.count("d=") == 4


def test_gpu_check_script_parses():
    assert subprocess.run(["bash", "-n", str(BENCH / "gpu_check.sh")]).returncode == 0


def test_reference_style_baseline_is_the_spec_network_and_loss():
    tt = _load("train_throughput")
    d, q = 6, 9
    G = parse_group(f"Z{d}")
    # nn.Linear holds float32 weights: start from float32 values, compare in float64
    W = [w.to(torch.float32).to(torch.float64) for w in default_init(d, q, 3)]
    net = tt._ReferenceStyleNet(d, q, W).to(torch.float64)
    pairs = all_pairs(d)
    o = net(torch.as_tensor(pairs))
    y = torch.as_tensor(np.array(G.cayley_table()).reshape(-1))
    want, _ = loss_and_accuracy(G, *W)
    assert abs(tt._spec_loss(o, y).item() - want.item()) < 1e-12
    lean = tt._lean_outputs(*(w.T.contiguous() for w in W), torch.as_tensor(pairs[:, 0]), torch.as_tensor(pairs[:, 1]))
    assert torch.allclose(lean, o, rtol=1e-12, atol=1e-12)
    assert tt.time_reference_style_loop(4, 8, 2, 1, "cpu") > 0 and tt.time_per_run_loop(4, 8, 2, 1, "cpu") > 0


def test_any_group_benchmark_quick_mode(capsys):
    bench = _load("any_group")
    assert bench.main(["--quick"]) == 0
    out = capsys.readouterr().out
    assert "S4 / Z24 = " in out and "groups), from scratch" in out and "S5 (order 120)" in out


def test_setups_benchmark_quick_modes(capsys):
    bench = _load("setups")
    assert bench.main(["speed", "--quick"]) == 0
    out = capsys.readouterr().out
    assert "| relu/CE/Adam |" in out and "| sqr/MSE/Muon |" in out
