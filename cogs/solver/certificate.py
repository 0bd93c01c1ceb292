"""Certificates: what was built, and independent evidence that it is a global solution.

A :class:`Certificate` records, per orbit {k, −k}: the generators and their parameters
(ν, ξ, ε, α, β as numbers), the order (nodes after merging), the block-level SP values of
SPEC §5 of the normalised block, the full-group constraint report of
:func:`cogs.loss.constraint_report` computed from the final weights (r_kkk, and the R_c, R_n,
R_* violations), and for cross-orbit cancellation the residual ρ_k and γ_k. Globally: the
exact loss over all d² pairs (:func:`cogs.loss.fast_loss`; plus the brute-force loss of
:func:`models.network.brute_force_loss` when d ≤ 128), the total order and ‖W‖² (as built and
after balancing). ``to_dict()`` is plain JSON (complex numbers as {"re": .., "im": ..}).

Reference: Tian, NeurIPS 2025, arXiv:2410.01779 (SPEC §5, §7).
"""

from __future__ import annotations

import typing

import json

import attrs
import numpy as np
import torch

from cogs.jsonable import jsonable

__all__ = ["Certificate", "certify", "jsonable"]

LOSS_TOL = 1e-12


@typing.final
@attrs.frozen(eq=False)
class Certificate:
    """The certificate of one construction; ``data`` is a JSON-able dict (see module doc)."""

    data: dict

    def to_dict(self) -> dict:
        return jsonable(self.data)

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)

    @property
    def loss(self) -> float:
        return float(self.data["loss"])

    @property
    def order(self) -> int:
        return int(self.data["order"])

    @property
    def passed(self) -> bool:
        return bool(self.data["passed"])

    def table(self, max_rows: int = 40) -> str:
        """A readable summary (one line per orbit, the first ``max_rows`` orbits)."""
        d = self.data
        lines = [
            f"group        {d['group']}  (d = {d['d']}, {d['complex_orbits']} complex orbits, {d['real_characters']} real characters)",
            f"strategy     {d['strategy']}" + (f"  (requested {d['requested_strategy']})" if d["requested_strategy"] != d["strategy"] else ""),
        ]
        if d.get("note"):
            lines.append(f"note         {d['note']}")
        lines += [
            f"order        {d['order']} hidden nodes  (" + ", ".join(f"{k} = {v}" for k, v in d["reference_orders"].items()) + ")",
            f"loss         {d['loss']:.3e}  (fast_loss, all d² pairs)"
            + (f";  brute force {d['brute_force_loss']:.3e}" if d.get("brute_force_loss") is not None else ""),
            f"max |SP|     R_c {d['max_violation']['R_c']:.1e}  R_n {d['max_violation']['R_n']:.1e}  R_* {d['max_violation']['R_*']:.1e}  |r_kkk − 1| {d['max_violation']['r_kkk']:.1e}  (R_c = √(Σ|r|² − |r_kkk|²) bottoms out near 1e-8)",
            f"‖W‖²         {d['weight_norm2']:.4g} as built, {d['balanced_weight_norm2']:.4g} balanced" + ("  (weights saved balanced)" if d.get("balanced") else ""),
            f"passed       {d['passed']}  (loss < {d['loss_tolerance']:g})",
            "",
            f"{'k':>6} {'kind':<8} {'role':<8} {'order':>5}  generators",
        ]
        for row in d["orbits"][:max_rows]:
            extra = ""
            if row.get("gamma") is not None:
                g = row["gamma"]
                extra = f"   γ = {complex(g):.3g}" if not isinstance(g, dict) else ""
            lines.append(f"{row['k']:>6} {row['kind']:<8} {row['role']:<8} {row['order']:>5}  {row['name']}{extra}")
        if len(d["orbits"]) > max_rows:
            lines.append(f"   … {len(d['orbits']) - max_rows} more orbits (use --json for all)")
        return "\n".join(lines)


def certify(group, W_a, W_b, W_c, *, header: dict, orbit_rows: list[dict], brute_force_max_d: int = 128, tol: float = LOSS_TOL, extra_norms: dict | None = None) -> Certificate:
    """Compute the global evidence for weights (numpy float64) and merge it with the
    per-orbit rows (each with at least ``k``): the exact loss, the brute-force loss when
    d ≤ ``brute_force_max_d``, and the full-group constraint report per orbit."""
    from cogs.loss import constraint_report, fast_loss
    from models.network import brute_force_loss

    d = group.order
    Wt = [torch.as_tensor(np.ascontiguousarray(w), dtype=torch.float64) for w in (W_a, W_b, W_c)]
    with torch.no_grad():
        loss = float(fast_loss(*Wt, group))
        brute = float(brute_force_loss(*Wt, group)) if d <= brute_force_max_d else None
        report = constraint_report(*Wt, group)
    by_k = {r["k"]: r for r in report["orbits"]}
    maxv = {"R_c": 0.0, "R_n": 0.0, "R_*": 0.0, "r_kkk": 0.0}
    rows = []
    for row in orbit_rows:
        rep = by_k[row["k"]]
        full = {"r_kkk": rep["r_kkk"], "R_c": rep["R_c"], "R_n": rep["R_n"], "R_*": rep["R_*"]}
        for f in ("R_c", "R_n", "R_*"):
            maxv[f] = max(maxv[f], float(rep[f]))
        maxv["r_kkk"] = max(maxv["r_kkk"], abs(complex(rep["r_kkk"]) - 1))
        rows.append({**row, "full_group": full})
    passed = bool(loss < tol and (brute is None or brute < tol))
    data = {
        **header,
        "loss": loss,
        "brute_force_loss": brute,
        "loss_tolerance": tol,
        "passed": passed,
        "max_violation": maxv,
        "dc_inputs": max(report["dc_a"], report["dc_b"]),
        **(extra_norms or {}),
        "orbits": rows,
    }
    return Certificate(data)
