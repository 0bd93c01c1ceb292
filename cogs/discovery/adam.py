"""Batched Adam on the exact all-pairs loss: the first phase of discovery.

Each row of θ (R, 3qd) is one restart; the gradient ∇ℓ = 2Jᵀρ is formed in closed form
(:func:`cogs.discovery.lm.loss_and_grad`, O(qd³) a restart, no autograd), and Adam is applied
elementwise, so the rows are independent and a batch of R restarts computes exactly what R
separate runs would:

    m ← β₁m + (1 − β₁)g,   v ← β₂v + (1 − β₂)g²,   θ ← θ − η · m/(1 − β₁ᵗ) / (√(v/(1 − β₂ᵗ)) + ε).

A restart whose step produces a non-finite loss or weights is frozen at its last finite
point (its loss becomes +inf), so it can never be picked as the best.
"""

from __future__ import annotations

import typing

import attrs
import torch

from cogs.discovery.lm import loss_and_grad

__all__ = ["AdamState", "adam_epochs"]


@typing.final
@attrs.define
class AdamState:
    """θ (R, n), Adam moments m, v (R, n), the step count t and the loss ℓ(θ) (R,)."""

    theta: torch.Tensor
    m: torch.Tensor
    v: torch.Tensor
    loss: torch.Tensor
    t: int = 0

    @classmethod
    def start(cls, theta: torch.Tensor, q: int, group) -> "AdamState":
        loss, _ = loss_and_grad(theta, q, group)
        return cls(theta.clone(), torch.zeros_like(theta), torch.zeros_like(theta), loss)

    def select(self, index: torch.Tensor) -> "AdamState":
        """The restarts ``index`` (a new state; moments and step count carried along)."""
        return AdamState(self.theta[index], self.m[index], self.v[index], self.loss[index], self.t)


def adam_epochs(state: AdamState, q: int, group, epochs: int, *, lr: float, betas=(0.9, 0.999), eps: float = 1e-8, should_stop=None, check_every: int = 50) -> int:
    """Advance every restart of ``state`` by up to ``epochs`` Adam steps, in place. Every
    ``check_every`` steps ``should_stop()`` (e.g. a time limit) may end the phase early.
    Returns the number of steps taken; ``state.loss`` is the loss at the final θ."""
    b1, b2 = betas
    alive = torch.isfinite(state.loss)
    done = 0
    for e in range(epochs):
        if should_stop is not None and e % check_every == 0 and e and should_stop():
            break
        loss, g = loss_and_grad(state.theta, q, group)
        bad = ~(torch.isfinite(loss) & torch.isfinite(g).all(-1))
        if bool(bad.any()):  # freeze restarts that blew up at their last finite point
            alive &= ~bad
            g = torch.where(bad[:, None], torch.zeros_like(g), g)
        g = g * alive[:, None]
        state.loss = torch.where(alive, loss, torch.full_like(loss, float("inf")))
        state.t += 1
        state.m.mul_(b1).add_(g, alpha=1 - b1)
        state.v.mul_(b2).addcmul_(g, g, value=1 - b2)
        step = (state.m / (1 - b1**state.t)) / ((state.v / (1 - b2**state.t)).sqrt_().add_(eps))
        state.theta.sub_(lr * step * alive[:, None])
        done += 1
    loss, _ = loss_and_grad(state.theta, q, group)
    state.loss = torch.where(alive & torch.isfinite(loss), loss, torch.full_like(loss, float("inf")))
    return done
