"""The training jobs of a ``cogs sweep`` preset, listed up front so that a parallel backend can
start every shard of the sweep at once (``executor.prefetch(preset_jobs(...))``) instead of one
grid after another.

:func:`preset_jobs` is defined in :mod:`cogs.sweep`, next to the grids it mirrors (so the sweep
never imports this module back); it is re-exported here for the backends.
"""

from __future__ import annotations

from cogs.sweep import preset_jobs

__all__ = ["preset_jobs"]
