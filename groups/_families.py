"""The named finite groups of docs/groups.md, as Cayley tables in the documented indexing:
identity first; S_n permutations of {0..n−1} in one-line notation, lexicographic, with
(g·h)(i) = g(h(i)); A_n the even ones in the same order; D_n (order 2n) r^i s^j at index
i + n·j with s r s⁻¹ = r⁻¹; Dic_n (order 4n; Dic_2 = Q8) a^i x^j at i + 2n·j with x² = aⁿ and
x a x⁻¹ = a⁻¹; direct products in mixed radix, first factor least significant."""

from __future__ import annotations

import itertools
import math

import numpy as np

__all__ = ["alternating_table", "dicyclic_table", "dihedral_table", "product_table", "symmetric_table"]


def _permutation_table(perms: list[tuple[int, ...]]) -> np.ndarray:
    P = np.array(perms, dtype=np.int64)  # (m, n) one-line notation
    base = P.shape[1]
    weights = base ** np.arange(base - 1, -1, -1)
    code = {int(c): i for i, c in enumerate(P @ weights)}
    composed = P[:, P]  # composed[g, h, i] = g(h(i)) = P[g, P[h, i]]
    codes = composed @ weights
    return np.vectorize(code.__getitem__, otypes=[np.int64])(codes)


def _parity(p) -> int:
    seen, parity = set(), 0
    for i in range(len(p)):
        if i in seen:
            continue
        j, length = i, 0
        while j not in seen:
            seen.add(j)
            j, length = p[j], length + 1
        parity ^= (length - 1) & 1
    return parity


def symmetric_table(n: int) -> np.ndarray:
    return _permutation_table(list(itertools.permutations(range(n))))


def alternating_table(n: int) -> np.ndarray:
    return _permutation_table([p for p in itertools.permutations(range(n)) if _parity(p) == 0])


def dihedral_table(n: int) -> np.ndarray:
    """r^i s^j · r^k s^l = r^{i + (−1)^j k} s^{j+l}."""
    i, j = np.arange(2 * n) % n, np.arange(2 * n) // n
    sign = np.where(j == 1, -1, 1)
    rot = (i[:, None] + sign[:, None] * i[None, :]) % n
    ref = (j[:, None] + j[None, :]) % 2
    return rot + n * ref


def dicyclic_table(n: int) -> np.ndarray:
    """a^i x^j · a^k x^l = a^{i + (−1)^j k} x^{j+l}, with x² = aⁿ."""
    m = 2 * n
    i, j = np.arange(2 * m) % m, np.arange(2 * m) // m
    sign = np.where(j == 1, -1, 1)
    rot = i[:, None] + sign[:, None] * i[None, :]
    both = (j[:, None] == 1) & (j[None, :] == 1)
    rot = (rot + np.where(both, n, 0)) % m
    ref = (j[:, None] + j[None, :]) % 2
    return rot + m * ref


def product_table(tables: list[np.ndarray]) -> np.ndarray:
    """Mixed radix, first factor least significant: (g1, g2, …) ↦ g1 + n1·g2 + n1·n2·g3 + …"""
    sizes = [t.shape[0] for t in tables]
    total = math.prod(sizes)
    idx = np.arange(total)
    out = np.zeros((total, total), dtype=np.int64)
    radix = 1
    for t, n in zip(tables, sizes):
        coord = (idx // radix) % n
        out += radix * np.asarray(t, dtype=np.int64)[coord[:, None], coord[None, :]]
        radix *= n
    return out
