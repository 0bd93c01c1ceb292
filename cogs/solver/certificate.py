"""Certificates: what was built, and independent evidence that it is a global solution.

A :class:`Certificate` records, per orbit {k, −k}: the generators and their parameters
(ν, ξ, ε, α, β as numbers), the order (nodes after merging), the block-level SP values of
docs/mathematics.md#sum-potentials of the normalised block, the full-group constraint report of
:func:`cogs.sp.loss.constraint_report` computed from the final weights (r_kkk, and the R_c, R_n,
R_* violations), and for cross-orbit cancellation the residual ρ_k and γ_k. Globally: the
exact loss over all d² pairs (:func:`models.exact_loss.exact_loss`: the weight-space form, or the
residual sum when q ≥ d², as for memorize; plus the brute-force loss of
:func:`models.residuals.residual_loss` when d ≤ 128: enumeration of all pairs, summing
squared residuals so that exact solutions score ~1e-30 rather than the 1e-16 floor of the
per-sample expansion), the total order and ‖W‖² (as built and
after balancing). Networks with DC input components (the chain construction) are outside the
zero-mean sufficient conditions: their certificate uses the general κ form of the loss, per
output orbit (``kappa_loss``), and brute force, and ``certificate_form`` says which evidence
was used. ``to_dict()`` is plain JSON (complex numbers as {"re": .., "im": ..}).

Reference: Tian, NeurIPS 2025, arXiv:2410.01779 (docs/mathematics.md#sum-potentials, docs/solutions.md#global-solutions).
"""

from __future__ import annotations

import typing

import json

import attrs
import numpy as np
import torch

from models.jsonable import jsonable

__all__ = ["Certificate", "certify", "jsonable"]

LOSS_TOL = 1e-12
#: input DC (paper units) above which a network is certified with the general κ form
DC_TOL = 1e-9
#: the κ form forms d³ terms (O(d³q) work): used up to this order
KAPPA_MAX_D = 128


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
            f"loss         {d['loss']:.3e}  ({'fast_loss' if str(d.get('loss_method', 'fast')).startswith('fast') else 'residual sum'}, all d² pairs)"
            + (f";  brute force {d['brute_force_loss']:.3e}" if d.get("brute_force_loss") is not None else ""),
            f"certified    {d.get('certificate_form', '')}" + (f";  κ form {d['kappa_loss']:.3e}" if d.get("kappa_loss") is not None else ""),
            (
                f"max |SP|     R_c {d['max_violation']['R_c']:.1e}  R_n {d['max_violation']['R_n']:.1e}  R_* {d['max_violation']['R_*']:.1e}  |r_kkk − 1| {d['max_violation']['r_kkk']:.1e}  (R_c = √(Σ|r|² − |r_kkk|²) bottoms out near 1e-8)"
                if d.get("dc_inputs", 0.0) <= DC_TOL
                else f"DC inputs    max |A_0|, |B_0| = {d['dc_inputs']:.3g} (paper units): the zero-mean SP conditions do not apply"
            ),
            f"‖W‖²         {d['weight_norm2']:.4g} as built, {d['balanced_weight_norm2']:.4g} balanced" + ("  (weights saved balanced)" if d.get("balanced") else ""),
            f"passed       {d['passed']}  (loss < {d['loss_tolerance']:g})",
            "",
            f"{'k':>6} {'kind':<8} {'role':<8} {'order':>5}  generators",
        ]
        for row in d["orbits"][:max_rows]:
            extra = ""
            if row.get("links_to") is not None:
                extra = f"   type {row['type']}, reads the Γ-pair at k={row['links_to']}"
            if row.get("kappa_loss") is not None:
                extra += f"   κ-loss {row['kappa_loss']:.1e}"
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
    from models.exact_loss import exact_loss, exact_loss_method
    from cogs.sp.loss import constraint_report
    from models.residuals import residual_loss

    d = group.order
    Wt = [torch.as_tensor(np.ascontiguousarray(w), dtype=torch.float64) for w in (W_a, W_b, W_c)]
    with torch.no_grad():
        # weight space for q < d²; for wider networks (memorize: q = d²) enumerating the
        # residuals costs no more and is exact to ~1e-30, where the weight-space form's
        # cancellation leaves ~1e-16·q²/d (1e-12 for Z3xZ9's 729 nodes)
        loss = float(exact_loss(group, *Wt))
        brute = float(residual_loss(group, *Wt)) if d <= brute_force_max_d else None
        report = constraint_report(group, *Wt)
    by_k = {r["k"]: r for r in report["orbits"]}
    maxv = {"R_c": 0.0, "R_n": 0.0, "R_*": 0.0, "r_kkk": 0.0}
    rows = []
    for row in orbit_rows:
        if row["k"] not in by_k:  # a shared node at k = 0 (no orbit): nothing to report
            rows.append(dict(row))
            continue
        rep = by_k[row["k"]]
        full = {"r_kkk": rep["r_kkk"], "R_c": rep["R_c"], "R_n": rep["R_n"], "R_*": rep["R_*"]}
        for f in ("R_c", "R_n", "R_*"):
            maxv[f] = max(maxv[f], float(rep[f]))
        maxv["r_kkk"] = max(maxv["r_kkk"], abs(complex(rep["r_kkk"]) - 1))
        rows.append({**row, "full_group": full})
    dc = max(report["dc_a"], report["dc_b"])
    kappa = None
    if dc > DC_TOL:
        # DC input components: the zero-mean SP conditions do not decide the loss; certify with
        # the general κ form (per output orbit) and brute force, and say so.
        if d <= KAPPA_MAX_D:
            from cogs.sp.loss import kappa_terms

            with torch.no_grad():
                terms = kappa_terms(group, *Wt)
            kappa = float(terms.sum())
            for row in rows:
                row["kappa_loss"] = float(sum(float(terms[m]) for m in {row["k"], row.get("neg", row["k"])}))
        form = "kappa (general form, DC inputs) + brute force" if brute is not None else "kappa (general form, DC inputs) + weight space"
        if kappa is None:
            form = "weight space + brute force (d too large for the κ form)" if brute is not None else "weight space only (d too large for the κ form and brute force)"
        evidence = [x for x in (kappa, brute) if x is not None] or [loss]
    else:
        form = "zero-mean SP report + weight space" + (" + brute force" if brute is not None else "")
        evidence = [brute] if brute is not None else [loss]
    # exact enumeration decides when it ran; the weight-space form is signed and loses
    # precision for large weights, so only its magnitude counts when it is all there is
    passed = bool(all(abs(x) < tol for x in evidence))
    data = {
        **header,
        "loss": loss,
        "loss_method": exact_loss_method(int(Wt[0].shape[0]), d),
        "certificate_form": form,
        "kappa_loss": kappa,
        "brute_force_loss": brute,
        "loss_tolerance": tol,
        "passed": passed,
        "max_violation": maxv,
        "dc_inputs": dc,
        **(extra_norms or {}),
        "orbits": rows,
    }
    return Certificate(data)
