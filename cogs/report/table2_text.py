"""Table 2 as text: one header, cells "mean ± sem", the paper's row, and the legend that
defines every column (printed under the table in every report that shows it)."""

from __future__ import annotations

from cogs.analysis.table2 import COUNT_KEYS, KEYS, LABELS, NONFACT_KEYS, PAPER_TABLE2, SHARE_KEYS


def header(first: str = "networks") -> list[str]:
    return [first] + [LABELS[k][0] for k in KEYS]


def _cell(v: dict | None, key: str) -> str:
    if not v or v.get("mean") is None:
        return "—"
    pct = key in SHARE_KEYS or key in NONFACT_KEYS
    m = 100 * v["mean"] if pct else v["mean"]
    s = None if v.get("sem") is None else (100 * v["sem"] if pct else v["sem"])
    unit = " %" if pct else ""
    return f"{m:.1f}{unit}" if s is None else f"{m:.1f} ± {s:.1f}{unit}"


def cells(t2: dict) -> list[str]:
    """One row of cells for a :func:`cogs.analysis.table2.table2` result."""
    return [_cell(t2.get(k), k) for k in KEYS]


def paper_cells(d: int | None) -> list[str] | None:
    """The paper's published row for d (None when it has none)."""
    ref = PAPER_TABLE2.get(d) if d is not None else None
    if ref is None:
        return None
    return [f"{ref[k]:.1f} %" if k in ref else "—" for k in KEYS]


def legend() -> list[str]:
    """Definitions of the columns, one line each."""
    lines = [f"- {LABELS[k][0]}: {LABELS[k][1]} (JSON key `{k}`)" for k in KEYS]
    lines.append("- Cells: mean ± standard error over networks (sample standard deviation / √N); "
                 "shares are taken per network, then averaged. Orders count active nodes (|A_kj| ≥ the threshold).")
    lines.append("- Family names are the paper's reading (factors normalised to a·b·c = 1 per node, the paper's "
                 "tolerance rules); docs/reading.md defines each family. '—': not available.")
    return lines


def rows(t2: dict, label: str, d: int | None = None) -> list[list[str]]:
    """[our row] plus the paper's row for d when it has one."""
    out = [[label] + cells(t2)]
    ref = paper_cells(d)
    if ref is not None:
        out.append([f"paper, d = {d}"] + ref)
    return out


__all__ = ["COUNT_KEYS", "cells", "header", "legend", "paper_cells", "rows"]
