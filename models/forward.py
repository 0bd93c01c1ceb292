"""The 2-layer quadratic network of docs/mathematics.md#the-network-and-its-loss, single and batched over R runs.

h_j(a,b) = (W_a[j,a] + W_b[j,b])²,  o(a,b) = Σ_j W_c[:,j] h_j(a,b);  W_a, W_b: q×d, W_c: d×q.
The functional core works on tensors with any leading batch shape (..., q, d), so one set of
tensors can hold R independent networks of the same d and q.
"""

from __future__ import annotations

import math
import typing

import numpy as np
import torch
from torch import nn

from groups import FiniteGroup, parse_group
from models.activations import sample_loss
from models.weights import as_tensors, check_shapes, weights_of

# elements of (batch, q, pairs) processed at once by the chunked evaluators
_CHUNK_ELEMENTS = 1 << 23


def all_pairs(d: int) -> np.ndarray:
    """All d² pairs (a, b), a outer, b inner (pair index = a·d + b), shape (d², 2)."""
    a, b = np.divmod(np.arange(d * d, dtype=np.int64), d)
    return np.stack([a, b], axis=1)


def pairs_from_index(d: int, index) -> np.ndarray:
    """Pair indices (a·d + b) -> (N, 2) array of (a, b)."""
    a, b = np.divmod(np.asarray(index, dtype=np.int64), d)
    return np.stack([a, b], axis=1)


def forward(W_a: torch.Tensor, W_b: torch.Tensor, W_c: torch.Tensor, a, b) -> torch.Tensor:
    """Outputs o(a_n, b_n), shape (..., N, d), for index vectors a, b of length N."""
    a = torch.as_tensor(a, device=W_a.device, dtype=torch.long)
    b = torch.as_tensor(b, device=W_a.device, dtype=torch.long)
    h = (W_a[..., a] + W_b[..., b]) ** 2  # (..., q, N)
    return torch.matmul(W_c, h).transpose(-1, -2)  # (..., N, d)


def per_sample_loss(o: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """‖P(o − e_y)‖² = ‖o − ō‖² − 2(o_y − ō) + 1 − 1/d, shape o.shape[:-1]
    (:func:`models.activations.sample_loss` with the MSE)."""
    return sample_loss("mse", o, y)


def _chunk_size(W_a: torch.Tensor, n: int) -> int:
    batch = math.prod(W_a.shape[:-1])  # (... × q)
    d = W_a.shape[-1]
    return max(1, min(n, _CHUNK_ELEMENTS // max(1, batch + math.prod(W_a.shape[:-2]) * d)))


def loss_and_accuracy(group, W_a=None, W_b=None, W_c=None, *, pairs=None, chunk: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Brute-force loss (docs/mathematics.md#the-network-and-its-loss normalisation) and accuracy over a set of pairs.

    Weights: a network, or the group and W_a, W_b, W_c (numpy or torch, any leading batch
    shape; :mod:`models.weights`). ``pairs``: (N, 2) indices, default all d² pairs. Chunked
    over pairs so memory stays bounded (d = 127, all pairs, q = 2048 fits easily). Returns
    tensors of the batch shape. Differentiable when the weights require grad.
    """
    group, W_a, W_b, W_c = weights_of(group, W_a, W_b, W_c)
    d = group.order
    W_a, W_b, W_c = as_tensors(W_a, W_b, W_c, group=group)
    pairs = all_pairs(d) if pairs is None else check_pairs(pairs, d)
    if chunk is not None and (isinstance(chunk, bool) or not isinstance(chunk, (int, np.integer)) or chunk < 1):
        raise ValueError(f"chunk must be an integer ≥ 1 (pairs per step), got {chunk!r}")
    table = torch.tensor(group.cayley_table(), device=W_a.device)
    pt = torch.as_tensor(pairs, device=W_a.device)
    n = len(pairs)
    step = int(chunk) if chunk is not None else _chunk_size(W_a, n)
    total = W_a.new_zeros(W_a.shape[:-2])
    correct = W_a.new_zeros(W_a.shape[:-2])
    for start in range(0, n, step):
        a, b = pt[start : start + step, 0], pt[start : start + step, 1]
        y = table[a, b]
        o = forward(W_a, W_b, W_c, a, b)
        total = total + per_sample_loss(o, y).sum(-1)
        correct = correct + (o.argmax(-1) == y).to(W_a.dtype).sum(-1)
    return total / n, correct / n


def brute_force_loss(group, W_a=None, W_b=None, W_c=None, *, pairs=None, chunk=None) -> torch.Tensor:
    """The loss of docs/mathematics.md#the-network-and-its-loss over ``pairs`` (default all d²),
    by enumeration, chunked; see :func:`loss_and_accuracy`."""
    return loss_and_accuracy(group, W_a, W_b, W_c, pairs=pairs, chunk=chunk)[0]


def check_pairs(pairs, d: int) -> np.ndarray:
    """``pairs`` as an (N, 2) int64 array of (a, b) with 0 ≤ a, b < d; anything else (floats,
    which would be truncated, out-of-range indices, which would wrap around, other shapes, an
    empty set) is a ValueError."""
    if isinstance(pairs, torch.Tensor):
        pairs = pairs.detach().cpu().numpy()
    arr = np.asarray(pairs)
    if arr.size == 0:
        raise ValueError("empty set of pairs")
    if arr.dtype.kind not in "iu":
        raise ValueError(f"pairs must be integer indices, got dtype {arr.dtype}")
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"pairs must have shape (N, 2), got {arr.shape}")
    lo, hi = int(arr.min()), int(arr.max())
    if lo < 0 or hi >= d:
        raise ValueError(f"pairs must lie in [0, {d}), got entries from {lo} to {hi}")
    return arr.astype(np.int64, copy=False)


class _NetBase(nn.Module):
    group: FiniteGroup

    def forward(self, a, b) -> torch.Tensor:
        return forward(self.W_a, self.W_b, self.W_c, a, b)

    def loss(self, pairs=None) -> torch.Tensor:
        return brute_force_loss(self.group, self.W_a, self.W_b, self.W_c, pairs=pairs)

    def loss_and_accuracy(self, pairs=None):
        return loss_and_accuracy(self.group, self.W_a, self.W_b, self.W_c, pairs=pairs)

    @property
    def d(self) -> int:
        return self.group.order

    @property
    def q(self) -> int:
        return self.W_a.shape[-2]


@typing.final
class QuadraticNet(_NetBase):
    """One network: parameters W_a (q×d), W_b (q×d), W_c (d×q), no biases.

    Default init is torch ``Linear``'s (U(±1/√fan_in): fan_in d for W_a, W_b, q for W_c),
    drawn from ``generator`` when given.

    >>> net = QuadraticNet("Z7", 20, generator=torch.Generator().manual_seed(0))
    >>> net(torch.tensor([1]), torch.tensor([2])).shape
    torch.Size([1, 7])
    """

    def __init__(self, group, q: int, *, dtype=torch.float64, device=None, generator=None):
        super().__init__()
        self.group = parse_group(group)
        d = self.group.order
        _check_q(q)
        self.W_a = nn.Parameter(_uniform((q, d), d, dtype, device, generator))
        self.W_b = nn.Parameter(_uniform((q, d), d, dtype, device, generator))
        self.W_c = nn.Parameter(_uniform((d, q), q, dtype, device, generator))

    @classmethod
    def from_weights(cls, group, W_a=None, W_b=None, W_c=None, *, dtype=torch.float64, device=None) -> "QuadraticNet":
        """A module holding a network (or ``group``'s weights) as trainable parameters."""
        group, W_a, W_b, W_c = weights_of(group, W_a, W_b, W_c)
        return _from_weights(cls, group, (W_a, W_b, W_c), dtype, device, ndim=2)


@typing.final
class BatchedQuadraticNet(_NetBase):
    """R independent networks of the same d and q in one set of tensors:
    W_a, W_b of shape (R, q, d), W_c of shape (R, d, q). ``forward`` gives (R, N, d)."""

    def __init__(self, group, q: int, runs: int, *, dtype=torch.float64, device=None, generator=None):
        super().__init__()
        self.group = parse_group(group)
        d = self.group.order
        _check_q(q)
        if runs < 1:
            raise ValueError(f"runs must be ≥ 1, got {runs}")
        self.W_a = nn.Parameter(_uniform((runs, q, d), d, dtype, device, generator))
        self.W_b = nn.Parameter(_uniform((runs, q, d), d, dtype, device, generator))
        self.W_c = nn.Parameter(_uniform((runs, d, q), q, dtype, device, generator))

    @classmethod
    def from_weights(cls, group, W_a=None, W_b=None, W_c=None, *, dtype=torch.float64, device=None) -> "BatchedQuadraticNet":
        """A module holding R networks' weights, (R, q, d), (R, q, d), (R, d, q)."""
        group, W_a, W_b, W_c = weights_of(group, W_a, W_b, W_c)
        return _from_weights(cls, group, (W_a, W_b, W_c), dtype, device, ndim=3)

    @property
    def runs(self) -> int:
        return self.W_a.shape[0]

    def run(self, r: int) -> QuadraticNet:
        """A copy of run r as a single network."""
        return QuadraticNet.from_weights(self.group, self.W_a[r].detach(), self.W_b[r].detach(), self.W_c[r].detach(), dtype=self.W_a.dtype, device=self.W_a.device)


def _from_weights(cls, group, weights, dtype, device, ndim: int):
    W_a, W_b, W_c = (w.detach().to(dtype=dtype, device=device) for w in as_tensors(*weights, dtype=dtype))
    group = parse_group(group)
    if W_a.ndim != ndim:
        raise ValueError(f"{cls.__name__} needs W_a of {ndim} dimensions, got shape {tuple(W_a.shape)}")
    check_shapes(W_a, W_b, W_c, group.order)
    net = cls.__new__(cls)
    nn.Module.__init__(net)
    net.group = group
    net.W_a, net.W_b, net.W_c = (nn.Parameter(w.clone()) for w in (W_a, W_b, W_c))
    return net


def _check_q(q) -> None:
    if isinstance(q, bool) or not isinstance(q, int) or q < 1:
        raise ValueError(f"hidden width q must be an int ≥ 1, got {q!r}")


def _uniform(shape, fan_in, dtype, device, generator) -> torch.Tensor:
    bound = 1.0 / math.sqrt(fan_in)
    t = torch.empty(shape, dtype=dtype, device=device)
    return t.uniform_(-bound, bound, generator=generator)
