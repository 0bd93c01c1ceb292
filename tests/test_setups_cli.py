"""The training set-ups from the command line and on networks: flags of train, compare and
sweep; weights files that record their set-up; loss and analyze with a network's own
activation and loss; the quadratic-only parts refusing other set-ups with one line."""

from __future__ import annotations

import json

import numpy as np
import pytest

import cogs
from cogs.cli.main import main
from models.network import Network, load_npz


def run(capsys, *argv):
    try:
        rc = main(list(argv))
    except SystemExit as e:  # argparse's refusals
        rc = e.code
    out, err = capsys.readouterr()
    return rc, out, err


@pytest.fixture(scope="module")
def relu_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("relu") / "job"
    rc = main(["train", "--group", "Z5", "--hidden", "8", "--epochs", "20", "--device", "cpu", "--dtype", "float64",
               "--activation", "relu", "--loss", "ce", "--optimizer", "sgd", "--momentum", "0.9", "--out", str(out)])
    assert rc == 0
    return out / "seed1_lr0.01_wd5e-05"


def test_train_records_the_setup_and_loss_uses_it(relu_run, capsys):
    net = load_npz(relu_run / "weights.npz")
    setup = net.meta["setup"]
    assert (setup["activation"], setup["loss"], setup["optimizer"], setup["momentum"]) == ("relu", "ce", "sgd", 0.9)
    assert net.setup == cogs.Network("Z5", net.W_a, net.W_b, net.W_c, meta={"setup": {"activation": "relu",
                                                                                        "loss": "ce"}}).setup
    rc, out, _ = run(capsys, "loss", "--weights", str(relu_run / "weights.npz"), "--pairs", "train", "--json")
    doc = json.loads(out)
    metrics = json.loads((relu_run / "metrics.json").read_text())["metrics"][-1]
    # the train loss of the run's last evaluation, recomputed from the file with relu and cross-entropy
    assert rc == 0 and doc["setup"]["activation"] == "relu"
    assert doc["loss"] == pytest.approx(metrics["train_loss"], rel=1e-12)
    assert doc["accuracy"] == pytest.approx(metrics["train_acc"], abs=1e-12)
    # written out by hand: relu, then cross-entropy over all 25 pairs
    a, b = np.divmod(np.arange(25), 5)
    o = (net.W_c @ np.maximum(net.W_a[:, a] + net.W_b[:, b], 0)).T
    ce = np.log(np.exp(o).sum(1)) - o[np.arange(25), (a + b) % 5]
    assert net.loss() == pytest.approx(ce.mean(), rel=1e-12)
    rc, out, _ = run(capsys, "analyze", "--weights", str(relu_run / "weights.npz"), "--json")
    row = json.loads(out)["networks"][0]
    assert row["setup"]["loss"] == "ce" and row["loss"] == pytest.approx(ce.mean(), rel=1e-12)
    assert row["orbits"] is not None  # the orders still read the input layers


def test_quadratic_only_parts_refuse_other_setups(relu_run):
    net = load_npz(relu_run / "weights.npz")
    from cogs.solver.certificate import certify
    from models.exact_loss import exact_loss
    from models.loss_parts import loss_parts

    for call in (lambda: net + net, lambda: net * net, lambda: net.explain(), lambda: certify(net),
                 lambda: exact_loss(net), lambda: loss_parts(net)):
        with pytest.raises(ValueError, match="quadratic") as e:
            call()
        assert "\n" not in str(e.value)


def test_three_operand_network_round_trips(tmp_path):
    runs = cogs.train("Z5", hidden=6, epochs=5, operands=3, dtype="float64", device="cpu")
    net = runs[0].network
    assert net.W_more.shape == (1, 6, 5) and net.setup.operands == 3
    back = cogs.load(net.save(tmp_path / "w.npz"))
    assert back.isclose(net, atol=0) and np.array_equal(back.W_more, net.W_more)
    # the loss over all 125 triples, written out: s = W_1[:, x1] + W_2[:, x2] + W_3[:, x3], target x1 + x2 + x3
    x1, x2, x3 = np.unravel_index(np.arange(125), (5, 5, 5))
    o = (net.W_c @ (net.W_a[:, x1] + net.W_b[:, x2] + net.W_more[0][:, x3]) ** 2).T
    c = o - o.mean(1, keepdims=True)
    y = (x1 + x2 + x3) % 5
    assert back.loss() == pytest.approx(((c**2).sum(1) - 2 * c[np.arange(125), y] + 0.8).mean(), rel=1e-12)
    # a set-up that does not fit the weights is refused, in memory and in a file
    with pytest.raises(ValueError, match="3 operands"):
        Network("Z5", net.W_a, net.W_b, net.W_c, meta={"setup": {"operands": 3}})
    from models.io import save_weights

    save_weights(tmp_path / "lie.npz", "Z5", net.W_a, net.W_b, net.W_c, setup={"operands": 4})
    with pytest.raises(ValueError, match="4 operands"):
        cogs.load(tmp_path / "lie.npz")
    save_weights(tmp_path / "bad_act.npz", "Z5", net.W_a, net.W_b, net.W_c, setup={"activation": "tanh"})
    with pytest.raises(ValueError, match="unknown activation"):
        cogs.load(tmp_path / "bad_act.npz")


@pytest.mark.parametrize("argv, words", [
    (["--loss", "ce", "--objective", "sp"], "paper's set-up"),
    (["--loss", "ce", "--ridge", "1e-3"], "ridge"),
    (["--operands", "1"], "operands"),
    (["--activation", "tanh"], "invalid choice"),
    (["--lr", "-0.01"], "learning rate"),
    (["--momentum", "0.9"], "momentum is SGD"),
    (["--task", "x^y"], "operator ^"),
    (["--critical-delta", "0.5"], "--train-frac critical"),
    (["--train-frac", "half"], "not a fraction or 'critical'"),
    (["--task", "x*y", "--group", "S3"], "cyclic group"),
])
def test_nonsense_flags_get_one_line(tmp_path, capsys, argv, words):
    if "--group" not in argv:
        argv = ["--group", "Z5", *argv]
    rc, out, err = run(capsys, "train", "--hidden", "4", "--epochs", "2", "--device", "cpu", "--out",
                       str(tmp_path / "x"), *argv)
    assert rc == 2 and words in err and err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "x").exists()


def test_train_critical_split_and_task_from_the_cli(tmp_path, capsys):
    rc, out, _ = run(capsys, "train", "--group", "Z23", "--hidden", "4", "--epochs", "1", "--device", "cpu",
                     "--train-frac", "critical", "--critical-delta", "-0.5", "--seeding", "reference",
                     "--out", str(tmp_path / "c"), "--json")
    assert rc == 0
    cfg = json.loads((tmp_path / "c" / "seed1_lr0.01_wd5e-05" / "config.json").read_text())
    assert (cfg["n_train"], cfg["n_test"]) == (529 - 295, 295) and cfg["critical_delta"] == -0.5
    rc, out, _ = run(capsys, "train", "--group", "Z7", "--hidden", "4", "--epochs", "1", "--device", "cpu",
                     "--task", "x*x+x*y+y*y", "--out", str(tmp_path / "t"))
    net = load_npz(tmp_path / "t" / "seed1_lr0.01_wd5e-05" / "weights.npz")
    assert rc == 0 and net.setup.task == "x*x+x*y+y*y"
    # its loss uses the task's table: (x, y) ↦ x² + xy + y² mod 7, written out here
    a, b = np.divmod(np.arange(49), 7)
    o = (net.W_c @ (net.W_a[:, a] + net.W_b[:, b]) ** 2).T
    c = o - o.mean(1, keepdims=True)
    y = (a * a + a * b + b * b) % 7
    mse = (c**2).sum(1) - 2 * c[np.arange(49), y] + 1 - 1 / 7
    assert net.loss() == pytest.approx(mse.mean(), rel=1e-12)


def test_compare_and_sweep_take_the_setup(tmp_path, capsys):
    rc, out, _ = run(capsys, "compare", "--group", "Z5", "--hidden", "8", "--epochs", "3", "--seeds", "1",
                     "--strategies", "f46", "--activation", "relu", "--loss", "ce", "--optimizer", "muon",
                     "--out", str(tmp_path / "cmp"), "--json")
    doc = json.loads(out)
    assert rc == 0 and doc["config"]["setup"]["activation"] == "relu" and doc["config"]["setup"]["optimizer"] == "muon"
    assert "dynamics" not in doc or not doc["dynamics"]  # SP dynamics are the quadratic MSE network's
    rc, out, err = run(capsys, "sweep", "--preset", "fig3", "--epochs", "2", "--seeds", "1", "--loss", "ce",
                       "--out", str(tmp_path / "sw"))
    assert rc == 2 and "SP recording" in err and err.count("\n") == 1
    rc, out, _ = run(capsys, "sweep", "--preset", "table2", "--epochs", "2", "--seeds", "1", "--optimizer", "adamw",
                     "--out", str(tmp_path / "sw2"), "--json")
    assert rc == 0 and json.loads(out)["setup"]["optimizer"] == "adamw"
