"""Presets reproducing the paper's experiments (docs/paper.md) — ``cogs sweep``.

Every preset trains its grid as few batched programs as possible (one per (d, q): all weight
decays × seeds together), analyses every run (docs/reading.md) and writes DIR/report.json,
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

import contextlib
import contextvars
import re
import time
from pathlib import Path

import numpy as np

from cogs.reports.tables import md_table
from groups import parse_group

PRESETS = ("table2", "fig4", "width", "fig3", "rstar")
WDS = (1e-5, 5e-5, 1e-4, 2e-4, 5e-4)
WIDTHS = (256, 512, 1024, 2048)
SEEDS = (1, 2, 3, 4, 5)


def _ds(scale: str) -> tuple[int, ...]:
    if scale not in ("cpu", "full"):
        raise ValueError(f"scale must be 'cpu' or 'full', got {scale!r}")
    return (23,) if scale == "cpu" else (23, 71, 127)


# the executor of cogs.distributed that trains the grids (None: one batch in this process)
_EXECUTOR = contextvars.ContextVar("cogs_sweep_executor", default=None)


@contextlib.contextmanager
def executing(executor):
    """Within the block, ``train_grid`` trains through ``executor`` (Ray shards, …)."""
    token = _EXECUTOR.set(executor)
    try:
        yield executor
    finally:
        _EXECUTOR.reset(token)


def grid_config(G, *, q, wds, seeds, epochs, device, dtype, lr=0.01, record_sp=False, eval_epochs=None):
    """The TrainConfig of one grid: wds × seeds at (G, q), reference seeding."""
    from models.training import TrainConfig

    return TrainConfig(group=G.spec, q=q, epochs=epochs, lrs=(lr,), wds=tuple(wds), seeds=tuple(seeds),
                       seeding="reference", device=device, dtype=dtype, record_sp=record_sp, eval_epochs=eval_epochs)


def fig3_eval_epochs(epochs: int) -> list[int]:
    """fig3's evaluated epochs: 40 log-spaced ones below ``epochs``."""
    ev = sorted({0, epochs} | {int(round(x)) for x in np.geomspace(1, max(1, epochs), 40)})
    return [e for e in ev if e < epochs] or [0]


def _values(name: str, values) -> str:
    """'name = v' for one value, 'name ∈ {a, b}' for several (numbers as %g, 5e-5 not 5e-05)."""
    fmt = [f"{v:g}".replace("e-0", "e-").replace("e+0", "e+") if isinstance(v, float) else str(v) for v in values]
    return f"{name} = {fmt[0]}" if len(fmt) == 1 else f"{name} ∈ {{{', '.join(fmt)}}}"


def _unique(xs) -> list:
    return list(dict.fromkeys(xs))


def _setup_line(grids) -> str:
    """The set-up the preset trains, read off its grids and stated at the top of its report."""
    cfgs = [cfg for _, cfg, _ in grids]
    ds = _unique(parse_group(c.group).order for c in cfgs)
    parts = [_values("d", ds), _values("q", _unique(c.q for c in cfgs)),
             _values("wd", _unique(w for c in cfgs for w in c.wds))]
    seeds = _unique(s for c in cfgs for s in c.seeds)
    lrs = _unique(x for c in cfgs for x in c.lrs)
    return (f"Set-up: Z_d with {', '.join(parts)}, seeds {', '.join(map(str, seeds))}, "
            f"{', '.join(str(e) for e in _unique(c.epochs for c in cfgs))} epochs, Adam {_values('lr', lrs)}, "
            f"{', '.join(_unique(c.dtype for c in cfgs))}, the paper's seeding and 90/10 split.")


def train_grid(cfg, objective: str = "mse", *, out: Path | None = None, progress=None):
    """Train one grid (a :class:`models.training.TrainConfig` of wds × seeds, the objective by
    name) in one batch, or through the sweep's executor; returns (result, readings): every run
    read once (:class:`cogs.reports.Readings`)."""
    from cogs.reports import Readings
    from cogs.sp.dynamics import sp_recorder
    from cogs.sp.objectives import make_objective
    from cogs.jobs.runs import write_runs
    from models.training import train

    G = parse_group(cfg.group)
    fn = make_objective(objective, G)
    executor = _EXECUTOR.get()
    if executor is None:
        ckpt = _CHECKPOINTING.get()  # set by run_sweep: checkpoints in out/checkpoints
        kw = dict(ckpt, checkpoint_dir=out / "checkpoints") if ckpt is not None and out is not None else {}
        result = train(cfg, objective=fn, sp_recorder=sp_recorder, progress=progress, **kw)
    else:
        result = executor.train(cfg, objective=fn)
    if out is not None:
        write_runs(out, G, cfg, result)
    return result, Readings.from_result(G, result)  # the default activity threshold


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


# the trainer's checkpoint options within run_sweep (resume, keep_checkpoints, checkpoint_every, log)
_CHECKPOINTING = contextvars.ContextVar("cogs_sweep_checkpointing", default=None)
# what `cogs sweep` writes at the top of its --out (cogs.jobs.outdir), any preset: reports, figures,
# the grids' run folders (Z23, Z23_q256, sp, …), each with its checkpoints, and the shards'
# checkpoints of a sharded sweep (--shard-runs, --backend ray)
SWEEP_OUTPUTS = ("report.json", "report.md", "order_histogram.png", "sp_dynamics.png",
                 re.compile(r"Z[0-9]+(_q[0-9]+)?"), "sp", "sp-no-rstar", "shards")
SWEEP_CHECKPOINTS = "*/checkpoints"
# what a resume keeps of an earlier sweep (cogs.jobs.outdir.prepare_out's ``keep``)
SWEEP_KEEP = (SWEEP_CHECKPOINTS, "shards")


def preset_jobs(preset: str, *, scale: str = "cpu", epochs: int = 10000, seeds=None, device="auto",
                dtype="float32") -> list[tuple]:
    """``[(TrainConfig, objective name), …]`` in the order the preset trains them: the training
    jobs of a preset listed up front, so that a parallel backend can start every shard of the
    sweep at once (``executor.prefetch(preset_jobs(...))``; also :mod:`cogs.jobs.sweep`).
    It mirrors :func:`run_sweep`'s grids; a job it misses is still trained when the sweep asks
    for it, only later (the test suite checks that none is missed)."""
    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}; choose from {', '.join(PRESETS)}")
    seeds = tuple(SEEDS if seeds is None else seeds)
    ds = _ds(scale)
    kw = dict(seeds=seeds, epochs=epochs, device=device, dtype=dtype)
    jobs = []
    if preset == "table2":
        jobs = [(grid_config(parse_group(f"Z{d}"), q=512, wds=(5e-5,), **kw), "mse") for d in ds]
    elif preset == "fig4":
        jobs = [(grid_config(parse_group(f"Z{d}"), q=512, wds=WDS, **kw), "mse") for d in ds]
    elif preset == "width":
        jobs = [(grid_config(parse_group(f"Z{d}"), q=q, wds=(5e-5,), **kw), "mse") for d in ds for q in WIDTHS]
    elif preset == "fig3":
        jobs = [(grid_config(parse_group(f"Z{ds[0]}"), q=512, wds=(5e-5,), record_sp=True,
                             eval_epochs=fig3_eval_epochs(epochs), **kw), "mse")]
    elif preset == "rstar":
        kw["dtype"] = "float64"
        jobs = [(grid_config(parse_group("Z7"), q=20, wds=(5e-5,), **kw), name) for name in ("sp", "sp-no-rstar")]
    return jobs


def sweep_grids(preset: str, *, scale: str = "cpu", epochs: int = 10000, seeds=SEEDS, device="auto",
                dtype="float32") -> list[tuple[str, object, str]]:
    """``[(folder, TrainConfig, objective name), …]``: the grids ``run_sweep`` trains, in order,
    with the folder of --out each one's runs go to."""
    out = []
    for cfg, name in preset_jobs(preset, scale=scale, epochs=epochs, seeds=seeds, device=device, dtype=dtype):
        folder = name if preset == "rstar" else f"{cfg.group}_q{cfg.q}" if preset == "width" else cfg.group
        out.append((folder, cfg, name))
    return out


def check_resume(out, grids, executor=None) -> None:
    """For ``run_sweep(resume=True)``, before anything is deleted: every checkpoint of the
    sweep's grids (out/<grid>/checkpoints, or each shard's folder when ``executor`` trains them)
    must belong to its grid, no grid folder may be one this sweep does not train, and a grid
    with runs, or an --out with any output of an earlier sweep, needs a checkpoint to continue
    from. Raises :class:`cogs.jobs.outdir.CannotResume` (nothing touched)."""
    from cogs.jobs.outdir import CannotResume, nothing_to_resume, owned_entries, usable_checkpoints
    from cogs.jobs.runs import TRAIN_OUTPUTS

    out = Path(out)
    found = owned_entries(out, SWEEP_OUTPUTS)
    if not found:
        return
    ours = {folder for folder, _, _ in grids}
    stray = [p.name for p in found if p.is_dir() and p.name != "shards" and p.name not in ours]
    if stray:
        raise CannotResume(f"--resume: --out {out} holds {stray[0]}/, a grid of an earlier sweep that this one does not "
                           "train (another --preset or --scale?); nothing was deleted (pass --overwrite to replace it)")
    shard_folders = getattr(executor, "shard_folders", None)
    any_usable = False
    for folder, cfg, name in grids:
        if executor is None:
            places = [(out / folder / "checkpoints", cfg, name)]
        elif shard_folders is not None:
            places = [(f, shard.config, name) for f, shard in shard_folders(cfg, name)]
        else:  # an executor that cannot say where it checkpoints: nothing to continue from
            places = []
        usable = usable_checkpoints(places)
        runs = owned_entries(out / folder, TRAIN_OUTPUTS)
        if runs and not usable:
            raise nothing_to_resume(out / folder, runs, "sweep")
        any_usable = any_usable or bool(usable)
    if not any_usable:
        raise nothing_to_resume(out, found, "sweep")


def run_sweep(preset: str, out, *, scale: str = "cpu", epochs: int = 10000, seeds=SEEDS, device="auto",
              dtype="float32", progress=None, log=print, overwrite: bool = False, resume: bool = False,
              keep_checkpoints: int | None = 2, checkpoint_every: float | None = None, train_log=None,
              executor=None) -> dict:
    """Run one preset; returns the report dict (also written to out/report.json).

    Each grid checkpoints into its run folder (out/Z23/checkpoints, …; the newest
    ``keep_checkpoints``, None: all) and ``resume`` continues from there. A folder holding an
    earlier sweep is refused unless ``overwrite`` or ``resume`` (:mod:`cogs.jobs.outdir`); a resume
    whose checkpoints do not fit the sweep is refused before anything is deleted
    (:func:`check_resume`).

    ``executor``: a :mod:`cogs.distributed` executor (started, nothing submitted) that trains
    every grid as shards checkpointing in its work folder (the CLI's: out/shards); all the
    grids' shards are submitted at once, after --out is checked and prepared. Without it, the
    executor of an enclosing :func:`executing` block, else one batch per grid here."""
    token = _CHECKPOINTING.set(dict(resume=resume, keep_checkpoints=keep_checkpoints,
                                    checkpoint_every=checkpoint_every, log=train_log))
    ex_token = _EXECUTOR.set(executor) if executor is not None else None
    try:
        return _run_sweep(preset, out, scale=scale, epochs=epochs, seeds=seeds, device=device, dtype=dtype,
                          progress=progress, log=log, overwrite=overwrite, resume=resume)
    finally:
        if ex_token is not None:
            _EXECUTOR.reset(ex_token)
        _CHECKPOINTING.reset(token)


def _run_sweep(preset: str, out, *, scale, epochs, seeds, device, dtype, progress, log, overwrite, resume) -> dict:
    from cogs.reports import report_of
    from cogs.reports import figures
    from cogs.reports import table2 as table2_text
    from models.atomic import write_json, write_text

    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}; choose from {', '.join(PRESETS)}")
    out = Path(out)
    from cogs.jobs.outdir import check_out, prepare_out

    grids = sweep_grids(preset, scale=scale, epochs=epochs, seeds=seeds, device=device, dtype=dtype)
    executor = _EXECUTOR.get()
    if executor is None:  # one batch per grid: over the limits, refused before the folder is touched
        from models.training.config import check_size

        for _, cfg, _ in grids:
            check_size(cfg)
    check_out(out, SWEEP_OUTPUTS, command="sweep", overwrite=overwrite, resume=resume)
    if resume:
        check_resume(out, grids, executor)
    # the only place a sweep deletes: after the checks, before any grid trains
    prepare_out(out, SWEEP_OUTPUTS, command="sweep", overwrite=overwrite, resume=resume, keep=SWEEP_KEEP)
    if executor is not None and hasattr(executor, "prefetch"):
        executor.prefetch([(cfg, name) for _, cfg, name in grids])  # every grid's shards at once
    t0 = time.perf_counter()
    report: dict = {"preset": preset, "scale": scale, "epochs": epochs, "seeds": list(seeds), "rows": []}
    md = [f"# cogs sweep {preset} ({scale} scale)", "", _setup_line(grids), ""]

    if preset == "table2":
        t2rows = []
        for folder, cfg, name in grids:
            d = parse_group(cfg.group).order
            log(f"table2: d = {d}")
            _, readings = train_grid(cfg, name, out=out / folder, progress=progress)
            part = report_of(readings, ["table2", "family_shares"])
            row = {"d": d, "table2": part["table2"], "table2_per_network": part["table2_per_network"],
                   "family_shares": part["family_shares"], "match_rate": part["match_rate"],
                   "paper_percent": part["table2_paper_percent"]}
            report["rows"].append(row)
            t2rows += table2_text.text_rows(row["table2"], f"CoGS, d = {d} ({len(row['table2_per_network'])} seeds)", d)
        md += [md_table(table2_text.text_header("networks"), t2rows), ""] + table2_text.text_legend()

    elif preset in ("fig4", "width"):
        series = {}
        hist_rows = []
        for folder, cfg, name in grids:
            d = parse_group(cfg.group).order
            if preset == "fig4":
                log(f"fig4: d = {d}, {len(cfg.wds)} weight decays × {len(cfg.seeds)} seeds in one batch")
                result, readings = train_grid(cfg, name, out=out / folder, progress=progress)
                groups_ = {f"wd={wd:g}": readings.subset(i for i, s in enumerate(result.runs) if s.wd == wd)
                           for wd in cfg.wds}
            else:
                log(f"width: d = {d}, q = {cfg.q}")
                _, readings = train_grid(cfg, name, out=out / folder, progress=progress)
                groups_ = {f"q={cfg.q}": readings}
            for label, part in groups_.items():
                by_kind = report_of(part, ["order_histogram"])["order_histogram"]  # orbits per order, per kind
                h = _all_kinds(by_kind)
                mo = _mean(by_kind.get("complex") or {})
                report["rows"].append({"d": d, "setting": label, "mean_order": mo, "histogram": h})
                hist_rows.append((d, label, mo, h))
                series[f"d={d} {label}"] = h
        orders = sorted({o for *_, h in hist_rows for o in h})
        md += [md_table(["d", "setting", "mean order (complex orbits)"] + [f"order {o}" for o in orders],
                         [[d, label, "—" if mo is None else f"{mo:.2f}"] + [h.get(o, 0) for o in orders] for d, label, mo, h in hist_rows]),
               "", "Cells 'order n': number of orbits (all seeds) with n active nodes (|A_kj| ≥ 0.05)."]
        p = figures.order_histogram(out / "order_histogram.png", series, f"orders of trained orbits ({preset})")
        if p:
            report["figures"] = [p.name]
            md += ["", f"![orders]({p.name})"]

    elif preset == "fig3":
        (folder, cfg, name), = grids
        G = parse_group(cfg.group)
        result, readings = train_grid(cfg, name, out=out / folder, progress=progress)
        rec = result.records
        report["rows"] = report_of(readings, ["dynamics"])["dynamics"]  # epochs, seeds and each SP record
        labels = {"sum_re_rkkk": "Σ_k Re r_kkk", "off_diag": "off-diagonal Σ|r|²", "rn_aac": f"per-orbit |Σ ā a c| (seed {seeds[0]})"}
        ser = {}
        for k, lab in labels.items():
            v = np.asarray(rec[k])
            ser[lab] = v[0] if k == "rn_aac" else v.T  # seeds as thin lines
        p = figures.sp_dynamics(out / "sp_dynamics.png", np.asarray(result.epochs), ser, f"{G.spec}: SP dynamics")
        if p:
            report["figures"] = [p.name]
            md += [f"![dynamics]({p.name})"]

    elif preset == "rstar":
        rstar_rows = []
        for folder, cfg, name in grids:
            log(f"rstar: d = {parse_group(cfg.group).order}, q = {cfg.q}, objective {name}")
            result, readings = train_grid(cfg, name, out=out / folder, progress=progress)
            an = readings.analyses
            orders = [[o.order for o in a.orbits] if a is not None else None for a in an]
            hist = _all_kinds(report_of(readings, ["order_histogram"])["order_histogram"])
            report["rows"].append({"objective": name, "orders": orders, "histogram": hist})
            for sd, o in zip([r.seed for r in result.runs], orders):  # the runs trained (a failed shard leaves gaps)
                rstar_rows.append([name, sd] + (["diverged"] if o is None else [" ".join(map(str, o))]))

    if preset == "rstar":
        md += [md_table(["objective", "seed", "order of each orbit (k = 1, 2, 3)"], rstar_rows), "",
               "sp: the loss in SP form; sp-no-rstar: the same without the R_* terms. The paper: every orbit ends with 6 "
               "nodes, and with 3 (z_syn-like) without R_*."]
    report["seconds"] = time.perf_counter() - t0
    write_json(out / "report.json", report)
    write_text(out / "report.md", "\n".join(md) + "\n")
    return report
