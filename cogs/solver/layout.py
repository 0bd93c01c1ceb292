"""Per-orbit layouts of registry compositions, and building them on a set of orbits.

A :class:`Layout` says which plan (a composition of registered block generators found by
:func:`cogs.solver.search.search`) goes on which orbit: a helper on one complex orbit when
cancelling R_n across orbits (z_F4/6), and per kind a plan with role 'full' or 'partial'.
:func:`compose_orbits` instantiates a layout on any set of orbits (all of them for f6, f46
and auto; the even-order ones inside the chain strategy on an even group).
"""

from __future__ import annotations

import typing

import attrs
import numpy as np

from cogs.generators.registry import Registry
from cogs.generators.scope import current_registry
from cogs.solver.assemble import block_rn_residuals, cancel_rn_weights, normalize_blocks, weights_from_blocks
from cogs.solver.certificate import OrbitCertificate
from cogs.solver.search import CoverageError, OrbitPlan, requirement, search, sp_vector
from groups import Orbit, parse_group

__all__ = ["Layout", "compose_orbits", "plan_layout"]

@typing.final
@attrs.frozen
class Layout:
    """Which plan goes where: ``helper`` on the first complex orbit (when cancelling), then
    ``complex_plan``/``real_plan`` (roles 'full' or 'partial') on every other orbit."""

    strategy: str
    requested: str
    complex_plan: OrbitPlan | None
    complex_role: str
    real_plan: OrbitPlan | None
    real_role: str
    helper: OrbitPlan | None = None
    note: str = ""

    @property
    def cancel(self) -> bool:
        return self.helper is not None

    def order(self, group) -> int:
        cx, rl = len(group.complex_orbits()), len(group.real_orbits())
        total = 0
        if self.helper is not None:
            total += self.helper.order
            cx -= 1
        if cx:
            total += cx * self.complex_plan.order
        if rl:
            total += rl * self.real_plan.order
        return total

    def assignment(self, group, orbit: Orbit, helper_k: int | None) -> tuple[str, OrbitPlan]:
        if self.helper is not None and orbit.k == helper_k:
            return "helper", self.helper
        if orbit.is_real:
            return self.real_role, self.real_plan
        return self.complex_role, self.complex_plan


def _orbit_error(group, orbit: Orbit, err: CoverageError) -> CoverageError:
    coords = tuple(int(x) for x in group.coords(orbit.k))
    members = "{" + ", ".join(str(m) for m in orbit.members) + "}"
    return CoverageError(
        f"orbit k={orbit.k} of {group.spec} ({orbit.kind} orbit {members}, k = {coords}) cannot be covered: {err}",
        kind=orbit.kind,
        missing=err.missing,
        best=err.best,
        orbit=orbit,
    )


def plan_layout(group, strategy: str = "auto", *, registry: Registry | None = None, polynomial: bool = True, sums: bool = True, max_factors: int = 3) -> Layout:
    """Choose the per-orbit plans for ``strategy`` (see the module docstring)."""
    G = parse_group(group)
    registry = current_registry() if registry is None else registry
    if strategy not in ("f6", "f46", "auto"):
        raise ValueError(f"plan_layout takes strategy f6, f46 or auto, got {strategy!r}")
    cx, rl = G.complex_orbits(), G.real_orbits()

    def get(kind, cancel=False, helper=False):
        try:
            return search(kind, requirement(kind, cancel), registry=registry, polynomial=polynomial, sums=sums, max_factors=max_factors, helper=helper)
        except CoverageError as e:
            return e

    full_c = get("complex") if cx else None
    full_r = get("real") if rl else None

    def f6_layout(note=""):
        for orbits, plan in ((cx, full_c), (rl, full_r)):
            if isinstance(plan, CoverageError):
                raise _orbit_error(G, orbits[0], plan)
        return Layout("f6", strategy, full_c, "full", full_r, "full", None, note)

    if strategy == "f6":
        return f6_layout()
    if not cx:
        return f6_layout(f"{G.spec} has no complex orbit, so no helper orbit for R_n cancellation: {strategy} falls back to f6")
    helper = get("complex", helper=True)
    if isinstance(helper, CoverageError):
        note = f"no helper orbit can be built from the registry ({helper}); {strategy} falls back to f6"
        return f6_layout(note)
    part_c = get("complex", cancel=True) if len(cx) > 1 else None
    part_r = get("real", cancel=True) if rl else None

    def pick(full, part, prefer_partial):
        ok_f, ok_p = isinstance(full, OrbitPlan), isinstance(part, OrbitPlan)
        if ok_f and ok_p:
            if part.order < full.order or (prefer_partial and part.order == full.order):
                return part, "partial"
            return full, "full"
        if ok_p:
            return part, "partial"
        if ok_f:
            return full, "full"
        return (full if full is not None else part), "none"

    c_plan, c_role = pick(full_c, part_c, True) if len(cx) > 1 else (None, "full")
    if strategy == "f46":
        r_plan, r_role = (full_r, "full") if isinstance(full_r, OrbitPlan) else (part_r, "partial")
    else:
        r_plan, r_role = pick(full_r, part_r, False) if rl else (None, "full")
    if isinstance(c_plan, CoverageError):
        raise _orbit_error(G, cx[1], c_plan)
    if isinstance(r_plan, CoverageError):
        raise _orbit_error(G, rl[0], r_plan)
    cancel_layout = Layout(strategy, strategy, c_plan, c_role, r_plan, r_role, helper)
    if strategy == "auto":
        try:
            plain = f6_layout()
        except CoverageError:
            plain = None
        if plain is not None and plain.order(G) <= cancel_layout.order(G):
            return attrs.evolve(plain, strategy="auto", requested="auto")
    return cancel_layout


def compose_orbits(G, layout: Layout, orbits, helper_k: int | None, registry: Registry, rng: np.random.Generator):
    """Instantiate ``layout`` on ``orbits`` (fresh parameter values from ``rng``), normalise the
    blocks, place them in weight space and — when the layout cancels — give the helper's nodes
    the output components γ_k = −ρ_k/N on every 'partial' orbit among ``orbits``.
    Returns (W_a, W_b, W_c, rows), one :class:`~cogs.solver.certificate.OrbitCertificate` per orbit."""
    orbits = list(orbits)
    raw, built = [], []
    for o in orbits:
        role, plan = layout.assignment(G, o, helper_k)
        try:
            block, rec = plan.instantiate(registry, rng)
        except CoverageError as e:
            raise _orbit_error(G, o, e) from None
        raw.append(block.v)
        built.append((role, plan, rec, int(block.order)))
    kinds = [o.kind for o in orbits]
    blocks = normalize_blocks(raw, kinds)
    ks = np.array([o.k for o in orbits], dtype=np.int64)
    negs = np.array([o.neg for o in orbits], dtype=np.int64)
    W_a, W_b, W_c, col_orbit = weights_from_blocks(G, ks, negs, blocks)
    cancel = {}
    if layout.cancel and helper_k is not None:
        rho = block_rn_residuals(blocks, ks == negs)
        i0 = int(np.flatnonzero(ks == helper_k)[0])
        targets = np.array([i for i, (role, *_) in enumerate(built) if role == "partial"], dtype=np.int64)
        hcols = np.flatnonzero(col_orbit == i0)
        gamma_of = {}
        if len(targets):
            gamma = cancel_rn_weights(G, W_c, hcols, blocks[i0], ks[targets], negs[targets], rho[targets])
            gamma_of = {int(i): g for i, g in zip(targets, gamma)}
        cancel = {i: {"rn_residual": complex(rho[i]), "gamma": complex(gamma_of[i]) if i in gamma_of else None} for i in range(len(orbits))}
    rows = [
        OrbitCertificate.of(G, o, role=role, name=plan.name, generators=list(plan.factors), leaves=rec, order=order,
                            block_sps=sp_vector(v, o.kind), **cancel.get(i, {}))
        for i, (o, (role, plan, rec, order), v) in enumerate(zip(orbits, built, blocks))
    ]
    return W_a, W_b, W_c, rows
