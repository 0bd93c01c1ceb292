"""Sharded training (cogs.distributed): shard plans, merge, the local shard executor, and the
Ray backend on a real Ray runtime started by the tests (2 CPUs on this machine): results equal
the one-batch local backend's bit for bit, a worker killed mid-shard by its PID loses nothing,
and a shard's own error is reported while the other shards finish.

The Ray tests skip (with the reason) when Ray is not installed; ``make test`` installs the
``distributed`` extra, so CI runs them.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import numpy as np
import attrs
import pytest
import torch

from cogs.cli.main import main as cogs_main
from cogs.distributed import (BatchRunner, LocalExecutor, Runner, ShardsFailed, make_executor, merge_results, plan_shards,
                               shard_bytes)
from cogs.distributed.executor import shard_objective
from cogs.distributed.plan import max_runs
from cogs.distributed.shard import PAUSE_ENV
from cogs.jobs.sweep import sweep_grids
from models.training import TrainConfig, save_checkpoint, train

SMALL = TrainConfig(group="Z5", q=8, epochs=64, wds=(1e-4, 1e-3), seeds=(1, 2, 3), device="cpu", dtype="float64",
                    seeding="reference")


def assert_same(a, b):
    """Bitwise: weights, metrics, records, divergence, split sizes, run order."""
    assert [(r.seed, r.lr, r.wd) for r in a.runs] == [(r.seed, r.lr, r.wd) for r in b.runs]
    assert a.epochs == b.epochs
    for n in ("W_a", "W_b", "W_c"):
        assert torch.equal(getattr(a, n), getattr(b, n)), n
    assert set(a.metrics) == set(b.metrics) and set(a.records) == set(b.records)
    for name in a.metrics:
        np.testing.assert_array_equal(a.metrics[name], b.metrics[name])
    for name in a.records:
        np.testing.assert_array_equal(a.records[name], b.records[name])
    np.testing.assert_array_equal(a.diverged_epoch, b.diverged_epoch)
    np.testing.assert_array_equal(a.n_train, b.n_train)


def same_files(a: Path, b: Path, skip=()):
    """The outputs both folders hold, byte for byte (not the checkpoints, which shards keep
    elsewhere, nor the lock and the manifest, which list them)."""
    skip = set(skip) | {".cogs-lock", ".cogs-manifest"}
    names = sorted(str(p.relative_to(a)) for p in a.rglob("*") if p.is_file() and "checkpoints" not in p.parts
                   and "shards" not in p.parts and p.name not in skip)
    assert names == sorted(str(p.relative_to(b)) for p in b.rglob("*") if p.is_file() and "checkpoints" not in p.parts
                           and "shards" not in p.parts and p.name not in skip)
    for n in names:
        assert (a / n).read_bytes() == (b / n).read_bytes(), n
    return names


@pytest.fixture(scope="module")
def reference():
    return train(SMALL)


# --- plans, sizing, merge ------------------------------------------------------------------------

@pytest.mark.parametrize("m", [1, 2, 3, 4, 5, 6, 7, 100])
def test_shards_are_products_that_cover_the_job_in_order(m):
    cfg = TrainConfig(group="Z5", q=8, epochs=1, seeds=(4, 1, 9), wds=(1e-4, 5e-4), lrs=(0.01, 0.02, 0.03))
    shards = plan_shards(cfg, m)
    assert all(s.n_runs <= m for s in shards) and [s.number for s in shards] == list(range(len(shards)))
    assert sorted(i for s in shards for i in s.indices) == list(range(cfg.n_runs))
    parent = cfg.runs
    for s in shards:
        assert [(r.seed, r.lr, r.wd) for r in s.config.runs] == [(parent[i].seed, parent[i].lr, parent[i].wd) for i in s.indices]
        assert s.config.n_runs == s.n_runs and s.of == len(shards)
    sizes = [s.n_runs for s in shards]
    if m >= 6:  # whole seeds, balanced
        assert max(sizes) - min(sizes) <= 6 and all(n % 6 == 0 for n in sizes)
    assert len(plan_shards(cfg)) == 1


def test_plan_refuses_empty_shards():
    with pytest.raises(ValueError):
        plan_shards(SMALL, 0)


def test_memory_estimate_grows_with_the_job_and_sizes_shards():
    assert shard_bytes(23, 512, "float32", 10) < shard_bytes(23, 512, "float32", 20) < shard_bytes(23, 512, "float64", 20)
    assert shard_bytes(127, 2048, "float32", 25, "cuda") > shard_bytes(127, 2048, "float32", 25, "cpu")
    budget = shard_bytes(71, 512, "float32", 7)
    m = max_runs(71, 512, "float32", budget, limit=100)
    assert m >= 7 and shard_bytes(71, 512, "float32", m + 1) > budget
    assert max_runs(71, 512, "float32", 1, limit=100) == 1  # a run that does not fit is still tried
    assert max_runs(23, 512, "float32", 1 << 40, limit=25) == 25


def test_merge_puts_runs_back_in_job_order_and_reports_missing(reference):
    shards = plan_shards(SMALL, 2)
    results = [train(s.config) for s in shards]
    merged, missing = merge_results(SMALL, shards, results)
    assert missing == []
    assert_same(merged, reference)
    partial, missing = merge_results(SMALL, shards, [results[0], None, results[2]])
    assert missing == [2, 3]
    assert [(r.index, r.seed) for r in partial.runs] == [(0, 1), (1, 1), (2, 3), (3, 3)]
    assert torch.equal(partial.W_a[2:], reference.W_a[4:])
    with pytest.raises(ValueError, match="no shard"):
        merge_results(SMALL, shards, [None] * 3)


# --- the local shard executor -------------------------------------------------------------------

def test_local_shards_equal_one_batch_and_resume_from_their_checkpoints(tmp_path, reference):
    lines = []
    with LocalExecutor(tmp_path / "shards", runs_per_shard=2, log=lines.append) as ex:
        assert_same(ex.train(SMALL), reference)
        assert len(ex.shard_records()) == 3 and all(r["state"] == "done" for r in ex.shard_records())
    kept = sorted(p.name for p in (tmp_path / "shards").rglob("*.pt"))
    assert kept == ["epoch_0000064.pt"] * 3  # one checkpoint per shard: the newest
    assert sum("started" in x for x in lines) == 3 and sum(" done in " in x for x in lines) == 3
    assert lines[-1].startswith("shards: 3/3 done, 0 running, 0 failed")
    # a second executor with resume finds every shard finished: nothing is trained again
    with LocalExecutor(tmp_path / "shards", runs_per_shard=2, resume=True, log=None) as ex:
        assert_same(ex.train(SMALL), reference)
        assert [r["resumed_from"] for r in ex.shard_records()] == [64, 64, 64]
    # the shard folders stay after the merge, as a one-batch job's checkpoints do
    assert sorted(p.name for p in (tmp_path / "shards").rglob("*.pt")) == ["epoch_0000064.pt"] * 3


@pytest.mark.parametrize("keep", [True, False, 0, "2"])
def test_executor_keep_checkpoints_is_a_count_not_a_flag(tmp_path, keep):
    with pytest.raises(ValueError, match="keep_checkpoints must be an integer"):
        LocalExecutor(tmp_path, keep_checkpoints=keep)


def test_keep_checkpoints_option_means_a_count_on_every_path(tmp_path, monkeypatch):
    """--keep-checkpoints N reaches the trainer (one batch) and the shard executor (shards) as
    the same number, never as a flag."""
    import cogs.distributed as distributed
    import models.training as training

    seen = {}
    real_train, real_make = training.train, distributed.make_executor

    def spy_train(*a, **k):
        seen.setdefault("train", []).append(k.get("keep_checkpoints"))
        return real_train(*a, **k)

    def spy_make(backend_name, work_dir, **k):
        seen.setdefault("executor", []).append(k.get("keep_checkpoints"))
        return real_make(backend_name, work_dir, **k)

    monkeypatch.setattr(training, "train", spy_train)
    monkeypatch.setattr(distributed, "make_executor", spy_make)
    base = ["train", "--group", "Z5", "--hidden", "4", "--epochs", "2", "--dtype", "float64"]
    for i, extra in enumerate((["--keep-checkpoints", "3"], ["--keep-checkpoints", "3", "--shard-runs", "1"],
                               ["--keep-checkpoints", "all", "--shard-runs", "1"])):
        assert cogs_main(base + extra + ["--out", str(tmp_path / f"o{i}")]) == 0
    sweep = ["sweep", "--preset", "rstar", "--epochs", "1", "--seeds", "1", "--device", "cpu", "--shard-runs", "1"]
    assert cogs_main(sweep + ["--keep-checkpoints", "1", "--out", str(tmp_path / "sw")]) == 0
    assert seen["train"][0] == 3 and seen["executor"] == [3, None, 1]


@pytest.mark.parametrize("keep, expected", [("1", 1), ("3", 3), ("all", 4)])
def test_a_shard_keeps_the_newest_n_checkpoints_on_disk(tmp_path, keep, expected):
    """The effect, not the plumbing: 8 epochs checkpoint at 1, 2, 4 and 8; each shard's folder
    keeps the N newest of them (all four for 'all'), the newest always among them."""
    out = tmp_path / "o"
    argv = ["train", "--group", "Z5", "--hidden", "4", "--epochs", "8", "--dtype", "float64", "--seeds", "1-2",
            "--shard-runs", "1", "--keep-checkpoints", keep, "--out", str(out)]
    assert cogs_main(argv) == 0
    shard_folders = sorted((out / "checkpoints" / "shards").iterdir())
    assert len(shard_folders) == 2
    for folder in shard_folders:
        names = sorted(p.name for p in folder.glob("epoch_*.pt"))
        assert len(names) == expected and names[-1] == "epoch_0000008.pt", names


def _poison(folder: Path):
    """A checkpoint of another job in a shard's folder: resuming it is the shard's own error."""
    save_checkpoint(folder, 2, {"key": {"group": "Z7"}, "masks": torch.zeros(1), "history": []})


def test_a_failing_shard_is_reported_and_the_rest_finish(tmp_path, reference):
    with LocalExecutor(tmp_path / "w", runs_per_shard=2, resume=True, log=None) as ex:
        job = ex._job(SMALL)
        _poison(Path(job.tasks[1].checkpoint_dir))
        res = ex.train(SMALL)
        assert len(ex.failures) == 1 and "different job" in ex.failures[0]["error"]
    assert [r.seed for r in res.runs] == [1, 1, 3, 3]
    assert torch.equal(res.W_b, torch.cat([reference.W_b[:2], reference.W_b[4:]]))
    with LocalExecutor(tmp_path / "x", runs_per_shard=6, resume=True, log=None) as ex:
        job = ex._job(SMALL)
        _poison(Path(job.tasks[0].checkpoint_dir))
        with pytest.raises(ShardsFailed, match="different job"):
            ex.train(SMALL)


def test_sweep_with_a_failed_shard_writes_the_rest_and_exits_1(tmp_path, capsys, monkeypatch):
    import cogs.distributed.executor as executor_module

    real = executor_module.run_shard

    def failing(task, report=None):  # the shard of objective sp, seed 1 fails on its own
        if task.objective == "sp" and task.shard.config.seeds == (1,):
            raise RuntimeError("boom")
        return real(task, report=report)

    monkeypatch.setattr(executor_module, "run_shard", failing)
    args = ["sweep", "--preset", "rstar", "--epochs", "5", "--seeds", "1-2", "--shard-runs", "1",
            "--out", str(tmp_path / "out")]
    assert cogs_main(args) == 1
    err = capsys.readouterr().err
    assert "1 shard(s) failed" in err and "seeds 1 × wd 5e-05" in err
    rows = json.loads((tmp_path / "out" / "report.json").read_text())["rows"]
    assert [len(r["orders"]) for r in rows] == [1, 2]
    assert sorted(p.name for p in (tmp_path / "out" / "sp").iterdir() if p.is_dir()) == ["seed2_lr0.01_wd5e-05"]
    assert "| sp | 2 |" in (tmp_path / "out" / "report.md").read_text()  # labelled with the seed that trained


def test_sharded_sweep_resume_refuses_a_shard_checkpoint_of_another_job(tmp_path, capsys):
    from cogs.distributed.plan import shard_key

    _, cfg, name = sweep_grids("rstar", epochs=5, seeds=(1, 2))[0]  # objective sp, seeds 1 and 2
    poisoned = tmp_path / "out" / "shards" / shard_key(plan_shards(cfg, 1)[0], name)  # sp, seed 1
    _poison(poisoned)
    # as an earlier sweep records its shards' folder (its workers write there)
    (tmp_path / "out" / ".cogs-manifest").write_text('{"command": "sweep", "tree": "shards"}\n')
    args = ["sweep", "--preset", "rstar", "--epochs", "5", "--seeds", "1-2", "--shard-runs", "1", "--resume",
            "--out", str(tmp_path / "out")]
    assert cogs_main(args) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "different job" in err and "nothing was deleted" in err
    assert [p.name for p in poisoned.iterdir()] == ["epoch_0000002.pt"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [".cogs-manifest", "shards"]


def test_sharded_sweep_resume_does_not_train_a_finished_grid_again(tmp_path, capsys, monkeypatch):
    """A sharded sweep interrupted in its second grid, then resumed: the first grid's shards
    are continued from their last checkpoint (not a file of theirs changes), the second's trained."""
    import cogs.distributed.executor as executor_module

    out = tmp_path / "out"
    args = ["sweep", "--preset", "rstar", "--epochs", "5", "--seeds", "1-2", "--shard-runs", "1", "--out", str(out)]
    real = executor_module.run_shard

    def interrupted(task, report=None):
        if task.objective == "sp-no-rstar":
            raise KeyboardInterrupt
        return real(task, report=report)

    monkeypatch.setattr(executor_module, "run_shard", interrupted)
    assert cogs_main(args) == 130
    capsys.readouterr()
    assert (out / "sp" / "summary.json").exists() and not (out / "sp-no-rstar").exists()

    def files(folder):
        return {str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.read_bytes()) for p in folder.rglob("*") if p.is_file()}

    def folders(files):
        return {k.split("/")[0] for k in files}

    sp_shards = files(out / "shards")
    assert len(folders(sp_shards)) == 2  # seeds 1 and 2 of grid sp
    assert len(sp_shards) == 4  # each keeps --keep-checkpoints' default 2: epochs 4 and 5
    sp_runs = {k: v[1] for k, v in files(out / "sp").items() if not k.endswith(".json")}

    resumed = {}

    def spy(task, report=None):
        outcome = real(task, report=report)
        resumed[(task.objective, task.shard.config.seeds)] = outcome.resumed_from
        return outcome

    monkeypatch.setattr(executor_module, "run_shard", spy)
    assert cogs_main(args + ["--resume"]) == 0
    assert resumed == {("sp", (1,)): 5, ("sp", (2,)): 5, ("sp-no-rstar", (1,)): 0, ("sp-no-rstar", (2,)): 0}
    after = files(out / "shards")
    assert all(after[k] == v for k, v in sp_shards.items())  # sp's shards: not trained again
    assert len(folders(after)) == 4 and (out / "sp-no-rstar" / "seed2_lr0.01_wd5e-05" / "weights.npz").exists()
    assert {k: v[1] for k, v in files(out / "sp").items() if not k.endswith(".json")} == sp_runs  # same weights


def test_train_cli_local_shards_write_the_same_files(tmp_path):
    base = ["train", "--group", "Z5", "--hidden", "8", "--epochs", "40", "--wd", "1e-4,1e-3", "--seeds", "1-3",
            "--dtype", "float64", "--seeding", "reference"]
    assert cogs_main(base + ["--out", str(tmp_path / "one")]) == 0
    assert cogs_main(base + ["--out", str(tmp_path / "sh"), "--shard-runs", "4"]) == 0
    assert "summary.json" in same_files(tmp_path / "one", tmp_path / "sh")
    assert len(list((tmp_path / "sh" / "checkpoints" / "shards").iterdir())) == 2


def test_train_cli_shards_start_from_an_init_file(tmp_path):
    assert cogs_main(["construct", "--group", "Z5", "--strategy", "f6", "--out", str(tmp_path / "f6.npz")]) == 0
    base = ["train", "--group", "Z5", "--init", str(tmp_path / "f6.npz"), "--epochs", "10", "--wd", "1e-4,1e-3",
            "--seeds", "1,2", "--dtype", "float64"]
    assert cogs_main(base + ["--out", str(tmp_path / "one")]) == 0
    assert cogs_main(base + ["--out", str(tmp_path / "sh"), "--shard-runs", "1"]) == 0
    same_files(tmp_path / "one", tmp_path / "sh")


def test_ray_backend_without_ray_says_how_to_install(tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError
    with pytest.raises(RuntimeError, match=r"pip install -e \"\.\[distributed\]\""):
        make_executor("ray", tmp_path)


def test_ray_executor_is_exported_lazily_without_importing_ray():
    """cogs.distributed names RayExecutor (docs/python.md, job_runner's error) and loads it on
    first use; neither importing the package nor reading the class imports Ray."""
    import subprocess
    import sys

    code = ("import sys, cogs.distributed as d; assert 'ray' not in sys.modules; "
            "from cogs.distributed.ray_backend import RayExecutor; "
            "assert d.RayExecutor is RayExecutor and 'RayExecutor' in d.__all__ and 'RayExecutor' in dir(d); "
            "assert 'ray' not in sys.modules; print('ok')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=Path(__file__).parents[1])
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def test_a_failed_shard_is_one_public_line():
    """The Ray backend and the local executor say a shard's failure the same way, through the
    executor's public short_error."""
    from cogs.distributed import executor, ray_backend

    assert ray_backend.short_error is executor.short_error
    assert executor.short_error(RuntimeError("out of memory\ntraceback follows")) == "RuntimeError: out of memory"
    assert executor.short_error(KeyError()) == "KeyError"


def test_ray_only_options_are_refused_with_the_local_backend(tmp_path, capsys):
    base = ["train", "--group", "Z5", "--hidden", "8", "--epochs", "2", "--out", str(tmp_path / "o")]
    assert cogs_main(base + ["--address", "auto"]) == 2
    assert "only with --backend ray" in capsys.readouterr().err
    assert cogs_main(base + ["--shard-runs", "0"]) == 2
    with pytest.raises(ValueError, match="only with the Ray backend"):
        make_executor("local", tmp_path, cpus_per_shard=2)


class RecordingRunner(Runner):
    """A runner of one's own: trains one batch here and records what it was asked."""

    def __init__(self):
        self.asked, self.announced, self.places = [], [], []
        self.batch = BatchRunner()

    def prefetch(self, jobs):
        self.announced += [(config, shard_objective(objective)) for config, objective in jobs]

    def train(self, config, *, objective=None, init=None, checkpoint_dir=None, progress=None):
        self.asked.append((config, shard_objective(objective)))
        return self.batch.train(config, objective=objective, init=init, checkpoint_dir=checkpoint_dir, progress=progress)

    def checkpoint_places(self, config, objective=None, checkpoint_dir=None, init=None):
        self.places.append(checkpoint_dir)
        return self.batch.checkpoint_places(config, objective, checkpoint_dir, init)


@pytest.mark.parametrize("preset", ["table2", "fig4", "width", "fig3", "rstar"])
def test_a_runner_passed_to_sweep_trains_every_grid_the_sweep_trains(tmp_path, preset):
    """runner= is the runner: it is told of every grid up front (prefetch) and trains each,
    exactly the grids sweep_grids lists."""
    from cogs.jobs.sweep import sweep

    rec = RecordingRunner()
    report = sweep(preset, tmp_path, epochs=1, seeds=(1,), device="cpu", runner=rec)
    grids = sweep_grids(preset, epochs=1, seeds=(1,), device="cpu")
    assert rec.asked == rec.announced == [(g.config, g.objective) for g in grids]
    assert sorted(report.runs) == sorted({p.parent.parent.name for p in tmp_path.rglob("weights.npz")})


def test_a_runner_passed_to_train_and_compare_is_used(tmp_path):
    from cogs.jobs.compare import compare
    from cogs.jobs.train import train as train_job

    rec = RecordingRunner()
    runs = train_job("Z5", hidden=4, epochs=2, seeds=[1, 2], objective="sp", out=tmp_path / "t", runner=rec)
    assert [(c.seeds, name) for c, name in rec.asked] == [((1, 2), "sp")] and len(runs) == 2
    assert rec.places == [tmp_path / "t" / "checkpoints"]  # where the job offers it to checkpoint
    rec = RecordingRunner()
    report = compare("Z5", hidden=4, epochs=2, seeds=1, strategies="f6", runner=rec)
    assert [(c.record_sp, name) for c, name in rec.asked] == [(True, "mse")] and len(report.runs) == 1
    assert rec.places == []  # in memory: nothing to check, nowhere to checkpoint


def test_runner_settings_belong_to_the_runner(tmp_path):
    from cogs.jobs.train import train as train_job

    with pytest.raises(ValueError, match="keep_checkpoints: settings of the runner"):
        train_job("Z5", hidden=4, epochs=1, runner=BatchRunner(), keep_checkpoints=5)
    with pytest.raises(ValueError, match="made with resume=False"):
        train_job("Z5", hidden=4, epochs=1, out=tmp_path / "o", resume=True, runner=BatchRunner())
    with pytest.raises(TypeError, match="cogs.distributed.Runner"):
        train_job("Z5", hidden=4, epochs=1, runner=object())
    assert not (tmp_path / "o").exists()


def test_no_context_variable_carries_a_runner_or_settings():
    """The runner is an argument: no module of the jobs, the runners or the commands uses
    contextvars, and the sweep's old context (executing, its two ContextVars) is gone."""
    import ast

    import cogs.jobs.sweep as sweep

    root = Path(__file__).resolve().parent.parent / "cogs"
    users = []
    for path in [p for pkg in ("jobs", "distributed", "cli") for p in (root / pkg).rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            if any(n.split(".")[0] == "contextvars" for n in names):
                users.append(str(path.relative_to(root)))
    assert users == [] and len(list((root / "jobs").glob("*.py"))) > 5
    assert not any(hasattr(sweep, n) for n in ("executing", "_EXECUTOR", "_CHECKPOINTING", "run_sweep"))


# --- Ray ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ray_runtime():
    ray = pytest.importorskip("ray", reason="Ray is not installed (the 'distributed' extra: pip install -e '.[distributed]')")
    started = not ray.is_initialized()
    if started:
        saved = os.environ.get("RAY_worker_niceness")
        os.environ["RAY_worker_niceness"] = saved or "0"  # workers at the tests' priority (Ray's default: 15)
        try:
            ray.init(num_cpus=2, include_dashboard=False, logging_level="warning", object_store_memory=200 * 2**20)
        finally:
            if saved is None:
                del os.environ["RAY_worker_niceness"]
    yield ray
    if started:
        ray.shutdown()


def test_ray_shards_equal_the_local_backend_bit_for_bit(ray_runtime, tmp_path, reference):
    lines = []
    with make_executor("ray", tmp_path / "shards", runs_per_shard=2, log=lines.append, interval=None) as ex:
        res = ex.train(SMALL)
        recs = ex.shard_records()
    assert_same(res, reference)
    assert [r["state"] for r in recs] == ["done"] * 3 and all(r["attempts"] == 1 for r in recs)
    assert sum("started" in x for x in lines) == 3


def test_ray_shards_on_a_non_abelian_group_equal_the_local_backend(ray_runtime, tmp_path):
    """Any finite group travels to the workers as its spec: Q8, sharded on Ray, bit for bit."""
    cfg = attrs.evolve(SMALL, group="Q8", epochs=16)
    with make_executor("ray", tmp_path / "shards", runs_per_shard=3, interval=None) as ex:
        res = ex.train(cfg)
    assert_same(res, train(cfg))


def test_ray_worker_killed_mid_shard_loses_nothing(ray_runtime, tmp_path, reference):
    pause = tmp_path / "pause"
    pause.mkdir()
    env = {"env_vars": {PAUSE_ENV: str(pause), f"{PAUSE_ENV}_EPOCH": "32"}}
    killed = []

    def killer():  # the paused shard writes its PID after its epoch-32 checkpoint
        t0 = time.monotonic()
        while time.monotonic() - t0 < 120 and not killed:
            for f in pause.glob("*.pid"):
                pid = int(f.read_text())
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
            time.sleep(0.05)

    th = threading.Thread(target=killer, daemon=True)
    th.start()
    with make_executor("ray", tmp_path / "shards", runs_per_shard=2, log=None, runtime_env=env, max_retries=2) as ex:
        res = ex.train(SMALL)
        recs = ex.shard_records()
    th.join(1)
    assert len(killed) == 1
    first = recs[0]
    assert first["attempts"] == 2 and first["resumed_from"] == 32 and first["pid"] != killed[0]
    assert all(r["state"] == "done" for r in recs) and not ex.failures
    assert_same(res, reference)


def test_ray_shard_error_is_reported_not_retried(ray_runtime, tmp_path, reference):
    from cogs.distributed.plan import shard_key

    _poison(tmp_path / "w" / shard_key(plan_shards(SMALL, 2)[2]))  # shard 3's folder, before it is submitted
    with make_executor("ray", tmp_path / "w", runs_per_shard=2, resume=True, log=None) as ex:
        res = ex.train(SMALL)
        recs = ex.shard_records()
    assert len(ex.failures) == 1 and "CheckpointError" in ex.failures[0]["error"]
    assert recs[2]["state"] == "failed" and recs[2]["attempts"] == 1
    assert [r.seed for r in res.runs] == [1, 1, 2, 2]
    assert torch.equal(res.W_c, reference.W_c[:4])


def test_ray_sweep_cli_writes_what_the_local_sweep_writes(ray_runtime, tmp_path):
    # fig4 at d = 23: one grid of 5 weight decays, as one batch here and as 2 Ray shards (3 + 2 runs)
    base = ["sweep", "--preset", "fig4", "--epochs", "20", "--seeds", "1", "--device", "cpu"]
    assert cogs_main(base + ["--out", str(tmp_path / "local")]) == 0
    assert cogs_main(base + ["--out", str(tmp_path / "ray"), "--backend", "ray", "--shard-runs", "3"]) == 0
    names = same_files(tmp_path / "local", tmp_path / "ray", skip=("report.json", "order_histogram.png"))
    assert sum(n.endswith("weights.npz") for n in names) == 5
    a, b = (json.loads((tmp_path / x / "report.json").read_text()) for x in ("local", "ray"))
    assert a["rows"] == b["rows"]
    assert len(list((tmp_path / "ray" / "shards").iterdir())) == 2  # kept, for a --resume


def test_gpu_grid_benchmark_ray_mode_matches_its_local_mode(ray_runtime, tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_gpu_grid", Path(__file__).resolve().parent.parent / "benchmarks" / "gpu_grid.py")
    grid = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(grid)
    assert grid.main(["--quick", "--device", "cpu", "--out", str(tmp_path / "local")]) == 0
    assert grid.main(["--quick", "--device", "cpu", "--backend", "ray", "--out", str(tmp_path / "ray")]) == 0
    for f in sorted((tmp_path / "local").iterdir()):
        assert json.loads(f.read_text())["runs"] == json.loads((tmp_path / "ray" / f.name).read_text())["runs"]
