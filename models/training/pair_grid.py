"""The full-batch MSE loss of SPEC §2 and its analytic gradient, for R runs at once.

All d² pairs are laid out as a grid (pair index n = a·d + b, SPEC §1). Each run r has its own
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
sums, 2–4× slower per pass); chunk sizes: see ``_BUDGET``.

``compile=True`` (CPU or CUDA, optional) runs each chunk through one ``torch.compile``d function
instead: inductor fuses s, h = s² and ∂h·s with the two sums into single passes and never
materialises s, so only h and ∂h touch memory. It is deterministic and computes the same
quantities (float rounding differs: sums in another order), costs a one-off compilation
(≈10–60 s, cached on disk by torch), and falls back to the eager path with a warning if
compilation fails.
"""

from __future__ import annotations

import typing

import warnings

import numpy as np
import torch

# elements of one (R, rows·d, q) work buffer; four such buffers are live during a pass.
# CPU: 2^22 (16 MiB in float32), measured on a 2-core EPYC (32 MiB L3), q = 512, R = 25:
# d = 71 takes 4 rows per chunk — 15% faster than 1 row, where per-chunk overhead and small
# GEMMs dominate; 4…23 rows are within noise of each other for d = 23.
_BUDGET = {"cpu": 1 << 22, "cuda": 1 << 27}
# compiled path: same sizes (d = 23: 8–23 rows, d = 71: 4–8 rows measured equal within noise)
_BUDGET_COMPILED = _BUDGET


def _chunk(u_rows, v, W_c, target, w_train, w_grad):
    """One chunk of rows a, gradient included (the function ``torch.compile`` fuses).

    u_rows (R, na, q), v (R, d, q), W_c (R, d, q), target (d, na·d), w_* (R, na·d) →
    loss (R,), L (R, na·d), argmax_c o (R, na·d), ∂u[rows]/2 (R, na, q), ∂v/2 part (R, d, q),
    ∂W_c part (R, d, q)."""
    R, na, q = u_rows.shape
    d = v.shape[1]
    s = u_rows[:, :, None, :] + v[:, None, :, :]  # (R, na, d, q)
    h = (s * s).view(R, na * d, q)
    o = torch.bmm(W_c, h.transpose(1, 2))  # (R, d, na·d)
    pred = o.argmax(1)
    res = o - o.mean(1, keepdim=True) - target
    L = (res * res).sum(1)
    loss = (L * w_train).sum(1)
    G = res * w_grad[:, None, :]
    gW_c = torch.bmm(G, h)
    ds = torch.bmm(G.transpose(1, 2), W_c).view(R, na, d, q) * s
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


@typing.final
class PairGrid:
    """Targets, per-run train/test weights and work buffers for one (group, R, q)."""

    def __init__(self, group, train_masks: np.ndarray, *, q: int, device, dtype, chunk_rows=None, compile=False):
        d = group.order
        masks = np.asarray(train_masks, dtype=bool).reshape(-1, d * d)
        self.d, self.q, self.R = d, q, masks.shape[0]
        self.device, self.dtype = torch.device(device), dtype
        table = np.array(group.cayley_table(), dtype=np.int64).reshape(-1)  # y of pair n
        self.y = torch.as_tensor(table, device=device)
        onehot = np.zeros((d, d * d))
        onehot[table, np.arange(d * d)] = 1.0
        self.target = torch.as_tensor(onehot - 1.0 / d, dtype=dtype, device=device)  # P e_y
        self.n_train = masks.sum(1)
        self.n_test = d * d - self.n_train
        if np.any(self.n_train == 0):
            raise ValueError("a run has an empty train set")
        self.train_mask = torch.as_tensor(masks, device=device)
        self.test_mask = ~self.train_mask
        self.w_train = torch.as_tensor(masks / self.n_train[:, None], dtype=dtype, device=device)
        self.w_grad = 2 * self.w_train  # ∂L/∂res = 2·w·res
        with np.errstate(divide="ignore", invalid="ignore"):
            w_test = np.where(self.n_test[:, None] > 0, ~masks / np.maximum(self.n_test, 1)[:, None], 0.0)
        self.w_test = torch.as_tensor(w_test, dtype=dtype, device=device)
        self.n_train_t = torch.as_tensor(self.n_train, dtype=torch.float64, device=device)
        self.n_test_t = torch.as_tensor(self.n_test, dtype=torch.float64, device=device)
        self.compile = bool(compile)
        if chunk_rows is None:
            table_ = _BUDGET_COMPILED if self.compile else _BUDGET
            budget = table_.get(self.device.type, table_["cpu"])
            chunk_rows = max(1, min(d, budget // max(1, self.R * q * d)))
        self.rows = min(int(chunk_rows), d)
        self._buffers = None

    @property
    def has_test(self) -> bool:
        return bool(np.all(self.n_test > 0))

    def _work(self):
        if self._buffers is None:
            R, q, d, n = self.R, self.q, self.d, self.rows * self.d
            kw = dict(device=self.device, dtype=self.dtype)
            self._buffers = tuple(torch.empty(shape, **kw) for shape in ((R, n, q), (R, n, q), (R, n, q), (R, d, n)))
        return self._buffers

    @torch.no_grad()
    def evaluate(self, W_a, W_b, W_c, *, grad: bool = True, metrics: bool = False):
        """Train loss (R,), gradients (∂W_a, ∂W_b, ∂W_c) or None, and metrics or None.

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
        R, q, d = W_a.shape
        rows = self.rows
        s_buf, h_buf, dh_buf, o_buf = self._work()
        u = W_a.transpose(1, 2).contiguous()  # (R, d, q)
        v = W_b.transpose(1, 2).contiguous()
        loss = torch.zeros(R, dtype=self.dtype, device=self.device)
        if metrics:
            test_loss = torch.zeros_like(loss)
            correct_tr = torch.zeros(R, dtype=torch.float64, device=self.device)
            correct_te = torch.zeros_like(correct_tr)
        if grad:
            gu = torch.empty_like(u)
            gv = torch.zeros_like(v)
            gW_c = torch.empty_like(W_c)
        for a0 in range(0, d, rows):
            a1 = min(d, a0 + rows)
            na, n0, n1 = a1 - a0, a0 * d, a1 * d
            nc = na * d
            s = s_buf[:, :nc]
            h = h_buf[:, :nc]
            o = o_buf[:, :, :nc]
            torch.add(u[:, a0:a1, None, :], v[:, None, :, :], out=s.view(R, na, d, q))
            torch.mul(s, s, out=h)
            torch.bmm(W_c, h.transpose(1, 2), out=o)
            if metrics:
                hit = o.argmax(1) == self.y[n0:n1]
                correct_tr += (hit & self.train_mask[:, n0:n1]).sum(1)
                correct_te += (hit & self.test_mask[:, n0:n1]).sum(1)
            res = o.sub_(o.mean(1, keepdim=True))
            res -= self.target[:, n0:n1]
            L = res.square().sum(1)  # (R, nc)
            loss += (L * self.w_train[:, n0:n1]).sum(1)
            if metrics:
                test_loss += (L * self.w_test[:, n0:n1]).sum(1)
            if grad:
                res *= self.w_grad[:, None, n0:n1]  # G
                if n0 == 0:
                    torch.bmm(res, h, out=gW_c)
                else:
                    gW_c.baddbmm_(res, h)
                dh = dh_buf[:, :nc]
                torch.bmm(res.transpose(1, 2), W_c, out=dh)
                dh *= s
                ds = dh.view(R, na, d, q)
                torch.sum(ds, 2, out=gu[:, a0:a1])
                if na == 1:
                    gv += ds[:, 0]
                else:
                    gv += ds.sum(1)
        return self._finish(W_a, W_b, loss, (gu, gv, gW_c) if grad else None,
                            (test_loss, correct_tr, correct_te) if metrics else None)

    def _evaluate_compiled(self, W_a, W_b, W_c, metrics):
        R, q, d = W_a.shape
        fn = _compiled_chunk(self.device.type)
        u = W_a.transpose(1, 2).contiguous()
        v = W_b.transpose(1, 2).contiguous()
        W_c = W_c.contiguous()
        loss = torch.zeros(R, dtype=self.dtype, device=self.device)
        gu = torch.empty_like(u)
        gv = gW_c = None
        if metrics:
            test_loss = torch.zeros_like(loss)
            correct_tr = torch.zeros(R, dtype=torch.float64, device=self.device)
            correct_te = torch.zeros_like(correct_tr)
        for a0 in range(0, d, self.rows):
            a1 = min(d, a0 + self.rows)
            n0, n1 = a0 * d, a1 * d
            l, L, pred, gu_rows, gv_part, gW_c_part = fn(u[:, a0:a1], v, W_c, self.target[:, n0:n1],
                                                          self.w_train[:, n0:n1], self.w_grad[:, n0:n1])
            loss += l
            gu[:, a0:a1] = gu_rows
            gv = gv_part.clone() if gv is None else gv.add_(gv_part)
            gW_c = gW_c_part.clone() if gW_c is None else gW_c.add_(gW_c_part)
            if metrics:
                test_loss += (L * self.w_test[:, n0:n1]).sum(1)
                hit = pred == self.y[n0:n1]
                correct_tr += (hit & self.train_mask[:, n0:n1]).sum(1)
                correct_te += (hit & self.test_mask[:, n0:n1]).sum(1)
        return self._finish(W_a, W_b, loss, (gu, gv, gW_c), (test_loss, correct_tr, correct_te) if metrics else None)

    def _finish(self, W_a, W_b, loss, grads, counts):
        out_grads = None
        if grads is not None:
            gu, gv, gW_c = grads
            gW_a = torch.empty_like(W_a)
            gW_b = torch.empty_like(W_b)
            torch.mul(gu.transpose(1, 2), 2, out=gW_a)
            torch.mul(gv.transpose(1, 2), 2, out=gW_b)
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
