"""``--seeding reference`` against the reference's current training script: for each set-up
CoGS shares with it (activations, MSE and cross-entropy, Adam, SGD with momentum 0.9, AdamW,
Muon, ridge, the critical split, an expression task, three operands) the metrics of 100 epochs,
taken before each step, equal the script's (tests/data/reference_setups.json: its numbers, run
once on a CPU) — accuracies exactly, losses to float32 rounding at epoch 0 and to the drift
float rounding causes after."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from models.training import TrainConfig, train

DATA = json.loads((Path(__file__).parent / "data" / "reference_setups.json").read_text())


def _config(over: dict) -> TrainConfig:
    c = DATA["common"]
    kw = dict(group=f"Z{over['M']}", q=c["hidden_size"], epochs=c["num_epochs"], seeds=(c["seed"],),
              lrs=(c["learning_rate"],), wds=(c["weight_decay"],), seeding="reference", device="cpu",
              eval_epochs=tuple(range(c["num_epochs"])), activation=over["activation"],
              loss={"nll": "ce"}.get(over["loss_func"], over["loss_func"]), optimizer=over["optim"],
              momentum=0.9 if over["optim"] == "sgd" else 0.0, operands=over.get("num_of_ops", 2),
              ridge=over.get("set_weight_reg"), task=over.get("expression"))
    if over.get("use_critical_ratio"):
        kw["critical_delta"] = over["critical_ratio_delta"]
    else:
        kw["train_frac"] = 1 - over["test_size"]
    return TrainConfig(**kw)


@pytest.mark.parametrize("name", sorted(DATA["cases"]))
def test_metrics_equal_the_reference_script(name):
    case = DATA["cases"][name]
    r = train(_config(case["overrides"]))
    assert (int(r.n_train[0]), int(r.n_test[0])) == (case["n_train"], case["n_test"])
    ref = {k: np.asarray(v) for k, v in case["history"].items()}
    mine = {k: r.metrics[k][0][:100] for k in ref}
    # epoch 0: the same initial weights and split, so the same numbers up to float32 summation order
    for k in ("train_loss", "test_loss"):
        assert abs(mine[k][0] - ref[k][0]) <= 1e-6 * abs(ref[k][0])
    assert mine["train_acc"][0] == ref["train_acc"][0] and mine["test_acc"][0] == ref["test_acc"][0]
    # after: float rounding drifts; the ridge output layer (solved in float64 here, by a float32
    # SVD there) amplifies it fastest
    horizon = 10 if name == "ridge" else 100
    for k in ("train_loss", "test_loss"):
        rel = np.abs(mine[k][:horizon] - ref[k][:horizon]) / np.abs(ref[k][:horizon])
        assert rel.max() < 1e-3, (k, rel.max())
    for k in ("train_acc", "test_acc"):
        assert np.array_equal(mine[k][:horizon], ref[k][:horizon]), k


INIT = json.loads((Path(__file__).parent / "data" / "reference_init.json").read_text())


@pytest.mark.parametrize("name", sorted(INIT["cases"]))
def test_initial_weights_equal_the_reference_scripts_bit_for_bit(name):
    """Epoch 0 of the current script (seed 3, Z7, q = 8): its Linear(K·d, q) holds W_1 … W_K
    side by side, its Linear(q, d) is W_c — equal to CoGS's --seeding reference, every bit."""
    import torch

    from models.training.trainer import initial_state

    act, loss, opt, K = name.split("_")
    c = TrainConfig(group="Z7", q=8, epochs=1, seeds=(3,), seeding="reference", device="cpu", activation=act,
                    loss={"nll": "ce"}[loss], optimizer=opt, momentum=0.9 if opt == "sgd" else 0.0, operands=int(K),
                    train_frac=0.7)
    weights, _ = initial_state(c)
    W = torch.cat([w[0] for w in weights[:-1]], 1).to(torch.float32)
    assert torch.equal(W, torch.tensor(INIT["cases"][name]["W"], dtype=torch.float32))
    assert torch.equal(weights[-1][0].to(torch.float32), torch.tensor(INIT["cases"][name]["V"], dtype=torch.float32))
