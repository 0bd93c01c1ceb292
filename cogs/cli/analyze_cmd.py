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


def run(args) -> int:
    from cogs.cli.main import print_json
    from cogs.reports.analyze import analyze

    report = analyze(args.weights, group=args.group, keys=_keys(args.keys), threshold=args.threshold)
    if args.json:
        print_json(report.to_dict())
    else:
        print(report.text())
    return 0
