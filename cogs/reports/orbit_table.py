"""Per network and orbit: each orbit's order and the paper's family, one column per seed
(docs/reading.md, "Orders" and "Families"). A view of the report's runs: it adds no keys."""

from __future__ import annotations

import typing

from cogs.reports.base import Analysis, Readings
from cogs.reports.tables import md_table

#: short labels of the orbit table's cells, defined in every report that uses them
SHORT = {"z_nu_i*z_xi": "νi*ξ", "z_nu*z_syn": "ν*syn", "z_nu_i*z_syn_ab": "νi*synαβ", "z_nu_i*z_syn": "νi*syn",
         "z_nu*z_syn_ab": "ν*synαβ"}

CELL_LEGEND = ("Cells: order (active nodes, |A_kj| ≥ the threshold) and the paper's family: νi*ξ = z_nu_i*z_xi, "
               "ν*syn = z_nu*z_syn, νi*synαβ = z_nu_i*z_syn_ab, νi*syn = z_nu_i*z_syn; nf = order 4/6 but not "
               "factorable; a bare number = an orbit of that order that is not named (not of order 4/6, or a factor unnamed).")


def cell(o: dict) -> str:
    """One orbit as a cell: its order and short family name ('nf': order 4/6, not factorable)."""
    fam = o.get("family")
    if fam:
        return f"{o['order']} {SHORT.get(fam, fam)}"
    if o["order"] in (4, 6) and o.get("factorable") is False:
        return f"{o['order']} nf"
    return str(o["order"])


def orbit_table(report: dict) -> tuple[list[str], list[list]]:
    """(header, rows): one row per orbit, one column per network with orbits."""
    runs = [r for r in report["runs"] if r.get("orbits")]
    header = ["k", "kind"] + [f"seed {r['seed']}" for r in runs]
    if not runs:
        return header, []
    rows = []
    for i, o in enumerate(runs[0]["orbits"]):
        rows.append([o["k"], o["kind"]] + [cell(r["orbits"][i]) for r in runs])
    return header, rows


@typing.final
class OrbitTable(Analysis):
    name = "orbit_table"

    def report(self, readings: Readings) -> dict:
        return {}

    def markdown(self, report: dict) -> list[str]:
        return ["## Per seed and orbit", "", md_table(*orbit_table(report)), "", CELL_LEGEND]
