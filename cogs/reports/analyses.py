"""The report-level analyses, registered in one registry (:data:`ANALYSES`) that
``cogs compare``, ``cogs sweep`` and ``cogs analyze`` iterate.

Each analysis is a small :class:`Analysis` class in its own module: :meth:`~Analysis.report`
adds keys to report.json from :class:`Readings` (networks read once: one
:class:`models.spectrum.Spectrum` and one per-orbit reading per network),
:meth:`~Analysis.markdown` renders its section of report.md from the report alone, and
:meth:`~Analysis.figure` draws its figure. Adding one is one module and one :func:`register`
call (docs/extending.md, "Adding an analysis"):

>>> from cogs.reports import Analysis, register, registered, unregister
>>> class NodeCount(Analysis):
...     name = "node_count"
...     def report(self, readings):
...         return {"hidden_nodes": [s.q for s in readings.spectra if s is not None]}
>>> _ = register(NodeCount())
>>> "node_count" in [a.name for a in registered()]
True
>>> unregister("node_count")
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from pathlib import Path

from cogs.reports.base import Analysis, Readings
from cogs.reports.sp_dynamics import Dynamics
from cogs.reports.family_shares import FamilyShares
from cogs.reports.frequency_maps import FrequencyMaps
from cogs.reports.order_histogram import OrderHistogram
from cogs.reports.orbit_table import OrbitTable
from cogs.reports.table2 import Table2

__all__ = ["ANALYSES", "Analysis", "Readings", "captions_of", "figures_of", "markdown_of", "outputs_of", "register",
           "registered", "report_of", "unregister"]

@typing.final
class Analyses(Mapping):
    """The registered analyses by name, in report order: a read-only mapping (:func:`register`
    adds at the end, :func:`unregister` removes). Iterating it gives the names.

    >>> from cogs.reports import ANALYSES
    >>> list(ANALYSES)
    ['table2', 'family_shares', 'orbit_table', 'order_histogram', 'frequency_maps', 'dynamics']
    >>> ANALYSES["order_histogram"].outputs
    ('order_histogram.png',)
    """

    def __init__(self, by_name: dict[str, Analysis]):
        self._by_name = by_name

    def __getitem__(self, name: str) -> Analysis:
        return self._by_name[name]

    def __iter__(self):
        return iter(self._by_name)

    def __len__(self) -> int:
        return len(self._by_name)

    def __repr__(self) -> str:
        return f"Analyses({', '.join(self._by_name)})"


_REGISTERED: dict[str, Analysis] = {a.name: a for a in (Table2(), FamilyShares(), OrbitTable(), OrderHistogram(),
                                                        FrequencyMaps(), Dynamics())}
#: the registered analyses, in report order
ANALYSES = Analyses(_REGISTERED)


def outputs_of(names=None) -> tuple[str, ...]:
    """The files the analyses write (for a command's owned outputs)."""
    return tuple(f for a in registered(names) for f in a.outputs)


def captions_of(names=None) -> dict:
    """{figure key: caption}; an analysis's figure key is its output file's stem."""
    return {Path(f).stem: a.caption for a in registered(names) if a.caption for f in a.outputs}


def register(analysis: Analysis) -> Analysis:
    """Add ``analysis`` at the end of the registry (its ``name`` must be new); ``cogs compare``,
    ``cogs sweep`` and ``cogs analyze`` report it from then on. Returns it.

    >>> from cogs.reports import Analysis, register, unregister
    >>> class HiddenNodes(Analysis):
    ...     name = "hidden_nodes"
    ...     def report(self, readings):
    ...         return {"hidden_nodes": [s.q for s in readings.spectra if s is not None]}
    >>> _ = register(HiddenNodes())
    >>> import cogs
    >>> cogs.analyze([cogs.construct("Z5", strategy="f46")]).to_dict()["hidden_nodes"]
    [10]
    >>> unregister("hidden_nodes")
    """
    if not isinstance(analysis, Analysis):
        raise TypeError(f"register takes an Analysis instance, got {type(analysis).__name__}")
    if analysis.name in _REGISTERED:
        raise ValueError(f"an analysis named {analysis.name!r} is already registered; unregister({analysis.name!r}) "
                         "first, or choose another name")
    _REGISTERED[analysis.name] = analysis
    return analysis


def unregister(name: str) -> None:
    """Remove the analysis called ``name`` (nothing happens if there is none)."""
    _REGISTERED.pop(name, None)


def registered(names=None) -> list[Analysis]:
    """The registered analyses (in order), or those named in ``names``; an unknown name is an error."""
    if names is None:
        return list(_REGISTERED.values())
    unknown = [n for n in names if n not in _REGISTERED]
    if unknown:
        raise ValueError(f"unknown analysis {', '.join(unknown)}; registered: {', '.join(_REGISTERED)}")
    return [a for a in _REGISTERED.values() if a.name in set(names)]


def report_of(readings: Readings, names=None) -> dict:
    """Every analysis's report keys, merged in registry order (a key twice is an error)."""
    out: dict = {}
    for a in registered(names):
        part = a.report(readings)
        twice = set(part) & set(out)
        if twice:
            raise ValueError(f"analysis {a.name!r} reports keys already reported: {', '.join(sorted(twice))}")
        out.update(part)
    return out


def markdown_of(report: dict, names=None) -> list[str]:
    """report.md lines of every analysis, sections separated by a blank line."""
    lines: list[str] = []
    for a in registered(names):
        part = a.markdown(report)
        if part:
            lines += part + [""]
    return lines


def figures_of(readings: Readings, report: dict, out, figures, names=None) -> dict:
    """Draw every analysis's figure into ``out``; {key: file name}."""
    made: dict = {}
    for a in registered(names):
        made.update(a.figure(readings, report, Path(out), figures))
    return made
