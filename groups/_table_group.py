"""Groups given by their Cayley table: the named non-Abelian families, GAP's SmallGroups,
direct products and tables read from files (docs/groups.md)."""

from __future__ import annotations

import typing

import numpy as np

from groups._finite import FiniteGroup

__all__ = ["GroupTableError", "TableGroup", "check_table", "set_named_builder", "MAX_TABLE_ORDER"]

#: the largest order of a group given by its table (a table of n² entries; training enumerates
#: the same n² pairs)
MAX_TABLE_ORDER = 1024


class GroupTableError(ValueError):
    """A multiplication table that is not the table of a group."""


def check_table(table, what: str = "table") -> np.ndarray:
    """The table as a read-only (n, n) int64 array, or :class:`GroupTableError` naming the
    first law it breaks: square, entries 0 … n−1, Latin square, an identity, associativity
    (all n³ triples)."""
    T = np.asarray(table)
    if T.ndim != 2 or T.shape[0] != T.shape[1] or T.shape[0] == 0:
        raise GroupTableError(f"{what}: a Cayley table must be a non-empty square array, got shape {T.shape}")
    if not np.issubdtype(T.dtype, np.integer):
        raise GroupTableError(f"{what}: a Cayley table holds integers, got {T.dtype}")
    n = T.shape[0]
    if n > MAX_TABLE_ORDER:
        raise GroupTableError(f"{what}: order {n} exceeds the supported {MAX_TABLE_ORDER} for a group given by its table")
    T = T.astype(np.int64)
    if T.min() < 0 or T.max() >= n:
        i, j = np.argwhere((T < 0) | (T >= n))[0]
        raise GroupTableError(f"{what}: entry [{i}, {j}] = {T[i, j]} is not an element index 0 … {n - 1}")
    ar = np.arange(n)
    sorted_rows, sorted_cols = np.sort(T, axis=1), np.sort(T, axis=0)
    if not (sorted_rows == ar).all():
        i = int(np.flatnonzero((sorted_rows != ar).any(1))[0])
        raise GroupTableError(f"{what}: not a Latin square (row {i} repeats an element): not a group")
    if not (sorted_cols == ar[:, None]).all():
        j = int(np.flatnonzero((sorted_cols != ar[:, None]).any(0))[0])
        raise GroupTableError(f"{what}: not a Latin square (column {j} repeats an element): not a group")
    ident = np.flatnonzero((T == ar[None, :]).all(1) & (T == ar[:, None]).all(0))
    if len(ident) == 0:
        raise GroupTableError(f"{what}: no identity element (no row and column that fix every element): not a group")
    chunk = max(1, (1 << 22) // (n * n))
    for a in range(0, n, chunk):
        left = T[T[a : a + chunk], :]  # ((x·y)·z) for x in the chunk: T[T[x, y], z]
        right = T[a : a + chunk][:, T]  # x·(y·z): T[x, T[y, z]]
        if not np.array_equal(left, right):
            x, y, z = np.argwhere(left != right)[0]
            raise GroupTableError(f"{what}: not associative: ({a + x}·{y})·{z} != {a + x}·({y}·{z}): not a group")
    T.setflags(write=False)
    return T


@typing.final
class TableGroup(FiniteGroup):
    """A finite group given by its Cayley table and a spec string.

    Build one with :func:`groups.parse_group` (named families, ``SmallGroup(n,i)``,
    products, table files) or :meth:`from_table` for a table of your own; elements keep the
    table's indices. Equal when spec and table are equal.

    >>> from groups import TableGroup
    >>> G = TableGroup.from_table([[1, 0], [0, 1]], name="flip")
    >>> G.identity, G.order
    (1, 2)
    """

    __slots__ = ("_spec", "_T", "_source")

    def __init__(self, table, spec: str, *, source: str = "table", checked: bool = False):
        if source not in ("named", "file", "table"):
            raise ValueError(f"source must be 'named', 'file' or 'table', got {source!r}")
        super().__init__()
        if checked:  # built here from a construction that is a group by definition
            T = np.array(table, dtype=np.int64)
            T.setflags(write=False)
        else:
            T = check_table(table, spec)
        object.__setattr__(self, "_T", T)
        object.__setattr__(self, "_spec", str(spec))
        object.__setattr__(self, "_source", source)

    @property
    def source(self) -> str:
        """'named' (a family, SmallGroup or product spec), 'file' (a table file) or 'table'."""
        return self._source

    @classmethod
    def from_table(cls, table, name: str = "table") -> "TableGroup":
        """A group from any (n, n) integer table (checked: see :func:`check_table`)."""
        return cls(table, name)

    @property
    def spec(self) -> str:
        return self._spec

    def _table(self) -> np.ndarray:
        return self._T

    def __eq__(self, other) -> bool:
        return isinstance(other, TableGroup) and self._spec == other._spec and np.array_equal(self._T, other._T)

    def __hash__(self) -> int:
        return hash(("TableGroup", self._spec, self._T.shape[0]))

    def __repr__(self) -> str:
        if self._source != "table":
            return f"parse_group({self._spec!r})"
        return f"TableGroup.from_table(<{self.order}×{self.order} table>, name={self._spec!r})"

    def __reduce__(self):  # a named group unpickles as the cached instance
        return (_rebuild, (self._spec, self._source, None if self._source == "named" else self._T.tolist()))


_named_builder = []  # [parse_group], set by groups._parse (which imports this module)


def set_named_builder(builder) -> None:
    """Let named groups unpickle through ``builder(spec)`` (groups._parse.parse_group)."""
    _named_builder[:] = [builder]


def _rebuild(spec, source, table):
    if source == "named":
        return _named_builder[0](spec)
    return TableGroup(table, spec, source=source)
