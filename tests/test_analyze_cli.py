"""`cogs analyze`: CoGS .npz files, the paper scripts' torch checkpoints, foreign state dicts
with --keys, and refusals (pickled objects, malformed files, FIFOs, group mismatches)."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
import torch

from cogs.cli.main import main
from cogs.solver import construct
from groups import parse_group
from models.io import WeightsFileError, save_weights
from models.network import load

G = parse_group("Z7")


@pytest.fixture(scope="module")
def f46():
    return construct(G, "f46", seed=0).weights


def run(capsys, *argv):
    try:
        code = main(list(argv))
    except SystemExit as e:  # argparse's refusals (bad numbers, choices)
        code = e.code
    out = capsys.readouterr()
    return code, out.out, out.err


def reference_checkpoint(path, W, epoch=9900):
    W_a, W_b, W_c = (torch.tensor(np.asarray(w), dtype=torch.float32) for w in W)
    torch.save({"model": {"layera.weight": W_a, "layerb.weight": W_b, "layerc.weight": W_c},
                "results": [{"epoch": epoch}]}, path)


def test_reference_layout_checkpoint_loads(tmp_path, f46):
    p = tmp_path / "model09900.pt"
    reference_checkpoint(p, f46)
    w = load(p, group="Z7")
    assert w.group == G and w.q == f46[0].shape[0] and w.meta["epoch"] == 9900
    np.testing.assert_allclose(w.W_c, np.asarray(f46[2], dtype=np.float32), rtol=0, atol=0)


def test_analyze_json_on_reference_checkpoint(tmp_path, f46, capsys):
    p = tmp_path / "model.pt"
    reference_checkpoint(p, f46)
    code, out, err = run(capsys, "analyze", "--weights", str(p), "--group", "Z7", "--json")
    assert code == 0, err
    doc = json.loads(out)
    (net,) = doc["networks"]
    assert net["file"] == str(p) and net["group"] == "Z7"
    assert [o["k"] for o in net["orbits"]] == [1, 2, 3]
    assert sorted(o["order"] for o in net["orbits"]) == [4, 4, 6]
    fams = sorted(o["family"] for o in net["orbits"])
    assert fams.count("z_nu_i*z_xi") == 2
    for o in net["orbits"]:
        assert set(o) >= {"k", "order", "factorable", "family", "error"}
        assert o["factorable"] is True and o["error"] < 1e-3
    assert doc["table2"]["z_nu_i*z_xi"]["mean"] == pytest.approx(2 / 3)
    assert doc["table2"]["z_nu_i*z_xi"]["sem"] is None  # one network


def test_foreign_state_dict_with_keys(tmp_path, f46, capsys):
    p = tmp_path / "foreign.pth"
    torch.save({"enc.in1": torch.tensor(f46[0]), "enc.in2": torch.tensor(f46[1]), "dec.out": torch.tensor(f46[2])}, p)
    code, out, err = run(capsys, "analyze", "--weights", str(p), "--group", "Z7", "--json")
    assert code == 2 and "--keys" in err and len(err.strip().splitlines()) == 1
    code, out, err = run(capsys, "analyze", "--weights", str(p), "--group", "Z7", "--keys", "enc.in1,enc.in2,dec.out", "--json")
    assert code == 0, err
    assert sorted(o["order"] for o in json.loads(out)["networks"][0]["orbits"]) == [4, 4, 6]


def test_npz_and_table2_over_two_networks(tmp_path, f46, capsys):
    a, b = tmp_path / "a.npz", tmp_path / "b.npz"
    save_weights(a, G, *f46)
    save_weights(b, G, *f46)
    code, out, err = run(capsys, "analyze", "--weights", str(a), str(b))
    assert code == 0, err
    assert "Table 2 over 2 network(s)" in out and "νi*ξ" in out and "νi*ξ: z_{ν=i} * z_ξ" in out
    code, out, err = run(capsys, "analyze", "--weights", str(a), "--group", "Z2xZ3", "--json")  # mismatch
    assert code == 2 and "Z7" in err and len(err.strip().splitlines()) == 1


class Payload:
    def __reduce__(self):
        return (os.system, ("echo pwned > /dev/null",))


@pytest.mark.parametrize("kind", ["pickle", "garbage", "list", "fifo", "directory", "no-group"])
def test_bad_files_are_refused_in_one_line(tmp_path, f46, capsys, kind):
    p = tmp_path / "bad.pt"
    extra = ["--group", "Z7"]
    if kind == "pickle":
        torch.save({"model": Payload()}, p)
    elif kind == "garbage":
        p.write_bytes(b"\x80\x04not really a pickle" + bytes(range(200)))
    elif kind == "list":
        torch.save([torch.zeros(2)], p)
    elif kind == "fifo":
        os.mkfifo(p)
    elif kind == "directory":
        p.mkdir()
    else:
        reference_checkpoint(p, f46)
        extra = []
    code, out, err = run(capsys, "analyze", "--weights", str(p), *extra)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert str(p) in err


def test_fifo_is_not_opened(tmp_path):
    p = tmp_path / "pipe"
    os.mkfifo(p)
    with pytest.raises(WeightsFileError, match="FIFO"):
        load(p, group="Z7")  # would block forever if it were opened


@pytest.mark.parametrize("value", ["nan", "inf", "0", "-1"])
def test_threshold_must_be_finite_and_positive(tmp_path, f46, capsys, value):
    a = tmp_path / "a.npz"
    save_weights(a, G, *f46)
    code, out, err = run(capsys, "analyze", "--weights", str(a), "--threshold", value)
    assert code == 2 and "--threshold" in err


def test_a_registered_analysis_reaches_analyze(tmp_path, f46, capsys):
    """cogs analyze iterates the analysis registry: a user's analysis adds its keys to --json."""
    from cogs.reports import Analysis, register, unregister

    class Width(Analysis):
        name = "width_test"

        def report(self, readings):
            return {"widths": [s.q for s in readings.spectra]}

    a, b = tmp_path / "a.npz", tmp_path / "b.npz"
    save_weights(a, G, *f46)
    save_weights(b, G, *(w[:4] if i < 2 else w[:, :4] for i, w in enumerate(f46)))  # the first 4 nodes only
    register(Width())
    try:
        code, out, err = run(capsys, "analyze", "--weights", str(a), str(b), "--json")
    finally:
        unregister("width_test")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["widths"] == [f46[0].shape[0], 4]
    assert {"table2", "family_shares", "order_histogram"} <= set(doc) and "dynamics" not in doc  # no training here
    assert [r["file"] for r in doc["table2_per_network"]] == [str(a), str(b)]


# -- the library behind the command: cogs.reports.analyze.analyze -------------------------------
def _networks():
    """Three Z7 networks that read differently: two constructions and a random one."""
    from models.network import Networks

    rnd = Networks(G).random(12, rng=np.random.default_rng(3), scale=0.5)
    return [construct(G, "f46", seed=0), construct(G, "f6", seed=0), rnd]


def _relabel(doc, labels):
    """The document with its file labels replaced (they are all that differ between inputs)."""
    doc = json.loads(json.dumps(doc))
    for net, label in zip(doc["networks"], labels):
        net["file"] = label
    for row, label in zip(doc["table2_per_network"], labels):
        row["file"] = label
    return doc


def test_analyze_in_memory_equals_analyze_of_the_saved_files(tmp_path):
    import types

    from cogs.reports.analyze import analyze

    nets = _networks()
    paths = [str(n.save(tmp_path / f"n{i}.npz")) for i, n in enumerate(nets)]
    # Networks, a trained run (anything with .network) and files, in any mix
    inputs = [nets[0], types.SimpleNamespace(network=nets[1], seed=1), nets[2]]
    mem, files = analyze(inputs), analyze(paths)
    assert [n["file"] for n in mem.to_dict()["networks"]] == ["network 1", "network 2", "network 3"]
    assert [n["file"] for n in files.to_dict()["networks"]] == paths
    assert _relabel(mem.to_dict(), paths) == files.to_dict()
    text = mem.text()
    for i, p in enumerate(paths, start=1):
        text = text.replace(f"network {i}: ", f"{p}: ")
    assert text == files.text()
    # a network read from a file keeps its file as its label
    mixed = analyze([load(paths[0]), nets[1]]).to_dict()
    assert [n["file"] for n in mixed["networks"]] == [paths[0], "network 2"]


def test_analyze_is_exactly_what_the_command_prints(tmp_path, capsys):
    from cogs.reports.analyze import analyze

    paths = [str(n.save(tmp_path / f"n{i}.npz")) for i, n in enumerate(_networks())]
    report = analyze(paths, threshold=0.04)
    code, out, err = run(capsys, "analyze", "--weights", *paths, "--threshold", "0.04", "--json")
    assert code == 0, err
    assert out == json.dumps(report.to_dict(), indent=2, allow_nan=False) + "\n"
    code, out, err = run(capsys, "analyze", "--weights", *paths, "--threshold", "0.04")
    assert code == 0, err
    assert out == report.text() + "\n"
    assert "Family shares over 3 network(s)" in out and out.count("match_rate") >= 3


def test_analyze_reads_every_file_before_analysing(tmp_path, monkeypatch):
    import cogs.reports.analyze as module

    def too_early(*args, **kwargs):
        raise AssertionError("analysed before every file was read")

    monkeypatch.setattr(module.Readings, "from_spectra", too_early)
    good = str(construct(G, "f46").save(tmp_path / "good.npz"))
    with pytest.raises(ValueError, match="missing.npz: no such file"):
        module.analyze([good, tmp_path / "missing.npz"])


@pytest.mark.parametrize("inputs, kwargs, error, needle", [
    ([], {}, ValueError, "at least one network"),
    ([3], {}, TypeError, "item 1 is of type int"),
    (["NET"], {"group": "Z5"}, ValueError, "network 1: network is for group Z7, not Z5"),
    (["NET"], {"keys": ("a", "b", "c")}, ValueError, "keys name the tensors of a torch file"),
    (["NET"], {"threshold": float("nan")}, ValueError, "threshold must be a finite number > 0"),
    (["NET"], {"threshold": 0}, ValueError, "threshold must be a finite number > 0"),
])
def test_analyze_refusals_say_what_to_pass(inputs, kwargs, error, needle):
    from cogs.reports.analyze import analyze

    net = construct(G, "f46")
    with pytest.raises(error, match=needle):
        analyze([net if x == "NET" else x for x in inputs], **kwargs)


def test_analyze_says_a_diverged_run_has_no_network():
    """A run whose weights went non-finite has ``.network`` None: analyze says so by the run's
    name, not that a Run is the wrong type."""
    import attrs

    from cogs.jobs.train import train
    from cogs.reports.analyze import analyze

    good, other = train(G, hidden=8, epochs=1, seeds=[1, 2], device="cpu")
    diverged = attrs.evolve(other, network=None, status="diverged")
    with pytest.raises(ValueError, match=r"^item 2 \(seed2_lr0\.01_wd5e-05\) is a run that diverged .*no network "
                                         r"to read; leave it out"):
        analyze([good, diverged])
    assert analyze([r for r in (good, diverged) if r.network is not None]).to_dict()["networks"][0]["q"] == 8


def test_analyze_takes_a_threshold_of_any_real_kind():
    from cogs.reports.analyze import analyze

    net = construct(G, "f46")
    report = analyze([net], threshold=np.float32(0.05))
    assert type(report.threshold) is float and report.threshold == float(np.float32(0.05))
    assert report.to_dict()["networks"] == analyze([net], threshold=float(np.float32(0.05))).to_dict()["networks"]
