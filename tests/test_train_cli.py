"""`cogs train`: outputs, resume, init, and one-line errors for bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import attrs
import numpy as np
import pytest

from cogs.cli.main import main
from models.io import save_weights
from models.network import load_npz
from models.training import TrainConfig, train


def cli(capsys, *argv):
    rc = main(["train", *argv])
    out, err = capsys.readouterr()
    return rc, out, err


def test_train_writes_runs_and_json(tmp_path, capsys):
    out = tmp_path / "job"
    rc, stdout, stderr = cli(capsys, "--group", "Z5", "--hidden", "8", "--epochs", "6", "--lr", "0.01", "--wd", "0,1e-4",
                             "--seeds", "1-2", "--eval-epochs", "0,3", "--dtype", "float64", "--device", "cpu",
                             "--out", str(out), "--json")
    assert rc == 0 and stderr == ""  # no progress bar when stderr is not a terminal
    doc = json.loads(stdout)
    assert [(r["seed"], r["wd"]) for r in doc["runs"]] == [(1, 0.0), (1, 1e-4), (2, 0.0), (2, 1e-4)]
    for r in doc["runs"]:
        assert r["status"] == "ok" and r["lr"] == 0.01
        assert [m["epoch"] for m in r["metrics"]] == [0, 3, 6]
        assert set(r["metrics"][0]) >= {"epoch", "train_loss", "train_acc", "test_loss", "test_acc"}
    # the same job through the Python API gives the same numbers
    api = train(TrainConfig(group="Z5", q=8, epochs=6, lrs=(0.01,), wds=(0.0, 1e-4), seeds=(1, 2), eval_epochs=(0, 3),
                            dtype="float64", device="cpu"))
    assert api.to_json()["runs"][3]["metrics"] == doc["runs"][3]["metrics"]
    summary = json.loads((out / "summary.json").read_text())
    assert len(summary["runs"]) == 4 and summary["config"]["q"] == 8
    folder = out / summary["runs"][1]["folder"]
    w = load_npz(folder / "weights.npz", group="Z5")
    assert w.meta["seed"] == 1 and w.meta["wd"] == 1e-4 and w.meta["status"] == "ok" and w.meta["epochs"] == 6
    np.testing.assert_array_equal(w.W_c, api.weights(1)[2])
    metrics = json.loads((folder / "metrics.json").read_text())
    assert metrics["metrics"] == doc["runs"][1]["metrics"]
    config = json.loads((folder / "config.json").read_text())
    assert config["seed"] == 1 and config["wd"] == 1e-4 and config["epochs"] == 6 and config["eval_epochs"] == [0, 3, 6]
    # written at epochs 1, 2, 4, 6; --keep-checkpoints' default keeps the newest two
    assert sorted(p.name for p in (out / "checkpoints").iterdir()) == ["epoch_0000004.pt", "epoch_0000006.pt"]


def test_resume_via_cli_matches_uninterrupted(tmp_path, capsys):
    common = ["--group", "Z2xZ3", "--hidden", "10", "--seeds", "1,3", "--dtype", "float64", "--device", "cpu",
              "--eval-epochs", "0,2,5,9", "--json"]
    rc, full, _ = cli(capsys, *common, "--epochs", "12", "--out", str(tmp_path / "a"))
    assert rc == 0
    rc, _, _ = cli(capsys, "--group", "Z2xZ3", "--hidden", "10", "--seeds", "1,3", "--dtype", "float64", "--device", "cpu",
                   "--eval-epochs", "0,2,5", "--epochs", "6", "--out", str(tmp_path / "b"))
    assert rc == 0
    rc, resumed, _ = cli(capsys, *common, "--epochs", "12", "--out", str(tmp_path / "b"), "--resume")
    assert rc == 0
    assert json.loads(full) == json.loads(resumed)


def test_init_train_frac_one_and_sp_recording(tmp_path, capsys):
    rng = np.random.default_rng(0)
    W = (rng.normal(size=(6, 5)) * 0.3, rng.normal(size=(6, 5)) * 0.3, rng.normal(size=(5, 6)) * 0.3)
    save_weights(tmp_path / "init.npz", "Z5", *W)
    rc, stdout, _ = cli(capsys, "--group", "Z5", "--init", str(tmp_path / "init.npz"), "--epochs", "0", "--seeds", "1-3",
                        "--train-frac", "1", "--dtype", "float64", "--device", "cpu", "--record-sp",
                        "--out", str(tmp_path / "o"), "--json")
    assert rc == 0
    runs = json.loads(stdout)["runs"]
    assert len(runs) == 3
    for r in runs:
        (m,) = r["metrics"]
        assert m["epoch"] == 0 and m["final"] is True
        assert m["test_loss"] is None and m["test_acc"] is None
        assert m["train_loss"] == runs[0]["metrics"][0]["train_loss"]  # same init, same (full) train set
    got = load_npz(tmp_path / "o" / "seed2_lr0.01_wd5e-05" / "weights.npz")
    for a, b in zip((got.W_a, got.W_b, got.W_c), W):
        np.testing.assert_array_equal(a, b)
    metrics = json.loads((tmp_path / "o" / "seed2_lr0.01_wd5e-05" / "metrics.json").read_text())
    assert set(metrics["records"]) == {"epochs", "sum_re_rkkk", "off_diag", "rn_aac"}
    assert len(metrics["records"]["rn_aac"][0]) == 2  # two orbits of Z5
    rc, _, err = cli(capsys, "--group", "Z5", "--init", str(tmp_path / "init.npz"), "--hidden", "7", "--epochs", "1",
                     "--out", str(tmp_path / "p"))
    assert rc == 2 and "hidden" in err


def test_sp_objective_option(tmp_path, capsys):
    pytest.importorskip("cogs.sp.loss")
    rc, stdout, err = cli(capsys, "--group", "Z5", "--hidden", "6", "--epochs", "3", "--objective", "sp-no-rstar",
                          "--dtype", "float64", "--device", "cpu", "--out", str(tmp_path / "sp"), "--json")
    assert rc == 0, err
    m = json.loads(stdout)["runs"][0]["metrics"]
    assert all(np.isfinite(e["objective"]) for e in m)


@pytest.mark.parametrize(
    "args,needle",
    [
        (["--group", "Zfoo"], "group"),
        (["--group", "Z5", "--seeds", "3-1"], "seed"),
        (["--group", "Z5", "--lr=-0.01"], "learning rate"),
        (["--group", "Z5", "--init", "/nonexistent/w.npz"], "no such file"),
        (["--group", "Z5", "--train-frac", "1.5"], "train fraction"),
        (["--group", "Z5", "--eval-epochs", "0,99"], "eval epochs"),
    ],
)
def test_bad_input_one_line_error(tmp_path, args, needle):
    cmd = [sys.executable, "-m", "cogs.cli.main", "train", *args, "--epochs", "3", "--hidden", "4", "--out", str(tmp_path / "x")]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert p.returncode != 0
    assert "Traceback" not in p.stderr
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0].lower(), p.stderr
    assert not (tmp_path / "x" / "summary.json").exists()


def test_compile_flag_reaches_the_trainer(monkeypatch, tmp_path, capsys):
    """--compile sets TrainConfig.compile (the compiled path itself is checked against the eager one
    in test_training); without it the job runs uncompiled."""
    import models.training as training

    seen = []
    real = training.train

    def spy(config, **kw):
        seen.append(config.compile)
        return real(attrs.evolve(config, compile=False), **kw)  # keep the test free of a compilation

    monkeypatch.setattr(training, "train", spy)
    args = ["--group", "Z3", "--hidden", "4", "--epochs", "2", "--device", "cpu"]
    assert cli(capsys, *args, "--compile", "--out", str(tmp_path / "a"))[0] == 0
    assert cli(capsys, *args, "--out", str(tmp_path / "b"))[0] == 0
    assert seen == [True, False]
    assert "--compile" in subprocess.run([sys.executable, "-m", "cogs.cli.main", "train", "--help"],
                                         capture_output=True, text=True).stdout


# ----------------------------------------------------------------------------- the library function
def test_train_in_memory_writes_nothing_and_gives_what_the_command_writes(tmp_path, monkeypatch, capsys):
    """cogs.jobs.train.train with out=None: no file anywhere (the working folder stays empty),
    and each Run holds what `cogs train` writes for the same job: the weights and their meta,
    metrics.json's metrics and records, config.json."""
    from cogs.jobs.train import train as train_runs

    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    args = dict(hidden=6, epochs=5, seeds="1-2", wd=[0.0, 1e-4], dtype="float64", device="cpu", record_sp=True)
    runs = train_runs("Z5", **args)
    assert list(work.iterdir()) == []
    assert [(r.seed, r.wd, r.folder) for r in runs] == [(1, 0.0, None), (1, 1e-4, None), (2, 0.0, None), (2, 1e-4, None)]
    assert "\n" not in repr(runs[0]) and "seed=1" in repr(runs[0])
    out = tmp_path / "cli"
    assert cli(capsys, "--group", "Z5", "--hidden", "6", "--epochs", "5", "--seeds", "1-2", "--wd", "0,1e-4",
               "--dtype", "float64", "--device", "cpu", "--record-sp", "--out", str(out))[0] == 0
    for r in runs:
        folder = out / r.name
        saved = load_npz(folder / "weights.npz")
        assert dict(saved.meta) == dict(r.network.meta) and saved.isclose(r.network, atol=0)
        metrics = json.loads((folder / "metrics.json").read_text())
        assert metrics["metrics"] == json.loads(json.dumps(list(r.metrics)))
        assert metrics["records"] == json.loads(json.dumps(r.records)) and set(r.records) >= {"epochs", "rn_aac"}
        assert json.loads((folder / "config.json").read_text()) == json.loads(json.dumps(r.config))


def test_train_into_a_folder_returns_the_runs_it_wrote(tmp_path):
    from cogs.jobs.train import train as train_runs

    runs = train_runs("Z5", hidden=4, epochs=3, seeds=[3], out=tmp_path / "o", keep_checkpoints=None)
    (run,) = runs
    assert run.folder == tmp_path / "o" / "seed3_lr0.01_wd5e-05" and run.network.path == str(run.folder / "weights.npz")
    assert load_npz(run.network.path).isclose(run.network, atol=0)
    assert sorted(p.name for p in (tmp_path / "o" / "checkpoints").iterdir()) == [
        "epoch_0000001.pt", "epoch_0000002.pt", "epoch_0000003.pt"]
    with pytest.raises(ValueError, match="pass out="):
        train_runs("Z5", hidden=4, epochs=3, resume=True)


def test_train_from_a_network_records_where_it_started(tmp_path):
    from cogs.jobs.train import train as train_runs
    from models.network import Network

    rng = np.random.default_rng(1)
    net = Network("Z5", rng.normal(size=(6, 5)), rng.normal(size=(6, 5)), rng.normal(size=(5, 6)))
    (run,) = train_runs("Z5", init=net, epochs=0, dtype="float64", device="cpu")
    assert run.network.isclose(net, atol=0) and run.config["init"] == "in-memory network (Z5, order 6)"
    assert run.config["q"] == 6
    path = net.save(tmp_path / "init.npz")
    (run,) = train_runs("Z5", init=path, epochs=0, dtype="float64", device="cpu")
    assert run.config["init"] == str(path)
    with pytest.raises(ValueError, match=r"^hidden=7 but the init network has 6 hidden nodes$"):  # the keyword's name
        train_runs("Z5", init=net, hidden=7, epochs=0)


def test_the_init_recorded_does_not_depend_on_what_the_network_has_computed():
    """An in-memory init is described by its group and order, not by its repr (which shows a
    loss once it is computed): the same job records the same configuration."""
    from cogs.jobs.train import train as train_runs
    from models.network import Network

    rng = np.random.default_rng(2)
    net = Network("Z5", rng.normal(size=(4, 5)), rng.normal(size=(4, 5)), rng.normal(size=(5, 4)))
    (before,) = train_runs("Z5", init=net, epochs=0, dtype="float64", device="cpu")
    net.loss()  # cached on the network: its repr now shows it
    (after,) = train_runs("Z5", init=net, epochs=0, dtype="float64", device="cpu")
    assert before.config == after.config and before.config["init"] == "in-memory network (Z5, order 4)"


def test_train_accepts_numbers_of_any_kind():
    """numpy's integers and floats work wherever an int or a float is meant; the configuration
    records plain ints and floats."""
    from cogs.jobs.train import train as train_runs

    runs = train_runs("Z5", hidden=np.int64(4), epochs=np.int64(2), seeds=np.int64(3), lr=np.float32(0.5),
                      wd=np.float64(0.0), device="cpu")
    (run,) = runs
    assert (run.seed, run.config["q"], run.config["epochs"]) == (3, 4, 2)
    assert run.lr == float(np.float32(0.5)) and type(run.config["q"]) is int and type(run.config["epochs"]) is int
    assert [r.seed for r in train_runs("Z5", hidden=4, epochs=1, seeds=[np.int64(1), np.int32(2)], device="cpu")] == [1, 2]
    with pytest.raises(ValueError, match=r"seeds must be integers .* got 1\.5 \(float\)"):
        train_runs("Z5", hidden=4, epochs=1, seeds=[1.5])


def test_the_command_line_names_its_flags_and_the_library_its_keywords(tmp_path, capsys):
    """One refusal, two spellings: the command line's flags, the library's keyword arguments."""
    from cogs.jobs.train import train as train_runs
    from models.network import Network

    rng = np.random.default_rng(3)
    net = Network("Z5", rng.normal(size=(6, 5)), rng.normal(size=(6, 5)), rng.normal(size=(5, 6)))
    path = net.save(tmp_path / "init.npz")
    assert main(["train", "--group", "Z5", "--init", str(path), "--hidden", "7", "--epochs", "1",
                 "--out", str(tmp_path / "o")]) == 2
    assert f"--hidden 7 but {path} has 6 hidden nodes" in capsys.readouterr().err
    with pytest.raises(ValueError, match=r"^hidden=7 but "):
        train_runs("Z5", init=path, hidden=7, epochs=1)
    train_runs("Z5", hidden=4, epochs=1, out=tmp_path / "runs", device="cpu")
    assert main(["train", "--group", "Z5", "--hidden", "4", "--epochs", "1", "--out", str(tmp_path / "runs")]) == 2
    err = capsys.readouterr().err
    assert "--out " in err and "pass --overwrite to replace it or --resume to continue it" in err
    with pytest.raises(ValueError, match=r"out='.*runs' already holds .*; pass overwrite=True to replace it or "
                                         r"resume=True to continue it$"):
        train_runs("Z5", hidden=4, epochs=1, out=tmp_path / "runs", device="cpu")
    with pytest.raises(ValueError, match=r"^resume=True and overwrite=True exclude each other"):
        train_runs("Z5", hidden=4, epochs=1, out=tmp_path / "runs", resume=True, overwrite=True)
