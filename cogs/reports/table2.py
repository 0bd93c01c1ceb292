"""Table 2 of the paper: computed the way the paper computes it (per network, then the mean
and standard error over networks), printed as text, and registered as the report analysis
``table2`` (docs/reading.md, "Table 2").

For one network, over its non-trivial orbits (each orbit {k, −k} once), with ``order`` the
number of active nodes of the orbit and the headline family of
:mod:`cogs.reading.paper`:

=====================  ===================================================================
key                    value for one network
=====================  ===================================================================
``z_nu_i*z_xi``        #(factorable order-4/6 orbits named z_nu_i*z_xi) / n_fact
``z_nu_i*z_syn_ab``    #(… named z_nu_i*z_syn_ab or z_nu_i*z_syn) / n_fact
``z_nu*z_syn``         #(… named z_nu*z_syn) / n_fact
``others``             every other factorable order-4/6 orbit, unnamed ones included, / n_fact
``non_factorable_4``   #(order-4 orbits that are not factorable) / #(order-4 orbits)
``non_factorable_6``   #(order-6 orbits that are not factorable) / #(order-6 orbits)
``n_order_4``          number of orbits of order 4
``n_order_6``          number of orbits of order 6
``n_order_0``          number of orbits with no active node
``n_other_orders``     number of orbits of any other order (1, 2, 3, 5, 7, …)
=====================  ===================================================================

n_fact = the number of factorable orbits of order 4 or 6; a share whose denominator is 0 is
0. The four family shares add up to 1 whenever n_fact > 0. Over networks each key is
reported as ``{"mean", "sem"}``, sem = sample standard deviation / √N (None for N < 2).

Example — two networks, one with shares (1, 0, 0, 0), one with (0, 0, 1, 0):

>>> summarize([{"z_nu_i*z_xi": 1.0, "z_nu*z_syn": 0.0}, {"z_nu_i*z_xi": 0.0, "z_nu*z_syn": 1.0}])["z_nu_i*z_xi"]
{'mean': 0.5, 'sem': 0.5}
"""

from __future__ import annotations

import math
import typing

from cogs.reports.base import Analysis, Readings
from cogs.reports.tables import md_table

SHARE_KEYS = ("z_nu_i*z_xi", "z_nu_i*z_syn_ab", "z_nu*z_syn", "others")
NONFACT_KEYS = ("non_factorable_4", "non_factorable_6")
COUNT_KEYS = ("n_order_4", "n_order_6", "n_order_0", "n_other_orders")
KEYS = SHARE_KEYS + NONFACT_KEYS + COUNT_KEYS

#: what every key means, for the reports (each report prints the definitions it uses)
LABELS = {
    "z_nu_i*z_xi": ("νi*ξ", "z_{ν=i} * z_ξ (order 4), share of the factorable order-4/6 orbits"),
    "z_nu_i*z_syn_ab": ("νi*synαβ", "z_{ν=i} * z_{syn,αβ} or z_{ν=i} * z_syn (order 6), share of the factorable order-4/6 orbits"),
    "z_nu*z_syn": ("ν*syn", "z_ν * z_syn (order 6), share of the factorable order-4/6 orbits"),
    "others": ("others", "every other factorable order-4/6 orbit (other products and unnamed factors)"),
    "non_factorable_4": ("non-fact. 4", "share of the order-4 orbits that are not factorable"),
    "non_factorable_6": ("non-fact. 6", "share of the order-6 orbits that are not factorable"),
    "n_order_4": ("#order 4", "orbits with 4 active nodes (per network)"),
    "n_order_6": ("#order 6", "orbits with 6 active nodes (per network)"),
    "n_order_0": ("#order 0", "orbits with no active node (per network)"),
    "n_other_orders": ("#other", "orbits of any other order (per network)"),
}

#: the paper's Table 2 (q = 512, wd = 5e-5, seeds 1–5), percent, as far as it is recorded here
PAPER_TABLE2 = {
    23: {"z_nu_i*z_xi": 47.1, "z_nu*z_syn": 39.8, "others": 1.8},
    71: {"z_nu_i*z_xi": 72.6, "z_nu*z_syn": 21.1, "others": 2.3},
    127: {"z_nu_i*z_xi": 83.0, "z_nu*z_syn": 14.1, "others": 0.7, "non_factorable_6": 1.5},
}


def _family_key(family: str | None) -> str:
    if family == "z_nu_i*z_xi" or family == "z_nu*z_syn":
        return family
    if family in ("z_nu_i*z_syn_ab", "z_nu_i*z_syn"):
        return "z_nu_i*z_syn_ab"
    return "others"


def network_row(analysis) -> dict:
    """The Table 2 values of one :class:`~cogs.reading.stats.NetworkAnalysis` (module doc)."""
    orbits = list(analysis.orbits)
    by_order = {4: [o for o in orbits if o.order == 4], 6: [o for o in orbits if o.order == 6]}
    fact = [o for o in by_order[4] + by_order[6] if o.factorable]
    row = {k: 0.0 for k in SHARE_KEYS}
    for o in fact:
        row[_family_key(o.family)] += 1.0
    if fact:
        row = {k: v / len(fact) for k, v in row.items()}
    for n in (4, 6):
        total = len(by_order[n])
        row[f"non_factorable_{n}"] = sum(1 for o in by_order[n] if not o.factorable) / total if total else 0.0
    row["n_order_4"] = len(by_order[4])
    row["n_order_6"] = len(by_order[6])
    row["n_order_0"] = sum(1 for o in orbits if o.order == 0)
    row["n_other_orders"] = len(orbits) - row["n_order_4"] - row["n_order_6"] - row["n_order_0"]
    return row


def summarize(rows) -> dict:
    """{key: {"mean", "sem"}} over per-network rows (keys missing from a row are skipped)."""
    rows = list(rows)
    out = {}
    keys = [k for k in KEYS if any(k in r for r in rows)] + sorted({k for r in rows for k in r} - set(KEYS))
    for k in keys:
        vals = [float(r[k]) for r in rows if k in r and r[k] is not None]
        n = len(vals)
        if not n:
            out[k] = {"mean": None, "sem": None}
            continue
        mean = sum(vals) / n
        sem = math.sqrt(sum((v - mean) ** 2 for v in vals) / (n - 1) / n) if n > 1 else None
        out[k] = {"mean": mean, "sem": sem}
    return out


def table2(analyses) -> dict:
    """Table 2 over several networks: :func:`summarize` of their :func:`network_row`."""
    return summarize(network_row(a) for a in analyses if a is not None)


# --------------------------------------------------------------------------- as text
def text_header(first: str = "networks") -> list[str]:
    return [first] + [LABELS[k][0] for k in KEYS]


def _cell(v: dict | None, key: str) -> str:
    if not v or v.get("mean") is None:
        return "—"
    pct = key in SHARE_KEYS or key in NONFACT_KEYS
    m = 100 * v["mean"] if pct else v["mean"]
    s = None if v.get("sem") is None else (100 * v["sem"] if pct else v["sem"])
    unit = " %" if pct else ""
    return f"{m:.1f}{unit}" if s is None else f"{m:.1f} ± {s:.1f}{unit}"


def text_cells(t2: dict) -> list[str]:
    """One row of cells for a :func:`table2` result."""
    return [_cell(t2.get(k), k) for k in KEYS]


def paper_cells(d: int | None) -> list[str] | None:
    """The paper's published row for d (None when it has none)."""
    ref = PAPER_TABLE2.get(d) if d is not None else None
    if ref is None:
        return None
    return [f"{ref[k]:.1f} %" if k in ref else "—" for k in KEYS]


def text_legend() -> list[str]:
    """Definitions of the columns, one line each."""
    lines = [f"- {LABELS[k][0]}: {LABELS[k][1]} (JSON key `{k}`)" for k in KEYS]
    lines.append("- Cells: mean ± standard error over networks (sample standard deviation / √N); "
                 "shares are taken per network, then averaged. Orders count active nodes (|A_kj| ≥ the threshold).")
    lines.append("- Family names are the paper's reading (factors normalised to a·b·c = 1 per node, the paper's "
                 "tolerance rules); docs/reading.md defines each family. '—': not available.")
    return lines


def text_rows(t2: dict, label: str, d: int | None = None) -> list[list[str]]:
    """[our row] plus the paper's row for d when it has one."""
    out = [[label] + text_cells(t2)]
    ref = paper_cells(d)
    if ref is not None:
        out.append([f"paper, d = {d}"] + ref)
    return out


# --------------------------------------------------------------------------- the report analysis
@typing.final
class Table2(Analysis):
    name = "table2"

    def report(self, readings: Readings) -> dict:
        per = [{**{k: a.meta[k] for k in ("seed", "file") if k in a.meta}, **network_row(a)} for a in readings.ok]
        G = readings.group
        return {
            "table2": table2(readings.ok),
            "table2_per_network": per,
            "table2_paper_percent": PAPER_TABLE2.get(G.order) if len(G.moduli) == 1 else None,
        }

    def markdown(self, report: dict) -> list[str]:
        n = len(report.get("table2_per_network") or [])
        rows = [[f"CoGS, {n} seed(s)"] + text_cells(report.get("table2") or {})]
        if report.get("table2_paper_percent"):
            rows.append([f"paper, d = {report['d']}"] + paper_cells(report["d"]))
        return ["## Table 2", "", md_table(text_header("networks"), rows), "", *text_legend()]
