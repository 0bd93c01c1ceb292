"""Walk orders downward: one :func:`~cogs.discovery.engine.discover` per order.

``scan(group, q_hi, q_lo)`` runs q = q_hi, q_hi − 1, …, q_lo (the two bounds in either order)
with the same settings and returns a :class:`~cogs.discovery.result.ScanResult`: a row per
order (q, restarts, best loss, converged, seconds) and the lowest converged order. With
``stop_early=True`` the walk ends at the first order that fails after one that converged
(below a failed order the problem only gets harder, though exact minimisers are not
guaranteed to be monotone in q, which is why the default walks every order). With ``out`` each
order's best network is saved under ``out/q{Q}/`` as soon as it is found, and the rows under
``out/scan.json`` at the end.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as tmp:
...     res = scan("Z3", 3, 2, restarts=4, out=tmp)
...     saved = sorted(res.files)
>>> res, saved
(ScanResult(group=Z3, orders=3..2, rows=2, lowest_converged=3), ['q2', 'q3', 'scan'])
>>> print(res.summary().splitlines()[0])
cogs discover --scan 3-2 on Z3 (d = 3), 4 restarts per order
>>> res.report()["lowest_converged"], res.rows[1].summary().startswith("  q = 2: best loss"), list(res.to_dict())[-4:]
(3, True, ['tol', 'seed', 'restarts', 'init_from'])
>>> res.network.order, res.network.meta["q"]  # the network the scan found: the lowest converged order's
(3, 3)
"""

from __future__ import annotations

from pathlib import Path

import attrs

from cogs.discovery.engine import discover
from cogs.discovery.result import ScanResult, ScanRow
from groups import parse_group
from models.atomic import write_json

__all__ = ["scan"]


def scan(group, q_hi: int, q_lo: int, *, stop_early: bool = False, on_row=None, out=None, **kwargs) -> ScanResult:
    """Discover at every order from max(q_hi, q_lo) down to min(q_hi, q_lo); ``kwargs`` go to
    ``discover``; ``on_row(row)`` is called after each order (once it is saved); ``out``: the
    folder to save the scan in (module doc)."""
    G = parse_group(group)
    for name, x in (("q_hi", q_hi), ("q_lo", q_lo)):
        if isinstance(x, bool) or not isinstance(x, int) or x < 1:
            raise ValueError(f"scan orders must be integers ≥ 1, got {name} = {x!r}")
    if out is not None:
        if not str(out).strip():
            raise ValueError("out must name a folder, got an empty string")
        out = Path(out)
        if out.exists() and not out.is_dir():
            raise ValueError(f"out {str(out)!r} exists and is not a folder")
    hi, lo = max(q_hi, q_lo), min(q_hi, q_lo)
    rows, files, seen_converged, stopped = [], {}, False, False
    for q in range(hi, lo - 1, -1):
        r = discover(G, q, **kwargs)
        row = ScanRow(q=q, restarts=r.restarts, best_loss=r.loss, converged=r.converged, seconds=r.seconds, result=r)
        rows.append(row)
        if out is not None:
            files[f"q{q}"] = r.save(out / f"q{q}")
        if on_row is not None:
            on_row(row)
        seen_converged |= r.converged
        if stop_early and seen_converged and not r.converged and q > lo:
            stopped = True
            break
    conv = [r.q for r in rows if r.converged]
    res = ScanResult(group=G, rows=tuple(rows), lowest_converged=min(conv) if conv else None, stopped_early=stopped,
                     q_hi=hi, q_lo=lo)
    if out is None:
        return res
    scan_path = write_json(out / "scan.json", res.to_dict())
    return attrs.evolve(res, out=out, files={"scan": str(scan_path), **files})
