"""Read trained networks the way the paper does: orders per orbit, factorisation of the order-4
and order-6 orbits, the family of each factorable orbit, and Table 2 (mean ± standard error
over the networks given).

Files: CoGS weights files (.npz) and torch files loaded with weights_only=True — the paper's
scripts' checkpoints (a dict whose 'model' entry, or the dict itself, holds layera.weight,
layerb.weight, layerc.weight) or any state dict with --keys A,B,C. A torch file carries no
group: pass --group. For an .npz, --group must match the file's group.

Columns: 'family' is the paper's reading (factors normalised to a·b·c = 1 per node, the
paper's tolerance rules); 'registry' is CoGS's own reading (every registered family);
'order (scale-free)' counts nodes by the scale-free activity rule. docs/reading.md defines them.

Example: cogs analyze --weights runs/Z23/train/*/weights.npz
"""

from __future__ import annotations

from cogs.cli import _options
from models.spectrum import DEFAULT_THRESHOLD


def add_arguments(p) -> None:
    p.add_argument("--weights", nargs="+", required=True, metavar="FILE", help="weights files (.npz) or torch checkpoints")
    p.add_argument("--group", default=None, help="group spec for files that carry none (torch files); must match .npz files")
    p.add_argument("--keys", default=None, metavar="A,B,C",
                   help="names of the W_a, W_b, W_c tensors in a torch state dict (default: layera.weight,layerb.weight,layerc.weight)")
    _options.add_threshold(p)
    p.add_argument("--json", action="store_true", help="print {\"networks\": [...], \"table2\": {...}} as JSON")


def _keys(text):
    if text is None:
        return None
    keys = tuple(k.strip() for k in text.split(","))
    if len(keys) != 3 or not all(keys):
        raise ValueError(f"--keys {text!r}: give three comma-separated tensor names A,B,C")
    return keys


def analyse_files(files, group=None, keys=None, threshold: float = DEFAULT_THRESHOLD) -> dict:
    """The document ``cogs analyze --json`` prints (see the module doc)."""
    from cogs.reports import Readings, report_of
    from cogs.reports.table2 import network_row
    from groups import parse_group
    from models.spectrum import Spectrum
    from models.network import load

    G = parse_group(group) if group is not None else None
    loaded = [load(f, group=G, keys=keys) for f in files]  # every file judged before any analysis
    spectra = [Spectrum.from_weights(w.group, w.W_a, w.W_b, w.W_c) for w in loaded]
    readings = Readings.from_spectra(loaded[0].group if loaded else G, spectra, [{"file": str(f)} for f in files],
                                     threshold=threshold)
    networks = []
    for f, w, an in zip(files, loaded, readings.analyses):
        networks.append({
            "file": str(f),
            "group": w.group.spec,
            "q": w.q,
            "orbits": [
                {"k": o.k, "order": o.order, "factorable": o.factorable, "family": o.family,
                 "error": o.error, "order_scale_free": o.order_rel,
                 "factorable_exact": o.factorable_exact, "registry_family": o.registry_family}
                for o in an.orbits
            ],
            "table2": network_row(an),
            "match_rate": an.stats()["match_rate"],
        })
    # every registered analysis (cogs.reports): Table 2, the family shares in three readings,
    # order histograms, and whatever a user registered
    pooled = {k: v for k, v in report_of(readings).items() if v != {} or k == "table2"} if networks else {"table2": {}}
    return {"threshold": threshold, "networks": networks, **pooled}


def run(args) -> int:
    from cogs.reports import table2 as table2_text
    from cogs.reports.tables import plain_table

    doc = analyse_files(args.weights, args.group, _keys(args.keys), args.threshold)
    if args.json:
        from cogs.cli.main import print_json

        print_json(doc)
        return 0
    for net in doc["networks"]:
        print(f"{net['file']}: {net['group']}, q = {net['q']}, match_rate {100 * net['match_rate']:.1f} %")
        table = [[o["k"], o["order"], o["order_scale_free"],
                  "—" if o["factorable"] is None else ("yes" if o["factorable"] else "no"),
                  "—" if o["error"] is None else f"{o['error']:.3f}",
                  o["family"] or "—", o["registry_family"] or "—"] for o in net["orbits"]]
        print(plain_table(["k", "order", "order (scale-free)", "factorable", "error", "family", "registry"], table))
        print()
    n = len(doc["networks"])
    d = {net["group"] for net in doc["networks"]}
    G_d = None
    if len(d) == 1:
        from groups import parse_group

        G = parse_group(d.pop())
        G_d = G.order if len(G.moduli) == 1 else None
    print(f"Table 2 over {n} network(s)")
    print(plain_table(table2_text.text_header(), table2_text.text_rows(doc["table2"], f"{n} network(s)", G_d)))
    print("\n".join(table2_text.text_legend()))
    print("- order: active nodes whose dominant input frequency is the orbit (|A_kj| ≥ the threshold); "
          "error: the pairing search's Frobenius deviation, factorable when ≤ 0.1·√(3·order); "
          "—: not of order 4/6 or not named.")
    if doc.get("family_shares") is not None:
        from cogs.reports.family_shares import HEADER, LEGEND, share_rows

        print()
        print(f"Family shares over {n} network(s), three readings")
        print(plain_table(HEADER, share_rows(doc)))
        print("\n".join(LEGEND))
    return 0
