"""Training throughput: the batched trainer vs a plain per-run torch loop.

Prints runs·epochs per second and achieved GFLOP/s against this machine's measured float32
matmul rate, for d ∈ {23, 71}, q = 512, R ∈ {1, 5, 25}, then
  * the batched / per-run speed ratio of the 25-run d = 23 sweep (target ≥ 10×), and
  * the d = 71, R = 25 epoch time against the FLOP floor (target within 2×).

FLOPs of one epoch over N pairs (per run): forward h = (W_a[a] + W_b[b])²: 2·q·N (add,
square); o = W_c h: 2·d·q·N; backward ≈ 2× the forward matmuls: 4·d·q·N. The floor uses the
run's N_train = 0.9·d² train pairs at the measured matmul rate; the batched trainer evaluates
all d² pairs (per-run masks), and its GFLOP/s counts the work it does.

    python benchmarks/train_throughput.py [--quick] [--threads T] [--device cpu|cuda]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import torch
from torch import nn

from groups import parse_group
from models.training import TrainConfig, train
from models.training.seeding import default_init, split


def matmul_gflops(device, n: int, reps: int) -> float:
    a = torch.randn(n, n, device=device)
    b = torch.randn(n, n, device=device)
    best = float("inf")
    for _ in range(reps + 1):
        _sync(device)
        t = time.perf_counter()
        a @ b
        _sync(device)
        best = min(best, time.perf_counter() - t)
    return 2 * n**3 / best / 1e9


def _sync(device):
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize()


def epoch_flops(d: int, q: int, n_pairs: int) -> float:
    return 2 * q * n_pairs + 6 * d * q * n_pairs


def time_batched(d, q, R, epochs, device) -> float:
    """Seconds per epoch of one batched job of R runs (setup and final evaluation excluded)."""
    stamps = {}

    def progress(done, total):
        _sync(device)
        stamps[done] = time.perf_counter()

    config = TrainConfig(group=f"Z{d}", q=q, epochs=epochs + 1, seeds=tuple(range(1, R + 1)), eval_epochs=(0,),
                         device=device, dtype="float32")
    train(config, progress=progress)
    steps = [stamps[e + 1] - stamps[e] for e in range(1, epochs + 1)]
    return statistics.median(steps)  # robust to other processes sharing the CPU


def time_per_run_loop(d, q, R, epochs, device) -> float:
    """Seconds per epoch for R runs trained one after another, plain torch: nn.Parameters,
    torch.optim.Adam(weight_decay), autograd on the SPEC §2 loss over the train pairs."""
    G = parse_group(f"Z{d}")
    table = torch.as_tensor(np.array(G.cayley_table()), device=device)
    total = 0.0
    for seed in range(1, R + 1):
        W = [nn.Parameter(w.float().to(device)) for w in default_init(d, q, seed)]
        tr, _ = split(d, seed, 0.9, "default")
        tr = torch.as_tensor(tr, device=device)
        a, b = tr // d, tr % d
        y = table[a, b]
        opt = torch.optim.Adam(W, lr=0.01, weight_decay=1e-4)
        steps = []
        for e in range(epochs + 1):
            _sync(device)
            t = time.perf_counter()
            opt.zero_grad(set_to_none=True)
            o = W[2] @ (W[0][:, a] + W[1][:, b]) ** 2  # (d, N)
            oc = o - o.mean(0, keepdim=True)
            loss = ((oc**2).sum(0) - 2 * oc.gather(0, y[None]).squeeze(0)).mean() + 1 - 1 / d
            loss.backward()
            opt.step()
            _sync(device)
            if e > 0:  # epoch 0 warms up
                steps.append(time.perf_counter() - t)
        total += statistics.median(steps)
    return total


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="few epochs, smaller matmul probe")
    p.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's)")
    p.add_argument("--device", default="cpu")
    p.add_argument("--q", type=int, default=512)
    args = p.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    dev = args.device
    q = args.q
    peak = matmul_gflops(dev, 1024 if args.quick else 2048, 2 if args.quick else 5)
    print(f"device {dev}, threads {torch.get_num_threads()}, float32 matmul {peak:.1f} GFLOP/s")
    print(f"{'d':>4} {'R':>3} {'mode':>8} {'s/epoch':>9} {'run-ep/s':>9} {'GFLOP/s':>8} {'of peak':>8}")
    res = {}
    for d in (23, 71):
        for R in (1, 5, 25):
            if args.quick:
                ep_b = 5 if d == 23 else 2
                ep_l = 3 if d == 23 else 1
            else:
                ep_b = 30 if d == 23 else 5
                ep_l = 20 if d == 23 else 3
            tb = time_batched(d, q, R, ep_b, dev)
            tl = time_per_run_loop(d, q, R, ep_l, dev)
            res[(d, R)] = (tb, tl)
            n_all, n_tr = d * d, d * d - -(-d * d // 10)
            for mode, t, n in (("batched", tb, n_all), ("per-run", tl, n_tr)):
                gf = R * epoch_flops(d, q, n) / t / 1e9
                print(f"{d:>4} {R:>3} {mode:>8} {t:>9.4f} {R / t:>9.1f} {gf:>8.1f} {gf / peak:>7.0%}")
    tb, tl = res[(23, 25)]
    print(f"d=23 R=25: batched is {tl / tb:.1f}x the per-run loop (target >= 10x)")
    tb, _ = res[(71, 25)]
    n_tr = 71 * 71 - -(-71 * 71 // 10)
    floor = 25 * epoch_flops(71, q, n_tr) / (peak * 1e9)
    print(f"d=71 R=25: {tb:.3f} s/epoch vs FLOP floor {floor:.3f} s at the matmul rate: {tb / floor:.1f}x (target <= 2x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
