"""Irreducible representations of a finite group, complex and real (docs/groups.md).

Complex irreps: one per conjugacy class, unitary, Σ d_ρ² = n, with the Frobenius–Schur
indicator ι(ρ) = (1/n) Σ_g χ_ρ(g²) ∈ {1, 0, −1}. Real weights see the *real irreducibles*: for
ι = 1, ρ itself in a real orthogonal basis (size d_ρ, type R); for ι = 0, ρ ⊕ ρ̄ realised over
R (size 2d_ρ, type C); for ι = −1, ρ ⊕ ρ realised over R (size 2d_ρ, type H). The real group
algebra is R[G] ≅ ⊕_σ M_{m_σ}(D_σ), one block per real irreducible σ, m_σ = size / dim_R D_σ.

How they are computed (any group, from its table alone; exact to ~1e-12):

1. The right multiplications commute with the left regular representation L. A random
   function x with x(g) = x(g⁻¹) gives a real symmetric operator S = Σ_k x(k) R_k in that
   commutant; for a generic x each eigenspace of S is one copy of one real irreducible.
2. Restricting L to an eigenspace (orthonormal basis V) gives real orthogonal matrices
   σ(g) = Vᵀ L(g) V; copies are grouped by their character. A copy is accepted only if its
   character has the norm and indicator of an irreducible — (⟨χ,χ⟩, Σχ(g²)/n) is (1, 1),
   (2, 0) or (4, −2) for types R, C, H — else a fresh random x is drawn (seeded: the result is
   the same on every run).
3. The complex irreps follow from the real ones: type R is already one; for C and H a complex
   structure J (J² = −1, from the commutant of σ) splits C^{2d} into its ±i eigenspaces, and
   the i-eigenspace carries ρ. For type C the conjugate ρ̄ is the other irrep.

Finite Abelian groups skip all this: their irreps are the characters χ_k in the order of the
dual group and their real irreducibles are the trivial one and the orbits {k, −k}
(docs/mathematics.md#characters-and-the-fourier-transform).

>>> from groups import parse_group
>>> [(s.size, s.kind) for s in parse_group("Q8").real_irreps()]
[(1, 'R'), (1, 'R'), (1, 'R'), (1, 'R'), (4, 'H')]
"""

from __future__ import annotations

import typing

import attrs
import numpy as np

__all__ = ["Irrep", "RealIrrep", "abelian_irreps", "general_irreps"]

_KIND_OF_INDICATOR = {1: "R", 0: "C", -1: "H"}
_DIVISION_DIM = {"R": 1, "C": 2, "H": 4}
# (⟨χ, χ⟩, (1/n) Σ_g χ(g²)) of a real irreducible's character, by type
_KIND_OF_NORM = {(1, 1): "R", (2, 0): "C", (4, -2): "H"}


def _frozen_array(a: np.ndarray) -> np.ndarray:
    a = np.array(a)
    a.setflags(write=False)
    return a


@typing.final
@attrs.frozen(eq=False, repr=False)
class Irrep:
    """A complex irreducible representation ρ of a group of order n.

    ``matrices`` is (n, d, d) complex128, unitary, ρ(g) for each element index g;
    ``character`` (n,) is tr ρ(g); ``indicator`` is the Frobenius–Schur indicator
    (1 real, 0 complex, −1 quaternionic); ``real`` is the index of the real irreducible that
    contains it; ``index`` its position in ``G.irreps()``.
    """

    index: int
    dim: int
    indicator: int
    real: int
    matrices: np.ndarray = attrs.field(converter=_frozen_array)

    @property
    def character(self) -> np.ndarray:
        return np.trace(self.matrices, axis1=1, axis2=2)

    @property
    def kind(self) -> str:
        """'R', 'C' or 'H': the type of the real irreducible it lies in."""
        return _KIND_OF_INDICATOR[self.indicator]

    def __repr__(self) -> str:
        return f"Irrep(index={self.index}, dim={self.dim}, indicator={self.indicator})"


@typing.final
@attrs.frozen(eq=False, repr=False)
class RealIrrep:
    """A real irreducible representation σ (what real weights see).

    ``matrices`` is (n, s, s) float64, orthogonal; ``kind`` is 'R', 'C' or 'H' (its commutant);
    ``complex`` the indices in ``G.irreps()`` of the complex irreps it realises (ρ; ρ and ρ̄;
    ρ); ``multiplicity`` m = s / dim_R(D): how often σ occurs in the regular representation
    and its weight in Plancherel's formula Σ_g f(g)² = (1/n) Σ_σ m_σ ‖f̂(σ)‖_F².
    """

    index: int
    size: int
    kind: str
    complex: tuple
    matrices: np.ndarray = attrs.field(converter=_frozen_array)

    @property
    def multiplicity(self) -> int:
        return self.size // _DIVISION_DIM[self.kind]

    @property
    def dim(self) -> int:
        """Dimension of the complex irreps it realises."""
        return self.size if self.kind == "R" else self.size // 2

    @property
    def is_trivial(self) -> bool:
        return self.index == 0

    @property
    def character(self) -> np.ndarray:
        return np.trace(self.matrices, axis1=1, axis2=2)

    def __repr__(self) -> str:
        return f"RealIrrep(index={self.index}, size={self.size}, kind={self.kind!r})"


# -- finite Abelian groups: characters and orbits ---------------------------------------------
def abelian_irreps(G):
    """(characters, trivial + orbits) of a finite Abelian group (see the module doc)."""
    X = G.character_table()  # (k, g)
    d = G.order
    orbits = G.orbits()
    real_of = np.zeros(d, dtype=np.int64)
    for r, orbit in enumerate(orbits, start=1):
        real_of[list(orbit.members)] = r
    neg = G.neg_table()
    irreps = tuple(
        Irrep(k, 1, 1 if int(neg[k]) == k else 0, int(real_of[k]), X[k][:, None, None]) for k in range(d)
    )
    reals = [RealIrrep(0, 1, "R", (0,), np.ones((d, 1, 1)))]
    for r, orbit in enumerate(orbits, start=1):
        chi = X[orbit.k]
        if orbit.is_real:
            reals.append(RealIrrep(r, 1, "R", (orbit.k,), chi.real[:, None, None]))
        else:
            c, s = chi.real, chi.imag
            rot = np.stack([np.stack([c, -s], -1), np.stack([s, c], -1)], -2)
            reals.append(RealIrrep(r, 2, "C", (orbit.k, orbit.neg), rot))
    return irreps, tuple(reals)


# -- any finite group: the commutant route ---------------------------------------------------
_TOL = 1e-8


def _real_copies(G, rng):
    """Orthonormal bases V (n × s), one per eigenspace of a random symmetric element of the
    commutant of the left regular representation."""
    n = G.order
    T, inv = G.cayley_table(), G.inverse_table()
    x = rng.standard_normal(n)
    x = x + x[inv]  # x(g) = x(g⁻¹): S symmetric
    # S[a, b] = x(b⁻¹ a): the right multiplication Σ_k x(k) R_k, R_k e_b = e_{bk}
    S = x[T[inv][:, :]].T  # T[inv[b], a] at [b, a] → transpose
    S = 0.5 * (S + S.T)
    lam, U = np.linalg.eigh(S)
    scale = max(1.0, float(np.abs(lam).max()))
    cuts = np.flatnonzero(np.diff(lam) > _TOL * scale) + 1
    return [U[:, a:b] for a, b in zip(np.r_[0, cuts], np.r_[cuts, n])]


def _restrict(G, V) -> np.ndarray:
    """σ(g) = Vᵀ L(g) V for every g, (n, s, s): (L(g) V)[a] = V[g⁻¹ a], so
    σ(g)[i, j] = Σ_a V[a, i] V[g⁻¹ a, j]."""
    T, inv = G.cayley_table(), G.inverse_table()
    return np.einsum("ai,gaj->gij", V, V[T[inv]], optimize=True)


def _sort_key(chi_on_classes: np.ndarray, size: int, rank: int):
    re = tuple(np.round(-chi_on_classes.real, 8) + 0.0)
    im = tuple(np.round(-chi_on_classes.imag, 8) + 0.0)
    return (size, rank, re, im)


def general_irreps(G, seed: int = 0):
    """(complex irreps, real irreducibles) of any finite group (see the module doc)."""
    n = G.order
    classes = G.conjugacy_classes()
    reps_idx = np.array([c[0] for c in classes])
    sizes = np.array([len(c) for c in classes], dtype=np.float64)
    square = G.cayley_table()[np.arange(n), np.arange(n)]
    rng = np.random.default_rng(seed)
    for _attempt in range(8):
        found: dict = {}
        for V in _real_copies(G, rng):
            M = _restrict(G, V)
            chi = np.trace(M, axis1=1, axis2=2)  # real: σ is orthogonal
            chi_c = chi[reps_idx]
            norm = float(np.sum(sizes * chi_c * chi_c) / n)  # ⟨χ, χ⟩ = dim of the commutant
            ind = float(chi[square].sum() / n)
            kind = _KIND_OF_NORM.get((round(norm), round(ind)))
            if kind is None or abs(norm - round(norm)) > 1e-6 or abs(ind - round(ind)) > 1e-6:
                break  # two copies merged: an unlucky draw
            found.setdefault(tuple(np.round(chi_c, 6) + 0.0), (kind, M, chi_c))
        else:
            if sum(M.shape[1] ** 2 // _DIVISION_DIM[k] for k, M, _ in found.values()) == n:
                break
    else:  # pragma: no cover - eight unlucky draws in a row
        raise RuntimeError(f"could not split the regular representation of {G.spec} into irreducibles")
    rank = {"R": 0, "C": 1, "H": 2}
    # the trivial irreducible sorts first by itself: size 1, type R, and −χ = −1 on every class
    ordered = sorted(found.values(), key=lambda v: _sort_key(v[2], v[1].shape[1], rank[v[0]]))
    cplx = []  # (real index, indicator, matrices)
    for r, (kind, M, _) in enumerate(ordered):
        if kind == "R":
            cplx.append((r, 1, M.astype(np.complex128)))
            continue
        rho = _complex_part(M, rng)
        if kind == "C":
            cplx.append((r, 0, rho))
            cplx.append((r, 0, rho.conj()))
        else:
            cplx.append((r, -1, rho))
    order = sorted(
        range(len(cplx)),
        key=lambda i: _sort_key(np.trace(cplx[i][2], axis1=1, axis2=2)[reps_idx], cplx[i][2].shape[1], 1 - cplx[i][1]),
    )
    position = {old: new for new, old in enumerate(order)}
    irreps = tuple(Irrep(new, cplx[old][2].shape[1], cplx[old][1], cplx[old][0], cplx[old][2]) for new, old in enumerate(order))
    reals = []
    for r, (kind, M, _) in enumerate(ordered):
        members = tuple(sorted(position[i] for i, c in enumerate(cplx) if c[0] == r))
        reals.append(RealIrrep(r, M.shape[1], kind, members, M))
    return irreps, tuple(reals)


def _complex_part(M: np.ndarray, rng) -> np.ndarray:
    """ρ from a real irreducible σ of type C or H (size 2d): a complex structure J in σ's
    commutant, ρ(g) = U† σ(g) U on J's i-eigenspace U (see the module doc)."""
    n, s, _ = M.shape
    X = rng.standard_normal((s, s))
    C = np.einsum("gij,jk,glk->il", M, X, M) / n  # the projection of X onto the commutant
    J = C - np.trace(C) / s * np.eye(s)
    J = 0.5 * (J - J.T)
    J = J / np.sqrt(-np.trace(J @ J) / s)
    lam, U = np.linalg.eigh(1j * J)  # iJ is Hermitian; J u = i u ⇔ (iJ) u = −u
    U = U[:, lam < 0]
    return np.einsum("ai,gab,bj->gij", U.conj(), M, U)
