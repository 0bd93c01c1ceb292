"""The readable report (DIR/report.md) and the terminal summary of ``cogs compare``."""

from __future__ import annotations

from pathlib import Path

SHORT = {"z_nu_i*z_xi": "νi*ξ", "z_nu*z_syn": "ν*syn", "z_nu_i*z_syn_ab": "νi*synαβ", "z_nu*z_syn_ab": "ν*synαβ"}


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
        return f"{o['order']} {SHORT.get(fam, fam)}" + ("*" if o.get("conjugated") else "")
    if o["order"] in (4, 6) and o.get("factorable") is False:
        return f"{o['order']} nf"
    return str(o["order"])


def share_rows(report: dict) -> list[list]:
    ref = (report.get("reference") or {}).get("figures_percent") or {}
    grouped = report.get("family_shares_grouped") or {}
    of_all = report.get("shares_of_all_orbits") or {}
    lsq = report.get("lsq_factors") or {}
    lsq_g = lsq.get("family_shares_grouped") or {}
    keys = ["z_nu_i*z_xi", "z_nu*z_syn", "others"]
    rows = []
    for k in keys:
        rows.append([k, _pct(grouped.get(k, 0.0)), _pct(of_all.get(k, 0.0)), _pct(lsq_g.get(k, 0.0)),
                     f"{ref[k]:.1f} %" if k in ref else "-"])
    rows.append(["factorable, no registered family", _pct(report.get("unnamed_share")), _pct(of_all.get("unnamed", 0.0)),
                 _pct(lsq.get("unnamed_share")), "-"])
    rows.append(["non-factorable (of order-4/6 orbits)", _pct(report.get("nonfactorable_share")),
                 _pct(of_all.get("non-factorable", 0.0)), _pct(report.get("nonfactorable_share")),
                 f"{ref['non-factorable']:.1f} %" if "non-factorable" in ref else "-"])
    rows.append(["match_rate (of all orbits)", "", _pct(report.get("match_rate")), _pct(lsq.get("match_rate")), "≈ 95 %"])
    return rows


SHARE_HEADER = ["family", "of factorable 4/6", "of all orbits", "of factorable 4/6, lsq factors"]


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


def summary_text(report: dict) -> str:
    """The short terminal summary printed by ``cogs compare``."""
    out = []
    header, rows = orbit_table(report)
    out.append(f"Per seed and orbit: order and family (νi*ξ = z_nu_i*z_xi, ν*syn = z_nu*z_syn, nf = non-factorable, * = conjugated)")
    out.append(_plain(header, rows))
    out.append("")
    out.append(f"Family shares (q={report['config']['hidden']}, wd={report['config']['wd']:g}, seeds {','.join(str(s) for s in report['config']['seeds'])})")
    out.append(_plain(SHARE_HEADER + [f"reference d={report['d']}"], share_rows(report)))
    out.append("")
    out.append("Constructed vs trained")
    out.append(_plain(["network", "nodes", "loss", "‖W‖²", "note"], loss_norm_rows(report)))
    return "\n".join(out)


def _plain(header, rows) -> str:
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
        "## Family shares",
        "",
        _table(SHARE_HEADER + [f"reference (SPEC §9, d = {report['d']})"], share_rows(report)),
        "",
        "'lsq factors': the order-3 (or 2) factor read off both halves of the pairing by least squares",
        "instead of the first half alone (SPEC §8, the reference's way); less noise, so more orbits of a",
        "not fully converged network are named.",
        "",
        f"Orbits analysed: {report.get('n_orbits')}; of order 4 or 6: {report.get('n_factor_orbits')}; factorable: "
        f"{report.get('n_factorable')}. match_rate = share of all orbits that are order 4 or 6, factorable and in a "
        f"registered family = {_pct(report.get('match_rate'))} (mean over seeds {_pct(report.get('match_rate_mean'))}).",
        "",
        "## Per seed and orbit",
        "",
        _table(*orbit_table(report)),
        "",
        "Cells: order (active nodes, absolute threshold) and family; `nf` = order 4/6 but not factorable; `*` = named up to conjugation.",
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
