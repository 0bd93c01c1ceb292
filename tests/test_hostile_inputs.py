"""Hostile files and inputs: judged before they are read, refused with one line.

Files: FIFOs, devices and directories are refused without being opened; npz members are
checked from their npy headers before any data is inflated (zip bombs, headers claiming a
terabyte, members that are not npy); meta must be a JSON object; tampered training
checkpoints are refused on resume; temporaries of killed writes are cleaned up. Inputs:
Unicode digits, non-finite thresholds, an empty --out, overflowing weights, and the API's
chunk, pairs, complex weights, shapes and seeds.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch

from cogs.cli.main import main
from groups import GroupSpecError, parse_group
from models.io import WeightsFileError, save_weights
from models.network import load_npz

ROOT = Path(__file__).resolve().parents[1]


def _cli(argv, capsys):
    try:
        rc = main([str(a) for a in argv])
    except SystemExit as e:  # argparse's refusals (bad numbers, choices)
        rc = e.code
    out = capsys.readouterr()
    return rc, out.out, out.err


def _one_line_refusal(rc, err, fragment):
    assert rc == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    assert fragment in lines[0], lines[0]


def _cogs_subprocess(args, timeout=120, env=None):
    """Run the CLI in a child process (a hostile file must not hang the test run)."""
    return subprocess.run([sys.executable, "-m", "cogs.cli.main", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **(env or {})})


def _weights(d=5, q=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((q, d)), rng.standard_normal((q, d)), rng.standard_normal((d, q))


# --- npz files built by hand ---------------------------------------------------------------


def _npy_header(shape, descr="<f8") -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": descr, "fortran_order": False, "shape": tuple(shape)})
    return buf.getvalue()  # magic string included


def _write_zip(path, members: dict) -> Path:
    """members: name → bytes, stored as they are."""
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return Path(path)


def _string_member(text: str) -> bytes:
    buf = io.BytesIO()
    np.save(buf, np.array(text))
    return buf.getvalue()


def _bomb(path, q: int, d: int) -> Path:
    """An npz whose W_a, W_b, W_c are zeros of shapes (q, d), (q, d), (d, q), deflated: a few
    hundred kB on disk that inflate to 24·q·d bytes. Written with raw zip records so that the
    test never holds the inflated data either."""
    members = {
        "W_a.npy": (q, d),
        "W_b.npy": (q, d),
        "W_c.npy": (d, q),
    }
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, shape in members.items():
            with zf.open(name, "w", force_zip64=True) as f:
                f.write(_npy_header(shape))
                n = int(np.prod(shape)) * 8
                block = bytes(1 << 20)
                while n > 0:
                    f.write(block[: min(n, len(block))])
                    n -= len(block)
        zf.writestr("group.npy", _string_member(f"Z{d}"))
    return Path(path)


# --- item 2: files are judged before they are read ----------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "w.npz"
    os.mkfifo(fifo)
    # the old loader opened the FIFO (zipfile.is_zipfile) and waited forever for a writer
    r = _cogs_subprocess(["loss", "--weights", fifo], timeout=120)
    assert r.returncode == 2, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "FIFO" in r.stderr, r.stderr


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_device_behind_a_symlink_is_refused(tmp_path):
    link = tmp_path / "w.npz"
    link.symlink_to("/dev/zero")
    with pytest.raises(WeightsFileError, match="device"):
        load_npz(link)


def test_directory_is_refused(tmp_path):
    (tmp_path / "w.npz").mkdir()
    with pytest.raises(WeightsFileError, match="directory"):
        load_npz(tmp_path / "w.npz")


def test_zip_bomb_is_refused_from_its_headers_without_inflating(tmp_path, monkeypatch):
    path = _bomb(tmp_path / "bomb.npz", q=1 << 18, d=5)  # 31 MB of zeros in ~30 kB
    assert path.stat().st_size < 200_000
    monkeypatch.setenv("COGS_MAX_MEMORY_GB", "0.01")  # 10 MB: the file claims more

    read_array = np.lib.format.read_array

    def guarded(fp, *a, **k):  # the small group string may be read; no weight data
        if str(getattr(fp, "name", "")).startswith("W_"):
            raise AssertionError("weight data was inflated before the sizes were checked")
        return read_array(fp, *a, **k)

    monkeypatch.setattr(np.lib.format, "read_array", guarded)
    with pytest.raises(WeightsFileError, match="COGS_MAX_MEMORY_GB"):
        load_npz(path)


def test_header_claiming_a_terabyte_is_one_line(tmp_path, capsys):
    path = _write_zip(tmp_path / "tib.npz", {
        "W_a.npy": _npy_header((1 << 35, 4)) + bytes(64),  # 1.1 TB claimed, 64 bytes present
        "W_b.npy": _npy_header((1 << 35, 4)) + bytes(64),
        "W_c.npy": _npy_header((4, 1 << 35)) + bytes(64),
        "group.npy": _string_member("Z4"),
    })
    rc, out, err = _cli(["loss", "--weights", path], capsys)
    _one_line_refusal(rc, err, "memory")


@pytest.mark.parametrize("case", ["junk", "truncated_header", "not_npy_name", "bad_descr"])
def test_members_that_are_not_npy_are_one_line(tmp_path, capsys, case):
    good = {n: _string_member("Z5") if n == "group.npy" else None for n in ("W_a.npy", "W_b.npy", "W_c.npy", "group.npy")}
    W = dict(zip(("W_a.npy", "W_b.npy", "W_c.npy"), _weights()))
    for n, w in W.items():
        buf = io.BytesIO()
        np.save(buf, w)
        good[n] = buf.getvalue()
    bad = dict(good)
    if case == "junk":
        bad["W_a.npy"] = b"this is not an npy file at all" * 10
    elif case == "truncated_header":
        bad["W_a.npy"] = good["W_a.npy"][:12]
    elif case == "not_npy_name":
        bad["notes.txt"] = b"hello"
    else:
        bad["W_a.npy"] = np.lib.format.magic(1, 0) + b"\x20\x00{'descr': 'nonsense', 'x': (}   \n"
    path = _write_zip(tmp_path / "bad.npz", bad)
    rc, out, err = _cli(["loss", "--weights", path], capsys)
    _one_line_refusal(rc, err, str(path))


@pytest.mark.parametrize("meta", ["[1, 2, 3]", "not json {", "\"a string\"", "null"])
def test_meta_that_is_not_a_json_object_is_an_error(tmp_path, meta):
    W = _weights()
    buf = {}
    for n, w in zip(("W_a", "W_b", "W_c"), W):
        b = io.BytesIO()
        np.save(b, w)
        buf[f"{n}.npy"] = b.getvalue()
    buf["group.npy"] = _string_member("Z5")
    buf["meta.npy"] = _string_member(meta)
    path = _write_zip(tmp_path / "meta.npz", buf)
    with pytest.raises(WeightsFileError, match="meta"):
        load_npz(path)


def test_meta_object_still_loads(tmp_path):
    path = save_weights(tmp_path / "w.npz", "Z5", *_weights(), seed=2)
    assert load_npz(path).meta == {"seed": 2}


# --- tampered checkpoints and leftovers of killed writes -----------------------------------


def _small_config(**kw):
    from models.training import TrainConfig

    return TrainConfig(**{"group": "Z5", "q": 4, "epochs": 4, "seeds": (1, 2), "device": "cpu", "dtype": "float64", **kw})


def _trained_checkpoints(tmp_path):
    from models.training import list_checkpoints, train

    ck = tmp_path / "checkpoints"
    train(_small_config(), checkpoint_dir=ck)
    found = list_checkpoints(ck)
    assert [e for e, _ in found] == [1, 2, 4]
    return ck, found


def _rewrite(path, **changes):
    state = torch.load(path, weights_only=True)
    for k, v in changes.items():
        state[k] = v(state[k]) if callable(v) else v
    torch.save(state, path)


def test_checkpoint_with_nan_weights_is_refused(tmp_path):
    from models.training import CheckpointError, load_checkpoint, train

    ck, found = _trained_checkpoints(tmp_path)

    def poison(w):
        w = w.clone()
        w[0, 0, 0] = float("nan")
        return w

    for _, p in found:
        _rewrite(p, W_a=poison)
    with pytest.raises(CheckpointError, match="NaN"):
        load_checkpoint(found[-1][1])
    with pytest.raises(CheckpointError, match="NaN"):
        train(_small_config(epochs=8), checkpoint_dir=ck, resume=True)


def test_checkpoint_whose_epoch_disagrees_with_its_name_is_refused(tmp_path):
    from models.training import CheckpointError, load_checkpoint, train

    ck, found = _trained_checkpoints(tmp_path)
    for e, p in found:
        _rewrite(p, epoch=e + 1)
    with pytest.raises(CheckpointError, match="file name says epoch 4"):
        load_checkpoint(found[-1][1])
    with pytest.raises(CheckpointError, match="file name"):
        train(_small_config(epochs=8), checkpoint_dir=ck, resume=True)


def test_a_tampered_newest_checkpoint_is_skipped_for_an_older_one(tmp_path):
    from models.training import train

    ck, found = _trained_checkpoints(tmp_path)
    _rewrite(found[-1][1], epoch=3)
    with pytest.warns(RuntimeWarning, match="file name says epoch 4"):
        res = train(_small_config(epochs=4), checkpoint_dir=ck, resume=True)
    ref = train(_small_config(epochs=4))
    assert torch.equal(res.W_a, ref.W_a)  # resumed at epoch 2, bit for bit


def test_leftover_temporary_of_a_killed_write_is_cleaned_on_the_next_run(tmp_path):
    from models.training import train
    from models.training.checkpoint import checkpoint_path

    ck = tmp_path / "checkpoints"
    ck.mkdir()
    child = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\n"
         "from models.atomic import atomic_open\n"
         "from models.training.checkpoint import checkpoint_path\n"
         f"with atomic_open(checkpoint_path({str(ck)!r}, 8), 'wb') as f:\n"
         "    f.write(b'half a checkpoint'); f.flush()\n"
         "    print('writing', flush=True); time.sleep(600)\n"],
        cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "writing"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    left = [p.name for p in ck.iterdir() if p.name.endswith(".tmp")]
    assert len(left) == 1 and left[0].startswith(f".{checkpoint_path(ck, 8).name}.")
    train(_small_config(), checkpoint_dir=ck)  # the next run
    assert [p.name for p in ck.iterdir() if p.name.endswith(".tmp")] == []


def test_temporaries_of_live_writers_are_kept(tmp_path):
    from models.atomic import atomic_open, clean_stale_temps, host_tag

    mine = tmp_path / f".x.json.cogs-{host_tag()}-{os.getpid()}-abcd1234.tmp"
    mine.write_text("in progress")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    gone = tmp_path / f".y.json.cogs-{host_tag()}-{int(dead.stdout)}-abcd1234.tmp"
    gone.write_text("killed")
    # the same dead pid, written on another machine (a shared filesystem): not ours to judge
    elsewhere = tmp_path / f".w.json.cogs-{host_tag()}x-{int(dead.stdout)}-abcd1234.tmp"
    elsewhere.write_text("another host's write")
    other = tmp_path / ".z.json.tmp"  # not ours: never touched
    other.write_text("?")
    with atomic_open(tmp_path / "a.json", "w") as f:
        f.write("{}")
    assert mine.exists() and other.exists() and elsewhere.exists() and not gone.exists()
    assert clean_stale_temps(tmp_path) == []


# --- item 4: input validation ---------------------------------------------------------------


@pytest.mark.parametrize("spec", ["Z٣", "Z１２", "٢x٣", "Z2xZ३"])
def test_unicode_digits_in_group_specs_are_refused(spec):
    with pytest.raises(GroupSpecError, match="non-ASCII digit"):
        parse_group(spec)


@pytest.mark.parametrize("text", ["٣", "1-٣", "１,2", "0-३"])
def test_unicode_digits_in_seeds_are_refused(text):
    from models.training import parse_seeds

    with pytest.raises(ValueError, match="0-9"):
        parse_seeds(text)


def test_unicode_digits_in_cli_seeds_are_one_line(tmp_path, capsys):
    rc, out, err = _cli(["train", "--group", "Z5", "--hidden", "4", "--epochs", "1", "--seeds", "٣", "--out", tmp_path / "t"], capsys)
    _one_line_refusal(rc, err, "0-9")


@pytest.mark.parametrize("value", ["nan", "inf", "NaN", "Infinity"])
def test_threshold_nan_or_inf_is_refused(tmp_path, capsys, value):
    rc, out, err = _cli(["compare", "--group", "Z5", "--hidden", "8", "--epochs", "1", "--seeds", "1",
                         "--threshold", value, "--out", tmp_path / "c"], capsys)
    _one_line_refusal(rc, err, "--threshold")
    assert not (tmp_path / "c").exists()


@pytest.mark.parametrize("argv", [
    ["train", "--group", "Z5", "--hidden", "4", "--epochs", "1", "--out", ""],
    ["compare", "--group", "Z5", "--hidden", "4", "--epochs", "1", "--seeds", "1", "--out", " "],
    ["construct", "--group", "Z5", "--out", ""],
])
def test_empty_out_is_refused(tmp_path, capsys, monkeypatch, argv):
    monkeypatch.chdir(tmp_path)  # the old code wrote into the current folder
    rc, out, err = _cli(argv, capsys)
    _one_line_refusal(rc, err, "--out")
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("scale", [1e308, 1e120])
def test_overflowing_weights_report_an_overflow_error(tmp_path, capsys, scale):
    W = [np.full(s, scale) for s in ((3, 5), (3, 5), (5, 3))]
    path = save_weights(tmp_path / "big.npz", "Z5", *W)
    rc, out, err = _cli(["loss", "--weights", path], capsys)
    _one_line_refusal(rc, err, "overflow")


def test_chunk_must_be_positive():
    from models.exact_loss import brute_force_loss

    W = _weights(d=5, q=3)
    full = float(brute_force_loss("Z5", *W))
    assert full > 0.1
    assert float(brute_force_loss("Z5", *W, chunk=2)) == pytest.approx(full, rel=1e-12)
    for bad in (-1, 0, 1.5, True):
        with pytest.raises(ValueError, match="chunk"):
            brute_force_loss("Z5", *W, chunk=bad)


@pytest.mark.parametrize("pairs, fragment", [
    ([[0, 5]], r"\[0, 5\)"),
    ([[-1, 0]], r"\[0, 5\)"),
    ([[0.0, 1.0]], "integer"),
    (np.array([[0.5, 1.7]]), "integer"),
    ([0, 1, 2, 3], r"\(N, 2\)"),
    ([[0, 1, 2]], r"\(N, 2\)"),
    ([], "empty"),
])
def test_pairs_are_validated(pairs, fragment):
    from models.exact_loss import brute_force_loss
    from models.forward import loss_and_accuracy

    W = [torch.as_tensor(w) for w in _weights(d=5, q=3)]
    with pytest.raises(ValueError, match=fragment):
        brute_force_loss("Z5", *W, pairs=pairs)
    with pytest.raises(ValueError, match=fragment):
        loss_and_accuracy("Z5", *W, pairs=pairs)


def test_torch_pairs_in_range_still_work():
    from models.exact_loss import brute_force_loss

    W = _weights(d=5, q=3)
    all_pairs = torch.tensor([[a, b] for a in range(5) for b in range(5)])
    assert float(brute_force_loss("Z5", *W, pairs=all_pairs)) == pytest.approx(float(brute_force_loss("Z5", *W)), rel=1e-12)


@pytest.mark.parametrize("fn", ["fast_loss", "brute_force_loss", "sp_loss_zero_mean", "exact_loss"])
def test_complex_weights_are_refused(fn):
    import cogs.sp.loss as S
    import models.exact_loss as E

    L = E if hasattr(E, fn) else S

    W_a, W_b, W_c = _weights(d=5, q=3)
    for W in ((W_a + 1j, W_b, W_c), (W_a, W_b, W_c * (1 + 1e-3j)), (torch.as_tensor(W_a + 1j), W_b, W_c)):
        with pytest.raises(ValueError, match="complex"):
            getattr(L, fn)("Z5", *W)


def test_complex_weights_are_refused_by_the_network_classes():
    from models.forward import QuadraticNet

    W_a, W_b, W_c = _weights(d=5, q=3)
    with pytest.raises(ValueError, match="complex"):
        QuadraticNet.from_weights("Z5", W_a + 0.5j, W_b, W_c)


@pytest.mark.parametrize("fn", ["fast_loss", "sp_loss_zero_mean", "constraint_report", "exact_loss", "brute_force_loss"])
def test_shape_errors_name_the_expected_shape(fn):
    import cogs.sp.loss as S
    import models.exact_loss as E

    L = E if hasattr(E, fn) else S

    rng = np.random.default_rng(0)
    q, d = 4, 5
    with pytest.raises(ValueError, match=r"\(\.\.\., 5, 4\)"):
        getattr(L, fn)("Z5", rng.standard_normal((q, d)), rng.standard_normal((q, d)), rng.standard_normal((q, d)))
    with pytest.raises(ValueError, match=r"d = 5"):
        getattr(L, fn)("Z5", rng.standard_normal((q, 6)), rng.standard_normal((q, 6)), rng.standard_normal((6, q)))


@pytest.mark.parametrize("field, value", [("seeds", [1.7]), ("seeds", [1, 2.5]), ("seeds", [True]), ("eval_epochs", [0.5])])
def test_train_config_refuses_non_integer_seeds(field, value):
    from models.training import TrainConfig

    with pytest.raises(ValueError, match="integer"):
        TrainConfig(group="Z5", q=4, epochs=2, **{field: value})
    assert TrainConfig(group="Z5", q=4, epochs=2, seeds=[np.int64(3)]).seeds == (3,)


# --- item 6: a broken pipe ends quietly -----------------------------------------------------


def test_broken_pipe_exits_quietly():
    proc = subprocess.Popen([sys.executable, "-m", "cogs.cli.main", "groups", "Z20000", "--orbits"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        first = proc.stdout.readline()
        proc.stdout.close()  # the reader goes away, as `| head -1` does
        rc = proc.wait(timeout=120)
        err = proc.stderr.read().decode()
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stderr.close()
    assert first.startswith(b"group")
    assert rc == 0 and err == "", (rc, err)


def test_memory_error_anywhere_is_one_line(capsys, monkeypatch):
    import cogs.cli.groups_cmd as groups_cmd

    def run(args):
        raise MemoryError("Unable to allocate 1.44 GiB for an array")

    monkeypatch.setattr(groups_cmd, "run", run)
    rc, out, err = _cli(["groups", "Z6"], capsys)
    _one_line_refusal(rc, err, "out of memory")


@pytest.mark.parametrize("argv, option", [
    (["train", "--group", "Z5", "--hidden", "4", "--epochs", "٣"], "--epochs"),
    (["train", "--group", "Z5", "--hidden", "４", "--epochs", "1"], "--hidden"),
    (["train", "--group", "Z5", "--hidden", "4", "--epochs", "1", "--train-frac", "nan"], "--train-frac"),
    (["compare", "--group", "Z5", "--epochs", "1e999"], "--epochs"),
    (["compare", "--group", "Z5", "--lr", "inf"], "--lr"),
    (["sweep", "--preset", "rstar", "--epochs", "٢"], "--epochs"),
    (["discover", "--group", "Z5", "--order", "٦"], "--order"),
    (["construct", "--group", "Z5", "--seed", "१"], "--seed"),
])
def test_numbers_on_the_command_line_are_ascii_and_finite(tmp_path, capsys, argv, option):
    """int('٣') == 3 and float('nan') parse in Python; on the command line they are refused."""
    rc, out, err = _cli([*argv, "--out", tmp_path / "o"], capsys)
    _one_line_refusal(rc, err, option)
    assert not (tmp_path / "o").exists()
