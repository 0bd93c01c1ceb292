"""Merging the nodes of a small block (docs/mathematics.md#the-semi-ring-of-networks identification), shared by the constructions
that build blocks (:mod:`cogs.generators.polynomial`) and the solver that composes them
(:mod:`cogs.solver.search`).

Two nodes with equal inputs (a, b) act as one node whose output c is their sum; a node with
c = 0 does nothing. :func:`merge_nodes` applies both rules to a block's values (3, q).

>>> import numpy as np
>>> merge_nodes(np.array([[1, 2, 1], [1, 2, 1], [1, 0, 2]], dtype=complex)).tolist()
[[(1+0j)], [(1+0j)], [(3+0j)]]
"""

from __future__ import annotations

import numpy as np

__all__ = ["ATOL", "merge_nodes"]

#: relative tolerance under which two nodes' inputs are equal and an output is zero
ATOL = 1e-9


def merge_nodes(v: np.ndarray, atol: float = ATOL) -> np.ndarray:
    """docs/mathematics.md#the-semi-ring-of-networks identification for a small block (3, q): nodes with equal (a, b) merge (c rows
    add), nodes with c = 0 are dropped; first-occurrence order. O(q²), vectorised."""
    q = v.shape[1]
    if q == 0:
        return v
    tol = atol * max(1.0, float(np.abs(v).max()))
    dist = np.abs(v[:2, :, None] - v[:2, None, :]).max(axis=0)  # (q, q)
    label = np.argmax(dist <= tol, axis=0)  # first node equal to node j
    label = label[label]  # make transitive chains point at a representative
    reps, inverse = np.unique(label, return_inverse=True)
    c = np.zeros(len(reps), dtype=np.complex128)
    np.add.at(c, inverse, v[2])
    keep = np.abs(c) > tol
    out = np.concatenate([v[:2, reps], c[None, :]], axis=0)
    return out[:, keep]
