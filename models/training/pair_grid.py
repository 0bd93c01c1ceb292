"""The full-batch MSE loss of docs/mathematics.md#the-network-and-its-loss and its analytic gradient, for R runs at once.

All d² pairs are laid out as a grid (pair index n = a·d + b, docs/mathematics.md#groups-and-elements). Each run r has its own
train set, a 0/1 mask over the grid; its loss is Σ_n mask[r,n]·‖P(o_n − e_{a+b})‖² / n_train[r].
The forward pass works on the whole grid, chunked over rows a, with the hidden index j
innermost (u = W_aᵀ, v = W_bᵀ are (R, d, q) copies):

    s[n, j] = u[a, j] + v[b, j]                       (R, rows·d, q)   pre-activations
    h = s²,  o = W_c hᵀ                               (R, d, rows·d)
    res = o − mean_c(o) − (e_y − 1/d)                 = P(o − e_y)   (in place in o)
    L_n = Σ_c res²

and the gradient by hand (no autograd graph): with G = 2·w_n·res (w = mask/n_train),
∂W_c = G h,  ∂h = Gᵀ W_c,  ∂s = 2 s ∂h,  ∂u[a] = Σ_b ∂s[a, b],  ∂v[b] = Σ_a ∂s[a, b].
The tests check it against autograd of the written-out loss.

Cost (per run and epoch): three GEMMs of 2·d³·q FLOPs each, every one with a dimension of
size d (o: M = d; ∂W_c: M = d; ∂h: K = d), and five elementwise passes over d²·q numbers
(s, h, ∂h·s, the two sums). Putting j innermost makes every elementwise pass a contiguous
broadcast or reduction over q (the old (q, pairs) layout had d-long inner loops and strided
sums, 2–4× slower per pass); chunk sizes: see :func:`chunk_plan`.

Batch independence: a run's loss, gradient and metrics are bitwise the same whether it is
evaluated alone or with any other runs, at any position in the batch and (on a CPU) with any
thread count. Three things make it so: the chunk rows depend on (d, q) and the device, never
on R; every reduction is within one run and never one long sum to a single number (torch
splits those across threads); and on a CPU the three matrix products run one run at a time
(``torch.mm`` on per-run slices aligned to 64 bytes) in single-threaded worker threads, the
runs spread over ``torch.get_num_threads()`` workers, because MKL's batched and
multi-threaded GEMMs round a run's products differently with the batch size, the thread count
and the operands' alignment. Not covered: the ``compile=True`` path and CUDA's batched
``bmm`` (see :class:`PairGrid`), which agree with a run evaluated alone to float rounding.

``compile=True`` (CPU or CUDA, optional) runs each chunk through one ``torch.compile``d function
instead: inductor fuses s, h = s² and ∂h·s with the two sums into single passes and never
materialises s, so only h and ∂h touch memory. It is deterministic and computes the same
quantities (float rounding differs: sums in another order), costs a one-off compilation
(≈10–60 s, cached on disk by torch), and falls back to the eager path with a warning if
compilation fails.
"""

from __future__ import annotations

import typing

import concurrent.futures
import os
import threading
import warnings

import numpy as np
import torch

from models.activations import GRAD_SCALE, activate, backprop, check_activation, check_loss
from models.devices import torch_threads

# Chunk sizes (batch independence: a run's numbers must not depend on which runs share its
# batch). The rows per chunk come from (d, q) and the device alone, never from R: they fix the
# order in which the gradient sums over chunks. Memory is bounded separately by processing the
# runs in blocks of ``run_block`` runs; that changes nothing per run, because every operation on
# the pair grid is either elementwise, a reduction inside one run, or a matrix product per run
# (see ``PairGrid.per_run_matmul``).
# _ROWS_BUDGET: elements of one run's (rows·d, q) slice of a work buffer. CPU: 2^18, i.e. 12
# rows at d = 23 and 7 at d = 71 for q = 512 (measured on a 2-core EPYC, 25 runs: 5–23 rows
# within 10 % of each other at d = 23; at d = 71, 7 rows 5 % faster than 3 and 20 % than 1).
_ROWS_BUDGET = {"cpu": 1 << 18, "cuda": 1 << 22}
# _BUDGET: elements of each of the (runs, rows·d, q) work buffers s, h and ∂h (16 MiB each in
# float32 on a CPU; o is d/q of that). Worker threads split the runs, and this total, between them.
_BUDGET = {"cpu": 1 << 22, "cuda": 1 << 27}
# per-run slices of the matrix-product operands start on this boundary (bytes): some BLAS
# kernels (MKL) round differently on differently aligned data
_ALIGN = 64


def chunk_plan(d: int, q: int, runs: int, device_type: str = "cpu", chunk_rows: int | None = None,
               columns: int | None = None) -> tuple[int, int]:
    """(rows, run_block): rows a of the pair grid per chunk (a function of d, q, the grid's
    ``columns`` (default d; d^(K−1) for K operands) and the device only, or ``chunk_rows``)
    and runs per block (bounds the work buffers to about ``_BUDGET`` elements each)."""
    cols = d if columns is None else int(columns)
    if chunk_rows is None:
        per_run = _ROWS_BUDGET.get(device_type, _ROWS_BUDGET["cpu"])
        most = max(1, min(d, per_run // max(1, q * cols)))
        chunk_rows = -(-d // -(-d // most))  # the same number of chunks, evened out
    rows = max(1, min(int(chunk_rows), d))
    budget = _BUDGET.get(device_type, _BUDGET["cpu"])
    run_block = max(1, min(runs, budget // max(1, rows * cols * q)))
    return rows, run_block


def _chunk(u_rows, v, W_c, target, w_train, w_grad, activation="sqr", loss_name="mse"):
    """One chunk of rows a, gradient included (the function ``torch.compile`` fuses).

    u_rows (R, na, q), v (R, db, q), W_c (R, d, q), target (d, na·db), w_* (R, na·db) →
    loss (R,), L (R, na·db), argmax_c o (R, na·db), ∂u[rows]/scale (R, na, q), ∂v/scale part
    (R, db, q), ∂W_c part (R, d, q) (scale: :data:`models.activations.GRAD_SCALE`)."""
    R, na, q = u_rows.shape
    db = v.shape[1]
    s = u_rows[:, :, None, :] + v[:, None, :, :]  # (R, na, db, q)
    h = activate(activation, s).view(R, na * db, q)
    o = torch.bmm(W_c, h.transpose(1, 2))  # (R, d, na·db)
    pred = o.argmax(1)
    if loss_name == "ce":
        onehot = target + 1.0 / o.shape[1]
        L = torch.logsumexp(o, 1) - (o * onehot).sum(1)
        G = (torch.softmax(o, 1) - onehot) * w_train[:, None, :]
    else:
        res = o - o.mean(1, keepdim=True) - target
        L = (res * res).sum(1)
        G = res * w_grad[:, None, :]
    loss = (L * w_train).sum(1)
    gW_c = torch.bmm(G, h)
    ds = backprop(activation, s, torch.bmm(G.transpose(1, 2), W_c).view(R, na, db, q))
    return loss, L, pred, ds.sum(2), ds.sum(1), gW_c


_compiled = {}


def _compiled_chunk(device_type: str):
    fn = _compiled.get(device_type)
    if fn is None:
        import torch._dynamo

        # one graph per chunk shape (≤ 2 per job); a process running many jobs (the benchmark)
        # needs more than dynamo's default 8 before it silently falls back to eager
        cfg = torch._dynamo.config
        if getattr(cfg, "recompile_limit", 64) < 64:
            cfg.recompile_limit = 64
        fn = _compiled[device_type] = torch.compile(_chunk, dynamic=False)
    return fn


# below this many pair-grid elements (R·d²·q) an evaluation runs in the calling thread: handing
# it to the workers would cost more than it saves
_POOL_MIN_WORK = 1 << 16
_pools: dict = {}
_pools_lock = threading.Lock()


def _single_threaded_worker() -> None:
    torch.get_num_threads()  # torch's lazy per-thread set-up first, so that it cannot undo the next line
    torch.set_num_threads(1)  # this thread's OpenMP and MKL: one thread


def _run_in_workers(threads: int, tasks) -> None:
    """Run ``tasks`` (callables) on a pool of ``threads`` single-threaded worker threads and
    wait for all of them; re-raises the first error."""
    key = (os.getpid(), threads)  # a forked child has the dict but not the threads
    with _pools_lock:
        pool = _pools.get(key)
        if pool is None:
            mine = torch.get_num_threads()
            pool = _pools[key] = concurrent.futures.ThreadPoolExecutor(
                threads, thread_name_prefix="cogs-pair-grid", initializer=_single_threaded_worker)
            # start every worker now, then give this thread its thread count back (set_num_threads
            # in a worker also resets torch's process-wide default)
            barrier = threading.Barrier(threads)
            for f in [pool.submit(barrier.wait) for _ in range(threads)]:
                f.result()
            torch.set_num_threads(mine)
    futures = [pool.submit(_single_threaded, t) for t in tasks]
    concurrent.futures.wait(futures)  # all of them, even when one fails: none still writes afterwards
    for f in futures:
        f.result()


def _single_threaded(task):
    if torch.get_num_threads() != 1:  # something reset this worker's thread count
        torch.set_num_threads(1)
    return task()


class _RunBuffer:
    """One work buffer holding a (shape) slice per run, each slice starting on an ``_ALIGN``-byte
    boundary, so that a run's slice looks the same to a matrix-product kernel whatever the
    number of runs and the run's place among them."""

    def __init__(self, runs: int, numel: int, *, dtype, device):
        item = torch.empty((), dtype=dtype).element_size()
        per = max(1, _ALIGN // item)
        self.stride = -(-numel // per) * per
        self.flat = torch.empty(runs * self.stride + per, dtype=dtype, device=device)
        self.offset = (-self.flat.data_ptr() % _ALIGN) // item if _ALIGN % item == 0 else 0

    def view(self, runs: int, *shape: int) -> torch.Tensor:
        """(runs, *shape), each run's slice contiguous."""
        strides, acc = [], 1
        for n in reversed(shape):
            strides.append(acc)
            acc *= n
        return self.flat.as_strided((runs, *shape), (self.stride, *reversed(strides)), self.offset)


@typing.final
class PairGrid:
    """Targets, per-run train/test weights and work buffers for one (group, R, q).

    ``per_run_matmul`` (None: True on a CPU, False on CUDA): the CPU scheme of the module doc —
    per-run matrix products, runs spread over single-threaded worker threads — which makes
    every run's numbers bitwise independent of the batch and of the thread count (tested in
    float32 and float64). False: one ``torch.bmm`` per chunk over a block of runs, in this
    thread. cuBLAS and MKL pick kernels, blocking and threading for a batched product from the
    batch size, so that rounds a run's products differently depending on the other runs in its
    block: the results agree with a run evaluated alone to float rounding (≈1e-7 relative in
    float32 and ≈1e-16 in float64 for one evaluation; trajectories then drift apart slowly).
    On a GPU a per-run loop would cost one kernel launch per run and product, hence the
    batched default there.

    ``threads``: worker threads of the CPU scheme (None: ``torch.get_num_threads()`` at each
    evaluation). The trainer passes its thread count here and runs its own elementwise work
    (the optimizer step) in one thread: OpenMP's spinning barriers make multi-threaded torch
    ops many times slower on a machine busy with other jobs, the worker threads do not."""

    def __init__(self, group, train_masks: np.ndarray, *, q: int, device, dtype, chunk_rows=None, compile=False,
                 per_run_matmul: bool | None = None, threads: int | None = None, activation: str = "sqr",
                 loss: str = "mse", table=None):
        d = group.order
        if table is None:
            table = group.cayley_table()
        table = np.array(table, dtype=np.int64).reshape(d, -1)  # y of the tuple (a, b'), b' in 0..db-1
        db = table.shape[1]
        if table.min(initial=0) < 0 or table.max(initial=0) >= d:
            raise ValueError(f"target table entries must lie in 0..{d - 1}")
        table = table.reshape(-1)
        masks = np.asarray(train_masks, dtype=bool).reshape(-1, d * db)
        self.d, self.db, self.q, self.R = d, db, q, masks.shape[0]
        self.activation, self.loss = check_activation(activation), check_loss(loss)
        self.scale = GRAD_SCALE[self.activation]
        self.device, self.dtype = torch.device(device), dtype
        self.y = torch.as_tensor(table, device=device)
        onehot = np.zeros((d, d * db))
        onehot[table, np.arange(d * db)] = 1.0
        self.target = torch.as_tensor(onehot - 1.0 / d, dtype=dtype, device=device)  # P e_y
        self.n_train = masks.sum(1)
        self.n_test = d * db - self.n_train
        if np.any(self.n_train == 0):
            raise ValueError("a run has an empty train set")
        self.train_mask = torch.as_tensor(masks, device=device)
        self.test_mask = ~self.train_mask
        self.w_train = torch.as_tensor(masks / self.n_train[:, None], dtype=dtype, device=device)
        self.w_grad = 2 * self.w_train  # ∂L/∂res = 2·w·res
        if self.loss == "ce":
            self.w_grad = self.w_train  # ∂L/∂o = w·(softmax(o) − e_y)
        with np.errstate(divide="ignore", invalid="ignore"):
            w_test = np.where(self.n_test[:, None] > 0, ~masks / np.maximum(self.n_test, 1)[:, None], 0.0)
        self.w_test = torch.as_tensor(w_test, dtype=dtype, device=device)
        self.n_train_t = torch.as_tensor(self.n_train, dtype=torch.float64, device=device)
        self.n_test_t = torch.as_tensor(self.n_test, dtype=torch.float64, device=device)
        self.compile = bool(compile)
        self.per_run_matmul = (self.device.type != "cuda") if per_run_matmul is None else bool(per_run_matmul)
        self.rows, self.run_block = chunk_plan(d, q, self.R, self.device.type, chunk_rows, columns=db)
        self.threads = None if threads is None else max(1, int(threads))
        self._buffers = {}

    @property
    def has_test(self) -> bool:
        return bool(np.all(self.n_test > 0))

    def _work(self, slot: int, runs: int):
        """The work buffers of worker ``slot`` for blocks of up to ``runs`` runs."""
        bufs = self._buffers.get(slot)
        if bufs is None or bufs[0] < runs:
            q, d, n = self.q, self.d, self.rows * self.db
            kw = dict(device=self.device, dtype=self.dtype)
            # s, h, ∂h (n·q per run), o (d·n), W_c and ∂W_c (d·q)
            bufs = self._buffers[slot] = (runs, tuple(_RunBuffer(runs, k, **kw) for k in (n * q, n * q, n * q, d * n, d * q, d * q)))
        return bufs[1]

    def _matmul(self, a, b, out, accumulate: bool = False):
        """out[r] (+)= a[r] @ b[r] for every run r of the block."""
        if not self.per_run_matmul:
            if accumulate:
                out.baddbmm_(a, b)
            else:
                torch.bmm(a, b, out=out)
            return
        for r in range(out.shape[0]):
            if accumulate:
                out[r].addmm_(a[r], b[r])
            else:
                torch.mm(a[r], b[r], out=out[r])

    def _blocks(self, R: int, workers: int) -> list[list[tuple[int, int]]]:
        """Per worker, its blocks of runs: the runs split evenly between ``workers``, each
        share cut into blocks small enough that all workers' buffers together hold about
        ``run_block`` runs."""
        size = max(1, -(-self.run_block // workers))
        out = []
        for k in range(workers):
            lo, hi = R * k // workers, R * (k + 1) // workers
            out.append([(b0, min(hi, b0 + size)) for b0 in range(lo, hi, size)])
        return out

    @torch.no_grad()
    def evaluate(self, W_a, W_b, W_c, *, grad: bool = True, metrics: bool = False):
        """Train loss (R,), gradients (∂W_a, ∂W_b, ∂W_c) or None, and metrics or None.

        ``W_b`` is (R, q, db): for K operands the second axis runs over the d^(K−1) tuples of
        the operands after the first (the trainer sums their input columns).
        metrics: dict of (R,) float64 tensors train_loss, train_acc, test_loss, test_acc
        (test values NaN when a run has no test pair).
        """
        if self.compile and grad:
            try:
                return self._evaluate_compiled(W_a, W_b, W_c, metrics)
            except Exception as e:  # noqa: BLE001 - no compiler, unsupported backend, ...
                warnings.warn(f"torch.compile of the training step failed, using the eager path ({type(e).__name__}: "
                              f"{str(e).splitlines()[0] if str(e) else ''})", RuntimeWarning, stacklevel=2)
                self.compile = False
        R = W_a.shape[0]
        out = {"u": W_a.transpose(1, 2).contiguous(), "v": W_b.transpose(1, 2).contiguous(), "W_c": W_c,
               "loss": torch.zeros(R, dtype=self.dtype, device=self.device)}  # u, v: (R, d, q)
        if metrics:
            out["test_loss"] = torch.zeros_like(out["loss"])
            out["correct_tr"] = torch.zeros(R, dtype=torch.float64, device=self.device)
            out["correct_te"] = torch.zeros_like(out["correct_tr"])
        if grad:
            out["gu"] = torch.empty_like(out["u"])
            out["gv"] = torch.zeros_like(out["v"])
            out["gW_c"] = torch.empty_like(W_c)
        mine = torch.get_num_threads()
        threads = self.threads or mine
        workers = min(threads, R)
        cpu = self.device.type == "cpu"
        if self.per_run_matmul and cpu and workers > 1 and R * self.d * self.db * self.q >= _POOL_MIN_WORK:
            # a CPU: every run is computed by single-threaded kernels (BLAS threading changes
            # a product's rounding), the runs spread over ``threads`` worker threads
            shares = self._blocks(R, workers)
            _run_in_workers(threads, [lambda k=k: [self._evaluate_block(out, b, k, grad, metrics) for b in shares[k]]
                                      for k in range(workers)])
        elif self.per_run_matmul and cpu and mine > 1:
            # one run, or too little work to hand out: here, with the same single-threaded kernels
            with torch_threads(1):
                for b in self._blocks(R, 1)[0]:
                    self._evaluate_block(out, b, 0, grad, metrics)
        else:
            for b in self._blocks(R, 1)[0]:
                self._evaluate_block(out, b, 0, grad, metrics)
        return self._finish(W_a, W_b, out["loss"], (out["gu"], out["gv"], out["gW_c"]) if grad else None,
                            (out["test_loss"], out["correct_tr"], out["correct_te"]) if metrics else None)

    def _evaluate_block(self, out: dict, block: tuple[int, int], slot: int, grad: bool, metrics: bool) -> None:
        """Runs b0..b1−1 of ``evaluate``, written into their slices of ``out``."""
        b0, b1 = block
        B, q, d, db, rows = b1 - b0, self.q, self.d, self.db, self.rows
        s_buf, h_buf, dh_buf, o_buf, wc_buf, gwc_buf = self._work(slot, B)
        u, v = out["u"][b0:b1], out["v"][b0:b1]
        loss = out["loss"][b0:b1]
        if metrics:
            test_loss, correct_tr, correct_te = (out[k][b0:b1] for k in ("test_loss", "correct_tr", "correct_te"))
        if grad:
            gu, gv = out["gu"][b0:b1], out["gv"][b0:b1]
            gwc = gwc_buf.view(B, d, q)
        wc = wc_buf.view(B, d, q)
        wc.copy_(out["W_c"][b0:b1])
        train_mask, test_mask = self.train_mask[b0:b1], self.test_mask[b0:b1]
        w_train, w_test, w_grad = self.w_train[b0:b1], self.w_test[b0:b1], self.w_grad[b0:b1]
        for a0 in range(0, d, rows):
            a1 = min(d, a0 + rows)
            na, n0, n1 = a1 - a0, a0 * db, a1 * db
            nc = na * db
            s = s_buf.view(B, nc, q)
            h = h_buf.view(B, nc, q)
            o = o_buf.view(B, d, nc)
            torch.add(u[:, a0:a1, None, :], v[:, None, :, :], out=s.view(B, na, db, q))
            activate(self.activation, s, out=h)
            self._matmul(wc, h.transpose(1, 2), o)
            if metrics:
                hit = o.argmax(1) == self.y[n0:n1]
                correct_tr += (hit & train_mask[:, n0:n1]).sum(1)
                correct_te += (hit & test_mask[:, n0:n1]).sum(1)
            if self.loss == "ce":
                # L = logsumexp(o) − o_y; res becomes softmax(o) − e_y
                onehot = self.target[:, n0:n1] + 1.0 / d
                L = torch.logsumexp(o, 1).sub_((o * onehot).sum(1))
                res = o.copy_(torch.softmax(o, 1))
                res -= onehot
            else:
                res = o.sub_(o.mean(1, keepdim=True))
                res -= self.target[:, n0:n1]
                L = res.square().sum(1)  # (B, nc)
            # sums over the chunk's pairs: per row a, then over rows (never one long reduction
            # to a single number, which torch would split across threads)
            loss += (L * w_train[:, n0:n1]).view(B, na, db).sum(2).sum(1)
            if metrics:
                test_loss += (L * w_test[:, n0:n1]).view(B, na, db).sum(2).sum(1)
            if grad:
                res *= w_grad[:, None, n0:n1]  # G
                self._matmul(res, h, gwc, accumulate=a0 > 0)
                dh = dh_buf.view(B, nc, q)
                self._matmul(res.transpose(1, 2), wc, dh)
                backprop(self.activation, s, dh)
                ds = dh.view(B, na, db, q)
                torch.sum(ds, 2, out=gu[:, a0:a1])
                if na == 1:
                    gv += ds[:, 0]
                else:
                    gv += ds.sum(1)
        if grad:
            out["gW_c"][b0:b1] = gwc

    def _evaluate_compiled(self, W_a, W_b, W_c, metrics):
        R, q, d = W_a.shape
        fn = _compiled_chunk(self.device.type)
        u = W_a.transpose(1, 2).contiguous()
        v = W_b.transpose(1, 2).contiguous()
        W_c = W_c.contiguous()
        loss = torch.zeros(R, dtype=self.dtype, device=self.device)
        gu = torch.empty_like(u)
        gv = torch.zeros_like(v)
        gW_c = torch.zeros_like(W_c)
        if metrics:
            test_loss = torch.zeros_like(loss)
            correct_tr = torch.zeros(R, dtype=torch.float64, device=self.device)
            correct_te = torch.zeros_like(correct_tr)
        for b0, b1 in self._blocks(R, 1)[0]:
            for a0 in range(0, d, self.rows):
                a1 = min(d, a0 + self.rows)
                n0, n1 = a0 * self.db, a1 * self.db
                l, L, pred, gu_rows, gv_part, gW_c_part = fn(u[b0:b1, a0:a1], v[b0:b1], W_c[b0:b1], self.target[:, n0:n1],
                                                              self.w_train[b0:b1, n0:n1], self.w_grad[b0:b1, n0:n1],
                                                              self.activation, self.loss)
                loss[b0:b1] += l
                gu[b0:b1, a0:a1] = gu_rows
                gv[b0:b1] += gv_part
                gW_c[b0:b1] += gW_c_part
                if metrics:
                    test_loss[b0:b1] += (L * self.w_test[b0:b1, n0:n1]).sum(1)
                    hit = pred == self.y[n0:n1]
                    correct_tr[b0:b1] += (hit & self.train_mask[b0:b1, n0:n1]).sum(1)
                    correct_te[b0:b1] += (hit & self.test_mask[b0:b1, n0:n1]).sum(1)
        return self._finish(W_a, W_b, loss, (gu, gv, gW_c), (test_loss, correct_tr, correct_te) if metrics else None)

    def _finish(self, W_a, W_b, loss, grads, counts):
        out_grads = None
        if grads is not None:
            gu, gv, gW_c = grads
            gW_a = torch.empty_like(W_a)
            gW_b = torch.empty_like(W_b)
            torch.mul(gu.transpose(1, 2), self.scale, out=gW_a)
            torch.mul(gv.transpose(1, 2), self.scale, out=gW_b)
            out_grads = (gW_a, gW_b, gW_c)
        out_metrics = None
        if counts is not None:
            test_loss, correct_tr, correct_te = counts
            nan = torch.full_like(correct_te, float("nan"))
            has_test = self.n_test_t > 0
            out_metrics = {
                "train_loss": loss.to(torch.float64),
                "train_acc": correct_tr / self.n_train_t,
                "test_loss": torch.where(has_test, test_loss.to(torch.float64), nan),
                "test_acc": torch.where(has_test, correct_te / self.n_test_t.clamp(min=1), nan),
            }
        return loss, out_grads, out_metrics
