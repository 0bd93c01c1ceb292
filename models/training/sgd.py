"""Full-batch gradient descent with coupled L2 weight decay and optional heavy-ball momentum,
vectorised over R runs.

    g ← g + wd·p;   b ← g (first step), b ← μ·b + g (later steps);   p ← p − lr·b

(μ = 0: no buffer, p ← p − lr·(g + wd·p)). This is ``torch.optim.SGD(lr, momentum=μ,
weight_decay=wd)`` (dampening 0, no Nesterov), the reference scripts' ``sgd`` with μ = 0.9.

with per-run lr and wd as (R,1,1) tensors. Replicates ``torch.optim.SGD(lr, weight_decay=wd)``
(no momentum) operation by operation — ``g = grad.add(p, alpha=wd)`` (an addcmul here), then
``p.add_(g, alpha=−lr)`` (an addcmul with −lr cast to the parameter dtype) — bitwise equal for
the same gradients (checked in the tests).

Unlike Adam there is no normalisation by the gradient's size: at an exact minimum, rounding-
level gradients stay rounding-level steps, so a constructed global solution stays put.

Freezing as in :class:`models.training.adam.BatchedAdam`: :meth:`step` commits an update only
for active runs whose new parameters are all finite and returns the committed mask.
"""

from __future__ import annotations

import typing

import torch

from models.training.commit import finite_runs, keep_failed_runs


@typing.final
class BatchedSGD:
    kind = "sgd"

    def __init__(self, params, lr, wd, *, momentum: float = 0.0):
        self.params = list(params)
        self.momentum = float(momentum)
        self.buf = [torch.zeros_like(p) for p in self.params] if self.momentum else []
        p0 = self.params[0]
        R = p0.shape[0]
        self.lr64 = torch.as_tensor(lr, dtype=torch.float64, device=p0.device).reshape(R)
        self.neg_lr = (-self.lr64).to(p0.dtype).view(R, 1, 1)
        self.wd = torch.as_tensor(wd, dtype=p0.dtype, device=p0.device).reshape(R, 1, 1)
        self.use_wd = bool((torch.as_tensor(wd) != 0).any())
        self.t = 0
        self._scratch = [(torch.empty_like(p), torch.empty_like(p)) for p in self.params]  # new p, g + wd·p
        self._buf_new = [torch.empty_like(p) for p in self.params] if self.momentum else []

    @property
    def runs(self) -> int:
        return self.params[0].shape[0]

    def step(self, grads, active: torch.Tensor) -> torch.Tensor:
        """One gradient step for the active runs; returns the runs committed (bool (R,)).

        A run is committed when its new parameters are finite (:func:`models.training.commit.finite_runs`)."""
        self.t += 1
        ok = active.clone()
        for i, (p, g, (p_new, tmp)) in enumerate(zip(self.params, grads, self._scratch)):
            if self.use_wd:
                g = torch.addcmul(g, p, self.wd, out=tmp)
            if self.momentum:
                b = self._buf_new[i]
                if self.t == 1:
                    b.copy_(g)  # torch: buf = clone(d_p)
                else:
                    torch.mul(self.buf[i], self.momentum, out=b).add_(g)  # buf.mul_(μ).add_(d_p)
                g = b
            torch.addcmul(p, g, self.neg_lr, out=p_new)
            ok &= finite_runs(p_new)
        pairs = [(p, p_new) for p, (p_new, _) in zip(self.params, self._scratch)]
        pairs += list(zip(self.buf, self._buf_new))
        keep_failed_runs(ok, pairs)
        for p, (p_new, _) in zip(self.params, self._scratch):
            p.copy_(p_new)
        if self.momentum:
            self.buf, self._buf_new = self._buf_new, self.buf
        return ok

    def state_dict(self) -> dict:
        out = {"kind": self.kind, "t": self.t}
        if self.momentum:
            out["momentum"] = self.momentum
            out["buf"] = [b.detach().cpu() for b in self.buf]
        return out

    def load_state_dict(self, state: dict) -> None:
        kind = state.get("kind", self.kind)
        if kind != self.kind:
            raise ValueError(f"optimizer state is for {kind!r}, not {self.kind!r}")
        if float(state.get("momentum", 0.0)) != self.momentum:
            raise ValueError(f"optimizer state has momentum {state.get('momentum', 0.0)}, not {self.momentum}")
        self.t = int(state["t"])
        for dst, src in zip(self.buf, state.get("buf", [])):
            dst.copy_(src.to(dst.device, dst.dtype))
