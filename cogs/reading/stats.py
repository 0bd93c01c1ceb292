"""Reading trained networks: per-orbit analysis of one network and aggregate statistics.

:func:`analyze_network` runs, for one network:

1. the Fourier decomposition and the orders of every orbit by both activity rules
   (:mod:`cogs.reading.orders`: ``abs`` = |A| ≥ 0.05 in coefficient units, the reference's
   rule; ``rel`` = scale-free, strength ≥ τ·max strength);
2. for every non-trivial orbit, its block F (3×n, paper units, the n active nodes of the
   orbit under the rule ``rule`` — ``abs`` by default, like the reference);
3. orbits with n ∈ {4, 6}: the exact pairing search (:mod:`cogs.reading.factorize`) and,
   when factorable, two readings of the best pairing: the **paper's reading**
   (:mod:`cogs.reading.paper`: factors normalised to a·b·c = 1 per node and named by the
   paper's tolerance rules — the headline ``family``) and **CoGS's registry reading**
   (:mod:`cogs.reading.classify`: every registered family, over all candidate pairings —
   ``registry_family``); other orbits with n equal to the order of a registered family are
   named as a single family by the registry (informative only; not in the statistics below).

Statistics (:meth:`NetworkAnalysis.stats`, :func:`aggregate`). Over a set of orbits —
the non-trivial orbits {k, −k} of the network(s); k = 0 is never an orbit here —

* ``n_orbits``: number of orbits; ``n_factor_orbits``: those of order 4 or 6 (under ``rule``);
  ``n_factorable``: those of them whose pairing error is ≤ 0.1·√(3n);
  ``n_named``: factorable ones that the paper's reading names;
* ``family_shares[f]`` = #(factorable order-4/6 orbits named f) / n_factorable, for each
  product name f (e.g. ``z_nu_i*z_xi``); ``unnamed_share`` = the rest of n_factorable, so
  Σ family_shares + unnamed_share = 1 (both 0 when n_factorable = 0);
* ``nonfactorable_share`` = (n_factor_orbits − n_factorable) / n_factor_orbits (0 if none);
* ``match_rate`` = n_named / n_orbits: the share of ALL orbits that are of order 4 or 6,
  factorable and named (the paper's "about 95 % of trained solutions match the
  constructions"). This is the only definition of match_rate in CoGS;
* ``registry``: ``family_shares``, ``unnamed_share`` and ``match_rate`` by CoGS's registry
  reading instead of the paper's (an extra column, never the headline);
* ``order_histogram[kind][n]`` = number of orbits of that kind ('complex' or 'real') with
  order n under ``rule``; ``order_histogram_by_rule`` gives it for both rules;
* ``conjugated`` = #named orbits whose registry names hold only for the conjugated block.

Table 2 of the paper (per-network shares, then mean ± standard error) is
:mod:`cogs.reports.table2`.

:func:`aggregate` pools the orbits of several networks (e.g. seeds): every orbit of every
network counts once (micro-average), plus ``per_network`` (each network's own statistics)
and the mean and standard deviation of ``match_rate`` over networks.

Reference: Y. Tian, NeurIPS 2025, arXiv 2410.01779; the reading is described in docs/reading.md.
"""

from __future__ import annotations

import typing

import collections

import attrs
import numpy as np

from cogs.reading.classify import BlockName, name_product, name_single
from cogs.reading.orbit import OrbitAnalysis
from models.jsonable import jsonable
from cogs.reading.factorize import FACTOR_TOLERANCE, factorize_batch
from models.spectrum import DEFAULT_TAU, DEFAULT_THRESHOLD, Spectrum
from cogs.reading.paper import read_block

FACTOR_ORDERS = (4, 6)


def _stats(orbits, rule: str) -> dict:
    n_orbits = len(orbits)
    factor = [o for o in orbits if o.is_factor_orbit]
    fact = [o for o in factor if o.factorable]
    named = [o for o in fact if o.family is not None]
    counts = collections.Counter(o.family for o in named)
    reg_named = [o for o in factor if o.factorable_exact and o.registry_family is not None]
    n_exact = sum(1 for o in factor if o.factorable_exact)
    reg_counts = collections.Counter(o.registry_family for o in reg_named)
    nf = len(fact)
    hist = {}
    for r in ("abs", "rel"):
        h: dict = {"complex": collections.Counter(), "real": collections.Counter()}
        for o in orbits:
            h[o.kind][o.order_abs if r == "abs" else o.order_rel] += 1
        hist[r] = {kind: {str(n): int(c) for n, c in sorted(cnt.items())} for kind, cnt in h.items()}
    return {
        "n_orbits": n_orbits,
        "n_factor_orbits": len(factor),
        "n_factorable": nf,
        "n_named": len(named),
        "family_counts": dict(sorted(counts.items())),
        "family_shares": {f: c / nf for f, c in sorted(counts.items())} if nf else {},
        "unnamed_share": (nf - len(named)) / nf if nf else 0.0,
        "nonfactorable_share": (len(factor) - nf) / len(factor) if factor else 0.0,
        "match_rate": len(named) / n_orbits if n_orbits else 0.0,
        "registry": {
            "n_factorable": n_exact,
            "family_shares": {f: c / n_exact for f, c in sorted(reg_counts.items())} if n_exact else {},
            "unnamed_share": (n_exact - len(reg_named)) / n_exact if n_exact else 0.0,
            "match_rate": len(reg_named) / n_orbits if n_orbits else 0.0,
        },
        "conjugated": sum(1 for o in reg_named if o.name.conjugated),
        "rule": rule,
        "order_histogram": hist[rule],
        "order_histogram_by_rule": hist,
    }


@typing.final
@attrs.frozen(eq=False, repr=False)
class NetworkAnalysis:
    """Analysis of one network (see module doc). ``orbits``: one :class:`OrbitAnalysis`
    per non-trivial orbit; ``zero_abs``/``zero_rel``: active nodes whose dominant input
    frequency is k = 0; ``inactive_abs``/``inactive_rel``: inactive nodes.

    >>> from cogs.solver import construct
    >>> analyze_network(construct("Z7", "f46"))
    NetworkAnalysis(group=Z7, q=14, orbits=3, factor_orbits=3, factorable=3, named=3)
    """

    group: str
    q: int
    threshold: float
    tau: float
    rule: str
    orbits: tuple
    zero_abs: int
    zero_rel: int
    inactive_abs: int
    inactive_rel: int
    meta: dict = attrs.field(factory=dict)

    def orbit(self, k: int) -> OrbitAnalysis:
        for o in self.orbits:
            if k in (o.k, o.neg):
                return o
        raise KeyError(f"no orbit contains k = {k}")

    def stats(self) -> dict:
        return _stats(self.orbits, self.rule)

    def to_dict(self) -> dict:
        return jsonable(
            {
                "group": self.group,
                "q": self.q,
                "threshold": self.threshold,
                "tau": self.tau,
                "rule": self.rule,
                "zero_abs": self.zero_abs,
                "zero_rel": self.zero_rel,
                "inactive_abs": self.inactive_abs,
                "inactive_rel": self.inactive_rel,
                "orbits": [o.to_dict() for o in self.orbits],
                "stats": self.stats(),
                "meta": self.meta,
            }
        )

    def __repr__(self) -> str:
        factor = [o for o in self.orbits if o.is_factor_orbit]
        return (f"NetworkAnalysis(group={self.group}, q={self.q}, orbits={len(self.orbits)}, "
                f"factor_orbits={len(factor)}, factorable={sum(1 for o in factor if o.factorable)}, "
                f"named={sum(1 for o in self.orbits if o.matched)})")


def analyze_network(group, W_a=None, W_b=None, W_c=None, *, registry=None, threshold: float = DEFAULT_THRESHOLD,
                    **options) -> NetworkAnalysis:
    """Analyse one network — a network value, or ``group`` and its weights (numpy or torch;
    W_a, W_b (q, d), W_c (d, q)): :func:`analyze_spectrum` of its :class:`models.spectrum.Spectrum`."""
    return analyze_spectrum(Spectrum.from_weights(group, W_a, W_b, W_c), registry, threshold, **options)


def analyze_spectrum(
    spectrum: Spectrum,
    registry=None,
    threshold: float = DEFAULT_THRESHOLD,
    *,
    tau: float = DEFAULT_TAU,
    rule: str = "abs",
    factor_orders=FACTOR_ORDERS,
    tol: float = FACTOR_TOLERANCE,
    name_tol: float = 0.1,
    matchers=None,
    meta: dict | None = None,
    factor_estimate: str = "first",
) -> NetworkAnalysis:
    """Analyse one network from its spectrum (computed once, read by every analysis).

    >>> from cogs.solver import construct
    >>> from models.spectrum import Spectrum
    >>> s = Spectrum.from_weights("Z5", *construct("Z5", "f46").weights)
    >>> net = analyze_spectrum(s)
    >>> sum(o.order for o in net.orbits), all(o.factorable for o in net.orbits)  # 2d nodes, every orbit a product
    (10, True)

    ``registry``: the generator registry whose families name the factors (None: the
    current registry: the default one, or the one :func:`cogs.generators.scoped_registry` sets);
    ``matchers``: explicit matchers instead (overrides ``registry``). ``rule``: which
    activity rule selects the nodes of each orbit for factorisation ('abs' or 'rel').
    ``factor_estimate``: 'first' (docs/reading.md, the reference: the order-m factor is the first
    half of the pairing) or 'lsq' (least squares from both halves; less noise, so more
    orbits of a not-quite-converged network are named)."""
    from cogs.reading.matcher_registry import resolve_matchers

    dec = spectrum
    G = dec.group
    if rule not in ("abs", "rel"):
        raise ValueError(f"rule must be 'abs' or 'rel', got {rule!r}")
    mts = tuple(matchers) if matchers is not None else resolve_matchers(registry)
    act_abs = dec.active("abs", threshold, tau)
    act_rel = dec.active("rel", threshold, tau)
    ord_abs, ord_rel = dec.orders(act_abs), dec.orders(act_rel)
    active = act_abs if rule == "abs" else act_rel
    blocks, kinds, nodes = [], [], []
    for i in range(1, len(dec.orbits)):
        nd = dec.orbit_nodes(i, active)
        nodes.append(tuple(int(j) for j in nd))
        F = dec.block(i, nd)
        if dec.orbits[i].is_real:
            F = F.real.astype(np.complex128)
        blocks.append(F)
        kinds.append(dec.orbits[i].kind)
    fidx = [i for i, F in enumerate(blocks) if F.shape[1] in factor_orders]
    facts = dict(zip(fidx, factorize_batch([blocks[i] for i in fidx], tol, estimate=factor_estimate))) if fidx else {}
    single_orders = {m.order for m in mts if m.order >= 2}
    out = []
    for i, F in enumerate(blocks):
        fact = facts.get(i)
        paper = None
        if fact is not None:
            name = name_product(fact, F, kinds[i], mts, name_tol) if fact.factorable else BlockName(None, (), False, None)
            paper = read_block(F, kinds[i], name_tol, factor_estimate)
        elif F.shape[1] in single_orders:
            name = name_single(F, kinds[i], mts, name_tol)
        else:
            name = BlockName(None, (), False, None)
        o = dec.orbits[i + 1]
        out.append(
            OrbitAnalysis(
                o.k, o.neg, o.kind, int(ord_abs[i + 1]), int(ord_rel[i + 1]),
                int(F.shape[1]), nodes[i], F, fact, name, paper,
            )
        )
    return NetworkAnalysis(
        G.spec, dec.q, float(threshold), float(tau), rule, tuple(out),
        int(ord_abs[0]), int(ord_rel[0]), int((~act_abs).sum()), int((~act_rel).sum()), dict(meta or {}),
    )


def aggregate(analyses) -> dict:
    """Pooled statistics over several networks (see module doc): every key of
    :meth:`NetworkAnalysis.stats` computed over all their orbits together, plus
    ``n_networks``, ``groups``, ``per_network`` and ``match_rate_mean``/``match_rate_std``."""
    analyses = list(analyses)
    rules = {a.rule for a in analyses}
    if len(rules) > 1:
        raise ValueError(f"cannot pool analyses made with different activity rules: {sorted(rules)}")
    orbits = [o for a in analyses for o in a.orbits]
    out = _stats(orbits, rules.pop() if rules else "abs")
    per = [a.stats() for a in analyses]
    rates = np.array([p["match_rate"] for p in per], dtype=float)
    out.update(
        {
            "n_networks": len(analyses),
            "groups": sorted({a.group for a in analyses}),
            "match_rate_mean": float(rates.mean()) if len(rates) else 0.0,
            "match_rate_std": float(rates.std()) if len(rates) else 0.0,
            "per_network": per,
        }
    )
    return jsonable(out)
