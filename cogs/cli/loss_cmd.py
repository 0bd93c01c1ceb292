"""Exact loss, accuracy and constraint report of a saved weights file.

The loss over all d² pairs comes from the fast weight-space evaluator (never enumerating
pairs); over the run's train or test pairs (rebuilt from the file's seed, seeding and
train_frac metadata) it is computed by brute force. Accuracy is always brute force (chunked)
and is skipped by default when d > 512 (pass --accuracy to force it). The constraint report
lists, per orbit {k, -k}, r_kkk and the violations of R_c, R_n and R_* (paper units, docs/mathematics.md#sum-potentials).

Example: cogs loss --group Z23 --weights run.npz --json
"""

from __future__ import annotations

from cogs.sp.loss_report import ACCURACY_MAX_D, PAIRS


def add_arguments(p) -> None:
    p.add_argument("--group", help="group spec (e.g. Z23, 2x3x4); must match the file's group. Default: the file's")
    p.add_argument("--weights", required=True, metavar="FILE", help="weights file (.npz with W_a, W_b, W_c, group)")
    p.add_argument(
        "--pairs",
        choices=PAIRS,
        default="all",
        help="pairs to evaluate: all d² (fast, exact) or the run's train/test split (brute force; "
        "needs seed, seeding and train_frac in the file's metadata or in a config.json next to it). Default: all",
    )
    acc = p.add_mutually_exclusive_group()
    acc.add_argument(
        "--accuracy",
        dest="accuracy",
        action="store_true",
        default=None,
        help=f"compute accuracy even when d > {ACCURACY_MAX_D} (brute force, O(d²·q·d))",
    )
    acc.add_argument("--no-accuracy", dest="accuracy", action="store_false", help="skip accuracy")
    p.add_argument("--json", action="store_true", help="print a JSON object")


def run(args) -> int:
    from cogs.cli.main import print_json
    from cogs.sp.loss_report import loss_report
    from models.network import load_npz

    report = loss_report(load_npz(args.weights, args.group), pairs=args.pairs, accuracy=args.accuracy)
    if args.json:
        print_json(report.to_dict())
    else:
        print(report.text())
    return 0
