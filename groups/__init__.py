"""Finite groups — Abelian and not — their irreps and Fourier transforms (knows nothing of
networks).

>>> from groups import parse_group
>>> G = parse_group("Z2xZ3xZ4")
>>> G.order, G.invariant_factors()
(24, (2, 12))
>>> H = parse_group("S4")
>>> H.order, H.is_abelian, [r.dim for r in H.irreps()]
(24, False, [1, 1, 2, 3, 3])
"""

from groups._finite import FiniteGroup
from groups._base import FiniteAbelianGroup
from groups._doubling import DoublingCycle, doubling_cycles
from groups._concrete import CyclicGroup, ProductGroup, cyclic, from_moduli, product
from groups._errors import GroupSpecError, NotAbelianError, require_abelian
from groups._fourier import MAX_FFT_AXES, dft, fftn_chunked, idft, rfftn_chunked
from groups._irreps import Irrep, RealIrrep
from groups._blocks import (BLOCK_KINDS, Block, block_dim, block_from_coords, block_label, block_mul, block_to_coords,
                            block_type, blocks)
from groups._orbit import Orbit
from groups._parse import parse_group
from groups._smallgroups import SHIPPED_MAX_ORDER, number_of_small_groups
from groups._table_group import MAX_TABLE_ORDER, GroupTableError, TableGroup

__all__ = [
    "FiniteGroup",
    "FiniteAbelianGroup",
    "CyclicGroup",
    "ProductGroup",
    "TableGroup",
    "GroupSpecError",
    "GroupTableError",
    "NotAbelianError",
    "DoublingCycle",
    "Irrep",
    "Block",
    "RealIrrep",
    "Orbit",
    "MAX_TABLE_ORDER",
    "SHIPPED_MAX_ORDER",
    "BLOCK_KINDS",
    "block_dim",
    "block_label",
    "block_type",
    "block_from_coords",
    "block_mul",
    "block_to_coords",
    "blocks",
    "cyclic",
    "dft",
    "fftn_chunked",
    "rfftn_chunked",
    "MAX_FFT_AXES",
    "doubling_cycles",
    "from_moduli",
    "idft",
    "number_of_small_groups",
    "parse_group",
    "product",
    "require_abelian",
]
