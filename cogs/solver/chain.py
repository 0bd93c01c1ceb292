"""The ``chain`` strategy: a global solution of order 2(d − 1) − n3 for every group of odd order.

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

>>> from cogs.solver import construct
>>> c = construct("Z3xZ3", "chain")
>>> c.order, c.certificate.passed, c.certificate.data["certificate_form"]
(12, True, 'kappa (general form, DC inputs) + brute force')

See ``docs/beyond.md`` for the derivation.
"""

from __future__ import annotations

import math

import numpy as np

from cogs.generators.chain import DEFAULT_PHI, valid_phi
from cogs.generators.registry import Registry, current_registry
from cogs.solver.linked_assembly import assemble_linked
from groups import doubling_cycles, parse_group

__all__ = ["chain_blocks", "chain_order", "chain_refusal"]

CHAIN = "chain_link"
TRI3 = "tri3"


def chain_refusal(group, registry: Registry | None = None) -> str | None:
    """Why ``chain`` cannot build a solution for ``group`` (one line), or None if it can."""
    G = parse_group(group)
    registry = current_registry() if registry is None else registry
    if G.order % 2 == 0:
        return (
            f"chain needs a group of odd order (the doubling map k ↦ 2k must permute the orbits {{k, −k}}); "
            f"{G.spec} has order {G.order}, with real characters that doubling sends to 0 — use f46 or auto"
        )
    if CHAIN not in registry or registry[CHAIN].builds != "linked":
        return f"the registry has no linked generator {CHAIN!r}, which chain needs"
    return None


def _uses_tri3(G, cycle, registry, tri3: bool) -> bool:
    return tri3 and TRI3 in registry and len(cycle) == 1 and cycle.closing_sign < 0 and registry[TRI3].signatures["complex"].applies(G, cycle.ks[0])


def chain_order(group, *, registry: Registry | None = None, tri3: bool = True) -> int:
    """The order ``chain`` builds (ValueError with :func:`chain_refusal`'s reason if it can't)."""
    G = parse_group(group)
    registry = current_registry() if registry is None else registry
    why = chain_refusal(G, registry)
    if why:
        raise ValueError(why)
    total = 0
    for cyc in doubling_cycles(G):
        if _uses_tri3(G, cyc, registry, tri3):
            total += registry[TRI3].order
        else:
            total += len(cyc) * registry[CHAIN].order
    return total


def chain_blocks(group, *, registry: Registry | None = None, phi: float = DEFAULT_PHI, tri3: bool = True):
    """The linked blocks of the chain construction and one certificate row per orbit."""
    G = parse_group(group)
    registry = current_registry() if registry is None else registry
    why = chain_refusal(G, registry)
    if why:
        raise ValueError(why)
    phi = valid_phi(phi)
    coords = G.elements()
    blocks, rows = [], []
    for ci, cyc in enumerate(doubling_cycles(G)):
        if _uses_tri3(G, cyc, registry, tri3):
            gens = [(registry[TRI3], {})]
            built = [registry[TRI3].build_linked(G, cyc.ks[0])]
        else:
            gen = registry[CHAIN]
            signs = [cyc.next(i)[1] for i in range(len(cyc))]
            # pass 1: what sum does each block ask of the pair it reads? pass 2: wire it
            asks = [gen.build_linked(G, k, {"phi": phi}, link_sign=s).link.S for k, s in zip(cyc.ks, signs)]
            built = [gen.build_linked(G, k, {"phi": phi}, link_sign=s, S=asks[i - 1]) for i, (k, s) in enumerate(zip(cyc.ks, signs))]
            gens = [(gen, {"phi": phi})] * len(built)
        for (gen, params), b in zip(gens, built):
            o = G.orbit_of(b.k)
            row = {
                "k": o.k,
                "neg": o.neg,
                "kind": o.kind,
                "coords": [int(x) for x in coords[b.k]],
                "character": int(b.k),
                "role": "chain" if gen.name == CHAIN else gen.name,
                "name": gen.name,
                "generators": [gen.name],
                "leaves": [{"generator": gen.name, "params": {**params, **{p: v for p, v in b.params.items() if p in ("S",)}}}],
                "order": int(b.order),
                "cycle": ci,
                "dc_inputs": bool(b.has_dc),
            }
            if b.link is not None:
                row.update(type=b.params["type"], links_to=int(G.orbit_of(b.link.k).k), link_character=int(b.link.k), S=b.params["S"], s=[b.params["s1"], b.params["s2"]])
            blocks.append(b)
            rows.append(row)
    order = np.argsort([r["k"] for r in rows], kind="stable")
    return [blocks[i] for i in order], [rows[i] for i in order]


def chain_weights(group, *, registry: Registry | None = None, phi: float = DEFAULT_PHI, tri3: bool = True):
    """(W_a, W_b, W_c, rows) of the chain construction (float64, exact up to rounding)."""
    G = parse_group(group)
    blocks, rows = chain_blocks(G, registry=registry, phi=phi, tri3=tri3)
    W_a, W_b, W_c, _ = assemble_linked(G, blocks)
    return W_a, W_b, W_c, rows


def predicted_chain_order(d: int, n3: int, tri3: bool = True) -> int:
    """2(d − 1) − n3 with the 3-node blocks, 2(d − 1) without (built-in registry)."""
    return 2 * (d - 1) - (n3 if tri3 else 0)


_ = math  # (kept for docstring formulas)
