"""Size limits: commands estimate memory and work from the sizes before allocating and refuse
beyond the limits of models/limits.py (overridable), with the estimate in one line.

Commands that the old code ran until the machine ran out of memory are tested in a child
process with its address space capped, so that a regression fails instead of swapping."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from models import limits
from cogs.cli.main import main
from groups import parse_group

ROOT = Path(__file__).resolve().parents[1]


def _capped(args, *, gb: float = 6.0, timeout: float = 180, env=None):
    def cap():
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (int(gb * 2**30), int(gb * 2**30)))

    return subprocess.run([sys.executable, "-m", "cogs.cli.main", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, preexec_fn=cap, env={**os.environ, **(env or {})})


def _refused(r, *fragments):
    assert r.returncode == 2, (r.returncode, r.stderr[-2000:])
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr[-2000:]
    for f in fragments:
        assert f in lines[0], lines[0]


@pytest.fixture(autouse=True)
def _default_limits(monkeypatch):
    for name in ("COGS_MAX_MEMORY_GB", "COGS_MAX_WORK", "COGS_MAX_ROWS", "COGS_LIMITS"):
        monkeypatch.delenv(name, raising=False)


# --- the reproduction commands, default limits ---------------------------------------------


@pytest.mark.skipif(sys.platform != "linux", reason="caps the child's address space")
@pytest.mark.parametrize("argv, fragments", [
    (["construct", "--group", "Z10000"], ("GB of memory", "COGS_MAX_MEMORY_GB")),
    (["train", "--group", "Z10000", "--epochs", "1"], ("GB of memory", "COGS_MAX_MEMORY_GB")),
    (["train", "--group", "Z23", "--epochs", "10", "--seeds", "0-2000000"], ("2000001 run(s)", "GB of memory")),
    (["compare", "--group", "Z10000"], ("GB of memory",)),
])
def test_oversized_jobs_are_refused_up_front(tmp_path, argv, fragments):
    out = tmp_path / ("w.npz" if argv[0] == "construct" else "out")
    r = _capped([*argv, "--out", out])
    _refused(r, *fragments)
    assert not out.exists()  # refused before the output folder is made


@pytest.mark.skipif(sys.platform != "linux", reason="caps the child's address space")
@pytest.mark.parametrize("command", ["train", "compare"])
def test_an_oversized_overwrite_keeps_the_earlier_outputs(tmp_path, command):
    out = tmp_path / "out"
    out.mkdir()
    earlier = out / "summary.json" if command == "train" else out / "report.md"
    earlier.write_text("an earlier job's results")
    extra = ["--epochs", "1"] if command == "train" else []
    r = _capped([command, "--group", "Z10000", *extra, "--out", out, "--overwrite"])
    _refused(r, "GB of memory")
    assert earlier.read_text() == "an earlier job's results"


@pytest.mark.skipif(sys.platform != "linux", reason="caps the child's address space")
def test_orbit_listing_of_a_huge_group_is_refused():
    r = _capped(["groups", "Z10000000", "--orbits"])
    _refused(r, "5000000 rows", "COGS_MAX_ROWS")
    r = _capped(["groups", "Z10000000", "--json"])  # the orbits and every character (irreps)
    _refused(r, "listing the orbits and characters of Z10000000")


@pytest.mark.skipif(sys.platform != "linux", reason="caps the child's address space")
def test_23_factor_product_summary_is_closed_form_and_its_listing_refused():
    spec = "x".join(["Z2"] * 23)
    r = _capped(["groups", spec], gb=2.0)  # the old summary built 8388608 × 23 coordinates
    assert r.returncode == 0, r.stderr[-2000:]
    assert "real characters    8388607" in r.stdout and "complex orbits     0" in r.stdout
    _refused(_capped(["groups", spec, "--orbits"], gb=2.0), "8388607 rows")


def test_huge_seed_range_is_refused_before_it_is_built():
    from models.training import parse_seeds

    with pytest.raises(ValueError, match="at most"):
        parse_seeds(f"0-{10**15}")


# --- estimates are checked against lowered limits (in process, cheap) ----------------------


def test_construct_refuses_over_a_lowered_memory_limit(monkeypatch):
    from cogs.solver import construct

    monkeypatch.setenv("COGS_MAX_MEMORY_GB", "0.001")
    with pytest.raises(limits.SizeLimitError, match=r"constructing f46 for Z101 .*GB of memory.*limit of 0\.001 GB"):
        construct("Z101", "f46")
    monkeypatch.setenv("COGS_LIMITS", "off")
    assert construct("Z101", "f46").certificate.passed


def test_training_refuses_over_lowered_limits_at_the_start_of_train(monkeypatch):
    from models.training import TrainConfig, train
    from models.training import trainer

    def no_allocation(*a, **k):
        raise AssertionError("the job allocated before its size was checked")

    monkeypatch.setattr(trainer, "initial_state", no_allocation)
    monkeypatch.setenv("COGS_MAX_MEMORY_GB", "0.05")
    cfg = TrainConfig(group="Z71", q=512, epochs=10, seeds=tuple(range(25)), device="cpu")
    with pytest.raises(limits.SizeLimitError, match="training 25 run.*GB of memory"):
        train(cfg)
    monkeypatch.setenv("COGS_MAX_MEMORY_GB", "100")
    monkeypatch.setenv("COGS_MAX_WORK", "1e9")
    with pytest.raises(limits.SizeLimitError, match="floating-point operations.*COGS_MAX_WORK"):
        train(TrainConfig(group="Z23", q=512, epochs=100, device="cpu"))


def test_a_config_is_not_size_checked_when_built_only_when_trained(monkeypatch):
    """Building or evolving a config (a shard in a worker) checks nothing against the limits;
    its values are still validated at construction."""
    import attrs

    from models.training import TrainConfig
    from models.training.config import check_size

    monkeypatch.setenv("COGS_MAX_MEMORY_GB", "0.05")
    cfg = TrainConfig(group="Z71", q=512, epochs=10, seeds=tuple(range(25)), device="cpu")  # over the limit
    attrs.evolve(cfg, seeds=(0,))
    with pytest.raises(limits.SizeLimitError, match="GB of memory"):
        check_size(cfg)
    with pytest.raises(ValueError, match="integers"):
        TrainConfig(group="Z5", q=4, epochs=1, seeds=[1.7])
    with pytest.raises(ValueError, match="hidden width"):
        TrainConfig(group="Z5", q=0, epochs=1)


def test_a_sharded_job_is_checked_shard_by_shard(tmp_path, monkeypatch):
    """A job over the work limit as one batch trains as shards that each fit (the limit is the
    shard's, as in a Ray worker)."""
    from cogs.distributed import LocalExecutor
    from models.training import TrainConfig, train

    cfg = TrainConfig(group="Z5", q=4, epochs=2, seeds=(1, 2, 3, 4), device="cpu")
    one_run = limits.train_estimate(5, 4, 1, 2, device="cpu")["work"]
    monkeypatch.setenv("COGS_MAX_WORK", str(1.5 * one_run))
    with pytest.raises(limits.SizeLimitError, match="training 4 run"):
        train(cfg)
    with LocalExecutor(tmp_path / "shards", runs_per_shard=1, log=None) as ex:
        res = ex.train(cfg)
        assert ex.failures == []
    assert [r.seed for r in res.runs] == [1, 2, 3, 4]


def test_small_jobs_are_estimated_small_on_any_device(tmp_path, capsys, monkeypatch):
    """The work buffers are bounded by the job itself (the pair grid's real chunking), not
    only by the chunk budget: a Z5, q = 4 run needs kilobytes, on a CPU or a GPU."""
    for device in ("cpu", "cuda", "cuda:0"):
        assert limits.train_estimate(5, 4, 1, 1, device=device)["memory"] < 1e6, device
    monkeypatch.setenv("COGS_MAX_MEMORY_GB", "2")
    rc = main(["train", "--group", "Z5", "--hidden", "4", "--epochs", "1", "--out", str(tmp_path / "x")])
    assert rc == 0, capsys.readouterr().err


def test_auto_device_is_estimated_as_the_device_it_resolves_to(monkeypatch):
    import torch

    from models.training import TrainConfig
    from models.training.config import check_size

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    cpu = limits.train_estimate(71, 512, 25, 10, device="cpu")
    assert limits.train_estimate(71, 512, 25, 10, device="auto") == cpu
    assert cpu != limits.train_estimate(71, 512, 25, 10, device="cuda")
    cfg = TrainConfig(group="Z71", q=512, epochs=10, seeds=tuple(range(25)), device="auto")
    assert check_size(cfg)["memory_bytes"] == cpu["memory"]


def test_the_estimate_follows_the_pair_grid_chunking():
    from models.training.pair_grid import chunk_plan

    d, q, b = 71, 512, 4
    for runs, device in ((1, "cpu"), (25, "cpu"), (25, "cuda"), (400, "cuda")):
        rows, block = chunk_plan(d, q, runs, device)
        n = rows * d
        buffers = block * (3 * n * q + 4 * d * n + 2 * d * q) * b
        more = limits.train_estimate(d, q, runs, 1, device=device, chunk_rows=rows)["memory"]
        assert buffers < more, (runs, device)
    # fewer rows per chunk, smaller buffers
    assert (limits.train_estimate(d, q, 25, 1, device="cpu", chunk_rows=1)["memory"]
            < limits.train_estimate(d, q, 25, 1, device="cpu", chunk_rows=d)["memory"])


def test_file_size_limits_follow_limits_off(tmp_path, capsys, monkeypatch):
    """COGS_LIMITS=off turns the file-size checks off too (weights and checkpoints); the other
    file checks stay."""
    import torch

    from models.io import WeightsFileError, save_weights
    from models.network import load_npz
    from models.training.checkpoint_checks import check_file

    rng = np.random.default_rng(0)
    path = save_weights(tmp_path / "small.npz", "Z7", rng.standard_normal((5, 7)), rng.standard_normal((5, 7)),
                        rng.standard_normal((7, 5)))
    ckpt = tmp_path / "epoch_0000001.pt"
    torch.save({"epoch": 1}, ckpt)
    monkeypatch.setenv("COGS_MAX_MEMORY_GB", "1e-7")  # 100 bytes
    with pytest.raises(WeightsFileError, match="limit"):
        load_npz(path)
    with pytest.raises(ValueError, match="limit"):
        check_file(ckpt)
    monkeypatch.setenv("COGS_LIMITS", "off")
    assert load_npz(path).q == 5
    check_file(ckpt)
    rc = main(["loss", "--weights", str(path)])
    assert rc == 0, capsys.readouterr().err
    (tmp_path / "dir.npz").mkdir()
    with pytest.raises(WeightsFileError, match="directory"):
        load_npz(tmp_path / "dir.npz")


def test_shard_sizes_and_refusals_use_one_memory_model(monkeypatch):
    from cogs.distributed import plan

    assert not hasattr(plan, "_FALLBACK_CHUNK_BUDGET")
    for d, q, dtype, runs in ((23, 512, "float32", 10), (71, 512, "float64", 3), (5, 4, "float32", 1)):
        b = 8 if dtype == "float64" else 4
        for device in ("cpu", "cuda"):
            est = limits.train_estimate(d, q, runs, 0, dtype_bytes=b, device=device)["memory"]
            extra = plan.GPU_CONTEXT_BYTES if device == "cuda" else 0
            assert plan.shard_bytes(d, q, dtype, runs, device) == math.ceil(est) + extra
    # shards planned for a large device are still within the memory limit of the trainer
    monkeypatch.setenv("COGS_MAX_MEMORY_GB", "0.2")
    m = plan.max_runs(71, 512, "float32", 1 << 40, "cpu", limit=1000)
    assert 1 < m < 1000
    assert limits.train_estimate(71, 512, m, 0, device="cpu")["memory"] <= limits.max_memory()
    assert limits.train_estimate(71, 512, m + 1, 0, device="cpu")["memory"] > limits.max_memory()
    monkeypatch.setenv("COGS_LIMITS", "off")
    assert plan.max_runs(71, 512, "float32", 1 << 40, "cpu", limit=1000) == 1000


def test_loss_command_refuses_over_a_lowered_limit(tmp_path, capsys, monkeypatch):
    from models.io import save_weights

    rng = np.random.default_rng(0)
    path = save_weights(tmp_path / "w.npz", "Z7", rng.standard_normal((50, 7)), rng.standard_normal((50, 7)), rng.standard_normal((7, 50)))
    monkeypatch.setenv("COGS_MAX_WORK", "1e4")
    rc = main(["loss", "--weights", str(path)])
    err = capsys.readouterr().err
    assert rc == 2 and len(err.strip().splitlines()) == 1 and "floating-point operations" in err, err


def test_paper_grid_and_default_compare_are_within_the_default_limits():
    for d, q in ((23, 512), (71, 2048), (127, 2048)):
        for device in ("cpu", "cuda", "auto"):
            est = limits.train_estimate(d, q, 25, 10000, dtype_bytes=4, device=device)
            limits.check("paper grid", memory=est["memory"], work=est["work"])
    for d in (23, 71, 127, 1021):
        G = parse_group(f"Z{d}")
        est = limits.construct_estimate(d, 3 * d)
        limits.check(f"construct {G.spec}", memory=est["memory"], work=est["work"])
    est = limits.construct_estimate(64, 64 * 64)  # memorize at its own limit
    limits.check("memorize Z64", memory=est["memory"], work=est["work"])


def test_bad_override_values_are_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COGS_MAX_MEMORY_GB", "lots")
    rc = main(["construct", "--group", "Z5", "--out", str(tmp_path / "unused.npz")])
    err = capsys.readouterr().err
    assert rc == 2 and "COGS_MAX_MEMORY_GB" in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("spec", ["Z2", "Z8", "Z2xZ2", "Z2xZ4xZ3", "Z15", "Z2xZ2xZ2xZ6", "Z3xZ9", "Z12xZ18"])
def test_closed_form_summary_matches_the_orbits(spec):
    G = parse_group(spec)
    s = G.summary()
    orbits = G.orbits()
    assert s["complex_orbits"] == sum(1 for o in orbits if not o.is_real)
    assert s["real_characters"] == sum(1 for o in orbits if o.is_real)
    assert s["exponent"] == int(G.element_orders().max())
