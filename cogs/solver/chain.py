"""The ``chain`` strategy: a global solution of order 2(d − 1) − n3 for every group of odd
order, and a hybrid for groups of even order.

The doubling map k ↦ 2k permutes the orbits {k, −k} of an odd-order group's dual
(:func:`groups.doubling_cycles`). Along each cycle k_0, 2k_0, …, 2^{L−1}k_0 every orbit gets
the registry's ``chain_link`` block (four nodes with DC input components), linked to the
Γ-pair exported by the next block of its cycle: with sign +1 (type u) when 2k_i = k_{i+1},
and −1 (type c) for the last block when the cycle closes on −k_0. Each block's exported pair
must have the sum S its predecessor asks for (−4/cos φ after a u block, −4/cos 3φ after a c
block); the solver builds every block once to read what it asks for, then wires the sums.
An orbit with 3k = 0 (a self-loop of type c) takes the registry's three-node ``tri3`` block
instead when ``tri3=True`` and the registry has it: order 2(d − 1) − n3, n3 the number of
such orbits. The output layer comes from the read-outs (:mod:`cogs.solver.linked_assembly`).
Certificates use the general κ form and brute force (:mod:`cogs.solver.certificate`).

**Even groups.** Doubling still permutes the orbits of characters of *odd* order, and those
get the chain as above. The rest — complex orbits of even order and real characters — get
the registry's per-orbit compositions (:mod:`cogs.solver.layout`, the z_F4/6 helper
included), or, when there is no complex orbit of even order (only on Z_2^n), one ``sign_node``
per real character plus one shared ``unit`` node (r + 1 nodes). The two parts do not
interact: in the general κ form, the terms at output frequency k involve only nodes whose
output reaches k, and the chain's nodes reach only odd-order orbits while the composed
blocks (zero-mean inputs) reach only their own orbits and the helper's partial ones; so each
part's exactness carries over. Brute force checks the whole.

The chain is planned once per group (:func:`chain_layout`: the cycles, the generator on each,
the registry layout for the rest and the order, or a ValueError with the reason it cannot be
built); :func:`chain_blocks` and :func:`chain_weights` build from that plan.

>>> layout = chain_layout("Z9")
>>> layout.order, [len(c) for c in layout.cycles], layout.tri3_cycles
(15, [3, 1], (False, True))
>>> from cogs.solver import construct
>>> c = construct("Z3xZ3", "chain")
>>> c.order, c.certificate.passed, c.certificate.certificate_form
(12, True, 'kappa (general form, DC inputs) + brute force')

See ``docs/beyond.md`` for the derivation.
"""

from __future__ import annotations

import typing

import attrs
import numpy as np

from cogs.generators.builtin_linked import DEFAULT_PHI, valid_phi
from cogs.generators.registry import Registry
from cogs.generators.scope import current_registry
from cogs.solver.certificate import OrbitCertificate
from cogs.solver.layout import Layout, compose_orbits, plan_layout
from cogs.solver.linked_assembly import assemble_linked
from cogs.solver.search import CoverageError
from groups import doubling_cycles, parse_group

__all__ = ["CHAIN_MAX_D", "ChainLayout", "chain_blocks", "chain_layout", "chain_order", "chain_weights"]

#: above this order the chain is refused (weights d × 2(d − 1) floats, certificate O(q²d))
CHAIN_MAX_D = 4096

# the roles of linked generators in the chain, by what their signature declares
ROLES = {
    "link": dict(orbits="complex", links="gamma", exports="gamma"),  # a doubling-cycle block
    "order3": dict(orbits="order3", links="", exports=""),  # a stand-alone block on 3k = 0
    "real": dict(orbits="real", links="unit", exports=""),  # a real character reading the unit node
    "unit": dict(orbits="dc", links="", exports="unit"),  # the shared unit node
}


def pick(registry: Registry, role: str):
    """The registered linked generator with the fewest nodes whose signature fits ``role``
    (registration order breaks ties), or None."""
    want = ROLES[role]
    fits = [g for g in registry.linked_generators() if all(getattr(g.signatures["complex"], k) == v for k, v in want.items())]
    return min(fits, key=lambda g: g.order) if fits else None


def _phi_params(gen, phi) -> dict:
    return {"phi": phi} if "phi" in gen.defaults() else {}


def _even_parts(G):
    """(complex orbits of even order, real orbits): what the chain does not cover."""
    orders = G.element_orders()
    return [o for o in G.complex_orbits() if orders[o.k] % 2 == 0], list(G.real_orbits())


def _sign_mode(G, registry) -> bool:
    even_cx, real = _even_parts(G)
    return bool(real) and not even_cx and pick(registry, "real") is not None and pick(registry, "unit") is not None


def _rest_layout(G, registry) -> tuple[Layout | None, int]:
    """The cheapest registry layout for the orbits the chain does not cover, and its order."""
    even_cx, real = _even_parts(G)
    if not even_cx and not real:
        return None, 0
    if _sign_mode(G, registry):
        return None, len(real) * pick(registry, "real").order + pick(registry, "unit").order
    best = None
    for strategy in ("auto", "f6"):
        try:
            lay = plan_layout(G, strategy, registry=registry)
        except CoverageError:
            continue
        if lay.cancel and not even_cx:
            continue  # the helper must sit on a complex orbit of even order
        n = 0
        if lay.cancel:
            n += lay.helper.order + (len(even_cx) - 1) * (lay.complex_plan.order if len(even_cx) > 1 else 0)
        else:
            n += len(even_cx) * (lay.complex_plan.order if even_cx else 0)
        n += len(real) * (lay.real_plan.order if real else 0)
        if best is None or n < best[1]:
            best = (lay, n)
    if best is None:
        raise ValueError(f"the registry cannot cover the even-order orbits of {G.spec} (chain covers only characters of odd order)")
    return best


def _uses_tri3(G, cycle, registry, tri3: bool) -> bool:
    gen = pick(registry, "order3")
    return tri3 and gen is not None and len(cycle) == 1 and cycle.closing_sign < 0 and gen.signatures["complex"].applies(G, cycle.ks[0])


@typing.final
@attrs.frozen(repr=False)
class ChainLayout:
    """What ``chain`` builds on a group (:func:`chain_layout`): the doubling ``cycles``, which
    of them take the three-node block (``tri3_cycles``), the angle ``phi``, whether the real
    characters get sign nodes and a unit node (``sign_mode``, Z_2^n), the registry ``rest``
    layout for the other even-order orbits, and the ``order`` all this builds."""

    group: typing.Any
    registry: Registry
    phi: float
    tri3: bool
    cycles: tuple
    tri3_cycles: tuple[bool, ...]
    sign_mode: bool
    rest: Layout | None
    order: int

    def __repr__(self) -> str:
        return f"ChainLayout(group={self.group.spec}, cycles={len(self.cycles)}, order={self.order})"


def chain_layout(group, registry: Registry | None = None, *, phi: float = DEFAULT_PHI, tri3: bool = True) -> ChainLayout:
    """Plan the chain on ``group`` (module doc): ValueError with the one-line reason when it
    cannot be built (no odd-order character to build on, a registry without the linked
    generators it needs) or when ``phi`` is not a valid angle. Planning works at any size; a
    group above :data:`CHAIN_MAX_D` is refused when the weights are built (:func:`chain_weights`)."""
    G = parse_group(group)
    registry = current_registry() if registry is None else registry
    phi = valid_phi(phi)
    cycles = tuple(doubling_cycles(G))
    uses = tuple(_uses_tri3(G, c, registry, tri3) for c in cycles)
    link = pick(registry, "link")
    if not all(uses) and link is None:
        raise ValueError("the registry has no linked generator that links and exports Γ-pairs on complex orbits (like chain_link), which chain needs")
    even_cx, real = _even_parts(G)
    sign_mode = _sign_mode(G, registry)
    if not cycles:
        if even_cx or not real:
            raise ValueError(
                f"{G.spec} has no character of odd order besides 0, so chain has no doubling cycle to build on "
                "and nothing to add to the registry's compositions — use f46 or auto"
            )
        if not sign_mode:
            raise ValueError(f"{G.spec} has only real characters, and the registry lacks a linked generator for them (sign_node) or the shared unit node (unit)")
    rest, order = _rest_layout(G, registry)
    for cyc, tri in zip(cycles, uses):
        order += pick(registry, "order3").order if tri else len(cyc) * link.order
    return ChainLayout(G, registry, phi, tri3, cycles, uses, sign_mode, rest, order)


def chain_order(group, *, registry: Registry | None = None, tri3: bool = True) -> int:
    """The order ``chain`` builds (ValueError with the reason if it can't)."""
    return chain_layout(group, registry, tri3=tri3).order


def _row(G, gen, params, b, cycle) -> OrbitCertificate:
    if b.k == 0:
        return OrbitCertificate({"k": 0, "neg": 0, "kind": "dc", "coords": [0] * len(G.moduli), "role": gen.name, "name": gen.name,
                                 "generators": [gen.name], "leaves": [{"generator": gen.name, "params": {}}], "order": int(b.order), "dc_inputs": True})
    gamma_link = b.link is not None and b.link.kind == "gamma"
    link = {}
    if gamma_link:
        link = dict(type=b.params["type"], links_to=int(G.orbit_of(b.link.k).k), link_character=int(b.link.k), S=b.params["S"], s=[b.params["s1"], b.params["s2"]])
    elif b.link is not None:
        link = dict(links_to=0, type="unit")
    return OrbitCertificate.of(
        G,
        G.orbit_of(b.k),
        character=b.k,
        role="chain" if gamma_link else gen.name,
        name=gen.name,
        generators=[gen.name],
        leaves=[{"generator": gen.name, "params": {**params, **{p: v for p, v in b.params.items() if p in ("S",)}}}],
        order=int(b.order),
        cycle=cycle,
        dc_inputs=bool(b.has_dc),
        **link,
    )


def chain_blocks(layout: ChainLayout):
    """The linked blocks of the chain construction (odd-order orbits; on Z_2^n also the sign
    nodes and the unit node) and one certificate row per block, sorted by orbit."""
    G, registry, phi = layout.group, layout.registry, layout.phi
    blocks, rows = [], []
    for ci, (cyc, tri) in enumerate(zip(layout.cycles, layout.tri3_cycles)):
        if tri:
            gen = pick(registry, "order3")
            gens = [(gen, _phi_params(gen, phi))]
            built = [gen.build_linked(G, cyc.ks[0], gens[0][1])]
        else:
            gen = pick(registry, "link")
            params = _phi_params(gen, phi)
            signs = [cyc.next(i)[1] for i in range(len(cyc))]
            # pass 1: what sum does each block ask of the pair it reads? pass 2: wire it
            asks = [gen.build_linked(G, k, params, link_sign=s).link.S for k, s in zip(cyc.ks, signs)]
            built = [gen.build_linked(G, k, params, link_sign=s, S=asks[i - 1]) for i, (k, s) in enumerate(zip(cyc.ks, signs))]
            gens = [(gen, params)] * len(built)
        for (gen, params), b in zip(gens, built):
            blocks.append(b)
            rows.append(_row(G, gen, params, b, ci))
    if layout.sign_mode:
        sign, unit = pick(registry, "real"), pick(registry, "unit")
        for o in _even_parts(G)[1]:
            blocks.append(sign.build_linked(G, o.k))
            rows.append(_row(G, sign, {}, blocks[-1], None))
        blocks.append(unit.build_linked(G, 0))
        rows.append(_row(G, unit, {}, blocks[-1], None))
    order = np.argsort([r.k for r in rows], kind="stable")
    return [blocks[i] for i in order], [rows[i] for i in order]


def chain_weights(layout: ChainLayout, *, seed: int = 0):
    """(W_a, W_b, W_c, rows) of the chain construction (float64, exact up to rounding); on an
    even group the orbits the chain does not cover get the registry's compositions (random
    parameter values from ``seed``), placed after the chain's nodes."""
    G = layout.group
    if G.order > CHAIN_MAX_D:  # a limit on building; the plan (its order) is known at any size
        q = layout.order
        raise ValueError(f"chain builds {q} nodes for {G.spec} (weights ≈ {3 * q * G.order * 8 / 1e9:.1f} GB); refusing "
                         f"|G| = {G.order} > {CHAIN_MAX_D} (CHAIN_MAX_D)")
    blocks, rows = chain_blocks(layout)
    W_a, W_b, W_c, _ = assemble_linked(G, blocks)
    if layout.rest is not None:
        even_cx, real = _even_parts(G)
        helper_k = even_cx[0].k if (layout.rest.cancel and even_cx) else None
        A, B, C, more = compose_orbits(G, layout.rest, even_cx + real, helper_k, layout.registry, np.random.default_rng(seed))
        W_a, W_b, W_c = np.vstack([W_a, A]), np.vstack([W_b, B]), np.hstack([W_c, C])
        rows = sorted(rows + more, key=lambda r: r.k)
    return W_a, W_b, W_c, rows
