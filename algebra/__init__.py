"""Abstract algebra: semirings, homomorphisms, polynomials, law checkers.

Knows nothing of groups or networks. Public API re-exported from private modules; the law
checkers and hypothesis strategies live in the separate public module :mod:`algebra.testing`.

>>> from algebra import POLYNOMIALS, Polynomial
>>> p, q = Polynomial([1, 1]), Polynomial([0, 2])  # 1 + x and 2x
>>> POLYNOMIALS.mul(p, q) == Polynomial([0, 2, 2])  # (1 + x)·2x
True
"""

from algebra._homomorphism import Composite, Homomorphism
from algebra._matrix import MatrixAlgebra
from algebra._polynomial import (
    POLYNOMIALS,
    TROPICAL,
    Evaluation,
    Polynomial,
    PolynomialSemiring,
    Substitution,
    TropicalSemiring,
    evaluate_polynomial,
    linear_product,
    root_product,
)
from algebra._scalars import COMPLEX, ComplexField
from algebra._semiring import Semiring, SemiringElement

__all__ = [
    "COMPLEX",
    "ComplexField",
    "Composite",
    "Evaluation",
    "Homomorphism",
    "MatrixAlgebra",
    "POLYNOMIALS",
    "Polynomial",
    "PolynomialSemiring",
    "Semiring",
    "SemiringElement",
    "Substitution",
    "TROPICAL",
    "TropicalSemiring",
    "evaluate_polynomial",
    "linear_product",
    "root_product",
]
