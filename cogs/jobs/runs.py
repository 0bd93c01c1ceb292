"""Trained runs as values, and how a batch of them is written (``cogs train``, ``compare``, ``sweep``).

A :class:`Run` is one trained network with its per-epoch metrics and its configuration; a
:class:`TrainedBatch` is the runs of one training job (one :class:`models.training.TrainConfig`).
Written to a folder, a batch is DIR/<run>/{weights.npz, metrics.json, config.json} and
DIR/summary.json (<run>: :attr:`models.training.RunSpec.name`). The weights file's meta
records everything needed to rebuild the run's train/test split (seed, seeding, train_frac)
and its hyper-parameters; it is the meta of :attr:`Run.network`.

>>> from models.training import TrainConfig, train
>>> config = TrainConfig(group="Z5", q=8, epochs=3, seeds=(1, 2), device="cpu")
>>> batch = TrainedBatch.of("Z5", config, train(config))
>>> batch.runs[1]
Run(Z5 seed=2 lr=0.01 wd=0.0001: ok, 3 epochs, train_loss 0.7637 test_acc 0.6667)
>>> dict(batch.runs[1].network.meta)["seed"], batch.runs[1].folder is None
(2, True)
"""

from __future__ import annotations

import re
import typing
from pathlib import Path

import attrs
import numpy as np

from models.atomic import write_json

# what a trained batch writes at the top of its folder (cogs.jobs.outdir): the runs, the summary
# and the checkpoints; run folders are named by models.training.RunSpec.name
BATCH_OUTPUTS = ("summary.json", "checkpoints", re.compile(r"seed[0-9]+_lr[^_/]+_wd[^_/]+"))
WEIGHTS = "weights.npz"


@typing.final
@attrs.frozen(repr=False)
class Run:
    """One trained run: ``network`` (a :class:`models.network.Network` whose meta is its
    weights file's; None when the weights went non-finite), ``metrics`` (per evaluated epoch,
    the last one ``final``), ``records`` (SP trajectories and other recorders, with their
    ``epochs``; {} when none were recorded), ``config`` (what config.json holds), the run's
    ``seed``, ``lr``, ``wd``, ``status`` ('ok' or 'diverged') and ``diverged_epoch``, the sizes
    of its train/test split, its folder ``name`` and ``folder`` (where it was written; None in
    memory)."""

    name: str
    seed: int
    lr: float
    wd: float
    status: str
    diverged_epoch: int | None
    metrics: tuple
    records: dict
    n_train: int
    n_test: int
    config: dict
    network: typing.Any
    folder: Path | None = None

    @property
    def final(self) -> dict:
        """The metrics after the last step."""
        return self.metrics[-1]

    def metrics_doc(self) -> dict:
        """What metrics.json holds."""
        doc = {"seed": self.seed, "lr": self.lr, "wd": self.wd, "status": self.status,
               "diverged_epoch": self.diverged_epoch, "metrics": list(self.metrics), "n_train": self.n_train,
               "n_test": self.n_test, "weights": None if self.network is None else WEIGHTS}
        if self.records:
            doc["records"] = self.records
        return doc

    def write(self, folder) -> "Run":
        """Write weights.npz (when the weights are finite), metrics.json and config.json into
        ``folder``; the run as written (``folder`` and the network's ``path`` set)."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        network = self.network
        if network is not None:
            network = network.evolve(path=str(network.save(folder / WEIGHTS)))
        write_json(folder / "metrics.json", self.metrics_doc())
        write_json(folder / "config.json", self.config)
        return attrs.evolve(self, network=network, folder=folder)

    def __repr__(self) -> str:
        f = self.final

        def num(name):
            return "-" if f.get(name) is None else f"{f[name]:.4g}"

        where = "" if self.folder is None else f" -> {self.folder}"
        return (f"Run({self.config['group']} seed={self.seed} lr={self.lr:g} wd={self.wd:g}: {self.status}, "
                f"{f['epoch']} epochs, train_loss {num('train_loss')} test_acc {num('test_acc')}{where})")


def training_setup(config) -> dict:
    """What a trained network's ``meta["setup"]`` records: what it computes (activation, loss,
    operands, task: :class:`models.setup.Setup`) and how it was trained (optimizer, momentum,
    Muon variant, ridge, critical split)."""
    from models.training.config import SETUP_FIELDS

    return {k: getattr(config, k) for k in SETUP_FIELDS}


@typing.final
@attrs.frozen(eq=False)
class TrainedBatch:
    """The runs of one training job: its ``config`` (a :class:`models.training.TrainConfig`),
    the trainer's ``result`` (:class:`models.training.TrainResult`; with failed shards it holds
    only the runs that trained), the ``runs`` and ``resolved`` (the job's configuration as
    summary.json and every config.json state it: the config, the device, the job's settings)."""

    group: typing.Any
    config: typing.Any
    result: typing.Any
    runs: tuple[Run, ...]
    resolved: dict

    @classmethod
    def of(cls, group, config, result, settings: dict | None = None) -> "TrainedBatch":
        """The batch ``result`` of training ``config`` on ``group``; ``settings``: more entries
        for the configuration (``cogs train`` records its objective and init)."""
        from groups import parse_group
        from models.network import Network

        G = parse_group(group)
        resolved = config.to_dict()
        resolved.update(device=result.device, **(settings or {}))
        runs = []
        for spec in result.runs:
            r = spec.index
            summary = result.run_summary(r)
            W = result.weights(r)
            more = result.more_weights(r)
            network = None
            if all(np.isfinite(w).all() for w in W) and (more is None or np.isfinite(more).all()):
                network = Network(G, *W, meta=dict(
                    seed=spec.seed, lr=spec.lr, wd=spec.wd, seeding=config.seeding, train_frac=config.train_frac,
                    status=summary["status"], epochs=config.epochs, diverged_epoch=summary["diverged_epoch"], q=config.q,
                    setup=training_setup(config)), W_more=more)
            n_train, n_test = int(result.n_train[r]), int(result.n_test[r])
            records = {"epochs": list(result.epochs), **result.run_records(r)} if result.records else {}
            runs.append(Run(spec.name, spec.seed, spec.lr, spec.wd, summary["status"], summary["diverged_epoch"],
                            tuple(summary["metrics"]), records, n_train, n_test,
                            dict(resolved, seed=spec.seed, lr=spec.lr, wd=spec.wd, n_train=n_train, n_test=n_test),
                            network))
        return cls(G, config, result, tuple(runs), resolved)

    def summary(self) -> dict:
        """What summary.json holds."""
        return {"config": self.resolved,
                "runs": [{"seed": r.seed, "lr": r.lr, "wd": r.wd, "status": r.status, "diverged_epoch": r.diverged_epoch,
                          "folder": r.name, "final": r.final} for r in self.runs]}

    def write(self, folder) -> "TrainedBatch":
        """Write every run into ``folder/<run>`` and summary.json (a folder already used is the
        caller's business: :func:`cogs.jobs.outdir.prepare_out`); the batch as written."""
        folder = Path(folder)
        names = [r.name for r in self.runs]
        if len(set(names)) != len(names):  # refuse before anything is written over
            dup = sorted({n for n in names if names.count(n) > 1})
            raise ValueError(f"runs would share a folder: {', '.join(dup)}")
        folder.mkdir(parents=True, exist_ok=True)
        written = attrs.evolve(self, runs=tuple(r.write(folder / r.name) for r in self.runs))
        write_json(folder / "summary.json", written.summary())
        return written
