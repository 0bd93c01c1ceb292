"""Sweeps: the paper's experiments and any registered preset (``cogs sweep``, ``cogs.sweep``).

:data:`PRESETS` maps each name to its :class:`~cogs.jobs.preset.Preset`, in registration
order: the paper's table2, fig4, width, fig3 and rstar (:mod:`cogs.jobs.paper_presets`), then
any added with :func:`register_preset`. :func:`sweep` trains a preset's grids, one batch each
(or through a ``runner``, :mod:`cogs.distributed.runner`), reads every run and returns a
:class:`SweepReport`: report.json's dict, report.md's text and the runs — in memory
(``out=None``) or written to ``out`` as ``cogs sweep --out`` writes them (each grid's runs
with their checkpoints in DIR/<grid>/, DIR/report.json, DIR/report.md, figures).

>>> from models.training import TrainConfig
>>> from cogs.jobs.preset import Grid, Preset
>>> class Tiny(Preset):
...     name, summary, outputs = "tiny", "Z5 at q = 8, two weight decays", ("Z5",)
...     def grids(self, *, scale, epochs, seeds, device, dtype):
...         return [Grid("Z5", TrainConfig(group="Z5", q=8, epochs=epochs, wds=(0.0, 1e-4), seeds=seeds, device=device))]
...     def rows(self, trained):
...         return [{"wd": r.wd, "test_acc": r.final["test_acc"]} for t in trained for r in t.batch.runs]
...     def markdown(self, trained, rows, figures):
...         return [f"{len(rows)} runs"]
>>> _ = register_preset(Tiny())
>>> report = sweep("tiny", epochs=3, seeds=(1,), device="cpu")
>>> [row["wd"] for row in report.to_dict()["rows"]], report.markdown().splitlines()[0]
([0.0, 0.0001], '# cogs sweep tiny (cpu scale)')
>>> _ = unregister_preset("tiny")
"""

from __future__ import annotations

import copy
import os
import time
import typing
from pathlib import Path

import attrs

from cogs.jobs.arguments import KEYWORDS, Spelling, integer, seed_list
from cogs.jobs.outdir import Outputs, releases_out
from cogs.jobs.group_presets import IRREPS
from cogs.jobs.paper_presets import FIG3, FIG4, RSTAR, TABLE2, WIDTH
from cogs.jobs.preset import Grid, Preset, TrainedGrid
from models.training.config import SETUP_FIELDS
from models.named_registry import NamedRegistry
from cogs.distributed.runner import KEEP_CHECKPOINTS

SEEDS = (1, 2, 3, 4, 5)


PRESETS = NamedRegistry("preset", Preset, (TABLE2, FIG4, WIDTH, FIG3, RSTAR, IRREPS), doc="""The registered sweep presets
by name, in registration order: the paper's table2, fig4, width, fig3 and rstar (the order
``cogs sweep --help`` lists), then those added with :func:`register_preset` (a read-only
mapping; iterating it gives the names).

>>> import cogs
>>> list(cogs.PRESETS), cogs.PRESETS["fig4"].summary.split(":")[0]
(['table2', 'fig4', 'width', 'fig3', 'rstar', 'irreps'], 'order histograms per weight decay (1e-5 … 5e-4)')
""")
__test__ = {"PRESETS": PRESETS.__doc__}


def register_preset(preset: Preset) -> Preset:
    """Add ``preset`` (a :class:`~cogs.jobs.preset.Preset` instance with a new name) to
    :data:`PRESETS`; ``cogs sweep --preset`` and :func:`sweep` take it from then on. Returns it
    (docs/extending.md, "Adding a sweep preset", writes one; here the paper's ``rstar``
    registered again under another name).

    >>> import copy
    >>> import cogs
    >>> from cogs.jobs.sweep import unregister_preset
    >>> mine = copy.copy(cogs.PRESETS["rstar"])
    >>> mine.name = "rstar_again"
    >>> _ = cogs.register_preset(mine)
    >>> list(cogs.PRESETS)[-1], cogs.sweep("rstar_again", epochs=2, seeds=[1]).to_dict()["preset"]
    ('rstar_again', 'rstar_again')
    >>> _ = unregister_preset("rstar_again")
    """
    return PRESETS.register(preset)


def unregister_preset(name: str) -> Preset:
    """Remove the preset called ``name``; returns it."""
    return PRESETS.unregister(name)


def get_preset(preset) -> Preset:
    """The registered preset called ``preset`` (a Preset instance is taken as it is)."""
    return preset if isinstance(preset, Preset) else PRESETS.lookup(preset)


def sweep_outputs(preset: Preset | None = None, grids=()) -> Outputs:
    """What `cogs sweep` writes at the top of --out, any preset: the reports, the grid folders
    (each with its checkpoints) and figures of every registered preset and of ``preset``, and
    the shards' checkpoints of a sharded sweep; a resume keeps the checkpoints.

    ``grids``: those ``preset`` trains into the folder; each one's folder must be among its
    outputs (a ValueError saying so otherwise), so that a later sweep knows it for its own."""
    presets = list(PRESETS.values()) + ([] if preset is None else [preset])
    owned = ("report.json", "report.md", "shards") + tuple(o for p in presets for o in p.outputs)
    outputs = Outputs("sweep", tuple(dict.fromkeys(owned)), keep=("*/checkpoints", "shards"))
    undeclared = [g.folder for g in grids if not outputs.owns(g.folder)]
    if undeclared:
        raise ValueError(f"preset {preset.name!r} trains into {undeclared[0]}/, which its outputs do not name: add "
                         f"the folder (or a pattern of it) to {type(preset).__name__}.outputs")
    return outputs


def sweep_epochs(epochs, spelling: Spelling = KEYWORDS) -> int:
    """``epochs`` as an int ≥ 1 (a sweep trains; numpy's integers too), else a ValueError naming
    the option as ``spelling`` spells it."""
    epochs = integer(epochs)
    if not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"{spelling.option('epochs')} must be ≥ 1, got {epochs}")
    return epochs


#: the set-up keywords a sweep passes to every grid (docs/training.md; its presets fix the split)
SETUP_KEYS = tuple(k for k in SETUP_FIELDS if k != "critical_delta")


def sweep_grids(preset, *, scale: str = "cpu", epochs: int = 10000, seeds=SEEDS, device="auto",
                dtype="float32", group=None, spelling: Spelling = KEYWORDS, **setup) -> list[Grid]:
    """``[(folder, TrainConfig, objective name), …]``: the grids :func:`sweep` trains, in order,
    with the folder of --out each one's runs go to. ``epochs``: an integer ≥ 1
    (:func:`sweep_epochs`); ``seeds``: one, a list or text ('1-5'); ``group``: the group of a
    preset that takes one (``takes_group``; None: its default), refused for the others.
    ``setup``: training set-up keywords (:data:`SETUP_KEYS`, docs/training.md) applied to every
    grid; a preset that needs the paper's set-up (SP dynamics, the SP objectives) refuses others."""
    unknown = sorted(set(setup) - set(SETUP_KEYS))
    if unknown:
        raise TypeError(f"unexpected keyword argument(s) {', '.join(unknown)}")
    preset = get_preset(preset)
    extra = {}
    if group is not None:
        if not preset.takes_group:
            takers = [p.name for p in PRESETS.values() if p.takes_group]
            raise ValueError(f"preset {preset.name!r} trains its own groups; {spelling.option('group')} is read by "
                             f"{', '.join(takers) or 'no registered preset'}")
        extra["group"] = group
    grids = list(preset.grids(scale=scale, epochs=sweep_epochs(epochs, spelling), seeds=seed_list(seeds),
                              device=device, dtype=dtype, **extra))
    if setup:
        grids = [g._replace(config=attrs.evolve(g.config, **setup)) for g in grids]
        for g in grids:
            if g.objective != "mse" and not g.config.paper_setup:
                raise ValueError(f"preset {preset.name!r} trains the SP objective {g.objective!r}, which needs the "
                                 "paper's set-up (sqr, mse, adam or sgd without momentum)")
    return grids


def check_sweep(preset, out, *, scale: str = "cpu", epochs: int = 10000, seeds=SEEDS, device="auto",
                dtype="float32", group=None, overwrite: bool = False, resume: bool = False,
                spelling: Spelling = KEYWORDS, **setup) -> list[Grid]:
    """Everything a sweep refuses before it starts, touching nothing: ``epochs``, ``seeds``,
    ``scale`` (:func:`sweep_grids`), a grid folder the preset's outputs do not name
    (:func:`sweep_outputs`) and a folder in use without ``overwrite`` or ``resume``
    (:func:`cogs.jobs.outdir.check_out`); the grids. :func:`sweep` asks it first, ``cogs sweep``
    before a backend starts; refusals name the options as ``spelling`` spells them."""
    from cogs.jobs.outdir import check_out

    preset = get_preset(preset)
    grids = sweep_grids(preset, scale=scale, epochs=epochs, seeds=seeds, device=device, dtype=dtype, group=group,
                        spelling=spelling, **setup)
    outputs = None if out is None else sweep_outputs(preset, grids)
    check_out(out, outputs, overwrite=overwrite, resume=resume, spelling=spelling)
    return grids


def _values(name: str, values) -> str:
    """'name = v' for one value, 'name ∈ {a, b}' for several (numbers as %g, 5e-5 not 5e-05)."""
    fmt = [f"{v:g}".replace("e-0", "e-").replace("e+0", "e+") if isinstance(v, float) else str(v) for v in values]
    return f"{name} = {fmt[0]}" if len(fmt) == 1 else f"{name} ∈ {{{', '.join(fmt)}}}"


def _unique(xs) -> list:
    return list(dict.fromkeys(xs))


def _setup_line(grids) -> str:
    """The set-up the preset trains, read off its grids and stated at the top of its report."""
    from groups import FiniteAbelianGroup, parse_group

    cfgs = [cfg for _, cfg, _ in grids]
    groups = [parse_group(c.group) for c in cfgs]
    ds = _unique(G.order for G in groups)
    named = "Z_d" if all(isinstance(G, FiniteAbelianGroup) and len(G.moduli) == 1 for G in groups) \
        else ", ".join(_unique(G.spec for G in groups))
    parts = [_values("d", ds), _values("q", _unique(c.q for c in cfgs)),
             _values("wd", _unique(w for c in cfgs for w in c.wds))]
    seeds = _unique(s for c in cfgs for s in c.seeds)
    lrs = _unique(x for c in cfgs for x in c.lrs)
    paper = all(c.paper_setup and c.optimizer == "adam" for c in cfgs)
    if paper:
        trained = f"Adam {_values('lr', lrs)}"
    else:
        c = cfgs[0]
        trained = (f"activation {c.activation}, loss {c.loss}, {c.optimizer}"
                   f"{f' (momentum {c.momentum:g})' if c.momentum else ''} {_values('lr', lrs)}"
                   f"{f', {c.operands} operands' if c.operands != 2 else ''}{f', ridge {c.ridge:g}' if c.ridge else ''}"
                   f"{f', task {c.task}' if c.task else ''}")
    return (f"Set-up: {named} with {', '.join(parts)}, seeds {', '.join(map(str, seeds))}, "
            f"{', '.join(str(e) for e in _unique(c.epochs for c in cfgs))} epochs, {trained}, "
            f"{', '.join(_unique(c.dtype for c in cfgs))}, the paper's seeding and 90/10 split.")


@typing.final
@attrs.frozen(repr=False, eq=False)
class SweepReport:
    """What a sweep found: ``preset``, ``scale``, the ``trained`` grids
    (:class:`~cogs.jobs.preset.TrainedGrid`), the ``figures`` drawn (file names; none in
    memory) and the ``folder`` it was written to (as given; None in memory).
    :meth:`to_dict` is report.json, :meth:`markdown` report.md."""

    preset: Preset
    scale: str
    trained: tuple[TrainedGrid, ...]
    _doc: dict
    figures: tuple[str, ...] = ()
    folder: str | None = None

    @property
    def runs(self) -> dict:
        """{grid folder: the grid's runs (:class:`~cogs.jobs.runs.Run`)}."""
        return {t.grid.folder: t.batch.runs for t in self.trained}

    def to_dict(self) -> dict:
        """report.json: preset, scale, epochs, seeds, the preset's rows, the training set-up,
        the figures (when drawn) and the seconds it took."""
        doc = copy.deepcopy(self._doc)
        seconds = doc.pop("seconds")
        if self.trained:  # the training set-up of its grids (docs/training.md)
            from cogs.jobs.runs import training_setup

            doc["setup"] = training_setup(self.trained[0].grid.config)
        if self.figures:
            doc["figures"] = list(self.figures)
        doc["seconds"] = seconds
        return doc

    def markdown(self) -> str:
        """report.md: the title, the set-up and the preset's body."""
        grids = [t.grid for t in self.trained]
        lines = [f"# cogs sweep {self.preset.name} ({self.scale} scale)", "", _setup_line(grids), ""]
        lines += self.preset.markdown(self.trained, self._doc["rows"], self.figures)
        return "\n".join(lines) + "\n"

    def summary(self) -> str:
        """What ``cogs sweep`` prints: report.md and the time it took (and where it went)."""
        where = "" if self.folder is None else f" -> {self.folder}"
        return f"{self.markdown()}\n{self.preset.name}: {self._doc['seconds']:.1f} s{where}"

    def write(self, folder, *, overwrite: bool = False) -> "SweepReport":
        """Write every grid's runs, the figures, report.json and report.md into ``folder`` (a
        folder holding an earlier sweep is refused unless ``overwrite``, and so is a preset
        training into a folder its outputs do not name); the report as written."""
        from cogs.jobs.outdir import prepare_out

        outputs = sweep_outputs(self.preset, [t.grid for t in self.trained])
        from cogs.jobs.outdir import release_out

        prepare_out(folder, outputs, overwrite=overwrite, can_resume=False)
        try:
            trained = tuple(attrs.evolve(t, batch=t.batch.write(Path(folder) / t.grid.folder)) for t in self.trained)
            return attrs.evolve(self, trained=trained)._report_written(folder)
        finally:
            release_out(folder)

    def _report_written(self, folder) -> "SweepReport":
        from models.atomic import write_json, write_text

        t0 = time.perf_counter()
        drawn = self.preset.figures(self.trained, self._doc["rows"], Path(folder))
        doc = dict(self._doc, seconds=self._doc["seconds"] + time.perf_counter() - t0)
        written = attrs.evolve(self, doc=doc, figures=tuple(p.name for p in drawn), folder=os.fspath(folder))
        write_json(Path(folder) / "report.json", written.to_dict())
        write_text(Path(folder) / "report.md", written.markdown())
        return written

    def __repr__(self) -> str:
        runs = sum(len(t.batch.runs) for t in self.trained)
        where = "in memory" if self.folder is None else f"-> {self.folder}"
        return f"SweepReport({self.preset.name}, {self.scale} scale: {len(self.trained)} grid(s), {runs} run(s), {where})"


@releases_out
def sweep(preset, out=None, *, scale: str = "cpu", epochs: int = 10000, seeds=SEEDS, device: str = "auto",
          dtype: str = "float32", group=None, resume: bool = False, overwrite: bool = False,
          keep_checkpoints: int | None = KEEP_CHECKPOINTS, runner=None, progress=None, log=None,
          train_log=None, spelling: Spelling = KEYWORDS, **setup) -> SweepReport:
    """Run ``preset`` (a name of :data:`PRESETS`, or a Preset); the :class:`SweepReport`.

    ``out=None``: in memory — nothing written, no checkpoint kept, no figure drawn
    (:meth:`SweepReport.write` writes them later). With a folder: what ``cogs sweep --out``
    writes; each grid checkpoints into DIR/<grid>/checkpoints (or wherever ``runner`` puts
    them) and its runs are written as soon as it has trained. A folder holding an earlier sweep
    is refused unless ``overwrite`` or ``resume`` (continue every grid from its newest
    checkpoint; grids that finished are not trained again; refused before anything is deleted
    when the checkpoints do not fit: :func:`cogs.jobs.outdir.prepare_out`); :func:`check_sweep`
    lists what is refused before anything starts, naming the options as ``spelling`` spells them.
    ``epochs``: an integer ≥ 1; ``seeds``: one, a list or text ('1-5'); ``group``: the group of
    a preset that takes one (``irreps``: any finite group). ``setup``: the training set-up
    keywords of :func:`cogs.train` (activation, loss, optimizer, momentum, muon, operands, ridge,
    task; docs/training.md) for every grid.

    ``runner``: what trains each grid (:mod:`cogs.distributed.runner`; its ``prefetch`` hears
    of every grid up front); None: one batch per grid here, keeping ``keep_checkpoints``
    checkpoints (None: all) and telling ``train_log`` where a resume starts. ``progress``:
    callable ``(epochs_done, epochs_total)`` per grid; ``log``: the lines a preset says before
    each grid.

    >>> import cogs
    >>> report = cogs.sweep("rstar", epochs=5, seeds=1)   # Z7, q = 20, the SP loss with and without R_*
    >>> [row["objective"] for row in report.to_dict()["rows"]]
    ['sp', 'sp-no-rstar']"""
    from cogs.jobs.outdir import prepare_out
    from cogs.distributed.runner import job_runner
    from cogs.jobs.runs import TrainedBatch
    from cogs.reports import Readings
    from cogs.sp.objectives import make_objective
    from groups import parse_group

    preset = get_preset(preset)
    epochs, seeds = sweep_epochs(epochs, spelling), seed_list(seeds)
    grids = check_sweep(preset, out, scale=scale, epochs=epochs, seeds=seeds, device=device, dtype=dtype, group=group,
                        overwrite=overwrite, resume=resume, spelling=spelling, **setup)
    runner = job_runner(runner, resume=resume, keep_checkpoints=keep_checkpoints, log=train_log)
    for grid in grids:  # e.g. one batch over the limits: refused before the folder is touched
        runner.check(grid.config)
    if out is not None:
        # the only place a sweep deletes: after every check, before any grid trains
        places = [runner.checkpoint_places(g.config, g.objective, Path(out) / g.folder / "checkpoints") for g in grids]
        prepare_out(out, sweep_outputs(preset, grids), overwrite=overwrite, resume=resume,
                    parts=[(g.folder, p) for g, p in zip(grids, places)], spelling=spelling)
    runner.prefetch([(g.config, g.objective) for g in grids])  # a parallel runner starts every grid at once
    t0 = time.perf_counter()
    trained = []
    for grid in grids:
        line = preset.announce(grid)
        if line is not None and log is not None:
            log(line)
        G = parse_group(grid.config.group)
        checkpoint_dir = None if out is None else Path(out) / grid.folder / "checkpoints"
        result = runner.train(grid.config, objective=make_objective(grid.objective, G), checkpoint_dir=checkpoint_dir,
                              progress=progress)
        batch = TrainedBatch.of(G, grid.config, result)
        if out is not None:
            batch = batch.write(Path(out) / grid.folder)
        trained.append(TrainedGrid(grid, batch, Readings.from_batch(batch)))  # the default activity threshold
    trained = tuple(trained)
    doc = {"preset": preset.name, "scale": scale, "epochs": epochs, "seeds": list(seeds), "rows": preset.rows(trained)}
    if group is not None:
        doc["group"] = parse_group(group).spec
    doc["seconds"] = time.perf_counter() - t0
    report = SweepReport(preset, scale, trained, doc)
    return report if out is None else report._report_written(out)
