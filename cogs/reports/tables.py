"""Tables as text: markdown (report.md) and fixed-width (the terminal).

>>> print(md_table(["a", "b"], [[1, 2]]))
| a | b |
|---|---|
| 1 | 2 |
>>> print(plain_table(["a", "b"], [[10, 2]]))
a   b
--  -
10  2
"""

from __future__ import annotations

__all__ = ["md_table", "pct", "plain_table"]


def md_table(header, rows) -> str:
    """A markdown table."""
    lines = ["| " + " | ".join(map(str, header)) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return "\n".join(lines + ["| " + " | ".join(map(str, r)) + " |" for r in rows])


def plain_table(header, rows) -> str:
    """A fixed-width text table."""
    cols = [list(map(str, header))] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cols) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(cols[0], widths))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in cols[1:]]
    return "\n".join(lines)


def pct(x) -> str:
    """A share as a percentage with one decimal, '-' for None."""
    return "-" if x is None else f"{100 * x:.1f} %"
