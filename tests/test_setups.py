"""Training set-ups beyond the paper's (activations, cross-entropy, SGD with momentum, AdamW,
Muon, K operands, the critical split, the ridge output layer, expression tasks): each against
a plain single-run torch implementation written here, on the same initial weights and split."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from models.activations import ACTIVATIONS, LOSSES
from models.training import TrainConfig, train
from models.training.config import critical_test_size
from models.training.trainer import initial_state, target_table

STEPS = 50


def _act(name, s):  # written out again, not imported: the reference scripts' definitions
    if name == "sqr":
        return s.pow(2)
    if name == "relu":
        return torch.relu(s)
    if name == "silu":
        return s * torch.sigmoid(s)
    return torch.relu(s) ** 2


def _loss(name, o, y):
    if name == "ce":
        return F.cross_entropy(o, y)
    oz = o - o.mean(dim=1, keepdim=True)  # the reference's MSE on zero-mean outputs
    return oz.pow(2).sum(dim=1).mean() - 2 * oz.gather(1, y[:, None]).mean() + 1 - 1.0 / o.shape[1]


def _plain(config, make_opt, steps=STEPS, ridge=None, step_fn=None):
    """One run (the config's first) trained by a plain loop over its train tuples."""
    (weights, masks) = initial_state(config)
    K = config.operands
    Ws = [torch.nn.Parameter(w[0].clone()) for w in weights]
    table = torch.as_tensor(target_table(config).reshape(-1))
    d = weights[0].shape[2]
    tuples = torch.as_tensor(np.array(list(itertools.product(range(d), repeat=K))))
    train_idx = torch.as_tensor(np.flatnonzero(masks[0]))
    X, y = tuples[train_idx], table[train_idx]
    opt = make_opt(Ws)

    def forward():
        s = sum(Ws[k][:, X[:, k]] for k in range(K)).T  # (n, q)
        return _act(config.activation, s)

    for _ in range(steps):
        if ridge is not None:
            with torch.no_grad():
                H = forward()
                Y = F.one_hot(y, d).double() - 1.0 / d
                Ws[-1][:] = torch.linalg.solve(H.T @ H + ridge * torch.eye(H.shape[1], dtype=H.dtype), H.T @ Y).T
        for w in Ws:
            w.grad = None
        loss = _loss(config.loss, forward() @ Ws[-1].T, y)
        loss.backward()
        if step_fn is not None:
            step_fn(Ws)
        else:
            opt.step()
    return [w.detach() for w in Ws]


def _cfg(**kw):
    base = dict(group="Z5", q=6, epochs=STEPS, seeds=(3,), lrs=(0.01,), wds=(1e-3,), device="cpu", dtype="float64",
                eval_epochs=())
    base.update(kw)
    return TrainConfig(**base)


def _mine(config):
    r = train(config)
    out = [r.W_a[0], r.W_b[0]]
    if r.W_more is not None:
        out += list(r.W_more[0])
    return out + [r.W_c[0]]


def _close(a, b, tol=1e-9):
    for x, y in zip(a, b):
        assert torch.allclose(x, y, rtol=tol, atol=tol), (x - y).abs().max().item()


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("loss", LOSSES)
def test_activation_and_loss_match_a_plain_loop(activation, loss):
    c = _cfg(activation=activation, loss=loss)
    plain = _plain(c, lambda ps: torch.optim.Adam(ps, lr=0.01, weight_decay=1e-3))
    _close(_mine(c), plain)


@pytest.mark.parametrize("kind", ["sgd-momentum", "adamw", "sgd-plain"])
def test_optimizers_match_torch(kind):
    if kind == "sgd-momentum":
        c = _cfg(optimizer="sgd", momentum=0.9, loss="ce", lrs=(0.05,))
        make = lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9, weight_decay=1e-3)  # noqa: E731
    elif kind == "sgd-plain":
        c = _cfg(optimizer="sgd", lrs=(0.05,), activation="relu")
        make = lambda ps: torch.optim.SGD(ps, lr=0.05, weight_decay=1e-3)  # noqa: E731
    else:
        c = _cfg(optimizer="adamw", activation="relu", wds=(0.1,))
        make = lambda ps: torch.optim.AdamW(ps, lr=0.01, weight_decay=0.1)  # noqa: E731
    _close(_mine(c), _plain(c, make))


def _ns5(G):  # the reference's zeropower_via_newtonschulz5, transcribed (float32/64, no bf16)
    X = G
    if G.size(-2) > G.size(-1):
        X = X.mT
    X = X / (X.norm(dim=(-2, -1), keepdim=True) + 1e-7)
    for a, b, c in ((4.01, -9.22, 5.80), (3.49, -6.38, 3.23), (3.34, -6.21, 3.20), (3.64, -7.48, 4.43),
                    (3.46, -5.35, 2.85)):
        A = X @ X.mT
        B = b * A + c * A @ A
        X = a * X + B @ X
    if G.size(-2) > G.size(-1):
        X = X.mT
    return X


@pytest.mark.parametrize("operands", [2, 3])
def test_muon_matches_a_transcription_of_the_reference_update(operands):
    """Muon (beta1 0.9, beta2 0.99, no Nesterov, no compensation: the reference script's call)
    on the joint input matrix, Adam on the output layer."""
    lr, wd = 0.02, 1e-3
    c = _cfg(optimizer="muon", lrs=(lr,), wds=(wd,), activation="relu", loss="ce", operands=operands, q=8)
    state = {}

    def step(Ws):
        with torch.no_grad():
            W = torch.cat(Ws[:-1], 1)
            g = torch.cat([w.grad for w in Ws[:-1]], 1)
            W.mul_(1 - lr * wd)
            m = state.setdefault("m", torch.zeros_like(W))
            m.lerp_(g, 1 - 0.99)
            W.add_(_ns5(m.clone()), alpha=-lr)
            for w, part in zip(Ws[:-1], torch.split(W, [w.shape[1] for w in Ws[:-1]], 1)):
                w.copy_(part)
        state["adam"].step()

    def make(ps):
        state["adam"] = torch.optim.Adam([ps[-1]], lr=lr, weight_decay=wd)
        return None

    _close(_mine(c), _plain(c, make, step_fn=step))


def test_muon_enhanced_variant_differs_and_trains():
    a = train(_cfg(optimizer="muon", activation="relu", loss="ce"))
    b = train(_cfg(optimizer="muon", muon="enhanced", activation="relu", loss="ce"))
    assert not torch.equal(a.W_a, b.W_a)
    assert np.isfinite(b.metrics["train_loss"]).all()


def test_ridge_output_is_the_closed_form_solve():
    lam = 1e-2
    c = _cfg(ridge=lam, activation="relu", epochs=5, lrs=(0.001,))
    plain = _plain(c, lambda ps: torch.optim.Adam(ps, lr=0.001, weight_decay=1e-3), steps=5, ridge=lam)
    _close(_mine(c), plain, tol=1e-8)
    # after the trainer's ridge solve the output layer solves the normal equations exactly
    from models.training.pair_grid import PairGrid
    from models.training.trainer import ridge_output
    from groups import parse_group

    (weights, masks) = initial_state(c)
    grid = PairGrid(parse_group("Z5"), masks, q=c.q, device="cpu", dtype=torch.float64, activation="relu")
    W_c = ridge_output(grid, weights[:2], weights[2], lam)[0].numpy()
    a, b = np.divmod(np.flatnonzero(masks[0]), 5)
    H = np.maximum(weights[0][0].numpy()[:, a] + weights[1][0].numpy()[:, b], 0).T  # (n, q)
    Y = np.eye(5)[(a + b) % 5] - 0.2
    normal = (H.T @ H + lam * np.eye(c.q)) @ W_c.T - H.T @ Y
    assert np.abs(normal).max() < 1e-10


def test_three_operands_on_z5_targets_by_hand():
    c = _cfg(operands=3)
    table = target_table(c)
    assert table.shape == (5, 25)
    assert table[4, 4 * 5 + 4] == 2 and table[1, 2 * 5 + 3] == 1 and table[0, 0] == 0 and table[3, 1 * 5 + 0] == 4
    for x1, x2, x3 in itertools.product(range(5), repeat=3):
        assert table[x1, x2 * 5 + x3] == (x1 + x2 + x3) % 5
    # on a non-Abelian group the product is taken left to right: (x1·x2)·x3
    from groups import parse_group

    S3 = parse_group("S3")
    t = target_table(TrainConfig(group="S3", q=4, epochs=1, operands=3, device="cpu"))
    T = S3.cayley_table()
    assert all(t[a, b * 6 + e] == T[T[a][b]][e] for a in range(6) for b in range(6) for e in range(6))
    # and K = 3 trains like a plain loop over the 125 triples
    _close(_mine(c), _plain(c, lambda ps: torch.optim.Adam(ps, lr=0.01, weight_decay=1e-3)))


def test_critical_split_on_z23_by_hand():
    # 1 − 2.7482·ln(23)/23 = 1 − 2.7482·3.1354942/23 = 0.6253493; ⌈0.6253493·529⌉ = ⌈330.81⌉ = 331 test pairs
    assert abs(critical_test_size("Z23", 0.0) - 0.6253493) < 1e-7
    r = train(TrainConfig(group="Z23", q=4, epochs=0, critical_delta=0.0, seeding="reference", device="cpu"))
    assert int(r.n_test[0]) == 331 and int(r.n_train[0]) == 198
    # δ = +0.5: 1 − 2.2482·3.1354942/23 = 0.6935123, ⌈366.87⌉ = 367; δ = −0.5: 0.5571864, ⌈294.75⌉ = 295
    for delta, n_test in ((0.5, 367), (-0.5, 295)):
        r = train(TrainConfig(group="Z23", q=4, epochs=0, critical_delta=delta, device="cpu"))
        assert int(r.n_test[0]) == n_test


def test_expression_table_by_hand():
    c = _cfg(task="x*x+x*y+y*y")
    t = target_table(c)
    # (2, 3): 4 + 6 + 9 = 19 ≡ 4; (4, 4): 16 + 16 + 16 = 48 ≡ 3; (1, 0): 1; (0, 0): 0 (mod 5)
    assert t[2, 3] == 4 and t[4, 4] == 3 and t[1, 0] == 1 and t[0, 0] == 0
    assert t.tolist() == [[(x * x + x * y + y * y) % 5 for y in range(5)] for x in range(5)]
    _close(_mine(c), _plain(c, lambda ps: torch.optim.Adam(ps, lr=0.01, weight_decay=1e-3)))


@pytest.mark.parametrize("kw, words", [
    (dict(loss="ce", ridge=1e-3), "ridge"),
    (dict(operands=1), "operands"),
    (dict(activation="tanh"), "unknown activation"),
    (dict(loss="hinge"), "unknown loss"),
    (dict(lrs=(-0.01,)), "learning rate"),
    (dict(momentum=0.9), "momentum is SGD"),
    (dict(optimizer="sgd", momentum=1.5), "momentum must be"),
    (dict(task="x ^ y"), "operator ^"),
    (dict(task="import os"), "not valid syntax"),
    (dict(task="__import__('os')"), "only integers"),
    (dict(task="x+z"), "unknown name"),
    (dict(task="x+y", group="S3"), "cyclic group"),
    (dict(task="x+y", operands=3), "two operands"),
    (dict(critical_delta=0.5, train_frac=0.5), "critical split"),
    (dict(critical_delta=3.0), "no test or no train"),
    (dict(ridge=-1.0), "ridge must be"),
    (dict(optimizer="muon", muon="fast"), "muon variant"),
    (dict(record_sp=True, loss="ce"), "SP recording"),
])
def test_nonsense_set_ups_get_one_line(kw, words):
    with pytest.raises(ValueError) as e:
        _cfg(**kw)
    assert words in str(e.value) and "\n" not in str(e.value)


def test_sp_objective_needs_the_paper_setup():
    with pytest.raises(ValueError, match="paper's set-up"):
        train(_cfg(loss="ce"), objective=lambda a, b, c: (a * 0).sum((1, 2)))


def test_default_setup_is_unchanged_and_batch_independent():
    """The new options leave the paper's set-up alone, and a new set-up's run does not depend
    on the other runs of its batch (CPU)."""
    c = TrainConfig(group="Z7", q=8, epochs=20, seeds=(1, 2, 3), device="cpu", activation="relu", loss="ce",
                    optimizer="sgd", momentum=0.9)
    alone = train(TrainConfig(group="Z7", q=8, epochs=20, seeds=(2,), device="cpu", activation="relu", loss="ce",
                              optimizer="sgd", momentum=0.9))
    both = train(c)
    assert torch.equal(both.W_a[1], alone.W_a[0]) and torch.equal(both.W_c[1], alone.W_c[0])
    assert np.array_equal(both.metrics["train_loss"][1], alone.metrics["train_loss"][0])


@pytest.mark.parametrize("extra", [dict(optimizer="muon", activation="relu"), dict(optimizer="adamw", ridge=1e-2),
                                   dict(optimizer="muon", muon="enhanced", loss="ce")])
def test_resume_is_bit_identical_for_each_optimizer(tmp_path, extra):
    kw = dict(group="Z5", q=6, seeds=(1, 2), device="cpu", **extra)
    full = train(TrainConfig(epochs=6, **kw))
    train(TrainConfig(epochs=3, **kw), checkpoint_dir=tmp_path)
    resumed = train(TrainConfig(epochs=6, **kw), checkpoint_dir=tmp_path, resume=True)
    for name in ("W_a", "W_b", "W_c"):
        assert torch.equal(getattr(full, name), getattr(resumed, name))
    assert np.array_equal(full.metrics["train_loss"], resumed.metrics["train_loss"], equal_nan=True)


def test_resume_with_momentum_is_bit_identical(tmp_path):
    kw = dict(group="Z5", q=6, seeds=(1,), device="cpu", optimizer="sgd", momentum=0.9, loss="ce", operands=3)
    full = train(TrainConfig(epochs=6, **kw))
    train(TrainConfig(epochs=3, **kw), checkpoint_dir=tmp_path)
    resumed = train(TrainConfig(epochs=6, **kw), checkpoint_dir=tmp_path, resume=True)
    assert torch.equal(full.W_a, resumed.W_a) and torch.equal(full.W_more, resumed.W_more)
    # a checkpoint of another set-up is refused
    from models.training import CheckpointError

    with pytest.raises(CheckpointError, match="differs in loss"):
        train(TrainConfig(epochs=6, **dict(kw, loss="mse")), checkpoint_dir=tmp_path, resume=True)


def test_critical_split_correction_follows_the_reference(tmp_path):
    """c = 1 for Z_d and named groups (S3: the reference's sym groups); c = largest irrep
    degree / 2 for a non-Abelian group of a table file (the reference's collection): S3 from a
    file has degrees 1, 1, 2, so c = 1 there too, and Q8-like degree-2 groups likewise; a group
    of a degree-3 irrep (A4) gets c = 3/2."""
    import json

    from groups import parse_group

    # 1 − 2.7482·ln 6/6 = 0.179314…; A4: 1 − 1.5·2.7482·ln 12/12 = 0.146339…
    assert abs(critical_test_size("S3", 0.0) - (1 - 2.7482 * math.log(6) / 6)) < 1e-12
    table = parse_group("A4").cayley_table().tolist()
    path = tmp_path / "g.jsonl"
    path.write_text(json.dumps({"name": "A4", "order": 12, "table": table, "index_base": 0}) + "\n")
    assert abs(critical_test_size(f"{path}:A4", 0.0) - (1 - 1.5 * 2.7482 * math.log(12) / 12)) < 1e-12
    assert abs(critical_test_size("A4", 0.0) - (1 - 2.7482 * math.log(12) / 12)) < 1e-12


def test_ridge_at_the_paper_width_with_several_runs():
    """q = 512, five runs: the solve is a Cholesky one per run (torch's batched LU solve on a
    CPU failed on this batch), and each run's output layer is its own normal-equation solution."""
    c = TrainConfig(group="Z23", q=512, epochs=2, seeds=(1, 2, 3, 4, 5), device="cpu", ridge=1e-3, eval_epochs=(0,))
    r = train(c)
    assert np.isfinite(r.metrics["train_loss"]).all() and (r.diverged_epoch < 0).all()
    alone = train(TrainConfig(group="Z23", q=512, epochs=2, seeds=(3,), device="cpu", ridge=1e-3, eval_epochs=(0,)))
    assert torch.equal(alone.W_c[0], r.W_c[2])
