"""How many hidden nodes does a group need? A lower bound, the paper's orders, CoGS's best
construction and (optionally) what a discovery run found.

Notation: d = |G|, c = number of complex orbits {k, −k} (k ≠ −k), r = number of real
characters (k ≠ 0, 2k = 0), so d = 1 + 2c + r.

Lower bound 3c + r. Let A = {x ∈ R^G : Σ_g x_g = 0} with convolution: it is the real group
algebra R[G] modulo its trivial character, a commutative unital algebra (unit δ_0 − 1/d)
isomorphic to C^c × R^r (one factor per orbit; the Fourier transform is the isomorphism).
A network of order q with loss 0 satisfies P o(a, b) = P e_{a+b} for all pairs. Write
u_j = W_a[j, :], v_j = W_b[j, :] and h_j = u_j(a)² + 2u_j(a)v_j(b) + v_j(b)²; extending
(e_a, e_b) ↦ P o(a, b) bilinearly, the terms u_j(a)² and v_j(b)² pair with Σ_g y_g or Σ_g x_g
and vanish on A × A, so for x, y ∈ A

    x * y = P(x * y) = Σ_j 2 (u_j·x)(v_j·y) P W_c[:, j],

a real bilinear algorithm of length q for multiplication in A (in Fourier terms: the bilinear
coefficients r_{m1 m2 k} = Σ_j A_{m1 j} B_{m2 j} C_{kj} must equal [m1 = m2 = k]/(2d) for all
non-zero m1, m2, k). The Alder–Strassen theorem bounds the bilinear rank of an algebra by
2·dim − (number of maximal two-sided ideals) = 2(2c + r) − (c + r) = 3c + r, hence

    q ≥ 3c + r    (3(d − 1)/2 for odd d, where r = 0 and d − 1 = 2c).

For C^c × R^r the multiplication has rank exactly 3c + r, so the argument cannot give more;
the u², v² terms must still be handled, so the true minimum can be larger. Verified facts
added as notes: any network needs q ≥ 1 (q = 0 leaves loss (d − 1)/d > 0), and for Z2 one node
cannot work (P o(a, b) = h(a, b)·P w_c with h ≥ 0, while P e_0 = −P e_1: h(0, 0) and h(0, 1)
would need opposite signs), so Z2 needs 2 = the order of z_F6.

Paper orders: z_F6 6c + 2r; z_F4/6 2d (only when c > 0).

CoGS construction: every strategy of :data:`cogs.solver.STRATEGIES` except ``memorize``
(d² nodes) is built with :func:`cogs.solver.construct` and certified; the lowest order whose
certificate passed wins (ties: the first strategy in registry order, ``auto`` last). ``auto``
is included because it is a construction of its own (order 2d − r with the built-ins, below
z_F4/6 when there are real characters). A strategy that refuses the group (ValueError) is
listed with its reason. Above d = ``build_max_d`` (256) nothing is built: the order is that of
:func:`cogs.solver.plan_layout` (or :func:`cogs.solver.reference_orders` for strategies it
does not plan) and the entry says ``built: False``.

Discovered: ``results`` is a discovery output (see :func:`read_results`); the lowest order
with a converged run and its loss.

>>> b = bounds("Z7")
>>> b["lower_bound"], b["paper"], b["gap"] == b["best_known"]["order"] - 9
(9, {'f6': 18, 'f46': 14}, True)
"""

from __future__ import annotations

import math

import json
from pathlib import Path

from groups import parse_group

__all__ = ["BUILD_MAX_D", "CONVERGED_LOSS", "bounds", "cogs_construction", "lower_bound", "read_results", "results_groups"]

BUILD_MAX_D = 256
#: a discovery row without a ``converged`` flag counts as converged below this loss
CONVERGED_LOSS = 1e-12


def lower_bound(group) -> int:
    """3c + r (see the module docstring).

    >>> lower_bound("Z8"), lower_bound("Z2xZ4")
    (10, 9)
    """
    G = parse_group(group)
    return 3 * len(G.complex_orbits()) + len(G.real_orbits())


def _notes(G) -> list[str]:
    notes = [
        "lower bound: Alder–Strassen on the bilinear part (multiplication in R[G]/trivial ≅ C^c × R^r): q ≥ 2(2c+r) − (c+r) = 3c + r",
        "any network needs q ≥ 1 (q = 0 leaves loss (d−1)/d)",
    ]
    if G.order == 2:
        notes.append("Z2: q = 1 is impossible (P o = h·P w_c with h ≥ 0 cannot equal both P e_0 and P e_1 = −P e_0), so q ≥ 2")
    return notes


def cogs_construction(group, *, build_max_d: int = BUILD_MAX_D, seed: int = 0) -> dict:
    """Lowest order over the CoGS strategies (see the module docstring)."""
    from cogs.solver import STRATEGIES, construct, plan_layout, reference_orders

    G = parse_group(group)
    names = [s for s in STRATEGIES if s not in ("memorize", "auto")] + (["auto"] if "auto" in STRATEGIES else [])
    build = G.order <= build_max_d
    tried, best = {}, None
    for s in names:
        try:
            if build:
                c = construct(G, s, seed=seed)
                entry = {"order": c.order, "loss": c.certificate.loss, "passed": c.certificate.passed, "built": True}
            else:
                try:
                    order = reference_orders(G)["chain"] if s == "chain" else plan_layout(G, s).order(G)
                    if s == "auto" and "chain" in reference_orders(G):
                        order = min(order, reference_orders(G)["chain"])  # auto picks the chain when lower
                except (ValueError, KeyError) as e:
                    if s not in reference_orders(G):
                        raise ValueError(f"not built above d = {build_max_d}, and neither planned nor a reference order for {G.spec} ({e})") from None
                    order = reference_orders(G)[s]
                entry = {"order": int(order), "loss": None, "passed": None, "built": False}
        except (ValueError, NotImplementedError, TypeError) as e:
            tried[s] = {"error": str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__}
            continue
        tried[s] = entry
        if entry["passed"] is not False and (best is None or entry["order"] < tried[best]["order"]):
            best = s
    if best is None:
        return {"order": None, "strategy": None, "built": build, "loss": None, "tried": tried}
    return {"order": tried[best]["order"], "strategy": best, "built": build, "loss": tried[best]["loss"], "tried": tried}


def _rows_from_json(data, source: str):
    """(group spec or None, rows) from a discovery JSON document."""
    group = None
    rows = data
    if isinstance(data, dict):
        group = data.get("group")
        for key in ("rows", "results", "scan", "orders", "runs"):
            if isinstance(data.get(key), list):
                rows = data[key]
                break
        else:
            if "q" in data or "order" in data:
                rows = [data]  # a single certificate
            else:
                raise ValueError(f"results {source}: no list of rows (expected a 'rows' list of {{q, best_loss, converged}})")
    if not isinstance(rows, list):
        raise ValueError(f"results {source}: expected a list of rows, got {type(rows).__name__}")
    out = []
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            raise ValueError(f"results {source}: row {i} is not an object")
        q = row.get("q", row.get("order"))
        loss = row.get("best_loss", row.get("loss"))
        if isinstance(loss, dict):  # {"re", "im"}
            loss = loss.get("re")
        if q is None or loss is None:
            raise ValueError(f"results {source}: row {i} lacks q or best_loss")
        if isinstance(q, bool) or not isinstance(q, (int, float)) or not math.isfinite(q) or q != int(q) or q < 1:
            raise ValueError(f"results {source}: row {i} has q = {q!r}; an order is an integer ≥ 1")
        if isinstance(loss, bool) or not isinstance(loss, (int, float)) or not math.isfinite(loss) or loss < 0:
            raise ValueError(f"results {source}: row {i} has loss {loss!r}; a loss is a finite number ≥ 0")
        conv = row.get("converged", row.get("passed"))
        conv = float(loss) < CONVERGED_LOSS if conv is None else bool(conv)
        out.append({"q": int(q), "loss": float(loss), "converged": conv, "group": row.get("group"), "source": source})
    return group, out


def _rows_from_npz(path: Path, group):
    import torch

    from models.forward import brute_force_loss
    from models.network import load_npz

    w = load_npz(path, group)
    with torch.no_grad():
        loss = float(brute_force_loss(w))
    return w.group.spec, [{"q": w.q, "loss": loss, "converged": loss < CONVERGED_LOSS, "group": w.group.spec, "source": str(path)}]


def _load(path) -> list[dict]:
    """Every row of a discovery output, each with the group it names (or None)."""
    path = Path(path)
    if not path.exists():
        raise ValueError(f"results {path}: no such file or folder")
    if path.is_dir():
        files = [p for pat in ("scan.json", "certificate.json", "*/certificate.json", "best.npz", "*/best.npz") for p in sorted(path.glob(pat))]
        if not files:
            raise ValueError(f"results {path}: no scan.json, certificate.json or best.npz in it")
    else:
        files = [path]
    rows = []
    for f in files:
        if f.suffix == ".npz":
            spec, rs = _rows_from_npz(f, None)
        else:
            try:
                data = json.loads(f.read_text())
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
                raise ValueError(f"results {f}: not readable JSON ({e})") from None
            spec, rs = _rows_from_json(data, str(f))
        for r in rs:
            r["group"] = parse_group(r["group"] or spec).spec if (r["group"] or spec) else None
            rows.append(r)
    return rows


def results_groups(path) -> set[str]:
    """The group specs a discovery output names (empty when it names none)."""
    return {r["group"] for r in _load(path) if r["group"] is not None}


def read_results(path, group=None) -> list[dict]:
    """Rows {q, loss, converged, source} of a discovery output for ``group``.

    ``path`` is a JSON file (a ``scan.json``: {"group", "rows": [{"q", "best_loss",
    "converged"}]}, or the bare list of rows, or one ``certificate.json`` with q/order and
    loss), or a folder holding ``scan.json``, ``certificate.json``, ``q*/certificate.json`` or
    ``best.npz`` / ``q*/best.npz`` files (the loss of a weights file is recomputed by brute
    force; converged means loss < 1e-12). A row naming another group than ``group`` is an
    error."""
    want = parse_group(group) if group is not None else None
    rows = _load(path)
    for r in rows:
        g = r.pop("group")
        if g is not None and want is not None and parse_group(g) != want:
            raise ValueError(f"results {r['source']}: rows are for group {g}, not {want.spec}")
    return rows


def _discovered(rows: list[dict]) -> dict:
    conv = [r for r in rows if r["converged"]]
    tried = sorted({r["q"] for r in rows})
    if not conv:
        return {"order": None, "loss": None, "source": None, "orders_tried": tried}
    q = min(r["q"] for r in conv)
    best = min((r for r in conv if r["q"] == q), key=lambda r: r["loss"])
    return {"order": q, "loss": best["loss"], "source": best["source"], "orders_tried": tried}


def bounds(group, *, results=None, build_max_d: int = BUILD_MAX_D, seed: int = 0) -> dict:
    """Per group: d, c, r, ``lower_bound`` (3c + r), ``paper`` orders, ``cogs_construction``,
    ``discovered`` (None without ``results``), ``best_known`` and ``gap`` = best known order
    − lower bound, and ``notes`` (see the module docstring)."""
    G = parse_group(group)
    d, c, r = G.order, len(G.complex_orbits()), len(G.real_orbits())
    lb = 3 * c + r
    paper = {"f6": 6 * c + 2 * r}
    if c > 0:
        paper["f46"] = 2 * d
    cons = cogs_construction(G, build_max_d=build_max_d, seed=seed)
    disc = _discovered(read_results(results, G)) if results is not None else None
    if disc is not None and disc["order"] is not None and disc["order"] < lb:
        raise ValueError(
            f"results claim a converged order {disc['order']} for {G.spec}, below the proved lower bound {lb} "
            f"(loss {disc['loss']:.3g} from {disc['source']}): a corrupted file, or a loss that only tends to 0"
        )
    cands = []
    if cons["order"] is not None:
        cands.append((cons["order"], f"cogs {cons['strategy']}"))
    if disc is not None and disc["order"] is not None:
        cands.append((disc["order"], "discovered"))
    best = min(cands, key=lambda t: t[0]) if cands else None
    return {
        "group": G.spec,
        "d": d,
        "c": c,
        "r": r,
        "lower_bound": lb,
        "paper": paper,
        "cogs_construction": cons,
        "discovered": disc,
        "best_known": None if best is None else {"order": best[0], "source": best[1]},
        "gap": None if best is None else best[0] - lb,
        "notes": _notes(G),
    }
