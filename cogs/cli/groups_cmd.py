"""Summarise a finite group: order, classes, irreps; for a finite Abelian group written as Z_n
factors also its invariant factors and the orbits {k, −k} of its dual group.

Example: cogs groups S4 --json
"""

from __future__ import annotations

from groups import FiniteAbelianGroup, parse_group


def add_arguments(p) -> None:
    p.add_argument("spec", help="group spec, e.g. Z23, Z2xZ3xZ4, S4, A5, D4, Q8, Dic3, SmallGroup(16,3), S3xZ3, "
                                "FILE.json or FILE.jsonl:NAME (case-insensitive)")
    p.add_argument("--json", action="store_true", help="print a JSON object (with abelian, classes and the irreps' "
                                                       "dimensions and Frobenius–Schur indicators)")
    p.add_argument("--orbits", action="store_true", help="also list the orbits {k, -k} (finite Abelian groups)")
    p.add_argument("--table", action="store_true", help="with --json: add the Cayley table as \"table\" (0-based, in "
                                                        "the group's own indexing: row g, column h holds g·h)")


def _irreps(G) -> list[dict]:
    """[{"dim", "indicator"}] over the complex irreps; for a finite Abelian group in closed form
    (character k is real iff 2k = 0), without building the characters."""
    if isinstance(G, FiniteAbelianGroup):
        neg = G.neg_table()
        return [{"dim": 1, "indicator": 1 if int(neg[k]) == k else 0} for k in range(G.order)]
    return [{"dim": r.dim, "indicator": r.indicator} for r in G.irreps()]


def run(args) -> int:
    from cogs.cli.main import print_json

    from models.limits import check, orbit_listing_rows

    G = parse_group(args.spec)
    if args.table and not args.json:
        raise ValueError("--table prints the Cayley table inside the JSON object: add --json")
    if args.table:
        check(f"printing the Cayley table of {G.spec} (--table)", rows=G.order * G.order, memory=16.0 * G.order * G.order)
    abelian = isinstance(G, FiniteAbelianGroup)
    if args.orbits and not abelian:
        raise ValueError(f"--orbits lists the orbits {{k, -k}} of a finite Abelian group written as Z_n factors; {G.spec} is read by its irreps")
    s = G.summary()  # closed form for a finite Abelian group: instant for any supported order
    if abelian and (args.orbits or args.json):
        rows = orbit_listing_rows(G.order, s["real_characters"]) + (G.order if args.json else 0)  # --json lists every character too
        # ~1 kB an orbit row (orbit object, coordinates, JSON text), ~0.3 kB a character row
        what = "the orbits and characters" if args.json else "the orbits"
        check(f"listing {what} of {G.spec} (--orbits/--json)", rows=rows, memory=1000.0 * rows + 364.0 * G.order)
        orbits = G.orbits()
        coords = G.coords([o.k for o in orbits]).tolist() if orbits else []
        s["orbits"] = [{"k": o.k, "neg": o.neg, "kind": o.kind, "k_coords": c} for o, c in zip(orbits, coords)]
    if args.json:
        s["abelian"] = G.is_abelian
        s["classes"] = len(G.conjugacy_classes()) if not abelian else G.order
        s["irreps"] = _irreps(G)
        if args.table:
            s["table"] = G.cayley_table().tolist()
        print_json(s)
        return 0
    print(f"group              {s['group']}")
    print(f"order              {s['order']}")
    if not abelian:
        reals = G.real_irreps()
        print(f"abelian            {'yes' if G.is_abelian else 'no'}")
        print(f"exponent           {s['exponent']}")
        print(f"conjugacy classes  {s['classes']}")
        print(f"irreps             {len(G.irreps())}: " + ", ".join(f"{r.dim}{'RCH'[(1 - r.indicator)]}" for r in G.irreps())
              + "  (dimension, type: R real, C complex, H quaternionic)")
        print(f"real irreducibles  {len(reals)}: " + ", ".join(f"{r.size}{r.kind}" for r in reals) + "  (size, type)")
        return 0
    print(f"invariant factors  {' x '.join(f'Z{m}' for m in s['invariant_factors'])}")
    print(f"exponent           {s['exponent']}")
    print(f"complex orbits     {s['complex_orbits']}  (pairs {{k, -k}}, k != -k)")
    print(f"real characters    {s['real_characters']}  (k != 0, 2k = 0)")
    if args.orbits:
        for o in s["orbits"]:
            print(f"  k={o['k']:<5} -k={o['neg']:<5} {o['kind']:<8} coords {tuple(o['k_coords'])}")
    return 0
