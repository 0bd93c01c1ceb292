"""Exact loss, accuracy and constraint report of a saved weights file.

The loss over all d² pairs comes from the fast weight-space evaluator (never enumerating
pairs); over the run's train or test pairs (rebuilt from the file's seed, seeding and
train_frac metadata) it is computed by brute force. Accuracy is always brute force (chunked)
and is skipped by default when d > 512 (pass --accuracy to force it). The constraint report
lists, per orbit {k, -k}, r_kkk and the violations of R_c, R_n and R_* (paper units, docs/mathematics.md#sum-potentials).

Example: cogs loss --group Z23 --weights run.npz --json
"""

from __future__ import annotations

import json
import math
from pathlib import Path

ACCURACY_MAX_D = 512
_SPLIT_KEYS = ("seed", "seeding", "train_frac")
_SPLIT_SECTIONS = ("split", "run", "config", "train", "training")


def add_arguments(p) -> None:
    p.add_argument("--group", help="group spec (e.g. Z23, 2x3x4); must match the file's group. Default: the file's")
    p.add_argument("--weights", required=True, metavar="FILE", help="weights file (.npz with W_a, W_b, W_c, group)")
    p.add_argument(
        "--pairs",
        choices=("all", "train", "test"),
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


def _split_params(meta: dict) -> tuple[dict, list[str]]:
    """seed/seeding/train_frac from the metadata: top level first, then a nested section."""
    found: dict = {}
    for key in _SPLIT_KEYS:
        if key in meta:
            found[key] = meta[key]
            continue
        for sec in _SPLIT_SECTIONS:
            sub = meta.get(sec)
            if isinstance(sub, dict) and key in sub:
                found[key] = sub[key]
                break
    return found, [k for k in _SPLIT_KEYS if k not in found]


def split_pairs(meta: dict, d: int, which: str, path) -> "np.ndarray":
    """Pair indices (a·d + b) of the run's train or test set, from the file's metadata
    (keys seed, seeding, train_frac, at top level or in a section such as ``config``), with
    any missing key taken from ``config.json`` beside the weights file (a trainer run folder)."""
    from cogs.cli.main import CLIError

    params, missing = _split_params(meta)
    if missing:  # a trainer run folder also holds the resolved config next to the weights
        sidecar = Path(path).with_name("config.json")
        if sidecar.is_file():
            try:
                extra = json.loads(sidecar.read_text())
            except (OSError, ValueError):
                extra = None
            if isinstance(extra, dict):
                more, _ = _split_params(extra)
                params = {**more, **params}
                missing = [k for k in _SPLIT_KEYS if k not in params]
    if missing:
        raise CLIError(
            f"{path}: --pairs {which} needs the run's split metadata, missing {', '.join(missing)} "
            "(only --pairs all works for this file)"
        )
    try:
        from models.training.seeding import split
    except ImportError:  # pragma: no cover - the trainer package is part of the project
        raise CLIError("--pairs train/test needs models.training.seeding.split, which is not available") from None
    try:
        seed = int(params["seed"])
        seeding = str(params["seeding"])
        train_frac = float(params["train_frac"])
    except (TypeError, ValueError):
        raise CLIError(f"{path}: malformed split metadata {params!r}") from None
    if isinstance(params["seed"], bool) or seed != params["seed"]:
        raise CLIError(f"{path}: split metadata seed must be an integer, got {params['seed']!r}")
    if seeding not in ("default", "reference"):
        raise CLIError(f"{path}: unknown seeding {seeding!r} in the split metadata (default or reference)")
    if not (0.0 < train_frac <= 1.0) or not math.isfinite(train_frac):
        raise CLIError(f"{path}: train_frac must be in (0, 1], got {train_frac!r}")
    train, test = split(d, seed, train_frac, seeding)
    chosen = train if which == "train" else test
    if len(chosen) == 0:
        raise CLIError(f"{path}: the run's {which} set is empty (train_frac = {train_frac})")
    return chosen


def evaluate(weights, pairs: str = "all", accuracy: bool | None = None, path: str = "weights") -> dict:
    """The report as a dict (what ``--json`` prints, before complex → {re, im})."""
    import torch

    from models.limits import check, loss_estimate
    from models.exact_loss import brute_force_loss, exact_loss, exact_loss_method
    from cogs.sp.loss import constraint_report
    from models.forward import loss_and_accuracy, pairs_from_index

    G = weights.group
    d, q = G.order, weights.q
    want_acc = accuracy if accuracy is not None else d <= ACCURACY_MAX_D
    est = loss_estimate(d, q, pairs=None if pairs == "all" else d * d, accuracy=want_acc)
    check(f"evaluating {path} (d = {d}, q = {q}{', with accuracy' if want_acc else ''})", memory=est["memory"], work=est["work"])
    W_a, W_b, W_c = weights.tensors(torch.float64)
    out: dict = {"group": G.spec, "d": d, "order": q, "q": q, "pairs": pairs}
    with torch.no_grad():
        if pairs == "all":
            # never the d² pairs one by one: weight space, O(q²d) (or the residual sum, O(q·d³),
            # when q ≥ d² makes that the cheaper exact method)
            out["n_pairs"] = d * d
            out["loss"] = float(exact_loss(G, W_a, W_b, W_c))
            out["loss_method"] = exact_loss_method(q, d)
            if want_acc:
                out["accuracy"] = float(loss_and_accuracy(G, W_a, W_b, W_c)[1])
        else:
            idx = split_pairs(weights.meta, d, pairs, path)
            pr = pairs_from_index(d, idx)
            out["n_pairs"] = int(len(pr))
            if want_acc:
                loss, acc = loss_and_accuracy(G, W_a, W_b, W_c, pairs=pr)
                out["accuracy"] = float(acc)
            else:
                loss = brute_force_loss(G, W_a, W_b, W_c, pairs=pr)
            out["loss"] = float(loss)
            out["loss_method"] = "brute force"
        if not want_acc:
            out["accuracy_skipped"] = f"d = {d} > {ACCURACY_MAX_D}: pass --accuracy to compute it" if accuracy is None else "--no-accuracy"
        rep = constraint_report(G, W_a, W_b, W_c)
    out["dc_a"], out["dc_b"] = rep["dc_a"], rep["dc_b"]
    out["orbits"] = rep["orbits"]
    _check_finite(out, weights, path)
    return out


def _check_finite(out: dict, weights, path) -> None:
    """Finite weights can still overflow float64 in the cubic network (|w| ≳ 1e100): report
    that instead of printing a NaN loss with exit status 0."""
    values = [out["loss"], out.get("accuracy", 0.0), out["dc_a"], out["dc_b"]]
    for row in out["orbits"]:
        values += [row["r_kkk"].real, row["r_kkk"].imag, row["R_c"], row["R_n"], row["R_*"]]
    if not all(math.isfinite(v) for v in values):
        big = max(float(abs(w).max()) for w in (weights.W_a, weights.W_b, weights.W_c))
        raise ValueError(f"{path}: float64 overflow evaluating the network (max |weight| = {big:.3g}); the loss is not representable")


def run(args) -> int:
    from cogs.cli.main import print_json
    from models.network import load_npz

    w = load_npz(args.weights, args.group)
    rep = evaluate(w, args.pairs, args.accuracy, path=args.weights)
    if args.json:
        print_json(rep)
        return 0
    print(f"weights      {args.weights}")
    print(f"group        {rep['group']}  (d = {rep['d']})")
    print(f"order        q = {rep['order']}")
    print(f"pairs        {rep['pairs']} ({rep['n_pairs']})")
    print(f"loss         {rep['loss']:.12g}   [{rep['loss_method']}]")
    if "accuracy" in rep:
        print(f"accuracy     {rep['accuracy']:.6f}")
    else:
        print(f"accuracy     skipped ({rep['accuracy_skipped']})")
    print(f"input DC     max|a_0| = {rep['dc_a']:.3g}, max|b_0| = {rep['dc_b']:.3g}  (paper units; 0 = zero-mean)")
    print("orbits (paper units): r_kkk target 1; R_c, R_n, R_* are violations (target 0)")
    print(f"  {'k':>5} {'-k':>5} {'kind':<7} {'Re r_kkk':>11} {'Im r_kkk':>11} {'R_c':>10} {'R_n':>10} {'R_*':>10}")
    for row in rep["orbits"]:
        r = row["r_kkk"]
        print(
            f"  {row['k']:>5} {row['neg']:>5} {row['kind']:<7} {r.real:>11.4g} {r.imag:>11.4g} "
            f"{row['R_c']:>10.3g} {row['R_n']:>10.3g} {row['R_*']:>10.3g}"
        )
    return 0
