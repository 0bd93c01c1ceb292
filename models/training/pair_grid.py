"""The full-batch MSE loss of SPEC §2 and its analytic gradient, for R runs at once.

All d² pairs are laid out as a grid (pair index n = a·d + b, SPEC §1). Each run r has its own
train set, a 0/1 mask over the grid; its loss is Σ_n mask[r,n]·‖P(o_n − e_{a+b})‖² / n_train[r].
The forward pass works on the whole grid (chunked over rows a when large):

    s = W_a[:, :, a, None] + W_b[:, :, None, b]      (R, q, rows·d)   pre-activations
    h = s²,  o = W_c @ h                              (R, d, rows·d)
    res = o − mean_c(o) − (e_y − 1/d)                 = P(o − e_y)
    L_n = Σ_c res²

and the gradient by hand (no autograd graph): with G = 2·w_n·res (w = mask/n_train),
∂W_c = G hᵀ,  ∂h = W_cᵀ G,  ∂s = 2 s ∂h,  ∂W_a[:, :, a] = Σ_b ∂s,  ∂W_b[:, :, b] = Σ_a ∂s.
The tests check it against autograd of the written-out loss.
"""

from __future__ import annotations

import numpy as np
import torch

# elements of one (R, q, rows·d) work buffer; four such buffers are live during a pass
_BUDGET = {"cpu": 1 << 22, "cuda": 1 << 27}  # CPU: stay near cache sizes


class PairGrid:
    """Targets, per-run train/test weights and work buffers for one (group, R, q)."""

    def __init__(self, group, train_masks: np.ndarray, *, q: int, device, dtype, chunk_rows=None):
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
        if chunk_rows is None:
            budget = _BUDGET.get(self.device.type, _BUDGET["cpu"])
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
            self._buffers = tuple(torch.empty(shape, **kw) for shape in ((R, q, n), (R, q, n), (R, q, n), (R, d, n)))
        return self._buffers

    @torch.no_grad()
    def evaluate(self, W_a, W_b, W_c, *, grad: bool = True, metrics: bool = False):
        """Train loss (R,), gradients (∂W_a, ∂W_b, ∂W_c) or None, and metrics or None.

        metrics: dict of (R,) float64 tensors train_loss, train_acc, test_loss, test_acc
        (test values NaN when a run has no test pair).
        """
        R, q, d = W_a.shape
        rows = self.rows
        s_buf, h_buf, dh_buf, o_buf = self._work()
        loss = torch.zeros(R, dtype=self.dtype, device=self.device)
        if metrics:
            test_loss = torch.zeros_like(loss)
            correct_tr = torch.zeros(R, dtype=torch.float64, device=self.device)
            correct_te = torch.zeros_like(correct_tr)
        if grad:
            gW_a = torch.empty_like(W_a)
            gW_b = torch.zeros_like(W_b)
            gW_c = torch.zeros_like(W_c)
            W_cT = W_c.transpose(1, 2)
        for a0 in range(0, d, rows):
            a1 = min(d, a0 + rows)
            na, n0, n1 = a1 - a0, a0 * d, a1 * d
            nc = na * d
            s = s_buf[:, :, :nc]
            h = h_buf[:, :, :nc]
            o = o_buf[:, :, :nc]
            torch.add(W_a[:, :, a0:a1, None], W_b[:, :, None, :], out=s.view(R, q, na, d))
            torch.mul(s, s, out=h)
            torch.bmm(W_c, h, out=o)
            res = o - o.mean(1, keepdim=True)
            res -= self.target[:, n0:n1]
            L = res.square().sum(1)  # (R, nc)
            loss += (L * self.w_train[:, n0:n1]).sum(1)
            if metrics:
                test_loss += (L * self.w_test[:, n0:n1]).sum(1)
                hit = o.argmax(1) == self.y[n0:n1]
                correct_tr += (hit & self.train_mask[:, n0:n1]).sum(1)
                correct_te += (hit & self.test_mask[:, n0:n1]).sum(1)
            if grad:
                res *= self.w_grad[:, None, n0:n1]  # G
                if n0 == 0:
                    torch.bmm(res, h.transpose(1, 2), out=gW_c)
                else:
                    gW_c.baddbmm_(res, h.transpose(1, 2))
                dh = dh_buf[:, :, :nc]
                torch.bmm(W_cT, res, out=dh)
                dh *= s
                ds = dh.view(R, q, na, d)
                gW_a[:, :, a0:a1].copy_(ds.sum(-1))
                gW_b += ds.sum(-2)
        out_grads = None
        if grad:
            gW_a *= 2
            gW_b *= 2
            out_grads = (gW_a, gW_b, gW_c)
        out_metrics = None
        if metrics:
            nan = torch.full_like(correct_te, float("nan"))
            has_test = self.n_test_t > 0
            out_metrics = {
                "train_loss": loss.to(torch.float64),
                "train_acc": correct_tr / self.n_train_t,
                "test_loss": torch.where(has_test, test_loss.to(torch.float64), nan),
                "test_acc": torch.where(has_test, correct_te / self.n_test_t.clamp(min=1), nan),
            }
        return loss, out_grads, out_metrics
