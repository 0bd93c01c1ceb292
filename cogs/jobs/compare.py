"""The main job: construct, train, analyse and compare (``cogs compare``, ``cogs.compare``).

For a group G it

1. constructs global solutions with the solver (strategies f6, f46, auto and — when d² is
   affordable — memorize), each certified by the exact loss, and records order, loss and
   the balanced weight norm ‖W‖² (what weight decay sees);
2. trains the seeds in one batch (docs/paper.md setup: Adam, coupled L2 weight decay, full batch,
   90/10 split, reference-compatible seeding by default) recording the SP dynamics;
3. analyses every trained network (orders per orbit by both activity rules, the exact
   pairing search, the paper's reading of each factorable orbit, CoGS's registry reading
   beside it) and computes the paper's Table 2 (mean ± standard error over seeds);
4. returns a :class:`CompareReport` (report.json's dict, the constructed networks, the runs)
   and, given a folder, writes DIR/report.json (every number), DIR/report.md (tables), PNG
   figures, the constructed weights (DIR/constructed/) and the runs (DIR/train/).

In memory (``out=None``) nothing is written: the constructed rows' ``"file"`` is None and
``report["figures"]`` is {} (figures are files), until :meth:`CompareReport.write` saves the
networks, the runs and the figures and fills both in, as ``cogs compare --out`` does.

>>> report = compare("Z5", hidden=8, epochs=3, seeds=1, strategies=["f6", "f46"])
>>> sorted(report.constructed), [r.seed for r in report.runs], report.to_dict()["figures"]
(['f46', 'f6'], [1], {})
>>> [(row["strategy"], row["order"], row["file"]) for row in report.to_dict()["constructed"]]
[('f6', 12, None), ('f46', 10, None)]

Reference: Y. Tian, NeurIPS 2025, arXiv 2410.01779; figures in docs/paper.md.
"""

from __future__ import annotations

import typing

import copy
import os
import time
from pathlib import Path

import attrs

from cogs.jobs.arguments import KEYWORDS, Spelling, integer, real, seed_list
from cogs.jobs.outdir import Outputs, releases_out
from cogs.distributed.runner import KEEP_CHECKPOINTS
from groups import parse_group
from groups import FiniteAbelianGroup
from models.spectrum import DEFAULT_THRESHOLD
from models.training.config import SETUP_FIELDS, TrainConfig

STRATEGIES = ("f6", "f46", "auto", "memorize")


@typing.final
@attrs.frozen
class CompareConfig:
    """Settings of one comparison (defaults: the paper's figure setting, docs/paper.md); numbers
    of any kind (numpy's too) are kept as ints and floats."""

    group: str
    hidden: int = attrs.field(converter=integer, default=512)
    wd: float = attrs.field(converter=real, default=5e-5)
    lr: float = attrs.field(converter=real, default=0.01)
    seeds: tuple[int, ...] = (1, 2, 3, 4, 5)
    epochs: int = attrs.field(converter=integer, default=10000)
    device: str = "auto"
    dtype: str = "float32"
    seeding: str = "reference"
    train_frac: float = attrs.field(converter=lambda x: x if x == "critical" else real(x), default=0.9)
    strategies: tuple[str, ...] = STRATEGIES
    threshold: float = attrs.field(converter=real, default=DEFAULT_THRESHOLD)
    #: the training set-up (docs/training.md): activation, loss, optimizer, momentum, muon,
    #: operands, critical_delta, ridge, task
    setup: dict = attrs.field(factory=dict, converter=lambda x: dict(x or {}))
    #: epochs evaluated (and SP-recorded) besides the final one; None: 0, 1, 2, 4, … and the last
    eval_epochs: tuple | None = attrs.field(default=None, converter=lambda x: None if x is None else tuple(int(e) for e in x))


#: the set-up keywords compare passes to the training (docs/training.md) and their defaults: the
#: training's own, but δ = 0, the critical split's default when train_frac='critical' asks for it
SETUP_DEFAULTS = {**{f.name: f.default for f in attrs.fields(TrainConfig) if f.name in SETUP_FIELDS},
                  "critical_delta": 0.0}


def plan_all(G, strategies) -> dict:
    """{strategy: its :class:`cogs.solver.Plan` or :class:`cogs.solver.Refusal`} for ``G``, in
    the order given: every strategy decided before anything is built or written (an unknown
    name is a ValueError listing the registered ones).

    >>> plans = plan_all(parse_group("Z4"), ["f46", "chain"])
    >>> plans["f46"].order, plans["chain"].reason.split(",")[0]
    (8, 'Z4 has no character of odd order besides 0')
    """
    from cogs.solver import get_strategy, make_plan

    for strategy in strategies:
        get_strategy(strategy)  # every name known before any planning
    return {strategy: make_plan(G, strategy) for strategy in strategies}


def construct_all(plans: dict, *, seed: int, log=None) -> tuple[list[dict], dict]:
    """Build and certify each plan of :func:`plan_all`; a refusal becomes a ``skipped`` row with
    its reason. Returns the report rows (their ``"file"`` None until the networks are written)
    and the networks built, {strategy: :class:`models.network.Network`}."""
    from cogs.solver import Refusal

    rows, networks = [], {}
    for strategy, plan in plans.items():
        if isinstance(plan, Refusal):
            rows.append({"strategy": strategy, "skipped": plan.note})
            continue
        t0 = time.perf_counter()
        network = plan.build(seed)
        cert = network.certificate
        brute = None if cert.brute_force_loss is None else float(cert.brute_force_loss)
        rows.append(
            {
                "strategy": strategy,
                "order": network.order,
                # brute force (exact enumeration) when the certificate has it, else the fast evaluator
                "loss": float(cert.loss) if brute is None else brute,
                "certificate_loss": float(cert.loss),  # computed as loss_method says
                "loss_method": cert.loss_method,
                "brute_force_loss": brute,
                "norm": network.weight_norm2(),
                "file": None,
                "seconds": time.perf_counter() - t0,
                "orbit_generators": sorted({o.name or "+".join(o.generators) for o in cert.orbits} - {""}),
            }
        )
        networks[strategy] = network
        if log is not None:
            log(f"  constructed {strategy:<9} order {network.order:>6}  loss {rows[-1]['loss']:.2e}  "
                f"‖W‖² {rows[-1]['norm']:.1f}")
    return rows, networks


def group_line(G) -> str:
    """What the header line says of the group: orbit counts (finite Abelian groups written as
    Z_n factors) or its irreps (any other group)."""
    c = group_counts(G)
    if "complex_orbits" in c:
        return f"{c['complex_orbits']} complex orbits, {c['real_characters']} real characters"
    kinds = [s.kind for s in G.real_irreps()[1:]]
    dims = ", ".join(str(r["dim"]) for r in c["irreps"])
    return (f"{'Abelian' if c['abelian'] else 'non-Abelian'}, {c['classes']} irreps (degrees {dims}), "
            f"{len(kinds)} non-trivial real irreducibles (R {kinds.count('R')}, C {kinds.count('C')}, H {kinds.count('H')})")


def group_counts(G) -> dict:
    """The report's group keys: orbit counts for a finite Abelian group written as Z_n
    factors (as ever), else ``read_by: irreps``, abelian, classes and the complex irreps'
    degrees and indicators."""
    if isinstance(G, FiniteAbelianGroup):
        s = G.summary()
        return {"complex_orbits": s["complex_orbits"], "real_characters": s["real_characters"]}
    return {"read_by": "irreps", "abelian": G.is_abelian, "classes": len(G.conjugacy_classes()),
            "irreps": [{"dim": r.dim, "indicator": r.indicator} for r in G.irreps()]}


def run_rows(batch, analyses, irreps=None, threshold: float = DEFAULT_THRESHOLD) -> list[dict]:
    """The report rows of the trained runs (:class:`~cogs.jobs.runs.TrainedBatch`), each with
    its per-orbit reading (None for a run that could not be read) or, on a group read by
    irreps, its reading by real irreducibles (``irreps``, one per run)."""
    rows = []
    irreps = list(irreps) if irreps is not None else [None] * len(batch.runs)
    for run, an, reading in zip(batch.runs, analyses, irreps):
        row = {
            "seed": run.seed,
            "lr": run.lr,
            "wd": run.wd,
            "status": run.status,
            "final": dict(run.final),
            "norm": run.network.weight_norm2() if an is not None else None,
        }
        if an is None and reading is not None and not isinstance(batch.group, FiniteAbelianGroup):  # read by irreps
            row["norm"] = run.network.weight_norm2()
            row["active_nodes"] = int(sum(reading.orders[1:]))
            row["irreps"] = reading.to_rows()
        if an is not None:
            row["active_nodes"] = int(sum(o.order for o in an.orbits))
            row["orbits"] = [o.to_dict("compact") for o in an.orbits]
            row["stats"] = {k: v for k, v in an.stats().items() if k != "order_histogram_by_rule"}
        row["marginal_nodes"] = marginal_nodes(run.network, threshold)
        row["unconverged"] = unconverged(row, getattr(getattr(batch, "config", None), "q", None)
                                         or (run.network.q if run.network is not None else 0))
        rows.append(row)
    return rows


#: a run reads as unconverged when its final accuracy (test, else train) is below this, when
#: its final train loss (the MSE) is above UNCONVERGED_LOSS, when more than this share of its
#: nodes is still active (the network has not sparsified), or when some nodes are still near
#: the activity threshold (:func:`marginal_nodes`)
UNCONVERGED_ACCURACY = 0.99
UNCONVERGED_LOSS = 1e-2
UNCONVERGED_ACTIVE_SHARE = 0.9
#: ... or when more than this share of its active nodes lies within a factor 2 of the threshold
UNCONVERGED_MARGINAL_SHARE = 0.05


def marginal_nodes(network, threshold: float = DEFAULT_THRESHOLD) -> int | None:
    """Nodes whose dominant input magnitude lies within a factor 2 of the activity threshold
    (τ/2 ≤ m < 2τ): a converged network has none — weight decay has pulled every node clearly
    above or below it — while one that is still shedding nodes has several, and its orders
    change with training and with τ (None: no network, or no reading)."""
    if network is None or not getattr(network, "q", 0):
        return None
    try:
        from groups import FiniteAbelianGroup

        if isinstance(network.group, FiniteAbelianGroup):
            m = network.spectrum().dominant_magnitude
        else:
            from models.irrep_spectrum import IrrepSpectrum

            m = IrrepSpectrum.from_weights(network).dominant_magnitude
    except (ValueError, TypeError):
        return None
    return int(((m >= threshold / 2) & (m < 2 * threshold)).sum())


def unconverged(row: dict, q: int) -> list[str]:
    """Why a trained run's reading is that of an unfinished network (empty: nothing says so)."""
    final = row.get("final") or {}
    why = []
    marginal, active = row.get("marginal_nodes"), row.get("active_nodes")
    if marginal and marginal > UNCONVERGED_MARGINAL_SHARE * max(1, active or 0):
        why.append(f"{marginal} of its {active} active nodes within a factor 2 of the activity threshold, still on their "
                   "way up or down")
    acc = final.get("test_acc") if final.get("test_acc") is not None else final.get("train_acc")
    if acc is not None and acc < UNCONVERGED_ACCURACY:
        why.append(f"final {'test' if final.get('test_acc') is not None else 'train'} accuracy {acc:.3f}")
    loss = final.get("train_loss")
    if loss is not None and loss > UNCONVERGED_LOSS:
        why.append(f"final train loss {loss:.3g}")
    active = row.get("active_nodes")
    if active is not None and q and active > UNCONVERGED_ACTIVE_SHARE * q:
        why.append(f"{active} of {q} nodes still active")
    return why


CONSTRUCTED, TRAIN = "constructed", "train"


def compare_outputs() -> Outputs:
    """Every entry `cogs compare` writes at the top of --out: its reports, the constructed
    networks, the training, and each registered analysis's figure files; a resume keeps the
    training's checkpoints."""
    from cogs.reports import outputs_of

    return Outputs("compare", ("report.json", "report.md", CONSTRUCTED, TRAIN) + outputs_of(),
                   keep=(f"{TRAIN}/checkpoints",))


@typing.final
@attrs.frozen(repr=False, eq=False)
class CompareReport:
    """What a comparison found: its ``config`` (:class:`CompareConfig`), the ``constructed``
    networks ({strategy: :class:`models.network.Network`}), the trained ``batch``
    (:class:`~cogs.jobs.runs.TrainedBatch`; :attr:`runs`) and the ``folder`` it was written
    to (as given; None in memory). :meth:`to_dict` is report.json."""

    config: CompareConfig
    constructed: dict
    batch: typing.Any
    _doc: dict
    _readings: typing.Any
    folder: str | None = None

    @property
    def runs(self) -> tuple:
        """The trained runs (:class:`~cogs.jobs.runs.Run`), in seed order."""
        return self.batch.runs

    def to_dict(self) -> dict:
        """report.json (a copy): the group, the config, the constructed and trained rows, every
        registered analysis's keys, timings and figures."""
        return copy.deepcopy(self._doc)

    def summary(self) -> str:
        """What ``cogs compare`` prints: per seed and orbit, Table 2 beside the paper's, and
        constructed vs trained; then where the report went and how long it took."""
        from cogs.reports.markdown import summary_text

        doc, lines = self._doc, ["", summary_text(self._doc), ""]
        for row in doc.get("runs", []):
            if row.get("unconverged"):
                lines.append(f"warning: seed {row['seed']} looks unconverged ({'; '.join(row['unconverged'])}): its orders "
                             f"are those of an unfinished network — train longer (--epochs)")
        if self.folder is not None:
            figures = ", ".join(doc.get("figures", {}).values()) or "none (matplotlib missing)"
            lines.append(f"report: {self.folder}/report.md, {self.folder}/report.json; figures: {figures}")
        lines.append(f"total {doc['timings']['total_s']:.1f} s (train {doc['timings']['train_s']:.1f} s)")
        return "\n".join(lines)

    def write(self, folder, *, overwrite: bool = False) -> "CompareReport":
        """Write the comparison into ``folder`` as ``cogs compare --out`` does (a folder holding
        an earlier comparison is refused unless ``overwrite``); the report as written."""
        from cogs.jobs.outdir import prepare_out, release_out

        prepare_out(folder, compare_outputs(), overwrite=overwrite, can_resume=False)
        try:
            return self._written(folder)
        finally:
            release_out(folder)

    def _written(self, folder) -> "CompareReport":
        from cogs.reports import figures, figures_of
        from cogs.reports.markdown import write_markdown
        from models.atomic import write_json

        t0 = time.perf_counter()
        root = Path(folder)
        doc = copy.deepcopy(self._doc)
        constructed = {}
        for row in doc["constructed"]:
            network = self.constructed.get(row["strategy"])
            if network is not None:
                path = network.save(root / CONSTRUCTED / f"{row['strategy']}.npz")
                constructed[row["strategy"]] = network.evolve(path=str(path))
                row["file"] = str(path.relative_to(root))
        batch = self.batch.write(root / TRAIN)
        timings = doc["timings"]
        total = timings.pop("total_s")
        del doc["figures"]
        t_figures = time.perf_counter()
        drawn = figures_of(self._readings, doc, root, figures)
        timings["figures_s"] = time.perf_counter() - t_figures
        timings["total_s"] = total + time.perf_counter() - t0
        doc["figures"] = drawn
        write_json(root / "report.json", doc)
        write_markdown(root / "report.md", doc)
        return attrs.evolve(self, constructed=constructed, batch=batch, doc=doc, folder=os.fspath(folder))

    def __repr__(self) -> str:
        where = "in memory" if self.folder is None else f"-> {self.folder}"
        return (f"CompareReport({self.config.group}: {len(self.constructed)} construction(s), {len(self.runs)} run(s), "
                f"{where})")


@releases_out
def compare(group, out=None, *, hidden: int = 512, wd: float = 5e-5, lr: float = 0.01, seeds=(1, 2, 3, 4, 5),
            epochs: int = 10000, device: str = "auto", dtype: str = "float32", seeding: str = "reference",
            train_frac: float = 0.9, strategies=STRATEGIES, threshold: float = DEFAULT_THRESHOLD,
            resume: bool = False, overwrite: bool = False, keep_checkpoints: int | None = KEEP_CHECKPOINTS,
            runner=None, progress=None, log=None, train_log=None, spelling: Spelling = KEYWORDS,
            eval_epochs=None, **setup) -> CompareReport:
    """Construct, train, analyse and compare on ``group`` (see the module doc); the
    :class:`CompareReport`.

    ``out=None``: in memory (nothing written, no checkpoint kept). With a folder: what
    ``cogs compare --out`` writes; the training checkpoints into DIR/train/checkpoints, and a
    folder holding an earlier comparison is refused unless ``overwrite`` or ``resume``
    (continue the training from its newest checkpoint, checked before anything is deleted;
    ``spelling`` names these options in a refusal, :mod:`cogs.jobs.arguments`).
    ``strategies``: constructions (:data:`cogs.solver.STRATEGIES`; a list or 'f6,f46' text),
    each planned before the folder is touched: one that refuses the group is a ``skipped`` row
    with its reason. ``seeds``: one, a list or text ('1-5'). ``runner`` trains the seeds
    (:mod:`cogs.distributed.runner`); None: one batch here, keeping ``keep_checkpoints``
    checkpoints (None: all) and telling ``train_log`` where a resume starts. ``progress``:
    callable ``(epochs_done, epochs_total)``; ``log``: the phase lines. ``eval_epochs``: the
    epochs evaluated and SP-recorded (a list or '0,100,200' text; None: 0, 1, 2, 4, … and the
    last), for denser SP-dynamics curves. ``setup``: the training
    set-up keywords of :func:`cogs.train` (``activation``, ``loss``, ``optimizer``, ``momentum``,
    ``muon``, ``operands``, ``critical_delta`` with ``train_frac='critical'``, ``ridge``,
    ``task``; docs/training.md): the constructions stay the quadratic network's, the orbit and
    irrep readings read the trained input layers.

    >>> import cogs
    >>> report = cogs.compare("Z5", hidden=16, epochs=20, seeds=[1, 2], strategies=["f46", "auto"])
    >>> [(c["strategy"], c["order"]) for c in report.to_dict()["constructed"]], len(report.runs)   # auto: the chain, 2(d − 1)
    ([('f46', 10), ('auto', 8)], 2)
    >>> report.write  # doctest: +ELLIPSIS
    <bound method CompareReport.write of CompareReport(Z5: 2 construction(s), 2 run(s), in memory)>"""
    from cogs.jobs.outdir import prepare_out
    from cogs.distributed.runner import job_runner
    from cogs.jobs.runs import TrainedBatch
    from cogs.generators.scope import current_registry
    from cogs.reports import Readings, report_of
    from models.training import resolve_device

    t_start = time.perf_counter()
    G = parse_group(group)
    if isinstance(strategies, str):
        strategies = [s.strip() for s in strategies.split(",") if s.strip()]
    strategies = tuple(strategies)
    unknown = sorted(set(setup) - set(SETUP_DEFAULTS))
    if unknown:
        raise TypeError(f"compare() got unexpected keyword argument(s) {', '.join(unknown)}")
    setup = {**SETUP_DEFAULTS, **setup}
    if isinstance(train_frac, str) and train_frac.strip().lower() == "critical":
        train_frac = "critical"
    if isinstance(eval_epochs, str):
        from models.training import parse_ints

        eval_epochs = parse_ints(eval_epochs, "eval epoch") if eval_epochs.strip() else None
    cfg = CompareConfig(group=G.spec, hidden=hidden, wd=wd, lr=lr, seeds=seed_list(seeds), epochs=epochs, device=device,
                        dtype=dtype, seeding=seeding, train_frac=train_frac, strategies=strategies,
                        threshold=threshold, setup=setup, eval_epochs=eval_epochs)
    plans = plan_all(G, cfg.strategies)  # unknown names refused, refusals known, before the folder is touched
    critical = cfg.train_frac == "critical"
    if setup["critical_delta"] and not critical:
        raise ValueError(f"{spelling.option('critical_delta')} applies to {spelling.given('train_frac', 'critical')}")
    kw = {k: v for k, v in setup.items() if k != "critical_delta"}
    tcfg = TrainConfig(
        group=G.spec, q=cfg.hidden, epochs=cfg.epochs, lrs=(cfg.lr,), wds=(cfg.wd,), seeds=cfg.seeds,
        train_frac=0.9 if critical else cfg.train_frac, seeding=cfg.seeding, device=cfg.device, dtype=cfg.dtype,
        # the SP dynamics are read in characters, of the quadratic MSE network
        record_sp=isinstance(G, FiniteAbelianGroup) and setup == SETUP_DEFAULTS,
        critical_delta=setup["critical_delta"] if critical else None, eval_epochs=cfg.eval_epochs, **kw,
    )  # validates everything before any work
    runner = job_runner(runner, resume=resume, keep_checkpoints=keep_checkpoints, log=train_log)
    device = resolve_device(tcfg.device)
    runner.check(tcfg)  # e.g. over the limits: refused before the output folder is touched
    checkpoint_dir = None if out is None else Path(out) / TRAIN / "checkpoints"
    parts = [] if out is None else [(None, runner.checkpoint_places(tcfg, None, checkpoint_dir))]
    prepare_out(out, compare_outputs(), overwrite=overwrite, resume=resume, parts=parts, spelling=spelling)
    say = log or (lambda line: None)
    timings = {}

    summary = G.summary()
    say(f"cogs compare {summary['group']}: d = {summary['order']}, {group_line(G)}")
    t0 = time.perf_counter()
    constructed, networks = construct_all(plans, seed=min(cfg.seeds), log=log)
    timings["construct_s"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    say(f"  training {len(cfg.seeds)} seed(s), q = {cfg.hidden}, wd = {cfg.wd:g}, {cfg.epochs} epochs on {device} (one batch)")
    result = runner.train(tcfg, checkpoint_dir=checkpoint_dir, progress=progress)
    timings["train_s"] = time.perf_counter() - t0
    batch = TrainedBatch.of(G, tcfg, result)

    t0 = time.perf_counter()
    readings = Readings.from_batch(batch, threshold=cfg.threshold, config=attrs.asdict(cfg),
                                    constructed=networks)  # each run read once
    report = {
        "group": summary["group"],
        "d": summary["order"],
        **group_counts(G),
        "config": attrs.asdict(cfg) | {"device": str(device)},
        # the generators registered when it ran (a user's own among them): what the
        # constructions were built from and the registry reading names families by
        "generators": current_registry().names(),
        "constructed": constructed,
        "runs": run_rows(batch, readings.analyses,
                         None if isinstance(G, FiniteAbelianGroup) else readings.irrep_readings, cfg.threshold),
    }
    report.update(report_of(readings))  # every registered analysis (cogs.reports)
    timings["analyse_s"] = time.perf_counter() - t0
    timings["total_s"] = time.perf_counter() - t_start
    report["timings"] = timings
    report["figures"] = {}
    compared = CompareReport(cfg, networks, batch, report, readings)
    return compared if out is None else compared._written(out)
