"""Groups read from Cayley-table files (docs/groups.md#table-files): the ``.json`` object and
the ``FILE.jsonl:NAME`` collection, ``index_base``, the identity found from the table wherever
it is, the declared facts that are checked, and every refusal as one GroupSpecError line.

The tables are built here from definitions (permutations, affine maps of Z_n, quaternion
units), never taken from the package.
"""

from __future__ import annotations

import itertools
import json
import os
import pickle
import threading

import numpy as np
import pytest

from groups import GroupSpecError, TableGroup, parse_group
from groups.testing import check_group_axioms, check_irreps


# ---------------------------------------------------------------------------------------------
# tables from definitions
# ---------------------------------------------------------------------------------------------
def s3_table():
    """Permutations of {0, 1, 2}, lexicographic, (g·h)(i) = g(h(i))."""
    perms = sorted(itertools.permutations(range(3)))
    index = {p: k for k, p in enumerate(perms)}
    return [[index[tuple(g[h[i]] for i in range(3))] for h in perms] for g in perms]


def d4_table():
    """r^i s^j at i + 4j as the map x ↦ i + (−1)^j x of Z_4."""
    maps = [(i, (-1) ** j) for j in range(2) for i in range(4)]
    index = {m: k for k, m in enumerate(maps)}
    return [[index[((a + e * b) % 4, e * d)] for (b, d) in maps] for (a, e) in maps]


def q8_table():
    """The quaternion units ±1, ±i, ±j, ±k with Hamilton's product."""
    units = ["1", "i", "j", "k"]
    mult = {("1", u): (1, u) for u in units} | {(u, "1"): (1, u) for u in units}
    mult |= {("i", "i"): (-1, "1"), ("j", "j"): (-1, "1"), ("k", "k"): (-1, "1"),
             ("i", "j"): (1, "k"), ("j", "k"): (1, "i"), ("k", "i"): (1, "j"),
             ("j", "i"): (-1, "k"), ("k", "j"): (-1, "i"), ("i", "k"): (-1, "j")}
    els = [(s, u) for s in (1, -1) for u in units]
    index = {e: n for n, e in enumerate(els)}
    table = []
    for s1, u1 in els:
        row = []
        for s2, u2 in els:
            s, u = mult[(u1, u2)]
            row.append(index[(s1 * s2 * s, u)])
        table.append(row)
    return table


def relabel(table, perm):
    """The same group with element a renamed perm[a]: T'[perm[a], perm[b]] = perm[T[a, b]]."""
    n = len(table)
    out = [[0] * n for _ in range(n)]
    for a in range(n):
        for b in range(n):
            out[perm[a]][perm[b]] = perm[table[a][b]]
    return out


def loop5():
    """A Latin square with identity 0 that is not associative (a loop of order 5)."""
    return [[0, 1, 2, 3, 4], [1, 0, 3, 4, 2], [2, 4, 0, 1, 3], [3, 2, 4, 0, 1], [4, 3, 1, 2, 0]]


def write_json(path, obj):
    path.write_text(json.dumps(obj), encoding="utf-8")
    return str(path)


def one_line(excinfo, spec=None):
    msg = str(excinfo.value)
    assert "\n" not in msg and "\r" not in msg and msg.strip() == msg, msg
    if spec is not None:
        assert spec in msg or repr(spec) in msg, msg
    return msg


# ---------------------------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------------------------
def test_json_object(tmp_path):
    T = d4_table()
    spec = write_json(tmp_path / "d4.json", {"name": "D4", "order": 8, "table": T, "index_base": 0,
                                             "num_irreps": 5, "irrep_degrees": [2, 1, 1, 1, 1], "smallgroup_id": [8, 3]})
    G = parse_group(spec)
    assert isinstance(G, TableGroup) and G.source == "file" and G.spec == spec
    assert np.array_equal(G.cayley_table(), np.array(T)) and G.identity == 0
    assert not G.is_abelian and len(G.conjugacy_classes()) == 5
    check_group_axioms(G)
    check_irreps(G)
    assert parse_group(G.spec) is G  # cached while the file is unchanged
    H = pickle.loads(pickle.dumps(G))
    assert H == G and np.array_equal(H.cayley_table(), G.cayley_table())
    assert np.array_equal(G.cayley_table(), parse_group("D4").cayley_table())


def test_jsonl_collection_picked_by_name(tmp_path):
    path = tmp_path / "groups.jsonl"
    rows = [{"name": "Z2", "order": 2, "table": [[0, 1], [1, 0]]},
            {"name": "S3", "order": 6, "table": s3_table(), "index_base": 0},
            {"name": "Q8", "order": 8, "table": q8_table(), "irrep_degrees": [1, 1, 1, 1, 2]},
            {"name": "D4", "order": 8, "table": d4_table()}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    for row in rows:
        G = parse_group(f"{path}:{row['name']}")
        assert G.order == row["order"] and np.array_equal(G.cayley_table(), np.array(row["table"]))
        check_group_axioms(G)
    Q = parse_group(f"{path}:Q8")
    check_irreps(Q)
    assert sorted((r.dim, r.indicator) for r in Q.irreps()) == [(1, 1)] * 4 + [(2, -1)]
    assert Q.spec == f"{path}:Q8" and parse_group(Q.spec) is Q


def test_names_with_non_ascii_characters_and_commas(tmp_path):
    path = tmp_path / "odd.jsonl"
    rows = [{"name": "S₃", "table": s3_table()}, {"name": "dihedral, order 8", "table": d4_table()}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    assert parse_group(f"{path}:S₃").order == 6
    assert parse_group(f"{path}:dihedral, order 8").order == 8
    escaped = tmp_path / "escaped.jsonl"  # the same names with \uXXXX escapes
    escaped.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    assert parse_group(f"{escaped}:S₃").order == 6
    with pytest.raises(GroupSpecError) as info:
        parse_group(f"{path}:nope")
    assert '"dihedral, order 8"' in one_line(info)


@pytest.mark.parametrize("make, name", [(s3_table, "S3"), (d4_table, "D4"), (q8_table, "Q8")])
def test_one_based_relabelled_table_keeps_the_files_indices(tmp_path, make, name):
    T = make()
    n = len(T)
    rng = np.random.default_rng(n)
    perm = [int(x) for x in rng.permutation(n)]
    if perm[0] == 0:  # the identity must not stay at index 0
        perm[0], perm[1] = perm[1], perm[0]
    R = relabel(T, perm)
    one = [[x + 1 for x in row] for row in R]
    spec = write_json(tmp_path / f"{name}.json", {"name": name, "order": n, "table": one, "index_base": 1})
    G = parse_group(spec)
    assert np.array_equal(G.cayley_table(), np.array(R))  # the file's indices minus index_base
    assert G.identity == perm[0] != 0
    for a in range(n):  # the inverse of a is the b with a·b = e, read here from the relabelled table
        assert R[a][int(G.inverse(a))] == perm[0]
    check_group_axioms(G)
    check_irreps(G)
    # the same file without index_base: inferred from the smallest entry
    spec2 = write_json(tmp_path / f"{name}_inferred.json", {"table": one})
    assert np.array_equal(parse_group(spec2).cayley_table(), np.array(R))
    spec0 = write_json(tmp_path / f"{name}_zero.json", {"table": R})
    assert np.array_equal(parse_group(spec0).cayley_table(), np.array(R))


def test_a_changed_file_is_read_again(tmp_path):
    path = tmp_path / "g.json"
    write_json(path, {"table": [[0, 1], [1, 0]]})
    assert parse_group(str(path)).order == 2
    write_json(path, {"table": s3_table()})
    assert parse_group(str(path)).order == 6


# ---------------------------------------------------------------------------------------------
# refusals: each one GroupSpecError line
# ---------------------------------------------------------------------------------------------
NOT_LATIN = [[0, 1, 2], [1, 0, 2], [2, 2, 0]]
NO_IDENTITY = [[(-a - b) % 3 for b in range(3)] for a in range(3)]  # a∘b = −a−b: Latin, no identity

REFUSED = {
    "not latin": ({"table": NOT_LATIN}, r"not a Latin square"),
    "no identity": ({"table": NO_IDENTITY}, r"no identity"),
    "not associative": ({"table": loop5()}, r"not associative"),
    "order": ({"order": 7, "table": s3_table()}, r"declares order 7.*6 rows"),
    "irrep degrees": ({"table": s3_table(), "irrep_degrees": [1, 1, 1, 1, 2]}, r"irrep degrees \[1, 1, 1, 1, 2\].*\[1, 1, 2\]"),
    "irrep degrees not a list": ({"table": s3_table(), "irrep_degrees": "1,1,2"}, r"irrep_degrees"),
    "num irreps": ({"table": s3_table(), "num_irreps": 6}, r"declares 6 irreps.*3 conjugacy classes"),
    "ragged": ({"table": [[0, 1], [1]]}, r"row 1 .* 1 entries, expected 2"),
    "rectangular": ({"table": [[0, 1, 2], [1, 2, 0]]}, r"expected 2 \(a square table\)"),
    "floats": ({"table": [[0.0, 1.0], [1.0, 0.0]]}, r"integers"),
    "strings": ({"table": [["0", "1"], ["1", "0"]]}, r"integers"),
    "booleans": ({"table": [[False, True], [True, False]]}, r"integers"),
    "out of range": ({"table": [[0, 1], [1, 2]], "index_base": 0}, r"not an element index"),
    "base 2": ({"table": [[2, 3], [3, 2]]}, r"index_base"),
    "no table": ({"name": "x"}, r'"table"'),
    "empty table": ({"table": []}, r'"table"'),
    "bad index_base": ({"table": [[0, 1], [1, 0]], "index_base": "0"}, r"index_base"),
    "huge index_base": ({"table": [[0, 1], [1, 0]], "index_base": 10**30}, r"index_base"),
    "huge entry": ({"table": [[0, 10**30], [1, 0]]}, r"too large"),
    "order a string": ({"order": "6", "table": s3_table()}, r'"order" must be an integer'),
    "order a float": ({"order": 6.0, "table": s3_table()}, r'"order" must be an integer'),
    "num_irreps a bool": ({"num_irreps": True, "table": [[0, 1], [1, 0]]}, r'"num_irreps" must be an integer'),
    "trivial": ({"table": [[0]]}, r"order 1 is the trivial group"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_refused_tables(tmp_path, case):
    obj, pattern = REFUSED[case]
    spec = write_json(tmp_path / "g.json", obj)
    with pytest.raises(GroupSpecError, match=pattern) as info:
        parse_group(spec)
    one_line(info, spec)


def test_refused_tables_in_a_collection_name_their_line(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"name": "ok", "table": [[0, 1], [1, 0]]}) + "\n"
                    + json.dumps({"name": "loop", "table": loop5()}) + "\n", encoding="utf-8")
    with pytest.raises(GroupSpecError, match=r"line 2.*not associative") as info:
        parse_group(f"{path}:loop")
    one_line(info)


def test_invalid_json(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"table": [[0, 1], [1, 0]]', encoding="utf-8")
    with pytest.raises(GroupSpecError, match="not valid JSON") as info:
        parse_group(str(path))
    one_line(info, str(path))
    path.write_text('{"table": [[0, ' + "1" * 5000 + "]]}", encoding="utf-8")  # past Python's int-digit limit
    with pytest.raises(GroupSpecError, match="not valid JSON") as info:
        parse_group(str(path))
    one_line(info)
    path.write_text("[[0, 1], [1, 0]]", encoding="utf-8")
    with pytest.raises(GroupSpecError, match="JSON object") as info:
        parse_group(str(path))
    one_line(info)
    lines = tmp_path / "bad.jsonl"
    lines.write_text('{"name": "a", "table": [[0, 1], [1, 0]\n', encoding="utf-8")
    with pytest.raises(GroupSpecError, match="line 1: not valid JSON") as info:
        parse_group(f"{lines}:a")
    one_line(info)


def test_non_utf8(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"name": "groupé", "table": [[0]]}'.encode("latin-1"))
    with pytest.raises(GroupSpecError, match="not UTF-8") as info:
        parse_group(str(path))
    one_line(info, str(path))
    lines = tmp_path / "latin1.jsonl"
    lines.write_bytes(b'{"name": "a", "x": "\xe9", "table": [[0]]}\n')
    with pytest.raises(GroupSpecError, match="not UTF-8") as info:
        parse_group(f"{lines}:a")
    one_line(info)


def test_a_directory(tmp_path):
    d = tmp_path / "dir.json"
    d.mkdir()
    with pytest.raises(GroupSpecError, match="not a regular file") as info:
        parse_group(str(d))
    one_line(info, str(d))
    dl = tmp_path / "dir.jsonl"
    dl.mkdir()
    with pytest.raises(GroupSpecError, match="not a regular file") as info:
        parse_group(f"{dl}:x")
    one_line(info)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")
def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    result = {}

    def read():
        try:
            parse_group(str(fifo))
        except GroupSpecError as e:
            result["error"] = str(e)
        except BaseException as e:  # noqa: BLE001 - reported below
            result["other"] = repr(e)

    worker = threading.Thread(target=read, daemon=True)
    worker.start()
    worker.join(timeout=20)
    if worker.is_alive():  # it blocked opening the pipe: release it, then fail
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
        worker.join(timeout=5)
        pytest.fail("reading a FIFO blocked")
    assert "error" in result, result
    assert "not a regular file" in result["error"] and "\n" not in result["error"]


def test_missing_file(tmp_path):
    for spec in (str(tmp_path / "missing.json"), f"{tmp_path / 'missing.jsonl'}:S3"):
        with pytest.raises(GroupSpecError, match="no such file") as info:
            parse_group(spec)
        one_line(info, spec)


def test_name_not_in_collection_lists_some_names(tmp_path):
    path = tmp_path / "c.jsonl"
    names = [f"G{k}" for k in range(8)]
    path.write_text("".join(json.dumps({"name": m, "table": [[0, 1], [1, 0]]}) + "\n" for m in names), encoding="utf-8")
    with pytest.raises(GroupSpecError, match="no group named 'S3'") as info:
        parse_group(f"{path}:S3")
    msg = one_line(info)
    assert '"G0"' in msg and '"G1"' in msg


def test_jsonl_needs_a_name(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"name": "Z2", "table": [[0, 1], [1, 0]]}) + "\n", encoding="utf-8")
    with pytest.raises(GroupSpecError, match=r"pick one with .*:NAME") as info:
        parse_group(str(path))
    one_line(info, str(path))
    with pytest.raises(GroupSpecError, match="empty group name") as info:
        parse_group(f"{path}:")
    one_line(info)


def test_every_refusal_is_a_value_error_with_no_traceback_chain(tmp_path):
    spec = write_json(tmp_path / "g.json", {"table": loop5()})
    with pytest.raises(ValueError) as info:
        parse_group(spec)
    assert isinstance(info.value, GroupSpecError) and info.value.__suppress_context__
