"""The (non-commutative) ring of complex n × n matrices as a semi-ring structure.

:class:`MatrixAlgebra` is the codomain of the sum-potential tensors of networks on a
non-Abelian group: r(z) ∈ M_{dσ} ⊗ M_{dτ} ⊗ M_{dρ}, a matrix algebra of size dσ·dτ·dρ.

>>> import numpy as np
>>> M = MatrixAlgebra(2)
>>> x, y = np.array([[0, 1], [0, 0]]), np.array([[0, 0], [1, 0]])
>>> M.isclose(M.mul(x, y), M.mul(y, x)), M.isclose(M.mul(M.one(), x), x)
(False, True)
>>> M
MatrixAlgebra(2)
"""

from __future__ import annotations

import typing

import numpy as np

from algebra._semiring import Semiring

__all__ = ["MatrixAlgebra"]


@typing.final
class MatrixAlgebra(Semiring):
    """M_n(C): + and * the matrix sum and product, 0 the zero matrix, 1 the identity.
    Elements are (n, n) numpy arrays (any numeric dtype; compared as complex)."""

    def __init__(self, n: int):
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"a matrix algebra needs a size n ≥ 1, got {n!r}")
        self.n = int(n)

    def __repr__(self) -> str:
        return f"MatrixAlgebra({self.n})"

    def __eq__(self, other) -> bool:
        return isinstance(other, MatrixAlgebra) and other.n == self.n

    def __hash__(self) -> int:
        return hash(("MatrixAlgebra", self.n))

    def zero(self):
        return np.zeros((self.n, self.n), dtype=complex)

    def one(self):
        return np.eye(self.n, dtype=complex)

    def add(self, x, y):
        return np.asarray(x) + np.asarray(y)

    def mul(self, x, y):
        return np.asarray(x) @ np.asarray(y)

    def equal(self, x, y) -> bool:
        return bool(np.array_equal(np.asarray(x), np.asarray(y)))

    def isclose(self, x, y, *, atol: float = 1e-10) -> bool:
        x, y = np.asarray(x), np.asarray(y)
        scale = max(1.0, float(np.abs(x).max(initial=0.0)), float(np.abs(y).max(initial=0.0)))
        return bool(x.shape == y.shape and np.abs(x - y).max(initial=0.0) <= atol * scale)

    def contains(self, x) -> bool:
        x = np.asarray(x)
        return x.shape == (self.n, self.n) and x.dtype.kind in "biufc" and bool(np.all(np.isfinite(x)))
