"""Parsing of the group spec strings of docs/groups.md.

Finite Abelian groups as before ('Z23', '23', 'Z2xZ3xZ4', '2x3x4': docs/mathematics.md#groups-and-elements),
and any finite group: 'S3'…'S6', 'A4'…'A6', 'D3'… (dihedral of order 2n), 'Dic2'… (order 4n,
'Q8' = 'Dic2'), 'SmallGroup(n,i)' (GAP's numbering, n ≤ 64), direct products of any of these
with 'x' ('S3xZ3', 'Q8xZ2'), and table files 'FILE.json' / 'FILE.jsonl:NAME'.
"""

from __future__ import annotations

import functools
import math
import numbers
import os
import re

import numpy as np

from groups._base import FiniteAbelianGroup
from groups._concrete import from_moduli
from groups._errors import GroupSpecError
from groups._families import alternating_table, dicyclic_table, dihedral_table, product_table, symmetric_table
from groups._finite import FiniteGroup
from groups._smallgroups import small_group_table
from groups._table_file import is_table_file_spec, read_table_file, split_spec
from groups._table_group import MAX_TABLE_ORDER, TableGroup, set_named_builder

__all__ = ["GroupSpecError", "MAX_ORDER", "parse_group"]

_FACTOR = re.compile(r"^z?([0-9]+)$")  # ASCII digits only: int() would also read "٣" or "３"
_FAMILY = re.compile(r"^(s|a|d|dic|q)([0-9]{1,6})$")
_SMALL = re.compile(r"^smallgroup\(([0-9]{1,6}),([0-9]{1,6})\)$")
MAX_ORDER = 10**7
_KNOWN = "Zn or n, Sn, An, Dn, Dicn, Q8, SmallGroup(n,i), or a table file FILE.json / FILE.jsonl:NAME"


def parse_group(spec: "str | int | FiniteGroup") -> FiniteGroup:
    """Parse a spec string (case-insensitive, spaces ignored) into a cached group.

    >>> parse_group("Z2xZ3xZ4").order
    24
    >>> parse_group("z23") == parse_group("23")
    True
    >>> parse_group("S3xZ3").order, parse_group("q8") is parse_group("Dic2")
    (18, True)
    """
    if isinstance(spec, FiniteGroup):
        return spec
    if isinstance(spec, numbers.Integral) and not isinstance(spec, (bool, np.bool_)):  # numpy's integers too
        spec = str(int(spec))
    if not isinstance(spec, str):
        raise GroupSpecError(f"group spec must be a string, got {type(spec).__name__}")
    if is_table_file_spec(spec):
        return _file_group(spec)
    text = spec.strip().lower().replace(" ", "").replace("×", "x")
    if not text:
        raise GroupSpecError("empty group spec; expected e.g. 'Z23' or 'Z2xZ3xZ4'")
    parts = text.split("x")
    if all(_FACTOR.match(p) for p in parts):
        return _abelian(spec, parts)
    factors = []
    for i, part in enumerate(parts, start=1):
        if part == "":
            raise GroupSpecError(f"group spec {spec!r}: empty factor {i} (expected e.g. 'Z2xZ3')")
        factors.append(_abelian(spec, [part]) if _FACTOR.match(part) else _named(spec, part))
    if len(factors) == 1:
        return factors[0]
    order = math.prod(G.order for G in factors)
    if order > MAX_TABLE_ORDER:
        raise GroupSpecError(f"group spec {spec!r}: order {order} exceeds the supported {MAX_TABLE_ORDER} for a non-Abelian group")
    return _product(tuple(G.spec for G in factors))


def _abelian(spec: str, parts: list[str]) -> FiniteAbelianGroup:
    moduli = []
    for i, part in enumerate(parts, start=1):
        if part == "":
            raise GroupSpecError(f"group spec {spec!r}: empty factor {i} (expected e.g. 'Z2xZ3')")
        m = _FACTOR.match(part)
        if m is None:
            if any(ch.isdigit() and not ch.isascii() for ch in part):
                raise GroupSpecError(f"group spec {spec!r}: factor {part!r} has a non-ASCII digit (write 0-9)")
            if re.match(r"^z?-[0-9]+$", part):
                raise GroupSpecError(f"group spec {spec!r}: factor {part!r} has a negative order")
            raise GroupSpecError(
                f"group spec {spec!r}: factor {part!r} is not of the form Zn or n (n ≥ 2)"
            )
        digits = m.group(1).lstrip("0") or "0"
        if len(digits) > len(str(MAX_ORDER)):  # also keeps int() off huge digit strings
            raise GroupSpecError(
                f"group spec {spec!r}: factor {part!r} exceeds the supported order {MAX_ORDER}"
            )
        n = int(digits)
        if n == 0:
            raise GroupSpecError(f"group spec {spec!r}: factor {part!r} has order 0")
        if n == 1:
            raise GroupSpecError(f"group spec {spec!r}: factor {part!r} is trivial (Z_1 is not allowed)")
        moduli.append(n)
    order = 1
    for n in moduli:
        order *= n
    if order > MAX_ORDER:
        raise GroupSpecError(f"group spec {spec!r}: order {order} exceeds the supported {MAX_ORDER}")
    return from_moduli(tuple(moduli))


def _named(spec: str, part: str) -> FiniteGroup:
    m = _FAMILY.match(part)
    if m:
        family, n = m.group(1), int(m.group(2))
        return _family(spec, family, n)
    m = _SMALL.match(part)
    if m:
        return _small_group(int(m.group(1)), int(m.group(2)), spec)
    if any(ch.isdigit() and not ch.isascii() for ch in part):
        raise GroupSpecError(f"group spec {spec!r}: factor {part!r} has a non-ASCII digit (write 0-9)")
    if re.match(r"^z?-[0-9]+$", part):
        raise GroupSpecError(f"group spec {spec!r}: factor {part!r} has a negative order")
    raise GroupSpecError(f"group spec {spec!r}: factor {part!r} is not a group CoGS knows ({_KNOWN})")


def _family(spec: str, family: str, n: int) -> FiniteGroup:
    if family == "s":
        if not 3 <= n <= 6:
            hint = " (S2 is Z2)" if n == 2 else ""
            raise GroupSpecError(f"group spec {spec!r}: symmetric groups S3 … S6 are built in, not S{n}{hint}; give a larger one as a table file")
        return _symmetric(n)
    if family == "a":
        if not 4 <= n <= 6:
            hint = " (A3 is Z3)" if n == 3 else ""
            raise GroupSpecError(f"group spec {spec!r}: alternating groups A4 … A6 are built in, not A{n}{hint}; give a larger one as a table file")
        return _alternating(n)
    if family == "d":
        if n < 3 or 2 * n > MAX_TABLE_ORDER:
            hint = " (D2 is Z2xZ2)" if n == 2 else ""
            raise GroupSpecError(f"group spec {spec!r}: dihedral groups Dn (order 2n) need 3 ≤ n ≤ {MAX_TABLE_ORDER // 2}, not D{n}{hint}")
        return _dihedral(n)
    if family == "q":
        if n != 8:
            raise GroupSpecError(f"group spec {spec!r}: Q8 is the quaternion group; for the dicyclic group of order 4n write Dicn, e.g. Dic3")
        return _dicyclic(2)
    if n < 2 or 4 * n > MAX_TABLE_ORDER:
        raise GroupSpecError(f"group spec {spec!r}: dicyclic groups Dicn (order 4n) need 2 ≤ n ≤ {MAX_TABLE_ORDER // 4}, not Dic{n}")
    return _dicyclic(n)


@functools.lru_cache(maxsize=None)
def _symmetric(n: int) -> TableGroup:
    return TableGroup(symmetric_table(n), f"S{n}", source="named", checked=True)


@functools.lru_cache(maxsize=None)
def _alternating(n: int) -> TableGroup:
    return TableGroup(alternating_table(n), f"A{n}", source="named", checked=True)


@functools.lru_cache(maxsize=None)
def _dihedral(n: int) -> TableGroup:
    return TableGroup(dihedral_table(n), f"D{n}", source="named", checked=True)


@functools.lru_cache(maxsize=None)
def _dicyclic(n: int) -> TableGroup:
    return TableGroup(dicyclic_table(n), "Q8" if n == 2 else f"Dic{n}", source="named", checked=True)


def _small_group(n: int, i: int, spec: str) -> TableGroup:
    small_group_table(n, i, spec)  # refuses unknown ids in one line, naming the fix
    return _small_group_cached(n, i)


@functools.lru_cache(maxsize=None)
def _small_group_cached(n: int, i: int) -> TableGroup:
    return TableGroup(small_group_table(n, i, ""), f"SmallGroup({n},{i})", source="named", checked=True)


@functools.lru_cache(maxsize=None)
def _product(specs: tuple[str, ...]) -> TableGroup:
    factors = [parse_group(s) for s in specs]
    return TableGroup(product_table([G.cayley_table() for G in factors]), "x".join(specs), source="named", checked=True)


_FILE_GROUPS: dict = {}  # (absolute path, name, mtime, size) → group: a file read again only when it changes


def _file_group(spec: str) -> TableGroup:
    path, name = split_spec(spec)
    try:
        st = os.stat(path)
    except OSError:
        return read_table_file(spec)  # refuses in one line
    key = (os.path.abspath(path), name, st.st_mtime_ns, st.st_size)
    if key not in _FILE_GROUPS:
        if len(_FILE_GROUPS) >= 64:
            _FILE_GROUPS.clear()
        _FILE_GROUPS[key] = read_table_file(spec)
    return _FILE_GROUPS[key]


set_named_builder(parse_group)  # named TableGroups unpickle as parse_group(spec): the cached instance
