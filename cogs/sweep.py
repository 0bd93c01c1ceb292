"""Presets reproducing the paper's experiments (SPEC §9) — ``cogs sweep``.

Every preset trains its grid as few batched programs as possible (one per (d, q): all weight
decays × seeds together), analyses every run (SPEC §8) and writes DIR/report.json,
DIR/report.md and figures.

- ``table2``: family shares at q = 512, wd = 5e-5, seeds 1–5 for d ∈ {23, 71, 127}.
- ``fig4``:   order histograms per weight decay (1e-5 … 5e-4): larger wd ⇒ lower order.
- ``width``:  q ∈ {256, 512, 1024, 2048} at wd = 5e-5: width does not change the order.
- ``fig3``:   SP dynamics (Σ Re r_kkk, off-diagonal mass, per-orbit |Σ ā a c|) over training.
- ``rstar``:  d = 7, q = 20, trained on the SP-form loss with and without the R_* terms:
              orbits end with 6 nodes, and with 3 (z_syn-like) without R_*.

``--scale cpu`` keeps d = 23 only (``rstar`` is always d = 7); ``--scale full`` is the whole
grid, for a GPU.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from groups import parse_group

PRESETS = ("table2", "fig4", "width", "fig3", "rstar")
WDS = (1e-5, 5e-5, 1e-4, 2e-4, 5e-4)
WIDTHS = (256, 512, 1024, 2048)
SEEDS = (1, 2, 3, 4, 5)


def _ds(scale: str) -> tuple[int, ...]:
    if scale not in ("cpu", "full"):
        raise ValueError(f"scale must be 'cpu' or 'full', got {scale!r}")
    return (23,) if scale == "cpu" else (23, 71, 127)


def train_grid(G, *, q, wds, seeds, epochs, device, dtype, lr=0.01, record_sp=False, objective=None,
               eval_epochs=None, out: Path | None = None, progress=None):
    """One batched training of wds × seeds; returns (result, analyses)."""
    from cogs.compare import analyse_runs
    from cogs.runs import write_runs
    from models.training import TrainConfig, train

    cfg = TrainConfig(group=G.spec, q=q, epochs=epochs, lrs=(lr,), wds=tuple(wds), seeds=tuple(seeds),
                      seeding="reference", device=device, dtype=dtype, record_sp=record_sp, eval_epochs=eval_epochs)
    result = train(cfg, objective=objective, progress=progress)
    if out is not None:
        write_runs(out, G, cfg, result)
    return result, analyse_runs(G, result, threshold=0.05)


def _mean_order(analyses) -> float | None:
    orders = [o.order for a in analyses if a is not None for o in a.orbits if o.kind == "complex"]
    return float(np.mean(orders)) if orders else None


def _hist(analyses) -> dict:
    h: dict = {}
    for a in analyses:
        if a is None:
            continue
        for o in a.orbits:
            h[o.order] = h.get(o.order, 0) + 1
    return dict(sorted(h.items()))


def run_sweep(preset: str, out, *, scale: str = "cpu", epochs: int = 10000, seeds=SEEDS, device="auto",
              dtype="float32", progress=None, log=print) -> dict:
    """Run one preset; returns the report dict (also written to out/report.json)."""
    from cogs.analysis import aggregate
    from cogs.compare import grouped_shares, REFERENCE_FIGURES
    from cogs.report import figures
    from cogs.runs import write_json, write_text

    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}; choose from {', '.join(PRESETS)}")
    ds = _ds(scale)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    report: dict = {"preset": preset, "scale": scale, "epochs": epochs, "seeds": list(seeds), "rows": []}
    md = [f"# cogs sweep {preset} ({scale} scale)", ""]

    if preset == "table2":
        md += ["| d | z_nu_i*z_xi | z_nu*z_syn | others | non-factorable | match_rate | reference |", "|---|---|---|---|---|---|---|"]
        for d in ds:
            G = parse_group(f"Z{d}")
            log(f"table2: d = {d}")
            _, an = train_grid(G, q=512, wds=(5e-5,), seeds=seeds, epochs=epochs, device=device, dtype=dtype,
                               out=out / f"Z{d}", progress=progress)
            agg = aggregate([a for a in an if a is not None])
            g = grouped_shares(agg["family_shares"])
            row = {"d": d, "family_shares": agg["family_shares"], "grouped": g, "nonfactorable_share": agg["nonfactorable_share"],
                   "match_rate": agg["match_rate"], "reference_percent": REFERENCE_FIGURES.get(d)}
            report["rows"].append(row)
            ref = REFERENCE_FIGURES.get(d, {})
            md.append(f"| {d} | {100*g.get('z_nu_i*z_xi',0):.1f} % | {100*g.get('z_nu*z_syn',0):.1f} % | {100*g.get('others',0):.1f} % | "
                      f"{100*agg['nonfactorable_share']:.1f} % | {100*agg['match_rate']:.1f} % | "
                      f"{ref.get('z_nu_i*z_xi','-')} / {ref.get('z_nu*z_syn','-')} / {ref.get('others','-')} |")

    elif preset in ("fig4", "width"):
        series = {}
        md += ["| d | setting | mean order (complex orbits) | histogram |", "|---|---|---|---|"]
        for d in ds:
            G = parse_group(f"Z{d}")
            if preset == "fig4":
                log(f"fig4: d = {d}, {len(WDS)} weight decays × {len(seeds)} seeds in one batch")
                result, an = train_grid(G, q=512, wds=WDS, seeds=seeds, epochs=epochs, device=device, dtype=dtype,
                                        out=out / f"Z{d}", progress=progress)
                groups_ = {f"wd={wd:g}": [a for s, a in zip(result.runs, an) if s.wd == wd] for wd in WDS}
            else:
                groups_ = {}
                for q in WIDTHS:
                    log(f"width: d = {d}, q = {q}")
                    _, an = train_grid(G, q=q, wds=(5e-5,), seeds=seeds, epochs=epochs, device=device, dtype=dtype,
                                       out=out / f"Z{d}_q{q}", progress=progress)
                    groups_[f"q={q}"] = an
            for label, an in groups_.items():
                h = _hist(an)
                mo = _mean_order(an)
                report["rows"].append({"d": d, "setting": label, "mean_order": mo, "histogram": h})
                md.append(f"| {d} | {label} | {'-' if mo is None else f'{mo:.2f}'} | {h} |")
                series[f"d={d} {label}"] = h
        p = figures.order_histogram(out / "order_histogram.png", series, f"orders of trained orbits ({preset})")
        if p:
            report["figures"] = [p.name]
            md += ["", f"![orders]({p.name})"]

    elif preset == "fig3":
        G = parse_group(f"Z{ds[0]}")
        ev = sorted({0, epochs} | {int(round(x)) for x in np.geomspace(1, max(1, epochs), 40)})
        ev = [e for e in ev if e < epochs] or [0]
        result, an = train_grid(G, q=512, wds=(5e-5,), seeds=seeds, epochs=epochs, device=device, dtype=dtype,
                                record_sp=True, eval_epochs=ev, out=out / G.spec, progress=progress)
        rec = result.records
        report["rows"] = {"epochs": list(map(int, result.epochs)), **{k: np.asarray(v).tolist() for k, v in rec.items()}}
        labels = {"sum_re_rkkk": "Σ_k Re r_kkk", "off_diag": "off-diagonal Σ|r|²", "rn_aac": "per-orbit |Σ ā a c| (seed 1)"}
        ser = {}
        for k, lab in labels.items():
            v = np.asarray(rec[k])
            ser[lab] = v[0] if k == "rn_aac" else v.T  # seeds as thin lines
        p = figures.sp_dynamics(out / "sp_dynamics.png", np.asarray(result.epochs), ser, f"{G.spec}: SP dynamics")
        if p:
            report["figures"] = [p.name]
            md += [f"![dynamics]({p.name})"]

    elif preset == "rstar":
        from cogs.cli.train_cmd import make_objective

        G = parse_group("Z7")
        md += ["| objective | orders per orbit (per seed) |", "|---|---|"]
        for name in ("sp", "sp-no-rstar"):
            log(f"rstar: d = 7, q = 20, objective {name}")
            result, an = train_grid(G, q=20, wds=(5e-5,), seeds=seeds, epochs=epochs, device=device, dtype="float64",
                                    objective=make_objective(name, G), out=out / name, progress=progress)
            orders = [[o.order for o in a.orbits] if a is not None else None for a in an]
            report["rows"].append({"objective": name, "orders": orders, "histogram": _hist(an)})
            md.append(f"| {name} | {orders} |")

    report["seconds"] = time.perf_counter() - t0
    write_json(out / "report.json", report)
    write_text(out / "report.md", "\n".join(md) + "\n")
    return report
