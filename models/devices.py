"""Devices: the one place a device name ('auto', 'cpu', 'cuda', 'cuda:N') is resolved, and
torch's CPU thread count set for a block of work (:func:`torch_threads`).

Below both :mod:`models.limits` (whose estimates resolve 'auto' as the trainer does) and
:mod:`models.training.config`; torch is imported only when a name is resolved.
"""

from __future__ import annotations

import contextlib


def resolve_device(name: str):
    """'auto' → cuda when available, else cpu; 'cuda' refused when CUDA is unavailable."""
    import torch

    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda"):
        if not torch.cuda.is_available():
            raise ValueError(f"device {name!r} requested but CUDA is not available")
        dev = torch.device(name)
        if dev.index is not None and dev.index >= torch.cuda.device_count():
            raise ValueError(f"device {name!r}: only {torch.cuda.device_count()} CUDA device(s)")
        return dev
    if name == "cpu":
        return torch.device("cpu")
    raise ValueError(f"unknown device {name!r} (use auto, cpu, cuda or cuda:N)")


@contextlib.contextmanager
def torch_threads(n: int | None):
    """Within the block, torch's CPU thread count of this thread is ``n`` (None: unchanged);
    afterwards it is what it was before."""
    import torch

    old = torch.get_num_threads()
    if n is not None and n != old:
        torch.set_num_threads(n)
    try:
        yield
    finally:
        if torch.get_num_threads() != old:
            torch.set_num_threads(old)


__all__ = ["resolve_device", "torch_threads"]
