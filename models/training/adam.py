"""Adam with coupled L2 weight decay, vectorised over R runs with per-run lr and wd.

Replicates ``torch.optim.Adam(lr, betas, eps, weight_decay)``'s single-tensor arithmetic
(the CPU path) operation by operation, with per-run scalars as (R,1,1) tensors:

    g  = grad + wd·p                  (torch: grad.add(p, alpha=wd) — an addcmul here)
    m  = m.lerp(g, 1 − β1)
    v  = v·β2 + (1 − β2)·g·g
    denom = sqrt(v) / sqrt(1 − β2^t) + eps
    p  = p + ((−lr / (1 − β1^t))·m) / denom    (torch: p.addcdiv_(m, denom, value=−step))

Bitwise equal to torch's CPU Adam for the same gradients (checked in the tests).

``decoupled=True`` is AdamW (``torch.optim.AdamW``): no wd·p in g; instead p ← p·(1 − lr·wd)
before the update above.

A run can be frozen: :meth:`step` takes an ``active`` mask and commits an update only for
runs that are active and whose new parameters and second moments are finite (checked through
their per-run sums, into which NaN and ±inf propagate; a non-finite gradient reaches both); the
returned mask says which runs were committed (a run that fails here has diverged). The step
allocates nothing: every intermediate has a preallocated buffer (about 2.5 ms of a 27 ms epoch
at d = 23, q = 512, R = 25 on 2 CPU cores).
"""

from __future__ import annotations

import typing

import torch

from models.training.commit import finite_runs, keep_failed_runs


@typing.final
class BatchedAdam:

    def __init__(self, params, lr, wd, *, betas=(0.9, 0.999), eps=1e-8, decoupled: bool = False):
        self.params = list(params)
        p0 = self.params[0]
        R = p0.shape[0]
        self.lr64 = torch.as_tensor(lr, dtype=torch.float64, device=p0.device).reshape(R)
        self.decoupled = bool(decoupled)
        if self.decoupled:  # AdamW's p·(1 − lr·wd), the factor computed in float64 as torch does
            wd64 = torch.as_tensor(wd, dtype=torch.float64, device=p0.device).reshape(R)
            self.decay = (1 - self.lr64 * wd64).to(p0.dtype).view(R, *([1] * (p0.ndim - 1)))
            self.use_decay = bool((wd64 != 0).any())
            wd = torch.zeros(R, dtype=torch.float64)
        self.wd = torch.as_tensor(wd, dtype=p0.dtype, device=p0.device).reshape(R, *([1] * (p0.ndim - 1)))
        self.use_wd = bool((torch.as_tensor(wd) != 0).any())
        self.beta1, self.beta2 = float(betas[0]), float(betas[1])
        self.eps = float(eps)
        self.t = 0
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]
        # per parameter: new m, new v, new p, and one temporary (g + wd·p, then the denominator)
        self._scratch = [[torch.empty_like(p) for _ in range(5 if self.decoupled else 4)] for p in self.params]

    @property
    def runs(self) -> int:
        return self.params[0].shape[0]

    def step(self, grads, active: torch.Tensor) -> torch.Tensor:
        """One Adam step for the active runs; returns the runs committed (bool (R,)).

        Every intermediate goes to a preallocated buffer (no allocation per step); the new
        moments are written beside the old ones and the buffers swapped on commit. A run is
        committed when its new parameters and second moments are finite
        (:func:`models.training.commit.finite_runs`)."""
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        bias_correction1 = 1 - b1**self.t
        bias_correction2 = 1 - b2**self.t
        bc2_sqrt = bias_correction2**0.5
        dtype = self.params[0].dtype
        neg_step = (-(self.lr64 / bias_correction1)).to(dtype).view(-1, *([1] * (self.params[0].ndim - 1)))
        ok = active.clone()
        for i, (p, g) in enumerate(zip(self.params, grads)):
            m_new, v_new, p_new, tmp = self._scratch[i][:4]
            if self.use_wd:
                g = torch.addcmul(g, p, self.wd, out=tmp)
            torch.lerp(self.m[i], g, 1 - b1, out=m_new)
            torch.mul(self.v[i], b2, out=v_new).addcmul_(g, g, value=1 - b2)
            denom = torch.sqrt(v_new, out=tmp).div_(bc2_sqrt).add_(self.eps)  # g is dead from here
            if self.decoupled:
                base = torch.mul(p, self.decay, out=self._scratch[i][4]) if self.use_decay else p
                torch.addcdiv(base, torch.mul(m_new, neg_step, out=p_new), denom, out=p_new)
            else:
                torch.addcdiv(p, torch.mul(m_new, neg_step, out=p_new), denom, out=p_new)
            ok &= finite_runs(p_new) & finite_runs(v_new)
        pairs = []
        for p, m, v, (m_new, v_new, p_new, *_) in zip(self.params, self.m, self.v, self._scratch):
            pairs += [(p, p_new), (m, m_new), (v, v_new)]
        keep_failed_runs(ok, pairs)
        for i, p in enumerate(self.params):
            m_new, v_new, p_new = self._scratch[i][:3]
            p.copy_(p_new)
            self.m[i], self._scratch[i][0] = m_new, self.m[i]
            self.v[i], self._scratch[i][1] = v_new, self.v[i]
        return ok

    @property
    def kind(self) -> str:
        return "adamw" if self.decoupled else "adam"

    def state_dict(self) -> dict:
        return {"kind": self.kind, "t": self.t, "m": [m.detach().cpu() for m in self.m], "v": [v.detach().cpu() for v in self.v]}

    def load_state_dict(self, state: dict) -> None:
        kind = state.get("kind", self.kind)  # checkpoints before the optimizer option: Adam
        if kind != self.kind:
            raise ValueError(f"optimizer state is for {kind!r}, not {self.kind!r}")
        self.t = int(state["t"])
        for dst, src in zip(self.m, state["m"]):
            dst.copy_(src.to(dst.device, dst.dtype))
        for dst, src in zip(self.v, state["v"]):
            dst.copy_(src.to(dst.device, dst.dtype))
