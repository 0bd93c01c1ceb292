"""How many networks end at each order, per real irreducible — the paper's Fig. 4 for any finite
group (docs/reading.md#reading-by-irreducible-representations).

For a group written as Z_n factors (:class:`groups.FiniteAbelianGroup`) the per-orbit reading
already says this (:mod:`cogs.reports.order_histogram`), so this analysis reports nothing
there and those reports are unchanged. For any other group it reads each network by real
irreducibles (:func:`cogs.reading.read_irreps`) and counts, per irreducible, the networks at
each order, by both activity rules.

>>> import numpy as np
>>> from models.network import Network
>>> rng = np.random.default_rng(0)
>>> nets = [Network("S3", rng.normal(size=(4, 6)), rng.normal(size=(4, 6)), rng.normal(size=(6, 4))) for _ in range(2)]
>>> h = irrep_order_histogram("S3", nets)
>>> h["networks"], [(r["irrep"], r["dim"], r["kind"]) for r in h["irreps"]]
(2, [(0, 1, 'R'), (1, 1, 'R'), (2, 2, 'R')])
"""

from __future__ import annotations

import collections
import typing

from cogs.reports.base import Analysis, Readings
from models.spectrum import DEFAULT_TAU, DEFAULT_THRESHOLD

__all__ = ["IrrepOrders", "histogram_of_readings", "irrep_order_histogram", "networks_of"]

KEY = "irrep_order_histogram"


def networks_of(readings) -> list:
    """The networks ``readings`` holds (``readings.networks``, one entry per network, None for
    one that could not be read); [] when it holds none."""
    return list(readings.networks or ())


def irrep_order_histogram(group, networks, *, threshold: float = DEFAULT_THRESHOLD, tau: float = DEFAULT_TAU) -> dict:
    """Per real irreducible of ``group``: its index, dim, indicator, kind and size, and the
    number of ``networks`` (None entries skipped) at each order, by the absolute rule at
    ``threshold`` (``histogram``) and the scale-free rule at ``tau`` (``histogram_scale_free``),
    {str(order): count} in increasing order; ``norm_share``: its mean share of the norm."""
    from cogs.reading.irreps import read_irreps

    reads = [read_irreps(n, threshold=threshold, tau=tau) for n in networks if n is not None]
    return histogram_of_readings(group, reads, threshold=threshold, tau=tau)


def histogram_of_readings(group, reads, *, threshold: float = DEFAULT_THRESHOLD, tau: float = DEFAULT_TAU) -> dict:
    """:func:`irrep_order_histogram` of networks already read (:class:`cogs.reading.irreps.IrrepReading`
    values at ``threshold`` and ``tau``)."""
    from groups import parse_group

    G = parse_group(group)
    rows = []
    for r in G.real_irreps():
        i = r.index
        hist = {rule: collections.Counter(int(x.rows[i][f"order_{rule}"]) for x in reads) for rule in ("abs", "rel")}
        shares = [float(x.rows[i]["norm_share"]) for x in reads]
        rows.append({"irrep": i, "dim": int(r.dim), "indicator": int(G.irreps()[r.complex[0]].indicator),
                     "kind": r.kind, "size": int(r.size),
                     "histogram": {str(o): int(c) for o, c in sorted(hist["abs"].items())},
                     "histogram_scale_free": {str(o): int(c) for o, c in sorted(hist["rel"].items())},
                     "norm_share": sum(shares) / len(shares) if shares else None})
    return {"networks": len(reads), "threshold": float(threshold), "tau": float(tau), "irreps": rows}


def _label(row: dict) -> str:
    return f"irrep {row['irrep']} (dim {row['dim']}, {row['kind']})"


@typing.final
class IrrepOrders(Analysis):
    name = "irrep_orders"
    outputs = ("irrep_order_histogram.png",)
    caption = "Orders of trained real irreducibles (cf. the paper's Fig. 4)"
    groups = "any"  # but it reports nothing on a group read per orbit

    def report(self, readings: Readings) -> dict:
        from cogs.reports.analyses import has_orbits

        if has_orbits(readings.group):
            return {}  # read per orbit (order_histogram)
        G = readings.group
        reads = [x for n, x in zip(networks_of(readings), readings.irrep_readings)
                 if x is not None and n.group == G]  # other groups: not these irreps
        if not reads:
            return {}
        return {KEY: histogram_of_readings(G, reads, threshold=readings.threshold)}

    def markdown(self, report: dict) -> list[str]:
        h = report.get(KEY)
        if not h:
            return []
        lines = ["## Orders by irreducible", "",
                 f"Over {h['networks']} network(s): per real irreducible (the dimension and kind of the complex "
                 "irreps it realises), the number of networks whose order there is each value — the order being "
                 f"the active nodes whose dominant irreducible it is, by the absolute {h['threshold']:g} rule and "
                 "the scale-free rule; share: its mean share of ‖W‖².", ""]
        for row in h["irreps"]:
            share = "—" if row["norm_share"] is None else f"{100 * row['norm_share']:.1f} %"
            lines.append(f"- {_label(row)}, share {share}: absolute "
                         + ", ".join(f"order {k}: {v}" for k, v in row["histogram"].items())
                         + "; scale-free " + ", ".join(f"order {k}: {v}" for k, v in row["histogram_scale_free"].items()))
        return lines

    def figure(self, readings: Readings, report: dict, out, figures) -> dict:
        h = report.get(KEY)
        if not h:
            return {}
        series = {_label(r): {int(k): int(v) for k, v in r["histogram"].items()} for r in h["irreps"] if r["histogram"]}
        if not series:
            return {}
        cfg = readings.config
        setting = ", ".join(f"{label}={cfg[k]:g}" for k, label in (("hidden", "q"), ("wd", "wd"))
                            if isinstance(cfg.get(k), (int, float)))
        p = figures.order_histogram(out / self.outputs[0], series,
                                    f"{readings.group.spec}: orders by irreducible ({setting + ', ' if setting else ''}"
                                    f"{h['networks']} networks)",
                                    xlabel="order of the irreducible (number of active nodes)", ylabel="number of networks")
        if p is None:
            return {}
        return {"irrep_order_histogram": p.name}
