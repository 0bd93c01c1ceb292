"""Reports: the report-level analyses (one registry that ``cogs compare``, ``cogs sweep`` and
``cogs analyze`` iterate), their tables, figures (optional matplotlib) and report.md.

Modules, lowest first: :mod:`~cogs.reports.tables` and :mod:`~cogs.reports.figures` (plain
text tables, PNG figures); :mod:`~cogs.reports.base` (:class:`Readings`, :class:`Analysis`);
one module per analysis (:mod:`~cogs.reports.table2`, :mod:`~cogs.reports.family_shares`,
:mod:`~cogs.reports.orbit_table`, :mod:`~cogs.reports.order_histogram`,
:mod:`~cogs.reports.frequency_maps`, :mod:`~cogs.reports.sp_dynamics`,
:mod:`~cogs.reports.irrep_orders`: per-irreducible orders of a group not written as Z_n factors);
:mod:`~cogs.reports.analyses` (:data:`ANALYSES`, :func:`register`, …);
:mod:`~cogs.reports.markdown` (report.md and the terminal summary);
:mod:`~cogs.reports.analyze` (:func:`~cogs.reports.analyze.analyze`: networks and files read into
an :class:`~cogs.reports.analyze.AnalysisReport`, what ``cogs analyze`` prints).
"""

from cogs.reports.base import Analysis, Readings
from cogs.reports.analyses import (
    ANALYSES,
    captions_of,
    figures_of,
    markdown_of,
    outputs_of,
    register,
    registered,
    report_of,
    unregister,
)
from cogs.reports.irrep_orders import IrrepOrders

register(IrrepOrders())  # after the built-ins: reports nothing for groups written as Z_n factors

__all__ = ["ANALYSES", "Analysis", "Readings", "captions_of", "figures_of", "markdown_of", "outputs_of", "register",
           "registered", "report_of", "unregister"]
