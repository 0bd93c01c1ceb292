"""Reading a network by real irreducible representations, for any finite group
(docs/reading.md#reading-by-irreducible-representations).

Per real irreducible σ of the group (``G.real_irreps()``, the trivial one first): the dimension
and Frobenius–Schur indicator of the complex irreps it realises (indicator 1, 0, −1 ↔ kind
R, C, H), its size as a real representation, its order (active nodes whose dominant
irreducible it is, by both activity rules) and its share of the network's norm — all read from
the network's :class:`models.irrep_spectrum.IrrepSpectrum`. For a finite Abelian group the
irreducibles are the trivial one and the orbits {k, −k} in the order of ``G.orbits()``, and
the orders are exactly the per-orbit orders of :mod:`cogs.reading.orders`.

>>> import cogs
>>> r = read_irreps(cogs.construct("Z7", strategy="f46"))
>>> r
IrrepReading(group=Z7, q=14, irreps=4, orders=[0, 6, 4, 4], threshold=0.05)
>>> r.to_rows(ANALYZE_KEYS)[1] | {"norm_share": round(r.rows[1]["norm_share"], 3)}
{'irrep': 1, 'dim': 1, 'indicator': 0, 'kind': 'C', 'order': 6, 'norm_share': 0.349}
"""

from __future__ import annotations

import types
import typing

import attrs

from models.irrep_spectrum import IrrepSpectrum
from models.spectrum import DEFAULT_TAU, DEFAULT_THRESHOLD

__all__ = ["ANALYZE_KEYS", "IrrepReading", "read_irrep_spectrum", "read_irreps"]

#: the keys of each row of ``"irreps"`` in ``cogs analyze --json``, in order
ANALYZE_KEYS = ("irrep", "dim", "indicator", "kind", "order", "norm_share")
#: every key of a row, in order
ROW_KEYS = ("irrep", "dim", "indicator", "kind", "size", "order", "order_abs", "order_rel", "norm_share")


def _rows(rows) -> tuple:
    return tuple(types.MappingProxyType(dict(r)) for r in rows)


@typing.final
@attrs.frozen(eq=False, repr=False)
class IrrepReading:
    """The per-irreducible reading of one network (module doc). ``rows``: one read-only mapping
    per real irreducible with the keys of :data:`ROW_KEYS`: ``irrep`` (its index in
    ``G.real_irreps()``), ``dim`` and ``indicator`` (of the complex irreps it realises),
    ``kind`` ('R', 'C', 'H'), ``size`` (as a real representation), ``order`` (by ``rule``),
    ``order_abs`` and ``order_rel`` (the absolute rule at ``threshold``, the scale-free rule at
    ``tau``) and ``norm_share``."""

    group: str
    q: int
    threshold: float
    tau: float
    rule: str
    rows: tuple = attrs.field(converter=_rows)

    @property
    def orders(self) -> tuple[int, ...]:
        """The order of each real irreducible (by ``rule``), the trivial one first."""
        return tuple(int(r["order"]) for r in self.rows)

    def to_rows(self, keys=ROW_KEYS) -> list[dict]:
        """The rows as plain dicts with ``keys`` (in that order)."""
        return [{k: r[k] for k in keys} for r in self.rows]

    def to_dict(self) -> dict:
        """Plain JSON: group, q, threshold, tau, rule and ``irreps`` (every row, every key)."""
        return {"group": self.group, "q": self.q, "threshold": self.threshold, "tau": self.tau, "rule": self.rule,
                "irreps": self.to_rows()}

    def __repr__(self) -> str:
        return (f"IrrepReading(group={self.group}, q={self.q}, irreps={len(self.rows)}, orders={list(self.orders)}, "
                f"threshold={self.threshold:g})")


def read_irrep_spectrum(spectrum: IrrepSpectrum, *, threshold: float = DEFAULT_THRESHOLD, rule: str = "abs",
                        tau: float = DEFAULT_TAU) -> IrrepReading:
    """The :class:`IrrepReading` of an :class:`~models.irrep_spectrum.IrrepSpectrum`."""
    if rule not in ("abs", "rel"):
        raise ValueError(f"rule must be 'abs' or 'rel', got {rule!r}")
    G = spectrum.group
    complex_irreps = G.irreps()
    ord_abs = spectrum.orders(spectrum.active("abs", threshold, tau))
    ord_rel = spectrum.orders(spectrum.active("rel", threshold, tau))
    share = spectrum.norm_share
    rows = []
    for i, r in enumerate(spectrum.irreps):
        o_abs, o_rel = int(ord_abs[i]), int(ord_rel[i])
        rows.append({"irrep": int(r.index), "dim": int(r.dim), "indicator": int(complex_irreps[r.complex[0]].indicator),
                     "kind": r.kind, "size": int(r.size), "order": o_abs if rule == "abs" else o_rel,
                     "order_abs": o_abs, "order_rel": o_rel, "norm_share": float(share[i])})
    return IrrepReading(G.spec, spectrum.q, float(threshold), float(tau), rule, rows)


def read_irreps(network, W_a=None, W_b=None, W_c=None, *, threshold: float = DEFAULT_THRESHOLD, rule: str = "abs",
                tau: float = DEFAULT_TAU) -> IrrepReading:
    """Read a network — a network value, or a group and its W_a, W_b (q, n), W_c (n, q) — by
    real irreducibles (module doc). ``rule`` picks the activity rule of ``order``: 'abs'
    (dominant magnitude ≥ ``threshold``) or 'rel' (strength ≥ ``tau`` × the largest)."""
    return read_irrep_spectrum(IrrepSpectrum.from_weights(network, W_a, W_b, W_c), threshold=threshold, rule=rule,
                               tau=tau)
