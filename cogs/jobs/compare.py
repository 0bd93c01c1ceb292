"""The main job: construct, train, analyse and compare (``cogs compare``).

For a group G it

1. constructs global solutions with the solver (strategies f6, f46, auto and — when d² is
   affordable — memorize), each certified by the exact loss, and records order, loss and
   the balanced weight norm ‖W‖² (what weight decay sees);
2. trains the seeds in one batch (docs/paper.md setup: Adam, coupled L2 weight decay, full batch,
   90/10 split, reference-compatible seeding by default) recording the SP dynamics;
3. analyses every trained network (orders per orbit by both activity rules, the exact
   pairing search, the paper's reading of each factorable orbit, CoGS's registry reading
   beside it) and computes the paper's Table 2 (mean ± standard error over seeds);
4. writes DIR/report.json (every number), DIR/report.md (tables) and PNG figures, and
   returns the report.

Reference: Y. Tian, NeurIPS 2025, arXiv 2410.01779; figures in docs/paper.md.
"""

from __future__ import annotations

import typing

import time
from pathlib import Path

import attrs
import numpy as np

from groups import parse_group
from models.spectrum import DEFAULT_THRESHOLD


@typing.final
@attrs.frozen
class CompareConfig:
    """Settings of one comparison (defaults: the paper's figure setting, docs/paper.md)."""

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
    threshold: float = DEFAULT_THRESHOLD


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


# what `cogs compare` writes at the top of its --out (cogs.jobs.outdir): on a re-run into the same
# folder these are refused, replaced (overwrite) or, on resume, replaced except the checkpoints
def compare_outputs() -> tuple:
    """Every entry `cogs compare` writes at the top of --out: its reports, the constructed
    networks, the training, and each registered analysis's figure files."""
    from cogs.reports import outputs_of

    return ("report.json", "report.md", "constructed", "train") + outputs_of()


COMPARE_CHECKPOINTS = "train/checkpoints"


def run_compare(cfg: CompareConfig, out, *, progress=None, log=print, overwrite: bool = False, resume: bool = False,
                keep_checkpoints: int | None = 2, checkpoint_every: float | None = None, train_log=None) -> dict:
    """Run the whole comparison; see the module docstring. Returns the report dict.

    Training checkpoints go to out/train/checkpoints (the newest ``keep_checkpoints``; None:
    all); ``resume`` continues from there. A folder holding an earlier comparison is refused
    unless ``overwrite`` or ``resume`` (:mod:`cogs.jobs.outdir`), and a resume whose checkpoint is
    missing or belongs to another training is refused before anything is deleted.
    ``train_log``: the trainer's ``log`` (told where a resume starts)."""
    from cogs.reports import Readings, figures_of, report_of
    from cogs.reports import figures
    from cogs.reports.markdown import write_markdown
    from cogs.sp.dynamics import sp_recorder
    from cogs.jobs.runs import write_runs
    from models.atomic import write_json
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
    from cogs.jobs.outdir import check_out, check_resume, prepare_out

    check_out(out, compare_outputs(), command="compare", overwrite=overwrite, resume=resume)
    if resume:  # before anything is deleted: the checkpoint kept must be this comparison's training
        check_resume(out, compare_outputs(), [(out / COMPARE_CHECKPOINTS, tcfg, None)], command="compare")
    prepare_out(out, compare_outputs(), command="compare", overwrite=overwrite, resume=resume, keep=(COMPARE_CHECKPOINTS,))
    timings = {}

    log(f"cogs compare {G.spec}: d = {G.order}, {len(G.complex_orbits())} complex orbits, {len(G.real_orbits())} real characters")
    t0 = time.perf_counter()
    constructed, constructed_weights = construct_all(G, cfg.strategies, seed=min(cfg.seeds), out=out, log=log)
    timings["construct_s"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    log(f"  training {len(cfg.seeds)} seed(s), q = {cfg.hidden}, wd = {cfg.wd:g}, {cfg.epochs} epochs on {device} (one batch)")
    result = train(tcfg, sp_recorder=sp_recorder, progress=progress, checkpoint_dir=out / COMPARE_CHECKPOINTS,
                   resume=resume, keep_checkpoints=keep_checkpoints, checkpoint_every=checkpoint_every, log=train_log)
    timings["train_s"] = time.perf_counter() - t0
    write_runs(out / "train", G, tcfg, result)

    t0 = time.perf_counter()
    readings = Readings.from_result(G, result, threshold=cfg.threshold, constructed=constructed_weights,
                                    config=attrs.asdict(cfg))  # every run's weights converted once
    report = {
        "group": G.spec,
        "d": G.order,
        "complex_orbits": len(G.complex_orbits()),
        "real_characters": len(G.real_orbits()),
        "config": attrs.asdict(cfg) | {"device": str(device)},
        "constructed": constructed,
        "runs": run_rows(G, result, readings.analyses),
    }
    report.update(report_of(readings))  # every registered analysis (cogs.reports)
    timings["analyse_s"] = time.perf_counter() - t0
    report["timings"] = timings

    t0 = time.perf_counter()
    report["figures"] = figures_of(readings, report, out, figures)
    timings["figures_s"] = time.perf_counter() - t0
    timings["total_s"] = time.perf_counter() - t_start
    write_json(out / "report.json", report)
    write_markdown(out / "report.md", report)
    return report
