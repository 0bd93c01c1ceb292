"""Strategies: which partial solution goes on which orbit, then build and certify.

Strategies (docs/solutions.md#global-solutions; c = complex orbits, r = real characters, d = |G| = 1 + 2c + r):

``f6``        z_F6 — every orbit fully solved on its own: the lowest-order composition that
              kills all its SPs (with the built-ins a normalised z_ν*z_syn, order 6, on each
              complex orbit and z_real, order 2, on each real one): order 6c + 2r, 3(d−1)
              for odd cyclic d.
``f46``       z_F4/6 — one complex orbit k0 (the first) is a *helper*: fully solved and with
              vanishing c-free sums (z_ν*z_syn with |ν| = 1); every other complex orbit only
              needs R_c ∪ R_* (z_{ν=i}*z_ξ, order 4) and its R_n residual ρ_k is cancelled by
              output components γ_k = −ρ_k/N on the helper's nodes; real orbits carry
              z_real. Order 6 + 4(c−1) + 2r = 2d. A group without complex orbits (Z_2^n)
              has no helper: f46 falls back to f6 and says so in the certificate.
``chain``     the doubling chain of :mod:`cogs.solver.chain`: four nodes with DC inputs per
              orbit of odd-order characters, linked along the cycles of k ↦ 2k, three on
              orbits with 3k = 0: order 2(d − 1) − n3 for odd d (``tri3=False``: 2(d − 1)).
              On even groups the other orbits get registry compositions (or sign nodes on
              Z_2^n × odd); groups without odd-order characters are refused with the reason.
              Certified by the κ form and brute force.
``memorize``  z_M = y_1*y_2 (docs/solutions.md#global-solutions), order d²: one node per pair (g, h). Refused above
              |G| = MEMORIZE_MAX_D (d² nodes and an O(q²d) certificate).
``auto``      the lowest total order over the strategies: chain where it applies (odd d),
              and the lowest order that the registry and cancellation allow: per orbit
              kind the cheapest full and partial (R_n-free) compositions, the cheapest
              helper, and the better of "no cancellation" and "helper + cheapest of
              full/partial everywhere else". With the built-ins this puts a single node
              (1, 1, 1) on each real orbit (its R_n residual is cancelled by the helper):
              order 2d − r, below z_F4/6 whenever the group has real characters and a
              complex orbit. Each such certificate carries its own brute-force check.

The per-orbit compositions come from :func:`cogs.solver.search.search` (the registry, never a
hard-coded answer); each orbit gets fresh random parameter values from ``seed``.

>>> c = construct("Z7", "f46", seed=0)
>>> c.order, c.certificate.loss < 1e-12
(14, True)

Reference: Tian, NeurIPS 2025, arXiv:2410.01779 (docs/solutions.md#global-solutions).
"""

from __future__ import annotations

import typing

import time
from pathlib import Path

import attrs
import numpy as np

from cogs.generators.builtin import memorization_direct, memorization_element
from cogs.generators.registry import Registry
from cogs.generators.scope import current_registry
from cogs.solver.assemble import balance as balance_weights
from cogs.solver.assemble import gauge_fix
from cogs.solver.certificate import Certificate, certify
from cogs.generators.builtin_linked import valid_phi
from cogs.solver.chain import DEFAULT_PHI, chain_order, chain_refusal, chain_weights
from cogs.solver.layout import Layout, compose_orbits, plan_layout
from cogs.solver.search import CoverageError, sp_vector
from groups import FiniteAbelianGroup, parse_group
from models.network import Network
from models.spectrum import paper_scale

__all__ = ["Layout", "MEMORIZE_MAX_D", "STRATEGIES", "construct", "plan_layout", "reference_orders"]

STRATEGIES = ("f6", "f46", "chain", "memorize", "auto")
MEMORIZE_MAX_D = 64


def reference_orders(group) -> dict:
    """The orders the constructions predict: f6 = 6c + 2r, f46 = 2d (c > 0), chain =
    2(d − 1) − n3 (odd d; n3 orbits with 3k = 0), memorize = d²."""
    G = parse_group(group)
    c, r, d = len(G.complex_orbits()), len(G.real_orbits()), G.order
    out = {"f6": 6 * c + 2 * r}
    if c > 0:
        out["f46"] = 2 * d
    if d % 2 == 1:
        n3 = sum(1 for o in G.orbits() if int(G.element_orders()[o.k]) == 3)
        out["chain"] = 2 * (d - 1) - n3
    elif chain_refusal(G) is None:
        out["chain"] = chain_order(G)
    out["memorize"] = d * d
    return out


def construct(
    group,
    strategy: str = "auto",
    *,
    seed: int = 0,
    registry: Registry | None = None,
    balance: bool = True,
    polynomial: bool = True,
    sums: bool = True,
    max_factors: int = 3,
    brute_force_max_d: int = 128,
    phi: float | None = None,
    tri3: bool = True,
) -> Network:
    """Build a global solution for ``group`` with ``strategy`` and certify it.

    Raises :class:`~cogs.solver.search.CoverageError` (a ValueError) naming the first orbit
    the registry cannot cover, ValueError for an unknown strategy or a memorize request above
    :data:`MEMORIZE_MAX_D`. ``phi`` (chain: the
    angle, default π/8) and ``tri3`` (chain: three-node blocks on orbits with 3k = 0) apply to
    ``chain`` and to ``auto`` when it picks chain."""
    t0 = time.perf_counter()
    G = parse_group(group)
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}; choose from {', '.join(STRATEGIES)}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be an int ≥ 0, got {seed!r}")
    _check_size(G, strategy)
    registry = current_registry() if registry is None else registry
    if strategy == "memorize":
        return _memorize(G, int(seed), registry, balance, brute_force_max_d, t0)
    if strategy == "chain":
        return _chain(G, int(seed), registry, balance, brute_force_max_d, t0, phi=phi, tri3=tri3, requested="chain", note="")
    layout = plan_layout(G, strategy, registry=registry, polynomial=polynomial, sums=sums, max_factors=max_factors)
    if strategy == "auto" and chain_refusal(G, registry, tri3=tri3) is None:
        q_chain = chain_order(G, registry=registry, tri3=tri3)
        if q_chain < layout.order(G):
            note = f"auto: chain (order {q_chain}) is below the lowest per-orbit composition ({layout.strategy} layout, order {layout.order(G)})"
            return _chain(G, int(seed), registry, balance, brute_force_max_d, t0, phi=phi, tri3=tri3, requested="auto", note=note)
    rng = np.random.default_rng(seed)
    cx = G.complex_orbits()
    helper_k = cx[0].k if (layout.cancel and cx) else None
    W_a, W_b, W_c, rows = compose_orbits(G, layout, G.orbits(), helper_k, registry, rng)
    W = (W_a, W_b, W_c)
    header = _header(G, layout.strategy, strategy, layout.note, seed, int(W_a.shape[0]), layout.order(G), balance)
    header["helper_orbit"] = helper_k
    return _certified(G, layout.strategy, seed, W, balance, header, rows, brute_force_max_d, t0)


def _check_size(G, strategy: str) -> None:
    """Refuse before building when the construction and its certificate would need more memory
    or work than :mod:`models.limits` allows (order bounded by f6's 6c + 2r and 2d; memorize d²)."""
    from models.limits import check, construct_estimate

    d = G.order
    if strategy == "memorize" and d > MEMORIZE_MAX_D:
        return  # refused with its own reason below
    s = G.summary()
    q = d * d if strategy == "memorize" else max(6 * s["complex_orbits"] + 2 * s["real_characters"], 2 * d)
    est = construct_estimate(d, q)
    check(f"constructing {strategy} for {G.spec} (d = {d}, up to {q} hidden nodes, certificate included)",
          memory=est["memory"], work=est["work"])


def _header(G, strategy, requested, note, seed, order, predicted, balanced) -> dict:
    return {
        "group": G.spec,
        "d": G.order,
        "complex_orbits": len(G.complex_orbits()),
        "real_characters": len(G.real_orbits()),
        "strategy": strategy,
        "requested_strategy": requested,
        "note": note,
        "seed": int(seed),
        "order": int(order),
        "predicted_order": int(predicted),
        "reference_orders": reference_orders(G),
        "balanced": bool(balanced),
        "reference": "Tian, NeurIPS 2025, arXiv:2410.01779",
    }


def _memorize(G, seed, registry, balance, brute_force_max_d, t0) -> Network:
    d = G.order
    if d > MEMORIZE_MAX_D:
        raise ValueError(
            f"memorize builds d² = {d * d} hidden nodes for {G.spec}; refusing |G| = {d} > {MEMORIZE_MAX_D} "
            "(size limit MEMORIZE_MAX_D: weights O(d³), certificate O(d⁵))"
        )
    missing = [n for n in ("y_1", "y_2") if n not in registry or registry[n].builds != "element"]
    if missing:
        raise CoverageError(f"the registry lacks the memorisation factor(s) {', '.join(missing)} (element generators)", missing=missing)
    y1 = registry["y_1"].build_element(G)
    y2 = registry["y_2"].build_element(G)
    el = memorization_element(G, y1, y2)
    # check against the direct weight-space form (same node order (g, h) → column g·d + h)
    direct = memorization_direct(G).z
    raw = (y1 * y2).z.copy()
    raw[2, 0, :] = 0  # the projection P
    scales = [complex(np.vdot(raw[p], direct[p]) / np.vdot(raw[p], raw[p])) for p in range(3)]
    dev = float(max(np.abs(scales[p] * raw[p] - direct[p]).max() for p in range(3)))
    W = el.to_weights()
    rows = []
    coords = G.elements()
    for o in G.orbits():
        v = el.z[:, o.k, :]
        rows.append(
            {
                "k": o.k,
                "neg": o.neg,
                "kind": o.kind,
                "coords": [int(x) for x in coords[o.k]],
                "role": "shared",
                "name": "y_1*y_2",
                "generators": ["y_1", "y_2"],
                "leaves": [{"generator": "y_1", "params": {}}, {"generator": "y_2", "params": {}}],
                "order": d * d,
                "block_sps": sp_vector(v.real if o.is_real else v, o.kind),
            }
        )
    header = _header(G, "memorize", "memorize", "", seed, d * d, d * d, balance)
    header["memorization_check"] = {
        "row_scales": scales,
        "expected_row_scales": [paper_scale(d) / d, paper_scale(d) / d, paper_scale(d) / (2 * d)],
        "max_abs_deviation_from_direct_form": dev,
    }
    return _certified(G, "memorize", seed, W, balance, header, rows, brute_force_max_d, t0)


def _chain(G, seed, registry, balance, brute_force_max_d, t0, *, phi, tri3, requested, note) -> Network:
    phi = valid_phi(DEFAULT_PHI if phi is None else phi)
    W_a, W_b, W_c, rows = chain_weights(G, registry=registry, phi=phi, tri3=tri3, seed=seed)
    W = gauge_fix(W_a, W_b, W_c)
    header = _header(G, "chain", requested, note, seed, int(W_a.shape[0]), chain_order(G, registry=registry, tri3=tri3), balance)
    header["chain"] = {
        "phi": float(phi),
        "tri3": bool(tri3),
        "cycles": len({r["cycle"] for r in rows if r.get("cycle") is not None}),
        "composed_orbits": sum(1 for r in rows if r["role"] in ("helper", "partial", "full")),
    }
    return _certified(G, "chain", seed, W, balance, header, rows, brute_force_max_d, t0)


def _certified(G, strategy, seed, W, balance, header, rows, brute_force_max_d, t0) -> Network:
    """Balance (or keep) the weights, record both norms and the build time, certify."""
    norm2 = float(sum(np.sum(w**2) for w in W))
    Wb = balance_weights(*W)[:3]
    bal2 = float(sum(np.sum(w**2) for w in Wb))
    final = Wb if balance else W
    header["time_build_s"] = time.perf_counter() - t0
    cert = certify(G, *final, header=header, orbit_rows=rows, brute_force_max_d=brute_force_max_d, extra_norms={"weight_norm2": norm2, "balanced_weight_norm2": bal2})
    cert.data["time_total_s"] = time.perf_counter() - t0
    meta = {"strategy": strategy, "requested_strategy": header["requested_strategy"], "seed": int(seed),
            "order": int(final[0].shape[0]), "loss": cert.data["loss"], "balanced": bool(balance), "source": "cogs construct"}
    return Network(G, *final, meta=meta, certificate=cert)
