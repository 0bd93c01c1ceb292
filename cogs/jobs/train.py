"""The training job (``cogs train``): a batch of quadratic networks of one group and width,
runs = seeds × weight decays × learning rates, trained together (docs/paper.md: full-batch
Adam with coupled L2 weight decay; ``optimizer="sgd"``: plain gradient descent).

:func:`train` is the front door (``cogs.train``): it returns the trained :class:`~cogs.jobs.runs.Run`
values, in memory (``out=None``: no file is written, no checkpoint kept) or written to ``out``
as ``cogs train --out`` writes them (DIR/<run>/{weights.npz, metrics.json, config.json},
DIR/summary.json, checkpoints in DIR/checkpoints). It is :func:`train_config` (the validated
:class:`models.training.TrainConfig`) followed by :func:`train_job` (the batch trained, a
:class:`~cogs.jobs.runs.TrainedBatch`), the two steps the command line takes.

>>> runs = train("Z5", hidden=8, epochs=3, seeds=[1, 2])
>>> [(r.seed, r.network.order, r.folder) for r in runs]
[(1, 8, None), (2, 8, None)]
>>> [m["epoch"] for m in runs[0].metrics], runs[0].config["seeding"], runs[0].network.meta["status"]
([0, 1, 2, 3], 'default', 'ok')
"""

from __future__ import annotations

import os
from pathlib import Path

from cogs.jobs.arguments import KEYWORDS, Spelling, integer, number_list, seed_list
from cogs.jobs.outdir import Outputs, releases_out
from cogs.distributed.runner import KEEP_CHECKPOINTS
from cogs.jobs.runs import BATCH_OUTPUTS

#: what `cogs train` writes at the top of its --out; a resume keeps the checkpoints
TRAIN_OUTPUTS = Outputs("train", BATCH_OUTPUTS, keep=("checkpoints",))


def train_config(group, hidden: int | None = None, epochs: int = 10000, seeds=1, lr=0.01, wd=5e-5, *,
                 train_frac=0.9, seeding: str = "default", eval_epochs=None, init=None, device: str = "auto",
                 dtype: str = "float32", optimizer: str = "adam", record_sp: bool = False, compile: bool = False,
                 activation: str = "sqr", loss: str = "mse", momentum: float = 0.0, muon: str = "script",
                 operands: int = 2, critical_delta: float = 0.0, ridge: float | None = None, task: str | None = None,
                 spelling: Spelling = KEYWORDS):
    """``(TrainConfig, init network or None)``: the job :func:`train` trains, validated
    (a ValueError naming the bad value). ``init``: a weights file (read here) or a
    :class:`models.network.Network`; its width is the default of ``hidden`` (else 512).
    ``seeds``, ``lr``, ``wd`` and ``eval_epochs`` take one value, a list or text ('1-5', '1e-5,1e-4');
    numbers of any kind (numpy's too). ``train_frac``: a fraction, or 'critical' (the split at
    the critical ratio, shifted by ``critical_delta``). The set-up — ``activation``, ``loss``,
    ``optimizer``, ``momentum``, ``muon``, ``operands``, ``ridge``, ``task`` — is
    :class:`models.training.TrainConfig`'s (docs/training.md). ``spelling``: how an error names
    the options (:mod:`cogs.jobs.arguments`; ``cogs train`` passes its flags)."""
    from groups import parse_group
    from models.network import Network, load_npz
    from models.training import TrainConfig, parse_ints

    G = parse_group(group)
    network = None
    if init is not None:
        if isinstance(init, (str, os.PathLike)):
            network = load_npz(init, group=G)
        elif isinstance(init, Network):
            network = init
        else:
            raise TypeError(f"init must be a weights file or a Network, got {type(init).__name__}")
    q = None if hidden is None else integer(hidden)
    if network is not None:
        if q is None:
            q = network.q
        elif q != network.q:
            raise ValueError(f"{spelling.given('hidden', q)} but {network.path or 'the init network'} has {network.q} "
                             "hidden nodes")
    if isinstance(eval_epochs, str):
        eval_epochs = parse_ints(eval_epochs, "eval epoch") if eval_epochs else None
    critical = isinstance(train_frac, str) and train_frac.strip().lower() == "critical"
    if isinstance(train_frac, str) and not critical:
        try:
            train_frac = float(train_frac)
        except ValueError:
            raise ValueError(f"{spelling.given('train_frac', train_frac)}: use a fraction in (0, 1] or 'critical'") from None
    if not critical and critical_delta:
        raise ValueError(f"{spelling.option('critical_delta')} applies to {spelling.given('train_frac', 'critical')}")
    if network is not None and operands != 2:
        raise ValueError(f"an init network has two input matrices; {spelling.option('operands')} {operands} starts from the seeds")
    config = TrainConfig(group=G.spec, q=512 if q is None else q, epochs=epochs,
                         lrs=number_list(lr, "learning rate"), wds=number_list(wd, "weight decay"),
                         seeds=seed_list(seeds), train_frac=0.9 if critical else train_frac, seeding=seeding,
                         eval_epochs=eval_epochs, device=device, dtype=dtype, record_sp=record_sp, optimizer=optimizer,
                         compile=compile, activation=activation, loss=loss, momentum=momentum, muon=muon,
                         operands=operands, critical_delta=critical_delta if critical else None, ridge=ridge, task=task)
    if network is not None and not network.setup.quadratic and (network.setup.activation, network.setup.loss) != (
            config.activation, config.loss):
        raise ValueError(f"the init network was trained with {network.setup.describe()}; train it with the same "
                         f"{spelling.option('activation')} and {spelling.option('loss')}")
    return config, network


def init_label(network) -> str | None:
    """What a run's configuration records as its ``init``: the file the network was read from,
    else a description that depends on nothing but the network's group and order (None: no init).

    >>> import cogs
    >>> init_label(cogs.construct("Z5", strategy="f6")), init_label(None)
    ('in-memory network (Z5, order 12)', None)
    """
    if network is None:
        return None
    return network.path or f"in-memory network ({network.group.spec}, order {network.order})"


@releases_out
def train_job(config, out=None, *, objective: str = "mse", init=None, resume: bool = False, overwrite: bool = False,
              keep_checkpoints: int | None = KEEP_CHECKPOINTS, threads: int | None = None, runner=None, progress=None,
              log=None, spelling: Spelling = KEYWORDS):
    """Train ``config`` (a :class:`models.training.TrainConfig`); the
    :class:`~cogs.jobs.runs.TrainedBatch`, written to ``out`` unless it is None.

    ``objective``: 'mse', 'sp' or 'sp-no-rstar' (:mod:`cogs.sp.objectives`). ``init``: a
    :class:`models.network.Network` (or a weights file) every run starts from. ``runner``: what
    trains the batch (:mod:`cogs.distributed.runner`); None: one batch in this process with
    ``keep_checkpoints`` (None: all), ``threads`` and ``log`` (the trainer's notes).
    ``progress``: callable ``(epochs_done, epochs_total)``.

    With ``out``: a folder holding an earlier job is refused unless ``overwrite`` (start
    afresh) or ``resume`` (continue from the newest checkpoint, checked before anything is
    deleted: :func:`cogs.jobs.outdir.prepare_out`, its refusals naming the options as
    ``spelling`` spells them). The runner is asked to refuse the job (size, device) before the
    folder is touched."""
    from cogs.jobs.outdir import prepare_out
    from cogs.distributed.runner import job_runner
    from cogs.jobs.runs import TrainedBatch
    from cogs.sp.objectives import make_objective
    from groups import parse_group
    from models.network import load_npz

    G = parse_group(config.group)
    if isinstance(init, (str, os.PathLike)):
        init = load_npz(init, group=G)
    if objective != "mse" and not config.paper_setup:
        raise ValueError(f"{spelling.given('objective', objective)} is the quadratic MSE network's; it needs the paper's "
                         "set-up (sqr, mse, two operands, no task or ridge, adam or sgd without momentum)")
    if overwrite and out is not None and getattr(init, "path", None):
        _check_init_outside(Path(init.path), Path(out), spelling)
    runner = job_runner(runner, resume=resume, keep_checkpoints=keep_checkpoints, threads=threads, log=log)
    runner.check(config)
    fn = make_objective(objective, G)
    checkpoint_dir = None if out is None else Path(out) / "checkpoints"
    parts = [] if out is None else [(None, runner.checkpoint_places(config, fn, checkpoint_dir, init))]
    prepare_out(out, TRAIN_OUTPUTS, overwrite=overwrite, resume=resume, parts=parts, spelling=spelling)
    result = runner.train(config, objective=fn, init=init, checkpoint_dir=checkpoint_dir, progress=progress)
    batch = TrainedBatch.of(G, config, result, {"objective": objective, "init": init_label(init)})
    return batch if out is None else batch.write(out)


def _check_init_outside(init: Path, out: Path, spelling: Spelling) -> None:
    """Refuse an --init file that --overwrite would delete (one an earlier job wrote into --out)."""
    from cogs.jobs.outdir import read_manifest

    try:
        rel = init.resolve().relative_to(out.resolve()).as_posix()
    except (ValueError, OSError):
        return
    files, trees = read_manifest(out)
    if rel in files or any(rel.startswith(t + "/") for t in trees):
        raise ValueError(f"{spelling.given('init', init)} is an output of the earlier job in {spelling.given('out', out)}, "
                         f"which {spelling.switch('overwrite')} deletes first; copy it out of the folder, then start from the copy")


def train(group, hidden: int | None = None, epochs: int = 10000, seeds=1, lr=0.01, wd=5e-5, out=None, *,
          train_frac=0.9, seeding: str = "default", eval_epochs=None, init=None, device: str = "auto",
          dtype: str = "float32", optimizer: str = "adam", objective: str = "mse", record_sp: bool = False,
          compile: bool = False, activation: str = "sqr", loss: str = "mse", momentum: float = 0.0,
          muon: str = "script", operands: int = 2, critical_delta: float = 0.0, ridge: float | None = None,
          task: str | None = None, resume: bool = False, overwrite: bool = False,
          keep_checkpoints: int | None = KEEP_CHECKPOINTS, threads: int | None = None, runner=None, progress=None,
          log=None) -> list:
    """Train ``seeds`` × ``wd`` × ``lr`` networks of width ``hidden`` (default 512, or the
    ``init`` network's) on ``group`` for ``epochs`` steps, all in one batch; the runs
    (:class:`~cogs.jobs.runs.Run`: ``.network``, ``.metrics``, ``.config``, …) in the job's
    order (seeds outer, learning rates inner).

    ``out=None`` trains in memory: nothing is written and no checkpoint is kept. A folder
    gets what ``cogs train --out`` writes, and ``resume``/``overwrite`` apply to it (see
    :func:`train_job`). The options are those of ``cogs train`` (docs/cli.md): ``train_frac``,
    ``seeding`` ('default' or 'reference': the paper scripts' init and split), ``eval_epochs``,
    ``init`` (a weights file or a Network), ``device``, ``dtype``, ``optimizer``, ``objective``,
    ``record_sp``, ``compile``, and the set-up (docs/training.md): ``activation``
    (sqr|relu|silu|relusqr), ``loss`` (mse|ce), ``momentum`` (SGD's), ``muon`` ('script' or
    'enhanced'), ``operands`` K, ``train_frac='critical'`` with ``critical_delta``, ``ridge``
    (λ of the ridge output layer), ``task`` (an expression in x, y); ``runner`` trains the batch
    (:mod:`cogs.distributed.runner`), else one batch here with ``keep_checkpoints``,
    ``threads`` and ``log``.

    >>> import cogs
    >>> relu = cogs.train("Z5", hidden=8, epochs=3, activation="relu", loss="ce", optimizer="sgd", momentum=0.9)
    >>> relu[0].network.setup
    Setup(activation='relu', loss='ce', operands=2, task=None)

    >>> import cogs
    >>> f6 = cogs.construct("Z5", strategy="f6")
    >>> runs = cogs.train("Z5", epochs=3, wd=[0.0, 1e-4], init=f6, dtype="float64")
    >>> [(r.wd, r.network.order) for r in runs], runs[1].config["init"]
    ([(0.0, 12), (0.0001, 12)], 'in-memory network (Z5, order 12)')
    """
    config, network = train_config(group, hidden, epochs, seeds, lr, wd, train_frac=train_frac, seeding=seeding,
                                   eval_epochs=eval_epochs, init=init, device=device, dtype=dtype, optimizer=optimizer,
                                   record_sp=record_sp, compile=compile, activation=activation, loss=loss,
                                   momentum=momentum, muon=muon, operands=operands, critical_delta=critical_delta,
                                   ridge=ridge, task=task)
    batch = train_job(config, out, objective=objective, init=network, resume=resume, overwrite=overwrite,
                      keep_checkpoints=keep_checkpoints, threads=threads, runner=runner, progress=progress, log=log)
    return list(batch.runs)
