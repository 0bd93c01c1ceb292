"""The complex numbers as a semiring (the codomain of every sum potential)."""

from __future__ import annotations

import cmath
import numbers
import typing

from algebra._semiring import Semiring


@typing.final
class ComplexField(Semiring):
    """(C, +, ·, 0, 1) with exact and tolerance equality."""

    def zero(self):
        return 0j

    def one(self):
        return 1 + 0j

    def add(self, x, y):
        return complex(x) + complex(y)

    def mul(self, x, y):
        return complex(x) * complex(y)

    def equal(self, x, y) -> bool:
        return complex(x) == complex(y)

    def isclose(self, x, y, *, atol: float = 1e-10) -> bool:
        x, y = complex(x), complex(y)
        return abs(x - y) <= atol * max(1.0, abs(x), abs(y))

    def contains(self, x) -> bool:
        return isinstance(x, numbers.Number) and cmath.isfinite(complex(x))

    def scale(self, s, x):
        return complex(s) * complex(x)

    def constant(self, s):
        return complex(s)

    def __eq__(self, other):
        return isinstance(other, ComplexField)

    def __hash__(self):
        return hash("ComplexField")

    def __repr__(self):
        return "COMPLEX"


COMPLEX = ComplexField()
