"""The main job: construct, train, analyse and compare (``cogs compare``).

For a group G it

1. constructs global solutions with the solver (strategies f6, f46, auto and — when d² is
   affordable — memorize), each certified by the exact loss, and records order, loss and
   the balanced weight norm ‖W‖² (what weight decay sees);
2. trains the seeds in one batch (SPEC §9 setup: Adam, coupled L2 weight decay, full batch,
   90/10 split, reference-compatible seeding by default) recording the SP dynamics;
3. analyses every trained network (orders per orbit by both activity rules, the exact
   pairing search, the paper's reading of each factorable orbit, CoGS's registry reading
   beside it) and computes the paper's Table 2 (mean ± standard error over seeds);
4. writes DIR/report.json (every number), DIR/report.md (tables) and PNG figures, and
   returns the report.

Reference: Y. Tian, NeurIPS 2025, arXiv 2410.01779; figures in SPEC §9.
"""

from __future__ import annotations

import typing

import time
from pathlib import Path

import attrs
import numpy as np

from cogs.analysis.table2 import PAPER_TABLE2, network_row, table2
from groups import parse_group


@typing.final
@attrs.frozen
class CompareConfig:
    """Settings of one comparison (defaults: SPEC §9's figure setting)."""

    group: str
    hidden: int = 512
    wd: float = 5e-5
    lr: float = 0.01
    seeds: tuple[int, ...] = (1, 2, 3, 4, 5)
    epochs: int = 10000
    device: str = "auto"
    dtype: str = "float32"
    seeding: str = "reference"
    train_frac: float = 0.9
    strategies: tuple[str, ...] = ("f6", "f46", "auto", "memorize")
    threshold: float = 0.05


def construct_all(G, strategies, *, seed: int, out: Path, log=print) -> tuple[list[dict], dict]:
    """Build and certify each strategy; save weights to out/constructed/<strategy>.npz.
    Returns the report rows and the weights (W_a, W_b, W_c) of each built strategy."""
    from cogs.solver import MEMORIZE_MAX_D, construct

    rows, weights = [], {}
    for strategy in strategies:
        if strategy == "memorize" and G.order > MEMORIZE_MAX_D:
            rows.append({"strategy": strategy, "skipped": f"d = {G.order} > {MEMORIZE_MAX_D}: d² nodes not affordable"})
            continue
        t0 = time.perf_counter()
        c = construct(G, strategy, seed=seed)
        path = out / "constructed" / f"{strategy}.npz"
        c.save(path)
        cert = c.certificate.to_dict()
        W = c.weights
        norm = float(sum(np.sum(np.asarray(w) ** 2) for w in W))
        rows.append(
            {
                "strategy": strategy,
                "order": int(c.order),
                # brute force (exact enumeration) when the certificate has it, else the fast evaluator
                "loss": float(cert["brute_force_loss"] if cert.get("brute_force_loss") is not None else cert["loss"]),
                "certificate_loss": float(cert["loss"]),  # computed as loss_method says
                "loss_method": cert.get("loss_method", "fast"),
                "brute_force_loss": cert.get("brute_force_loss"),
                "norm": norm,
                "file": str(path.relative_to(out)),
                "seconds": time.perf_counter() - t0,
                "orbit_generators": sorted({o.get("name") or "+".join(o.get("generators", [])) for o in cert.get("orbits", [])} - {""}),
            }
        )
        weights[strategy] = W
        log(f"  constructed {strategy:<9} order {c.order:>6}  loss {rows[-1]['loss']:.2e}  ‖W‖² {norm:.1f}")
    return rows, weights


def analyse_runs(G, result, *, threshold: float, factor_estimate: str = "first") -> list:
    """analyze_network for every finite run of a TrainResult (None for diverged ones)."""
    from cogs.analysis import analyze_network

    out = []
    for spec in result.runs:
        W = result.weights(spec.index)
        if result.status(spec.index) != "ok" or not all(np.isfinite(w).all() for w in W):
            out.append(None)
            continue
        out.append(analyze_network(G, *W, threshold=threshold, factor_estimate=factor_estimate,
                                   meta={"seed": spec.seed, "lr": spec.lr, "wd": spec.wd}))
    return out


def run_rows(G, result, analyses) -> list[dict]:
    rows = []
    for spec, an in zip(result.runs, analyses):
        final = result.run_metrics(spec.index)[-1]
        W = result.weights(spec.index)
        row = {
            "seed": spec.seed,
            "lr": spec.lr,
            "wd": spec.wd,
            "status": result.status(spec.index),
            "final": final,
            "norm": float(sum(np.sum(np.asarray(w, dtype=np.float64) ** 2) for w in W)) if an is not None else None,
        }
        if an is not None:
            row["active_nodes"] = int(sum(o.order for o in an.orbits))
            row["orbits"] = [
                {"k": o.k, "kind": o.kind, "order": o.order, "order_rel": o.order_rel,
                 "factorable": o.factorable, "error": o.error, "family": o.family,
                 "factorable_exact": o.factorable_exact, "registry_family": o.registry_family}
                for o in an.orbits
            ]
            row["stats"] = {k: v for k, v in an.stats().items() if k != "order_histogram_by_rule"}
        rows.append(row)
    return rows


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


def frequency_map(G, W_a, threshold: float = 0.05, max_nodes: int = 400) -> np.ndarray:
    """|A_kj| for active nodes (rows sorted by dominant orbit), frequencies 0..d−1 (columns)."""
    A = np.abs(G.dft(np.asarray(W_a, dtype=np.float64), axis=1))  # (q, d)
    act = A.max(1) >= threshold
    if not act.any():
        act = A.max(1) >= A.max() * 0.1
    A = A[act]
    neg = G.neg_table()
    dom = A.argmax(1)
    rep = np.minimum(dom, neg[dom])
    order = np.lexsort((-A.max(1), rep))
    return A[order][:max_nodes]


# what `cogs compare` writes at the top of its --out (cogs.outdir): on a re-run into the same
# folder these are refused, replaced (overwrite) or, on resume, replaced except the checkpoints
COMPARE_OUTPUTS = ("report.json", "report.md", "order_histogram.png", "frequency_maps.png", "sp_dynamics.png",
                   "constructed", "train")
COMPARE_CHECKPOINTS = "train/checkpoints"


def run_compare(cfg: CompareConfig, out, *, progress=None, log=print, overwrite: bool = False, resume: bool = False,
                keep_checkpoints: int | None = 2, checkpoint_every: float | None = None, train_log=None) -> dict:
    """Run the whole comparison; see the module docstring. Returns the report dict.

    Training checkpoints go to out/train/checkpoints (the newest ``keep_checkpoints``; None:
    all); ``resume`` continues from there. A folder holding an earlier comparison is refused
    unless ``overwrite`` or ``resume`` (:mod:`cogs.outdir`), and a resume whose checkpoint is
    missing or belongs to another training is refused before anything is deleted.
    ``train_log``: the trainer's ``log`` (told where a resume starts)."""
    from cogs.analysis import aggregate
    from cogs.report import figures
    from cogs.report.markdown import write_markdown
    from cogs.runs import write_json, write_runs
    from models.training import TrainConfig, resolve_device, train
    from models.training.config import check_size

    t_start = time.perf_counter()
    G = parse_group(cfg.group)
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {out}: exists and is not a folder")
    tcfg = TrainConfig(
        group=G.spec, q=cfg.hidden, epochs=cfg.epochs, lrs=(cfg.lr,), wds=(cfg.wd,), seeds=tuple(cfg.seeds),
        train_frac=cfg.train_frac, seeding=cfg.seeding, device=cfg.device, dtype=cfg.dtype, record_sp=True,
    )  # validates everything before any work
    device = resolve_device(tcfg.device)
    check_size(tcfg, device)  # over the limits: refused before the output folder is touched
    from cogs.outdir import check_out, check_resume, prepare_out

    check_out(out, COMPARE_OUTPUTS, command="compare", overwrite=overwrite, resume=resume)
    if resume:  # before anything is deleted: the checkpoint kept must be this comparison's training
        check_resume(out, COMPARE_OUTPUTS, [(out / COMPARE_CHECKPOINTS, tcfg, None)], command="compare")
    prepare_out(out, COMPARE_OUTPUTS, command="compare", overwrite=overwrite, resume=resume, keep=(COMPARE_CHECKPOINTS,))
    timings = {}

    log(f"cogs compare {G.spec}: d = {G.order}, {len(G.complex_orbits())} complex orbits, {len(G.real_orbits())} real characters")
    t0 = time.perf_counter()
    constructed, constructed_weights = construct_all(G, cfg.strategies, seed=min(cfg.seeds), out=out, log=log)
    timings["construct_s"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    log(f"  training {len(cfg.seeds)} seed(s), q = {cfg.hidden}, wd = {cfg.wd:g}, {cfg.epochs} epochs on {device} (one batch)")
    result = train(tcfg, progress=progress, checkpoint_dir=out / COMPARE_CHECKPOINTS, resume=resume,
                   keep_checkpoints=keep_checkpoints, checkpoint_every=checkpoint_every, log=train_log)
    timings["train_s"] = time.perf_counter() - t0
    write_runs(out / "train", G, tcfg, result)

    t0 = time.perf_counter()
    analyses = analyse_runs(G, result, threshold=cfg.threshold)
    ok = [a for a in analyses if a is not None]
    agg = aggregate(ok) if ok else {}
    # the same statistics with the order-m factor estimated from both halves (least squares)
    lsq = [a for a in analyse_runs(G, result, threshold=cfg.threshold, factor_estimate="lsq") if a is not None]
    agg_lsq = aggregate(lsq) if lsq else {}
    timings["analyse_s"] = time.perf_counter() - t0
    runs = run_rows(G, result, analyses)

    report = {
        "group": G.spec,
        "d": G.order,
        "complex_orbits": len(G.complex_orbits()),
        "real_characters": len(G.real_orbits()),
        "config": attrs.asdict(cfg) | {"device": str(device)},
        "constructed": constructed,
        "runs": runs,
        "table2": table2(ok),
        "table2_per_network": [{"seed": a.meta.get("seed"), **network_row(a)} for a in ok],
        "table2_paper_percent": PAPER_TABLE2.get(G.order) if len(G.moduli) == 1 else None,
        "family_shares": agg.get("family_shares", {}),
        "shares_of_all_orbits": shares_of_all(analyses),
        "nonfactorable_share": agg.get("nonfactorable_share"),
        "unnamed_share": agg.get("unnamed_share"),
        "match_rate": agg.get("match_rate"),
        "match_rate_mean": agg.get("match_rate_mean"),
        "match_rate_std": agg.get("match_rate_std"),
        "order_histogram": agg.get("order_histogram", {}),
        "order_histogram_by_rule": agg.get("order_histogram_by_rule", {}),
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
        "dynamics": _dynamics(result),
        "timings": timings,
    }

    t0 = time.perf_counter()
    report["figures"] = _figures(G, report, result, analyses, constructed_weights, out, figures)
    timings["figures_s"] = time.perf_counter() - t0
    timings["total_s"] = time.perf_counter() - t_start
    write_json(out / "report.json", report)
    write_markdown(out / "report.md", report)
    return report


def _dynamics(result) -> dict:
    rec = result.records or {}
    if not rec:
        return {}
    out = {"epochs": [int(e) for e in result.epochs], "seeds": [s.seed for s in result.runs]}
    for key, val in rec.items():
        out[key] = np.asarray(val).tolist()
    return out


def _figures(G, report, result, analyses, constructed_weights: dict, out: Path, figures) -> dict:
    made = {}
    hist = report.get("order_histogram") or {}
    series = {f"{kind} orbits": {int(k): int(v) for k, v in h.items()} for kind, h in hist.items() if h}
    if series:
        p = figures.order_histogram(out / "order_histogram.png", series,
                                    f"{G.spec}: orders of trained orbits (q={report['config']['hidden']}, wd={report['config']['wd']:g}, {len(analyses)} seeds)")
        if p:
            made["order_histogram"] = p.name
    first = next((i for i, a in enumerate(analyses) if a is not None), None)
    cons = next((c for c in report["constructed"] if c.get("strategy") == "f46" and "file" in c), None)
    panels = []
    if first is not None:
        W = result.weights(result.runs[first].index)
        panels.append((f"trained (seed {result.runs[first].seed})", frequency_map(G, W[0])))
    if cons is not None:
        panels.append((f"constructed f46 (order {cons['order']})", frequency_map(G, constructed_weights["f46"][0])))
    if panels:
        p = figures.frequency_maps(out / "frequency_maps.png", panels, f"{G.spec}: |A_kj| per node and frequency")
        if p:
            made["frequency_maps"] = p.name
    dyn = report.get("dynamics") or {}
    if dyn.get("epochs"):
        series, ylabels, groups_ = {}, {}, {}
        labels = {"sum_re_rkkk": ("Σ_k Re r_kkk", "Σ_{k≠0} Re r_kkk (global optimum: d − 1)"),
                  "off_diag": ("off-diagonal Σ|r_{k1k2k}|²", "Σ_k Σ_{(k1,k2)≠(k,k)} |r_{k1k2k}|² (optimum 0)"),
                  "rn_aac": ("per-orbit |Σ_j ā a c|", "|Σ_j conj(z_a) z_a z_c| at each orbit's k")}
        for key, (label, ylabel) in labels.items():
            if key in dyn:
                arr = np.asarray(dyn[key], dtype=float)  # (R, E) or (R, E, n)
                series[label] = arr[0] if arr.ndim >= 2 else arr
                ylabels[label] = ylabel
        if "rn_aac" in dyn and analyses and analyses[0] is not None:  # the panel shows run 0
            groups_[labels["rn_aac"][0]] = [f"order {o.order}" for o in analyses[0].orbits]
        if series:
            p = figures.sp_dynamics(out / "sp_dynamics.png", np.asarray(dyn["epochs"]), series,
                                    f"{G.spec}: SP dynamics (seed {dyn['seeds'][0]})", ylabels=ylabels, line_groups=groups_)
            if p:
                made["sp_dynamics"] = p.name
    return made
