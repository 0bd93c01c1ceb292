"""The polynomial construction of docs/solutions.md#global-solutions: kill a chosen set of SPs with a polynomial in u.

For a partial solution u (usually an order-1 generator: one node) and a target set R of
block sum potentials, let Ω = {r(u) : r ∈ R}. Because every SP r is a semi-ring
homomorphism, ρ(u) = Π_{s∈Ω} (u − s·1) satisfies r(ρ(u)) = Π_{s∈Ω} (r(u) − s) = 0 for every
r ∈ R, while r_kkk(ρ(u)) = Π (r_kkk(u) − s) ≠ 0 as long as r_kkk(u) ∉ Ω.

The semi-ring has no subtraction: "u − s·1" is u + ŝ with ŝ the single node (1, 1, x).
For an SP whose c is *not* conjugated, r(ŝ) = x, so x = −s. For an SP with c̄ (``"abc'"``),
r(ŝ) = x̄, so killing the value s needs x = −s̄: one constant node cannot serve both kinds when
s is not real. We therefore collect the *roots* σ(r) = r(u) for unconjugated c and
σ(r) = conj(r(u)) for conjugated c; the factor u + node(1, 1, −σ) sends every unconjugated SP
to r(u) − σ and every conjugated one to r(u) − σ̄, so it kills exactly the targets whose root
is σ. ρ(u) = Π_{distinct σ}(u − σ·1) = ``algebra.root_product(BlockSemiring(kind), u, roots)``.
An SP whose root equals r_kkk(u)'s root r_kkk(u) cannot be killed (ρ would kill r_kkk too)
and is refused with an error naming it.

ρ is evaluated by Horner's scheme on the coefficients of Π(x − σ) (``numpy.poly``), which is
the same semi-ring element as the product of linear factors but builds n + 1 nodes instead of
2ⁿ before merging; the result is merged (docs/mathematics.md#the-semi-ring-of-networks) and verified numerically.

>>> import numpy as np
>>> from models.element import Block
>>> w = np.exp(2j * np.pi / 3)
>>> u_syn = Block.from_nodes([(w, w, w)])
>>> R = ["a'bc", "ab'c", "abc'", "aa'c", "bb'c", "a'a'c", "b'b'c"]
>>> res = polynomial_construction(u_syn, R)          # = (u_syn − ω)(u_syn − ω̄) = z_syn
>>> res.block.order, round(abs(res.r_kkk), 12)
(3, 3.0)

Reference: Tian, NeurIPS 2025, arXiv:2410.01779 (docs/solutions.md#global-solutions).
"""

from __future__ import annotations

import typing

import functools
from collections.abc import Iterable

import attrs
import numpy as np

from algebra import evaluate_polynomial, root_product
from cogs.generators.merge import merge_nodes
from cogs.sp.potentials import BLOCK_TARGET, BlockPotential, block_potentials
from models.element import Block, BlockSemiring

__all__ = ["PolynomialResult", "polynomial_construction", "polynomial_roots", "PolynomialError"]


@typing.final
class PolynomialError(ValueError):
    """A target SP that the polynomial construction cannot kill."""


@typing.final
@attrs.frozen
class PolynomialResult:
    """ρ(u) (merged), the roots σ used, each target's value on u and on ρ(u)."""

    block: Block
    base: Block
    targets: tuple[str, ...]
    roots: tuple[complex, ...]
    target_roots: dict
    r_kkk: complex
    residuals: dict

    @property
    def constants(self) -> tuple[complex, ...]:
        """The c entries x = −σ of the constant nodes ŝ = (1, 1, x)."""
        return tuple(-s for s in self.roots)


@functools.lru_cache(maxsize=None)
def _potential(name: str, kind: str) -> BlockPotential:
    bp = BlockPotential(name, kind)
    if bp.monomial not in block_potentials(kind) or bp.monomial == BLOCK_TARGET:
        raise PolynomialError(f"{name!r} is not a block SP of a {kind} orbit (docs/mathematics.md#sum-potentials)")
    return bp


@functools.lru_cache(maxsize=None)
def _target(kind: str) -> BlockPotential:
    return BlockPotential(BLOCK_TARGET, kind)


def _scale(v: np.ndarray) -> float:
    return max(1.0, float(np.abs(v).max(initial=0.0))) ** 3 * max(1, v.shape[-1])


def polynomial_roots(u: Block, targets: Iterable[str], *, atol: float = 1e-9) -> tuple[list[complex], dict[str, complex]]:
    """Distinct roots σ needed to kill ``targets`` on ``u`` and the root of each target.

    σ(r) = r(u) when r's c is unconjugated, conj(r(u)) when it is c̄. Raises
    :class:`PolynomialError` for a target whose root is r_kkk(u) (it cannot be killed without
    killing r_kkk)."""
    kind = u.kind
    r0 = complex(_target(kind).evaluate(u.v))
    tol = atol * _scale(u.v)
    roots: list[complex] = []
    per: dict[str, complex] = {}
    for name in targets:
        bp = _potential(name, kind)
        val = complex(bp.evaluate(u.v))
        sigma = np.conj(val) if bp.conjugates_c else val
        if abs(sigma - r0) <= tol:
            raise PolynomialError(
                f"cannot kill {bp.monomial}: its root {complex(sigma):.6g} equals r_kkk(u) = {r0:.6g}, "
                "so ρ(u) would kill r_kkk as well"
            )
        per[bp.monomial] = complex(sigma)
        if not any(abs(sigma - s) <= tol for s in roots):
            roots.append(complex(sigma))
    return roots, per


def polynomial_construction(u: Block, targets: Iterable[str], *, atol: float = 1e-9, method: str = "horner", merge: bool = True) -> PolynomialResult:
    """ρ(u) = Π_σ (u − σ·1) killing every SP in ``targets`` (see the module docstring).

    ``method``: ``"horner"`` (default, n + 1 nodes before merging) or ``"product"``
    (``algebra.root_product``: the literal product of linear factors, 2ⁿ nodes before
    merging; the same element). The result is merged and verified: every target vanishes
    (relative ``atol``) and r_kkk(ρ) = Π(r_kkk(u) − σ) ≠ 0."""
    targets = tuple(dict.fromkeys(_potential(t, u.kind).monomial for t in targets))
    roots, per = polynomial_roots(u, targets, atol=atol)
    S = BlockSemiring(u.kind)
    if u.kind == "real":
        if any(abs(s.imag) > atol * _scale(u.v) for s in roots):  # pragma: no cover - real blocks give real SPs
            raise PolynomialError("complex root on a real orbit")
        roots = [complex(s.real) for s in roots]
    if method == "product":
        rho = root_product(S, u, roots)
    elif method == "horner":
        coeffs = np.poly(np.array(roots, dtype=np.complex128)) if roots else np.array([1.0 + 0j])
        coeffs = coeffs[::-1]  # lowest degree first
        if u.kind == "real":
            coeffs = coeffs.real
        rho = evaluate_polynomial(S, [S.constant(c) for c in coeffs], u)
    else:
        raise ValueError(f"method must be 'horner' or 'product', got {method!r}")
    if merge:
        m = merge_nodes(rho.v, atol)
        rho = Block(m.real if u.kind == "real" else m, u.kind)
    r0 = complex(_target(u.kind).evaluate(u.v))
    expected = complex(np.prod([r0 - s for s in roots])) if roots else r0
    got = complex(_target(u.kind).evaluate(rho.v))
    tol = atol * _scale(rho.v)
    if abs(got - expected) > tol * max(1.0, abs(expected)):  # pragma: no cover - homomorphism
        raise PolynomialError(f"r_kkk(ρ) = {got:.6g}, expected Π(r_kkk(u) − σ) = {expected:.6g}")
    if abs(got) <= tol:
        raise PolynomialError("r_kkk(ρ(u)) vanishes")
    residuals = {t: complex(_potential(t, u.kind).evaluate(rho.v)) for t in targets}
    bad = {t: v for t, v in residuals.items() if abs(v) > tol}
    if bad:  # pragma: no cover - homomorphism
        raise PolynomialError(f"targets not killed: {bad}")
    return PolynomialResult(rho, u, targets, tuple(roots), per, got, residuals)
