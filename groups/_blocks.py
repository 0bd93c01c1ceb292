"""The blocks of the real group algebra, R[G] ≅ ⊕_σ M_{m_σ}(D_σ), in standard coordinates
(docs/groups.md#the-blocks-of-the-group-algebra).

For each real irreducible σ (``G.real_irreps()``), the map f ↦ φ_σ(f) sends a real function
on G to an element of its block M_m(D), D ∈ {R, C, H}, so that convolution becomes the block
product, φ_σ(x⋆y) = φ_σ(x) φ_σ(y), with ρ a complex irrep that σ realises (dimension d):

- type R (m = d): φ(f) = f̂(σ) = Σ_g f(g) σ(g), a real d×d matrix;
- type C (m = d): φ(f) = f̂(ρ), a complex d×d matrix;
- type H (m = d/2): φ(f) = T† f̂(ρ) T, a quaternionic m×m matrix in the standard complex form
  [[A, −B̄], [B, Ā]] (2m×2m), T the unitary basis (e_1…e_m, j e_1…j e_m) of a quaternionic
  structure j (j v = S v̄, S the intertwiner of ρ̄ and ρ, S S̄ = −1).

Coordinates of a block element (a real vector of length N = m², 2m², 4m²): R the entries
row-major; C each entry's real then imaginary part; H the entries of A then of B, each real
then imaginary part. :class:`Block` holds ``forward`` (n, N), row g = the coordinates of
φ(δ_g) (so φ(f) has coordinates f @ forward), and ``backward`` (N, n), row i = the σ-part of the
function whose block element has coordinates e_i:
R: (d/n) tr(σ(k)ᵀ Z); C: (2d/n) Re tr(ρ(k)† Z); H: (d/n) Re tr(ρ(k)† T Z T†).
So f = mean(f) + Σ_σ (f @ forward_σ) @ backward_σ.

>>> import numpy as np
>>> from groups import parse_group
>>> G = parse_group("Q8")
>>> [(b.kind, b.m) for b in blocks(G)]
[('R', 1), ('R', 1), ('R', 1), ('H', 1)]
>>> f = np.arange(8.0)
>>> bool(np.allclose(f.mean() + sum((f @ b.forward) @ b.backward for b in blocks(G)), f))
True
"""

from __future__ import annotations

import typing

import attrs
import numpy as np

__all__ = ["Block", "block_dim", "block_mul", "blocks", "block_from_coords", "block_to_coords"]


def block_dim(kind: str, m: int) -> int:
    """The real dimension N of M_m(D): m², 2m², 4m²."""
    return {"R": 1, "C": 2, "H": 4}[kind] * m * m


def block_to_coords(kind: str, m: int, X) -> np.ndarray:
    """Coordinates (…, N) of block elements X (see the module doc)."""
    X = np.asarray(X)
    lead = X.shape[:-2]
    if kind == "R":
        return np.real(X).reshape(lead + (m * m,)).astype(np.float64)
    if kind == "C":
        return np.stack([X.real, X.imag], axis=-1).reshape(lead + (2 * m * m,)).astype(np.float64)
    A, B = X[..., :m, :m], X[..., m:, :m]
    return np.concatenate([np.stack([A.real, A.imag], -1).reshape(lead + (2 * m * m,)),
                           np.stack([B.real, B.imag], -1).reshape(lead + (2 * m * m,))], axis=-1).astype(np.float64)


def block_from_coords(kind: str, m: int, x) -> np.ndarray:
    """Block elements from coordinates (…, N): the inverse of :func:`block_to_coords`."""
    x = np.asarray(x, dtype=np.float64)
    lead = x.shape[:-1]
    if kind == "R":
        return x.reshape(lead + (m, m))
    if kind == "C":
        y = x.reshape(lead + (m, m, 2))
        return y[..., 0] + 1j * y[..., 1]
    half = 2 * m * m
    a = x[..., :half].reshape(lead + (m, m, 2))
    b = x[..., half:].reshape(lead + (m, m, 2))
    A, B = a[..., 0] + 1j * a[..., 1], b[..., 0] + 1j * b[..., 1]
    top = np.concatenate([A, -B.conj()], axis=-1)
    bottom = np.concatenate([B, A.conj()], axis=-1)
    return np.concatenate([top, bottom], axis=-2)


def block_mul(kind: str, m: int, X, Y) -> np.ndarray:
    """The block product (a matrix product in every standard form)."""
    return np.asarray(X) @ np.asarray(Y)


@typing.final
@attrs.frozen(eq=False, repr=False)
class Block:
    """One block M_m(D) of R[G]: the real irreducible it comes from (``irrep``, its index),
    ``kind`` D, ``m``, the complex dimension ``d`` of the irreps it realises, and the maps
    ``forward`` (n, N) and ``backward`` (N, n) of the module doc."""

    irrep: int
    kind: str
    m: int
    d: int
    forward: np.ndarray
    backward: np.ndarray

    @property
    def dim(self) -> int:
        return block_dim(self.kind, self.m)

    def __repr__(self) -> str:
        return f"Block(irrep={self.irrep}, kind={self.kind!r}, m={self.m})"


def _quaternionic_basis(rho: np.ndarray, rng) -> np.ndarray:
    """T (d × d unitary): (e_1…e_m, j e_1…j e_m) for the quaternionic structure of ρ."""
    n, d, _ = rho.shape
    X = rng.standard_normal((d, d)) + 1j * rng.standard_normal((d, d))
    S = np.einsum("gab,bc,gdc->ad", rho, X, rho)  # Σ_g ρ(g) X ρ(g)ᵀ: ρ(g) S = S conj(ρ(g))
    S = S / np.sqrt(np.trace(S @ S.conj().T).real / d)
    es, fs = [], []
    for _ in range(d // 2):
        v = rng.standard_normal(d) + 1j * rng.standard_normal(d)
        for u in es + fs:
            v = v - (u.conj() @ v) * u
        v = v / np.linalg.norm(v)
        es.append(v)
        fs.append(S @ v.conj())
    return np.stack(es + fs, axis=1)


def blocks(G) -> tuple[Block, ...]:
    """The blocks of the non-trivial real irreducibles of G, in the order of ``G.real_irreps()``
    (computed once per group)."""

    def compute():
        n = G.order
        irreps = G.irreps()
        rng = np.random.default_rng(1)
        out = []
        for sigma in G.real_irreps()[1:]:
            rho = irreps[sigma.complex[0]].matrices
            d = rho.shape[1]
            if sigma.kind == "R":
                m, images = d, sigma.matrices
                Z = block_from_coords("R", m, np.eye(m * m))  # (N, m, m)
                back = d / n * np.einsum("kab,iab->ik", sigma.matrices, Z)
            elif sigma.kind == "C":
                m, images = d, rho
                Z = block_from_coords("C", m, np.eye(2 * m * m))
                back = 2 * d / n * np.einsum("kab,iab->ik", rho.conj(), Z).real
            else:
                m = d // 2
                T = _quaternionic_basis(rho, rng)
                images = np.einsum("ab,gbc,cd->gad", T.conj().T, rho, T)
                Z = block_from_coords("H", m, np.eye(4 * m * m))
                back = d / n * np.einsum("kab,iab->ik", rho.conj(), T @ Z @ T.conj().T).real
            fwd = block_to_coords(sigma.kind, m, images)  # (n, N)
            for a in (fwd, back):
                a.setflags(write=False)
            out.append(Block(sigma.index, sigma.kind, m, d, fwd, back))
        return tuple(out)

    return G._cached("blocks", compute)
