"""Assemble linked blocks into a network: stack the input rows, wire links to exports, and
write the output layer from the read-outs.

For blocks b on complex orbits with characters k_b, read-out rows α_b, β_b (over all nodes
after wiring: own nodes, plus the linked Γ-pair's two nodes with coefficients
±coef/(s1' − s2'), since (h1' − h2')/(s1' − s2') = 2Γ' + S' exactly), the output layer is

    W_c[g, j] = (2/d) Σ_b (cos θ_b(g) α_b[j] + sin θ_b(g) β_b[j]),   θ_b(g) = 2π⟨k_b, g⟩,

so that P o(a, b) = Σ_b (2/d) cos(θ_b − X_b) = P e_{a+b} exactly (docs/beyond.md). A block
on a real character contributes (1/d) cos θ_b(g) α_b[j] (there sin θ_b = 0 and the orbit is a
single character); a block at k = 0 (the shared unit node) contributes no output of its own.
"""

from __future__ import annotations

import numpy as np

from cogs.generators.linked import LinkedBlock, gamma_roots, orbit_phases

__all__ = ["LinkError", "assemble_linked"]


class LinkError(ValueError):
    """A link that no block exports, or an export that disagrees with what the link needs."""


def _wire(blocks: list[LinkedBlock], offsets: list[int], n: int):
    """Per block: its read-out rows (α, β) over all n nodes."""
    by_k = {b.k: i for i, b in enumerate(blocks)}
    rows = []
    for i, b in enumerate(blocks):
        ab = np.zeros((2, n))
        ab[:, offsets[i] : offsets[i] + b.order] = b.readout
        if b.link is not None and b.link.kind == "unit":
            j = next((i for i, c in enumerate(blocks) if c.export is not None and c.export.kind == "unit"), None)
            if j is None:
                raise LinkError(f"the block at k={b.k} reads the unit node, which no block exports")
            ab[:, offsets[j] + blocks[j].export.nodes[0]] += np.asarray(b.link.coef)  # h ≡ 1
        elif b.link is not None:
            j = by_k.get(b.link.k)
            if j is None or blocks[j].export is None:
                raise LinkError(f"the block at k={b.k} links to a Γ-pair at k={b.link.k}, which no block exports")
            e = blocks[j].export
            if abs(e.phi - b.link.phi) > 1e-12 or abs(e.S - b.link.S) > 1e-9 * max(1.0, abs(e.S)):
                raise LinkError(
                    f"the block at k={b.k} needs the Γ-pair at k={b.link.k} with φ={b.link.phi:.6g}, S={b.link.S:.6g}; "
                    f"that block exports φ={e.phi:.6g}, S={e.S:.6g}"
                )
            s1, s2 = gamma_roots(e.S)
            coef = np.asarray(b.link.coef)
            i1, i2 = (offsets[j] + t for t in e.nodes)
            ab[:, i1] += coef / (s1 - s2)
            ab[:, i2] -= coef / (s1 - s2)
        rows.append(ab)
    return rows


def assemble_linked(group, blocks: list[LinkedBlock]):
    """(W_a, W_b, W_c, col_block) for a list of linked blocks covering complex orbits."""
    d = group.order
    offsets = np.cumsum([0] + [b.order for b in blocks]).tolist()
    n = offsets[-1]
    W_a = np.vstack([b.W_a for b in blocks]) if blocks else np.zeros((0, d))
    W_b = np.vstack([b.W_b for b in blocks]) if blocks else np.zeros((0, d))
    W_c = np.zeros((d, n))
    for b, ab in zip(blocks, _wire(blocks, offsets, n)):
        if b.k == 0:
            continue  # shared nodes: P removes the trivial character
        theta = orbit_phases(group, b.k)
        weight = (1.0 if group.is_real_character(b.k) else 2.0) / d
        cols = np.flatnonzero(np.any(ab != 0, axis=0))  # own nodes and the linked pair: O(d) columns
        W_c[:, cols] += weight * (np.outer(np.cos(theta), ab[0, cols]) + np.outer(np.sin(theta), ab[1, cols]))
    col_block = np.repeat(np.arange(len(blocks)), [b.order for b in blocks])
    return W_a, W_b, W_c, col_block
