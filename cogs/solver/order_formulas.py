"""The orders the constructions predict (docs/solutions.md#global-solutions): the paper's
z_F6 = 6c + 2r and z_F4/6 = 2d (c > 0), the chain's 2(d − 1) − n3 for odd d (n3 orbits with
3k = 0; on an even group the order the chain plans with the current registry, when it
applies) and memorize's d².

>>> reference_orders("Z23")
{'f6': 66, 'f46': 46, 'chain': 44, 'memorize': 529}
>>> reference_orders("Z6"), paper_orders("Z2xZ2")
({'f6': 14, 'f46': 12, 'chain': 10, 'memorize': 36}, {'f6': 6})
"""

from __future__ import annotations

import cogs.solver.chain as chain
from cogs.generators.scope import current_registry
from groups import parse_group

__all__ = ["paper_orders", "reference_orders"]


def paper_orders(group) -> dict:
    """The paper's orders: z_F6 6c + 2r, and z_F4/6 2d when there is a complex orbit."""
    s = parse_group(group).summary()
    out = {"f6": 6 * s["complex_orbits"] + 2 * s["real_characters"]}
    if s["complex_orbits"] > 0:
        out["f46"] = 2 * s["order"]
    return out


def reference_orders(group, *, plans=()) -> dict:
    """:func:`paper_orders`, then chain = 2(d − 1) − n3 for odd d (for even d the chain's
    planned order with the current registry, when it applies) and memorize = d².

    ``plans``: plans already made for ``group`` (the :class:`~cogs.solver.strategy.Plan` being
    built and those ``auto`` compared); a chain plan among them made with the current registry
    and three-node blocks gives the even group's chain order without planning the chain again."""
    G = parse_group(group)
    d = G.order
    out = paper_orders(G)
    if d % 2 == 1:
        n3 = sum(1 for o in G.orbits() if int(G.element_orders()[o.k]) == 3)
        out["chain"] = 2 * (d - 1) - n3
    else:
        order = _even_chain_order(G, plans)
        if order is not None:
            out["chain"] = order
    out["memorize"] = d * d
    return out


def _even_chain_order(G, plans) -> int | None:
    registry = current_registry()
    for p in plans:
        if isinstance(p.recipe, chain.ChainLayout) and p.recipe.registry is registry and p.recipe.tri3:
            return p.order
    try:
        return chain.chain_layout(G, registry).order
    except ValueError:
        return None
