"""Adam with coupled L2 weight decay, vectorised over R runs with per-run lr and wd.

Replicates ``torch.optim.Adam(lr, betas, eps, weight_decay)``'s single-tensor arithmetic
(the CPU path) operation by operation, with per-run scalars as (R,1,1) tensors:

    g  = grad + wd·p                  (torch: grad.add(p, alpha=wd) — an addcmul here)
    m  = m.lerp(g, 1 − β1)
    v  = v·β2 + (1 − β2)·g·g
    denom = sqrt(v) / sqrt(1 − β2^t) + eps
    p  = p + ((−lr / (1 − β1^t))·m) / denom    (torch: p.addcdiv_(m, denom, value=−step))

Bitwise equal to torch's CPU Adam for the same gradients (checked in the tests).

A run can be frozen: :meth:`step` takes an ``active`` mask and commits an update only for
runs that are active and whose new parameters and moments are all finite; the returned mask
says which runs were committed (a run that fails here has diverged).
"""

from __future__ import annotations

import typing

import torch


@typing.final
class BatchedAdam:
    kind = "adam"

    def __init__(self, params, lr, wd, *, betas=(0.9, 0.999), eps=1e-8):
        self.params = list(params)
        p0 = self.params[0]
        R = p0.shape[0]
        self.lr64 = torch.as_tensor(lr, dtype=torch.float64, device=p0.device).reshape(R)
        self.wd = torch.as_tensor(wd, dtype=p0.dtype, device=p0.device).reshape(R, 1, 1)
        self.use_wd = bool((torch.as_tensor(wd) != 0).any())
        self.beta1, self.beta2 = float(betas[0]), float(betas[1])
        self.eps = float(eps)
        self.t = 0
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]

    @property
    def runs(self) -> int:
        return self.params[0].shape[0]

    def step(self, grads, active: torch.Tensor) -> torch.Tensor:
        """One Adam step for the active runs; returns the runs committed (bool (R,))."""
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        bias_correction1 = 1 - b1**self.t
        bias_correction2 = 1 - b2**self.t
        bc2_sqrt = bias_correction2**0.5
        dtype = self.params[0].dtype
        neg_step = (-(self.lr64 / bias_correction1)).to(dtype).view(-1, 1, 1)
        news = []
        ok = active.clone()
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            if self.use_wd:
                g = torch.addcmul(g, p, self.wd)
            m_new = m.lerp(g, 1 - b1)
            v_new = v.mul(b2).addcmul_(g, g, value=1 - b2)
            denom = (v_new.sqrt() / bc2_sqrt).add_(self.eps)
            p_new = torch.addcdiv(p, neg_step * m_new, denom)
            ok &= torch.isfinite(p_new).flatten(1).all(1) & torch.isfinite(v_new).flatten(1).all(1)
            news.append((p_new, m_new, v_new))
        keep = ok.view(-1, 1, 1)
        for (p, m, v), (p_new, m_new, v_new) in zip(zip(self.params, self.m, self.v), news):
            p.copy_(torch.where(keep, p_new, p))
            m.copy_(torch.where(keep, m_new, m))
            v.copy_(torch.where(keep, v_new, v))
        return ok

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
