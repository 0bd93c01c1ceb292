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

CoGS construction: every strategy of :data:`cogs.solver.STRATEGIES` that is ``compared``
(all but ``memorize``, d² nodes) is planned once (:func:`cogs.solver.make_plan`), built and
certified; the lowest order whose certificate passed wins (ties: the first strategy in
registry order, those that compare others — ``auto`` — last, so that a tie credits the
strategy that builds the network). ``auto`` is included because it is a construction of its
own (order 2d − r with the built-ins, below z_F4/6 when there are real characters). A
strategy that refuses the group is listed with its reason. Above d = ``build_max_d`` (256)
nothing is built: the order is the one the strategy's plan predicts and the entry says
``built: False``.

Discovered: ``results`` is a discovery output — a path (see :func:`read_results`) or a
discovery result object (anything whose ``to_dict()`` is a discovery document:
``DiscoveryResult``, ``ScanResult``); the lowest order with a converged run and its loss.
:func:`group_for_results` says which of several groups an output applies to.

>>> b = bounds("Z7")
>>> b
Bounds(group=Z7, lower_bound=9, best_known=12)
>>> b.lower_bound, dict(b.paper), b.cogs_construction.strategy, b.gap
(9, {'f6': 18, 'f46': 14}, 'chain', 3)
>>> print(bounds_table([b]))
group  d  c  r  q bound  paper f6  paper f46  CoGS best (strategy)  discovered (loss)  gap
Z7     7  3  0        9        18         14            12 (chain)                  —    3
"""

from __future__ import annotations

import math
import os
import typing

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import attrs

from models.frozen import frozen_mapping, reduce_by_fields
from cogs.solver.order_formulas import paper_orders
from cogs.solver.strategies import STRATEGIES, make_plan
from cogs.solver.strategy import Refusal
from groups import FiniteAbelianGroup, parse_group

__all__ = ["Attempt", "BUILD_MAX_D", "BestConstruction", "Bounds", "CONVERGED_LOSS", "Discovered", "bounds", "bounds_table",
           "cogs_construction", "group_for_results", "lower_bound", "read_results", "results_groups"]

BUILD_MAX_D = 256
#: a discovery row without a ``converged`` flag counts as converged below this loss
CONVERGED_LOSS = 1e-12


def lower_bound(group) -> int:
    """3c + r on a finite Abelian group written as Z_n factors; on any finite group
    2(n − 1) − t, t the number of non-trivial real irreducibles (see the module docstring; the
    two agree on Abelian groups: n − 1 = 2c + r, t = c + r).

    >>> lower_bound("Z8"), lower_bound("Z2xZ4"), lower_bound("S3"), lower_bound("S4")
    (10, 9, 8, 42)
    """
    G = parse_group(group)
    if not isinstance(G, FiniteAbelianGroup):
        return 2 * (G.order - 1) - (len(G.real_irreps()) - 1)
    return 3 * len(G.complex_orbits()) + len(G.real_orbits())


def _notes(G) -> list[str]:
    if not isinstance(G, FiniteAbelianGroup):
        return ["lower bound: Alder–Strassen on the bilinear part (multiplication in R[G] without its trivial block, "
                "⊕ M_m(D) over the t non-trivial real irreducibles): q ≥ 2(n − 1) − t",
                "any network needs q ≥ 1 (q = 0 leaves loss (d−1)/d)"]
    notes = [
        "lower bound: Alder–Strassen on the bilinear part (multiplication in R[G]/trivial ≅ C^c × R^r): q ≥ 2(2c+r) − (c+r) = 3c + r",
        "any network needs q ≥ 1 (q = 0 leaves loss (d−1)/d)",
    ]
    if G.order == 2:
        notes.append("Z2: q = 1 is impossible (P o = h·P w_c with h ≥ 0 cannot equal both P e_0 and P e_1 = −P e_0), so q ≥ 2")
    return notes


@typing.final
@attrs.frozen
class Attempt:
    """One strategy in :class:`BestConstruction`: built (order, loss, passed), planned above
    ``build_max_d`` (order only), or refused (``error``, one line)."""

    order: int | None = None
    loss: float | None = None
    passed: bool | None = None
    built: bool = False
    error: str | None = None

    def to_dict(self) -> dict:
        if self.error is not None:
            return {"error": self.error}
        return {"order": self.order, "loss": self.loss, "passed": self.passed, "built": self.built}


@typing.final
@attrs.frozen
class BestConstruction:
    """The lowest order over the strategies tried (module doc): ``order`` and ``strategy``
    (None when none passed), whether it was ``built``, its ``loss``, and every :class:`Attempt`."""

    order: int | None
    strategy: str | None
    built: bool
    loss: float | None
    tried: Mapping = attrs.field(converter=frozen_mapping)

    __reduce__ = reduce_by_fields

    def to_dict(self) -> dict:
        return {"order": self.order, "strategy": self.strategy, "built": self.built, "loss": self.loss,
                "tried": {name: a.to_dict() for name, a in self.tried.items()}}


@typing.final
@attrs.frozen
class Discovered:
    """What a discovery output shows: the lowest converged ``order`` (None if none converged),
    its ``loss`` and ``source``, and every order tried."""

    order: int | None
    loss: float | None
    source: str | None
    orders_tried: tuple[int, ...] = attrs.field(converter=tuple)

    def to_dict(self) -> dict:
        return {"order": self.order, "loss": self.loss, "source": self.source, "orders_tried": list(self.orders_tried)}


@typing.final
@attrs.frozen(repr=False)
class Bounds:
    """One group's row (module doc): d, c, r, the ``lower_bound`` 3c + r, the ``paper``
    orders, the ``cogs_construction``, what was ``discovered`` (None without results), the
    best known order and its source, the ``gap`` to the lower bound, and ``notes``.
    ``to_dict()`` is the row ``cogs bounds --json`` prints."""

    group: str
    d: int
    c: int | None  # None for a group read by irreps
    r: int | None
    lower_bound: int
    paper: Mapping = attrs.field(converter=frozen_mapping)
    cogs_construction: BestConstruction
    discovered: Discovered | None
    best_order: int | None
    best_source: str | None
    notes: tuple[str, ...] = attrs.field(converter=tuple)
    #: a group read by irreps: the polarised orders, {"naive": …, "best": …}
    polarized: Mapping = attrs.field(factory=dict, converter=frozen_mapping, kw_only=True)

    __reduce__ = reduce_by_fields

    @property
    def gap(self) -> int | None:
        """Best known order − lower bound."""
        return None if self.best_order is None else self.best_order - self.lower_bound

    def to_dict(self) -> dict:
        return {
            "group": self.group,
            "d": self.d,
            "c": self.c,
            "r": self.r,
            "lower_bound": self.lower_bound,
            "paper": dict(self.paper),
            "cogs_construction": self.cogs_construction.to_dict(),
            "discovered": None if self.discovered is None else self.discovered.to_dict(),
            "best_known": None if self.best_order is None else {"order": self.best_order, "source": self.best_source},
            "gap": self.gap,
            "notes": list(self.notes),
        } | ({"polarized": dict(self.polarized)} if self.polarized else {})

    def __repr__(self) -> str:
        return f"Bounds(group={self.group}, lower_bound={self.lower_bound}, best_known={self.best_order})"


def _first_line(e: Exception) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


def cogs_construction(group, *, build_max_d: int = BUILD_MAX_D, seed: int = 0) -> BestConstruction:
    """Lowest order over the CoGS strategies (see the module docstring)."""
    G = parse_group(group)
    compared = [s for s in STRATEGIES.values() if s.compares_on(G)]
    names = [s.name for s in compared if not s.compares_others] + [s.name for s in compared if s.compares_others]
    build = G.order <= build_max_d
    tried, best = {}, None
    for s in names:
        try:
            plan = make_plan(G, s)
            if isinstance(plan, Refusal):
                tried[s] = Attempt(error=plan.reason)
                continue
            if build:
                net = plan.build(seed)
                tried[s] = Attempt(order=net.order, loss=net.certificate.loss, passed=net.certificate.passed, built=True)
            else:
                tried[s] = Attempt(order=plan.order)
        except (ValueError, NotImplementedError, TypeError) as e:
            tried[s] = Attempt(error=_first_line(e))
            continue
        if tried[s].passed is not False and (best is None or tried[s].order < tried[best].order):
            best = s
    if best is None:
        return BestConstruction(None, None, build, None, tried)
    return BestConstruction(tried[best].order, best, build, tried[best].loss, tried)


#: the largest discovery results file (JSON) read, and the largest order a row may name
RESULTS_MAX_BYTES = 64 << 20
MAX_ORDER = 10**9


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
        if (isinstance(q, bool) or not isinstance(q, (int, float)) or (isinstance(q, int) and not 1 <= q <= MAX_ORDER)
                or (isinstance(q, float) and not (math.isfinite(q) and q == int(q) and 1 <= q <= MAX_ORDER))):
            raise ValueError(f"results {source}: row {i} has q = {_short(q)}; an order is an integer from 1 to {MAX_ORDER}")
        if isinstance(loss, bool) or not isinstance(loss, (int, float)) or (isinstance(loss, int) and abs(loss) > 1e300) \
                or not math.isfinite(loss) or loss < 0:
            raise ValueError(f"results {source}: row {i} has loss {_short(loss)}; a loss is a finite number ≥ 0")
        conv = row.get("converged", row.get("passed"))
        conv = float(loss) < CONVERGED_LOSS if conv is None else bool(conv)
        out.append({"q": int(q), "loss": float(loss), "converged": conv, "group": row.get("group"), "source": source})
    return group, out


def _short(x) -> str:
    """``repr(x)``, at most 60 characters."""
    text = repr(x)
    return text if len(text) <= 60 else f"{text[:40]}…({len(text)} characters)"


def _rows_from_npz(path: Path, group):
    import torch

    from models.exact_loss import exact_loss
    from models.limits import check, loss_estimate
    from models.network import load_npz

    w = load_npz(path, group)
    est = loss_estimate(w.d, w.q, parts=not isinstance(w.group, FiniteAbelianGroup))
    check(f"the loss of {path} (d = {w.d}, q = {w.q})", memory=est["memory"], work=est["work"])
    with torch.no_grad():  # the weight-space loss: never the d² pairs one by one
        loss = abs(float(exact_loss(w)))
    return w.group.spec, [{"q": w.q, "loss": loss, "converged": loss < CONVERGED_LOSS, "group": w.group.spec, "source": str(path)}]


def _is_result_object(results) -> bool:
    """A discovery result object (duck typing: it has ``to_dict()``) rather than a path?"""
    return not isinstance(results, (str, os.PathLike)) and callable(getattr(results, "to_dict", None))


def _describe(results) -> str:
    """How messages and the ``source`` of a row name ``results``: the path, or the object's type."""
    return type(results).__name__ if _is_result_object(results) else str(results)


def _named(rows: list[dict], spec) -> list[dict]:
    for r in rows:
        r["group"] = parse_group(r["group"] or spec).spec if (r["group"] or spec) else None
    return rows


def _load(results) -> list[dict]:
    """Every row of a discovery output (a path or a result object), each with the group it names (or None)."""
    if _is_result_object(results):
        spec, rows = _rows_from_json(results.to_dict(), _describe(results))
        return _named(rows, spec)
    from models.safe_files import check_regular_file

    path = Path(results)
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
            check_regular_file(f, RESULTS_MAX_BYTES, what="results file")  # a FIFO, /dev/zero, a huge file: refused
            try:
                data = json.loads(f.read_text())
            except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError, ValueError) as e:
                raise ValueError(f"results {f}: not readable JSON ({str(e).splitlines()[0][:120] if str(e) else type(e).__name__})") from None
            spec, rs = _rows_from_json(data, str(f))
        rows += _named(rs, spec)
    return rows


def results_groups(path) -> set[str]:
    """The group specs a discovery output (path or result object) names (empty when it names none)."""
    return {r["group"] for r in _load(path) if r["group"] is not None}


def group_for_results(groups, results, *, label: str = "results"):
    """The one of ``groups`` that the discovery output ``results`` (a path or a result object)
    applies to: the only group when there is one, else the first group the output names
    (ValueError when it names none of them; ``label`` names ``results`` in that message, e.g.
    ``--results``). The output is read and checked against that group on the way, so a bad one
    fails before anything is built. ``cogs bounds --group A,B --results R`` gives R to this
    group only.

    >>> import json, tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     scan = Path(tmp) / "scan.json"
    ...     _ = scan.write_text(json.dumps({"group": "Z5", "rows": [{"q": 8, "best_loss": 1e-20, "converged": True}]}))
    ...     group_for_results(["Z3", "Z5"], scan).spec
    'Z5'
    """
    groups = [parse_group(g) for g in groups]
    if not groups:
        raise ValueError(f"{label} {_describe(results)}: no group given to apply it to")
    if len(groups) == 1:
        target = groups[0]
    else:
        named = {parse_group(n) for n in results_groups(results)}
        matches = [g for g in groups if g in named]
        if not matches:
            raise ValueError(f"{label} {_describe(results)}: names none of the groups {', '.join(g.spec for g in groups)}")
        target = matches[0]
    read_results(results, target)
    return target


def read_results(path, group=None) -> list[dict]:
    """Rows {q, loss, converged, source} of a discovery output for ``group``.

    ``path`` is a JSON file (a ``scan.json``: {"group", "rows": [{"q", "best_loss",
    "converged"}]}, or the bare list of rows, or one ``certificate.json`` with q/order and
    loss), or a folder holding ``scan.json``, ``certificate.json``, ``q*/certificate.json`` or
    ``best.npz`` / ``q*/best.npz`` files (the loss of a weights file is recomputed by brute
    force; converged means loss < 1e-12) — or a discovery result object, read through its
    ``to_dict()`` (a ``DiscoveryResult``'s or a ``ScanResult``'s; the rows' ``source`` is its
    type's name). A row naming another group than ``group`` is an error."""
    want = parse_group(group) if group is not None else None
    rows = _load(path)
    for r in rows:
        g = r.pop("group")
        if g is not None and want is not None and parse_group(g) != want:
            raise ValueError(f"results {r['source']}: rows are for group {g}, not {want.spec}")
    return rows


def _discovered(rows: list[dict]) -> Discovered:
    conv = [r for r in rows if r["converged"]]
    tried = sorted({r["q"] for r in rows})
    if not conv:
        return Discovered(None, None, None, tried)
    q = min(r["q"] for r in conv)
    best = min((r for r in conv if r["q"] == q), key=lambda r: r["loss"])
    return Discovered(q, best["loss"], best["source"], tried)


def bounds(group, *, results=None, build_max_d: int = BUILD_MAX_D, seed: int = 0) -> Bounds:
    """How many hidden nodes ``group`` needs (module doc): a :class:`Bounds` with d, c, r, the
    ``lower_bound`` 3c + r, the ``paper`` orders, the ``cogs_construction`` (built up to
    d = ``build_max_d``, planned above), what the discovery output ``results`` shows (a path or
    a discovery result object such as ``cogs.discover(...)``'s: :func:`read_results`; None
    without), the best known order, the ``gap`` and ``notes``.

    >>> import cogs
    >>> b = cogs.bounds("Z2xZ4")   # c = 2 complex orbits, r = 3 real characters
    >>> b.lower_bound, b.paper["f6"], b.cogs_construction.order, b.to_dict()["gap"]
    (9, 18, 13, 4)
    """
    G = parse_group(group)
    s = G.summary()
    lb = lower_bound(G)
    cons = cogs_construction(G, build_max_d=build_max_d, seed=seed)
    disc = _discovered(read_results(results, G)) if results is not None else None
    if disc is not None and disc.order is not None and disc.order < lb:
        raise ValueError(
            f"results claim a converged order {disc.order} for {G.spec}, below the proved lower bound {lb} "
            f"(loss {disc.loss:.3g} from {disc.source}): a corrupted file, or a loss that only tends to 0"
        )
    cands = []
    if cons.order is not None:
        cands.append((cons.order, f"cogs {cons.strategy}"))
    if disc is not None and disc.order is not None:
        cands.append((disc.order, "discovered"))
    best = min(cands, key=lambda t: t[0]) if cands else (None, None)
    if not isinstance(G, FiniteAbelianGroup):  # no orbits: the polarised orders per algorithm set
        from cogs.solver.polarize import choose_algorithms

        polarized = {name: 2 * sum(a.rank for _, a in choose_algorithms(G, name)) for name in ("naive", "best")}
        return Bounds(G.spec, s["order"], None, None, lb, {}, cons, disc, *best, _notes(G), polarized=polarized)
    return Bounds(G.spec, s["order"], s["complex_orbits"], s["real_characters"], lb, paper_orders(G), cons, disc, *best, _notes(G))


TABLE_HEAD = ("group", "d", "c", "r", "q bound", "paper f6", "paper f46", "CoGS best (strategy)", "discovered (loss)", "gap")


def _fmt(x) -> str:
    return "—" if x is None else str(x)


def _cells(b: Bounds) -> tuple[str, ...]:
    cons, disc = b.cogs_construction, b.discovered
    best = "—" if cons.order is None else f"{cons.order} ({cons.strategy}{'' if cons.built else ', planned'})"
    found = "—" if disc is None else ("none converged" if disc.order is None else f"{disc.order} ({disc.loss:.1e})")
    return (b.group, str(b.d), _fmt(b.c), _fmt(b.r), str(b.lower_bound), _fmt(b.paper.get("f6")), _fmt(b.paper.get("f46")), best, found, _fmt(b.gap))


def bounds_table(rows: Sequence[Bounds]) -> str:
    """The text ``cogs bounds`` prints: one line per group, then the notes particular to a group."""
    table = [TABLE_HEAD] + [_cells(b) for b in rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(TABLE_HEAD))]
    lines = ["  ".join(v.rjust(w) if i else v.ljust(w) for i, (v, w) in enumerate(zip(r, widths))).rstrip() for r in table]
    notes = [n for b in rows for n in b.notes[2:]]
    return "\n".join(lines + [f"note: {n}" for n in dict.fromkeys(notes)])
