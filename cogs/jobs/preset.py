"""The sweep preset interface: what a preset of ``cogs sweep`` trains and how it reports it.

A :class:`Preset` has a ``name`` (what ``cogs sweep --preset`` and ``cogs.sweep(name)``
take), a one-line ``summary`` and ``outputs`` (its grid folders and figure files at the top of
--out, names or compiled patterns), and says

- :meth:`~Preset.grids`: the :class:`Grid` values it trains for a scale, epochs, seeds,
  device and dtype — ``(folder, TrainConfig, objective name)``, one batch each;
- :meth:`~Preset.rows`, :meth:`~Preset.markdown`, :meth:`~Preset.figures`: how the trained
  grids (:class:`TrainedGrid`: the runs and their readings, :class:`cogs.reports.Readings`)
  become report.json's ``rows``, report.md's body and figure files;
- optionally :meth:`~Preset.announce`: a line said before a grid trains.

Register an instance with :func:`cogs.jobs.sweep.register_preset`; the paper's presets are in
:mod:`cogs.jobs.paper_presets`.
"""

from __future__ import annotations

import abc
import typing
from pathlib import Path

import attrs

SCALES = ("cpu", "full")


def scale_orders(scale: str) -> tuple[int, ...]:
    """The orders d of Z_d a paper preset trains: 23 at ``cpu`` scale, 23, 71 and 127 at ``full``."""
    if scale not in SCALES:
        raise ValueError(f"scale must be 'cpu' or 'full', got {scale!r}")
    return (23,) if scale == "cpu" else (23, 71, 127)


def grid_config(group, *, q, wds, seeds, epochs, device, dtype, lr=0.01, record_sp=False, eval_epochs=None):
    """The :class:`models.training.TrainConfig` of one grid: ``wds`` × ``seeds`` at (group, q),
    the paper's seeding (docs/paper.md)."""
    from groups import parse_group
    from models.training import TrainConfig

    return TrainConfig(group=parse_group(group).spec, q=q, epochs=epochs, lrs=(lr,), wds=tuple(wds), seeds=tuple(seeds),
                       seeding="reference", device=device, dtype=dtype, record_sp=record_sp, eval_epochs=eval_epochs)


@typing.final
class Grid(typing.NamedTuple):
    """One batch of a sweep: the ``folder`` of --out its runs go to, its ``config`` and its
    ``objective`` (a name of :data:`cogs.sp.objectives.OBJECTIVES`)."""

    folder: str
    config: typing.Any
    objective: str = "mse"


@typing.final
@attrs.frozen(eq=False)
class TrainedGrid:
    """A grid once trained: its ``batch`` (:class:`cogs.jobs.runs.TrainedBatch`) and
    ``readings`` (every run read once, :class:`cogs.reports.Readings`)."""

    grid: Grid
    batch: typing.Any
    readings: typing.Any

    @property
    def result(self):
        """The trainer's :class:`models.training.TrainResult` (the runs that trained)."""
        return self.batch.result


class Preset(abc.ABC):
    """An experiment of ``cogs sweep`` (module doc). Subclasses set ``name``, ``summary`` and
    ``outputs`` and implement :meth:`grids`, :meth:`rows` and :meth:`markdown`."""

    name: str
    summary: str
    #: what it writes at the top of --out besides report.json and report.md: its grid folders
    #: and figure files (names, or compiled patterns for families of names)
    outputs: tuple = ()
    #: whether :meth:`grids` takes a ``group`` keyword (``cogs sweep --group``); the paper's
    #: presets train their own Z_d
    takes_group: bool = False

    @abc.abstractmethod
    def grids(self, *, scale: str, epochs: int, seeds: tuple[int, ...], device: str, dtype: str) -> list[Grid]:
        """The grids it trains, in order (``scale``: 'cpu' or 'full')."""

    def announce(self, grid: Grid) -> str | None:
        """A line said before ``grid`` trains (None: nothing)."""
        return None

    @abc.abstractmethod
    def rows(self, trained: typing.Sequence[TrainedGrid]):
        """report.json's ``rows``, from the trained grids (in the order of :meth:`grids`)."""

    @abc.abstractmethod
    def markdown(self, trained: typing.Sequence[TrainedGrid], rows, figures: typing.Sequence[str]) -> list[str]:
        """report.md's lines after its title and set-up; ``figures``: the figure files drawn
        (none for a report in memory)."""

    def figures(self, trained: typing.Sequence[TrainedGrid], rows, folder: Path) -> list[Path]:
        """Draw the figures into ``folder``; the files drawn (none without matplotlib)."""
        return []

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"
