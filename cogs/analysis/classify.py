"""Naming the factors of an orbit block against the generator registry (SPEC §6, §8).

A factor recovered by the pairing search (:mod:`cogs.analysis.factorize`) is known only up to

* a per-row diagonal D: x * y = (D x) * (D⁻¹ y) for every D = diag(d_a, d_b, d_c);
* node permutations and the node sign symmetry (a, b, c) → (−a, −b, c);
* (for the whole orbit block) complex conjugation: the block at k of a construction sitting
  on −k is the conjugate of the construction's.

Normal form. Every node of every family of SPEC §6 has a·b·c = 1 and the families contain
the node (1, 1, 1). So a factor X (3×m) is normalised by choosing a *base* node j0 and
dividing each row by its entry there: N(X)[:, j] = X[:, j] / X[:, j0]; the base becomes
(1, 1, 1) (abc = 1) and a family member keeps abc = 1 on every node. This removes D exactly;
the remaining freedom (which node is the base, the order of the others, node signs) is
enumerated: m!·2^{m−1} normal forms (2·2 = 4 for m = 2, 6·4 = 24 for m = 3). An order-2
factor [x_1, x_2] thus has normal form [(1,1,1), ρ] with ρ = x_2/x_1 its ratio vector, e.g.

    z_nu: ρ = (ν, −ν, −ν⁻²);  z_nu_i: (±i, ∓i, 1);  z_xi: (ξ, −iε/ξ, iε);  z_real: (1, −1, −1),

and an order-3 factor its ratios to one of its nodes (z_syn: every row (1, ω, ω̄)).

Matcher protocol. A :class:`Matcher` has ``name``, ``order``, ``kinds`` (orbit kinds it may
sit on), ``dof`` (number of free real parameters; smaller = more specific) and
``fit(v, kind) -> (params, residual) | None`` where ``v`` is one normal form (3×m, v[:, 0] =
1, the other nodes in a fixed order); optionally ``fit_forms(forms, kind)`` fits all normal
forms of a factor at once (used instead of ``fit`` when present). ``residual`` is max_{p,j} |v[p, j] − w[p, j]| with w the
family member at the fitted ``params`` in the same normal form (for ``z_syn_ab``, the c row
only, as SPEC §8 prescribes). A factor is *named* by a matcher if the least residual over
all normal forms is ≤ ``tol`` (SPEC §8: 0.1). Among the matchers that name it the most
specific wins: least ``dof``, then least residual, then registry order — so ``z_nu_i``
(dof 0) beats ``z_nu`` (dof 2) and ``z_syn`` (0) beats ``z_syn_ab`` (2).

Built-in matchers with closed-form fits implement the §6 families; :class:`GenericMatcher`
recognises any other registered generator from its builder alone (candidate parameters from
its sampler, refined by Gauss–Newton on the real coordinates of its numeric parameters), so a
user-registered generator is recognised without touching this package.

Reported parameters are put in a canonical representative of their equivalence class:
z_nu's ν is defined up to ν → −ν (node sign) and ν → 1/ν (base swap): reported with |ν| ≤ 1
and Re ν > 0 (or ν = i); z_xi's (ξ, ε) up to ξ → −ξ and (ξ, ε) → (1/ξ, −ε): reported with
|ξ| ≤ 1 and Re ξ ≥ 0. Inside a product the other factor adds more freedom (z_nu * z_syn:
ν → ω^s ν; z_nu_i * z_xi: ξ → i^s ξ), see :func:`_canonical_product`; z_syn_ab's (α, β) are read at the fitted normal form
(α = a/ω at the node with c = ω, β = a/ω̄ at the node with c = ω̄), defined up to signs and
re-basing (α, β) → (βᾱ, ᾱ).

Reference: Y. Tian, NeurIPS 2025, arXiv 2410.01779; SPEC §6, §8.
"""

from __future__ import annotations

import functools
import itertools
import typing

import attrs
import numpy as np

from cogs.jsonable import jsonable
from cogs.analysis.factorize import FACTOR_TOLERANCE, Factorization, factorize

OMEGA = np.exp(2j * np.pi / 3)
NAME_TOLERANCE = 0.1


# ---------------------------------------------------------------------------------------
# normal forms
# ---------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def _orderings(m: int) -> tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]:
    """(node order, signs) of every normal form of an m-node factor (base = order[0])."""
    out = []
    for perm in itertools.permutations(range(m)):
        for s in itertools.product((1, -1), repeat=m - 1):
            out.append((perm, (1,) + s))
    return tuple(out)


def normal_forms(X: np.ndarray) -> list[tuple[tuple, tuple, np.ndarray]]:
    """Every normal form of a factor X (3×m): list of (node order, signs, v) with
    v[:, j] = S_j X[:, order[j]] / X[:, order[0]] (S_j flips rows a, b when signs[j] = −1).
    Normal forms whose base node has a zero entry are skipped."""
    X = np.asarray(X, dtype=np.complex128)
    m = X.shape[1]
    out = []
    for perm, signs in _orderings(m):
        base = X[:, perm[0]]
        if np.any(np.abs(base) < 1e-300):
            continue
        v = X[:, list(perm)] / base[:, None]
        s = np.array(signs, dtype=float)
        v[0] *= s
        v[1] *= s
        out.append((perm, signs, v))
    return out


def normalize_base(W: np.ndarray, base: int = 0) -> np.ndarray:
    """W (3×m) with row-wise division by node ``base``, which is moved first."""
    W = np.asarray(W, dtype=np.complex128)
    order = [base] + [j for j in range(W.shape[1]) if j != base]
    return W[:, order] / W[:, base][:, None]


# ---------------------------------------------------------------------------------------
# matcher protocol and built-ins
# ---------------------------------------------------------------------------------------


@typing.runtime_checkable
class Matcher(typing.Protocol):
    """Recognises one family (see module doc)."""

    name: str
    order: int
    kinds: tuple
    dof: int

    def fit(self, v: np.ndarray, kind: str) -> tuple[dict, float] | None: ...


def _maxdev(v, w) -> float:
    return float(np.max(np.abs(np.asarray(v) - np.asarray(w))))


def _canon_nu(nu: complex) -> complex:
    cands = [nu, -nu] + ([1 / nu, -1 / nu] if nu != 0 else [])
    best = min(abs(c) for c in cands)
    cands = [c for c in cands if abs(c) <= best * (1 + 1e-9)]
    return max(cands, key=lambda c: (round(c.real, 12), c.imag))


def _canon_xi(xi: complex, eps: int) -> tuple[complex, int]:
    cands = [(xi, eps), (-xi, eps)]
    if xi != 0:
        cands += [(1 / xi, -eps), (-1 / xi, -eps)]
    best = min(abs(c[0]) for c in cands)
    cands = [c for c in cands if abs(c[0]) <= best * (1 + 1e-9)]
    return max(cands, key=lambda c: (round(c[0].real, 12), c[0].imag, c[1]))


@typing.final
@attrs.frozen
class ZNuMatcher:
    """z_nu = 1 + u_ν: normal form [(1,1,1), (ν, −ν, −ν⁻²)], ν ∈ C∖{0} (dof 2)."""

    name: str = "z_nu"
    order: int = 2
    kinds: tuple = ("complex",)
    dof: int = 2

    def fit(self, v, kind):
        rho = v[:, 1]
        nu = (rho[0] - rho[1]) / 2
        for _ in range(4):  # Gauss–Newton on f(ν) = (ν − ρa, −ν − ρb, −ν⁻² − ρc)
            if abs(nu) < 1e-12:
                return None
            f = np.array([nu - rho[0], -nu - rho[1], -(nu**-2) - rho[2]])
            J = np.array([1.0, -1.0, 2 * nu**-3])
            nu = nu - np.vdot(J, f) / np.vdot(J, J).real
        if abs(nu) < 1e-12:
            return None
        w = np.array([nu, -nu, -(nu**-2)])
        return {"nu": complex(nu)}, _maxdev(rho, w)

    def canonical(self, params):
        return {"nu": _canon_nu(params["nu"])}


@typing.final
@attrs.frozen
class ZNuIMatcher:
    """z_nu_i: z_ν at ν = sign·i, normal form [(1,1,1), (±i, ∓i, 1)] (dof 0). The two signs
    are the node sign symmetry of each other; reported as sign = +1."""

    name: str = "z_nu_i"
    order: int = 2
    kinds: tuple = ("complex",)
    dof: int = 0

    def fit(self, v, kind):
        rho = v[:, 1]
        best = min(((s, _maxdev(rho, [1j * s, -1j * s, 1.0])) for s in (1, -1)), key=lambda t: t[1])
        return {"sign": best[0]}, best[1]

    def canonical(self, params):
        return {"sign": 1}


@typing.final
@attrs.frozen
class ZXiMatcher:
    """z_xi = 1 + u_ξ: normal form [(1,1,1), (ξ, −iε/ξ, iε)], ε = ±1 (dof 2)."""

    name: str = "z_xi"
    order: int = 2
    kinds: tuple = ("complex",)
    dof: int = 2

    def fit(self, v, kind):
        rho = v[:, 1]
        best = None
        for eps in (1, -1):
            xi = rho[0]
            for _ in range(4):  # Gauss–Newton on (ξ − ρa, −iε/ξ − ρb)
                if abs(xi) < 1e-12:
                    break
                f = np.array([xi - rho[0], -1j * eps / xi - rho[1]])
                J = np.array([1.0, 1j * eps / xi**2])
                xi = xi - np.vdot(J, f) / np.vdot(J, J).real
            if abs(xi) < 1e-12:
                continue
            res = _maxdev(rho, [xi, -1j * eps / xi, 1j * eps])
            if best is None or res < best[1]:
                best = ({"xi": complex(xi), "eps": eps}, res)
        return best

    def canonical(self, params):
        xi, eps = _canon_xi(params["xi"], params["eps"])
        return {"xi": xi, "eps": eps}


@typing.final
@attrs.frozen
class ZRealMatcher:
    """z_real: z_ν at ν = sign = ±1 on a real orbit, normal form [(1,1,1), (±1, ∓1, −1)]
    (dof 0); the two signs are the node sign symmetry of each other (reported sign = +1)."""

    name: str = "z_real"
    order: int = 2
    kinds: tuple = ("real",)
    dof: int = 0

    def fit(self, v, kind):
        best = min(((s, _maxdev(v[:, 1], [s, -s, -1.0])) for s in (1, -1)), key=lambda t: t[1])
        return {"sign": best[0]}, best[1]

    def canonical(self, params):
        return {"sign": 1}


@typing.final
@attrs.frozen
class ZSynMatcher:
    """z_syn = u_syn² + u_syn + 1: every row (1, ω, ω̄) in normal form (dof 0)."""

    name: str = "z_syn"
    order: int = 3
    kinds: tuple = ("complex",)
    dof: int = 0

    def fit(self, v, kind):
        w = np.array([1.0, OMEGA, OMEGA.conjugate()])
        return {}, _maxdev(v, np.broadcast_to(w, (3, 3)))

    def canonical(self, params):
        return params


@typing.final
@attrs.frozen
class ZSynABMatcher:
    """z_syn_ab: nodes (1,1,1), (αω, ᾱω, ω), (βω̄, β̄ω̄, ω̄); recognised by its c row
    (1, ω, ω̄) alone (SPEC §8); α = a/ω, β = a/ω̄ read off the a row (dof 2: α, β on the
    unit circle). ``ab_residual`` (a diagnostic, not a builder parameter) reports how well
    the b row agrees with ᾱω, β̄ω̄."""

    name: str = "z_syn_ab"
    order: int = 3
    kinds: tuple = ("complex",)
    dof: int = 2

    def fit(self, v, kind):
        res = _maxdev(v[2], [1.0, OMEGA, OMEGA.conjugate()])
        alpha = complex(v[0, 1] / OMEGA)
        beta = complex(v[0, 2] / OMEGA.conjugate())
        ab = _maxdev(v[1, 1:], [np.conj(alpha) * OMEGA, np.conj(beta) * OMEGA.conjugate()])
        return {"alpha": alpha, "beta": beta, "ab_residual": ab}, res

    def canonical(self, params):
        return params


@typing.final
@attrs.frozen
class OneNodeMatcher:
    """Order-1 generators (one, u_syn, u_nu, u_xi): a single node's normal form is always
    (1,1,1), so a lone factor of order 1 carries no information; never names a factor."""

    name: str
    order: int = 1
    kinds: tuple = ("complex", "real")
    dof: int = 0

    def fit(self, v, kind):
        return None

    def canonical(self, params):
        return params


#: SPs of SPEC §6 that vanish on each built-in family (for tie-breaking product readings)
BUILTIN_VANISHING: dict[str, dict[str, tuple]] = {
    "z_syn": {"complex": ("a'bc", "ab'c", "abc'", "aa'c", "bb'c", "a'a'c", "b'b'c")},
    "z_nu": {"complex": ("aac", "bbc")},
    "z_nu_i": {"complex": ("a'bc", "ab'c", "aac", "bbc", "a'a'c", "b'b'c")},
    "z_xi": {"complex": ("abc'",)},
    "z_syn_ab": {"complex": ("abc'", "aa'c", "bb'c")},
    "z_real": {"real": ("aac", "bbc")},
}


def vanishing_of(matcher, kind: str) -> frozenset:
    """The SPs a matcher's family kills on a ``kind`` orbit: its ``vanishing`` attribute
    (mapping kind → names), else the §6 table for built-in names, else none."""
    v = getattr(matcher, "vanishing", None)
    if v is None:
        v = BUILTIN_VANISHING.get(getattr(matcher, "name", ""), {})
    return frozenset(v.get(kind, ()))


BUILTIN_MATCHERS: dict[str, typing.Callable[[], Matcher]] = {
    "z_nu": ZNuMatcher,
    "z_nu_i": ZNuIMatcher,
    "z_xi": ZXiMatcher,
    "z_real": ZRealMatcher,
    "z_syn": ZSynMatcher,
    "z_syn_ab": ZSynABMatcher,
}


def default_matchers() -> tuple[Matcher, ...]:
    """The built-in matchers of the §6 families, in the table's order."""
    return tuple(BUILTIN_MATCHERS[n]() for n in ("z_syn", "z_nu", "z_nu_i", "z_xi", "z_syn_ab", "z_real"))


# ---------------------------------------------------------------------------------------
# generic matcher: any family given by a builder (params → 3×m node values) and a sampler
# ---------------------------------------------------------------------------------------


def _flatten(params: dict, types: dict | None = None) -> tuple[list, np.ndarray]:
    """Continuous coordinates of a parameter dict: floats → 1, complex → 2 (re, im), or 1
    (the phase) when ``types[k] == 'p'``; ints and bools are discrete and skipped."""
    keys, vals = [], []
    types = types or {}
    for k, x in params.items():
        if isinstance(x, (bool, np.bool_, int, np.integer)):
            continue
        if isinstance(x, (complex, np.complexfloating)):
            if types.get(k) == "p":
                keys.append((k, "p"))
                vals.append(float(np.angle(x)))
            else:
                keys.append((k, "c"))
                vals += [float(np.real(x)), float(np.imag(x))]
        elif isinstance(x, (float, np.floating)):
            keys.append((k, "r"))
            vals.append(float(x))
    return keys, np.array(vals, dtype=float)


def _unflatten(params: dict, keys, x: np.ndarray) -> dict:
    out = dict(params)
    i = 0
    for k, t in keys:
        if t == "c":
            out[k] = complex(x[i], x[i + 1])
            i += 2
        elif t == "p":
            out[k] = complex(abs(complex(params[k])) * np.exp(1j * x[i]))
            i += 1
        else:
            out[k] = float(x[i])
            i += 1
    return out


@typing.final
class GenericMatcher:
    """Matcher for a family given only by ``build(params, kind) -> (3, m) array`` and
    ``sample(rng) -> params`` (a dict). The fit takes the best of ``n_samples`` sampled
    parameter sets (distance over every choice of the family's base node and order of its
    other nodes), then refines the *continuous* parameters by damped Gauss–Newton with
    finite-difference Jacobians. A parameter is continuous if it is a float or complex and
    takes more than 4 distinct values over the samples (ints, bools and parameters the
    sampler keeps at a few values — e.g. ε = ±1, ν = ±i — are discrete and only enumerated);
    a complex parameter the builder rejects off its sampled modulus (|α| = 1) is refined
    along its phase. ``dof`` defaults to the number of continuous real coordinates."""

    def __init__(self, name, order, kinds, build, sample, dof=None, n_samples: int = 48, seed: int = 0):
        self.name = name
        self.order = int(order)
        self.kinds = tuple(kinds)
        self._build = build
        rng = np.random.default_rng(seed)
        self._samples = [dict(sample(rng) or {}) for _ in range(n_samples)]
        keys, _ = _flatten(self._samples[0]) if self._samples else ([], None)
        self._continuous = []
        for k, t in keys:
            vals = {complex(p[k]) for p in self._samples if k in p}
            if len(vals) > 4:
                self._continuous.append((k, t))
        # a complex parameter the builder rejects off its sampled modulus (e.g. |α| = 1) is
        # refined along its phase only
        for i, (k, t) in enumerate(self._continuous):
            if t != "c" or not self._samples:
                continue
            p = dict(self._samples[0])
            p[k] = complex(p[k]) * 1.01
            try:
                build(p, self.kinds[0])
            except Exception:
                self._continuous[i] = (k, "p")
        if dof is None:
            dof = sum(2 if t == "c" else 1 for _, t in self._continuous)
        self.dof = int(dof)

    def __repr__(self) -> str:
        return f"GenericMatcher({self.name!r}, order={self.order})"

    def _forms(self, params, kind="complex") -> list[np.ndarray]:
        """The family member's normal forms: every base node, every order of the others."""
        W = np.asarray(self._build(params, kind), dtype=np.complex128)
        if W.shape != (3, self.order):
            return []
        out = []
        for b in range(self.order):
            if np.all(np.abs(W[:, b]) > 1e-12):
                w = normalize_base(W, b)
                for perm in itertools.permutations(range(1, self.order)):
                    out.append(w[:, (0,) + perm])
        return out

    def _sample_table(self, kind):
        """(K, 3, m) normal forms of all sampled members and their sample index (cached)."""
        cache = self.__dict__.setdefault("_table", {})
        if kind not in cache:
            arrs, idx = [], []
            for i, p in enumerate(self._samples):
                try:
                    forms = self._forms(p, kind)
                except Exception:
                    continue
                arrs += forms
                idx += [i] * len(forms)
            cache[kind] = (np.array(arrs).reshape(-1, 3, self.order), np.array(idx, dtype=np.int64))
        return cache[kind]

    def _dist(self, v, params, kind="complex") -> float:
        forms = self._forms(params, kind)
        return float(min((_maxdev(v, w) for w in forms), default=np.inf))

    def fit(self, v, kind):
        return self.fit_forms([v], kind)

    def fit_forms(self, forms, kind):
        """Best fit over several normal forms of the observed factor at once: the nearest
        sampled member over all (form, member form) pairs, then refinement of that one."""
        forms = [np.asarray(v) for v in forms if np.asarray(v).shape == (3, self.order)]
        if not forms or kind not in self.kinds:
            return None
        table, idx = self._sample_table(kind)
        if table.shape[0] == 0:
            return None
        V = np.stack(forms)  # (F, 3, m)
        dev = np.abs(V[:, None] - table[None]).max(axis=(2, 3))  # (F, K)
        fi, ki = np.unravel_index(np.argmin(dev), dev.shape)
        best_d, best_p, v = float(dev[fi, ki]), self._samples[idx[ki]], forms[fi]
        if self._continuous:
            x = _flatten({k: best_p[k] for k, _ in self._continuous}, dict(self._continuous))[1]
            best_d, best_p = self._refine(v, best_p, self._continuous, x, best_d, kind)
        return best_p, float(best_d)

    def _refine(self, v, params, keys, x, d0, kind):
        def resid(xx):
            p = _unflatten(params, keys, xx)
            try:
                forms = self._forms(p, kind)
            except Exception:
                return None
            if not forms:
                return None
            r = min(((v - w).ravel() for w in forms), key=np.linalg.norm)
            return np.concatenate([r.real, r.imag])

        lam = 1e-3
        r = resid(x)
        if r is None:
            return d0, params
        for _ in range(30):
            J = np.empty((r.size, x.size))
            h = 1e-6 * (1 + np.abs(x))
            for i in range(x.size):
                xp = x.copy()
                xp[i] += h[i]
                rp = resid(xp)
                if rp is None:
                    return d0, params
                J[:, i] = (rp - r) / h[i]
            step = np.linalg.solve(J.T @ J + lam * np.eye(x.size), -J.T @ r)
            xn = x + step
            rn = resid(xn)
            if rn is not None and np.linalg.norm(rn) < np.linalg.norm(r):
                x, r, lam = xn, rn, lam / 3
                if np.linalg.norm(step) < 1e-10:
                    break
            else:
                lam *= 10
                if lam > 1e6:
                    break
        p = _unflatten(params, keys, x)
        d = self._dist(v, p, kind)
        return (d, p) if d < d0 else (d0, params)

    def canonical(self, params):
        return params


# ---------------------------------------------------------------------------------------
# naming a factor, naming a block
# ---------------------------------------------------------------------------------------


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


def name_factor(X, kind: str = "complex", matchers=None, tol: float = NAME_TOLERANCE) -> FactorName | None:
    """Name a factor X (3×m) known up to D, node order and node signs (see module doc);
    None if no matcher fits within ``tol``."""
    X = np.asarray(X, dtype=np.complex128)
    m = X.shape[1]
    matchers = default_matchers() if matchers is None else tuple(matchers)
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
            f = attrs.evolve(f, params={"nu": _reduce_arg(_canon_nu(f.params["nu"]), np.pi / 3)})
        elif f.name == "z_xi" and "z_nu_i" in names:
            xi, eps = _canon_xi(f.params["xi"], f.params["eps"])
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
    (the product's zero-set, SPEC §6: zero-sets unite under *), then least worst residual.
    Example: z_nu at ν = e^{±iπ/4} is also z_xi at ξ = ν, so z_nu_i * z_xi at such ξ also
    reads z_nu * z_nu_i (same dof); the zero-set (7 SPs against 6) picks z_nu_i * z_xi."""
    F = np.asarray(F, dtype=np.complex128)
    matchers = default_matchers() if matchers is None else tuple(matchers)
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
