"""Training set-ups (docs/training.md): their speed against the paper's, and what they learn.

``speed`` (default): epochs per second of one batched job of R runs for each activation, loss
and optimiser, beside sqr/MSE/Adam measured in the same round (ratio set-up / paper set-up;
rounds alternate so that every set-up sees the same machine load), and batched against a
reference-style loop (one torch model and one optimiser per run, autograd, the runs one after
the other: ratio loop seconds / batched seconds for the same R runs and epochs).

``measure``: what each set-up learns on Z23 (q = 512, seeds 1–5, Adam/AdamW/Muon at lr 0.01,
wd 5e-5, `--seeding reference`): final test accuracy (mean over seeds), epochs to 99 % test
accuracy (evaluated every 10 epochs; median over the seeds that reach it, and how many do)
and the per-orbit order histogram of the trained input layers; then the critical split: test
accuracy at δ = +0.5 and −0.5 (train fraction just below and just above the critical ratio)
on Z23 and Z71. Prints Markdown tables (the README's).

    python benchmarks/setups.py speed [--q 512] [--runs 5] [--epochs 20] [--rounds 3] [--threads T] [--quick]
    python benchmarks/setups.py measure [--epochs 10000] [--critical-epochs 5000] [--threads T] [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import numpy as np
import torch

from models.training import TrainConfig, train

SETUPS = [  # (label, training keywords)
    ("sqr/MSE/Adam", {}),
    ("sqr/CE/Adam", dict(loss="ce")),
    ("relu/CE/Adam", dict(activation="relu", loss="ce")),
    ("relu/MSE/Adam", dict(activation="relu")),
    ("silu/MSE/Adam", dict(activation="silu")),
    ("relusqr/MSE/Adam", dict(activation="relusqr")),
    ("sqr/MSE/SGD(0.9)", dict(optimizer="sgd", momentum=0.9)),
    ("sqr/MSE/AdamW", dict(optimizer="adamw")),
    ("sqr/MSE/Muon", dict(optimizer="muon")),
    ("sqr/MSE/Adam, 3 operands", dict(operands=3)),
    ("sqr/MSE/Adam, ridge 1e-3", dict(ridge=1e-3)),
]


def epoch_seconds(group: str, q: int, runs: int, epochs: int, **setup) -> float:
    """Median seconds per epoch of one batched job (epoch 0 excluded)."""
    stamps = {}

    def progress(done, total):
        stamps[done] = time.perf_counter()

    config = TrainConfig(group=group, q=q, epochs=epochs + 1, seeds=tuple(range(1, runs + 1)), eval_epochs=(0,),
                         device="cpu", dtype="float32", **setup)
    train(config, progress=progress)
    return statistics.median(stamps[e + 1] - stamps[e] for e in range(1, epochs + 1))


def loop_seconds(d: int, q: int, runs: int, epochs: int, activation="sqr", loss="mse", optimizer="adam",
                 momentum=0.0, operands=2, ridge=None, **_) -> float:
    """Seconds per epoch (all runs) of the reference style: per run a torch module (one
    Linear(K·d, q), one Linear(q, d)), its optimiser, and a full-batch autograd step over the
    train tuples, the runs one after the other (Muon: its update written out per run)."""
    import itertools

    import torch.nn.functional as F
    from torch import nn

    from models.activations import activate
    from models.training.muon import newton_schulz5

    tuples = torch.tensor(list(itertools.product(range(d), repeat=operands)))
    y = tuples.sum(1) % d
    n_train = int(0.9 * len(tuples))
    X, Y = tuples[:n_train], y[:n_train]
    onehot = torch.cat([F.one_hot(X[:, k], d) for k in range(operands)], 1).float()
    models = []
    for r in range(runs):
        torch.manual_seed(r)
        W, V = nn.Linear(operands * d, q, bias=False), nn.Linear(q, d, bias=False)
        if optimizer == "sgd":
            opt = torch.optim.SGD([*W.parameters(), *V.parameters()], lr=0.01, momentum=momentum, weight_decay=5e-5)
        elif optimizer == "adamw":
            opt = torch.optim.AdamW([*W.parameters(), *V.parameters()], lr=0.01, weight_decay=5e-5)
        elif optimizer == "muon":
            opt = torch.optim.Adam(V.parameters(), lr=0.01, weight_decay=5e-5)
        else:
            opt = torch.optim.Adam([*W.parameters(), *V.parameters()], lr=0.01, weight_decay=5e-5)
        models.append((W, V, opt, torch.zeros_like(W.weight)))

    def step(W, V, opt, m):
        h = activate(activation, W(onehot))
        if ridge is not None:
            with torch.no_grad():
                T = F.one_hot(Y, d).float() - 1.0 / d
                V.weight[:] = torch.linalg.solve(h.T @ h + ridge * torch.eye(q), h.T @ T).T
        o = V(h)
        if loss == "ce":
            L = F.cross_entropy(o, Y)
        else:
            oz = o - o.mean(1, keepdim=True)
            L = oz.pow(2).sum(1).mean() - 2 * oz.gather(1, Y[:, None]).mean() + 1 - 1 / d
        opt.zero_grad()
        W.weight.grad = None
        L.backward()
        opt.step()
        if optimizer == "muon":
            with torch.no_grad():
                W.weight.mul_(1 - 0.01 * 5e-5)
                m.lerp_(W.weight.grad, 1 - 0.99)
                W.weight.add_(newton_schulz5(m), alpha=-0.01)

    for W, V, opt, m in models:  # warm-up
        step(W, V, opt, m)
    t = time.perf_counter()
    for _ in range(epochs):
        for W, V, opt, m in models:
            step(W, V, opt, m)
    return (time.perf_counter() - t) / epochs


def speed(args) -> int:
    q, runs, epochs, rounds = (16, 2, 2, 1) if args.quick else (args.q, args.runs, args.epochs, args.rounds)
    group, d = "Z23", 23
    print(f"Z23, q = {q}, {runs} runs, {epochs} epochs per job, {rounds} round(s), {torch.get_num_threads()} thread(s)")
    print("| set-up | s / epoch (batched) | vs sqr/MSE/Adam | reference-style loop s / epoch | loop / batched |")
    print("|---|---|---|---|---|")
    for label, setup in SETUPS:
        mine, base, loop = [], [], []
        for _ in range(rounds):
            base.append(epoch_seconds(group, q, runs, epochs))
            mine.append(epoch_seconds(group, q, runs, epochs, **setup))
            loop.append(loop_seconds(d, q, runs, max(1, epochs // 4), **setup))
        m, b, lp = statistics.median(mine), statistics.median(base), statistics.median(loop)
        print(f"| {label} | {m:.4f} | {m / b:.2f} | {lp:.4f} | {lp / m:.1f} |", flush=True)
    return 0


def _first_epoch(epochs, acc, level=0.99):
    hit = np.flatnonzero(acc >= level)
    return int(epochs[hit[0]]) if hit.size else None


def _orders(batch) -> dict:
    import cogs

    report = cogs.analyze([r.network for r in batch if r.network is not None])
    return (report.to_dict().get("order_histogram") or {}).get("complex", {})  # Z23: complex orbits only


def _histogram_text(hist: dict) -> str:
    """'order: count, …' (orbits over all seeds), or for a wide spread 'median M (a–b), N orbits'."""
    items = sorted((int(k), int(v)) for k, v in hist.items())
    if len(items) <= 6:
        return ", ".join(f"{k}: {v}" for k, v in items)
    orders = np.repeat([k for k, _ in items], [v for _, v in items])
    return f"median {int(np.median(orders))} ({orders.min()}–{orders.max()}), {len(orders)} orbits"


def measure(args) -> int:
    import cogs

    E = 30 if args.quick else args.epochs
    q, seeds = (32, [1, 2]) if args.quick else (512, [1, 2, 3, 4, 5])
    every = 10
    print(f"Z23, q = {q}, seeds {seeds[0]}–{seeds[-1]}, {E} epochs, lr 0.01, wd 5e-5, reference seeding, "
          f"90/10 split, float32, test accuracy every {every} epochs")
    print("| set-up | final test acc (mean) | epochs to 99 % test acc (median; runs reaching) | orders per orbit |")
    print("|---|---|---|---|")
    for opt in ("adam", "adamw", "muon"):
        for act, loss in (("sqr", "mse"), ("sqr", "ce"), ("relu", "ce"), ("relu", "mse")):
            t0 = time.perf_counter()
            runs = cogs.train("Z23", hidden=q, epochs=E, seeds=seeds, lr=0.01, wd=5e-5, seeding="reference",
                              eval_epochs=list(range(0, E, every)), optimizer=opt, activation=act, loss=loss)
            final = [r.final["test_acc"] for r in runs]
            hits = []
            for r in runs:
                ep = np.array([m["epoch"] for m in r.metrics])
                acc = np.array([np.nan if m["test_acc"] is None else m["test_acc"] for m in r.metrics])
                hits.append(_first_epoch(ep, acc))
            reached = [h for h in hits if h is not None]
            grok = f"{int(statistics.median(reached))} ({len(reached)}/{len(runs)})" if reached else f"— (0/{len(runs)})"
            hist_text = _histogram_text(_orders(runs))
            print(f"| {act}/{loss.upper()}/{dict(adam='Adam', adamw='AdamW', muon='Muon')[opt]} | "
                  f"{np.mean(final):.3f} | {grok} | {hist_text} |", flush=True)
            print(f"  ({time.perf_counter() - t0:.0f} s)", file=sys.stderr, flush=True)
    Ec = 30 if args.quick else args.critical_epochs
    print()
    print(f"Critical split, sqr/MSE/Adam, q = {q}, seeds {seeds[0]}–{seeds[-1]}, {Ec} epochs: final test accuracy "
          "(mean over seeds; train fraction in brackets)")
    print("| group | δ = +0.5 (below the ratio) | δ = −0.5 (above the ratio) |")
    print("|---|---|---|")
    from models.training.config import critical_test_size

    for group in ("Z23", "Z71"):
        cells = []
        for delta in (0.5, -0.5):
            runs = cogs.train(group, hidden=q, epochs=Ec, seeds=seeds, lr=0.01, wd=5e-5, seeding="reference",
                              train_frac="critical", critical_delta=delta, eval_epochs=[0])
            frac = 1 - critical_test_size(group, delta)
            cells.append(f"{np.mean([r.final['test_acc'] for r in runs]):.3f} ({frac:.3f})")
        print(f"| {group} | {cells[0]} | {cells[1]} |", flush=True)
    return 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("mode", nargs="?", choices=("speed", "measure"), default="speed")
    p.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    p.add_argument("--q", type=int, default=512)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--epochs", type=int, default=None)
    p.add_argument("--critical-epochs", type=int, default=5000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--threads", type=int, default=None)
    args = p.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.epochs is None:
        args.epochs = 20 if args.mode == "speed" else 10000
    return speed(args) if args.mode == "speed" else measure(args)


if __name__ == "__main__":
    sys.exit(main())
