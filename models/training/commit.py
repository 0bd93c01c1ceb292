"""Per-run commit of an optimizer step: the runs whose step went non-finite keep their state.

Both batched optimizers compute every new tensor into a buffer beside the old one, ask
:func:`finite_runs` which runs stayed finite, and call :func:`keep_failed_runs` before taking
the buffers over.
"""

from __future__ import annotations

import torch


def finite_runs(x: torch.Tensor) -> torch.Tensor:
    """bool (R,): whether run r of x (R, ...) is finite, read off its sum (NaN and ±inf propagate
    into the sum; finite values overflow it only near the dtype's maximum, ≈ 1e33 per element
    in float32 for these sizes)."""
    return torch.isfinite(x.sum(tuple(range(1, x.ndim))))


def keep_failed_runs(ok: torch.Tensor, pairs) -> None:
    """For each (old, new) pair: new ← old on the runs where ``ok`` is False.

    Skipped when every run is ok on the CPU (the common case); on a GPU the merge always runs,
    which costs a pass but no host synchronisation."""
    if not pairs:
        return
    if pairs[0][0].device.type == "cpu" and bool(ok.all()):
        return
    keep = ok.view(-1, *([1] * (pairs[0][0].ndim - 1)))
    for old, new in pairs:
        torch.where(keep, new, old, out=new)
