"""The ``polarize`` strategy: an exact network on any finite group from bilinear algorithms
for the blocks of its group algebra (docs/solutions.md#polarize-any-finite-group).

The bilinear part of a zero-loss network is a real bilinear algorithm for the group algebra
without its trivial block, R[G] ⊖ R ≅ ⊕_σ M_{m_σ}(D_σ) (docs/mathematics.md#any-finite-group).
Conversely, take for every non-trivial real irreducible σ a registered algorithm of rank R_σ
for its block (:mod:`cogs.generators.bilinear`): Σ_r (U_r·x)(V_r·y) W_r = x·y in the block's
coordinates. Through the block maps of :func:`groups.blocks` (φ_σ(x⋆y) = φ_σ(x) φ_σ(y)) it is
an algorithm on functions: u_r = forward·U_r, v_r = forward·V_r, w_r = W_r·backward, and
Σ_σ Σ_r u_r(g) v_r(h) w_r(k) = [g·h = k] − 1/n. Polarised — nodes (u_r, v_r, w_r/4) and
(u_r, −v_r, −w_r/4) — the cross terms add up to it and every junk term cancels in pairs, so
the loss is exactly 0 with 2 Σ_σ R_σ nodes.

``algorithm``: "best" (the lowest registered rank per block), "naive" (the schoolbook product
in every block), or the name of a registered algorithm (used on the blocks of its type, the
lowest rank elsewhere).

>>> import cogs
>>> [cogs.construct("S3", "polarize", algorithm=a).order for a in ("naive", "best")]   # 2·(1 + 8), 2·(1 + 7)
[18, 16]
"""

from __future__ import annotations

import typing

import numpy as np

from cogs.solver.strategy import Assembly, Plan, Refusal, Strategy

__all__ = ["POLARIZE", "Polarize", "choose_algorithms"]


def choose_algorithms(group, algorithm: str = "best"):
    """[(block, algorithm)] for every non-trivial block of ``group`` (module doc), or a
    ValueError naming an unknown algorithm."""
    from cogs.generators.bilinear import ALGORITHMS, algorithms_for, naive_algorithm
    from groups import blocks

    if not isinstance(algorithm, str):
        raise ValueError(f"algorithm must be 'best', 'naive' or a registered name, got {algorithm!r}")
    if algorithm not in ("best", "naive") and algorithm not in ALGORITHMS:
        raise ValueError(f"unknown bilinear algorithm {algorithm!r}; registered: {', '.join(ALGORITHMS)} "
                         "(or 'best', 'naive')")
    chosen = []
    for b in blocks(group):
        if algorithm == "naive":
            alg = naive_algorithm(b.kind, b.m)
        elif algorithm != "best" and (ALGORITHMS[algorithm].D, ALGORITHMS[algorithm].m) == (b.kind, b.m):
            alg = ALGORITHMS[algorithm]
        else:
            alg = algorithms_for(b.kind, b.m)[0]
        chosen.append((b, alg))
    return chosen


@typing.final
class Polarize(Strategy):
    """Polarised bilinear algorithms, one per block of R[G] (module doc)."""

    name = "polarize"
    summary = "any finite group: per block of the group algebra a registered bilinear algorithm, polarised (order 2 Σ ranks)"
    options = ("algorithm",)
    groups = "any"
    compared = True

    def compares_on(self, group) -> bool:
        """Compared on groups read by irreps only: on a group written as Z_n factors it would be
        f6 (refused there), so auto and bounds there are unchanged."""
        from groups import FiniteAbelianGroup

        return not isinstance(group, FiniteAbelianGroup)

    def plan(self, group, *, registry, algorithm: str = "best", **_):
        from groups import FiniteAbelianGroup

        if isinstance(group, FiniteAbelianGroup):
            return Refusal(self, group, f"on {group.spec}, a group written as Z_n factors, polarize is f6 (Gauss's three "
                                        "products per complex orbit, one per real character): construct f6",
                           brief="a group written as Z_n factors: f6 is this construction")
        try:
            chosen = choose_algorithms(group, algorithm)
        except ValueError as e:
            raise ValueError(f"polarize: {e}") from None
        if not chosen:
            return Refusal(self, group, f"{group.spec} has no non-trivial block", brief="no non-trivial block")
        order = 2 * sum(alg.rank for _, alg in chosen)
        note = "" if algorithm == "best" else f"algorithm: {algorithm}"
        return Plan(self, group, order, registry=registry, recipe=tuple(chosen), note=note)

    def assemble(self, plan, seed):
        from cogs.solver.block_certificate import BlockRow

        us, vs, ws, rows = [], [], [], []
        for block, alg in plan.recipe:
            U, V, W = np.asarray(alg.U), np.asarray(alg.V), np.asarray(alg.W)
            us.append(U @ block.forward.T)  # (R, n): u_r(g) = U_r · coords(φ(δ_g))
            vs.append(V @ block.forward.T)
            ws.append(W @ block.backward)  # (R, n): the function of block element W_r
            rows.append(BlockRow(block.irrep, block.kind, block.m, block.d, alg.name, alg.rank, 2 * alg.rank))
        u, v, w = np.concatenate(us), np.concatenate(vs), np.concatenate(ws)
        W_a = np.concatenate([u, u])
        W_b = np.concatenate([v, -v])
        W_c = np.concatenate([w / 4, -w / 4]).T
        return Assembly(W_a, W_b, np.ascontiguousarray(W_c), (), None, blocks=rows)


POLARIZE = Polarize()
