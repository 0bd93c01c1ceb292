"""Initial weights and train/test splits of one run, from its seed.

Two recipes:

* ``reference`` — bit-compatible with the paper's scripts (docs/paper.md): ``random.seed(s)``,
  ``np.random.seed(s+1)``, ``torch.manual_seed(s+2)``; then on torch's CPU default generator
  a d×d ``randn`` (the scripts' unused embedding), ``nn.Linear(d, q)`` for W_a, another for
  W_b, ``nn.Linear(q, d)`` for W_c (torch's own init, float32). Split: perm =
  ``np.random.RandomState(s).permutation(d²)``, test = perm[:n_test], train = the rest.
  The global Python/numpy/torch generator states are restored afterwards.
* ``default`` — this project's own: a ``torch.Generator`` seeded with s draws, in float64,
  W_a ~ U(±1/√d) (q×d), then W_b likewise, then W_c ~ U(±1/√q) (d×q); the split is
  ``np.random.default_rng(s).permutation(d²)`` cut the same way. Global RNGs are untouched.

For a group read from a table file (the reference's collection format), ``reference`` follows
the collection script instead, whose model takes both operands through one layer: after the
d×d ``randn``, ``nn.Linear(2d, q)`` (U(±1/√(2d))) gives W_a = its first d columns and W_b the
last d, then ``nn.Linear(q, d)`` gives W_c; the split is the same.

In both, n_test = ⌈(1 − train_frac)·d²⌉ and pairs are indexed a·d + b (docs/mathematics.md#groups-and-elements).
"""

from __future__ import annotations

import math
import random

import numpy as np
import torch
from torch import nn


def n_test_pairs(d: int, train_frac: float) -> int:
    n = math.ceil(round((1.0 - train_frac) * d * d, 9))
    if d * d - n < 1:
        raise ValueError(f"train fraction {train_frac} leaves no training pair for d = {d}")
    return n


def split(d: int, seed: int, train_frac: float, seeding: str) -> tuple[np.ndarray, np.ndarray]:
    """(train, test) pair indices of one run (test first in the permutation)."""
    if seeding == "reference":
        perm = np.random.RandomState(seed).permutation(d * d)
    else:
        perm = np.random.default_rng(seed).permutation(d * d)
    n_test = n_test_pairs(d, train_frac)
    return perm[n_test:].astype(np.int64), perm[:n_test].astype(np.int64)


def reference_init(d: int, q: int, seed: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The paper scripts' float32 initial (W_a, W_b, W_c) for seed s (see module doc)."""
    py_state, np_state, torch_state = random.getstate(), np.random.get_state(), torch.get_rng_state()
    try:
        random.seed(seed)
        np.random.seed(seed + 1)
        torch.manual_seed(seed + 2)
        torch.randn(d, d, dtype=torch.float32)  # the unused embedding of the scripts
        lin_a = nn.Linear(d, q, bias=False, dtype=torch.float32, device="cpu")
        lin_b = nn.Linear(d, q, bias=False, dtype=torch.float32, device="cpu")
        lin_c = nn.Linear(q, d, bias=False, dtype=torch.float32, device="cpu")
        return tuple(lin.weight.detach().clone() for lin in (lin_a, lin_b, lin_c))
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)
        torch.set_rng_state(torch_state)


def reference_joint_init(d: int, q: int, seed: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The collection script's float32 initial (W_a, W_b, W_c): one ``Linear(2d, q)`` for both
    operands (see module doc)."""
    py_state, np_state, torch_state = random.getstate(), np.random.get_state(), torch.get_rng_state()
    try:
        random.seed(seed)
        np.random.seed(seed + 1)
        torch.manual_seed(seed + 2)
        torch.randn(d, d, dtype=torch.float32)  # the script's embedding (then set to the identity)
        lin_w = nn.Linear(2 * d, q, bias=False, dtype=torch.float32, device="cpu")
        lin_c = nn.Linear(q, d, bias=False, dtype=torch.float32, device="cpu")
        W = lin_w.weight.detach()
        return W[:, :d].clone(), W[:, d:].clone(), lin_c.weight.detach().clone()
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)
        torch.set_rng_state(torch_state)


def default_init(d: int, q: int, seed: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """This project's float64 initial (W_a, W_b, W_c) for seed s (see module doc)."""
    gen = torch.Generator(device="cpu").manual_seed(int(seed))
    out = []
    for shape, fan_in in (((q, d), d), ((q, d), d), ((d, q), q)):
        bound = 1.0 / math.sqrt(fan_in)
        out.append(torch.empty(shape, dtype=torch.float64).uniform_(-bound, bound, generator=gen))
    return tuple(out)


def initial_weights(d: int, q: int, seed: int, seeding: str, *, joint: bool = False):
    """A run's initial weights; ``joint``: the group comes from a table file (reference seeding
    then follows the collection script, module doc)."""
    if seeding == "reference":
        return reference_joint_init(d, q, seed) if joint else reference_init(d, q, seed)
    return default_init(d, q, seed)
