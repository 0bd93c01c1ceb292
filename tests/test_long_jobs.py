"""Long jobs on shared machines: --threads, progress lines when stderr is not a terminal, where
a --resume starts, compare --resume, checkpoint retention, and a kill -9 during a checkpoint
write followed by --resume (no temporary left, bit-identical results)."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import torch

from cogs.cli import _options
from cogs.cli.main import build_parser, main
from models.network import load_npz
from models.training import LogProgress, TrainConfig, list_checkpoints, train
from models.training import progress as progress_mod

ROOT = Path(__file__).resolve().parents[1]


def run(capsys, *argv):
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def _env(**extra):
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update({k: str(v) for k, v in extra.items()})
    return env


def _same_runs(a: Path, b: Path, metrics: bool = True) -> list[str]:
    """Run folders of two train outputs hold bitwise equal weights (and equal metrics)."""
    names = sorted(p.name for p in a.iterdir() if p.name.startswith("seed"))
    assert names and names == sorted(p.name for p in b.iterdir() if p.name.startswith("seed"))
    for n in names:
        wa, wb = load_npz(a / n / "weights.npz"), load_npz(b / n / "weights.npz")
        for x, y in zip((wa.W_a, wa.W_b, wa.W_c), (wb.W_a, wb.W_b, wb.W_c)):
            assert np.array_equal(x, y), n
        ma, mb = (json.loads((x / n / "metrics.json").read_text()) for x in (a, b))
        assert (ma if metrics else ma["metrics"][-1]) == (mb if metrics else mb["metrics"][-1]), n
    return names


# ----------------------------------------------------------------------------- --threads
def _subparser(name):
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return sub.choices[name]


@pytest.mark.parametrize("command", ["train", "compare", "sweep", "discover"])
def test_threads_option_on_every_long_command(command):
    action = next(a for a in _subparser(command)._actions if "--threads" in a.option_strings)
    assert action.default is None and "min(available cores, 4)" in action.help
    assert action.type("3") == 3
    with pytest.raises(Exception):
        action.type("0")


def test_default_threads():
    assert _options.default_threads("cpu") == min(_options.available_cores(), 4)
    assert _options.default_threads("cuda") is None  # torch's default when a GPU does the work


def test_threads_reach_the_trainer(monkeypatch, tmp_path, capsys):
    import models.training as training

    seen = []
    real = training.train

    def spy(config, **kw):
        seen.append(torch.get_num_threads())
        return real(config, **kw)

    monkeypatch.setattr(training, "train", spy)
    old = torch.get_num_threads()
    try:
        for n in (1, 2):
            assert run(capsys, "train", "--group", "Z3", "--hidden", "4", "--epochs", "2", "--device", "cpu",
                       "--threads", str(n), "--out", str(tmp_path / f"t{n}"))[0] == 0
    finally:
        torch.set_num_threads(old)
    assert seen == [1, 2]


# ----------------------------------------------------------------------------- progress
class FakeClock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def test_log_progress_prints_a_line_every_interval(monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(progress_mod.time, "monotonic", clock)
    buf = io.StringIO()
    p = LogProgress("train Z23 q=512 R=25", stream=buf, interval=10)
    p(100, 1000)  # a resumed job: its speed counts from here
    for done in range(101, 1001):
        clock.t += 0.0625  # 16 epochs a second
        p(done, 1000)
    lines = buf.getvalue().splitlines()
    assert len(lines) == 6  # 56.25 s of epochs: lines at 10, 20, 30, 40, 50 s and the last one
    assert lines[0] == "train Z23 q=512 R=25: epoch 260/1000 (26.0 %), 10s elapsed, ETA 46s"
    assert lines[-1] == "train Z23 q=512 R=25: epoch 1000/1000 (100.0 %), done in 56s"


def test_log_progress_is_silent_for_short_jobs_and_restarts_per_job(monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(progress_mod.time, "monotonic", clock)
    buf = io.StringIO()
    p = LogProgress("sweep", stream=buf, interval=10)
    for done in range(0, 11):
        clock.t += 0.5
        p(done, 10)
    assert buf.getvalue() == ""
    for done in range(0, 31):  # the next grid of a sweep
        clock.t += 1
        p(done, 30)
    assert buf.getvalue().splitlines()[0].startswith("sweep: epoch 10/30 (33.3 %), 10s elapsed")


def test_terminal_progress_without_a_terminal_is_a_log(monkeypatch):
    monkeypatch.setenv("COGS_PROGRESS_SECONDS", "2.5")
    p = progress_mod.terminal_progress("x")  # pytest captures stderr: not a terminal
    assert isinstance(p, LogProgress) and p.interval == 2.5


def test_cli_progress_lines_without_a_terminal_and_where_resume_starts(tmp_path, capsys, monkeypatch):
    """stderr captured by pytest is not a terminal, as under nohup."""
    monkeypatch.setenv("COGS_PROGRESS_SECONDS", "0.001")
    out = tmp_path / "job"
    args = ["train", "--group", "Z5", "--hidden", "8", "--epochs", "300", "--device", "cpu", "--out", str(out)]
    rc, _, err = run(capsys, *args)
    assert rc == 0, err
    lines = err.splitlines()
    assert len(lines) >= 2 and all(line.startswith("train Z5 q=8 R=1: epoch ") for line in lines), err
    assert "ETA" in lines[0] and lines[-1].startswith("train Z5 q=8 R=1: epoch 300/300 (100.0 %), done in")
    args[args.index("300")] = "400"
    rc, _, err = run(capsys, *args, "--resume")
    assert rc == 0 and err.splitlines()[0].startswith("train Z5: resuming from epoch 300 of 400 ("), err


# ----------------------------------------------------------------------------- checkpoints
def test_keep_checkpoints_option(tmp_path, capsys):
    base = ["train", "--group", "Z5", "--hidden", "6", "--epochs", "20", "--device", "cpu"]
    for keep, want in ((None, [16, 20]), ("1", [20]), ("all", [1, 2, 4, 8, 16, 20])):
        out = tmp_path / f"k{keep}"
        extra = [] if keep is None else ["--keep-checkpoints", keep]
        assert run(capsys, *base, *extra, "--out", str(out))[0] == 0
        assert [e for e, _ in list_checkpoints(out / "checkpoints")] == want


def _cfg(**kw):
    base = dict(group="Z7", q=12, epochs=30, seeds=(1, 2), lrs=(0.01,), wds=(1e-4,), device="cpu", dtype="float32",
                eval_epochs=(0, 5, 13, 21))
    base.update(kw)
    return TrainConfig(**base)


def test_resume_from_a_pruned_and_a_timed_checkpoint_is_bitwise(tmp_path):
    full = train(_cfg())
    # every epoch gets a checkpoint (checkpoint_every tiny), only the newest is kept
    part = train(_cfg(epochs=13, eval_epochs=(0, 5, 13)), checkpoint_dir=tmp_path, keep_checkpoints=1, checkpoint_every=1e-9)
    assert [e for e, _ in list_checkpoints(tmp_path)] == [13]
    notes = []
    resumed = train(_cfg(), checkpoint_dir=tmp_path, resume=True, keep_checkpoints=1, log=notes.append)
    assert notes and notes[0].startswith("resuming from epoch 13 of 30")
    for w in ("W_a", "W_b", "W_c"):
        assert torch.equal(getattr(full, w), getattr(resumed, w))
    for n in full.metrics:
        assert np.array_equal(full.metrics[n], resumed.metrics[n], equal_nan=True)
    assert part.epochs[-1] == 13


def test_bad_retention_refused():
    with pytest.raises(ValueError, match="keep_checkpoints"):
        train(_cfg(epochs=1, eval_epochs=(0,)), checkpoint_dir=None, keep_checkpoints=0)


# ----------------------------------------------------------------------------- kill -9
# runs `cogs train`, but the N-th checkpoint write dies half-way with SIGKILL: a partial
# temporary file is on disk and nothing of the process gets to clean up
_DIE_MID_WRITE = """
import os, signal, sys
import torch
real_save = torch.save
calls = [0]
def dying_save(obj, f, *args, **kw):
    calls[0] += 1
    if calls[0] == int(os.environ["DIE_AT_SAVE"]):
        f.write(b"half a checkpoint")
        f.flush()
        os.kill(os.getpid(), signal.SIGKILL)
    return real_save(obj, f, *args, **kw)
torch.save = dying_save
from cogs.cli.main import main
sys.exit(main(sys.argv[1:]))
"""

TRAIN = ["train", "--group", "Z2xZ3", "--hidden", "10", "--seeds", "1,3", "--wd", "0,1e-4", "--epochs", "40",
         "--eval-epochs", "0,3,9,17,33", "--device", "cpu"]


def test_kill_9_during_a_checkpoint_write_then_resume_is_bit_identical(tmp_path, capsys):
    assert run(capsys, *TRAIN, "--out", str(tmp_path / "ref"))[0] == 0  # uninterrupted
    out = tmp_path / "job"
    p = subprocess.run([sys.executable, "-c", _DIE_MID_WRITE, *TRAIN, "--out", str(out)], capture_output=True, text=True,
                       timeout=300, cwd=ROOT, env=_env(DIE_AT_SAVE=5))  # dies writing epoch 16's checkpoint
    assert p.returncode == -signal.SIGKILL, p.stderr
    left = sorted(x.name for x in (out / "checkpoints").iterdir())
    assert left[-2:] == ["epoch_0000004.pt", "epoch_0000008.pt"]
    assert any(n.startswith(".epoch_0000016.pt.") and n.endswith(".tmp") for n in left), left
    rc, _, err = run(capsys, *TRAIN, "--out", str(out), "--resume")
    assert rc == 0 and "resuming from epoch 8 of 40" in err, err
    assert not [x for x in out.rglob("*") if x.name.endswith(".tmp")], "a temporary file survived"
    assert len(_same_runs(tmp_path / "ref", out)) == 4


def test_kill_9_from_outside_once_a_checkpoint_exists_then_resume(tmp_path, capsys):
    args = ["train", "--group", "Z5", "--hidden", "8", "--epochs", "3000", "--seeds", "1-2", "--device", "cpu"]
    assert run(capsys, *args, "--out", str(tmp_path / "ref"))[0] == 0
    out = tmp_path / "job"
    proc = subprocess.Popen([sys.executable, "-m", "cogs.cli.main", *args, "--out", str(out)], cwd=ROOT, env=_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    trigger = out / "checkpoints" / "epoch_0000128.pt"
    deadline = time.monotonic() + 240
    while not trigger.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    if proc.returncode == 0:
        pytest.skip("the job finished before it could be killed")
    assert proc.returncode == -signal.SIGKILL
    assert not (out / "summary.json").exists()
    rc, _, err = run(capsys, *args, "--out", str(out), "--resume")
    assert rc == 0 and "resuming from epoch" in err, err
    assert not [x for x in out.rglob("*") if x.name.endswith(".tmp")]
    _same_runs(tmp_path / "ref", out)


# ----------------------------------------------------------------------------- compare --resume
COMPARE = ["compare", "--group", "Z5", "--hidden", "8", "--seeds", "1-2", "--strategies", "f6", "--device", "cpu"]


def test_compare_resume_continues_bit_for_bit(tmp_path, capsys):
    assert run(capsys, *COMPARE, "--epochs", "12", "--out", str(tmp_path / "full"))[0] == 0
    out = tmp_path / "part"
    assert run(capsys, *COMPARE, "--epochs", "6", "--out", str(out))[0] == 0
    assert [e for e, _ in list_checkpoints(out / "train" / "checkpoints")] == [4, 6]
    rc, _, err = run(capsys, *COMPARE, "--epochs", "12", "--out", str(out), "--resume")
    assert rc == 0 and "compare Z5: resuming from epoch 6 of 12" in err
    # weights and final metrics; the evaluated epochs differ (the 6-epoch job evaluated epoch 5)
    _same_runs(tmp_path / "full" / "train", out / "train", metrics=False)
    a, b = (json.loads((tmp_path / x / "report.json").read_text()) for x in ("full", "part"))
    assert [r["final"] for r in a["runs"]] == [r["final"] for r in b["runs"]]
    assert b["config"]["epochs"] == 12
