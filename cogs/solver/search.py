"""Per-orbit search: compose registered partial solutions until an orbit's needs are covered.

What an orbit needs (docs/mathematics.md#sum-potentials): r_kkk ≠ 0 (normalised to 1 afterwards) and

* complex orbit {k, −k}: R_c ∪ R_n ∪ R_* — all nine block SPs Σāb c, Σab̄c, Σabc̄, Σāac,
  Σb̄bc, Σa²c, Σb²c, Σā²c, Σb̄²c — vanish;
* real orbit (2k = 0): R_n = {Σa²c, Σb²c} vanishes;
* with cross-orbit R_n cancellation (z_F4/6, docs/solutions.md#global-solutions) an orbit only needs R_c ∪ R_*; its
  R_n residual is cancelled by a *helper* orbit, which must itself be fully solved and have
  vanishing c-free sums Σab, Σāb, Σab̄, Σa², Σā², Σb², Σb̄² over its nodes.

Since every SP is a semi-ring homomorphism, a product's vanishing set is the union of its
factors' sets, its r_kkk the product of theirs and its order the product of their orders
(before merging; we count after merging, docs/mathematics.md#the-semi-ring-of-networks). The search works from the registry only:

1. *candidates*: every block generator for the orbit kind at generic random parameters;
   with ``polynomial=True``, for every order-1 candidate u and every subset of the distinct
   roots σ(r) of its SPs, ρ(u) = Π(u − σ·1) (:mod:`cogs.generators.polynomial`); with
   ``sums=True``, sums x + y of two generators where an SP cancels;
2. drop candidates dominated by one of no larger order that kills a superset;
3. enumerate products of up to ``max_factors`` distinct candidates whose union covers the
   need, by increasing product of orders; build the best ones, merge, verify numerically,
   and keep the lowest merged order (ties: fewer factors, registered before derived,
   registration order).

The result is an :class:`OrbitPlan`: a :class:`Recipe` that rebuilds the block at fresh
random parameters for every orbit. Names: registered generators by their registry name; a
product joins names with ``*`` with the lower-order factor first (``z_nu_i*z_xi``,
``z_nu*z_syn``); ``rho(u_nu;aac,bbc)`` is the polynomial construction of u_nu killing those
SPs; ``(one+u_nu)`` a sum.

>>> plan = search("complex", requirement("complex"))
>>> plan.name, plan.order
('z_nu*z_syn', 6)
>>> search("complex", requirement("complex", cancel_rn=True)).name
'z_nu_i*z_xi'

Reference: Tian, NeurIPS 2025, arXiv:2410.01779 (docs/mathematics.md#sum-potentials, docs/solutions.md#partial-solutions, docs/solutions.md#global-solutions).
"""

from __future__ import annotations

import typing

import abc
import functools
import itertools
import math
from collections.abc import Mapping

import attrs
import numpy as np

from cogs.generators.merge import merge_nodes
from cogs.generators.polynomial import PolynomialError, polynomial_construction
from cogs.generators.registry import Registry
from cogs.generators.scope import current_registry
from models.jsonable import jsonable
from cogs.sp.potentials import BLOCK_FAMILIES, BLOCK_TARGET, block_potentials
from models.element import Block

__all__ = [
    "CoverageError",
    "HELPER_SUMS",
    "OrbitPlan",
    "PolynomialRecipe",
    "ProductRecipe",
    "Recipe",
    "GeneratorRecipe",
    "SumRecipe",
    "c_free_sums",
    "merge_nodes",
    "requirement",
    "search",
    "sp_vector",
]

ATOL = 1e-9
HELPER_SUMS = ("ab", "a'b", "ab'", "aa", "a'a'", "bb", "b'b'")


@typing.final
class CoverageError(ValueError):
    """No combination of registered generators covers what an orbit needs."""

    def __init__(self, message: str, *, kind: str = "", missing=(), best: str | None = None, orbit=None):
        super().__init__(message)
        self.kind, self.missing, self.best, self.orbit = kind, tuple(missing), best, orbit


def requirement(kind: str, cancel_rn: bool = False) -> frozenset[str]:
    """The block SPs that must vanish on an orbit of ``kind`` (docs/mathematics.md#sum-potentials); without R_n when
    ``cancel_rn`` (a helper orbit cancels it)."""
    fams = BLOCK_FAMILIES[kind]
    names = [m for f, ms in fams.items() if not (cancel_rn and f == "R_n") for m in ms]
    return frozenset(names)


@functools.lru_cache(maxsize=None)
def _potentials(kind: str):
    return tuple(block_potentials(kind).items())


def sp_vector(v: np.ndarray, kind: str) -> dict[str, complex]:
    """Every block SP of ``kind`` on values v (3, q), r_kkk included."""
    return {m: complex(bp.evaluate(v)) for m, bp in _potentials(kind)}


def _merged(v: np.ndarray, kind: str) -> Block:
    m = merge_nodes(v)
    return Block(m.real if kind == "real" else m, kind)


def c_free_sums(v: np.ndarray) -> dict[str, complex]:
    """The sums over nodes that a helper orbit needs to vanish (docs/solutions.md#global-solutions, z_F4/6)."""
    a, b = v[0], v[1]
    ac, bc = np.conj(a), np.conj(b)
    return {
        "ab": complex(np.sum(a * b)),
        "a'b": complex(np.sum(ac * b)),
        "ab'": complex(np.sum(a * bc)),
        "aa": complex(np.sum(a * a)),
        "a'a'": complex(np.sum(ac * ac)),
        "bb": complex(np.sum(b * b)),
        "b'b'": complex(np.sum(bc * bc)),
    }


def _scale(v: np.ndarray) -> float:
    return max(1.0, float(np.abs(v).max(initial=0.0))) ** 3 * max(1, v.shape[-1])


def _zeros(vals: Mapping[str, complex], v: np.ndarray, atol: float = ATOL) -> frozenset[str]:
    tol = atol * _scale(v)
    return frozenset(m for m, x in vals.items() if m != BLOCK_TARGET and abs(x) <= tol)


# ---------------------------------------------------------------------------------------
# recipes: how to (re)build a block at fresh parameters
# ---------------------------------------------------------------------------------------
class Recipe(abc.ABC):
    """A way to build a block on one orbit from registered generators."""

    @property
    @abc.abstractmethod
    def name(self) -> str: ...

    @property
    @abc.abstractmethod
    def factors(self) -> tuple[str, ...]:
        """Names of the top-level factors (one for a non-product)."""

    @abc.abstractmethod
    def build(self, registry: Registry, kind: str, rng: np.random.Generator) -> tuple[Block, list[dict]]:
        """A merged block at fresh random parameters and a JSON-able record of the leaves."""


@typing.final
@attrs.frozen
class GeneratorRecipe(Recipe):
    gen: str

    @property
    def name(self) -> str:
        return self.gen

    @property
    def factors(self):
        return (self.gen,)

    def build(self, registry, kind, rng):
        g = registry[self.gen]
        params = g.sample_params(rng)
        block = _merged(g.build(kind, params).v, kind)
        return block, [{"generator": self.gen, "params": jsonable(params)}]


@typing.final
@attrs.frozen
class PolynomialRecipe(Recipe):
    """ρ(u) of the polynomial construction, u a registered (order-1) generator."""

    base: str
    targets: tuple[str, ...]

    @property
    def name(self) -> str:
        return f"rho({self.base};{','.join(self.targets)})"

    @property
    def factors(self):
        return (self.name,)

    def build(self, registry, kind, rng):
        g = registry[self.base]
        params = g.sample_params(rng)
        u = g.build(kind, params)
        res = polynomial_construction(u, self.targets)
        rec = {
            "generator": self.base,
            "params": jsonable(params),
            "polynomial": {"targets": list(self.targets), "roots": jsonable(list(res.roots))},
        }
        return res.block, [rec]


@typing.final
@attrs.frozen
class SumRecipe(Recipe):
    parts: tuple[Recipe, ...]

    @property
    def name(self) -> str:
        return "(" + "+".join(p.name for p in self.parts) + ")"

    @property
    def factors(self):
        return (self.name,)

    def build(self, registry, kind, rng):
        blocks, recs = [], []
        for p in self.parts:
            b, r = p.build(registry, kind, rng)
            blocks.append(b)
            recs.extend(r)
        v = np.concatenate([b.v for b in blocks], axis=1)
        return _merged(v, kind), [{"sum": recs}]


@typing.final
@attrs.frozen
class ProductRecipe(Recipe):
    parts: tuple[Recipe, ...]

    @property
    def name(self) -> str:
        return "*".join(p.name for p in self.parts)

    @property
    def factors(self):
        return tuple(p.name for p in self.parts)

    def build(self, registry, kind, rng):
        v = np.ones((3, 1), dtype=np.complex128)
        recs = []
        for p in self.parts:
            b, r = p.build(registry, kind, rng)
            v = (v[:, :, None] * b.v[:, None, :]).reshape(3, -1)
            recs.extend(r)
        return _merged(v, kind), recs


# ---------------------------------------------------------------------------------------
# candidates and plans
# ---------------------------------------------------------------------------------------
@attrs.frozen(eq=False)
class _Cand:
    recipe: Recipe
    block: Block
    vanishing: frozenset
    cfree: frozenset
    rank: int
    key: tuple

    @property
    def order(self) -> int:
        return self.block.order

    @property
    def features(self) -> frozenset:
        return self.vanishing | {"~" + s for s in self.cfree}


def _cand(recipe: Recipe, block: Block, rank: int, key: tuple) -> _Cand | None:
    vals = sp_vector(block.v, block.kind)
    tol = ATOL * _scale(block.v)
    if abs(vals[BLOCK_TARGET]) <= tol or block.order == 0:
        return None
    cf = c_free_sums(block.v) if block.kind == "complex" else {}
    cfree = frozenset(m for m, x in cf.items() if abs(x) <= tol)
    return _Cand(recipe, block, _zeros(vals, block.v), cfree, rank, key)


@typing.final
@attrs.frozen
class OrbitPlan:
    """The outcome of :func:`search`: a recipe and what it achieves on an orbit of ``kind``."""

    kind: str
    required: frozenset
    recipe: Recipe
    order: int
    vanishing: frozenset
    helper: bool = False
    considered: int = 0

    @property
    def name(self) -> str:
        return self.recipe.name

    @property
    def factors(self) -> tuple[str, ...]:
        return self.recipe.factors

    def instantiate(self, registry: Registry, rng: np.random.Generator, *, tries: int = 8) -> tuple[Block, list[dict]]:
        """A merged block at fresh random parameters, checked: order as planned, every
        required SP vanishes, r_kkk ≠ 0 (and the helper sums vanish for a helper)."""
        last = None
        for _ in range(tries):
            block, rec = self.recipe.build(registry, self.kind, rng)
            ok, last = check_block(block, self.required, helper=self.helper)
            if ok and block.order == self.order:
                return block, rec
            if ok:
                last = f"merged order {block.order} instead of {self.order}"
        raise CoverageError(f"{self.name} failed its check at {tries} random parameter draws ({last})", kind=self.kind)


def check_block(block: Block, required, *, helper: bool = False, atol: float = ATOL) -> tuple[bool, str]:
    vals = sp_vector(block.v, block.kind)
    tol = atol * _scale(block.v)
    if abs(vals[BLOCK_TARGET]) <= tol:
        return False, "r_kkk vanishes"
    bad = [m for m in required if abs(vals[m]) > tol]
    if helper:
        cf = c_free_sums(block.v)
        bad += [m for m in HELPER_SUMS if abs(cf[m]) > tol]
    return (not bad), ("" if not bad else f"non-zero: {', '.join(sorted(bad))}")


_CACHE: dict = {}


def candidates(kind: str, registry: Registry, *, polynomial: bool = True, sums: bool = True, seed: int = 0) -> list[_Cand]:
    """Every candidate partial solution for ``kind`` (before domination pruning; cached)."""
    key = ("candidates", registry.version, kind, polynomial, sums, seed)
    if key not in _CACHE:
        _CACHE[key] = _candidates(kind, registry, polynomial=polynomial, sums=sums, seed=seed)
    return list(_CACHE[key])


def _candidates(kind, registry, *, polynomial, sums, seed):
    rng = np.random.default_rng(seed)
    out: list[_Cand] = []
    atoms: list[_Cand] = []
    for idx, g in enumerate(registry.block_generators(kind)):
        params = g.sample_params(rng)
        try:
            block = _merged(g.build(kind, params).v, kind)
        except Exception:  # a user generator that fails here is simply not a candidate
            continue
        c = _cand(GeneratorRecipe(g.name), block, 0, (registry.index(g.name),))
        if c is not None:
            atoms.append(c)
    out.extend(atoms)
    if sums:
        for x, y in itertools.combinations(atoms, 2):
            v = np.concatenate([x.block.v, y.block.v], axis=1)
            block = _merged(v, kind)
            c = _cand(SumRecipe((x.recipe, y.recipe)), block, 1, x.key + y.key)
            if c is not None and not c.vanishing <= (x.vanishing & y.vanishing):
                out.append(c)
    if polynomial:
        sps = [m for m in block_potentials(kind) if m != BLOCK_TARGET]
        for base in atoms:
            if base.order != 1:
                continue
            u = base.block
            vals = sp_vector(u.v, kind)
            tol = ATOL * _scale(u.v)
            r0 = vals[BLOCK_TARGET]
            groups: list[tuple[complex, list[str]]] = []
            for m in sps:
                conj_c = m.endswith("c'")
                sigma = np.conj(vals[m]) if conj_c else vals[m]
                if abs(sigma - r0) <= tol:
                    continue
                for s, members in groups:
                    if abs(s - sigma) <= tol:
                        members.append(m)
                        break
                else:
                    groups.append((sigma, [m]))
            for mask in range(1, 1 << len(groups)):
                targets = tuple(m for i, (_, ms) in enumerate(groups) if mask >> i & 1 for m in ms)
                try:
                    res = polynomial_construction(u, targets)
                except PolynomialError:
                    continue
                c = _cand(PolynomialRecipe(base.recipe.gen, targets), res.block, 2, base.key + (mask,))
                if c is not None:
                    out.append(c)
    return out


def _prune(cands: list[_Cand]) -> list[_Cand]:
    cands = sorted(cands, key=lambda c: (c.order, c.rank, c.key))
    kept: list[_Cand] = []
    for c in cands:
        f = c.features
        if any(f <= k.features for k in kept):
            continue
        kept.append(c)
    return kept


def search(
    kind: str,
    required=None,
    *,
    registry: Registry | None = None,
    polynomial: bool = True,
    sums: bool = True,
    max_factors: int = 3,
    helper: bool = False,
    seed: int = 0,
) -> OrbitPlan:
    """The lowest-order composition of registered generators covering ``required`` on an
    orbit of ``kind`` (see the module docstring). ``registry``: None means the current
    registry (:func:`~cogs.generators.scope.current_registry`: the default one unless inside
    :func:`~cogs.generators.scoped_registry`). Raises :class:`CoverageError` naming what
    stays uncovered. Results are cached per registry version and arguments."""
    registry = current_registry() if registry is None else registry
    required = requirement(kind) if required is None else frozenset(required)
    unknown = required - set(block_potentials(kind))
    if unknown:
        raise ValueError(f"unknown {kind} block SP(s): {sorted(unknown)}")
    if helper and kind != "complex":
        raise ValueError("a helper orbit must be complex")
    key = (registry.version, kind, required, polynomial, sums, max_factors, helper, seed)
    if key in _CACHE:
        return _CACHE[key]
    need = required | ({"~" + s for s in HELPER_SUMS} if helper else frozenset())
    pool = _prune(candidates(kind, registry, polynomial=polynomial, sums=sums, seed=seed))
    # features as bit masks: unions of many combinations are then cheap
    universe = sorted(need | frozenset().union(*(c.features for c in pool)) if pool else need)
    bit = {f: 1 << i for i, f in enumerate(universe)}
    masks = [sum(bit[f] for f in c.features) for c in pool]
    need_mask = sum(bit[f] for f in need)
    orders = [c.order for c in pool]
    covering = []
    best_partial = None
    min_est = math.inf
    for size in range(1, max_factors + 1):
        for idx in itertools.combinations(range(len(pool)), size):
            est = math.prod(orders[i] for i in idx)
            if est > 2 * min_est:
                continue
            m = 0
            for i in idx:
                m |= masks[i]
            if m & need_mask == need_mask:
                combo = tuple(pool[i] for i in idx)
                covering.append((est, size, sum(c.rank for c in combo), tuple(c.key for c in combo), combo))
                min_est = min(min_est, est)
            elif not covering:
                score = (bin(m & need_mask).count("1"), -est)
                if best_partial is None or score > best_partial[0]:
                    best_partial = (score, idx, need - frozenset(f for f in universe if m & bit[f]))
    if best_partial is not None:
        best_partial = (best_partial[0], tuple(pool[i] for i in best_partial[1]), best_partial[2])
    if not covering:
        if best_partial is None:
            raise CoverageError(f"no registered generator applies to {kind} orbits", kind=kind, missing=sorted(need))
        _, combo, missing = best_partial
        name = "*".join(c.recipe.name for c in combo)
        missing = sorted(m.lstrip("~") + (" (c-free sum)" if m.startswith("~") else "") for m in missing)
        raise CoverageError(
            f"no product of ≤ {max_factors} registered partial solutions covers a {kind} orbit: "
            f"the best ({name}) leaves {', '.join(missing)} non-zero",
            kind=kind,
            missing=missing,
            best=name,
        )
    covering.sort(key=lambda t: (t[0], t[2], t[1], t[3]))
    min_est = covering[0][0]
    rng = np.random.default_rng(seed + 1)
    best = None
    for est, size, rank, keys, combo in covering[:64]:
        if est > 2 * min_est and best is not None:
            break
        parts = sorted(combo, key=lambda c: (c.order, c.rank, c.key))
        recipe = parts[0].recipe if len(parts) == 1 else ProductRecipe(tuple(c.recipe for c in parts))
        try:
            block, _ = recipe.build(registry, kind, rng)
        except Exception:
            continue
        ok, _ = check_block(block, required, helper=helper)
        if not ok:
            continue
        cand = (block.order, rank, size, keys)
        if best is None or cand < best[0]:
            vanishing = _zeros(sp_vector(block.v, kind), block.v)
            best = (cand, OrbitPlan(kind, required, recipe, block.order, vanishing, helper, len(pool)))
    if best is None:
        raise CoverageError(f"every covering combination failed its numerical check on a {kind} orbit", kind=kind)
    _CACHE[key] = best[1]
    return best[1]
