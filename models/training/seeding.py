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

The reference's current training script (activations, cross-entropy, SGD with momentum,
AdamW, Muon, K operands, ridge, expression tasks) builds the one-layer model of the collection
script with ``nn.Linear(K·d, q)``: ``reference`` seeding uses that layout for every set-up other
than the paper's (:attr:`TrainConfig.paper_setup`), so each set-up is reproduced against the
script that has it. ``default`` draws the K input matrices one after the other, then W_c.

In both, n_test = ⌈(1 − train_frac)·N⌉ over the N = d^K input tuples (d² pairs for two
operands), tuples indexed x_1·d^(K−1) + … + x_K (docs/mathematics.md#groups-and-elements). At the
critical ratio n_test = ⌈t·N⌉ with t the critical test fraction, as sklearn's
``train_test_split(test_size=t)`` cuts it (its permutation is ``RandomState(s).permutation(N)``,
the reference split above).
"""

from __future__ import annotations

import math
import random

import numpy as np
import torch
from torch import nn


def n_test_pairs(d: int, train_frac: float, *, tuples: int | None = None, test_size: float | None = None) -> int:
    """Test tuples of a split: ⌈(1 − train_frac)·N⌉ (N = ``tuples``, default d²), or with
    ``test_size`` t given ⌈t·N⌉ as sklearn computes it."""
    N = d * d if tuples is None else int(tuples)
    if test_size is not None:
        n = math.ceil(test_size * N)
    else:
        n = math.ceil(round((1.0 - train_frac) * N, 9))
    if N - n < 1:
        raise ValueError(f"train fraction {1 - test_size if test_size is not None else train_frac} leaves no "
                         f"training tuple for d = {d}")
    return n


def split(d: int, seed: int, train_frac: float, seeding: str, *, tuples: int | None = None,
          test_size: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(train, test) tuple indices of one run (test first in the permutation)."""
    N = d * d if tuples is None else int(tuples)
    if seeding == "reference":
        perm = np.random.RandomState(seed).permutation(N)
    else:
        perm = np.random.default_rng(seed).permutation(N)
    n_test = n_test_pairs(d, train_frac, tuples=N, test_size=test_size)
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


def reference_joint_init(d: int, q: int, seed: int, operands: int = 2) -> tuple[torch.Tensor, ...]:
    """The collection (and current) script's float32 initial weights: one ``Linear(K·d, q)``
    for the K operands, then ``Linear(q, d)`` (see module doc); (W_1, …, W_K, W_c)."""
    py_state, np_state, torch_state = random.getstate(), np.random.get_state(), torch.get_rng_state()
    try:
        random.seed(seed)
        np.random.seed(seed + 1)
        torch.manual_seed(seed + 2)
        torch.randn(d, d, dtype=torch.float32)  # the script's embedding (then set to the identity)
        lin_w = nn.Linear(operands * d, q, bias=False, dtype=torch.float32, device="cpu")
        lin_c = nn.Linear(q, d, bias=False, dtype=torch.float32, device="cpu")
        W = lin_w.weight.detach()
        return tuple(W[:, k * d:(k + 1) * d].clone() for k in range(operands)) + (lin_c.weight.detach().clone(),)
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)
        torch.set_rng_state(torch_state)


def default_init(d: int, q: int, seed: int, operands: int = 2) -> tuple[torch.Tensor, ...]:
    """This project's float64 initial (W_1, …, W_K, W_c) for seed s (see module doc)."""
    gen = torch.Generator(device="cpu").manual_seed(int(seed))
    out = []
    for shape, fan_in in [((q, d), d)] * operands + [((d, q), q)]:
        bound = 1.0 / math.sqrt(fan_in)
        out.append(torch.empty(shape, dtype=torch.float64).uniform_(-bound, bound, generator=gen))
    return tuple(out)


def initial_weights(d: int, q: int, seed: int, seeding: str, *, joint: bool = False, operands: int = 2):
    """A run's initial weights (W_1, …, W_K, W_c); ``joint``: reference seeding follows the
    one-layer scripts (a table-file group, or a set-up other than the paper's; module doc)."""
    if seeding == "reference":
        return reference_joint_init(d, q, seed, operands) if joint or operands != 2 else reference_init(d, q, seed)
    return default_init(d, q, seed, operands)
