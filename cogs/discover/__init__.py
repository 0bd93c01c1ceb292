"""Discovery: search for exact global minimisers (ℓ ≤ tol) of the all-pairs loss at a fixed
order q, for any finite Abelian group.

The loss is a sum of squares ℓ = ‖ρ‖² of the d³ residuals of :mod:`models.residuals`. All
restarts run as one batched float64 tensor program: rounds of Adam on every restart, then
Levenberg–Marquardt (JᵀJ + μI)δ = −Jᵀρ on the lowest few (:mod:`cogs.discover.engine`,
:mod:`cogs.discover.adam`, :mod:`cogs.discover.lm`). Restarts may start from a perturbed
construction (``init_from="chain"``, ``"f46"``, … — any strategy of ``cogs.solver``).

* :func:`discover` — one order; returns a :class:`DiscoveryResult` (``.save(out_dir)`` writes
  ``best.npz`` and ``certificate.json``);
* :func:`scan` — orders q_hi down to q_lo; returns a :class:`ScanResult` (rows and the lowest
  converged order).

>>> from cogs.discover import discover
>>> r = discover("Z3", 3, restarts=4, seed=0)
>>> r.converged
True
"""

from cogs.discover.engine import MAX_BYTES, EngineConfig, discover, memory_estimate
from cogs.discover.lm import dense_normal_equations, lm_step, loss_and_grad, normal_equations
from cogs.discover.result import DiscoveryResult, ScanResult, ScanRow
from cogs.discover.scan import scan

__all__ = [
    "DiscoveryResult",
    "EngineConfig",
    "MAX_BYTES",
    "ScanResult",
    "ScanRow",
    "dense_normal_equations",
    "discover",
    "lm_step",
    "loss_and_grad",
    "memory_estimate",
    "normal_equations",
    "scan",
]
