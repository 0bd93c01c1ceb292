"""models.residuals: the d³ residual vector, its exact Jacobian, and the sum-of-squares loss."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from groups import parse_group
from models.residuals import jacobian, pack, residual_loss, residuals, unpack
from helpers import loss_ref, random_weights

GROUP_STRINGS = ["Z3", "Z4", "Z5", "Z2xZ3", "Z2xZ2", "Z3xZ3"]


@settings(max_examples=20, deadline=None)
@given(st.sampled_from(GROUP_STRINGS), st.integers(1, 5), st.integers(0, 2**31 - 1))
def test_residuals_square_to_the_loss(spec, q, seed):
    W = random_weights(spec, q, np.random.default_rng(seed), runs=2)
    Wt = [torch.tensor(w) for w in W]
    r = residuals(spec, *Wt)
    assert r.shape == (2, parse_group(spec).order ** 3)
    for i in range(2):
        ref = loss_ref(spec, W[0][i], W[1][i], W[2][i])
        assert float((r[i] ** 2).sum()) == pytest.approx(ref, rel=1e-11)
        assert float(residual_loss(spec, *Wt)[i]) == pytest.approx(ref, rel=1e-11)
        assert float(residual_loss(spec, *Wt, rows_per_chunk=1)[i]) == pytest.approx(ref, rel=1e-11)


@pytest.mark.parametrize("spec, q", [("Z3", 2), ("Z2xZ3", 3), ("Z5", 4)])
def test_jacobian_matches_autograd(spec, q):
    d = parse_group(spec).order
    W = [torch.tensor(w) for w in random_weights(spec, q, np.random.default_rng(7))]
    theta = pack(*W)
    num = torch.autograd.functional.jacobian(lambda t: residuals(spec, *unpack(t, q, d)), theta)
    J = jacobian(spec, *W)
    assert J.shape == (d**3, 3 * q * d)
    assert float((num - J).abs().max()) < 1e-12
    Wb = [torch.stack([w, 2 * w]) for w in W]  # batched: each run its own Jacobian
    Jb = jacobian(spec, *Wb)
    assert float((Jb[0] - J).abs().max()) == 0.0
    assert float((Jb[1] - jacobian(spec, *(2 * w for w in W))).abs().max()) < 1e-12


def test_pack_round_trip_and_bad_sizes():
    W = [torch.arange(6.0).reshape(2, 3), torch.arange(6.0, 12).reshape(2, 3), torch.arange(12.0, 18).reshape(3, 2)]
    back = unpack(pack(*W), 2, 3)
    assert all(torch.equal(a, b) for a, b in zip(W, back))
    with pytest.raises(ValueError, match="entries"):
        unpack(torch.zeros(17), 2, 3)
    with pytest.raises(ValueError, match="rows_per_chunk"):
        residual_loss("Z3", *W, rows_per_chunk=0)
