"""The solver: build global solutions by composing registered partial solutions (docs/mathematics.md#sum-potentials, docs/solutions.md#partial-solutions, docs/solutions.md#global-solutions).

* :func:`search` — per orbit kind, the lowest-order product (and sums, polynomials) of
  registered generators that covers what an orbit needs;
* :func:`construct` — a strategy (``f6``, ``f46``, ``memorize``, ``auto``) applied to a
  group: per-orbit plans, vectorised assembly, cross-orbit R_n cancellation, balancing, and a
  :class:`Certificate` with the exact loss.

>>> from cogs.solver import construct
>>> c = construct("Z5", "f6")
>>> c.order, c.certificate.passed
(12, True)

Reference: Tian, NeurIPS 2025, arXiv:2410.01779.
"""

from cogs.solver.assemble import (
    balance,
    block_rn_residuals,
    build_tensor,
    cancel_rn,
    cancel_rn_weights,
    normalize_blocks,
    rn_residuals,
    weights_from_blocks,
)
from cogs.solver.certificate import Certificate, certify
from cogs.solver.search import CoverageError, OrbitPlan, c_free_sums, merge_nodes, requirement, search, sp_vector
from cogs.solver.strategies import MEMORIZE_MAX_D, STRATEGIES, Layout, construct, plan_layout, reference_orders

__all__ = [
    "Certificate",
    "CoverageError",
    "Layout",
    "MEMORIZE_MAX_D",
    "OrbitPlan",
    "STRATEGIES",
    "balance",
    "block_rn_residuals",
    "build_tensor",
    "c_free_sums",
    "cancel_rn",
    "cancel_rn_weights",
    "certify",
    "construct",
    "merge_nodes",
    "normalize_blocks",
    "plan_layout",
    "reference_orders",
    "requirement",
    "rn_residuals",
    "search",
    "sp_vector",
    "weights_from_blocks",
]
