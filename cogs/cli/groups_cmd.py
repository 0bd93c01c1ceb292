"""Summarise a finite Abelian group: order, invariant factors, orbits of the dual group.

Example: cogs groups Z2xZ3xZ4 --json
"""

from __future__ import annotations

from groups import parse_group


def add_arguments(p) -> None:
    p.add_argument("spec", help="group spec, e.g. Z23, 23, Z2xZ3xZ4, 2x3x4 (case-insensitive)")
    p.add_argument("--json", action="store_true", help="print a JSON object")
    p.add_argument("--orbits", action="store_true", help="also list the orbits {k, -k}")


def run(args) -> int:
    from cogs.cli.main import print_json

    from models.limits import check, orbit_listing_rows

    G = parse_group(args.spec)
    s = G.summary()  # closed form: instant for any supported order
    if args.orbits or args.json:
        rows = orbit_listing_rows(G.order, s["real_characters"])
        # ~1 kB a row (orbit object, coordinates, JSON text); the listing is the only O(d) part
        check(f"listing the orbits of {G.spec} (--orbits/--json)", rows=rows, memory=1000.0 * rows + 64.0 * G.order)
        orbits = G.orbits()
        coords = G.coords([o.k for o in orbits]).tolist() if orbits else []
        s["orbits"] = [{"k": o.k, "neg": o.neg, "kind": o.kind, "k_coords": c} for o, c in zip(orbits, coords)]
    if args.json:
        print_json(s)
        return 0
    print(f"group              {s['group']}")
    print(f"order              {s['order']}")
    print(f"invariant factors  {' x '.join(f'Z{m}' for m in s['invariant_factors'])}")
    print(f"exponent           {s['exponent']}")
    print(f"complex orbits     {s['complex_orbits']}  (pairs {{k, -k}}, k != -k)")
    print(f"real characters    {s['real_characters']}  (k != 0, 2k = 0)")
    if args.orbits:
        for o in s["orbits"]:
            print(f"  k={o['k']:<5} -k={o['neg']:<5} {o['kind']:<8} coords {tuple(o['k_coords'])}")
    return 0
