"""Discovery: search for exact global minimisers (ℓ ≤ tol) of the all-pairs loss at a fixed
order q, for any finite Abelian group.

The loss is a sum of squares ℓ = ‖ρ‖² of the d³ residuals of :mod:`models.residuals`. All
restarts run as one batched float64 tensor program: rounds of Adam on every restart, then
Levenberg–Marquardt (JᵀJ + μI)δ = −Jᵀρ on the lowest few (:mod:`cogs.discovery.engine`,
:mod:`cogs.discovery.adam`, :mod:`cogs.discovery.lm`). Restarts may start from a perturbed
construction (``init_from="chain"``, ``"f46"``, … — any strategy of ``cogs.solver``).

* :func:`discover` — one order; returns a :class:`DiscoveryResult` (``.network`` the best
  network, ``.save(out_dir)`` writes ``best.npz`` and ``certificate.json``, ``.report(files)``
  and ``.summary(files)`` are what ``cogs discover`` prints);
* :func:`scan` — orders q_hi down to q_lo, saved under ``out`` when given; returns a
  :class:`ScanResult` (rows, the lowest converged order, ``.report()`` and ``.summary()``).

>>> from cogs.discovery import discover
>>> r = discover("Z3", 3, restarts=4, seed=0)
>>> r.converged
True
"""

from cogs.discovery.engine import MAX_BYTES, EngineConfig, discover, memory_estimate
from cogs.discovery.lm import dense_normal_equations, lm_step, loss_and_grad, normal_equations
from cogs.discovery.result import DiscoveryResult, ScanResult, ScanRow
from cogs.discovery.scan import scan

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
