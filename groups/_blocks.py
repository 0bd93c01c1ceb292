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

import numbers
import typing

import attrs
import numpy as np

__all__ = ["BLOCK_KINDS", "Block", "block_dim", "block_from_coords", "block_label", "block_mul", "block_to_coords", "block_type",
           "blocks"]


#: the block types: M_m(R), M_m(C), M_m(H)
BLOCK_KINDS = ("R", "C", "H")
#: real dimension of D
_DIM = {"R": 1, "C": 2, "H": 4}
#: how a standard-form H matrix may deviate (relative) before :func:`block_to_coords` refuses it
_FORM_RTOL = 1e-9


def block_type(D, m) -> tuple[str, int]:
    """``(D, m)`` checked and normalised (m an int)."""
    if not isinstance(D, str) or D not in BLOCK_KINDS:
        raise ValueError(f"a block type is one of {', '.join(BLOCK_KINDS)}, got {D!r}")
    if isinstance(m, bool) or not isinstance(m, numbers.Integral) or m < 1:
        raise ValueError(f"a block's size m is an integer >= 1, got {m!r}")
    return D, int(m)


def block_label(D: str, m: int) -> str:
    return f"M_{m}({D}) (block {(D, m)!r})"


def block_dim(D: str, m: int) -> int:
    """The real dimension N of the block M_m(D): m², 2m² or 4m².

    >>> block_dim("R", 3), block_dim("C", 2), block_dim("H", 2)
    (9, 8, 16)
    """
    D, m = block_type(D, m)
    return _DIM[D] * m * m


def _matrix_shape(D: str, m: int) -> tuple[int, int]:
    return (2 * m, 2 * m) if D == "H" else (m, m)


def _check_matrix(D: str, m: int, X, what: str) -> np.ndarray:
    X = np.asarray(X)
    shape = _matrix_shape(D, m)
    if X.ndim < 2 or X.shape[-2:] != shape:
        raise ValueError(f"{what} of {block_label(D, m)} must have shape (..., {shape[0]}, {shape[1]}), got {X.shape}")
    if X.dtype.kind not in "biufc":
        raise ValueError(f"{what} of {block_label(D, m)} must be numeric, got dtype {X.dtype}")
    return X


def _complex_coords(Z: np.ndarray) -> np.ndarray:
    """(..., m, m) complex → (..., 2m²): each entry row-major, real then imaginary part."""
    out = np.stack([Z.real, Z.imag], axis=-1).astype(np.float64, copy=False)
    return out.reshape(*Z.shape[:-2], -1)


def _complex_matrix(x: np.ndarray, m: int) -> np.ndarray:
    """The inverse of :func:`_complex_coords` (exact: parts are assigned, not added)."""
    pairs = x.reshape(*x.shape[:-1], m, m, 2)
    Z = np.empty(pairs.shape[:-1], dtype=np.complex128)
    Z.real, Z.imag = pairs[..., 0], pairs[..., 1]
    return Z


def block_to_coords(D: str, m: int, X) -> np.ndarray:
    """The real coordinates (..., N) of block elements X (module docstring), float64.

    An H element must be in the standard form [[A, −conj(B)], [B, conj(A)]] (to a relative
    1e-9); its coordinates are read from A and B.

    >>> block_to_coords("C", 1, np.array([[1 + 2j]])), block_to_coords("H", 1, np.array([[1 + 2j, -3 + 4j], [3 + 4j, 1 - 2j]]))
    (array([1., 2.]), array([1., 2., 3., 4.]))
    """
    D, m = block_type(D, m)
    X = _check_matrix(D, m, X, "an element")
    if D == "R":
        if np.iscomplexobj(X):
            if np.any(X.imag != 0):
                raise ValueError(f"an element of {block_label(D, m)} is a real matrix; got non-zero imaginary parts")
            X = X.real
        return np.array(X, dtype=np.float64).reshape(*X.shape[:-2], m * m)
    if D == "C":
        return _complex_coords(X)
    A, B = X[..., :m, :m], X[..., m:, :m]
    gap = max(float(np.max(np.abs(X[..., :m, m:] + np.conj(B)), initial=0.0)),
              float(np.max(np.abs(X[..., m:, m:] - np.conj(A)), initial=0.0)))
    if not gap <= _FORM_RTOL * max(1.0, float(np.max(np.abs(X), initial=0.0))):
        raise ValueError(f"an element of {block_label(D, m)} must be in the standard form [[A, -conj(B)], [B, conj(A)]]; "
                         f"it deviates by {gap:.3g}")
    return np.concatenate([_complex_coords(A), _complex_coords(B)], axis=-1)


def block_from_coords(D: str, m: int, x) -> np.ndarray:
    """The block elements with real coordinates x (..., N): the inverse of :func:`block_to_coords`
    (exact; for H exactly the standard form).

    >>> block_from_coords("H", 1, [1.0, 2.0, 3.0, 4.0])
    array([[ 1.+2.j, -3.+4.j],
           [ 3.+4.j,  1.-2.j]])
    """
    D, m = block_type(D, m)
    x = np.asarray(x)
    N = _DIM[D] * m * m
    if x.ndim < 1 or x.shape[-1] != N:
        raise ValueError(f"coordinates of {block_label(D, m)} must have shape (..., {N}), got {x.shape}")
    if x.dtype.kind not in "biuf":
        raise ValueError(f"coordinates of {block_label(D, m)} are real numbers, got dtype {x.dtype}")
    x = x.astype(np.float64, copy=False)
    if D == "R":
        return x.reshape(*x.shape[:-1], m, m).copy()
    if D == "C":
        return _complex_matrix(x, m)
    half = N // 2
    A, B = _complex_matrix(x[..., :half], m), _complex_matrix(x[..., half:], m)
    X = np.empty((*x.shape[:-1], 2 * m, 2 * m), dtype=np.complex128)
    X[..., :m, :m], X[..., :m, m:] = A, -np.conj(B)
    X[..., m:, :m], X[..., m:, m:] = B, np.conj(A)
    return X


def block_mul(D: str, m: int, X, Y) -> np.ndarray:
    """The product X·Y in the block M_m(D) (batched): the (complex) matrix product."""
    D, m = block_type(D, m)
    return np.matmul(_check_matrix(D, m, X, "a factor"), _check_matrix(D, m, Y, "a factor"))


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
