"""Training objectives by name: ``mse`` (the loss the paper trains), ``sp`` (the same loss
in its sum-potential form, see docs) and ``sp-no-rstar`` (that form without the R_* terms).

>>> from groups import parse_group
>>> make_objective("mse", parse_group("Z5")) is None  # the trainer's built-in MSE
True
>>> make_objective("sp-no-rstar", parse_group("Z5")).__name__
'sp-no-rstar'
"""

from __future__ import annotations

__all__ = ["OBJECTIVES", "make_objective"]

OBJECTIVES = ("mse", "sp", "sp-no-rstar")


def make_objective(name: str, group):
    """The training objective called ``name`` (None for the built-in MSE); ValueError for an
    unknown name."""
    if name not in OBJECTIVES:
        raise ValueError(f"unknown objective {name!r}; choose from {', '.join(OBJECTIVES)}")
    if name == "mse":
        return None
    from cogs.sp.loss import sp_form_loss

    drop = () if name == "sp" else ("R_*",)

    def objective(W_a, W_b, W_c):
        return sp_form_loss(group, W_a, W_b, W_c, drop=drop)

    objective.__name__ = name
    return objective
