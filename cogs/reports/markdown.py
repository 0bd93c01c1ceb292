"""The readable report (DIR/report.md) and the terminal summary of ``cogs compare``."""

from __future__ import annotations

from pathlib import Path

from cogs.reports import captions_of, markdown_of
from cogs.reports.orbit_table import CELL_LEGEND, orbit_table
from cogs.reports import table2 as table2_text
from cogs.reports.tables import md_table, plain_table


def _num(x, fmt=".3g") -> str:
    if x is None:
        return "-"
    if isinstance(x, dict) and "re" in x:
        return f"{x['re']:{fmt}}{x['im']:+{fmt}}i"
    return format(x, fmt)


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


def irrep_rows(report: dict) -> tuple[list[str], list[list]]:
    """Per trained seed, the order of each non-trivial real irreducible (active nodes whose
    dominant irreducible it is), for a group read by irreps."""
    runs = [r for r in report["runs"] if r.get("irreps")]
    if not runs:
        return ["seed"], []
    labels = [f"σ{x['irrep']} ({x['kind']}{x['dim']})" for x in runs[0]["irreps"] if x["irrep"] != 0]
    rows = [[r["seed"]] + [x["order"] for x in r["irreps"] if x["irrep"] != 0] for r in runs]
    return ["seed"] + labels, rows


IRREP_LEGEND = ("σi (Kd): real irreducible i of type K (R, C or H) realising complex irreps of dimension d; "
                "cell: its order (active nodes whose dominant irreducible it is)")


def group_sentence(report: dict) -> str:
    """The report's first words on the group: orbit counts or irreps."""
    if report.get("read_by") != "irreps":
        return f"d = {report['d']}, {report['complex_orbits']} complex orbits, {report['real_characters']} real characters. "
    dims = ", ".join(str(r["dim"]) for r in report["irreps"])
    return (f"d = {report['d']}, {'Abelian' if report['abelian'] else 'non-Abelian'}, {report['classes']} irreps "
            f"(degrees {dims}); read by irreducible representations. ")


def summary_text(report: dict) -> str:
    """The short terminal summary printed by ``cogs compare``."""
    cfg = report["config"]
    if report.get("read_by") == "irreps":
        header, rows = irrep_rows(report)
        out = [f"Per seed and real irreducible ({IRREP_LEGEND})", plain_table(header, rows), ""]
        out.append("Constructed vs trained")
        out.append(plain_table(["network", "nodes", "loss", "‖W‖²", "note"], loss_norm_rows(report)))
        return "\n".join(out)
    out = [f"Per seed and orbit ({CELL_LEGEND})"]
    header, rows = orbit_table(report)
    out.append(plain_table(header, rows))
    out.append("")
    out.append(f"Table 2 (q = {cfg['hidden']}, wd = {cfg['wd']:g}, seeds {','.join(str(s) for s in cfg['seeds'])}, {cfg['epochs']} epochs)")
    t2 = report.get("table2") or {}
    rows = [[f"CoGS, {len(report.get('table2_per_network') or [])} seed(s)"] + table2_text.text_cells(t2)]
    if report.get("table2_paper_percent"):
        rows.append([f"paper, d = {report['d']}"] + table2_text.paper_cells(report["d"]))
    out.append(plain_table(table2_text.text_header("networks"), rows))
    out.extend(table2_text.text_legend())
    out.append("")
    out.append("Constructed vs trained")
    out.append(plain_table(["network", "nodes", "loss", "‖W‖²", "note"], loss_norm_rows(report)))
    return "\n".join(out)


def write_markdown(path, report: dict) -> Path:
    from models.atomic import write_text

    cfg = report["config"]
    parts = [
        f"# CoGS comparison: {report['group']}",
        "",
        group_sentence(report) +
        f"Training: q = {cfg['hidden']}, lr = {cfg['lr']:g}, wd = {cfg['wd']:g}, {cfg['epochs']} epochs, seeds "
        f"{', '.join(str(s) for s in cfg['seeds'])}, {cfg['seeding']} seeding, {cfg['dtype']} on {cfg['device']}.",
        "",
        "## Constructed vs trained",
        "",
        md_table(["network", "nodes", "loss", "‖W‖²", "note"], loss_norm_rows(report)),
        "",
        "Constructed networks are certified global minimisers (loss ≈ 0 up to rounding); ‖W‖² is the",
        "balanced norm that weight decay sees. Trained 'nodes' counts active nodes (|A| ≥ threshold).",
        "",
    ]
    parts += markdown_of(report)  # every registered analysis's section (cogs.reports)
    figs = report.get("figures") or {}
    if figs:
        parts += ["## Figures", ""]
        captions = captions_of()
        for key, name in figs.items():
            parts += [f"![{captions.get(key, key)}]({name})", "", f"*{captions.get(key, key)}*", ""]
    t = report.get("timings") or {}
    if t:
        parts += ["", "## Timings", "", ", ".join(f"{k[:-2]} {v:.1f} s" for k, v in t.items())]
    return write_text(path, "\n".join(parts) + "\n")
