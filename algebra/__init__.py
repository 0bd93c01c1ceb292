"""Abstract algebra: semirings, homomorphisms, polynomials, law checkers.

Knows nothing of groups or networks. Public API re-exported from private modules.
"""

from algebra._homomorphism import Composite, Homomorphism
from algebra._scalars import COMPLEX, ComplexField
from algebra._semiring import Semiring, SemiringElement

__all__ = ["COMPLEX", "ComplexField", "Composite", "Homomorphism", "Semiring", "SemiringElement"]
