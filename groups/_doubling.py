"""The doubling map k ↦ 2k on the orbits {k, −k} of the dual group, and its cycles.

On the characters of odd order (all of Ĝ when |G| is odd) doubling is a bijection that
commutes with k ↦ −k, so it permutes their orbits {k, −k}. Starting from a character k_0, the chain k_i = 2^i k_0 returns to
the orbit of k_0 after L steps (L the least with 2^L k_0 ∈ {k_0, −k_0}); it *closes* with sign
+1 when 2^L k_0 = k_0 and with sign −1 when 2^L k_0 = −k_0 (e.g. the self-loop 3k = 0, where
2k = −k and L = 1). The cycles partition the non-trivial orbits.

>>> from groups import parse_group
>>> [(c.ks, c.closing_sign) for c in doubling_cycles(parse_group("Z7"))]
[((1, 2, 4), 1)]
>>> doubling_cycles(parse_group("Z9"))[1]
DoublingCycle(ks=(3,), closing_sign=-1)
>>> doubling_cycles(parse_group("Z12"))   # only the characters of order 3 (k = 4, 8)
(DoublingCycle(ks=(4,), closing_sign=-1),)
"""

from __future__ import annotations

import numpy as np

import typing

import attrs

__all__ = ["DoublingCycle", "doubling_cycles"]


@typing.final
@attrs.frozen
class DoublingCycle:
    """One cycle of the doubling map: ``ks[i] = 2^i ks[0]`` (character indices, each in a
    different orbit), and ``2 · ks[-1] = closing_sign · ks[0]``."""

    ks: tuple[int, ...] = attrs.field(converter=lambda ks: tuple(int(k) for k in ks))
    closing_sign: int = attrs.field(converter=int)

    def __len__(self) -> int:
        return len(self.ks)

    def next(self, i: int) -> tuple[int, int]:
        """(index of the next block, sign): 2·ks[i] = sign · ks[next]."""
        if i + 1 < len(self.ks):
            return i + 1, 1
        return 0, self.closing_sign


def doubling_cycles(group) -> tuple[DoublingCycle, ...]:
    """The cycles of k ↦ 2k on the orbits of characters of *odd order*, ordered by their
    smallest representative; each starts at its orbit representative with the smallest
    index. For a group of odd order these cover every orbit; for an even one, the orbits of
    characters of even order (real characters among them) are in no cycle: doubling maps
    them towards 0."""
    d = group.order
    neg = group.neg_table()
    orders = group.element_orders()
    ks = np.arange(d)
    double = group.add(ks, ks)  # 2k, elementwise (never the d × d table)
    seen: set[int] = set()
    cycles = []
    for orbit in group.orbits():
        if orbit.k in seen or orders[orbit.k] % 2 == 0:
            continue
        ks = [orbit.k]
        while True:
            nxt = int(double[ks[-1]])
            if nxt == ks[0] or nxt == int(neg[ks[0]]):
                sign = 1 if nxt == ks[0] else -1
                break
            ks.append(nxt)
        for k in ks:
            seen.update((k, int(neg[k])))
        cycles.append(DoublingCycle(ks, sign))
    return tuple(cycles)
