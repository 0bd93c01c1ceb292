"""What a new user hits: file modes that follow the umask, error lines that name the problem
(not a raw key, not terminal escapes, not 100,000 characters), a full disk named as such, and
negative numbers after an option."""

from __future__ import annotations

import errno
import os
import stat

import numpy as np
import pytest

from cogs.cli.main import error_line, main


def _cli(capsys, *argv):
    try:
        rc = main(list(argv))
    except SystemExit as e:
        rc = e.code
    out, err = capsys.readouterr()
    return rc, out, err


@pytest.mark.skipif(os.name != "posix", reason="file modes")
@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_written_files_follow_the_umask(tmp_path, mask, mode):
    from models.atomic import write_text
    from models.io import save_weights
    from models.training.checkpoint import save_checkpoint

    old = os.umask(mask)
    try:
        paths = [write_text(tmp_path / "a.txt", "x"),
                 save_weights(tmp_path / "w.npz", "Z3", np.eye(3), np.eye(3), np.eye(3)),
                 save_checkpoint(tmp_path / "ck", 1, {"x": 1})]
    finally:
        os.umask(old)
    for p in paths:
        assert stat.S_IMODE(os.stat(p).st_mode) == mode, p


def test_a_text_file_given_as_weights_says_what_it_is(tmp_path, capsys):
    notes = tmp_path / "notes.txt"
    notes.write_text("hello\nworld\n")
    for extra in ([], ["--group", "Z5"]):
        rc, _, err = _cli(capsys, "analyze", "--weights", str(notes), *extra)
        assert rc == 2 and "not a CoGS weights file (.npz) or a torch file" in err and str(notes) in err
        assert err.count("\n") == 1 and "error: 101" not in err


def test_error_lines_escape_control_characters_and_shorten_long_words(tmp_path, capsys):
    rc, _, err = _cli(capsys, "groups", "Z5\x1b[31mred")
    assert rc == 2 and "\x1b" not in err and "\\x1b" in err
    weird = tmp_path / "a\x1b[2Jb.npz"
    weird.write_bytes(b"not a zip")
    rc, _, err = _cli(capsys, "loss", "--weights", str(weird))
    assert rc == 2 and "\x1b" not in err and err.count("\n") == 1
    rc, _, err = _cli(capsys, "groups", "Z" + "9" * 100000)
    assert rc == 2 and len(err) < 600 and "characters)" in err


def test_a_full_disk_is_named(tmp_path, monkeypatch):
    import shutil

    import torch

    from models.training import checkpoint

    def full(*a, **k):
        raise RuntimeError("[enforce fail at inline_container.cc:672] . unexpected pos 64 vs 0")

    monkeypatch.setattr(torch, "save", full)
    monkeypatch.setattr(shutil, "disk_usage", lambda p: shutil._ntuple_diskusage(10 << 30, 10 << 30, 0))
    with pytest.raises(OSError) as e:
        checkpoint.save_checkpoint(tmp_path, 1, {"x": 1})
    assert e.value.errno == errno.ENOSPC and error_line(e.value).startswith("no space left on the device writing")
    assert not list(tmp_path.iterdir())  # no temporary left behind


def test_negative_numbers_need_no_equals_sign(tmp_path, capsys):
    rc, _, err = _cli(capsys, "train", "--group", "Z5", "--epochs", "2", "--wd", "-1e-4", "--out", str(tmp_path / "x"))
    assert rc == 2 and "weight decay must be finite and ≥ 0, got -0.0001" in err
    rc, _, err = _cli(capsys, "train", "--group", "Z5", "--epochs", "2", "--lr", "-.5", "--out", str(tmp_path / "x"))
    assert rc == 2 and "learning rate must be finite and > 0" in err


def test_construct_json_needs_no_out_and_never_replaces_a_file(tmp_path, capsys, monkeypatch):
    import json

    monkeypatch.chdir(tmp_path)
    rc, out, _ = _cli(capsys, "construct", "--group", "Z5", "--strategy", "f46", "--json")
    assert rc == 0 and json.loads(out)["weights_file"] is None and list(tmp_path.iterdir()) == []
    rc, _, err = _cli(capsys, "construct", "--group", "Z5")
    assert rc == 2 and "--out" in err and "--json" in err
    trained = tmp_path / "weights.npz"
    trained.write_bytes(b"a trained network the user owns")
    rc, _, err = _cli(capsys, "construct", "--group", "Z5", "--out", str(trained))
    assert rc == 2 and "--overwrite" in err and trained.read_bytes() == b"a trained network the user owns"
    rc, _, _ = _cli(capsys, "construct", "--group", "Z5", "--out", str(trained), "--overwrite")
    assert rc == 0 and trained.read_bytes()[:2] == b"PK"


@pytest.mark.parametrize("spec", ["Z2x" * 7 + "Z2", "Z2x" * 8 + "Z3"])
def test_groups_of_eight_or_more_cyclic_factors(spec, tmp_path, capsys):
    """The FFT over 8+ axes (which MKL refuses in one call) is taken in chunks of axes: the
    transform round-trips, the exact loss equals brute force, and the commands work."""
    import cogs
    from groups import parse_group
    from models.exact_loss import exact_loss
    from models.forward import brute_force_loss

    G = parse_group(spec)
    d = G.order
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, d))
    from groups import dft, idft

    assert np.abs(idft(G, dft(G, x)) - x).max() < 1e-12
    # one character by hand: k = (1, 0, …, 0) is χ(g) = (−1)^{g_1}, the first factor least significant
    chi = (-1.0) ** (np.arange(d) % 2)
    assert abs(dft(G, x)[0, 1] - (x[0] * chi).sum() / d) < 1e-12
    net = cogs.Network(spec, rng.normal(size=(3, d)), rng.normal(size=(3, d)), rng.normal(size=(d, 3)))
    assert float(exact_loss(net)) == pytest.approx(float(brute_force_loss(net)), rel=1e-12)
    rc, out, err = _cli(capsys, "construct", "--group", spec, "--strategy", "f6", "--out", str(tmp_path / "w.npz"))
    assert rc == 0, err
    rc, out, err = _cli(capsys, "loss", "--weights", str(tmp_path / "w.npz"), "--no-accuracy", "--json")
    assert rc == 0 and abs(__import__("json").loads(out)["loss"]) < 1e-12


@pytest.mark.parametrize("n", [13, 16])
def test_bounds_on_large_elementary_abelian_groups_plan_the_chain(n):
    """Z_2^n: the chain's plan is one sign node per real character and one unit node, d nodes
    (a limit on building it is not a limit on knowing its order); planning never forms the
    d × d table."""
    import cogs

    spec = "x".join(["Z2"] * n)
    b = cogs.bounds(spec)
    d = 2**n
    assert b.lower_bound == d - 1 and b.best_order == d and b.cogs_construction.strategy == "chain"
    assert not b.cogs_construction.built


def test_exact_loss_is_float64_and_inputs_are_judged_alike():
    import torch

    import cogs
    from groups import parse_group
    from models.exact_loss import exact_loss, fast_loss
    from models.forward import loss_and_accuracy

    net = cogs.construct("Z7", strategy="f46")
    W32 = [torch.tensor(w, dtype=torch.float32) for w in net.weights]
    for fn in (exact_loss, fast_loss):
        out = fn("Z7", *W32)
        assert out.dtype == torch.float64
        # float32 weights of an exact network: the loss of those rounded weights, ~1e-13, not ~6e-8
        assert abs(float(out)) < 1e-10
    W16 = [w.to(torch.float16) for w in W32]
    assert exact_loss("Z7", *W16).dtype == torch.float64
    booleans = [np.ones((2, 7), dtype=bool), np.ones((2, 7), dtype=bool), np.ones((7, 2), dtype=bool)]
    for fn in (exact_loss, lambda g, *w: loss_and_accuracy(g, *w), lambda g, *w: cogs.Network(g, *w)):
        with pytest.raises(ValueError, match="bool"):
            fn("Z7", *booleans)
    assert parse_group(np.int64(7)).spec == parse_group(7).spec == "Z7"
    with pytest.raises(ValueError):
        parse_group(np.bool_(True))


def test_reading_tiny_and_huge_weights(tmp_path, capsys):
    """×1e-120 reads the same orders by the scale-free rule as the network itself (the cube root
    of a product would underflow to 0); weights whose coefficients overflow are refused by
    analyze, as by loss, with one line."""
    import cogs

    net = cogs.construct("Z7", strategy="f46")
    small = cogs.Network("Z7", net.W_a * 1e-120, net.W_b * 1e-120, net.W_c * 1e-120)
    rows = cogs.analyze([net, small]).to_dict()["networks"]
    assert [o["order_scale_free"] for o in rows[0]["orbits"]] == [o["order_scale_free"] for o in rows[1]["orbits"]]
    assert [o["order_scale_free"] for o in rows[0]["orbits"]] == [6, 4, 4]
    big = cogs.Network("Z7", net.W_a * 1e300, net.W_b, net.W_c).save(tmp_path / "big.npz")
    for cmd in ("analyze", "loss"):
        rc, _, err = _cli(capsys, cmd, "--weights", str(big))
        assert rc == 2 and "overflow" in err and err.count("\n") == 1


def test_discover_time_limit_is_a_bound():
    """Steps that would not fit are not started: a 3-second limit ends within a step of it,
    here well under 3 s + 2 s (before, a round ran to its end: 10 s became 119 s)."""
    import time

    import cogs

    t = time.monotonic()
    res = cogs.discover("S4", 40, restarts=8, seed=0, time_limit=3.0, threads=1)
    took = time.monotonic() - t
    assert res.stopped == "time_limit" and took < 5.0, (res.stopped, took)


def test_discover_without_a_time_limit_checks_its_work(monkeypatch):
    import cogs
    from models.limits import SizeLimitError

    monkeypatch.setenv("COGS_MAX_WORK", "1e9")
    with pytest.raises(SizeLimitError, match="floating-point operations"):
        cogs.discover("S4", 90, restarts=16)


def test_two_jobs_on_one_folder_one_is_refused_and_nothing_is_lost(tmp_path):
    """A second `cogs train` into a folder a running job holds — plain, --overwrite or --resume —
    is refused with one line naming the holder; the running job's files are untouched."""
    import json
    import subprocess
    import sys
    import time

    out = tmp_path / "job"
    first = subprocess.Popen([sys.executable, "-m", "cogs.cli.main", "train", "--group", "Z23", "--hidden", "64",
                              "--epochs", "100000", "--device", "cpu", "--threads", "1", "--out", str(out)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not list((out / "checkpoints").glob("epoch_*.pt")):
            time.sleep(0.2)
        before = sorted(p.name for p in (out / "checkpoints").iterdir())
        assert before, "the first job wrote no checkpoint"
        holder = json.loads((out / ".cogs-lock").read_text())
        assert holder["pid"] == first.pid and holder["command"] == "train"
        for extra in ([], ["--overwrite"], ["--resume"]):  # --resume: the same job, continued by a second process
            second = subprocess.run([sys.executable, "-m", "cogs.cli.main", "train", "--group", "Z23", "--hidden", "64",
                                     "--epochs", "100000", "--device", "cpu", "--out", str(out), *extra],
                                    capture_output=True, text=True, timeout=120)
            assert second.returncode == 2, second.stderr
            if extra:  # without a flag the folder is refused earlier, as in use by an earlier run
                assert f"process {first.pid}" in second.stderr and "in use by `cogs train`" in second.stderr
            assert second.stderr.count("\n") == 1
            assert (out / "checkpoints").exists() and first.poll() is None
    finally:
        first.kill()
        first.wait()
    # the lock dies with its process: the folder can be taken again
    again = subprocess.run([sys.executable, "-m", "cogs.cli.main", "train", "--group", "Z23", "--hidden", "8",
                            "--epochs", "2", "--device", "cpu", "--out", str(out), "--overwrite"],
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr


# ----------------------------------------------------------------------------- files judged first
def _torch_state(path, W_a, W_b, W_c):
    import torch

    torch.save({"model": {"layera.weight": W_a, "layerb.weight": W_b, "layerc.weight": W_c}}, path)
    return path


def test_torch_deflate_bomb_is_refused_by_its_declared_size(tmp_path, monkeypatch, capsys):
    """A torch file whose zip members inflate far beyond the file (built here at small scale:
    a 4 MB member of zeros, deflated) is refused from the sizes its zip declares, against the
    same limit as an npz, before torch reads it."""
    import zipfile

    import torch

    good = _torch_state(tmp_path / "ok.pt", torch.zeros(3, 5), torch.zeros(3, 5), torch.zeros(5, 3))
    bomb = tmp_path / "bomb.pt"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        dst.writestr("ok/extra", b"\0" * (4 << 20))
    assert bomb.stat().st_size < 200_000
    monkeypatch.setenv("COGS_MAX_MEMORY_GB", "0.002")  # 2 MB
    rc, _, err = _cli(capsys, "analyze", "--group", "Z5", "--weights", str(bomb))
    assert rc == 2 and "uncompressed" in err and err.count("\n") == 1


def test_torch_stride_zero_tensors_are_refused_not_expanded(tmp_path, capsys):
    """A few bytes of storage viewed as a huge tensor (expand: stride 0) is refused by what it
    claims, before anything is copied."""
    import torch

    big = torch.zeros(1).expand(200_000, 5)
    path = _torch_state(tmp_path / "s.pt", big, big, torch.zeros(1).expand(5, 200_000))
    assert path.stat().st_size < 20_000
    rc, _, err = _cli(capsys, "analyze", "--group", "Z5", "--weights", str(path))
    assert rc == 2 and "expanded or overlapping view" in err and err.count("\n") == 1


def test_npz_and_torch_files_meet_the_same_memory_limit(tmp_path, monkeypatch, capsys):
    import cogs
    import torch

    rng = np.random.default_rng(0)
    W = (rng.normal(size=(2000, 23)), rng.normal(size=(2000, 23)), rng.normal(size=(23, 2000)))
    npz = cogs.Network("Z23", *W).save(tmp_path / "w.npz")
    pt = _torch_state(tmp_path / "w.pt", *(torch.tensor(w, dtype=torch.float32) for w in W))
    monkeypatch.setenv("COGS_MAX_MEMORY_GB", "0.001")  # 1 MB: the network costs ~ 4·8·3·2000·23 = 4.4 MB
    for path, extra in ((npz, []), (pt, ["--group", "Z23"])):
        rc, _, err = _cli(capsys, "analyze", "--weights", str(path), *extra)
        assert rc == 2 and "COGS_MAX_MEMORY_GB" in err, (path, err)
    monkeypatch.setenv("COGS_LIMITS", "off")  # and COGS_LIMITS=off lifts the limit for both
    for path, extra in ((npz, []), (pt, ["--group", "Z23"])):
        rc, _, err = _cli(capsys, "analyze", "--weights", str(path), *extra, "--json")
        assert rc == 0, err


def test_zips_with_many_or_duplicate_members_are_refused(tmp_path, capsys):
    import warnings
    import zipfile

    import cogs
    from models.safe_files import MAX_MEMBERS, zip_entries

    net = cogs.Network("Z5", np.eye(5)[:2], np.eye(5)[:2], np.eye(5)[:, :2])
    good = net.save(tmp_path / "w.npz")
    many = tmp_path / "many.npz"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(many, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        for i in range(MAX_MEMBERS + 10):
            dst.writestr(f"x{i}.npy", b"")
    assert zip_entries(many) == 5 + MAX_MEMBERS + 10  # read from the end record alone
    rc, _, err = _cli(capsys, "loss", "--weights", str(many))
    assert rc == 2 and "members" in err and err.count("\n") == 1
    dup = tmp_path / "dup.npz"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(dup, "w") as dst, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        dst.writestr("W_c.npy", src.read("W_c.npy"))
    rc, _, err = _cli(capsys, "loss", "--weights", str(dup))
    assert rc == 2 and "two members named 'W_c.npy'" in err


def test_bounds_results_are_judged_before_they_are_read(tmp_path, capsys):
    import os

    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    rc, _, err = _cli(capsys, "bounds", "--group", "Z5", "--results", str(fifo))
    assert rc == 2 and "FIFO" in err
    zero = tmp_path / "zero.json"
    zero.symlink_to("/dev/zero")
    rc, _, err = _cli(capsys, "bounds", "--group", "Z5", "--results", str(zero))
    assert rc == 2 and "device" in err
    big_q = tmp_path / "q.json"
    big_q.write_text('{"group": "Z5", "rows": [{"q": ' + "9" * 4000 + ', "best_loss": 0}]}')
    rc, _, err = _cli(capsys, "bounds", "--group", "Z5", "--results", str(big_q))
    assert rc == 2 and "an order is an integer" in err and len(err) < 400


def test_bounds_reads_a_weights_file_of_a_large_group_without_enumerating_pairs(tmp_path, capsys):
    """best.npz on Z2^12 (d = 4096, 16.8 M pairs): the loss comes from the weight-space form
    (what brute force took minutes and gigabytes for) and the group is planned, not built."""
    import json
    import time

    import cogs

    spec = "x".join(["Z2"] * 12)
    rng = np.random.default_rng(0)
    d = 4096
    cogs.Network(spec, rng.normal(size=(2, d)), rng.normal(size=(2, d)), rng.normal(size=(d, 2))).save(tmp_path / "best.npz")
    t = time.monotonic()
    rc, out, err = _cli(capsys, "bounds", "--group", spec, "--results", str(tmp_path / "best.npz"), "--json")
    assert rc == 0, err
    doc = json.loads(out)["groups"][0]
    assert doc["discovered"]["orders_tried"] == [2] and doc["discovered"]["order"] is None  # not converged
    assert time.monotonic() - t < 60


def test_overwrite_never_destroys_its_own_init(tmp_path, capsys):
    out = tmp_path / "job"
    args = ["train", "--group", "Z5", "--hidden", "6", "--epochs", "2", "--device", "cpu", "--out", str(out)]
    assert _cli(capsys, *args)[0] == 0
    init = out / "seed1_lr0.01_wd5e-05" / "weights.npz"
    before = init.read_bytes()
    rc, _, err = _cli(capsys, *args, "--overwrite", "--init", str(init))
    assert rc == 2 and "copy it out of the folder" in err and init.read_bytes() == before
    copy = tmp_path / "init.npz"
    copy.write_bytes(before)
    assert _cli(capsys, *args, "--overwrite", "--init", str(copy))[0] == 0


def test_overwrite_never_deletes_through_a_symlink_and_a_killed_write_does_not_block(tmp_path, capsys):
    import cogs

    out = tmp_path / "job"
    cogs.train("Z5", hidden=4, epochs=2, seeds=[1], out=out, device="cpu")
    run = out / "seed1_lr0.01_wd5e-05"
    precious = tmp_path / "precious"
    run.rename(precious)
    run.symlink_to(precious)  # the run folder replaced by a link to the user's folder
    cogs.train("Z5", hidden=4, epochs=2, seeds=[2], out=out, device="cpu", overwrite=True)
    assert sorted(p.name for p in precious.iterdir()) == ["config.json", "metrics.json", "weights.npz"]
    # a write killed before its rename leaves a temporary: it blocks nothing, and is cleared
    assert not (out / "seed1_lr0.01_wd5e-05").exists()  # the link went, its target stayed
    from models.atomic import host_tag

    stale = out / f".summary.json.cogs-{host_tag()}-999999-abc.tmp"
    stale.write_text("half")
    cogs.train("Z5", hidden=4, epochs=2, seeds=[3], out=out, device="cpu", overwrite=True)
    assert not stale.exists()


def test_sparse_and_meta_tensors_are_refused_in_one_line(tmp_path, capsys):
    import torch

    sparse = torch.zeros(3, 5).to_sparse()
    path = _torch_state(tmp_path / "sp.pt", sparse, torch.zeros(3, 5), torch.zeros(5, 3))
    rc, _, err = _cli(capsys, "analyze", "--group", "Z5", "--weights", str(path))
    assert rc == 2 and "dense tensors" in err and err.count("\n") == 1


def test_unfinished_runs_are_named_as_such():
    """The rules of compare's warning, on hand-built networks: a node with |A_1j| = 0.07 (in
    [τ/2, 2τ) for τ = 0.05) is marginal; one at 0.5 or 0.01 is not."""
    import cogs
    from cogs.jobs.compare import marginal_nodes, unconverged

    g = np.arange(5)
    wave = 2 * np.cos(2 * np.pi * g / 5)  # (1/5)·Σ_g wave[g]·conj χ_1(g) = 1
    def net(*amps):
        W = np.array([a * wave for a in amps])
        return cogs.Network("Z5", W, W, W.T.copy())
    assert marginal_nodes(net(0.5, 0.5, 0.01)) == 0 and marginal_nodes(net(0.5, 0.07, 0.03)) == 2
    fine = {"final": {"test_acc": 1.0, "train_loss": 1e-5}, "active_nodes": 50, "marginal_nodes": 2}
    assert unconverged(fine, 512) == []  # 2 of 50 is within the 5 % a converged run shows
    assert "7 of its 67 active nodes" in unconverged(dict(fine, active_nodes=67, marginal_nodes=7), 512)[0]
    assert "final test accuracy 0.500" in unconverged(dict(fine, final={"test_acc": 0.5, "train_loss": 1e-5}), 512)[0]
    assert "500 of 512 nodes still active" in unconverged(dict(fine, active_nodes=500, marginal_nodes=0), 512)[0]


def test_discover_cli_time_limit_bounds_the_whole_command(tmp_path):
    """The explanation's local dimension (a Jacobian rank, about a minute here) is left out
    when it would run past --time-limit, so the command ends near the limit."""
    import json
    import subprocess
    import sys
    import time

    t = time.monotonic()
    p = subprocess.run([sys.executable, "-m", "cogs.cli.main", "discover", "--group", "S4", "--order", "40",
                        "--restarts", "4", "--time-limit", "3", "--threads", "1", "--out", str(tmp_path / "d"), "--json"],
                       capture_output=True, text=True, timeout=300)
    took = time.monotonic() - t
    assert p.returncode in (0, 1), p.stderr
    doc = json.loads(p.stdout)
    assert doc["stopped"] == "time_limit" and any("local dimension left out" in line for line in doc["explanation"])
    assert took < 3 + 25  # interpreter start, the certificate and the search's last step, not a minute of rank
