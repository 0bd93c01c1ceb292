"""Naming: a factor, a product block and a single-family block, against a set of matchers.

A factor is *named* by a matcher (:mod:`cogs.reading.matchers`,
:mod:`cogs.reading.generic_matcher`) if the least residual over all its normal forms
(:mod:`cogs.reading.normal_forms`) is ≤ ``tol`` (docs/reading.md: :data:`NAME_TOLERANCE` = 0.1).
Among the matchers that name it the most specific wins: least ``dof``, then least residual,
then registry order — so ``z_nu_i`` (dof 0) beats ``z_nu`` (dof 2) and ``z_syn`` (0) beats
``z_syn_ab`` (2) (:func:`name_factor`).

An order-4/6 block is named through the valid pairings of its factorisation
(:func:`name_product`; factors joined by ``*``, order-2 factor first, equal orders in registry
order), any other block as one family (:func:`name_single`); :func:`classify_block` does
both. Inside a product the other factor adds parameter freedom (z_nu * z_syn: ν → ω^s ν;
z_nu_i * z_xi: ξ → i^s ξ), removed by :func:`_canonical_product`.

>>> import numpy as np
>>> name_single(np.array([[1, 1j], [1, -1j], [1, 1]]) * [[2], [3], [1 / 6]]).family
'z_nu_i'

Reference: Y. Tian, NeurIPS 2025, arXiv 2410.01779; docs/solutions.md#partial-solutions, docs/reading.md.
"""

from __future__ import annotations

import typing

import attrs
import numpy as np

from cogs.reading.factorize import FACTOR_TOLERANCE, Factorization, factorize
from cogs.reading.matchers import canonical_nu, canonical_xi, vanishing_of
from cogs.reading.normal_forms import normal_forms
from cogs.reading.matcher_registry import resolve_matchers
from models.jsonable import jsonable

__all__ = ["BlockName", "FactorName", "NAME_TOLERANCE", "classify_block", "name_factor", "name_product", "name_single"]

NAME_TOLERANCE = 0.1


@typing.final
@attrs.frozen
class FactorName:
    """A named factor: registry ``name``, its ``order``, canonical ``params``, ``residual``
    (normal-form max deviation), ``dof`` and ``rank`` (registry position)."""

    name: str
    order: int
    params: dict
    residual: float
    dof: int
    rank: int
    vanishing: frozenset = frozenset()

    def to_dict(self) -> dict:
        return {"name": self.name, "order": self.order, "params": jsonable(self.params), "residual": float(self.residual)}


def _current_matchers() -> tuple:
    """The matchers of the current registry (the default one, or the one ``scoped_registry`` sets)."""
    return resolve_matchers(None)


def name_factor(X, kind: str = "complex", matchers=None, tol: float = NAME_TOLERANCE) -> FactorName | None:
    """Name a factor X (3×m) known up to D, node order and node signs (see module doc);
    None if no matcher fits within ``tol``."""
    X = np.asarray(X, dtype=np.complex128)
    m = X.shape[1]
    matchers = _current_matchers() if matchers is None else tuple(matchers)
    relevant = [(r, mt) for r, mt in enumerate(matchers) if mt.order == m and kind in mt.kinds]
    if not relevant:
        return None
    forms = normal_forms(X)
    found = []
    for rank, mt in relevant:
        best = None
        if callable(getattr(mt, "fit_forms", None)):
            out = mt.fit_forms([v for _, _, v in forms], kind)
            if out is not None and np.isfinite(out[1]):
                best = out
            forms_iter = ()
        else:
            forms_iter = forms
        for _, _, v in forms_iter:
            out = mt.fit(v, kind)
            if out is None:
                continue
            params, res = out
            if np.isfinite(res) and (best is None or res < best[1]):
                best = (params, res)
        if best is not None and best[1] <= tol:
            params = mt.canonical(best[0]) if hasattr(mt, "canonical") else best[0]
            found.append(FactorName(mt.name, m, params, float(best[1]), int(mt.dof), rank, vanishing_of(mt, kind)))
    if not found:
        return None
    return min(found, key=lambda f: (f.dof, f.residual, f.rank))


@typing.final
@attrs.frozen
class BlockName:
    """Classification of one orbit block.

    ``family``: product name (factors joined by ``*``, order-2 factor first, equal orders in
    registry order) or a single family name; None if not (fully) named. ``factors``: the
    named factors in that order; ``conjugated``: the names hold for the conjugate block
    (the construction sits at −k); ``pairing``: index into the factorisation's candidates
    used (None for single-family naming)."""

    family: str | None
    factors: tuple
    conjugated: bool
    pairing: int | None

    def to_dict(self) -> dict:
        return {
            "family": self.family,
            "factors": [f.to_dict() for f in self.factors],
            "conjugated": self.conjugated,
        }


def _reduce_arg(z: complex, turn: float) -> complex:
    """z·e^{i·turn·s} for the integer s that puts arg into (−turn/2, turn/2]."""
    z = z * np.exp(-1j * turn * np.round(np.angle(z) / turn))
    if np.angle(z) <= -turn / 2 + 1e-12:
        z = z * np.exp(1j * turn)
    return complex(z)


def _canonical_product(factors: tuple) -> tuple:
    """Product-level parameter ambiguity. In x * y, a pairing may match x_2 ⊙ y_t with
    x_1 ⊙ y_t' for another node t', so each factor is only defined up to multiplying nodes by
    the other factor's node ratios:

    * z_nu * z_syn: z_syn's ratios are ω, ω̄ in every row, so ν → ω^s ν; with z_nu's own
      ±ν^{±1}, ν is reported with |ν| ≤ 1 and arg ν ∈ (−π/6, π/6];
    * z_nu_i * z_xi: z_nu_i's ratio (i, −i, 1) maps u_ξ to u_{iξ}, so ξ → i^s ξ (ε kept);
      ξ is reported with |ξ| ≤ 1 and arg ξ ∈ (−π/4, π/4]."""
    names = {f.name for f in factors}
    out = []
    for f in factors:
        if f.name == "z_nu" and "z_syn" in names:
            f = attrs.evolve(f, params={"nu": _reduce_arg(canonical_nu(f.params["nu"]), np.pi / 3)})
        elif f.name == "z_xi" and "z_nu_i" in names:
            xi, eps = canonical_xi(f.params["xi"], f.params["eps"])
            f = attrs.evolve(f, params={"xi": _reduce_arg(xi, np.pi / 2), "eps": eps})
        out.append(f)
    return tuple(out)


def _join(factors) -> str:
    fs = sorted(factors, key=lambda f: (f.order, f.rank))
    return "*".join(f.name for f in fs)


def name_product(fact: Factorization, F, kind: str = "complex", matchers=None, tol: float = NAME_TOLERANCE) -> BlockName:
    """Name a factorable block through its valid pairings: each pairing gives x = [(1,1,1), ρ]
    (order 2) and y = F[:, H1] (order m); the block is named if both factors are. The block
    and its conjugate are tried; the unconjugated reading wins when both name it. Among
    naming readings: least total dof, then the largest union of the factors' vanishing SPs
    (the product's zero-set, docs/solutions.md#partial-solutions: zero-sets unite under *), then least worst residual.
    Example: z_nu at ν = e^{±iπ/4} is also z_xi at ξ = ν, so z_nu_i * z_xi at such ξ also
    reads z_nu * z_nu_i (same dof); the zero-set (7 SPs against 6) picks z_nu_i * z_xi."""
    F = np.asarray(F, dtype=np.complex128)
    matchers = _current_matchers() if matchers is None else tuple(matchers)
    best = None
    for conj in (False, True):
        for pi, pairing in enumerate(fact.candidates):
            x, y = pairing.x, pairing.y
            if conj:
                x, y = np.conj(x), np.conj(y)
            fx = name_factor(x, kind, matchers, tol)
            if fx is None:
                continue
            fy = name_factor(y, kind, matchers, tol)
            if fy is None:
                continue
            key = (fx.dof + fy.dof, -len(fx.vanishing | fy.vanishing), max(fx.residual, fy.residual))
            if best is None or key < best[0]:
                fs = _canonical_product(tuple(sorted((fx, fy), key=lambda f: (f.order, f.rank))))
                best = (key, BlockName(_join(fs), fs, conj, pi))
        if best is not None:
            return best[1]
    return BlockName(None, (), False, None)


def name_single(F, kind: str = "complex", matchers=None, tol: float = NAME_TOLERANCE) -> BlockName:
    """Name a whole block (up to D, node order, signs, conjugation) as one family."""
    F = np.asarray(F, dtype=np.complex128)
    for conj in (False, True):
        f = name_factor(np.conj(F) if conj else F, kind, matchers, tol)
        if f is not None:
            return BlockName(f.name, (f,), conj, None)
    return BlockName(None, (), False, None)


def classify_block(F, kind: str = "complex", matchers=None, factor_orders=(4, 6), tol: float = FACTOR_TOLERANCE, name_tol: float = NAME_TOLERANCE):
    """(Factorization | None, BlockName) of one orbit block F (3×n): orbits with n in
    ``factor_orders`` go through the pairing search and product naming, others are named
    as a single family when some matcher has order n."""
    F = np.asarray(F, dtype=np.complex128)
    n = F.shape[1]
    if n in factor_orders:
        fact = factorize(F, tol)
        if not fact.factorable:
            return fact, BlockName(None, (), False, None)
        return fact, name_product(fact, F, kind, matchers, name_tol)
    return None, name_single(F, kind, matchers, name_tol)
