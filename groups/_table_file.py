"""Groups read from Cayley-table files in the reference collection format (docs/groups.md).

A ``.json`` file holds one object, a ``.jsonl`` file one object per line; ``FILE.jsonl:NAME``
picks the group whose ``name`` is NAME. An object has ``table`` (n lists of n integers: row g,
column h holds g·h) and optionally ``name``, ``order``, ``index_base`` (what the entries count
from; when absent it is read off the table, 0 or 1), ``num_irreps``, ``irrep_degrees`` and
``smallgroup_id``. Elements keep the file's indices minus ``index_base``; the identity is
found from the table. Declared ``order``, ``num_irreps`` and ``irrep_degrees`` are checked.

A file is judged with ``stat`` before it is opened (a regular file, at most
:data:`MAX_FILE_BYTES`), lines of a collection are parsed only when they can hold the
requested name, and every problem is one :class:`GroupSpecError` line.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import numpy as np

from groups._errors import GroupSpecError
from groups._table_group import MAX_TABLE_ORDER, GroupTableError, TableGroup

__all__ = ["MAX_FILE_BYTES", "canonical_spec", "is_table_file_spec", "read_table_file", "split_spec"]

#: the largest table file read (a collection of the groups up to order 128 is ~100 MB)
MAX_FILE_BYTES = 1 << 30
#: the longest line of a collection parsed (a table of order MAX_TABLE_ORDER in JSON)
MAX_LINE_BYTES = 8 * MAX_TABLE_ORDER * MAX_TABLE_ORDER + (1 << 16)


_NAME = re.compile(r'"name"\s*:\s*("(?:[^"\\]|\\.)*")')


def is_table_file_spec(spec: str) -> bool:
    """Whether a spec names a table file: it ends in ``.json``, or holds ``.jsonl`` (with an
    optional ``:NAME``)."""
    text = spec.strip()
    low = text.lower()
    return low.endswith(".json") or low.endswith(".jsonl") or ".jsonl:" in low


def split_spec(spec: str) -> tuple[Path, str | None]:
    text = spec.strip()
    low = text.lower()
    if low.endswith(".json") or low.endswith(".jsonl"):
        return Path(text), None
    at = low.rindex(".jsonl:") + len(".jsonl")
    name = text[at + 1 :]
    if not name:
        raise GroupSpecError(f"group spec {spec!r}: empty group name after ':' (write FILE.jsonl:NAME)")
    return Path(text[:at]), name


def _judge(path: Path, spec: str) -> None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise GroupSpecError(f"group spec {spec!r}: {path}: no such file") from None
    except OSError as e:
        raise GroupSpecError(f"group spec {spec!r}: {path}: cannot stat ({e.strerror or e})") from None
    if not stat.S_ISREG(st.st_mode):
        raise GroupSpecError(f"group spec {spec!r}: {path} is not a regular file; refusing to read it")
    if st.st_size > MAX_FILE_BYTES:
        raise GroupSpecError(f"group spec {spec!r}: {path} has {st.st_size} bytes, over the {MAX_FILE_BYTES}-byte limit for a table file")


def _parse(text: str, where: str):
    try:
        obj = json.loads(text)
    except (ValueError, RecursionError) as e:
        raise GroupSpecError(f"{where}: not valid JSON ({str(e).splitlines()[0][:120]})") from None
    if not isinstance(obj, dict):
        raise GroupSpecError(f"{where}: expected a JSON object with a \"table\", got {type(obj).__name__}")
    return obj


def _read_lines(path: Path, spec: str, name: str | None):
    """The object of a .json file, or the one line of a .jsonl whose name is ``name``."""
    try:
        with open(path, "rb") as f:
            if name is None:
                raw = f.read(MAX_LINE_BYTES + 1)  # one table: never more than a collection's longest line
                if len(raw) > MAX_LINE_BYTES:
                    raise GroupSpecError(f"group spec {spec!r}: {path} is over {MAX_LINE_BYTES} bytes, more than one table "
                                         f"of order {MAX_TABLE_ORDER} in JSON")
                try:
                    return _parse(raw.decode("utf-8"), f"group spec {spec!r}"), None
                except UnicodeDecodeError:
                    raise GroupSpecError(f"group spec {spec!r}: {path} is not UTF-8 text") from None
            # the name as JSON writes it: with non-ASCII characters escaped, or as UTF-8
            needles = {json.dumps(name).encode(), json.dumps(name, ensure_ascii=False).encode("utf-8")}
            names = []
            for number, line in enumerate(iter(lambda: f.readline(MAX_LINE_BYTES + 1), b""), start=1):
                if len(line) > MAX_LINE_BYTES:
                    raise GroupSpecError(f"group spec {spec!r}: line {number} of {path} is over {MAX_LINE_BYTES} bytes")
                if not line.strip():
                    continue
                if not any(needle in line for needle in needles):
                    if len(names) < 5:
                        m = _NAME.search(line[:300].decode("utf-8", "replace"))
                        if m:
                            names.append(m.group(1))
                    continue
                try:
                    obj = _parse(line.decode("utf-8"), f"group spec {spec!r}: line {number}")
                except UnicodeDecodeError:
                    raise GroupSpecError(f"group spec {spec!r}: line {number} of {path} is not UTF-8 text") from None
                if obj.get("name") == name:
                    return obj, number
            hint = f" (it holds e.g. {', '.join(names)})" if names else ""
            raise GroupSpecError(f"group spec {spec!r}: no group named {name!r} in {path}{hint}")
    except OSError as e:
        raise GroupSpecError(f"group spec {spec!r}: cannot read {path} ({e.strerror or e})") from None


def _table_of(obj: dict, where: str) -> np.ndarray:
    rows = obj.get("table")
    if not isinstance(rows, list) or not rows or not all(isinstance(r, list) for r in rows):
        raise GroupSpecError(f"{where}: \"table\" must be a non-empty list of rows (lists of integers)")
    n = len(rows)
    if n < 2:
        raise GroupSpecError(f"{where}: a table of order 1 is the trivial group; CoGS needs order ≥ 2")
    if n > MAX_TABLE_ORDER:
        raise GroupSpecError(f"{where}: order {n} exceeds the supported {MAX_TABLE_ORDER} for a group given by its table")
    if any(len(r) != n for r in rows):
        bad = next(i for i, r in enumerate(rows) if len(r) != n)
        raise GroupSpecError(f"{where}: row {bad} of \"table\" has {len(rows[bad])} entries, expected {n} (a square table)")
    if not all(type(x) is int for r in rows for x in r):
        raise GroupSpecError(f"{where}: \"table\" entries must be integers")
    try:
        T = np.array(rows, dtype=np.int64)
    except OverflowError:
        raise GroupSpecError(f"{where}: \"table\" has an entry too large to be an element index") from None
    base = obj.get("index_base")
    if base is None:
        base = int(T.min())
        if base not in (0, 1):
            raise GroupSpecError(f"{where}: the entries start at {base}; give \"index_base\" (0 or 1) or number the elements from 0 or 1")
    elif type(base) is not int:
        raise GroupSpecError(f"{where}: \"index_base\" must be an integer, got {base!r}")
    elif abs(base) > MAX_TABLE_ORDER:
        raise GroupSpecError(f"{where}: \"index_base\" is {base}; the entries count from 0 or 1")
    return T - base


def _check_declared(G, obj: dict, where: str) -> None:
    n = G.order
    order = obj.get("order")
    for key in ("order", "num_irreps"):
        if obj.get(key) is not None and type(obj[key]) is not int:
            raise GroupSpecError(f"{where}: \"{key}\" must be an integer, got {obj[key]!r}")
    if order is not None and order != n:
        raise GroupSpecError(f"{where}: declares order {order!r}, but its table has {n} rows")
    classes = len(G.conjugacy_classes())
    num = obj.get("num_irreps")
    if num is not None and num != classes:
        raise GroupSpecError(f"{where}: declares {num!r} irreps, but the group has {classes} conjugacy classes (= irreps)")
    degrees = obj.get("irrep_degrees")
    if degrees is not None:
        if not isinstance(degrees, list) or not all(type(x) is int for x in degrees):
            raise GroupSpecError(f"{where}: \"irrep_degrees\" must be a list of integers")
        ours = sorted(r.dim for r in G.irreps())
        if sorted(degrees) != ours:
            raise GroupSpecError(f"{where}: declares irrep degrees {sorted(degrees)}, but the table's group has {ours}")


def canonical_spec(path: Path, name: str | None) -> str:
    """The spec of a file's group: its absolute path (and ``:NAME``), so that weights and runs
    that name it can be read from any working directory."""
    return os.path.abspath(path) + ("" if name is None else f":{name}")


def read_table_file(spec: str) -> TableGroup:
    """The group of a table file spec (``FILE.json`` or ``FILE.jsonl[:NAME]``)."""
    path, name = split_spec(spec)
    _judge(path, spec)
    if name is None and path.suffix.lower() == ".jsonl":
        raise GroupSpecError(f"group spec {spec!r}: a collection holds many groups; pick one with {path}:NAME")
    obj, line = _read_lines(path, spec, name)
    where = f"group spec {spec!r}" + (f" (line {line})" if line else "")
    T = _table_of(obj, where)
    try:
        G = TableGroup(T, canonical_spec(path, name), source="file")
    except GroupTableError as e:
        raise GroupSpecError(f"{where}: {str(e).split(': ', 1)[-1]}") from None
    _check_declared(G, obj, where)
    return G
