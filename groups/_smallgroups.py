"""GAP's SmallGroups library up to order :data:`SHIPPED_MAX_ORDER`, as package data.

``groups/data/smallgroups.npz`` holds the Cayley table of every group SmallGroup(n, i) of
order n ≤ 64, generated once with GAP by ``groups/data/generate_smallgroups.py`` (elements in
GAP's ``AsSortedList`` order, 0-based; see groups/data/README.md for the citation). Nothing
here runs GAP: the tables are read from the file, one order at a time, and cached.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from groups._errors import GroupSpecError

__all__ = ["SHIPPED_MAX_ORDER", "number_of_small_groups", "small_group_table"]

SHIPPED_MAX_ORDER = 64
_DATA = Path(__file__).parent / "data" / "smallgroups.npz"


@functools.lru_cache(maxsize=None)
def _tables(n: int) -> np.ndarray:
    with np.load(_DATA, allow_pickle=False) as data:
        tables = np.array(data[f"n{n}"], dtype=np.int64)
    tables.setflags(write=False)
    return tables


def number_of_small_groups(n: int) -> int:
    """How many groups of order n (up to isomorphism) the shipped library holds."""
    if not 1 <= n <= SHIPPED_MAX_ORDER:
        raise GroupSpecError(f"orders 1 … {SHIPPED_MAX_ORDER} are shipped, not {n}")
    return int(_tables(n).shape[0])


def small_group_table(n: int, i: int, spec: str) -> np.ndarray:
    """The (n, n) table of SmallGroup(n, i), or a one-line :class:`GroupSpecError`."""
    if n > SHIPPED_MAX_ORDER:
        raise GroupSpecError(
            f"group spec {spec!r}: SmallGroups are shipped up to order {SHIPPED_MAX_ORDER}; for order {n} give the table "
            "as a file instead: FILE.json (one object with \"table\") or FILE.jsonl:NAME (the reference collection format)"
        )
    if n < 1:
        raise GroupSpecError(f"group spec {spec!r}: there is no group of order {n}; SmallGroup(n,i) needs 2 ≤ n ≤ {SHIPPED_MAX_ORDER}")
    if n < 2:
        raise GroupSpecError(f"group spec {spec!r}: SmallGroup({n},{i}) is the trivial group; CoGS needs order ≥ 2")
    count = number_of_small_groups(n)
    if not 1 <= i <= count:
        raise GroupSpecError(f"group spec {spec!r}: there are {count} groups of order {n}, numbered 1 … {count}")
    return _tables(n)[i - 1]
