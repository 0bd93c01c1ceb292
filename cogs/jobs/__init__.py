"""Jobs: what the commands that train and write output folders do — ``compare`` (the main
job), ``sweep`` (the paper's experiments), and the output folders they own.

Modules: :mod:`~cogs.jobs.outdir` (what a command owns in its output folder; refuse, replace
or resume), :mod:`~cogs.jobs.runs` (writing trained runs), :mod:`~cogs.jobs.compare`,
:mod:`~cogs.jobs.sweep`.
"""
