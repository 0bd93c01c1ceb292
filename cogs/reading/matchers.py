"""Matchers: the protocol and the closed-form matchers of the docs/solutions.md#partial-solutions families.

A :class:`Matcher` has ``name``, ``order``, ``kinds`` (orbit kinds it may sit on), ``dof``
(number of free real parameters; smaller = more specific) and
``fit(v, kind) -> (params, residual) | None`` where ``v`` is one normal form (3×m, v[:, 0] =
1, the other nodes in a fixed order; :mod:`cogs.reading.normal_forms`); optionally
``fit_forms(forms, kind)`` fits all normal forms of a factor at once (used instead of
``fit`` when present). ``residual`` is max_{p,j} |v[p, j] − w[p, j]| with w the family member
at the fitted ``params`` in the same normal form (for ``z_syn_ab``, the c row only, as
docs/reading.md prescribes). A matcher may carry ``vanishing`` (mapping kind → SP names) and
``canonical(params)``.

The built-in matchers fit the §6 families in closed form (:data:`BUILTIN_MATCHERS`,
:func:`default_matchers`); the SPs each family kills are *not* restated here but read from
the generators' declared signatures in the default registry (:func:`builtin_vanishing`,
:func:`vanishing_of`). Any other registered family is recognised by
:class:`~cogs.reading.generic_matcher.GenericMatcher`.

Reported parameters are put in a canonical representative of their equivalence class:
z_nu's ν is defined up to ν → −ν (node sign) and ν → 1/ν (base swap): reported with |ν| ≤ 1
and Re ν > 0 (or ν = i) (:func:`canonical_nu`); z_xi's (ξ, ε) up to ξ → −ξ and
(ξ, ε) → (1/ξ, −ε): reported with |ξ| ≤ 1 and Re ξ ≥ 0 (:func:`canonical_xi`); z_syn_ab's
(α, β) are read at the fitted normal form (α = a/ω at the node with c = ω, β = a/ω̄ at the
node with c = ω̄), defined up to signs and re-basing (α, β) → (βᾱ, ᾱ).

>>> import numpy as np
>>> ZNuIMatcher().fit(np.array([[1, 1j], [1, -1j], [1, 1]]), "complex")
({'sign': 1}, 0.0)
>>> sorted(vanishing_of(ZXiMatcher(), "complex"))
["abc'"]

Reference: Y. Tian, NeurIPS 2025, arXiv 2410.01779; docs/solutions.md#partial-solutions, docs/reading.md.
"""

from __future__ import annotations

import functools
import types
import typing

import attrs
import numpy as np

from cogs.reading.normal_forms import max_deviation as _maxdev
from cogs.generators.defaults import default_registry

__all__ = [
    "BUILTIN_MATCHERS",
    "Matcher",
    "OMEGA",
    "OneNodeMatcher",
    "ZNuIMatcher",
    "ZNuMatcher",
    "ZRealMatcher",
    "ZSynABMatcher",
    "ZSynMatcher",
    "ZXiMatcher",
    "builtin_vanishing",
    "canonical_nu",
    "canonical_xi",
    "default_matchers",
    "vanishing_of",
]

OMEGA = np.exp(2j * np.pi / 3)


@typing.runtime_checkable
class Matcher(typing.Protocol):
    """Recognises one family (see the module docstring)."""

    name: str
    order: int
    kinds: tuple
    dof: int

    def fit(self, v: np.ndarray, kind: str) -> tuple[dict, float] | None: ...



def canonical_nu(nu: complex) -> complex:
    """z_nu's ν in its canonical representative (|ν| ≤ 1, then largest Re ν, then Im ν)."""
    cands = [nu, -nu] + ([1 / nu, -1 / nu] if nu != 0 else [])
    best = min(abs(c) for c in cands)
    cands = [c for c in cands if abs(c) <= best * (1 + 1e-9)]
    return max(cands, key=lambda c: (round(c.real, 12), c.imag))


def canonical_xi(xi: complex, eps: int) -> tuple[complex, int]:
    """z_xi's (ξ, ε) in its canonical representative (|ξ| ≤ 1, then largest Re ξ, then Im ξ, ε)."""
    cands = [(xi, eps), (-xi, eps)]
    if xi != 0:
        cands += [(1 / xi, -eps), (-1 / xi, -eps)]
    best = min(abs(c[0]) for c in cands)
    cands = [c for c in cands if abs(c[0]) <= best * (1 + 1e-9)]
    return max(cands, key=lambda c: (round(c[0].real, 12), c[0].imag, c[1]))


@attrs.frozen
class _Builtin:
    """What every built-in matcher carries besides its fit: the SPs its family kills, per
    orbit kind, as the registry in use declares them (None: the default registry's)."""

    vanishing: typing.Any = attrs.field(default=None, eq=False, kw_only=True)


@typing.final
@attrs.frozen
class ZNuMatcher(_Builtin):
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
        return {"nu": canonical_nu(params["nu"])}


@typing.final
@attrs.frozen
class ZNuIMatcher(_Builtin):
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
class ZXiMatcher(_Builtin):
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
        xi, eps = canonical_xi(params["xi"], params["eps"])
        return {"xi": xi, "eps": eps}


@typing.final
@attrs.frozen
class ZRealMatcher(_Builtin):
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
class ZSynMatcher(_Builtin):
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
class ZSynABMatcher(_Builtin):
    """z_syn_ab: nodes (1,1,1), (αω, ᾱω, ω), (βω̄, β̄ω̄, ω̄); recognised by its c row
    (1, ω, ω̄) alone (docs/reading.md); α = a/ω, β = a/ω̄ read off the a row (dof 2: α, β on the
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
class OneNodeMatcher(_Builtin):
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


@functools.lru_cache(maxsize=1)
def builtin_vanishing() -> typing.Mapping[str, typing.Mapping[str, tuple]]:
    """The SPs each built-in family kills, per orbit kind: the signatures its generator
    declares in the default registry (:func:`cogs.generators.default_registry`), read-only."""
    reg = default_registry()
    return types.MappingProxyType(
        {name: types.MappingProxyType({k: reg[name].signature(k).vanishing for k in reg[name].kinds}) for name in BUILTIN_MATCHERS}
    )


def vanishing_of(matcher, kind: str) -> frozenset:
    """The SPs a matcher's family kills on a ``kind`` orbit: its ``vanishing`` attribute
    (mapping kind → names), else the declared signature of the built-in generator of that
    name (:func:`builtin_vanishing`), else none."""
    v = getattr(matcher, "vanishing", None)
    if v is None:
        v = builtin_vanishing().get(getattr(matcher, "name", ""), {})
    return frozenset(v.get(kind, ()))
