"""No silent data loss: run folders are unique and reversible, repeated hyper-parameters are
refused, and a command run again into a used --out refuses it or clears what it owns (never
leaving stale runs, reports or figures behind)."""

from __future__ import annotations

import json
import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cogs.cli.main import main
from models.network import load_npz
from models.training import RunSpec, TrainConfig
from models.training.config import float_token, parse_run_name


def run(capsys, *argv):
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


# ----------------------------------------------------------------------------- run names
def test_names_differ_past_six_significant_digits():
    a, b = RunSpec(0, 1, 0.05, 0.0), RunSpec(1, 1, 0.0500000001, 0.0)
    assert a.name == "seed1_lr0.05_wd0" and b.name == "seed1_lr0.0500000001_wd0"
    assert parse_run_name(b.name) == (1, 0.0500000001, 0.0)
    # the names runs always had are unchanged where they were exact
    assert RunSpec(0, 2, 0.01, 5e-5).name == "seed2_lr0.01_wd5e-05"


@settings(max_examples=300, deadline=None)
@given(seed=st.integers(0, 10**6), lr=st.floats(min_value=1e-300, max_value=1e300, allow_nan=False, allow_infinity=False),
       wd=st.floats(min_value=0.0, max_value=1e300, allow_nan=False, allow_infinity=False))
def test_names_read_back_exactly(seed, lr, wd):
    name = RunSpec(0, seed, lr, wd).name
    assert parse_run_name(name) == (seed, lr, wd)
    assert "/" not in name and float(float_token(lr)) == lr


def test_cli_runs_past_six_digits_get_their_own_folders(tmp_path, capsys):
    out = tmp_path / "x"
    rc, _, err = run(capsys, "train", "--group", "Z7", "--hidden", "16", "--epochs", "5", "--lr", "0.05,0.0500000001",
                     "--wd", "0", "--device", "cpu", "--out", str(out))
    assert rc == 0, err
    folders = sorted(p.name for p in out.iterdir() if p.name.startswith("seed"))
    assert folders == ["seed1_lr0.0500000001_wd0", "seed1_lr0.05_wd0"]
    for f in folders:
        w = load_npz(out / f / "weights.npz")
        assert (1, w.meta["lr"], w.meta["wd"]) == parse_run_name(f)
    summary = json.loads((out / "summary.json").read_text())
    assert sorted(r["folder"] for r in summary["runs"]) == folders


@pytest.mark.parametrize("kw, needle", [(dict(lrs=(0.05, 0.05)), "learning rates repeat"),
                                        (dict(wds=(0.0, -0.0)), "weight decays repeat"),
                                        (dict(wds=(1e-4, 2e-4, 1e-4)), "weight decays repeat")])
def test_repeated_lr_or_wd_refused_like_repeated_seeds(kw, needle):
    with pytest.raises(ValueError, match=needle):
        TrainConfig(group="Z5", q=4, epochs=1, **kw)


def test_cli_repeated_lr_is_one_line_and_writes_nothing(tmp_path, capsys):
    rc, _, err = run(capsys, "train", "--group", "Z7", "--hidden", "4", "--epochs", "2", "--lr", "0.05,5e-2",
                     "--out", str(tmp_path / "x"))
    assert rc == 2 and len(err.strip().splitlines()) == 1 and "learning rates repeat" in err
    assert not (tmp_path / "x").exists()


# ----------------------------------------------------------------------------- used folders
TRAIN = ["train", "--group", "Z5", "--hidden", "6", "--epochs", "4", "--device", "cpu", "--dtype", "float64"]


def test_train_into_a_used_folder_refuses_overwrites_or_resumes(tmp_path, capsys):
    out = tmp_path / "job"
    assert run(capsys, *TRAIN, "--seeds", "1-2", "--out", str(out))[0] == 0
    (out / "notes.txt").write_text("mine")
    rc, _, err = run(capsys, *TRAIN, "--seeds", "1", "--out", str(out))
    assert rc == 2 and "--overwrite" in err and "--resume" in err and len(err.strip().splitlines()) == 1
    assert (out / "seed2_lr0.01_wd5e-05" / "weights.npz").exists()  # nothing touched
    # --overwrite: the earlier job's runs go (seed 2 would otherwise be stale), other files stay
    assert run(capsys, *TRAIN, "--seeds", "1", "--out", str(out), "--overwrite")[0] == 0
    assert _listing(out) == ["checkpoints", "notes.txt", "seed1_lr0.01_wd5e-05", "summary.json"]
    # a folder named like a run that no job recorded writing is the user's: refused, never deleted
    (out / "seed9_lr0.01_wd5e-05").mkdir()
    (out / "seed9_lr0.01_wd5e-05" / "mine.txt").write_text("mine")
    resume = [*TRAIN[:-4], "--epochs", "6", "--device", "cpu", "--dtype", "float64", "--seeds", "1", "--out", str(out),
              "--resume"]
    rc, _, err = run(capsys, *resume)
    assert rc == 2 and "no cogs job recorded writing" in err and (out / "seed9_lr0.01_wd5e-05" / "mine.txt").exists()
    (out / "seed9_lr0.01_wd5e-05" / "mine.txt").unlink()
    (out / "seed9_lr0.01_wd5e-05").rmdir()
    # --resume keeps the checkpoints it continues from
    rc, _, err = run(capsys, *resume)
    assert rc == 0 and "resuming from epoch 4 of 6" in err
    assert _listing(out) == ["checkpoints", "notes.txt", "seed1_lr0.01_wd5e-05", "summary.json"]


def _listing(folder) -> list[str]:
    """What a user sees with ls: the folder's entries without the lock and the manifest."""
    return sorted(p.name for p in folder.iterdir() if p.name not in (".cogs-lock", ".cogs-manifest"))


COMPARE = ["compare", "--group", "Z5", "--hidden", "8", "--seeds", "1", "--strategies", "f6", "--device", "cpu"]


def test_compare_into_a_used_folder_refuses_then_overwrite_clears_what_it_owns(tmp_path, capsys):
    out = tmp_path / "cmp"
    assert run(capsys, *COMPARE, "--epochs", "4", "--seeds", "1-2", "--out", str(out))[0] == 0
    assert (out / "train" / "seed2_lr0.01_wd5e-05").is_dir()
    (out / "notes.txt").write_text("mine")
    (out / "train" / "seed1_lr0.01_wd5e-05" / "mine.txt").write_text("mine too")  # a user's file inside a run
    rc, _, err = run(capsys, *COMPARE, "--epochs", "4", "--out", str(out))
    assert rc == 2 and "--overwrite" in err
    assert (out / "train" / "seed2_lr0.01_wd5e-05" / "weights.npz").exists()  # refused: nothing touched
    # --overwrite: seed 2's run of the earlier comparison does not survive; the user's files do
    rc, _, err = run(capsys, *COMPARE, "--epochs", "4", "--out", str(out), "--overwrite", "--strategies", "f6")
    assert rc == 0, err
    assert (out / "notes.txt").read_text() == "mine"
    assert (out / "train" / "seed1_lr0.01_wd5e-05" / "mine.txt").read_text() == "mine too"
    assert not (out / "train" / "seed2_lr0.01_wd5e-05").exists()
    # a user's own train/x/d.csv in a folder no cogs job wrote to: compare does not claim it, even with --overwrite
    mine = tmp_path / "p"
    (mine / "train" / "x").mkdir(parents=True)
    (mine / "train" / "x" / "d.csv").write_text("1,2,3")
    for extra in ([], ["--overwrite"]):
        rc, _, err = run(capsys, *COMPARE, "--epochs", "4", "--out", str(mine), *extra)
        assert rc == 2 and "no cogs job recorded writing" in err and err.count("\n") == 1
        assert (mine / "train" / "x" / "d.csv").read_text() == "1,2,3"
    rep = json.loads((out / "report.json").read_text())
    assert [r["seed"] for r in rep["runs"]] == [1]
    assert not list(out.rglob("*.tmp"))


def test_sweep_into_a_used_folder_refuses_then_overwrite_clears_what_it_owns(tmp_path, capsys):
    out = tmp_path / "sw"
    base = ["sweep", "--preset", "rstar", "--epochs", "2", "--seeds", "1", "--device", "cpu", "--out", str(out)]
    assert run(capsys, *base, "--seeds", "1,7")[0] == 0  # seed 7: a run the next sweep does not train
    (out / "Zeta").mkdir()  # not the sweep's
    rc, _, err = run(capsys, *base)
    assert rc == 2 and "--overwrite" in err and (out / "sp" / "seed7_lr0.01_wd5e-05").exists()
    assert run(capsys, *base, "--overwrite")[0] == 0
    assert not (out / "sp" / "seed7_lr0.01_wd5e-05").exists()  # the earlier sweep's stale run is gone
    assert (out / "Zeta").is_dir() and (out / "sp" / "seed1_lr0.01_wd5e-05" / "weights.npz").exists()
    (out / "order_histogram.png").write_bytes(b"my figure")  # a name the sweep owns, but the user's file
    rc, _, err = run(capsys, *base, "--overwrite")
    assert rc == 2 and "no cogs job recorded writing" in err and (out / "order_histogram.png").exists()


# ----------------------------------------------------------------------------- resume checks
def snapshot(folder):
    """Every entry under ``folder``: files with their bytes and modification time, folders."""
    return {str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.read_bytes()) if p.is_file() else "dir"
            for p in sorted(folder.rglob("*"))}


def refused(capsys, before, out, *argv, needle):
    rc, _, err = run(capsys, *argv)
    assert snapshot(out) == before  # every file in place, untouched
    assert rc == 2 and len(err.strip().splitlines()) == 1 and needle in err, err
    assert "Traceback" not in err and "nothing was deleted" in err
    return err


def test_train_resume_of_another_job_is_refused_before_anything_is_deleted(tmp_path, capsys):
    out = tmp_path / "job"
    assert run(capsys, *TRAIN, "--seeds", "1-2", "--out", str(out))[0] == 0
    before = snapshot(out)
    more = [*TRAIN[:-4], "--epochs", "6", "--device", "cpu", "--dtype", "float64", "--out", str(out), "--resume"]
    err = refused(capsys, before, out, *more, "--seeds", "1-3", needle="belongs to a different job")
    assert "seeds" in err
    refused(capsys, before, out, *more, "--seeds", "1-2", "--wd", "1e-3", needle="belongs to a different job")
    # fewer epochs than the checkpoint holds: the trainer would refuse it, so it is refused first
    refused(capsys, before, out, *TRAIN[:-4], "--epochs", "3", "--device", "cpu", "--dtype", "float64",
            "--seeds", "1-2", "--out", str(out), "--resume", needle="beyond --epochs 3")


def test_train_resume_without_checkpoints_is_refused_before_anything_is_deleted(tmp_path, capsys):
    import shutil

    out = tmp_path / "job"
    assert run(capsys, *TRAIN, "--seeds", "1-2", "--out", str(out))[0] == 0
    shutil.rmtree(out / "checkpoints")
    before = snapshot(out)
    refused(capsys, before, out, *TRAIN, "--seeds", "1-2", "--wd", "1e-3", "--out", str(out), "--resume",
            needle="no checkpoint of this job")
    # a resume into an empty (or new) folder is a fresh start, as before
    rc, _, err = run(capsys, *TRAIN, "--out", str(tmp_path / "new"), "--resume")
    assert rc == 0 and "starting from epoch 0" in err


def test_sharded_train_resume_of_another_job_is_refused_before_anything_is_deleted(tmp_path, capsys):
    out = tmp_path / "job"
    assert run(capsys, *TRAIN, "--seeds", "1-2", "--shard-runs", "1", "--out", str(out))[0] == 0
    before = snapshot(out)
    # other epochs or seeds: shards of another job, none of which this one could continue
    refused(capsys, before, out, *TRAIN[:-4], "--epochs", "6", "--device", "cpu", "--dtype", "float64",
            "--seeds", "1-3", "--shard-runs", "1", "--out", str(out), "--resume", needle="no checkpoint of this job")
    # the one-batch path cannot continue shards either
    refused(capsys, before, out, *TRAIN, "--seeds", "1-2", "--out", str(out), "--resume", needle="no checkpoint of this job")
    # the same job resumes from its shards: nothing is trained again
    assert run(capsys, *TRAIN, "--seeds", "1-2", "--shard-runs", "1", "--out", str(out), "--resume")[0] == 0
    after = snapshot(out)
    ckpts = {k: v for k, v in before.items() if k.startswith("checkpoints/") and k.endswith(".pt")}
    assert len(ckpts) == 4 and all(after[k] == v for k, v in ckpts.items())


def test_resume_with_overwrite_is_refused_in_one_line(tmp_path, capsys):
    out = tmp_path / "job"
    assert run(capsys, *TRAIN, "--out", str(out))[0] == 0
    before = snapshot(out)
    for argv in ([*TRAIN, "--out", str(out)], [*COMPARE, "--epochs", "4", "--out", str(out)],
                 ["sweep", "--preset", "rstar", "--epochs", "2", "--seeds", "1", "--device", "cpu", "--out", str(out)]):
        rc, _, err = run(capsys, *argv, "--resume", "--overwrite")
        assert rc == 2 and len(err.strip().splitlines()) == 1 and "exclude each other" in err, err
        assert snapshot(out) == before


def test_compare_resume_of_another_job_or_without_checkpoints_is_refused(tmp_path, capsys):
    import shutil

    out = tmp_path / "cmp"
    assert run(capsys, *COMPARE, "--epochs", "4", "--out", str(out))[0] == 0
    before = snapshot(out)
    refused(capsys, before, out, *COMPARE, "--epochs", "6", "--seeds", "1-2", "--out", str(out), "--resume",
            needle="belongs to a different job")
    shutil.rmtree(out / "train" / "checkpoints")
    before = snapshot(out)
    refused(capsys, before, out, *COMPARE, "--epochs", "6", "--out", str(out), "--resume", needle="no checkpoint of this job")


SWEEP = ["sweep", "--preset", "rstar", "--epochs", "2", "--device", "cpu"]


def test_sweep_resume_of_another_sweep_is_refused_before_anything_is_deleted(tmp_path, capsys):
    import shutil

    out = tmp_path / "sw"
    assert run(capsys, *SWEEP, "--seeds", "1", "--out", str(out))[0] == 0
    before = snapshot(out)
    refused(capsys, before, out, *SWEEP, "--seeds", "1-2", "--out", str(out), "--resume", needle="belongs to a different job")
    # another preset: rstar's grids are not among table2's
    refused(capsys, before, out, "sweep", "--preset", "table2", "--epochs", "2", "--seeds", "1", "--device", "cpu",
            "--out", str(out), "--resume", needle="sp/, a grid of an earlier sweep")
    # a grid whose checkpoints are gone cannot be continued: its runs stay
    shutil.rmtree(out / "sp-no-rstar" / "checkpoints")
    before = snapshot(out)
    refused(capsys, before, out, *SWEEP, "--seeds", "1", "--out", str(out), "--resume", needle="no checkpoint of this job")


def test_sweep_owns_its_shards(tmp_path, capsys):
    """A sharded sweep's shard checkpoints are its output: refused without --overwrite, kept
    (and continued, not trained again) by --resume, deleted by --overwrite."""
    import shutil

    out = tmp_path / "sw"
    base = [*SWEEP, "--seeds", "1", "--shard-runs", "1", "--out", str(out)]
    assert run(capsys, *base)[0] == 0
    for p in out.iterdir():  # as if interrupted before any grid was written
        if p.name not in ("shards", ".cogs-manifest", ".cogs-lock"):
            shutil.rmtree(p) if p.is_dir() else p.unlink()
    before = snapshot(out)
    assert sum(k.endswith(".pt") for k in before) == 4  # two shards, each keeping --keep-checkpoints' default 2
    rc, _, err = run(capsys, *base)
    assert rc == 2 and "shards/" in err and "--overwrite" in err and len(err.strip().splitlines()) == 1
    assert snapshot(out) == before
    assert run(capsys, *base, "--resume")[0] == 0
    after = snapshot(out)
    assert all(after[k] == v for k, v in before.items() if not k.startswith(".cogs-"))  # continued from, not retrained
    assert (out / "sp" / "seed1_lr0.01_wd5e-05" / "weights.npz").exists()
    assert run(capsys, *base, "--overwrite")[0] == 0
    assert all(snapshot(out)[k] != v for k, v in before.items() if k.endswith(".pt"))  # trained afresh


def test_sweep_clears_its_folder_in_one_place(tmp_path, capsys, monkeypatch):
    import cogs.jobs.outdir as outdir

    calls = []
    real = outdir.prepare_out
    monkeypatch.setattr(outdir, "prepare_out", lambda *a, **k: calls.append(k) or real(*a, **k))
    out = tmp_path / "sw"
    assert run(capsys, *SWEEP, "--seeds", "1", "--shard-runs", "1", "--out", str(out))[0] == 0
    assert run(capsys, *SWEEP, "--seeds", "1", "--shard-runs", "1", "--out", str(out), "--overwrite")[0] == 0
    assert len(calls) == 2  # one per sweep


def test_float_token_is_the_old_name_where_that_was_exact():
    for x in (0.01, 5e-05, 1e-4, 2e-4, 0.0, 1.0, 0.5, 1e-5, 3e-3):
        assert float_token(x) == f"{x:g}"
    assert float_token(0.0500000001) == "0.0500000001"
    assert float_token(1 / 3) == repr(1 / 3) and math.isclose(float(float_token(1 / 3)), 1 / 3, rel_tol=0)


# ----------------------------------------------------------------------------- one resume check
def _job(kind, out, **kw):
    """The library's train, compare and sweep, each with a small job (``seeds`` and ``epochs``
    as given) into ``out``."""
    from cogs.jobs.compare import compare
    from cogs.jobs.sweep import sweep
    from cogs.jobs.train import train

    seeds, epochs = kw.pop("seeds", (1,)), kw.pop("epochs", 4)
    if kind == "train":
        return train("Z5", hidden=6, epochs=epochs, seeds=seeds, device="cpu", dtype="float64", out=out, **kw)
    if kind == "compare":
        return compare("Z5", out, hidden=6, epochs=epochs, seeds=seeds, strategies="f6", device="cpu", **kw)
    return sweep("rstar", out, epochs=epochs, seeds=seeds, device="cpu", **kw)


@pytest.mark.parametrize("kind", ["train", "compare", "sweep"])
def test_one_resume_check_refuses_the_same_cases_for_every_job(tmp_path, kind, monkeypatch):
    """train, compare and sweep all ask cogs.jobs.outdir.check_resume, and it refuses the same
    cases for each, before anything is deleted: another job's checkpoint, a checkpoint past
    the epochs asked for, an earlier output without checkpoints."""
    import shutil

    import cogs.jobs.outdir as outdir

    out = tmp_path / kind
    _job(kind, out)
    asked = []
    real = outdir.check_resume
    monkeypatch.setattr(outdir, "check_resume", lambda *a, **k: asked.append(a[1].command) or real(*a, **k))
    for kw, needle in ((dict(seeds=(1, 2), epochs=6), "belongs to a different job (differs in seeds)"),
                       (dict(epochs=3), "beyond --epochs 3")):
        before = snapshot(out)
        with pytest.raises(outdir.CannotResume, match=re.escape(needle)) as e:
            _job(kind, out, resume=True, **kw)
        assert "nothing was deleted" in str(e.value) and snapshot(out) == before
    for ckpt in [p for p in out.rglob("checkpoints") if p.is_dir()]:
        shutil.rmtree(ckpt)
    before = snapshot(out)
    with pytest.raises(outdir.CannotResume, match="no checkpoint of this job"):
        _job(kind, out, resume=True, epochs=6)
    assert snapshot(out) == before
    assert asked == [kind] * 3
    _job(kind, out, overwrite=True)
    _job(kind, out, resume=True, epochs=6)  # the same job continues
