"""Sum potentials (docs/mathematics.md#sum-potentials): the SP tensors and their families, the
loss in SP form, the SP dynamics recorded in training, and the training objectives by name.

Modules, lowest first: :mod:`~cogs.sp.potentials` (sum potentials as ring homomorphisms),
:mod:`~cogs.sp.families` (the SP tensor r and its families R_c, R_n, R_*, vectorised),
:mod:`~cogs.sp.loss` (the loss in SP form, the κ form, the constraint report),
:mod:`~cogs.sp.loss_report` (one network's loss, accuracy and constraint report: ``cogs loss``),
:mod:`~cogs.sp.dynamics` (SP summaries along training), :mod:`~cogs.sp.objectives`
(``mse``, ``sp``, ``sp-no-rstar``).
"""
