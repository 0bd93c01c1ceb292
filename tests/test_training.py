"""Batched trainer (models.training) and SP trajectories (cogs.sp.dynamics).

Reference numbers come from docs/paper.md or from independent, plain one-run-at-a-time scripts
written out here (nn.Linear + torch.optim.Adam + the docs/mathematics.md#the-network-and-its-loss loss), never from the trainer.
"""

from __future__ import annotations

import json
import math
import random
import warnings

import numpy as np
import pytest
import torch
from torch import nn

from cogs.sp.dynamics import sp_recorder, sp_trajectory
from groups import parse_group
from models.training import (
    BatchedAdam,
    BatchedSGD,
    PairGrid,
    TrainConfig,
    initial_state,
    list_checkpoints,
    load_checkpoint,
    save_checkpoint,
    train,
)

try:
    from helpers import explicit_zf6 as _explicit_zf6
except ImportError:  # tests/ imported as a package
    from tests.helpers import explicit_zf6 as _explicit_zf6


# ----------------------------------------------------------------------------- helpers
def spec_loss(W_a, W_b, W_c, d, table, idx):
    """docs/mathematics.md#the-network-and-its-loss written out: mean over pairs idx of ‖P(o − e_{a+b})‖², one-hot inputs."""
    a, b = idx // d, idx % d
    eye = torch.eye(d, dtype=W_a.dtype)
    h = (W_a @ eye[:, a] + W_b @ eye[:, b]) ** 2  # (q, N)
    o = W_c @ h  # (d, N)
    P = eye - torch.ones(d, d, dtype=W_a.dtype) / d
    y = torch.as_tensor(table[a, b])
    r = P @ (o - eye[:, y])
    return (r**2).sum(0).mean(), (o.argmax(0) == y).double().mean()


def reference_run(d, table, q, seed, lr, wd, epochs, dtype, train_frac=0.9):
    """A plain script in the style of the paper's: one run, nn.Linear, torch.optim.Adam."""
    random.seed(seed)
    np.random.seed(seed + 1)
    torch.manual_seed(seed + 2)
    torch.randn(d, d)
    la, lb, lc = nn.Linear(d, q, bias=False), nn.Linear(d, q, bias=False), nn.Linear(q, d, bias=False)
    params = [nn.Parameter(m.weight.detach().to(dtype).clone()) for m in (la, lb, lc)]
    perm = np.random.RandomState(seed).permutation(d * d)
    n_test = math.ceil((1 - train_frac) * d * d - 1e-9)
    test, tr = torch.as_tensor(perm[:n_test]), torch.as_tensor(perm[n_test:])
    opt = torch.optim.Adam(params, lr=lr, weight_decay=wd)
    hist = []
    for _ in range(epochs):
        opt.zero_grad()
        loss, acc = spec_loss(*params, d, table, tr)
        with torch.no_grad():
            tl, ta = spec_loss(*params, d, table, test)
        hist.append([loss.item(), acc.item(), tl.item(), ta.item()])
        loss.backward()
        opt.step()
    return np.array(hist), [p.detach() for p in params]


def zF6(d, thetas):
    """docs/solutions.md#global-solutions explicit real z_F6 weights for odd cyclic d (tests/helpers.py)."""
    return _explicit_zf6(d, thetas=thetas)


def metric_array(res, r):
    return np.array([[m[k] for k in ("train_loss", "train_acc", "test_loss", "test_acc")] for m in res.run_metrics(r)], dtype=float)


def cfg(**kw):
    base = dict(group="Z7", q=12, epochs=10, lrs=(0.01,), wds=(1e-4,), seeds=(1,), device="cpu", dtype="float64")
    base.update(kw)
    return TrainConfig(**base)


# ----------------------------------------------------------------------------- reference
def test_reference_epoch0_spec_numbers():
    c = TrainConfig(group="Z23", q=512, epochs=0, lrs=(0.01,), wds=(1e-4,), seeds=(5,), seeding="reference", dtype="float32", device="cpu")
    res = train(c)
    m = res.run_metrics(0)[0]
    assert m["epoch"] == 0
    assert m["train_acc"] == pytest.approx(0.0504, abs=5e-5)
    assert m["train_loss"] == pytest.approx(0.96931, abs=1e-5)
    assert m["test_acc"] == pytest.approx(0.0566, abs=5e-5)
    assert m["test_loss"] == pytest.approx(0.96719, abs=1e-5)
    assert res.n_test[0] == 53 and res.n_train[0] == 476


@pytest.mark.parametrize("dtype,rtol", [("float64", 1e-10), ("float32", 1e-5)])
def test_matches_independent_reference_script(dtype, rtol):
    G = parse_group("Z2xZ5")
    d, q, E = G.order, 24, 30
    table = np.array(G.cayley_table())
    c = TrainConfig(group=G.spec, q=q, epochs=E, lrs=(0.01, 0.003), wds=(1e-4, 0.0), seeds=(1, 4), seeding="reference",
                    eval_epochs=range(E), device="cpu", dtype=dtype)
    res = train(c)
    tdt = torch.float64 if dtype == "float64" else torch.float32
    for run in res.runs:
        hist, weights = reference_run(d, table, q, run.seed, run.lr, run.wd, E, tdt)
        got = metric_array(res, run.index)[:E]
        np.testing.assert_allclose(got[:, [0, 2]], hist[:, [0, 2]], rtol=rtol, atol=0)
        # accuracies are counts: allow a rare argmax near-tie flip in float32 only
        assert np.abs(got[:, [1, 3]] - hist[:, [1, 3]]).max() <= (0 if dtype == "float64" else 0.02)
        for mine, ref in zip(res.weights(run.index), weights):
            np.testing.assert_allclose(mine, ref.double().numpy(), rtol=0, atol=rtol * 10)


def test_analytic_gradient_matches_autograd():
    G = parse_group("Z3xZ3")
    d, q, R = G.order, 7, 3
    gen = torch.Generator().manual_seed(3)
    W = [torch.randn(R, q, d, generator=gen, dtype=torch.float64), torch.randn(R, q, d, generator=gen, dtype=torch.float64),
         torch.randn(R, d, q, generator=gen, dtype=torch.float64)]
    rng = np.random.default_rng(0)
    masks = rng.random((R, d * d)) < 0.7
    table = np.array(G.cayley_table())
    for rows in (None, 2):
        grid = PairGrid(G, masks, q=q, device="cpu", dtype=torch.float64, chunk_rows=rows)
        loss, grads, _ = grid.evaluate(*W, grad=True)
        for r in range(R):
            ws = [w[r].clone().requires_grad_(True) for w in W]
            l_ref, _ = spec_loss(*ws, d, table, torch.as_tensor(np.flatnonzero(masks[r])))
            l_ref.backward()
            assert loss[r].item() == pytest.approx(l_ref.item(), rel=1e-13)
            for g, w in zip(grads, ws):
                np.testing.assert_allclose(g[r].numpy(), w.grad.numpy(), rtol=1e-11, atol=1e-12)


def test_compiled_path_matches_eager():
    """PairGrid(compile=True) (torch.compile; eager fallback if compiling fails) gives the same
    loss, gradients and metrics as the eager path up to rounding, chunked or not."""
    G = parse_group("Z7")
    d, q, R = G.order, 10, 3
    gen = torch.Generator().manual_seed(5)
    W = [torch.randn(R, q, d, generator=gen, dtype=torch.float64), torch.randn(R, q, d, generator=gen, dtype=torch.float64),
         torch.randn(R, d, q, generator=gen, dtype=torch.float64)]
    masks = np.random.default_rng(2).random((R, d * d)) < 0.8
    eager = PairGrid(G, masks, q=q, device="cpu", dtype=torch.float64).evaluate(*W, grad=True, metrics=True)
    for rows in (None, 3):
        got = PairGrid(G, masks, q=q, device="cpu", dtype=torch.float64, chunk_rows=rows, compile=True).evaluate(*W, grad=True, metrics=True)
        np.testing.assert_allclose(got[0].numpy(), eager[0].numpy(), rtol=1e-13)
        for g, e in zip(got[1], eager[1]):
            assert g.shape == e.shape
            np.testing.assert_allclose(g.numpy(), e.numpy(), rtol=1e-11, atol=1e-12)
        for k in ("train_acc", "test_acc"):
            assert torch.equal(got[2][k], eager[2][k])
        np.testing.assert_allclose(got[2]["test_loss"].numpy(), eager[2]["test_loss"].numpy(), rtol=1e-13)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("mine_cls, torch_cls", [(BatchedAdam, torch.optim.Adam), (BatchedSGD, torch.optim.SGD)])
def test_batched_optimizer_bitwise_equals_torch(mine_cls, torch_cls, dtype):
    """Per-run lr and wd as tensors reproduce torch's own optimizer for each run, bit for bit."""
    R, lrs, wds = 3, [0.01, 0.003, 0.1], [1e-4, 0.0, 5e-4]
    gen = torch.Generator().manual_seed(0)
    P = [torch.randn(R, 50, 40, generator=gen, dtype=dtype), torch.randn(R, 40, 50, generator=gen, dtype=dtype)]
    grads = [[torch.randn(R, *p.shape[1:], generator=gen, dtype=dtype) for p in P] for _ in range(8)]
    mine = [p.clone() for p in P]
    opt = mine_cls(mine, lrs, wds)
    for g in grads:
        assert opt.step(g, torch.ones(R, dtype=torch.bool)).all()
    for r in range(R):
        ps = [nn.Parameter(p[r].clone()) for p in P]
        ref = torch_cls(ps, lr=lrs[r], weight_decay=wds[r])
        for g in grads:
            for p, gg in zip(ps, g):
                p.grad = gg[r].clone()
            ref.step()
        for p, m in zip(ps, mine):
            assert torch.equal(p.detach(), m[r])
    # an inactive run, or one whose step would go non-finite, is not touched (moments included)
    def state():
        moments = [t.clone() for t in getattr(opt, "m", []) + getattr(opt, "v", [])]
        return [p.clone() for p in mine] + moments

    before = state()
    bad = [g.clone() for g in grads[0]]
    bad[1][2, 0, 0] = float("inf")
    ok = opt.step(bad, torch.tensor([True, False, True]))
    assert ok.tolist() == [True, False, False]
    for now, b in zip(state(), before):
        assert torch.equal(now[1:], b[1:]) and not torch.equal(now[0], b[0])
    # a NaN gradient is caught the same way, and the next all-finite step commits every active run
    bad[1][2, 0, 0] = float("nan")
    assert opt.step(bad, torch.ones(R, dtype=torch.bool)).tolist() == [True, True, False]
    assert opt.step(grads[1], torch.ones(R, dtype=torch.bool)).all()
    assert all(torch.isfinite(t).all() for t in state())


# ----------------------------------------------------------------------------- options
def test_exact_global_solution_stays_global():
    d = 7
    W_a, W_b, W_c = zF6(d, thetas=[0.3, 1.1, -0.7])
    assert W_a.shape == (3 * (d - 1), d)
    # the docs/solutions.md#global-solutions formula itself: loss < 1e-12 over all pairs, written-out loss
    G = parse_group(f"Z{d}")
    l0, acc0 = spec_loss(*(torch.as_tensor(w) for w in (W_a, W_b, W_c)), d, np.array(G.cayley_table()), torch.arange(d * d))
    assert l0.item() < 1e-12 and acc0.item() == 1.0
    # Adam at an exact minimum: with lr/eps large, rounding-level gradients get amplified
    # (torch.optim.Adam does the same). lr 1e-6 keeps it below 1e-10 throughout ...
    res = train(cfg(group=f"Z{d}", q=W_a.shape[0], epochs=60, lrs=(1e-6,), wds=(0.0,), seeds=(1, 2), train_frac=1.0,
                    eval_epochs=(0, 1, 2, 3, 5, 10, 20, 40)), init=(W_a, W_b, W_c))
    assert res.metrics["train_loss"][:, 0].max() < 1e-12
    assert np.nanmax(res.metrics["train_loss"]) < 1e-10
    assert np.all(res.metrics["train_acc"] == 1.0)
    assert np.all(np.isnan(res.metrics["test_loss"]))  # train fraction 1: no test set
    # ... while lr 1e-3 (the brief's setting) leaves transiently (~1e-4 at epoch 3) and returns
    kick = train(cfg(group=f"Z{d}", q=W_a.shape[0], epochs=250, lrs=(1e-3,), wds=(0.0,), seeds=(1,), train_frac=1.0,
                     eval_epochs=(0, 1, 3)), init=(W_a, W_b, W_c))
    lk = kick.metrics["train_loss"][0]
    assert lk[0] < 1e-12 and lk[1] < 1e-10 and lk[2] > 1e-8 and lk[-1] < 1e-10
    entry = res.run_metrics(0)[-1]
    assert entry["final"] and entry["epoch"] == 60 and entry["test_loss"] is None and entry["test_acc"] is None
    # its SP summary in paper units: r_kkk = 1 on every k ≠ 0, R_c and R_n empty
    sp = sp_trajectory(G, torch.as_tensor(W_a), torch.as_tensor(W_b), torch.as_tensor(W_c))
    assert sp["sum_re_rkkk"].item() == pytest.approx(d - 1, abs=1e-9)
    assert abs(sp["off_diag"].item()) < 1e-9 and sp["rn_aac"].abs().max().item() < 1e-9


def test_sgd_keeps_exact_global_solution():
    """Plain gradient descent does not amplify rounding-level gradients: from the docs/solutions.md#global-solutions z_F6
    solution, wd 0, lr 0.01, float64, the loss stays < 1e-10 at every one of 200 epochs."""
    d = 7
    W = zF6(d, thetas=[0.3, 1.1, -0.7])
    res = train(cfg(group=f"Z{d}", q=W[0].shape[0], epochs=200, lrs=(0.01,), wds=(0.0,), seeds=(1, 2), train_frac=1.0,
                    eval_epochs=range(201), optimizer="sgd"), init=W)
    loss = res.metrics["train_loss"]
    assert res.epochs == tuple(range(201)) and loss.shape == (2, 201)
    assert np.all(np.isfinite(loss)) and loss.max() < 1e-10
    assert np.all(res.metrics["train_acc"] == 1.0)
    assert [res.status(r.index) for r in res.runs] == ["ok", "ok"]
    # one plain step changes the weights by lr·gradient only: rounding level
    assert np.abs(res.W_a.numpy() - W[0][None]).max() < 1e-12


def test_sgd_follows_plain_torch_sgd():
    """optimizer 'sgd' against an independent loop: nn.Parameter + torch.optim.SGD(weight_decay)."""
    G = parse_group("Z5")
    d, q, E = G.order, 10, 12
    table = np.array(G.cayley_table())
    c = cfg(group=G.spec, q=q, epochs=E, lrs=(0.05,), wds=(1e-3,), seeds=(2,), train_frac=1.0, eval_epochs=range(E),
            optimizer="sgd")
    res = train(c)
    ps = [nn.Parameter(w[0].clone()) for w in initial_state(c)[0]]
    opt = torch.optim.SGD(ps, lr=0.05, weight_decay=1e-3)
    hist = []
    for _ in range(E):
        opt.zero_grad()
        loss, _ = spec_loss(*ps, d, table, torch.arange(d * d))
        hist.append(loss.item())
        loss.backward()
        opt.step()
    np.testing.assert_allclose(res.metrics["train_loss"][0, :E], hist, rtol=1e-11)
    for mine, ref in zip(res.weights(0), ps):
        np.testing.assert_allclose(mine, ref.detach().numpy(), rtol=0, atol=1e-12)


@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_resume_reproduces_uninterrupted_run_bitwise(tmp_path, optimizer):
    evals = tuple(range(0, 40, 5))

    def job(**kw):
        return cfg(optimizer=optimizer, **kw)

    full = train(job(epochs=40, seeds=(1, 2), eval_epochs=evals), checkpoint_dir=tmp_path / "a")
    assert [e for e, _ in list_checkpoints(tmp_path / "a")] == [1, 2, 4, 8, 16, 32, 40]
    part = train(job(epochs=20, seeds=(1, 2), eval_epochs=evals[:4]), checkpoint_dir=tmp_path / "b")
    assert [e for e, _ in list_checkpoints(tmp_path / "b")] == [1, 2, 4, 8, 16, 20]
    state = load_checkpoint(list_checkpoints(tmp_path / "b")[-1][1])
    assert state["epoch"] == 20 and state["W_a"].shape == (2, 12, 7)
    assert state["optimizer"]["kind"] == optimizer and state["key"]["optimizer"] == optimizer
    resumed = train(job(epochs=40, seeds=(1, 2), eval_epochs=evals), checkpoint_dir=tmp_path / "b", resume=True)
    assert resumed.epochs == full.epochs == evals + (40,)
    for n in full.metrics:
        assert np.array_equal(full.metrics[n], resumed.metrics[n], equal_nan=True)
    for w in ("W_a", "W_b", "W_c"):
        assert torch.equal(getattr(full, w), getattr(resumed, w))
    # part's numbers were the first half of the same trajectory, and resuming a different job is refused
    assert np.array_equal(part.metrics["train_loss"][:, :4], full.metrics["train_loss"][:, :4])
    with pytest.raises(ValueError, match="different job"):
        train(job(epochs=40, seeds=(1, 2), wds=(2e-4,)), checkpoint_dir=tmp_path / "b", resume=True)
    other = "adam" if optimizer == "sgd" else "sgd"
    with pytest.raises(ValueError, match="different job.*optimizer"):
        train(cfg(epochs=40, seeds=(1, 2), optimizer=other), checkpoint_dir=tmp_path / "b", resume=True)


def test_cli_optimizer_option(tmp_path, capsys):
    from cogs.cli.main import main

    args = ["train", "--group", "Z5", "--hidden", "8", "--epochs", "4", "--lr", "0.05", "--wd", "1e-4", "--seeds", "1",
            "--dtype", "float64", "--device", "cpu", "--json"]
    assert main([*args, "--optimizer", "sgd", "--out", str(tmp_path / "s")]) == 0
    doc = json.loads(capsys.readouterr().out)
    api = train(TrainConfig(group="Z5", q=8, epochs=4, lrs=(0.05,), wds=(1e-4,), seeds=(1,), dtype="float64", device="cpu",
                            optimizer="sgd"))
    assert api.to_json()["runs"][0]["metrics"] == doc["runs"][0]["metrics"]
    summary = json.loads((tmp_path / "s" / "summary.json").read_text())
    assert summary["config"]["optimizer"] == "sgd"
    assert main([*args, "--out", str(tmp_path / "a")]) == 0  # default: Adam, different numbers
    assert json.loads(capsys.readouterr().out)["runs"][0]["metrics"][-1] != doc["runs"][0]["metrics"][-1]


def test_diverging_run_is_frozen_and_others_unharmed():
    base = dict(group="Z7", q=12, epochs=25, seeds=(1, 2), device="cpu", dtype="float32", wds=(1e-4,))
    mixed = train(TrainConfig(lrs=(0.01, 1e6), **base))
    alone = train(TrainConfig(lrs=(0.01,), **base))
    status = [mixed.status(r.index) for r in mixed.runs]
    assert status == ["ok", "diverged", "ok", "diverged"]
    for r_mixed, r_alone in ((0, 0), (2, 1)):
        for n in mixed.metrics:
            assert np.array_equal(mixed.metrics[n][r_mixed], alone.metrics[n][r_alone], equal_nan=True)
        for w in ("W_a", "W_b", "W_c"):
            assert torch.equal(getattr(mixed, w)[r_mixed], getattr(alone, w)[r_alone])
    r = 1
    e = mixed.diverged_epoch[r]
    assert 0 < e < 25
    after = [i for i, ep in enumerate(mixed.epochs) if ep >= e]
    assert np.all(np.isnan(mixed.metrics["train_loss"][r, after]))
    assert all(np.isfinite(w).all() for w in mixed.weights(r))  # frozen at the last finite state
    from models.jsonable import jsonable

    text = json.dumps(jsonable(mixed.to_json()), allow_nan=False)
    assert json.loads(text)["runs"][1]["status"] == "diverged"


def test_poisoned_init_diverges_at_epoch0_alone():
    G = parse_group("Z5")
    gen = torch.Generator().manual_seed(0)
    W = [torch.rand(3, 8, 5, generator=gen, dtype=torch.float64) - 0.5, torch.rand(3, 8, 5, generator=gen, dtype=torch.float64) - 0.5,
         torch.rand(3, 5, 8, generator=gen, dtype=torch.float64) - 0.5]
    W_poison = [w.clone() for w in W]
    W_poison[2][1, 0, 0] = float("nan")
    c3 = TrainConfig(group=G.spec, q=8, epochs=12, seeds=(1, 2, 3), device="cpu", dtype="float64")
    res = train(c3, init=W_poison)
    assert res.diverged_epoch.tolist() == [-1, 0, -1]
    assert torch.isnan(res.W_c[1, 0, 0]) and torch.equal(res.W_a[1], W_poison[0][1])
    good = train(c3, init=W)
    for r in (0, 2):
        assert np.array_equal(res.metrics["train_loss"][r], good.metrics["train_loss"][r])
        assert torch.equal(res.W_a[r], good.W_a[r])


@pytest.mark.parametrize(
    "kw,match",
    [
        (dict(lrs=(0.0,)), "learning rate"),
        (dict(lrs=(float("nan"),)), "learning rate"),
        (dict(lrs=(-1e-3,)), "learning rate"),
        (dict(wds=(-1e-4,)), "weight decay"),
        (dict(train_frac=0.0), "train fraction"),
        (dict(train_frac=1.5), "train fraction"),
        (dict(q=0), "hidden width"),
        (dict(epochs=-1), "epochs"),
        (dict(device="tpu"), "device"),
        (dict(eval_epochs=(3, 11)), "eval epochs"),
        (dict(seeds=()), "seed"),
        (dict(group="Z1"), "trivial"),
        (dict(optimizer="rmsprop"), "optimizer"),
    ],
)
def test_impossible_settings_refused(kw, match):
    with pytest.raises(ValueError, match=match):
        cfg(**kw)


@pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA present")
def test_cuda_requested_but_unavailable():
    with pytest.raises(ValueError, match="CUDA"):
        train(cfg(device="cuda"))


def test_default_seeding_deterministic_and_shared_by_seed():
    c = cfg(epochs=5, seeds=(3, 4), wds=(0.0, 1e-3), dtype="float32")
    a, b = train(c), train(c)
    assert np.array_equal(a.metrics["train_loss"], b.metrics["train_loss"], equal_nan=True)
    assert torch.equal(a.W_a, b.W_a)
    runs = a.runs  # seed 3 wd 0, seed 3 wd 1e-3, seed 4 wd 0, seed 4 wd 1e-3
    assert [(r.seed, r.wd) for r in runs] == [(3, 0.0), (3, 1e-3), (4, 0.0), (4, 1e-3)]
    assert a.metrics["train_loss"][0, 0] == a.metrics["train_loss"][1, 0]  # same init and split
    assert a.metrics["train_loss"][0, 0] != a.metrics["train_loss"][2, 0]


def test_objective_replaces_the_loss():
    """A stub objective: the docs/mathematics.md#the-network-and-its-loss loss over all pairs, by autograd. With train fraction 1 it
    is the same loss as the built-in one, so the trajectories agree to rounding."""
    G = parse_group("Z5")
    table = np.array(G.cayley_table())

    def all_pairs_loss(W_a, W_b, W_c):
        return torch.stack([spec_loss(W_a[r], W_b[r], W_c[r], 5, table, torch.arange(25))[0] for r in range(W_a.shape[0])])

    c = cfg(group="Z5", epochs=15, seeds=(1, 2), train_frac=1.0)
    a = train(c, objective=all_pairs_loss)
    b = train(c)
    np.testing.assert_allclose(a.metrics["train_loss"], b.metrics["train_loss"], rtol=1e-9)
    np.testing.assert_allclose(a.metrics["objective"], a.metrics["train_loss"], rtol=1e-12)
    assert a.objective == "all_pairs_loss"


def test_recorders_and_sp_recording():
    seen = []

    def rec(epoch, W_a, W_b, W_c):
        seen.append(epoch)
        return {"norm": W_a.flatten(1).norm(dim=1), "pair": torch.stack([W_b.sum((1, 2)), W_c.sum((1, 2))], 1)}

    res = train(cfg(epochs=6, seeds=(1, 2), eval_epochs=(0, 3), record_sp=True), recorders=[rec], sp_recorder=sp_recorder)
    assert seen == [0, 3, 6] and res.epochs == (0, 3, 6)
    assert res.records["norm"].shape == (2, 3) and res.records["pair"].shape == (2, 3, 2)
    assert res.records["rn_aac"].shape == (2, 3, 3) and res.records["off_diag"].shape == (2, 3)
    np.testing.assert_allclose(res.records["norm"][:, -1], res.W_a.flatten(1).norm(dim=1).numpy())
    # the recorded SP values are sp_trajectory of the weights at that epoch (here: the final ones)
    final = sp_trajectory(parse_group(res.config.group), res.W_a, res.W_b, res.W_c)
    for name, val in final.items():
        np.testing.assert_allclose(res.records[name][:, -1], val.numpy(), rtol=1e-12, atol=1e-14)


def test_sp_recording_needs_the_recorder_passed_in():
    """The trainer knows nothing of SP (models must not import cogs): record_sp without the
    recorder is refused before any work; without record_sp an sp_recorder is not called."""
    with pytest.raises(ValueError, match="sp_recorder"):
        train(cfg(epochs=2, record_sp=True))

    def never(group):
        raise AssertionError("called without record_sp")

    assert train(cfg(epochs=2), sp_recorder=never).records == {}


# ----------------------------------------------------------------------------- dynamics
@pytest.mark.parametrize("spec", ["Z5", "Z2xZ4", "Z3xZ3"])
def test_sp_trajectory_against_brute_force(spec):
    G = parse_group(spec)
    d, q, R = G.order, 6, 2
    gen = torch.Generator().manual_seed(1)
    W_a, W_b = torch.randn(R, q, d, generator=gen, dtype=torch.float64), torch.randn(R, q, d, generator=gen, dtype=torch.float64)
    W_c = torch.randn(R, d, q, generator=gen, dtype=torch.float64)
    got = sp_trajectory(G, W_a, W_b, W_c)
    chi = torch.as_tensor(np.array(G.character_table()))  # chi[k, g]
    lam = (2 * d) ** (1 / 3)
    for r in range(R):
        A = lam * torch.einsum("jg,kg->kj", W_a[r].cdouble(), chi.conj()) / d
        B = lam * torch.einsum("jg,kg->kj", W_b[r].cdouble(), chi.conj()) / d
        C = lam * torch.einsum("gj,kg->kj", W_c[r].cdouble(), chi) / d
        full = torch.einsum("aj,bj,cj->abc", A, B, C)  # r_{k1 k2 k}
        diag = torch.stack([full[k, k, k] for k in range(d)])
        assert got["sum_re_rkkk"][r].item() == pytest.approx(diag[1:].real.sum().item(), abs=1e-10)
        off = sum((full[:, :, k].abs() ** 2).sum() - diag[k].abs() ** 2 for k in range(1, d))
        assert got["off_diag"][r].item() == pytest.approx(off.item(), rel=1e-10)
        rn = [abs((A[o.k].conj() * A[o.k] * C[o.k]).sum().item()) for o in G.orbits()]
        np.testing.assert_allclose(got["rn_aac"][r].numpy(), rn, rtol=1e-10)


def test_resume_skips_a_damaged_newest_checkpoint(tmp_path):
    """A truncated newest checkpoint is skipped with a warning; resuming from the one before
    still reproduces the uninterrupted run bit for bit. With every checkpoint damaged, the
    newest one's error is raised."""
    evals = (0, 5, 10, 30)
    full = train(cfg(epochs=30, seeds=(1,), eval_epochs=evals))
    train(cfg(epochs=20, seeds=(1,), eval_epochs=evals[:3]), checkpoint_dir=tmp_path)
    (e_prev, prev), (_, newest) = list_checkpoints(tmp_path)[-2:]
    newest.write_bytes(newest.read_bytes()[:100])
    # mark the epoch-0 train loss stored in the previous checkpoint: it shows up only if the
    # resumed job really started from that checkpoint (a fresh start would recompute it)
    state = load_checkpoint(prev)
    state["history"][0]["metrics"]["train_loss"] = torch.tensor([123.0], dtype=torch.float64)
    save_checkpoint(tmp_path, e_prev, {k: v for k, v in state.items() if k not in ("format", "version", "epoch")})
    with pytest.warns(RuntimeWarning, match="skipping unreadable checkpoint"):
        resumed = train(cfg(epochs=30, seeds=(1,), eval_epochs=evals), checkpoint_dir=tmp_path, resume=True)
    assert resumed.metrics["train_loss"][0, 0] == 123.0
    for w in ("W_a", "W_b", "W_c"):
        assert torch.equal(getattr(full, w), getattr(resumed, w))
    for _, p in list_checkpoints(tmp_path):
        p.write_bytes(b"not a checkpoint")
    with pytest.raises(ValueError, match="checkpoint"):
        train(cfg(epochs=30, seeds=(1,)), checkpoint_dir=tmp_path, resume=True)


def test_package_names_load_on_first_use():
    """models and models.training export their names lazily (so that importing one submodule
    does not import torch); every exported name resolves to its submodule's object."""
    import models
    import models.training as training
    from models.training import checkpoint, config, trainer

    for name in training.__all__:
        assert getattr(training, name) is getattr(getattr(training, training._EXPORTS[name]), name)
    assert models.train is trainer.train and models.TrainConfig is config.TrainConfig
    assert checkpoint.CHECKPOINT_EVERY_S is config.CHECKPOINT_EVERY_S  # one definition, torch-free
    assert set(models.__all__) <= set(dir(models))
    with pytest.raises(AttributeError):
        training.not_a_name  # noqa: B018


def _refusal(fn):
    """The message a call refuses with (None: it does not refuse)."""
    from models.training import CheckpointError

    try:
        fn()
    except CheckpointError as e:
        return str(e)
    return None


def test_the_trainer_and_the_output_folder_agree_on_what_resumes(tmp_path):
    """resume_point is the trainer's own check: for every job asked to resume a checkpoint,
    train(resume=True) refuses exactly when resume_point does, with the same message, and
    cogs.jobs.outdir.check_resume (what train, compare and sweep ask before they delete
    anything) refuses with that message too; where none refuses, all three continue from the
    same epoch."""
    from cogs.jobs.outdir import CannotResume, Outputs, check_resume
    from cogs.sp.objectives import make_objective
    from groups import parse_group
    from models.training.trainer import resume_point

    base = dict(epochs=8, seeds=(1, 2), eval_epochs=(0, 4))
    train(cfg(**base), checkpoint_dir=tmp_path / "ck", keep_checkpoints=1)
    outputs = Outputs("train", ("ck",))
    jobs = [(dict(), None, None), (dict(epochs=12), None, None), (dict(eval_epochs=(0,)), None, None),
            (dict(eval_epochs=(0, 3)), None, "no evaluation of epoch(s) [3]"),
            (dict(epochs=5), None, "beyond --epochs 5"),
            (dict(seeds=(1, 3)), None, "differs in seeds"), (dict(wds=(1e-3,)), None, "differs in wds"),
            (dict(q=11), None, "differs in q"), (dict(dtype="float32"), None, "differs in dtype"),
            (dict(optimizer="sgd"), None, "differs in optimizer"), (dict(record_sp=True), None, "differs in record_sp"),
            (dict(seeding="reference"), None, "differs in seeding"), (dict(train_frac=0.8), None, "differs in train_frac"),
            (dict(), "sp", "differs in objective")]
    refused = 0
    for change, objective, needle in jobs:
        config = cfg(**dict(base, **change))
        fn = make_objective(objective, parse_group(config.group)) if objective else None
        point = _refusal(lambda: resume_point(config, tmp_path / "ck", objective=fn))
        if needle is None:
            assert point is None, change
            start = resume_point(config, tmp_path / "ck", objective=fn).epoch
            assert start == 8 and check_resume(tmp_path, outputs, [(None, [(tmp_path / "ck", config, objective)])])
            continue
        refused += 1
        assert needle in point, (change, point)
        assert _refusal(lambda: train(config, objective=fn, sp_recorder=sp_recorder, checkpoint_dir=tmp_path / "ck",
                                      resume=True)) == point
        with pytest.raises(CannotResume) as e:
            check_resume(tmp_path, outputs, [(None, [(tmp_path / "ck", config, objective)])])
        assert point in str(e.value) and "nothing was deleted" in str(e.value)
    assert refused == 11 and [e for e, _ in list_checkpoints(tmp_path / "ck")] == [8]  # refusals delete nothing


def test_a_checkpoint_with_another_split_is_refused_by_both(tmp_path):
    """A checkpoint whose job key fits but whose train masks do not (edited by hand): the
    trainer and the resume check refuse it alike."""
    from models.training.trainer import resume_point

    config = cfg(epochs=4, seeds=(1,))
    train(config, checkpoint_dir=tmp_path, keep_checkpoints=1)
    (_, path), = list_checkpoints(tmp_path)
    state = load_checkpoint(path)
    state["masks"] = ~state["masks"]
    save_checkpoint(tmp_path, 4, {k: v for k, v in state.items() if k not in ("format", "version", "epoch")})
    message = _refusal(lambda: resume_point(config, tmp_path))
    assert message and "split differs" in message
    assert _refusal(lambda: train(cfg(epochs=6, seeds=(1,)), checkpoint_dir=tmp_path, resume=True)) == message
    from cogs.jobs.outdir import CannotResume, Outputs, check_resume

    with pytest.raises(CannotResume, match="split differs"):
        check_resume(tmp_path, Outputs("train", ()), [(None, [(tmp_path, config, None)])])


@pytest.mark.parametrize("activation, loss", [("relu", "ce"), ("silu", "mse"), ("relusqr", "ce")])
def test_compiled_chunk_matches_eager_for_other_setups(activation, loss):
    """The torch.compile path (or its eager fallback) computes what the eager pair grid does
    for every activation and loss."""
    G = parse_group("Z7")
    masks = np.random.default_rng(0).random((2, 49)) < 0.8
    gen = torch.Generator().manual_seed(1)
    W = [torch.randn(2, 6, 7, generator=gen, dtype=torch.float64), torch.randn(2, 6, 7, generator=gen, dtype=torch.float64),
         torch.randn(2, 7, 6, generator=gen, dtype=torch.float64)]
    kw = dict(q=6, device="cpu", dtype=torch.float64, activation=activation, loss=loss)
    eager = PairGrid(G, masks, **kw).evaluate(*W, grad=True, metrics=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        comp = PairGrid(G, masks, compile=True, **kw).evaluate(*W, grad=True, metrics=True)
    assert torch.allclose(eager[0], comp[0], rtol=1e-12, atol=1e-12)
    for a, b in zip(eager[1], comp[1]):
        assert torch.allclose(a, b, rtol=1e-10, atol=1e-12)



def test_resume_keeps_exactly_the_rows_of_an_uninterrupted_run_and_refuses_another_init(tmp_path):
    """A resume with more epochs has the evaluation rows an uninterrupted run of that length
    has (the earlier job's last-epoch row, which the longer job does not take, is dropped); a
    resume from other initial weights is refused."""
    from models.training import CheckpointError

    full = train(cfg(epochs=16, seeds=(1,)))
    train(cfg(epochs=8, seeds=(1,)), checkpoint_dir=tmp_path / "a")  # evaluates epoch 7, which 16 does not
    resumed = train(cfg(epochs=16, seeds=(1,)), checkpoint_dir=tmp_path / "a", resume=True)
    assert resumed.epochs == full.epochs and 7 not in resumed.epochs
    assert np.array_equal(resumed.metrics["train_loss"], full.metrics["train_loss"])
    init = full.weights(0)
    train(cfg(epochs=4, seeds=(1,)), init=init, checkpoint_dir=tmp_path / "b")
    other = tuple(2 * w for w in init)
    with pytest.raises(CheckpointError, match="differs in init"):
        train(cfg(epochs=8, seeds=(1,)), init=other, checkpoint_dir=tmp_path / "b", resume=True)
    again = train(cfg(epochs=8, seeds=(1,)), init=init, checkpoint_dir=tmp_path / "b", resume=True)
    assert again.epochs[-1] == 8
