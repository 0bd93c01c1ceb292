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
>>> _ = unregister("node_count")
"""

from __future__ import annotations

from pathlib import Path

from cogs.reports.base import Analysis, Readings
from cogs.reports.sp_dynamics import Dynamics
from cogs.reports.family_shares import FamilyShares
from cogs.reports.frequency_maps import FrequencyMaps
from cogs.reports.order_histogram import OrderHistogram
from cogs.reports.orbit_table import OrbitTable
from cogs.reports.table2 import Table2
from models.named_registry import NamedRegistry

__all__ = ["ANALYSES", "Analysis", "Readings", "captions_of", "figures_of", "markdown_of", "outputs_of", "register",
           "registered", "report_of", "unregister"]

ANALYSES = NamedRegistry("analysis", Analysis, (Table2(), FamilyShares(), OrbitTable(), OrderHistogram(),
                                                FrequencyMaps(), Dynamics()), doc="""The registered analyses by
name, in report order: the built-ins, then those added with :func:`register` (a read-only
mapping; iterating it gives the names).

>>> import cogs
>>> list(cogs.ANALYSES)
['table2', 'family_shares', 'orbit_table', 'order_histogram', 'frequency_maps', 'dynamics', 'irrep_orders']
>>> cogs.ANALYSES["order_histogram"].outputs
('order_histogram.png',)
""")
__test__ = {"ANALYSES": ANALYSES.__doc__}


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
    >>> _ = unregister("hidden_nodes")
    """
    return ANALYSES.register(analysis)


def unregister(name: str) -> Analysis:
    """Remove the analysis called ``name``; returns it."""
    return ANALYSES.unregister(name)


def registered(names=None) -> list[Analysis]:
    """The registered analyses (in order), or those named in ``names``; an unknown name is an error."""
    if names is None:
        return list(ANALYSES.values())
    unknown = [n for n in names if n not in ANALYSES]
    if unknown:
        raise ValueError(f"unknown analysis {', '.join(unknown)}; registered: {', '.join(ANALYSES)}")
    return [a for a in ANALYSES.values() if a.name in set(names)]


def has_orbits(group) -> bool:
    """Whether ``group`` is read per orbit {k, −k}: a finite Abelian group written as Z_n factors."""
    from groups import FiniteAbelianGroup

    return isinstance(group, FiniteAbelianGroup)


def report_of(readings: Readings, names=None) -> dict:
    """Every analysis's report keys, merged in registry order (a key twice is an error)."""
    out: dict = {}
    orbits = has_orbits(readings.group)
    for a in registered(names):
        if not a.serves(orbits):
            continue
        part = a.report(readings)
        twice = set(part) & set(out)
        if twice:
            raise ValueError(f"analysis {a.name!r} reports keys already reported: {', '.join(sorted(twice))}")
        out.update(part)
    return out


def markdown_of(report: dict, names=None) -> list[str]:
    """report.md lines of every analysis, sections separated by a blank line."""
    lines: list[str] = []
    orbits = report.get("read_by") != "irreps"  # reports of groups not written as Z_n factors say so
    for a in registered(names):
        if not a.serves(orbits):
            continue
        part = a.markdown(report)
        if part:
            lines += part + [""]
    return lines


def figures_of(readings: Readings, report: dict, out, figures, names=None) -> dict:
    """Draw every analysis's figure into ``out``; {key: file name}."""
    made: dict = {}
    orbits = has_orbits(readings.group)
    for a in registered(names):
        if not a.serves(orbits):
            continue
        made.update(a.figure(readings, report, Path(out), figures))
    return made
