"""Jobs: what the commands that train do, as library functions — ``train``, ``compare`` (the
main job) and ``sweep`` (the paper's experiments, and registered presets) — and the output
folders they own. The ``cogs train``, ``compare`` and ``sweep`` commands are thin shells over
:func:`cogs.jobs.train.train_job`, :func:`cogs.jobs.compare.compare` and
:func:`cogs.jobs.sweep.sweep`; ``cogs.train``, ``cogs.compare`` and ``cogs.sweep`` are these.

Modules: :mod:`~cogs.jobs.arguments` (seeds and numbers in any form, and how a refusal names
the options: the library's keywords or the command line's flags),
:mod:`~cogs.jobs.runs` (trained runs as values, and how a batch is written),
:mod:`~cogs.jobs.outdir` (what a command owns in its output folder; refuse, replace or resume:
one preparation, one resume check), :mod:`~cogs.jobs.train`, :mod:`~cogs.jobs.compare`, :mod:`~cogs.jobs.preset` (the preset
interface), :mod:`~cogs.jobs.paper_presets` (the paper's presets) and :mod:`~cogs.jobs.sweep`
(the preset registry and the sweep).
"""
