"""Generate the SmallGroups Cayley-table data and the GAP character-table test fixture.

What it makes (both outputs on every run):

* ``groups/data/smallgroups.npz`` -- the Cayley table of every group in GAP's SmallGroups
  library of order 1..64.  Key ``"n<order>"`` holds a ``uint8`` array of shape
  ``(NumberSmallGroups(n), n, n)``; entry ``[i-1]`` is the table of ``SmallGroup(n, i)``.
  Elements are numbered 0..n-1 in GAP's own order ``els := AsSortedList(G)`` (the identity is
  not moved), and ``table[a, b] = Position(els, els[a+1] * els[b+1]) - 1``.  Key
  ``"gap_version"`` is a 0-d unicode array naming the GAP (and SmallGrp package) version used.
* ``tests/data/gap_groups.json`` -- facts computed by GAP (order, abelian, number of conjugacy
  classes, exponent, sorted irreducible character degrees, sorted [degree, Frobenius-Schur
  indicator] pairs, sorted element orders, IdGroup) for every ``"SmallGroup(n,i)"`` with n <= 64
  and for the named groups S3..S6, A4..A6, D3..D12 (our ``Dn`` has order 2n, i.e. GAP's
  ``DihedralGroup(2n)``) and Dic2..Dic8 (dicyclic of order 4n, GAP's ``DicyclicGroup(4n)``).
  One group per line, keys sorted.

How to run (from the repository root)::

    python groups/data/generate_smallgroups.py

It needs GAP 4 with the SmallGroups library on ``PATH`` as ``gap`` (e.g. Debian/Ubuntu packages
``gap-core`` and ``gap-smallgrp``) and numpy.  The output is deterministic: rerunning with the same
GAP gives the same bytes.  This script is a maintenance tool only; the package never imports it.

The data come from the SmallGroups library:

    H. U. Besche, B. Eick, E. A. O'Brien, "A millennium project: constructing small groups",
    Internat. J. Algebra Comput. 12 (2002) 623-644.

computed with

    The GAP Group, GAP -- Groups, Algorithms, and Programming (https://www.gap-system.org);
    the version used is recorded in the npz under ``"gap_version"`` and in ``README.md``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np

MAX_ORDER = 64
HERE = Path(__file__).resolve().parent
DEFAULT_NPZ = HERE / "smallgroups.npz"
DEFAULT_JSON = HERE.parent.parent / "tests" / "data" / "gap_groups.json"

# Named groups for the fixture: key -> GAP expression.
NAMED_GROUPS: dict[str, str] = {}
for _n in range(3, 7):
    NAMED_GROUPS[f"S{_n}"] = f"SymmetricGroup({_n})"
for _n in range(4, 7):
    NAMED_GROUPS[f"A{_n}"] = f"AlternatingGroup({_n})"
for _n in range(3, 13):
    NAMED_GROUPS[f"D{_n}"] = f"DihedralGroup({2 * _n})"
for _n in range(2, 9):
    NAMED_GROUPS[f"Dic{_n}"] = f"DicyclicGroup({4 * _n})"
del _n

# The GAP program.  It writes plain, unwrapped lines to OUTFILE:
#   V <tab> <GAP version> <tab> <SmallGrp version>
#   C <tab> n <tab> NumberSmallGroups(n)
#   T <tab> n <tab> i <tab> space-separated 0-based table entries (row-major)
#   F <tab> key <tab> order <tab> abelian(0/1) <tab> classes <tab> exponent <tab> id ("n,i" or "-")
#     <tab> degrees (comma-sep, in Irr order) <tab> indicators (same order) <tab> element orders
GAP_PROGRAM = r"""
out := OutputTextFile("@OUTFILE@", false);;
SetPrintFormattingStatus(out, false);;
Bit := function(b) if b then return 1; else return 0; fi; end;;
Csv := l -> JoinStringsWithSeparator(List(l, String), ",");;
Facts := function(key, G)
    local tbl, irr, degs, inds, id;
    tbl := CharacterTable(G);
    irr := Irr(tbl);
    degs := List(irr, chi -> chi[1]);
    inds := Indicator(tbl, 2);
    if IdGroupsAvailable(Size(G)) then
        id := Concatenation(String(IdGroup(G)[1]), ",", String(IdGroup(G)[2]));
    else
        id := "-";
    fi;
    PrintTo(out, "F\t", key, "\t", Size(G), "\t", Bit(IsAbelian(G)), "\t",
            NrConjugacyClasses(G), "\t", Exponent(G), "\t", id, "\t",
            Csv(degs), "\t", Csv(inds), "\t", Csv(List(AsList(G), Order)), "\n");
end;;
PrintTo(out, "V\t", GAPInfo.Version, "\t", InstalledPackageVersion("smallgrp"), "\n");
for n in [1 .. @MAXORDER@] do
    PrintTo(out, "C\t", n, "\t", NumberSmallGroups(n), "\n");
    for i in [1 .. NumberSmallGroups(n)] do
        G := SmallGroup(n, i);
        els := AsSortedList(G);
        mt := MultiplicationTable(els);
        PrintTo(out, "T\t", n, "\t", i, "\t",
                JoinStringsWithSeparator(List(Concatenation(mt), x -> String(x - 1)), " "), "\n");
        Facts(Concatenation("SmallGroup(", String(n), ",", String(i), ")"), G);
    od;
od;
@NAMED@
PrintTo(out, "E\n");
CloseStream(out);
QUIT;
"""


def gap_program(outfile: str, max_order: int = MAX_ORDER) -> str:
    named = "\n".join(f'Facts("{key}", {expr});' for key, expr in NAMED_GROUPS.items())
    return (
        GAP_PROGRAM.replace("@OUTFILE@", outfile)
        .replace("@MAXORDER@", str(max_order))
        .replace("@NAMED@", named)
    )


def run_gap(gap: str, max_order: int) -> tuple[str, float]:
    """Run the GAP program; return (its output text, seconds GAP took)."""
    with tempfile.TemporaryDirectory(prefix="smallgroups-") as tmp:
        prog = os.path.join(tmp, "make.g")
        outfile = os.path.join(tmp, "out.txt")
        with open(prog, "w") as f:
            f.write(gap_program(outfile, max_order))
        t0 = time.perf_counter()
        proc = subprocess.run([gap, "-q", "-b", prog], stdin=subprocess.DEVNULL,
                              capture_output=True, text=True)
        elapsed = time.perf_counter() - t0
        if proc.returncode != 0 or not os.path.exists(outfile):
            sys.stderr.write(proc.stdout + proc.stderr)
            raise SystemExit(f"gap failed (exit status {proc.returncode})")
        if proc.stdout.strip() or proc.stderr.strip():
            sys.stderr.write("gap said:\n" + proc.stdout + proc.stderr)
        with open(outfile) as f:
            text = f.read()
    if not text.endswith("E\n"):
        raise SystemExit("gap output is truncated")
    return text, elapsed


def _ints(field: str) -> list[int]:
    return [int(x) for x in field.split(",")] if field else []


def parse(text: str, max_order: int):
    version = None
    counts: dict[int, int] = {}
    tables: dict[int, list[np.ndarray]] = {n: [] for n in range(1, max_order + 1)}
    facts: dict[str, dict] = {}
    for line in text.splitlines():
        tag, *rest = line.split("\t")
        if tag == "V":
            version = f"GAP {rest[0]}, SmallGrp {rest[1]}"
        elif tag == "C":
            counts[int(rest[0])] = int(rest[1])
        elif tag == "T":
            n, i = int(rest[0]), int(rest[1])
            if i != len(tables[n]) + 1:
                raise ValueError(f"SmallGroup({n},{i}) out of sequence")
            t = np.array(rest[2].split(), dtype=np.int64).reshape(n, n)
            tables[n].append(t.astype(np.uint8))
        elif tag == "F":
            key = rest[0]
            degs, inds = _ints(rest[6]), _ints(rest[7])
            if len(degs) != len(inds):
                raise ValueError(f"{key}: degrees and indicators differ in length")
            facts[key] = {
                "order": int(rest[1]),
                "abelian": rest[2] == "1",
                "classes": int(rest[3]),
                "exponent": int(rest[4]),
                "id": None if rest[5] == "-" else _ints(rest[5]),
                "degrees": sorted(degs),
                "irreps": sorted([d, s] for d, s in zip(degs, inds)),
                "element_orders": sorted(_ints(rest[8])),
            }
        elif tag == "E":
            pass
        else:
            raise ValueError(f"unexpected gap output line: {line[:80]!r}")
    if version is None:
        raise ValueError("gap output has no version line")
    for n in range(1, max_order + 1):
        if len(tables[n]) != counts[n]:
            raise ValueError(f"order {n}: {len(tables[n])} tables, NumberSmallGroups = {counts[n]}")
    arrays = {n: np.stack(tables[n]) for n in range(1, max_order + 1)}
    return version, arrays, facts


def check_table(t: np.ndarray) -> None:
    """Raise unless t is a group table: Latin square, two-sided identity, associative."""
    n = t.shape[0]
    full = np.arange(n)
    if not ((np.sort(t, axis=1) == full).all() and (np.sort(t, axis=0) == full[:, None]).all()):
        raise ValueError("not a Latin square")
    if not any((t[e] == full).all() and (t[:, e] == full).all() for e in range(n)):
        raise ValueError("no identity")
    ti = t.astype(np.intp)
    if not (ti[ti, :] == ti[:, ti]).all():  # t[t[a,b], c] == t[a, t[b,c]]
        raise ValueError("not associative")


def write_npz(path: Path, version: str, arrays: dict[int, np.ndarray]) -> None:
    """np.savez_compressed, then repacked with fixed timestamps and maximal deflate (so reruns
    give the same bytes; numpy stamps each member with the current time)."""
    buf = io.BytesIO()
    payload = {f"n{n}": a for n, a in arrays.items()}
    payload["gap_version"] = np.array(version)
    np.savez_compressed(buf, **payload)
    buf.seek(0)
    tmp = path.with_suffix(".npz.tmp")
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(tmp, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    os.replace(tmp, path)


def write_json(path: Path, facts: dict[str, dict]) -> None:
    lines = [f"{json.dumps(k)}: {json.dumps(facts[k], sort_keys=True)}" for k in sorted(facts)]
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as f:
        f.write("{\n" + ",\n".join(lines) + "\n}\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gap", default=shutil.which("gap") or "gap", help="GAP executable")
    ap.add_argument("--npz", type=Path, default=DEFAULT_NPZ)
    ap.add_argument("--json", type=Path, default=DEFAULT_JSON)
    args = ap.parse_args(argv)

    text, elapsed = run_gap(args.gap, MAX_ORDER)
    version, arrays, facts = parse(text, MAX_ORDER)
    for n, a in arrays.items():
        for t in a:
            check_table(t)
    for key, f in facts.items():
        if key.startswith("SmallGroup("):
            n, i = (int(x) for x in key[len("SmallGroup("):-1].split(","))
            if f["id"] != [n, i]:
                raise ValueError(f"{key}: IdGroup gives {f['id']}")
    write_npz(args.npz, version, arrays)
    write_json(args.json, facts)
    total = sum(len(a) for a in arrays.values())
    print(f"{version}: GAP took {elapsed:.1f} s; {total} groups of order 1..{MAX_ORDER}, "
          f"{len(facts)} fixture entries")
    print(f"{args.npz}: {args.npz.stat().st_size} bytes")
    print(f"{args.json}: {args.json.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
