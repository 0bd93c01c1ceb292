"""The built-in strategies f6, f46, chain and memorize (``auto``, which compares the registered
ones, lives with the registry in :mod:`cogs.solver.strategies`).

c = complex orbits, r = real characters, d = |G| = 1 + 2c + r (docs/solutions.md#global-solutions):

``f6``        z_F6 — every orbit fully solved on its own: the lowest-order composition that
              kills all its SPs (with the built-ins a normalised z_ν*z_syn, order 6, on each
              complex orbit and z_real, order 2, on each real one): order 6c + 2r, 3(d−1)
              for odd cyclic d.
``f46``       z_F4/6 — one complex orbit k0 (the first) is a *helper*: fully solved and with
              vanishing c-free sums (z_ν*z_syn with |ν| = 1); every other complex orbit only
              needs R_c ∪ R_* (z_{ν=i}*z_ξ, order 4) and its R_n residual ρ_k is cancelled by
              output components γ_k = −ρ_k/N on the helper's nodes; real orbits carry
              z_real. Order 6 + 4(c−1) + 2r = 2d. A group without complex orbits (Z_2^n)
              has no helper: f46 falls back to f6 and says so in the certificate.
``chain``     the doubling chain of :mod:`cogs.solver.chain`: four nodes with DC inputs per
              orbit of odd-order characters, linked along the cycles of k ↦ 2k, three on
              orbits with 3k = 0: order 2(d − 1) − n3 for odd d (``tri3=False``: 2(d − 1)).
              On even groups the other orbits get registry compositions (or sign nodes on
              Z_2^n); groups without odd-order characters are refused with the reason.
              Certified by the κ form and brute force.
``memorize``  z_M = y_1*y_2 (docs/solutions.md#global-solutions), order d²: one node per pair (g, h). Refused above
              |G| = MEMORIZE_MAX_D (d² nodes and an O(q²d) certificate).

The per-orbit compositions come from :func:`cogs.solver.search.search` (the registry, never a
hard-coded answer); each orbit gets fresh random parameter values from ``seed``.

>>> from cogs.solver import construct
>>> c = construct("Z7", "f46", seed=0)
>>> c.order, c.certificate.loss < 1e-12, c.certificate.details
(14, True, LayoutDetails(helper_orbit=1))

Reference: Tian, NeurIPS 2025, arXiv:2410.01779 (docs/solutions.md#global-solutions).
"""

from __future__ import annotations

import typing

import attrs
import numpy as np

import cogs.solver.chain as chain
from cogs.generators.builtin import memorization_direct, memorization_element, memorization_weights
from cogs.generators.builtin_linked import DEFAULT_PHI, valid_phi
from cogs.solver.assemble import gauge_fix
from cogs.solver.certificate import OrbitCertificate, StrategyDetails
from cogs.solver.layout import plan_layout, compose_orbits
from cogs.solver.search import CoverageError, sp_vector
from cogs.solver.strategy import Assembly, Plan, Refusal, Strategy
from groups import FiniteAbelianGroup
from models.spectrum import paper_scale

__all__ = ["CHAIN", "ChainDetails", "Composed", "F46", "F6", "LayoutDetails", "MEMORIZE", "MEMORIZE_MAX_D", "MemorizationCheck",
           "compose_layout", "layout_plan"]

MEMORIZE_MAX_D = 64
LAYOUT_OPTIONS = ("polynomial", "sums", "max_factors")


@typing.final
@attrs.frozen
class LayoutDetails(StrategyDetails):
    """A registry layout's certificate entry: the helper orbit (None without R_n cancellation)."""

    helper_orbit: int | None

    def to_dict(self) -> dict:
        return {"helper_orbit": self.helper_orbit}


@typing.final
@attrs.frozen
class MemorizationCheck(StrategyDetails):
    """memorize's check of y_1*y_2 against the direct weight-space form: per row (a, b, c) the
    scale between them, the scale expected (λ/d, λ/d, λ/2d) and the largest deviation."""

    row_scales: tuple[complex, ...]
    expected_row_scales: tuple[float, ...]
    max_abs_deviation_from_direct_form: float

    def to_dict(self) -> dict:
        return {"memorization_check": attrs.asdict(self)}


@typing.final
@attrs.frozen
class ChainDetails(StrategyDetails):
    """The chain's certificate entry: φ, whether orbits with 3k = 0 took three-node blocks, the
    number of doubling cycles and of orbits given registry compositions."""

    phi: float
    tri3: bool
    cycles: int
    composed_orbits: int

    def to_dict(self) -> dict:
        return {"chain": attrs.asdict(self)}


def layout_plan(strategy: Strategy, group, registry, **search_options) -> Plan | Refusal:
    """The plan of the registry layout :func:`~cogs.solver.layout.plan_layout` makes for
    ``strategy.name`` (f6, f46 or auto); a refusal naming the orbit the registry cannot cover."""
    try:
        layout = plan_layout(group, strategy.name, registry=registry, **search_options)
    except CoverageError as e:
        return Refusal(strategy, group, str(e), cause=e)
    return Plan(strategy, group, layout.order(group), registry=registry, recipe=layout, note=layout.note, name=layout.strategy)


def compose_layout(plan: Plan, seed: int) -> Assembly:
    """Build a layout plan: its compositions on every orbit, the helper's γ on the partial ones."""
    G, layout = plan.group, plan.recipe
    cx = G.complex_orbits()
    helper_k = cx[0].k if (layout.cancel and cx) else None
    W_a, W_b, W_c, rows = compose_orbits(G, layout, G.orbits(), helper_k, plan.registry, np.random.default_rng(seed))
    return Assembly(W_a, W_b, W_c, rows, LayoutDetails(helper_k))


@typing.final
class Composed(Strategy):
    """f6 or f46: a registry layout of per-orbit compositions (module doc)."""

    options = LAYOUT_OPTIONS

    def __init__(self, name: str, summary: str):
        self.name, self.summary = name, summary

    def plan(self, group, *, registry, polynomial=True, sums=True, max_factors=3, **_):
        return layout_plan(self, group, registry, polynomial=polynomial, sums=sums, max_factors=max_factors)

    def assemble(self, plan, seed):
        return compose_layout(plan, seed)


@typing.final
class Chain(Strategy):
    """The doubling chain (module doc, :mod:`cogs.solver.chain`); options ``phi`` (the angle,
    default π/8; a bad one is an error, not a refusal) and ``tri3``."""

    name = "chain"
    summary = "the doubling chain with DC inputs: order 2(d − 1) − n3 for odd d, registry compositions on the rest of an even group"
    options = ("phi", "tri3")

    def plan(self, group, *, registry, phi=None, tri3=True, **_):
        phi = valid_phi(DEFAULT_PHI if phi is None else phi)
        try:
            layout = chain.chain_layout(group, registry, phi=phi, tri3=tri3)
        except ValueError as e:
            return Refusal(self, group, str(e))
        return Plan(self, group, layout.order, registry=registry, recipe=layout)

    def assemble(self, plan, seed):
        layout = plan.recipe
        W_a, W_b, W_c, rows = chain.chain_weights(layout, seed=seed)
        details = ChainDetails(
            phi=float(layout.phi),
            tri3=bool(layout.tri3),
            cycles=len({r.cycle for r in rows if r.cycle is not None}),
            composed_orbits=sum(1 for r in rows if r.role in ("helper", "partial", "full")),
        )
        return Assembly(*gauge_fix(W_a, W_b, W_c), rows, details)


@typing.final
class Memorize(Strategy):
    """z_M = y_1*y_2 from the registry's element generators (module doc)."""

    name = "memorize"
    summary = "z_M = y_1*y_2, perfect memorisation: order d², refused above d = 64"
    compared = False  # d² nodes: never the lowest order, and refused above d = 64
    groups = "any"  # on a group read by irreps: the same nodes written in weight space

    def plan(self, group, *, registry, **_):
        d = group.order
        if d > MEMORIZE_MAX_D:
            return Refusal(self, group, f"memorize builds d² = {d * d} hidden nodes for {group.spec}; refusing |G| = {d} > {MEMORIZE_MAX_D} "
                                        "(size limit MEMORIZE_MAX_D: weights O(d³), certificate O(d⁵))",
                           brief=f"d = {d} > {MEMORIZE_MAX_D}: d² nodes not affordable")
        if not isinstance(group, FiniteAbelianGroup):
            return Plan(self, group, d * d, registry=registry, note="one node per pair (g, h): e_g, e_h, ½ P e_{g·h}")
        missing = [n for n in ("y_1", "y_2") if n not in registry or registry[n].builds != "element"]
        if missing:
            e = CoverageError(f"the registry lacks the memorisation factor(s) {', '.join(missing)} (element generators)", missing=missing)
            return Refusal(self, group, str(e), cause=e)
        return Plan(self, group, d * d, registry=registry)

    def assemble(self, plan, seed):
        G, registry = plan.group, plan.registry
        d = G.order
        if not isinstance(G, FiniteAbelianGroup):  # no characters: z_M as written in weight space
            return Assembly(*memorization_weights(G), ())
        y1 = registry["y_1"].build_element(G)
        y2 = registry["y_2"].build_element(G)
        el = memorization_element(G, y1, y2)
        # check against the direct weight-space form (same node order (g, h) → column g·d + h)
        direct = memorization_direct(G).z
        raw = (y1 * y2).z.copy()
        raw[2, 0, :] = 0  # the projection P
        scales = [complex(np.vdot(raw[p], direct[p]) / np.vdot(raw[p], raw[p])) for p in range(3)]
        dev = float(max(np.abs(scales[p] * raw[p] - direct[p]).max() for p in range(3)))
        rows = [
            OrbitCertificate.of(G, o, role="shared", name="y_1*y_2", generators=["y_1", "y_2"],
                                leaves=[{"generator": "y_1", "params": {}}, {"generator": "y_2", "params": {}}], order=d * d,
                                block_sps=sp_vector(el.z[:, o.k, :].real if o.is_real else el.z[:, o.k, :], o.kind))
            for o in G.orbits()
        ]
        lam = paper_scale(d)
        check = MemorizationCheck(tuple(scales), (lam / d, lam / d, lam / (2 * d)), dev)
        return Assembly(*el.to_weights(), rows, check)


F6 = Composed("f6", "z_F6: every orbit fully solved on its own, order 6c + 2r")
F46 = Composed("f46", "z_F4/6: R_n cancelled through one helper orbit, order 2d (f6 on Z_2^n)")
CHAIN = Chain()
MEMORIZE = Memorize()
