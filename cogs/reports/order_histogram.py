"""How many orbits end at each order, by orbit kind and activity rule (the paper's Fig. 4;
docs/reading.md, "Orders")."""

from __future__ import annotations

import typing

from cogs.reports.base import Analysis, Readings
from models.spectrum import DEFAULT_THRESHOLD


def constructed_orders(readings: Readings) -> dict[str, list[int]]:
    """Per constructed network of the comparison (an Abelian group's), the distinct orders of
    its orbits by the absolute rule: what the trained orders are set against."""
    from cogs.reading.orders import orbit_orders

    out = {}
    for name, net in (readings.constructed or {}).items():
        try:
            spectrum = net.spectrum()
        except (ValueError, TypeError):  # a group without characters: no orbits to mark
            continue
        orders = orbit_orders(spectrum, readings.threshold if hasattr(readings, "threshold") else DEFAULT_THRESHOLD)
        values = sorted({int(o) for o, orb in zip(orders.abs, orders.orbits) if orb.k != 0 and o > 0})
        if values:
            out[name] = values
    return out


@typing.final
class OrderHistogram(Analysis):
    name = "order_histogram"
    outputs = ("order_histogram.png",)
    caption = "Orders of trained orbits (cf. the paper's Fig. 4)"

    def report(self, readings: Readings) -> dict:
        agg = readings.pooled
        return {"order_histogram": agg.get("order_histogram", {}),
                "order_histogram_by_rule": agg.get("order_histogram_by_rule", {})}

    def markdown(self, report: dict) -> list[str]:
        threshold = (report.get("config") or {}).get("threshold", DEFAULT_THRESHOLD)
        lines = ["## Order histogram", ""]
        for rule, by_kind in (report.get("order_histogram_by_rule") or {}).items():
            for kind, h in by_kind.items():
                if h:
                    lines.append(f"- {kind} orbits, {f'absolute {threshold:g}' if rule == 'abs' else 'scale-free'} rule: "
                                 + ", ".join(f"order {k}: {v}" for k, v in h.items()))
        return lines

    def figure(self, readings: Readings, report: dict, out, figures) -> dict:
        hist = report.get("order_histogram") or {}
        series = {f"{kind} orbits": {int(k): int(v) for k, v in h.items()} for kind, h in hist.items() if h}
        if not series:
            return {}
        cfg = readings.config
        setting = ", ".join(f"{label}={cfg[k]:g}" for k, label in (("hidden", "q"), ("wd", "wd"))
                            if isinstance(cfg.get(k), (int, float)))
        p = figures.order_histogram(out / "order_histogram.png", series,
                                    f"{readings.group.spec}: orders of trained orbits ({setting + ', ' if setting else ''}"
                                    f"{len(readings.analyses)} seeds)", marks=constructed_orders(readings))
        return {"order_histogram": p.name} if p else {}
