"""The solver: build global solutions by composing registered partial solutions (docs/mathematics.md#sum-potentials, docs/solutions.md#partial-solutions, docs/solutions.md#global-solutions).

* :func:`search` — per orbit kind, the lowest-order product (and sums, polynomials) of
  registered generators that covers what an orbit needs;
* :data:`STRATEGIES` — the registered strategies (``f6``, ``f46``, ``chain``, ``memorize``,
  ``auto``, and yours: :func:`register_strategy`); a :class:`Strategy` plans once per group,
  a :class:`Plan` (or a :class:`Refusal`), and the plan builds;
* :func:`construct` — a strategy applied to a group: per-orbit plans, vectorised assembly,
  cross-orbit R_n cancellation, balancing, and a :class:`Certificate` with the exact loss.

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
from cogs.solver.certificate import Certificate, Evidence, OrbitCertificate, StrategyDetails, certify
from cogs.solver.layout import Layout, plan_layout
from cogs.solver.search import CoverageError, OrbitPlan, c_free_sums, merge_nodes, requirement, search, sp_vector
from cogs.solver.strategies import (
    MEMORIZE_MAX_D,
    STRATEGIES,
    construct,
    get_strategy,
    make_plan,
    reference_orders,
    register_strategy,
    unregister_strategy,
)
from cogs.solver.strategy import Assembly, Plan, Refusal, Strategy

__all__ = [
    "Assembly",
    "Certificate",
    "CoverageError",
    "Evidence",
    "Layout",
    "MEMORIZE_MAX_D",
    "OrbitCertificate",
    "OrbitPlan",
    "Plan",
    "Refusal",
    "STRATEGIES",
    "Strategy",
    "StrategyDetails",
    "balance",
    "block_rn_residuals",
    "build_tensor",
    "c_free_sums",
    "cancel_rn",
    "cancel_rn_weights",
    "certify",
    "construct",
    "get_strategy",
    "make_plan",
    "merge_nodes",
    "normalize_blocks",
    "plan_layout",
    "reference_orders",
    "register_strategy",
    "requirement",
    "rn_residuals",
    "search",
    "sp_vector",
    "unregister_strategy",
    "weights_from_blocks",
]
