"""Finite Abelian groups, their characters and Fourier transform (knows nothing of networks).

>>> from groups import parse_group
>>> G = parse_group("Z2xZ3xZ4")
>>> G.order, G.invariant_factors()
(24, (2, 12))
"""

from groups._base import FiniteAbelianGroup
from groups._doubling import DoublingCycle, doubling_cycles
from groups._concrete import CyclicGroup, ProductGroup, cyclic, from_moduli, product
from groups._fourier import dft, idft
from groups._orbit import Orbit
from groups._parse import GroupSpecError, parse_group

__all__ = [
    "FiniteAbelianGroup",
    "CyclicGroup",
    "ProductGroup",
    "GroupSpecError",
    "DoublingCycle",
    "Orbit",
    "cyclic",
    "dft",
    "doubling_cycles",
    "from_moduli",
    "idft",
    "parse_group",
    "product",
]
