"""The readable report (DIR/report.md) and the terminal summary of ``cogs compare``."""

from __future__ import annotations

from pathlib import Path

from cogs.report import table2_text

#: short labels of the orbit table's cells, defined in every report that uses them
SHORT = {"z_nu_i*z_xi": "νi*ξ", "z_nu*z_syn": "ν*syn", "z_nu_i*z_syn_ab": "νi*synαβ", "z_nu_i*z_syn": "νi*syn",
         "z_nu*z_syn_ab": "ν*synαβ"}


def _pct(x) -> str:
    return "-" if x is None else f"{100 * x:.1f} %"


def _num(x, fmt=".3g") -> str:
    if x is None:
        return "-"
    if isinstance(x, dict) and "re" in x:
        return f"{x['re']:{fmt}}{x['im']:+{fmt}}i"
    return format(x, fmt)


def _table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def cell(o: dict) -> str:
    fam = o.get("family")
    if fam:
        return f"{o['order']} {SHORT.get(fam, fam)}"
    if o["order"] in (4, 6) and o.get("factorable") is False:
        return f"{o['order']} nf"
    return str(o["order"])


def share_rows(report: dict) -> list[list]:
    """Pooled shares (every orbit of every seed counted once), three readings side by side."""
    fam = report.get("family_shares") or {}
    reg = (report.get("registry") or {}).get("family_shares") or {}
    lsq = (report.get("lsq_factors") or {}).get("family_shares") or {}
    names = sorted(set(fam) | set(reg) | set(lsq), key=lambda f: (-fam.get(f, 0.0), f))
    rows = [[f, _pct(fam.get(f, 0.0)), _pct(reg.get(f, 0.0)), _pct(lsq.get(f, 0.0))] for f in names]
    rows.append(["factorable, unnamed", _pct(report.get("unnamed_share")), _pct((report.get("registry") or {}).get("unnamed_share")),
                 _pct((report.get("lsq_factors") or {}).get("unnamed_share"))])
    rows.append(["match_rate", _pct(report.get("match_rate")), _pct((report.get("registry") or {}).get("match_rate")),
                 _pct((report.get("lsq_factors") or {}).get("match_rate"))])
    return rows


SHARE_HEADER = ["family", "paper's reading", "CoGS registry reading", "paper's rules, lsq factors"]

SHARE_LEGEND = [
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


def table2_section(report: dict) -> list[str]:
    """Table 2 (mean ± sem over seeds) beside the paper's row, and its legend."""
    t2 = report.get("table2") or {}
    n = len(report.get("table2_per_network") or [])
    paper = report.get("table2_paper_percent")
    rows = [[f"CoGS, {n} seed(s)"] + table2_text.cells(t2)]
    if paper:
        rows.append([f"paper, d = {report['d']}"] + table2_text.paper_cells(report["d"]))
    return [_table(table2_text.header("networks"), rows), ""] + table2_text.legend()


def orbit_table(report: dict) -> tuple[list[str], list[list]]:
    runs = [r for r in report["runs"] if r.get("orbits")]
    header = ["k", "kind"] + [f"seed {r['seed']}" for r in runs]
    if not runs:
        return header, []
    rows = []
    for i, o in enumerate(runs[0]["orbits"]):
        rows.append([o["k"], o["kind"]] + [cell(r["orbits"][i]) for r in runs])
    return header, rows


def loss_norm_rows(report: dict) -> list[list]:
    rows = []
    for c in report["constructed"]:
        if "skipped" in c:
            rows.append([f"constructed {c['strategy']}", "-", "-", "-", c["skipped"]])
        else:
            rows.append([f"constructed {c['strategy']}", c["order"], _num(c["loss"], ".2e"), _num(c["norm"], ".1f"), ""])
    for r in report["runs"]:
        f = r["final"]
        rows.append([f"trained seed {r['seed']}", r.get("active_nodes", "-"), _num(f.get("train_loss"), ".2e"),
                     _num(r.get("norm"), ".1f"), f"{r['status']}; test loss {_num(f.get('test_loss'), '.2e')}, test acc {_num(f.get('test_acc'), '.3f')}"])
    return rows


CELL_LEGEND = ("Cells: order (active nodes, |A_kj| ≥ the threshold) and the paper's family: νi*ξ = z_nu_i*z_xi, "
               "ν*syn = z_nu*z_syn, νi*synαβ = z_nu_i*z_syn_ab, νi*syn = z_nu_i*z_syn; nf = order 4/6 but not "
               "factorable; a bare number = an orbit of that order that is not named (not of order 4/6, or a factor unnamed).")


def summary_text(report: dict) -> str:
    """The short terminal summary printed by ``cogs compare``."""
    cfg = report["config"]
    out = [f"Per seed and orbit ({CELL_LEGEND})"]
    header, rows = orbit_table(report)
    out.append(plain_table(header, rows))
    out.append("")
    out.append(f"Table 2 (q = {cfg['hidden']}, wd = {cfg['wd']:g}, seeds {','.join(str(s) for s in cfg['seeds'])}, {cfg['epochs']} epochs)")
    t2 = report.get("table2") or {}
    rows = [[f"CoGS, {len(report.get('table2_per_network') or [])} seed(s)"] + table2_text.cells(t2)]
    if report.get("table2_paper_percent"):
        rows.append([f"paper, d = {report['d']}"] + table2_text.paper_cells(report["d"]))
    out.append(plain_table(table2_text.header("networks"), rows))
    out.extend(table2_text.legend())
    out.append("")
    out.append("Constructed vs trained")
    out.append(plain_table(["network", "nodes", "loss", "‖W‖²", "note"], loss_norm_rows(report)))
    return "\n".join(out)


def plain_table(header, rows) -> str:
    """A fixed-width text table (terminal output)."""
    cols = [header] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cols) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(header, widths))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in cols[1:]]
    return "\n".join(lines)


def write_markdown(path, report: dict) -> Path:
    from cogs.runs import write_text

    cfg = report["config"]
    parts = [
        f"# CoGS comparison: {report['group']}",
        "",
        f"d = {report['d']}, {report['complex_orbits']} complex orbits, {report['real_characters']} real characters. "
        f"Training: q = {cfg['hidden']}, lr = {cfg['lr']:g}, wd = {cfg['wd']:g}, {cfg['epochs']} epochs, seeds "
        f"{', '.join(str(s) for s in cfg['seeds'])}, {cfg['seeding']} seeding, {cfg['dtype']} on {cfg['device']}.",
        "",
        "## Constructed vs trained",
        "",
        _table(["network", "nodes", "loss", "‖W‖²", "note"], loss_norm_rows(report)),
        "",
        "Constructed networks are certified global minimisers (loss ≈ 0 up to rounding); ‖W‖² is the",
        "balanced norm that weight decay sees. Trained 'nodes' counts active nodes (|A| ≥ threshold).",
        "",
        "## Table 2",
        "",
        *table2_section(report),
        "",
        "## Family shares, three readings",
        "",
        _table(SHARE_HEADER, share_rows(report)),
        "",
        *SHARE_LEGEND,
        "",
        f"Orbits analysed: {report.get('n_orbits')}; of order 4 or 6: {report.get('n_factor_orbits')}; factorable: "
        f"{report.get('n_factorable')}. match_rate = {_pct(report.get('match_rate'))} pooled, "
        f"{_pct(report.get('match_rate_mean'))} mean over seeds.",
        "",
        "## Per seed and orbit",
        "",
        _table(*orbit_table(report)),
        "",
        CELL_LEGEND,
        "",
        "## Order histogram",
        "",
    ]
    hist = report.get("order_histogram_by_rule") or {}
    for rule, by_kind in hist.items():
        for kind, h in by_kind.items():
            if h:
                parts.append(f"- {kind} orbits, {'absolute 0.05' if rule == 'abs' else 'scale-free'} rule: "
                             + ", ".join(f"order {k}: {v}" for k, v in h.items()))
    figs = report.get("figures") or {}
    if figs:
        parts += ["", "## Figures", ""]
        captions = {"order_histogram": "Orders of trained orbits (cf. the paper's Fig. 4)",
                    "frequency_maps": "Node-by-frequency magnitude |A_kj|, trained vs constructed (cf. Fig. 2)",
                    "sp_dynamics": "SP dynamics during training (cf. Fig. 3)"}
        for key, name in figs.items():
            parts += [f"![{captions.get(key, key)}]({name})", "", f"*{captions.get(key, key)}*", ""]
    t = report.get("timings") or {}
    if t:
        parts += ["", "## Timings", "", ", ".join(f"{k[:-2]} {v:.1f} s" for k, v in t.items())]
    return write_text(path, "\n".join(parts) + "\n")
