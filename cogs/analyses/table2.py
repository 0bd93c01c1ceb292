"""Table 2 as the paper prints it: per network the shares of the families among the
factorable order-4/6 orbits, the non-factorable shares and the orbit counts, then mean ±
standard error over networks, beside the paper's row (docs/reading.md, "Table 2")."""

from __future__ import annotations

import typing

from cogs.analyses.base import Analysis, Readings
from cogs.analysis.table2 import PAPER_TABLE2, network_row, table2
from cogs.report import table2_text
from cogs.report.tables import md_table


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
        rows = [[f"CoGS, {n} seed(s)"] + table2_text.cells(report.get("table2") or {})]
        if report.get("table2_paper_percent"):
            rows.append([f"paper, d = {report['d']}"] + table2_text.paper_cells(report["d"]))
        return ["## Table 2", "", md_table(table2_text.header("networks"), rows), "", *table2_text.legend()]
