"""Walk orders downward: one :func:`~cogs.discover.engine.discover` per order.

``scan(group, q_hi, q_lo)`` runs q = q_hi, q_hi − 1, …, q_lo (the two bounds in either order)
with the same settings and returns a :class:`~cogs.discover.result.ScanResult`: a row per
order (q, restarts, best loss, converged, seconds) and the lowest converged order. With
``stop_early=True`` the walk ends at the first order that fails after one that converged
(below a failed order the problem only gets harder, though exact minimisers are not
guaranteed to be monotone in q, which is why the default walks every order).
"""

from __future__ import annotations

from cogs.discover.engine import discover
from cogs.discover.result import ScanResult, ScanRow
from groups import parse_group

__all__ = ["scan"]


def scan(group, q_hi: int, q_lo: int, *, stop_early: bool = False, on_row=None, **kwargs) -> ScanResult:
    """Discover at every order from max(q_hi, q_lo) down to min(q_hi, q_lo); ``kwargs`` go to
    ``discover``; ``on_row(row)`` is called after each order."""
    G = parse_group(group)
    for name, x in (("q_hi", q_hi), ("q_lo", q_lo)):
        if isinstance(x, bool) or not isinstance(x, int) or x < 1:
            raise ValueError(f"scan orders must be integers ≥ 1, got {name} = {x!r}")
    hi, lo = max(q_hi, q_lo), min(q_hi, q_lo)
    rows, seen_converged, stopped = [], False, False
    for q in range(hi, lo - 1, -1):
        r = discover(G, q, **kwargs)
        row = ScanRow(q=q, restarts=r.restarts, best_loss=r.loss, converged=r.converged, seconds=r.seconds, result=r)
        rows.append(row)
        if on_row is not None:
            on_row(row)
        seen_converged |= r.converged
        if stop_early and seen_converged and not r.converged and q > lo:
            stopped = True
            break
    conv = [r.q for r in rows if r.converged]
    return ScanResult(group=G, rows=tuple(rows), lowest_converged=min(conv) if conv else None, stopped_early=stopped)
