"""The group-axiom checker, public so that a new group can be checked in one line.

:func:`check_group_axioms` verifies, on the whole Cayley table, that a
:class:`groups.FiniteAbelianGroup` is a finite Abelian group and that its tables agree with
its coordinates (docs/mathematics.md#groups-and-elements): the order is the product of the
moduli, the table is closed, element 0 is the identity, ``neg_table`` gives inverses,
addition is associative (all d³ triples) and commutative, each row is a permutation, and
``cayley_table()[i, j]`` is the index of coords(i) + coords(j) taken mod each n_t. A
violation raises :class:`AssertionError` naming the law and an offending element.

>>> from groups import parse_group
>>> from groups.testing import check_group_axioms
>>> check_group_axioms(parse_group("Z2xZ3xZ4"))  # passes silently
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["check_group_axioms"]


def _fail(law: str, detail: str):
    raise AssertionError(f"{law}: {detail}")


def check_group_axioms(G) -> None:
    """Raise AssertionError unless ``G`` satisfies every axiom of the module doc."""
    d, moduli = G.order, tuple(G.moduli)
    if not (d == math.prod(moduli) == len(G)):
        _fail("order", f"|G| = {d}, product of the moduli {moduli} = {math.prod(moduli)}, len = {len(G)}")
    T, neg = np.asarray(G.cayley_table()), np.asarray(G.neg_table())
    if T.shape != (d, d) or neg.shape != (d,):
        _fail("shape", f"cayley_table {T.shape}, neg_table {neg.shape}; expected ({d}, {d}) and ({d},)")
    if not (np.issubdtype(T.dtype, np.integer) and np.issubdtype(neg.dtype, np.integer)):
        _fail("shape", f"tables must hold integers, got {T.dtype} and {neg.dtype}")
    if T.size and (T.min() < 0 or T.max() >= d):
        i, j = np.argwhere((T < 0) | (T >= d))[0]
        _fail("closure", f"{i} + {j} = {T[i, j]} is not an element index")
    if G.identity != 0:
        _fail("identity", f"the identity must be element 0, got {G.identity}")
    ar = np.arange(d)
    for side, row in (("left", T[0]), ("right", T[:, 0])):
        if not np.array_equal(row, ar):
            g = int(np.flatnonzero(row != ar)[0])
            _fail("identity", f"0 + {g} != {g} ({side})")
    bad = np.flatnonzero((T[ar, neg] != 0) | (T[neg, ar] != 0))
    if len(bad):
        _fail("inverses", f"{bad[0]} + neg({bad[0]}) = {T[bad[0], neg[bad[0]]]} != 0")
    lhs = T[T[:, :, None], ar[None, None, :]]  # (i + j) + k
    rhs = T[ar[:, None, None], T[None, :, :]]  # i + (j + k)
    if not np.array_equal(lhs, rhs):
        i, j, k = np.argwhere(lhs != rhs)[0]
        _fail("associativity", f"({i} + {j}) + {k} != {i} + ({j} + {k})")
    if not np.array_equal(T, T.T):
        i, j = np.argwhere(T != T.T)[0]
        _fail("commutativity", f"{i} + {j} != {j} + {i}")
    if not np.all(np.sort(T, axis=1) == ar):
        _fail("latin square", f"row {int(np.flatnonzero((np.sort(T, axis=1) != ar).any(1))[0])} is not a permutation")
    C = np.asarray(G.coords(ar))  # (d, m)
    want = G.index((C[:, None, :] + C[None, :, :]) % np.asarray(moduli))
    if not np.array_equal(T, want):
        i, j = np.argwhere(T != want)[0]
        _fail("coordinates", f"cayley_table[{i}, {j}] = {T[i, j]}, but coords({i}) + coords({j}) is element {want[i, j]}")
