"""Family shares in three readings side by side — the paper's reading (the headline), CoGS's
registry reading, and the paper's rules with least-squares factors — pooled over networks,
with the match rate and the orbit counts (docs/reading.md, "CoGS's readings")."""

from __future__ import annotations

import typing

from cogs.reports.base import Analysis, Readings
from cogs.reading import aggregate
from cogs.reports.table2 import table2
from cogs.reports.tables import md_table, pct

HEADER = ["family", "paper's reading", "CoGS registry reading", "paper's rules, lsq factors"]

LEGEND = [
    "- paper's reading: the paper's pairing, factors normalised to a·b·c = 1 per node and named by the paper's "
    "tolerance rules (the headline, used in Table 2).",
    "- CoGS registry reading: CoGS's exact pairing search (every split, matching and sign pattern) and every registered "
    "family, scale-free tolerances; shares of the orbits that search finds factorable.",
    "- lsq factors: the paper's rules, with the order-3 (or 2) factor read from both halves of the pairing by least squares "
    "instead of the first half.",
    "- Shares: of the factorable order-4/6 orbits, all seeds pooled.",
    "- match_rate = share of ALL orbits that are of order 4 or 6, factorable and named (the paper's "
    "\"about 95 % of trained solutions match the constructions\").",
]


def shares_of_all(analyses) -> dict:
    """How ALL orbits split: each factorable order-4/6 orbit under its paper family ('unnamed'
    when it has none), 'non-factorable' order-4/6 orbits, and 'order n' for the rest."""
    orbits = [o for a in analyses if a is not None for o in a.orbits]
    n = len(orbits)
    out: dict = {}
    for o in orbits:
        if o.is_factor_orbit and o.factorable:
            key = o.family or "unnamed"
        elif o.is_factor_orbit:
            key = "non-factorable"
        else:
            key = f"order {o.order}"
        out[key] = out.get(key, 0) + 1
    return {k: v / n for k, v in sorted(out.items())} if n else {}


def share_rows(report: dict) -> list[list]:
    """Pooled shares (every orbit of every seed counted once), three readings side by side."""
    fam = report.get("family_shares") or {}
    reg = (report.get("registry") or {}).get("family_shares") or {}
    lsq = (report.get("lsq_factors") or {}).get("family_shares") or {}
    names = sorted(set(fam) | set(reg) | set(lsq), key=lambda f: (-fam.get(f, 0.0), f))
    rows = [[f, pct(fam.get(f, 0.0)), pct(reg.get(f, 0.0)), pct(lsq.get(f, 0.0))] for f in names]
    rows.append(["factorable, unnamed", pct(report.get("unnamed_share")), pct((report.get("registry") or {}).get("unnamed_share")),
                 pct((report.get("lsq_factors") or {}).get("unnamed_share"))])
    rows.append(["match_rate", pct(report.get("match_rate")), pct((report.get("registry") or {}).get("match_rate")),
                 pct((report.get("lsq_factors") or {}).get("match_rate"))])
    return rows


@typing.final
class FamilyShares(Analysis):
    name = "family_shares"

    def report(self, readings: Readings) -> dict:
        lsq = readings.lsq
        agg = readings.pooled
        agg_lsq = aggregate(lsq) if lsq else {}
        return {
            "family_shares": agg.get("family_shares", {}),
            "shares_of_all_orbits": shares_of_all(readings.analyses),
            "nonfactorable_share": agg.get("nonfactorable_share"),
            "unnamed_share": agg.get("unnamed_share"),
            "match_rate": agg.get("match_rate"),
            "match_rate_mean": agg.get("match_rate_mean"),
            "match_rate_std": agg.get("match_rate_std"),
            "n_orbits": agg.get("n_orbits"),
            "n_factor_orbits": agg.get("n_factor_orbits"),
            "n_factorable": agg.get("n_factorable"),
            "registry": agg.get("registry", {}),
            "lsq_factors": {
                "note": "the order-m factor read off both halves of the pairing by least squares instead of the first half",
                "table2": table2(lsq),
                "family_shares": agg_lsq.get("family_shares", {}),
                "unnamed_share": agg_lsq.get("unnamed_share"),
                "match_rate": agg_lsq.get("match_rate"),
            },
        }

    def markdown(self, report: dict) -> list[str]:
        return [
            "## Family shares, three readings", "", md_table(HEADER, share_rows(report)), "", *LEGEND, "",
            f"Orbits analysed: {report.get('n_orbits')}; of order 4 or 6: {report.get('n_factor_orbits')}; factorable: "
            f"{report.get('n_factorable')}. match_rate = {pct(report.get('match_rate'))} pooled, "
            f"{pct(report.get('match_rate_mean'))} mean over seeds.",
        ]
