"""The two types every report-level analysis works with.

:class:`Readings` is a set of networks read once: each network's
:class:`models.spectrum.Spectrum` (its weights converted to the Fourier basis a single
time) and its per-orbit reading (:func:`cogs.reading.analyze_spectrum`: orders, the
paper's factor reading, CoGS's registry reading), plus what came with the networks (run
metadata, the SP dynamics recorded in training, constructed networks to compare with).

:class:`Analysis` turns Readings into report keys, markdown and a figure. Analyses are
registered in :data:`cogs.reports.ANALYSES`; ``cogs compare``, ``cogs sweep`` and
``cogs analyze`` iterate that list (docs/extending.md, "Adding an analysis").

>>> from cogs.solver import construct
>>> from models.spectrum import Spectrum
>>> W = construct("Z7", "f46").weights
>>> r = Readings.from_spectra("Z7", [Spectrum.from_weights("Z7", *W), None], [{"seed": 1}, {"seed": 2}])
>>> [a is None for a in r.analyses], len(r.ok)  # the second network could not be read
([False, True], 1)
>>> r
Readings(group=Z7, networks=2, read=1, threshold=0.05)
"""

from __future__ import annotations

import typing

import abc
from pathlib import Path

import attrs

from models.spectrum import DEFAULT_THRESHOLD

__all__ = ["Analysis", "Readings"]


@typing.final
@attrs.define(eq=False, repr=False)
class Readings:
    """Networks read once (module doc). ``spectra``/``analyses``/``metas`` run in parallel, one
    entry per network, None for a network that could not be read (diverged, non-finite).
    ``records``: the trainer's SP records (key → (R, E[, n]) arrays) with ``epochs`` and
    ``seeds``, or None. ``constructed``: strategy → the constructed :class:`models.network.Network`.
    ``config``: the training set-up (shown in captions). ``networks``: the networks themselves,
    when known (what the reading by irreps reads). ``lsq``: the per-orbit readings with
    the order-m factor estimated by least squares, computed on first use from the same spectra."""

    group: typing.Any
    spectra: tuple
    analyses: tuple
    metas: tuple
    threshold: float = DEFAULT_THRESHOLD
    records: dict | None = None
    epochs: tuple = ()
    seeds: tuple = ()
    constructed: dict = attrs.Factory(dict)
    config: dict = attrs.Factory(dict)
    _cache: dict = attrs.Factory(dict)
    #: the networks themselves (one entry per network, None for one that could not be read),
    #: for readings that work in weight space (by irreps); () when only spectra were given
    networks: tuple = ()

    @classmethod
    def from_spectra(cls, group, spectra, metas=None, *, threshold: float = DEFAULT_THRESHOLD, **kw) -> "Readings":
        """Read each spectrum (None stays None) with the paper's reading and CoGS's."""
        from cogs.reading import analyze_spectrum
        from groups import parse_group

        group = parse_group(group)
        spectra = tuple(spectra)
        metas = tuple(metas) if metas is not None else tuple({} for _ in spectra)
        analyses = tuple(None if s is None else analyze_spectrum(s, threshold=threshold, meta=m)
                         for s, m in zip(spectra, metas))
        return cls(group, spectra, analyses, metas, threshold, **kw)

    @classmethod
    def from_batch(cls, batch, *, threshold: float = DEFAULT_THRESHOLD, constructed=None, config=None) -> "Readings":
        """The runs of a trained batch (:class:`cogs.jobs.runs.TrainedBatch`): each finished
        run's network read through its spectrum (computed once, kept by the network); a
        diverged run (status not ok, or no network: non-finite weights) reads as None."""
        from groups import FiniteAbelianGroup

        runs, result = batch.runs, batch.result
        # the per-orbit reading needs characters: a group that is not written as Z_n factors
        # is read by irreps alone (cogs.reading.irreps)
        orbits = isinstance(batch.group, FiniteAbelianGroup)
        spectra = [r.network.spectrum() if orbits and r.status == "ok" and r.network is not None else None for r in runs]
        metas = [{"seed": r.seed, "lr": r.lr, "wd": r.wd} for r in runs]
        networks = tuple(r.network if r.status == "ok" else None for r in runs)
        return cls.from_spectra(batch.group, spectra, metas, threshold=threshold, records=result.records or None,
                                epochs=tuple(int(e) for e in result.epochs), seeds=tuple(r.seed for r in runs),
                                constructed=dict(constructed or {}), config=dict(config or {}), networks=networks)

    def subset(self, indices) -> "Readings":
        """The networks at ``indices`` (e.g. one weight decay of a grid), read as they were."""
        idx = list(indices)
        pick = lambda xs: tuple(xs[i] for i in idx)  # noqa: E731
        return Readings(self.group, pick(self.spectra), pick(self.analyses), pick(self.metas), self.threshold,
                        None if self.records is None else {k: [v[i] for i in idx] for k, v in self.records.items()},
                        self.epochs, pick(self.seeds) if self.seeds else (), dict(self.constructed), dict(self.config),
                        networks=pick(self.networks) if self.networks else ())

    def __repr__(self) -> str:
        return (f"Readings(group={self.group.spec}, networks={len(self.analyses)}, read={len(self.ok)}, "
                f"threshold={self.threshold:g})")

    @property
    def irrep_readings(self) -> list:
        """Per network its reading by real irreducibles (:func:`cogs.reading.irreps.read_irreps`
        at :attr:`threshold`; None where there is no network), computed once."""
        if "irreps" not in self._cache:
            from cogs.reading.irreps import read_irreps

            self._cache["irreps"] = [None if n is None else read_irreps(n, threshold=self.threshold) for n in self.networks]
        return self._cache["irreps"]

    @property
    def ok(self) -> list:
        """The per-orbit readings of the networks that could be read."""
        return [a for a in self.analyses if a is not None]

    @property
    def lsq(self) -> list:
        """:attr:`ok` with the order-m factor read by least squares (computed once)."""
        if "lsq" not in self._cache:
            from cogs.reading import analyze_spectrum

            self._cache["lsq"] = [analyze_spectrum(s, threshold=self.threshold, meta=m, factor_estimate="lsq")
                                  for s, m in zip(self.spectra, self.metas) if s is not None]
        return list(self._cache["lsq"])

    @property
    def pooled(self) -> dict:
        """:func:`cogs.reading.aggregate` of :attr:`ok` ({} when none), computed once."""
        if "pooled" not in self._cache:
            from cogs.reading import aggregate

            self._cache["pooled"] = aggregate(self.ok) if self.ok else {}
        return self._cache["pooled"]


class Analysis(abc.ABC):
    """One analysis of a report: what it adds to report.json, to report.md and to the figures.

    Subclasses set ``name`` (unique in the registry) and implement :meth:`report`; the other
    two hooks are optional. :meth:`markdown` reads only the report (so that a saved
    report.json can be rendered again) and defines every label it prints."""

    name: typing.ClassVar[str]
    #: files this analysis writes at the top of a report's folder (owned by the command:
    #: refused, replaced or kept like its other outputs)
    outputs: typing.ClassVar[tuple[str, ...]] = ()
    #: the caption of its figure in report.md
    caption: typing.ClassVar[str] = ""
    #: the groups it reads: "abelian" (per-orbit readings: finite Abelian groups written as Z_n
    #: factors) or "any"; the others' reports leave it out
    groups: typing.ClassVar[str] = "abelian"

    def serves(self, orbits: bool) -> bool:
        """Whether it reports on a group that has (``orbits``) or lacks per-orbit readings."""
        return orbits or self.groups == "any"

    @abc.abstractmethod
    def report(self, readings: Readings) -> dict:
        """The report keys this analysis contributes (JSON-ready values)."""

    def markdown(self, report: dict) -> list[str]:
        """Lines of report.md (a section with its heading, tables and legend), or []."""
        return []

    def figure(self, readings: Readings, report: dict, out: Path, figures) -> dict:
        """Figures written under ``out`` with ``figures`` (:mod:`cogs.reports.figures`):
        {key: file name}; {} when it draws none (or matplotlib is missing)."""
        return {}
