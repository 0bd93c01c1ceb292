"""The paper's reading of a factorable orbit: normalise each factor to abc = 1 per node, then
name it by the paper's tolerance rules.

This is the headline reading of every report (``cogs analyze``, ``compare``, ``sweep``): it
reproduces, orbit by orbit, how the paper's own analysis names the factors of a trained
network, so that CoGS's Table 2 is comparable with the paper's. CoGS's registry-wide
reading (:mod:`cogs.reading.classify`, any registered family, scale-free tolerances) is kept
beside it as ``registry_family``.

0. **Pairing.** Among all orderings of the block's n = 2m nodes (ascending node index,
   permutations in lexicographic order), the first whose c-row ratio F[c, second half] /
   F[c, first half] deviates least (Frobenius) from its mean; node signs of the first half
   are then aligned on the a row (a node whose a-ratio differs from the first pair's by more
   than 0.2 gets (a, b) → (−a, −b)); the error is the Frobenius deviation of all three rows
   of the ratio from their means, and the orbit is *factorable* when error ≤ 0.1·√(3n). The
   order-2 factor is x = [(1, 1, 1), ρ] (ρ = the mean ratio), the other y = F[:, first half].
   This reproduces the paper's own pairing; CoGS's exact pairing search over every split,
   matching and sign pattern (:mod:`cogs.reading.factorize`) feeds the registry reading.
1. **Normalisation.** y is divided row by row by its first node (which becomes (1, 1, 1)),
   then every node (column) v of x and y is divided by the principal cube root of its
   product: v ← v / (v_a v_b v_c)^{1/3}, so that a·b·c = 1 on every node. (Every node of every
   family in docs/reading.md has a·b·c = 1.)
2. **Order-2 factor** [(1, 1, 1), v] — rules tried in this order, tolerance t = 0.1:

   ========== =========================================== =========================
   name        rule                                        parameters
   ========== =========================================== =========================
   ``z_xi``    |v_c − i| < t or |v_c + i| < t              ξ = v_a, ε = sign Im v_c
   ``z_nu_i``  |v_c − 1| < t and |v_a ∓ i| < t             sign of v_a / i
   ``z_nu``    |v_a + v_b| < t                             ν = v_a
   ========== =========================================== =========================

   On a real orbit the ``z_nu`` rule names ``z_real`` (z_ν at ν = ±1).
3. **Order-3 factor** [(1, 1, 1), v1, v2]: nodes 1 and 2 have their a, b signs flipped when
   Re v_a > 0 (the node sign symmetry); the factor is conjugated when Im v1_c < 0. Then

   ============ ================================================================
   ``z_syn``     ‖v1 − ω(1,1,1)‖ < t·√3 and ‖v2 − ω̄(1,1,1)‖ < t·√3 (per node)
   ``z_syn_ab``  |v1_c − ω| < t and |v2_c − ω̄| < t (the c row alone);
                 α = v1_a/ω, β = v2_a/ω̄
   ============ ================================================================

4. **Product name**: the two factor names joined by ``*``, order-2 factor first, two order-2
   factors in registry order (``z_nu_i*z_xi``); None when either factor has no name.

Example — the exact z_{ν=i} * z_ξ block at ξ = e^{iπ/5}:

>>> import numpy as np
>>> x = np.array([[1, 1j], [1, -1j], [1, 1]])             # z_nu_i: (1,1,1), (i, −i, 1)
>>> xi = np.exp(1j * np.pi / 5)
>>> y = np.array([[1, xi], [1, -1j / xi], [1, 1j]])      # z_xi, ε = +1
>>> F = (x[:, :, None] * y[:, None, :]).reshape(3, 4)   # row-wise Kronecker product
>>> read_block(F).family
'z_nu_i*z_xi'

Reference: Y. Tian, "Composing Global Solutions to Reasoning Tasks via Algebraic Objects in
Neural Nets", NeurIPS 2025, arXiv 2410.01779, §5 and Table 2.
"""

from __future__ import annotations

import functools
import itertools
import math
import typing

import attrs
import numpy as np

from models.jsonable import jsonable

OMEGA = complex(np.exp(2j * np.pi / 3))
PAPER_TOLERANCE = 0.1

#: order of factor names inside a product name (the registry's order of these families)
NAME_ORDER = ("z_syn", "z_nu", "z_nu_i", "z_xi", "z_syn_ab", "z_real")


def principal_cbrt(z) -> np.ndarray:
    """The principal complex cube root |z|^{1/3} e^{i arg(z)/3}, arg ∈ (−π, π].

    >>> complex(np.round(principal_cbrt(-8), 12))
    (1+1.732050807569j)
    """
    z = np.asarray(z, dtype=np.complex128)
    return np.cbrt(np.abs(z)) * np.exp(1j * np.angle(z) / 3)


def normalize_columns(X) -> np.ndarray:
    """Each node (column) of X (3×m) divided by the principal cube root of its a·b·c, so
    that a·b·c = 1 on every node; NaN columns where the product is 0 or not finite."""
    X = np.asarray(X, dtype=np.complex128)
    p = X.prod(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = X / principal_cbrt(p)[None, :]
    bad = ~np.isfinite(p) | (np.abs(p) == 0)
    out[:, bad] = np.nan
    return out


def normalize_factor(X, base: bool = True) -> np.ndarray:
    """Step 1 of the module doc: divide each row by node 0 (``base``), then every node to
    a·b·c = 1."""
    X = np.asarray(X, dtype=np.complex128)
    if base:
        with np.errstate(divide="ignore", invalid="ignore"):
            X = X / X[:, :1]
    return normalize_columns(X)


@typing.final
@attrs.frozen
class PaperFactor:
    """One factor named by the paper's rules: ``name`` (None = no rule matched), ``order``,
    ``params`` and ``nodes`` (the normalised 3×m factor)."""

    name: str | None
    order: int
    params: dict
    nodes: np.ndarray = attrs.field(eq=False, repr=False)

    def to_dict(self) -> dict:
        return {"name": self.name, "order": self.order, "params": jsonable(self.params)}


def name_order2(v, kind: str = "complex", tol: float = PAPER_TOLERANCE) -> tuple[str | None, dict]:
    """Name the non-trivial node v = (a, b, c) of a normalised order-2 factor (rule table of
    the module doc)."""
    a, b, c = (complex(t) for t in np.asarray(v, dtype=np.complex128))
    if not all(map(np.isfinite, (a, b, c))):
        return None, {}
    if abs(c - 1j) < tol or abs(c + 1j) < tol:
        return "z_xi", {"xi": a, "eps": 1 if c.imag > 0 else -1}
    if abs(c - 1) < tol and (abs(a - 1j) < tol or abs(a + 1j) < tol):
        return "z_nu_i", {"sign": 1 if a.imag > 0 else -1}
    if abs(a + b) < tol:
        return ("z_real", {"sign": 1 if a.real >= 0 else -1}) if kind == "real" else ("z_nu", {"nu": a})
    return None, {}


def name_order3(Y, tol: float = PAPER_TOLERANCE) -> tuple[str | None, dict]:
    """Name a normalised order-3 factor Y (3×3, node 0 = (1, 1, 1)) by the rule table of the
    module doc."""
    Y = np.array(Y, dtype=np.complex128)
    if not np.all(np.isfinite(Y)):
        return None, {}
    for j in (1, 2):
        if Y[0, j].real > 0:
            Y[:2, j] *= -1
    if Y[2, 1].imag < 0:
        Y = Y.conj()
    one = np.ones(3)
    if np.linalg.norm(Y[:, 1] - OMEGA * one) < tol * math.sqrt(3) and np.linalg.norm(Y[:, 2] - OMEGA.conjugate() * one) < tol * math.sqrt(3):
        return "z_syn", {}
    if abs(Y[2, 1] - OMEGA) < tol and abs(Y[2, 2] - OMEGA.conjugate()) < tol:
        return "z_syn_ab", {"alpha": complex(Y[0, 1] / OMEGA), "beta": complex(Y[0, 2] / OMEGA.conjugate())}
    return None, {}


def name_paper_factor(X, kind: str = "complex", tol: float = PAPER_TOLERANCE, base: bool = True) -> PaperFactor:
    """Normalise X (3×m, m = 2 or 3) and name it (module doc)."""
    N = normalize_factor(X, base=base)
    m = N.shape[1]
    if m == 2:
        name, params = name_order2(N[:, 1], kind, tol)
    elif m == 3:
        name, params = (None, {}) if kind == "real" else name_order3(N, tol)
    else:
        name, params = None, {}
    return PaperFactor(name, m, params, N)


def product_name(factors) -> str | None:
    """Join named factors: lower order first, equal orders in :data:`NAME_ORDER`; None if any
    factor is unnamed."""
    if not factors or any(f.name is None for f in factors):
        return None
    fs = sorted(factors, key=lambda f: (f.order, NAME_ORDER.index(f.name) if f.name in NAME_ORDER else len(NAME_ORDER)))
    return "*".join(f.name for f in fs)


@functools.lru_cache(maxsize=None)
def _permutations(n: int) -> np.ndarray:
    out = np.array(list(itertools.permutations(range(n))), dtype=np.int64)
    out.setflags(write=False)
    return out


SIGN_TOLERANCE = 0.2


@typing.final
@attrs.frozen(eq=False)
class PaperPairing:
    """Step 0 of the module doc: ``first``/``second`` (node positions in the block, matched
    by index), ``flipped`` (first-half positions whose a, b signs were flipped), ``error``,
    ``threshold`` = 0.1·√(3n), ``factorable``, and the factors ``x`` (3×2) and ``y`` (3×m)."""

    first: tuple
    second: tuple
    flipped: tuple
    error: float = attrs.field(repr="{:.3g}".format)
    threshold: float = attrs.field(repr="{:.3g}".format)
    factorable: bool
    x: np.ndarray = attrs.field(repr=False)
    y: np.ndarray = attrs.field(repr=False)


def paper_pairing(F, tol: float = PAPER_TOLERANCE, estimate: str = "first") -> PaperPairing:
    """The paper's pairing of a block F (3×n, n even ≥ 2) — step 0 of the module doc.

    ``estimate``: how y is read — ``'first'`` (the paper: y = the first half) or ``'lsq'``
    (CoGS's variant: least squares from both halves under sec2 = ρ∘sec1, y = (sec1 +
    conj(ρ)∘sec2)/(1 + |ρ|²) per row; half the noise)."""
    if estimate not in ("first", "lsq"):
        raise ValueError(f"estimate must be 'first' or 'lsq', got {estimate!r}")
    F = np.asarray(F, dtype=np.complex128)
    n = F.shape[1]
    if F.ndim != 2 or F.shape[0] != 3 or n < 2 or n % 2:
        raise ValueError(f"a block must have shape (3, n) with n even ≥ 2, got {F.shape}")
    m = n // 2
    P = _permutations(n)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = F[2, P[:, :m]] / F[2, P[:, m:]]
        e = np.linalg.norm(r - r.mean(axis=1, keepdims=True), axis=1)
    e = np.where(np.isfinite(e), e, np.inf)
    best = float(e.min())
    i = int(np.flatnonzero(e <= best * (1 + 1e-9) + 1e-300)[0]) if np.isfinite(best) else 0  # first of the (near-)ties
    first, second = P[i, :m], P[i, m:]
    sec1, sec2 = F[:, first].copy(), F[:, second]
    with np.errstate(divide="ignore", invalid="ignore"):
        test = sec2[0] / sec1[0]
        flipped = np.flatnonzero(np.abs(test - test[0]) > SIGN_TOLERANCE)
        sec1[:2, flipped] *= -1
        R = sec2 / sec1
    rho = R.mean(axis=1)
    err = float(np.linalg.norm(R - rho[:, None]))
    if not np.isfinite(err):
        err = math.inf
    thr = tol * math.sqrt(3 * n)
    x = np.stack([np.ones(3, dtype=np.complex128), rho], axis=1)
    if estimate == "lsq":
        with np.errstate(divide="ignore", invalid="ignore"):
            y = (sec1 + np.conj(rho)[:, None] * sec2) / (1 + np.abs(rho) ** 2)[:, None]
        if np.all(np.isfinite(y)):
            sec1 = y
    return PaperPairing(tuple(int(v) for v in first), tuple(int(v) for v in second), tuple(int(v) for v in flipped),
                        err, thr, bool(err <= thr), x, sec1)


@typing.final
@attrs.frozen
class PaperReading:
    """The paper's reading of one order-4/6 orbit: ``factorable``, pairing ``error`` and
    ``threshold``, ``family`` (product name; None when not factorable or a factor has no
    name) and the two ``factors`` (order-2 factor first)."""

    family: str | None
    factors: tuple
    factorable: bool = True
    error: float = 0.0
    threshold: float = math.inf

    def to_dict(self) -> dict:
        return {"factorable": self.factorable, "error": self.error if math.isfinite(self.error) else None,
                "family": self.family, "factors": [f.to_dict() for f in self.factors]}


def read_pairing(pairing, kind: str = "complex", tol: float = PAPER_TOLERANCE) -> PaperReading:
    """Steps 1–4 of the module doc on a pairing's factors x = [(1,1,1), ρ] and y (either a
    :class:`PaperPairing` or a :class:`cogs.reading.factorize.Pairing`)."""
    fx = name_paper_factor(pairing.x, kind, tol, base=False)
    fy = name_paper_factor(pairing.y, kind, tol, base=True)
    factors = tuple(sorted((fx, fy), key=lambda f: (f.order, NAME_ORDER.index(f.name) if f.name in NAME_ORDER else len(NAME_ORDER))))
    return PaperReading(product_name(factors), factors)


def read_block(F, kind: str = "complex", tol: float = PAPER_TOLERANCE, estimate: str = "first") -> PaperReading:
    """The paper's reading of an order-4/6 block F (3×n): its pairing (step 0), and when it is
    factorable, the names of its factors (steps 1–4). ``estimate``: see :func:`paper_pairing`."""
    p = paper_pairing(F, tol, estimate)
    if not p.factorable:
        return PaperReading(None, (), False, p.error, p.threshold)
    r = read_pairing(p, kind, tol)
    return PaperReading(r.family, r.factors, True, p.error, p.threshold)
