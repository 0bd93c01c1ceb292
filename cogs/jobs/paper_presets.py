"""The paper's experiments as sweep presets (docs/paper.md), registered by :mod:`cogs.jobs.sweep`.

Every preset trains its grids as few batched programs as possible (one per (d, q): all weight
decays × seeds together) with the paper's seeding, and reads every run (docs/reading.md).

- ``table2``: family shares at q = 512, wd = 5e-5, seeds 1–5 for d ∈ {23, 71, 127}.
- ``fig4``:   order histograms per weight decay (1e-5 … 5e-4): larger wd ⇒ lower order.
- ``width``:  q ∈ {256, 512, 1024, 2048} at wd = 5e-5: width does not change the order.
- ``fig3``:   SP dynamics (Σ Re r_kkk, off-diagonal mass, per-orbit |Σ ā a c|) over training.
- ``rstar``:  d = 7, q = 20, trained on the SP-form loss with and without the R_* terms:
              orbits end with 6 nodes, and with 3 (z_syn-like) without R_*.

``scale="cpu"`` keeps d = 23 only (``rstar`` is always d = 7); ``scale="full"`` is the whole
grid, for a GPU.

>>> grids = WIDTH.grids(scale="cpu", epochs=10, seeds=(1,), device="cpu", dtype="float32")
>>> [(g.folder, g.config.q, g.config.wds) for g in grids][:2]
[('Z23_q256', 256, (5e-05,)), ('Z23_q512', 512, (5e-05,))]
"""

from __future__ import annotations

import abc
import re
import typing

import numpy as np

from cogs.jobs.preset import Grid, Preset, grid_config, scale_orders

WDS = (1e-5, 5e-5, 1e-4, 2e-4, 5e-4)
WIDTHS = (256, 512, 1024, 2048)
#: the grid folders of the presets trained per group: Z23, Z71, …; with the width: Z23_q256, …
GROUP_FOLDER = re.compile(r"Z[0-9]+")
GROUP_WIDTH_FOLDER = re.compile(r"Z[0-9]+_q[0-9]+")
ORDER_HISTOGRAM = "order_histogram.png"
SP_DYNAMICS = "sp_dynamics.png"


def _mean(histogram: dict) -> float | None:
    """The mean order of a histogram {order: number of orbits} (None when empty)."""
    n = sum(histogram.values())
    return float(sum(int(k) * v for k, v in histogram.items()) / n) if n else None


def _all_kinds(by_kind: dict) -> dict:
    """{order: number of orbits} over every kind of orbit, sorted by order."""
    h: dict = {}
    for counts in by_kind.values():
        for k, v in counts.items():
            h[int(k)] = h.get(int(k), 0) + v
    return dict(sorted(h.items()))


def fig3_eval_epochs(epochs: int) -> list[int]:
    """fig3's evaluated epochs: 40 log-spaced ones below ``epochs``."""
    ev = sorted({0, epochs} | {int(round(x)) for x in np.geomspace(1, max(1, epochs), 40)})
    return [e for e in ev if e < epochs] or [0]


def _order(grid: Grid) -> int:
    from groups import parse_group

    return parse_group(grid.config.group).order


@typing.final
class Table2(Preset):
    name = "table2"
    summary = "family shares at q = 512, wd = 5e-5, seeds 1–5 for d ∈ {23, 71, 127} (the paper's Table 2)"
    outputs = (GROUP_FOLDER,)

    def grids(self, *, scale, epochs, seeds, device, dtype):
        kw = dict(seeds=seeds, epochs=epochs, device=device, dtype=dtype)
        return [Grid(f"Z{d}", grid_config(f"Z{d}", q=512, wds=(5e-5,), **kw)) for d in scale_orders(scale)]

    def announce(self, grid):
        return f"table2: d = {_order(grid)}"

    def rows(self, trained):
        from cogs.reports import report_of

        rows = []
        for t in trained:
            part = report_of(t.readings, ["table2", "family_shares"])
            rows.append({"d": _order(t.grid), "table2": part["table2"], "table2_per_network": part["table2_per_network"],
                         "family_shares": part["family_shares"], "match_rate": part["match_rate"],
                         "paper_percent": part["table2_paper_percent"]})
        return rows

    def markdown(self, trained, rows, figures):
        from cogs.reports import table2 as table2_text
        from cogs.reports.tables import md_table

        t2rows = []
        for row in rows:
            d = row["d"]
            t2rows += table2_text.text_rows(row["table2"], f"CoGS, d = {d} ({len(row['table2_per_network'])} seeds)", d)
        return [md_table(table2_text.text_header("networks"), t2rows), ""] + table2_text.text_legend()


class OrderHistograms(Preset):
    """Order histograms per setting of the grids (a preset's rows: d, setting, mean order of
    the complex orbits, histogram over every kind), one table and one figure."""

    @abc.abstractmethod
    def settings(self, trained) -> dict:
        """{setting label: readings} of one trained grid."""

    def rows(self, trained):
        from cogs.reports import report_of

        rows = []
        for t in trained:
            for label, part in self.settings(t).items():
                by_kind = report_of(part, ["order_histogram"])["order_histogram"]  # orbits per order, per kind
                rows.append({"d": _order(t.grid), "setting": label, "mean_order": _mean(by_kind.get("complex") or {}),
                             "histogram": _all_kinds(by_kind)})
        return rows

    def markdown(self, trained, rows, figures):
        from cogs.reports.tables import md_table

        orders = sorted({o for r in rows for o in r["histogram"]})
        md = [md_table(["d", "setting", "mean order (complex orbits)"] + [f"order {o}" for o in orders],
                       [[r["d"], r["setting"], "—" if r["mean_order"] is None else f"{r['mean_order']:.2f}"]
                        + [r["histogram"].get(o, 0) for o in orders] for r in rows]),
              "", "Cells 'order n': number of orbits (all seeds) with n active nodes (|A_kj| ≥ 0.05)."]
        return md + [line for name in figures for line in ("", f"![orders]({name})")]

    def figures(self, trained, rows, folder):
        from cogs.reports import figures

        series = {f"d={r['d']} {r['setting']}": r["histogram"] for r in rows}
        p = figures.order_histogram(folder / ORDER_HISTOGRAM, series, f"orders of trained orbits ({self.name})")
        return [p] if p else []


@typing.final
class Fig4(OrderHistograms):
    name = "fig4"
    summary = "order histograms per weight decay (1e-5 … 5e-4): larger wd ⇒ lower order (the paper's Fig. 4)"
    outputs = (GROUP_FOLDER, ORDER_HISTOGRAM)

    def grids(self, *, scale, epochs, seeds, device, dtype):
        kw = dict(seeds=seeds, epochs=epochs, device=device, dtype=dtype)
        return [Grid(f"Z{d}", grid_config(f"Z{d}", q=512, wds=WDS, **kw)) for d in scale_orders(scale)]

    def announce(self, grid):
        c = grid.config
        return f"fig4: d = {_order(grid)}, {len(c.wds)} weight decays × {len(c.seeds)} seeds in one batch"

    def settings(self, trained):
        runs = trained.result.runs
        return {f"wd={wd:g}": trained.readings.subset(i for i, s in enumerate(runs) if s.wd == wd)
                for wd in trained.grid.config.wds}


@typing.final
class Width(OrderHistograms):
    name = "width"
    summary = "q ∈ {256, 512, 1024, 2048} at wd = 5e-5: width does not change the order"
    outputs = (GROUP_WIDTH_FOLDER, ORDER_HISTOGRAM)

    def grids(self, *, scale, epochs, seeds, device, dtype):
        kw = dict(seeds=seeds, epochs=epochs, device=device, dtype=dtype)
        return [Grid(f"Z{d}_q{q}", grid_config(f"Z{d}", q=q, wds=(5e-5,), **kw))
                for d in scale_orders(scale) for q in WIDTHS]

    def announce(self, grid):
        return f"width: d = {_order(grid)}, q = {grid.config.q}"

    def settings(self, trained):
        return {f"q={trained.grid.config.q}": trained.readings}


@typing.final
class Fig3(Preset):
    name = "fig3"
    summary = "SP dynamics (Σ Re r_kkk, off-diagonal mass, per-orbit |Σ ā a c|) over training (the paper's Fig. 3)"
    outputs = (GROUP_FOLDER, SP_DYNAMICS)

    def grids(self, *, scale, epochs, seeds, device, dtype):
        d = scale_orders(scale)[0]
        return [Grid(f"Z{d}", grid_config(f"Z{d}", q=512, wds=(5e-5,), seeds=seeds, epochs=epochs, device=device,
                                          dtype=dtype, record_sp=True, eval_epochs=fig3_eval_epochs(epochs)))]

    def rows(self, trained):
        from cogs.reports import report_of

        (t,) = trained
        return report_of(t.readings, ["dynamics"])["dynamics"]  # epochs, seeds and each SP record

    def markdown(self, trained, rows, figures):
        return [f"![dynamics]({name})" for name in figures]

    def figures(self, trained, rows, folder):
        from cogs.reports import figures

        (t,) = trained
        result = t.result
        labels = {"sum_re_rkkk": "Σ_k Re r_kkk", "off_diag": "off-diagonal Σ|r|²",
                  "rn_aac": f"per-orbit |Σ ā a c| (seed {t.grid.config.seeds[0]})"}
        series = {}
        for k, label in labels.items():
            v = np.asarray(result.records[k])
            series[label] = v[0] if k == "rn_aac" else v.T  # seeds as thin lines
        p = figures.sp_dynamics(folder / SP_DYNAMICS, np.asarray(result.epochs), series,
                                f"{t.grid.config.group}: SP dynamics")
        return [p] if p else []


@typing.final
class RStar(Preset):
    name = "rstar"
    summary = "d = 7, q = 20 on the SP-form loss with and without the R_* terms: orbits of 6 nodes, and of 3 without R_*"
    outputs = ("sp", "sp-no-rstar")

    def grids(self, *, scale, epochs, seeds, device, dtype):
        scale_orders(scale)  # a bad scale is refused here too
        config = grid_config("Z7", q=20, wds=(5e-5,), seeds=seeds, epochs=epochs, device=device, dtype="float64")
        return [Grid(name, config, name) for name in ("sp", "sp-no-rstar")]

    def announce(self, grid):
        return f"rstar: d = {_order(grid)}, q = {grid.config.q}, objective {grid.objective}"

    def rows(self, trained):
        from cogs.reports import report_of

        rows = []
        for t in trained:
            orders = [[o.order for o in a.orbits] if a is not None else None for a in t.readings.analyses]
            hist = _all_kinds(report_of(t.readings, ["order_histogram"])["order_histogram"])
            rows.append({"objective": t.grid.objective, "orders": orders, "histogram": hist})
        return rows

    def markdown(self, trained, rows, figures):
        from cogs.reports.tables import md_table

        table = []
        for t, row in zip(trained, rows):
            # the runs trained (a failed shard leaves gaps)
            for seed, o in zip([r.seed for r in t.result.runs], row["orders"]):
                table.append([row["objective"], seed] + (["diverged"] if o is None else [" ".join(map(str, o))]))
        return [md_table(["objective", "seed", "order of each orbit (k = 1, 2, 3)"], table), "",
                "sp: the loss in SP form; sp-no-rstar: the same without the R_* terms. The paper: every orbit ends with 6 "
                "nodes, and with 3 (z_syn-like) without R_*."]


TABLE2, FIG4, WIDTH, FIG3, RSTAR = Table2(), Fig4(), Width(), Fig3(), RStar()
