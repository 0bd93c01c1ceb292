"""Tests of ``cogs loss``: the JSON report (loss, accuracy, orbit rows) against independent
references, train/test pairs rebuilt from the file's metadata (docs/paper.md split recipes), and
one-line refusals (checked in subprocesses: exit status 2, one stderr line, no traceback).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from cogs.cli.main import main
from groups import parse_group
from models.element import Block, BlockSemiring, assemble
from models.io import save_weights

try:
    from helpers import OMEGA, accuracy_ref, loss_ref
    from test_io import BAD, _bad_files
except ImportError:  # tests/ imported as a package
    from tests.helpers import OMEGA, accuracy_ref, loss_ref
    from tests.test_io import BAD, _bad_files

_SCRIPT = Path(sys.executable).with_name("cogs")
COGS = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "cogs.cli.main"]
_ENV = dict(os.environ, PYTHONWARNINGS="default", OMP_NUM_THREADS="1")

# Runs many `cogs` invocations as real child processes without paying the torch import
# each time: one interpreter imports the CLI, then forks one child per case; the child
# redirects its stdout/stderr file descriptors to files and runs main() exactly as the
# console script does (an uncaught exception prints its traceback, as the interpreter would).
_FORK_RUNNER = r"""
import json, os, sys, traceback
from cogs.cli.main import build_parser, main
build_parser()  # import every subcommand before forking
cases = json.load(open(sys.argv[1]))
results = {}
for name, argv in cases.items():
    out, err = sys.argv[2] + "/" + name + ".out", sys.argv[2] + "/" + name + ".err"
    pid = os.fork()
    if pid == 0:
        fo, fe = os.open(out, os.O_WRONLY | os.O_CREAT), os.open(err, os.O_WRONLY | os.O_CREAT)
        os.dup2(fo, 1); os.dup2(fe, 2)
        if name.startswith("crash"):
            import cogs.cli.loss_cmd as m
            m.run = lambda args: 1 / 0
        try:
            rc = main(argv)
        except SystemExit as e:
            rc = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        except BaseException:
            traceback.print_exc()
            rc = 1
        sys.stdout.flush(); sys.stderr.flush()
        os._exit(rc)
    _, status = os.waitpid(pid, 0)
    results[name] = os.waitstatus_to_exitcode(status)
print(json.dumps(results))
"""


def _cogs(args):
    p = subprocess.run(COGS + list(map(str, args)), capture_output=True, text=True, env=_ENV, timeout=120)
    return p.returncode, p.stdout, p.stderr


def _cogs_many(cases: dict, tmp: Path) -> dict:
    """name -> (rc, stdout, stderr) for each argv in ``cases``, each in its own child process."""
    spec = tmp / "cases.json"
    spec.write_text(json.dumps({n: list(map(str, a)) for n, a in cases.items()}))
    outdir = tmp / "out"
    outdir.mkdir()
    p = subprocess.run([sys.executable, "-c", _FORK_RUNNER, str(spec), str(outdir)],
                       capture_output=True, text=True, env=_ENV, timeout=300)
    assert p.returncode == 0, p.stderr
    codes = json.loads(p.stdout.strip().splitlines()[-1])
    return {n: (codes[n], (outdir / f"{n}.out").read_text(), (outdir / f"{n}.err").read_text()) for n in cases}


def _weights(G, q, seed=0, shift=0.2):
    d = parse_group(G).order
    rng = np.random.default_rng(seed)
    return rng.standard_normal((q, d)) + shift, rng.standard_normal((q, d)), rng.standard_normal((d, q)) * 0.5


def _json(capsys, argv):
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


# ---------------------------------------------------------------------------------------
# refusals, each in its own child process
# ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def refusals(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("refuse")
    cases = {name: (["loss", "--group", "Z7", "--weights", path], frag) for name, (path, frag) in _bad_files(tmp).items()}
    good6 = save_weights(tmp / "z6.npz", "Z6", *_weights("Z6", 3))
    nometa = save_weights(tmp / "nometa.npz", "Z7", *_weights("Z7", 3))
    partial = save_weights(tmp / "partial.npz", "Z7", *_weights("Z7", 3), seed=2)
    cases["group_mismatch"] = (["loss", "--group", "Z7", "--weights", good6], "file is for group Z6, not Z7")
    cases["bad_group_spec"] = (["loss", "--group", "Z1", "--weights", good6], "Z1")
    cases["no_split_meta"] = (["loss", "--weights", nometa, "--pairs", "train"], "missing seed, seeding, train_frac")
    cases["partial_split_meta"] = (["loss", "--weights", partial, "--pairs", "test"], "missing seeding, train_frac")
    cases["crash_demo"] = (["loss", "--weights", nometa], "")
    cases["ok_help"] = (["loss", "--help"], "")
    results = _cogs_many({name: argv for name, (argv, _) in cases.items()}, tmp)
    return {name: (results[name], cases[name][1]) for name in cases}


REFUSALS = BAD + ("group_mismatch", "bad_group_spec", "no_split_meta", "partial_split_meta")


def test_fork_harness_is_not_blind(refusals):
    """The child-process harness reports what a real process would: a crash (here a planted
    ZeroDivisionError, case names starting with 'crash') shows a traceback and exit status 1."""
    (rc, out, err), _ = refusals["crash_demo"]
    assert rc == 1 and "Traceback" in err and "ZeroDivisionError" in err
    (rc, out, err), _ = refusals["ok_help"]
    assert rc == 0 and "--pairs" in out and err == ""


@pytest.mark.parametrize("case", REFUSALS)
def test_refusal_is_one_line(refusals, case):
    (rc, out, err), fragment = refusals[case]
    assert rc == 2, (case, rc, out, err)
    assert "Traceback" not in err and "Traceback" not in out
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("cogs loss: error:")
    assert fragment in lines[0], (fragment, lines[0])
    assert out == ""


# ---------------------------------------------------------------------------------------
# results
# ---------------------------------------------------------------------------------------
def test_json_all_pairs_subprocess(tmp_path):
    """End to end through the installed console script (a fresh interpreter)."""
    G = parse_group("Z7")
    W = _weights(G, 5)
    path = save_weights(tmp_path / "w.npz", G, *W)
    rc, out, err = _cogs(["loss", "--group", "Z7", "--weights", path, "--json"])
    assert rc == 0, err
    assert "Traceback" not in err
    rep = json.loads(out)
    assert rep["group"] == "Z7" and rep["order"] == 5 and rep["pairs"] == "all" and rep["n_pairs"] == 49
    ref = loss_ref(G, *W)
    assert abs(rep["loss"] - ref) <= 1e-10 * ref
    assert rep["accuracy"] == pytest.approx(accuracy_ref(G, *W), abs=1e-15)
    assert [row["k"] for row in rep["orbits"]] == [1, 2, 3]
    for row in rep["orbits"]:
        assert set(row["r_kkk"]) == {"re", "im"}
        assert {"R_c", "R_n", "R_*", "kind", "neg"} <= set(row)
    # r_kkk in paper units, from the docs/mathematics.md#characters-and-the-fourier-transform formula (λ³ = 2d)
    d = G.order
    X = np.exp(2j * np.pi * np.outer(np.arange(d), np.arange(d)) / d)
    A, B, C = np.conj(X) @ W[0].T / d, np.conj(X) @ W[1].T / d, X @ W[2] / d
    r1 = 2 * d * np.sum(A[1] * B[1] * C[1])
    assert abs(complex(rep["orbits"][0]["r_kkk"]["re"], rep["orbits"][0]["r_kkk"]["im"]) - r1) < 1e-10 * abs(r1)


def test_text_output_and_group_default(tmp_path, capsys):
    G = parse_group("Z2xZ4")
    path = save_weights(tmp_path / "w.npz", G, *_weights(G, 3))
    assert main(["loss", "--weights", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Z2xZ4" in out and "loss" in out and "accuracy" in out
    # one row per orbit: 5 complex? no — Z2xZ4 has 2 complex orbits and 3 real characters
    assert sum(1 for line in out.splitlines() if " complex " in line) == 2
    assert sum(1 for line in out.splitlines() if " real " in line) == 3


def _split_ref(d, seed, train_frac, seeding):
    """docs/paper.md (reference) and the seeding module's documented default recipe."""
    perm = np.random.RandomState(seed).permutation(d * d) if seeding == "reference" else np.random.default_rng(seed).permutation(d * d)
    n_test = math.ceil(round((1 - train_frac) * d * d, 9))
    return perm[n_test:], perm[:n_test]


@pytest.mark.parametrize("seeding", ["default", "reference"])
def test_train_and_test_pairs_from_meta(tmp_path, capsys, seeding):
    G = parse_group("Z7")
    d = G.order
    W = _weights(G, 4, seed=1)
    path = save_weights(tmp_path / "w.npz", G, *W, seed=5, seeding=seeding, train_frac=0.8)
    train, test = _split_ref(d, 5, 0.8, seeding)
    assert len(test) == 10
    for which, idx in (("train", train), ("test", test)):
        rep = _json(capsys, ["loss", "--group", "Z7", "--weights", str(path), "--pairs", which, "--json"])
        pairs = np.stack(np.divmod(idx, d), axis=1)
        assert rep["pairs"] == which and rep["n_pairs"] == len(idx)
        ref = loss_ref(G, *W, pairs=pairs)
        assert abs(rep["loss"] - ref) <= 1e-10 * ref
        assert rep["accuracy"] == pytest.approx(accuracy_ref(G, *W, pairs=pairs), abs=1e-15)
    # nested metadata (e.g. a trainer writing its config as a section) is found as well
    path2 = save_weights(tmp_path / "w2.npz", G, *W, config={"seeding": seeding, "train_frac": 0.8}, run={"seed": 5})
    rep = _json(capsys, ["loss", "--weights", str(path2), "--pairs", "test", "--json"])
    assert abs(rep["loss"] - loss_ref(G, *W, pairs=np.stack(np.divmod(test, d), axis=1))) <= 1e-10 * rep["loss"]


def test_split_from_trainer_config_sidecar(tmp_path, capsys):
    """A trainer run folder: weights meta has the seed, config.json beside it the rest."""
    G = parse_group("Z5")
    W = _weights(G, 3, seed=2)
    run = tmp_path / "run"
    path = save_weights(run / "weights.npz", G, *W, seed=4, lr=0.01, wd=1e-4)
    (run / "config.json").write_text(json.dumps({"group": "Z5", "seeding": "reference", "train_frac": 0.9, "seed": 99}))
    train, test = _split_ref(5, 4, 0.9, "reference")  # the file's own seed wins
    rep = _json(capsys, ["loss", "--weights", str(path), "--pairs", "test", "--json"])
    assert rep["n_pairs"] == len(test) == 3
    assert abs(rep["loss"] - loss_ref(G, *W, pairs=np.stack(np.divmod(test, 5), axis=1))) <= 1e-10 * rep["loss"]


def test_global_solution_reports_zero(tmp_path, capsys):
    G = parse_group("Z3xZ6")
    nu = 1.3 * np.exp(0.4j)
    w = np.conj(OMEGA)
    zs = Block.from_nodes([(1, 1, 1), (OMEGA, OMEGA, OMEGA), (w, w, w)])
    zn = Block.from_nodes([(1, 1, 1), (nu, -nu, -(nu**-2))])
    zr = Block.from_nodes([(1, 1, 1), (1, -1, -1)], kind="real").normalized()
    blk = BlockSemiring().mul(zn, zs).normalized()
    x = assemble(G, {o: zr if o.is_real else blk for o in G.orbits()})
    path = save_weights(tmp_path / "f6.npz", G, *x.to_weights())
    rep = _json(capsys, ["loss", "--group", "Z3xZ6", "--weights", str(path), "--json"])
    assert abs(rep["loss"]) < 1e-12 and rep["accuracy"] == 1.0
    assert rep["order"] == x.order
    for row in rep["orbits"]:
        assert abs(row["r_kkk"]["re"] - 1) < 1e-10 and abs(row["r_kkk"]["im"]) < 1e-10
        assert row["R_c"] < 1e-7 and row["R_n"] < 1e-9 and row["R_*"] < 1e-9


def test_accuracy_skipped_above_512_unless_asked(tmp_path, capsys):
    G = parse_group("Z521")
    W = _weights(G, 1, shift=0.0)
    path = save_weights(tmp_path / "big.npz", G, *W)
    rep = _json(capsys, ["loss", "--weights", str(path), "--json"])
    assert "accuracy" not in rep and "--accuracy" in rep["accuracy_skipped"]
    assert len(rep["orbits"]) == 260
    small = save_weights(tmp_path / "small.npz", "Z5", *_weights("Z5", 2))
    rep = _json(capsys, ["loss", "--weights", str(small), "--json", "--no-accuracy"])
    assert "accuracy" not in rep
    rep = _json(capsys, ["loss", "--weights", str(small), "--json", "--accuracy"])
    assert "accuracy" in rep


def test_help_lists_the_subcommand():
    with pytest.raises(SystemExit) as e:
        main(["loss", "--help"])
    assert e.value.code == 0


# ---------------------------------------------------------------------------------------
# the library behind the command: cogs.sp.loss_report
# ---------------------------------------------------------------------------------------
def _text(capsys, argv):
    assert main(argv) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("pairs, accuracy", [("all", None), ("all", False), ("test", None), ("train", False)])
def test_loss_report_of_a_network_is_what_the_command_prints(tmp_path, capsys, pairs, accuracy):
    from cogs.sp.loss_report import loss_report
    from models.network import Network

    G = parse_group("Z7")
    W = _weights(G, 5, seed=3)
    meta = {"seed": 2, "seeding": "reference", "train_frac": 0.9}
    path = save_weights(tmp_path / "w.npz", G, *W, **meta)
    flags = ["--weights", str(path), "--pairs", pairs] + (["--no-accuracy"] if accuracy is False else [])
    in_memory = loss_report(Network(G, *W, meta=meta), pairs=pairs, accuracy=accuracy)  # no file at all
    cli = _text(capsys, ["loss", *flags, "--json"])
    assert cli == json.dumps(in_memory.to_dict(), indent=2, allow_nan=False) + "\n"
    # the text differs only in the first line, which names the file
    text = _text(capsys, ["loss", *flags])
    assert in_memory.text().splitlines()[0] == "weights      network"
    assert text.splitlines()[1:] == in_memory.text().splitlines()[1:]
    assert text.splitlines()[0] == f"weights      {path}"
    # the loss and accuracy keys keep the order the command has always printed
    keys = [k for k in json.loads(cli) if k in ("loss", "loss_method", "accuracy")]
    if accuracy is False:
        assert keys == ["loss", "loss_method"]
    else:
        assert keys == (["loss", "loss_method", "accuracy"] if pairs == "all" else ["accuracy", "loss", "loss_method"])


def test_loss_report_takes_group_and_weights_and_refuses_with_value_errors():
    from cogs.sp.loss_report import loss_report

    G = parse_group("Z5")
    W = _weights(G, 3)
    rep = loss_report("Z5", *W)
    assert rep.q == 3 and rep.source == "network" and rep.n_pairs == 25
    assert abs(rep.loss - loss_ref(G, *W)) <= 1e-10 * rep.loss
    with pytest.raises(ValueError, match="pairs must be one of all, train, test"):
        loss_report("Z5", *W, pairs="validation")
    with pytest.raises(ValueError, match="network: --pairs train needs the run's split metadata, missing seed") as e:
        loss_report("Z5", *W, pairs="train")
    assert type(e.value) is ValueError  # a library error, not the command line's


def test_loss_report_repr_is_one_short_line():
    from cogs.sp.loss_report import loss_report

    rep = loss_report("Z23", *_weights("Z23", 40))
    text = repr(rep)
    assert "\n" not in text and len(text) < 100 and text.startswith("LossReport(group=Z23, q=40, pairs=all, loss=")
