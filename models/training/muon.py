"""Muon on the hidden layer, Adam on the output layer, vectorised over R runs.

The reference scripts' ``muon`` set-up (their ``MuonEnhanced``, as their training script calls
it): the hidden layer's matrix W = [W_1 | … | W_K] (q × K·d, every operand's input matrix side
by side, as the scripts' one ``Linear(K·d, q)`` holds them) is updated by

    W ← W·(1 − lr·wd)                              (decoupled weight decay)
    m ← m + (1 − β2)·(g − m)                       (m.lerp_(g, 1 − β2))
    u ← m, or with Nesterov u ← g + (1 − β1)·(m − g)
    W ← W − lr·c·NS5(u)

where NS5 is five Newton–Schulz steps towards the orthogonal polar factor of u — X = u/(‖u‖_F
+ 1e-7) (transposed when u is tall), then X ← aX + (bA + cA²)X with A = XXᵀ and the per-step
coefficient triples (4.01, −9.22, 5.80), (3.49, −6.38, 3.23), (3.34, −6.21, 3.20),
(3.64, −7.48, 4.43), (3.46, −5.35, 2.85) — optionally in bfloat16, and c the RMS compensation
√max(1, rows/cols) (1 without it). The output layer W_c takes Adam with coupled L2 weight
decay (:class:`models.training.adam.BatchedAdam`). Defaults are the reference training
script's: β1 = 0.9, β2 = 0.99, no Nesterov, no RMS compensation, float32 (its ``muon_opt``
module's own defaults are β = 0.95, Nesterov, compensation and bfloat16; pass them to get those).

On a CPU the Newton–Schulz products run one run at a time, so a run's numbers do not depend on
the other runs of the batch; on CUDA one batched product per step.

Reference: K. Jordan et al., "Muon: an optimizer for hidden layers in neural networks" (2024).
"""

from __future__ import annotations

import typing

import torch

from models.training.adam import BatchedAdam
from models.training.commit import finite_runs, keep_failed_runs

#: (a, b, c) of the five Newton–Schulz steps
NS_COEFFICIENTS = ((4.01, -9.22, 5.80), (3.49, -6.38, 3.23), (3.34, -6.21, 3.20), (3.64, -7.48, 4.43),
                   (3.46, -5.35, 2.85))


def newton_schulz5(G: torch.Tensor, bf16: bool = False) -> torch.Tensor:
    """NS5 of one matrix or a batch (..., rows, cols): the quintic iteration of the module doc
    (bfloat16 when ``bf16``; the result keeps that dtype, as the reference's does)."""
    X = G.bfloat16() if bf16 else G
    tall = G.size(-2) > G.size(-1)
    if tall:
        X = X.mT
    X = X / (X.norm(dim=(-2, -1), keepdim=True) + 1e-7)
    for a, b, c in NS_COEFFICIENTS:
        A = X @ X.mT
        B = b * A + c * A @ A
        X = a * X + B @ X
    if tall:
        X = X.mT
    return X


@typing.final
class BatchedMuon:
    """Muon on ``inputs`` (K tensors (R, q, d), orthogonalised side by side per run) and Adam on
    ``output`` (R, d, q); per-run lr and wd (R,). ``step(grads, active)`` takes the K + 1
    gradients in the same order (inputs, then output) and commits per run as the other
    optimizers do."""

    kind = "muon"

    def __init__(self, inputs, output, lr, wd, *, betas=(0.9, 0.999), eps=1e-8, beta1: float = 0.9,
                 beta2: float = 0.99, nesterov: bool = False, rms_compensate: bool = False, bf16: bool = False):
        self.inputs = list(inputs)
        p0 = self.inputs[0]
        R = p0.shape[0]
        self.adam = BatchedAdam([output], lr, wd, betas=betas, eps=eps)
        self.lr64 = torch.as_tensor(lr, dtype=torch.float64, device=p0.device).reshape(R)
        wd64 = torch.as_tensor(wd, dtype=torch.float64, device=p0.device).reshape(R)
        self.decay = (1 - self.lr64 * wd64).to(p0.dtype).view(R, 1, 1)
        self.use_decay = bool((wd64 != 0).any())
        self.neg_lr = (-self.lr64).to(p0.dtype).view(R, 1, 1)
        self.beta1, self.beta2 = float(beta1), float(beta2)
        self.nesterov, self.rms_compensate, self.bf16 = bool(nesterov), bool(rms_compensate), bool(bf16)
        self.widths = [p.shape[2] for p in self.inputs]
        q, cols = p0.shape[1], sum(self.widths)
        self.coeff = max(1.0, q / cols) ** 0.5 if self.rms_compensate else 1.0
        self.m = torch.zeros(R, q, cols, dtype=p0.dtype, device=p0.device)
        self.t = 0

    @property
    def runs(self) -> int:
        return self.inputs[0].shape[0]

    def _orthogonalise(self, u: torch.Tensor) -> torch.Tensor:
        if u.device.type == "cpu":
            return torch.stack([newton_schulz5(u[r], self.bf16) for r in range(u.shape[0])])
        return newton_schulz5(u, self.bf16)

    def step(self, grads, active: torch.Tensor) -> torch.Tensor:
        self.t += 1
        grads = list(grads)
        g = torch.cat(grads[:-1], dim=2)  # (R, q, K·d)
        W = torch.cat(self.inputs, dim=2)
        if self.use_decay:
            W = W * self.decay
        m = torch.lerp(self.m, g, 1 - self.beta2)
        u = torch.lerp(g, m, 1 - self.beta1) if self.nesterov else m
        X = self._orthogonalise(u)
        if self.coeff != 1.0:
            X = X * self.coeff
        W_new = torch.addcmul(W, X.to(W.dtype), self.neg_lr)
        ok = active & finite_runs(W_new) & finite_runs(m)
        ok = ok & self.adam.step(grads[-1:], ok)
        keep_failed_runs(ok, [(torch.cat(self.inputs, dim=2), W_new), (self.m, m)])
        self.m = m
        for p, part in zip(self.inputs, torch.split(W_new, self.widths, dim=2)):
            p.copy_(part)
        return ok

    def state_dict(self) -> dict:
        return {"kind": self.kind, "t": self.t, "m": self.m.detach().cpu(), "adam": self.adam.state_dict()}

    def load_state_dict(self, state: dict) -> None:
        kind = state.get("kind", self.kind)
        if kind != self.kind:
            raise ValueError(f"optimizer state is for {kind!r}, not {self.kind!r}")
        self.t = int(state["t"])
        self.m.copy_(state["m"].to(self.m.device, self.m.dtype))
        self.adam.load_state_dict(state["adam"])
