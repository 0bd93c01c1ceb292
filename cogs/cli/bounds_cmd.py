"""How many hidden nodes a group needs: the lower bound 3c + r (Alder–Strassen on the bilinear
part of a zero-loss network), the paper's orders (z_F6 6c + 2r, z_F4/6 2d), the lowest order
CoGS constructs (and by which strategy) and, with --results, the lowest order a discovery run
converged at. One row per group; --group takes a comma-separated list (Z3,Z5,Z8).

--results PATH: a discovery output (scan.json, a folder with certificate.json, q*/certificate.json
or best.npz files, or a JSON list of {q, best_loss, converged}); it applies to the group it
names (to the single --group when it names none).

Example: cogs bounds --group Z3,Z5,Z8 --json
"""

from __future__ import annotations


def add_arguments(p) -> None:
    p.add_argument("--group", required=True, help="group spec or comma-separated list, e.g. Z23 or Z3,Z5,Z2xZ4")
    p.add_argument("--results", default=None, help="discovery output (file or folder) for one of the groups")
    p.add_argument("--json", action="store_true", help="print {\"groups\": [...]} as JSON")


def run(args) -> int:
    from cogs.solver.bounds import bounds, bounds_table, group_for_results
    from groups import parse_group

    specs = [s.strip() for s in str(args.group).split(",")]
    if not all(specs):
        raise ValueError(f"--group {args.group!r}: empty group spec in the list")
    groups = [parse_group(s) for s in specs]
    # the group the results apply to, read and checked now: a bad file fails before anything is built
    target = None if args.results is None else group_for_results(groups, args.results, label="--results")
    rows = [bounds(g, results=args.results if g == target else None) for g in groups]
    if args.json:
        from cogs.cli.main import print_json

        print_json({"groups": [b.to_dict() for b in rows]})
    else:
        print(bounds_table(rows))
    return 0
