"""The SP dynamics recorded during training (the paper's Fig. 3): Σ_k Re r_kkk, the
off-diagonal residual and each orbit's |Σ_j ā a c| against the epoch (docs/mathematics.md,
"Sum potentials")."""

from __future__ import annotations

import typing

import numpy as np

from cogs.reports.base import Analysis, Readings

LABELS = {"sum_re_rkkk": ("Σ_k Re r_kkk", "Σ_{k≠0} Re r_kkk (global optimum: d − 1)"),
          "off_diag": ("off-diagonal Σ|r_{k1k2k}|²", "Σ_k Σ_{(k1,k2)≠(k,k)} |r_{k1k2k}|² (optimum 0)"),
          "rn_aac": ("per-orbit |Σ_j ā a c|", "|Σ_j conj(z_a) z_a z_c| at each orbit's k")}


@typing.final
class Dynamics(Analysis):
    name = "dynamics"
    outputs = ("sp_dynamics.png",)
    caption = "SP dynamics during training (cf. Fig. 3)"

    def report(self, readings: Readings) -> dict:
        rec = readings.records or {}
        if not rec:
            return {"dynamics": {}}
        out = {"epochs": list(readings.epochs), "seeds": list(readings.seeds)}
        for key, val in rec.items():
            out[key] = np.asarray(val).tolist()
        return {"dynamics": out}

    def figure(self, readings: Readings, report: dict, out, figures) -> dict:
        dyn = report.get("dynamics") or {}
        if not dyn.get("epochs"):
            return {}
        series, ylabels, groups_ = {}, {}, {}
        for key, (label, ylabel) in LABELS.items():
            if key in dyn:
                arr = np.asarray(dyn[key], dtype=float)  # (R, E) or (R, E, n)
                series[label] = arr[0] if arr.ndim >= 2 else arr
                ylabels[label] = ylabel
        first = readings.analyses[0] if readings.analyses else None
        if "rn_aac" in dyn and first is not None:  # the panel shows run 0
            groups_[LABELS["rn_aac"][0]] = [f"order {o.order}" for o in first.orbits]
        if not series:
            return {}
        p = figures.sp_dynamics(out / "sp_dynamics.png", np.asarray(dyn["epochs"]), series,
                                f"{readings.group.spec}: SP dynamics (seed {dyn['seeds'][0]})", ylabels=ylabels,
                                line_groups=groups_)
        return {"sp_dynamics": p.name} if p else {}
