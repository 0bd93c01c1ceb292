"""A run's numbers do not depend on which other runs share its batch (nor, on a CPU, on the
thread count): training a seed alone or inside a batch gives bitwise the same weights and
metrics, compared with ``==``, in float32 and float64 (models.training.pair_grid)."""

from __future__ import annotations

import contextlib

import numpy as np
import pytest
import torch

from groups import parse_group
from models.training import PairGrid, TrainConfig, train
from models.training import pair_grid


@contextlib.contextmanager
def threads(n: int):
    old = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(old)


@contextlib.contextmanager
def run_block_budget(elements: int | None):
    """Shrink the work-buffer budget so that the runs are split into several blocks."""
    old = dict(pair_grid._BUDGET)
    if elements is not None:
        pair_grid._BUDGET["cpu"] = elements
    try:
        yield
    finally:
        pair_grid._BUDGET.clear()
        pair_grid._BUDGET.update(old)


def _weights(R, q, d, dtype, seed):
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(R, q, d, generator=g, dtype=dtype), torch.randn(R, q, d, generator=g, dtype=dtype),
            torch.randn(R, d, q, generator=g, dtype=dtype)]


def _evaluate(G, W, masks, idx, dtype, rows):
    grid = PairGrid(G, masks[idx], q=W[0].shape[1], device="cpu", dtype=dtype, chunk_rows=rows)
    loss, grads, metrics = grid.evaluate(*(w[idx].contiguous() for w in W), grad=True, metrics=True)
    return loss, grads, metrics


def _slot(out, k):
    loss, grads, metrics = out
    return [loss[k], *(g[k] for g in grads), *(metrics[n][k] for n in sorted(metrics))]


def _same(a, b) -> bool:
    return all(torch.equal(x, y) or (bool(x.isnan().all()) and bool(y.isnan().all())) for x, y in zip(a, b))


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("spec,q", [("Z5", 33), ("Z7", 16), ("Z2xZ6", 8), ("Z23", 100)])
def test_one_evaluation_is_the_same_alone_and_in_any_batch(spec, q, dtype):
    """Loss, gradient and metrics of run 5 of 7: alone, first of three, in the middle of all
    seven, with the runs split into one-run blocks, chunked or not, with 1 or 2 threads.
    (Odd widths make the per-run slices of a plain batched tensor misaligned, which is what
    made MKL round differently before.)"""
    G = parse_group(spec)
    d, R = G.order, 7
    W = _weights(R, q, d, dtype, seed=q)
    masks = np.random.default_rng(q).random((R, d * d)) < 0.9
    for rows in (None, 2):
        with threads(1):
            alone = _slot(_evaluate(G, W, masks, [5], dtype, rows), 0)
        for n_threads, idx, budget in ((2, [5], None), (1, [5, 0, 2], None), (2, [0, 2, 5], None),
                                       (2, list(range(R)), None), (2, list(range(R)), 1), (1, list(range(R)), 1)):
            with threads(n_threads), run_block_budget(budget):
                got = _slot(_evaluate(G, W, masks, idx, dtype, rows), idx.index(5))
            assert _same(alone, got), (spec, q, dtype, rows, n_threads, idx, budget)


def test_chunk_rows_do_not_depend_on_the_number_of_runs():
    for d, q in ((5, 8), (23, 512), (71, 512), (127, 2048)):
        rows = {pair_grid.chunk_plan(d, q, R)[0] for R in (1, 2, 5, 25, 300)}
        assert len(rows) == 1, (d, q, rows)
        rows_, block = pair_grid.chunk_plan(d, q, 300)
        assert block * rows_ * d * q <= max(pair_grid._BUDGET["cpu"], rows_ * d * q)  # memory stays bounded


def _job(dtype, seeds, lrs, wds, optimizer="adam", epochs=25):
    return TrainConfig(group="Z7", q=33, epochs=epochs, seeds=seeds, lrs=lrs, wds=wds, device="cpu", dtype=dtype,
                       eval_epochs=(0, 3, 10), optimizer=optimizer)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_training_a_seed_alone_or_in_a_batch_of_three_gives_equal_weights(dtype, optimizer):
    lr, wd = (0.01, 1e-4) if optimizer == "adam" else (0.05, 1e-4)
    alone = train(_job(dtype, (2,), (lr,), (wd,), optimizer))
    batch = train(_job(dtype, (1, 2, 3), (lr,), (wd,), optimizer))
    mixed = train(_job(dtype, (2, 5), (lr, lr / 2), (0.0, wd), optimizer))  # (2, lr, wd) is run 2 of 8
    for res, r in ((batch, 1), (mixed, 2)):
        assert (res.runs[r].seed, res.runs[r].lr, res.runs[r].wd) == (2, lr, wd)
        for w in ("W_a", "W_b", "W_c"):
            assert torch.equal(getattr(alone, w)[0], getattr(res, w)[r]), (w, r)
        for name in alone.metrics:
            assert np.array_equal(alone.metrics[name][0], res.metrics[name][r], equal_nan=True), name


def test_training_does_not_depend_on_the_thread_count():
    cfg = _job("float32", (1, 2, 3), (0.01,), (1e-4,))
    with threads(1):
        one = train(cfg)
    with threads(2):
        two = train(cfg)
    for w in ("W_a", "W_b", "W_c"):
        assert torch.equal(getattr(one, w), getattr(two, w))


def test_sp_records_of_a_run_are_those_it_has_alone():
    """The SP trajectories recorded during training are per-run too (a float64 read-out)."""
    cfg = dict(group="Z5", q=10, epochs=6, lrs=(0.01,), wds=(1e-4,), device="cpu", dtype="float64", record_sp=True)
    from cogs.sp.dynamics import sp_recorder

    alone = train(TrainConfig(seeds=(3,), **cfg), sp_recorder=sp_recorder)
    batch = train(TrainConfig(seeds=(1, 3), **cfg), sp_recorder=sp_recorder)
    assert torch.equal(alone.W_c[0], batch.W_c[1])
    for name, val in alone.records.items():
        np.testing.assert_allclose(val[0], batch.records[name][1], rtol=1e-12, atol=1e-14)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
@pytest.mark.parametrize("dtype,rtol", [(torch.float32, 1e-4), (torch.float64, 1e-12)])
def test_cuda_batched_path_within_rounding_and_per_run_path_exact(dtype, rtol):
    """On CUDA the default is one bmm per block (cuBLAS picks kernels by batch size): a run's
    gradient agrees with the run alone to rounding. ``per_run_matmul=True`` is exact."""
    G = parse_group("Z23")
    d, q, R = G.order, 64, 5
    W = [w.cuda() for w in _weights(R, q, d, dtype, seed=1)]
    masks = np.random.default_rng(1).random((R, d * d)) < 0.9
    for per_run in (False, True):
        def ev(idx):
            grid = PairGrid(G, masks[idx], q=q, device="cuda", dtype=dtype, per_run_matmul=per_run)
            return grid.evaluate(*(w[idx].contiguous() for w in W), grad=True, metrics=True)
        alone, batch = ev([3]), ev(list(range(R)))
        for a, b in zip(_slot(alone, 0), _slot(batch, 3)):
            if per_run:
                assert torch.equal(a, b) or bool(a.isnan().all() and b.isnan().all())
            else:
                torch.testing.assert_close(a, b, rtol=rtol, atol=rtol * float(a.abs().max().clamp(min=1)), equal_nan=True)


def test_compiled_path_within_rounding_of_the_run_alone():
    """``compile=True`` (torch.compile) is outside the bitwise guarantee: inductor and the
    batched GEMM inside the compiled graph may round a run differently with the batch size.
    The bound: one evaluation agrees with the run alone to 1e-12 relative in float64."""
    G = parse_group("Z7")
    d, q, R = G.order, 10, 3
    W = _weights(R, q, d, torch.float64, seed=5)
    masks = np.random.default_rng(2).random((R, d * d)) < 0.8

    def ev(idx):
        grid = PairGrid(G, masks[idx], q=q, device="cpu", dtype=torch.float64, compile=True)
        return grid.evaluate(*(w[idx].contiguous() for w in W), grad=True, metrics=True)

    for a, b in zip(_slot(ev([1]), 0), _slot(ev([0, 1, 2]), 1)):
        torch.testing.assert_close(a, b, rtol=1e-12, atol=1e-12 * float(a.abs().max().clamp(min=1)), equal_nan=True)
