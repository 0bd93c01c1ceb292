"""A network as an element of the commutative semi-ring Z of docs/mathematics.md#the-semi-ring-of-networks.

The element of a network with q hidden nodes is its Fourier-domain tensor in *paper units*
(docs/mathematics.md#characters-and-the-fourier-transform): ``z[p, k, j]`` for p ∈ (a, b, c) (axis 0), k ∈ Ĝ (axis 1, indexed like G) and
hidden node j (axis 2), complex128, with

    z_a = λ·A,  z_b = λ·B,  z_c = λ·C,   λ = (2d)^{1/3},
    A_{kj} = (1/d) Σ_g W_a[j,g] conj χ_k(g),   C_{kj} = (1/d) Σ_g W_c[g,j] χ_k(g).

Operations (docs/mathematics.md#the-semi-ring-of-networks):
    z1 + z2 : concatenate hidden nodes (order q1 + q2); zero = the empty network;
    z1 * z2 : (z1*z2)[p,k,(j1,j2)] = z1[p,k,j1]·z2[p,k,j2] (row-wise Khatri–Rao, j1 outer);
              one = a single node with z ≡ 1, i.e. W_a = W_b = W_c = (d/λ)·e_0;
    s · z   : scales the c row (every sum potential is linear in c).
Identification: node permutations; nodes with identical (a, b) rows merge (c rows add);
nodes whose c row is zero (in particular all-zero nodes) are dropped — they change neither
the network's function nor any sum potential.

Elements read the characters of a finite Abelian group (Z_n factors): any other group is
refused with a one-line :class:`groups.NotAbelianError` (networks on those groups live in
weight space, :class:`models.network.Networks`).

>>> from groups import parse_group
>>> S = NetworkSemiring(parse_group("Z5"))
>>> x = S.random(3, rng=np.random.default_rng(0))
>>> S.isclose(x * S.one(), x) and S.isclose(x + S.zero(), x)
True
"""

from __future__ import annotations

import functools
import typing

import attrs
import numpy as np

from algebra import Semiring, SemiringElement
from groups import FiniteAbelianGroup, Orbit, parse_group, require_abelian
from models.spectrum import fourier_coefficients, paper_scale
from models.weights import as_arrays, weights_of

P_NAMES = ("a", "b", "c")
_MERGE_DECIMALS = 9


def _as_z(z, d: int | None = None) -> np.ndarray:
    z = np.array(z, dtype=np.complex128)
    if z.ndim != 3 or z.shape[0] != 3:
        raise ValueError(f"an element tensor must have shape (3, d, q), got {z.shape}")
    if d is not None and z.shape[1] != d:
        raise ValueError(f"element tensor has {z.shape[1]} frequencies, expected d = {d}")
    if not np.all(np.isfinite(z)):
        raise ValueError("element tensor contains NaN or Inf")
    z.setflags(write=False)
    return z


@typing.final
@attrs.frozen(eq=False, repr=False)
class NetworkElement(SemiringElement):
    """An element of Z for a group G: z of shape (3, d, q), paper units (see module doc)."""

    group: FiniteAbelianGroup
    z: np.ndarray = attrs.field()

    def __attrs_post_init__(self):
        require_abelian(self.group, "a network element (Fourier coefficients over characters χ_k)")
        object.__setattr__(self, "z", _as_z(self.z, self.group.order))

    @property
    def semiring(self) -> "NetworkSemiring":
        return NetworkSemiring(self.group)

    @property
    def order(self) -> int:
        """Number of hidden nodes as stored (see :meth:`canonical` for the merged order)."""
        return self.z.shape[2]

    @property
    def a(self) -> np.ndarray:
        return self.z[0]

    @property
    def b(self) -> np.ndarray:
        return self.z[1]

    @property
    def c(self) -> np.ndarray:
        return self.z[2]

    def __repr__(self) -> str:
        return f"NetworkElement(group={self.group.spec}, order={self.order})"

    # -- identification -------------------------------------------------------------
    def canonical(self, atol: float = 1e-9) -> "NetworkElement":
        """Merge nodes with equal (a, b) rows (within ``atol``), drop nodes whose c row
        vanishes, and sort nodes into a canonical order."""
        return NetworkElement(self.group, canonical_nodes(self.z, atol))

    def merged_order(self, atol: float = 1e-9) -> int:
        """The order after identification (docs/mathematics.md#the-semi-ring-of-networks: counted after merging)."""
        return self.canonical(atol).order

    def is_real(self, atol: float = 1e-10) -> bool:
        """Conjugate symmetric (z[:, -k] = conj z[:, k]) ⇔ real weights."""
        neg = self.group.neg_table()
        scale = max(1.0, float(np.abs(self.z).max(initial=0.0)))
        return bool(np.allclose(self.z[:, neg, :], np.conj(self.z), rtol=0, atol=atol * scale))

    def scale(self, s) -> "NetworkElement":
        z = np.array(self.z)
        z[2] *= s
        return NetworkElement(self.group, z)

    def conj(self) -> "NetworkElement":
        """Complex conjugate at every frequency: the element of the mirrored network."""
        return NetworkElement(self.group, np.conj(self.z))

    def nodes(self, index) -> "NetworkElement":
        return NetworkElement(self.group, self.z[:, :, index])

    # -- weights --------------------------------------------------------------------
    @classmethod
    def from_weights(cls, group, W_a=None, W_b=None, W_c=None) -> "NetworkElement":
        """Exact conversion of a network — or of ``group``'s W_a, W_b, W_c — to its element
        (docs/mathematics.md#characters-and-the-fourier-transform)."""
        group, W_a, W_b, W_c = weights_of(group, W_a, W_b, W_c)
        require_abelian(group, "a network element (Fourier coefficients over characters χ_k)")
        d = group.order
        W_a, W_b, W_c = as_arrays(W_a, W_b, W_c, group=group, allow_empty=True)
        A, B, C = fourier_coefficients(group, W_a, W_b, W_c)
        return cls(group, paper_scale(d) * np.stack([A, B, C]))

    def to_weights(self, atol: float = 1e-9) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Exact conversion element → real weights (W_a, W_b, W_c); refuses an element that
        is not conjugate symmetric (not a real network)."""
        if not self.is_real(atol):
            raise ValueError("element is not conjugate symmetric (z[:, -k] != conj z[:, k]): not a real network")
        lam = paper_scale(self.group.order)
        G = self.group
        W_a = G.idft(self.z[0] / lam, axis=0, sign=-1).T.real.copy()
        W_b = G.idft(self.z[1] / lam, axis=0, sign=-1).T.real.copy()
        W_c = G.idft(self.z[2] / lam, axis=0, sign=+1).real.copy()
        return W_a, W_b, W_c

    def weight_norm2(self) -> float:
        """‖W_a‖² + ‖W_b‖² + ‖W_c‖² of the real network (what weight decay sees).

        Parseval: Σ_g |W[j,g]|² = d Σ_k |coefficient_k|², coefficients = z/λ."""
        d = self.group.order
        return float(d * np.sum(np.abs(self.z) ** 2) / paper_scale(d) ** 2)


def canonical_nodes(z: np.ndarray, atol: float = 1e-9) -> np.ndarray:
    """Merge/drop/sort nodes of a (3, d, q) tensor (see :meth:`NetworkElement.canonical`)."""
    d, q = z.shape[1], z.shape[2]
    if q == 0:
        return z
    scale = max(1.0, float(np.abs(z).max()))
    tol = atol * scale
    ab = np.concatenate([z[0], z[1]], axis=0).T  # (q, 2d)
    groups: list[list[int]] = []
    reps: list[np.ndarray] = []
    # cluster nodes with equal (a, b) rows (within tol); scanning in sorted order puts the
    # matching representative near the end of the list, so search it newest first
    if tol > 0:
        keys = np.round(np.concatenate([ab.real, ab.imag], axis=1) / tol / 4)
        order = np.lexsort(keys.T[::-1])
    else:
        order = np.arange(q)
    for j in order:
        for gi in range(len(reps) - 1, -1, -1):
            if np.max(np.abs(ab[j] - reps[gi])) <= tol:
                groups[gi].append(j)
                break
        else:
            groups.append([j])
            reps.append(ab[j])
    out_a, out_b, out_c = [], [], []
    for members in groups:
        c = z[2][:, members].sum(axis=1)
        if np.max(np.abs(c)) <= tol:
            continue
        j0 = members[0]
        out_a.append(z[0][:, j0])
        out_b.append(z[1][:, j0])
        out_c.append(c)
    if not out_a:
        return np.zeros((3, d, 0), dtype=np.complex128)
    res = np.stack([np.stack(out_a, 1), np.stack(out_b, 1), np.stack(out_c, 1)])
    # canonical order: by rounded real/imag parts of the full node vector
    flat = res.transpose(2, 0, 1).reshape(res.shape[2], -1)
    key = np.round(np.concatenate([flat.real, flat.imag], axis=1), 6)
    perm = np.lexsort(key.T[::-1])
    return res[:, :, perm]


def nodes_isclose(x: np.ndarray, y: np.ndarray, atol: float) -> bool:
    """Are two (3, d, q) node tensors the same element up to identification (merging,
    dropping, node order), within ``atol`` relative to their largest entry?"""
    cx, cy = canonical_nodes(x, max(atol, 1e-13)), canonical_nodes(y, max(atol, 1e-13))
    scale = max(1.0, float(np.abs(cx).max(initial=0)), float(np.abs(cy).max(initial=0)))
    return _match_nodes(cx, cy, atol * scale)


def _match_nodes(x: np.ndarray, y: np.ndarray, tol: float) -> bool:
    """Are the node columns of x and y (3, d, q) equal up to permutation within tol?"""
    if x.shape != y.shape:
        return False
    q = x.shape[2]
    if q == 0:
        return True
    fx = x.transpose(2, 0, 1).reshape(q, -1)
    fy = y.transpose(2, 0, 1).reshape(q, -1)
    dist = np.abs(fx[:, None, :] - fy[None, :, :]).max(axis=2)  # (q, q)
    used = np.zeros(q, dtype=bool)
    for i in np.argsort(dist.min(axis=1)):
        cand = np.where(~used & (dist[i] <= tol))[0]
        if len(cand) == 0:
            return False
        used[cand[np.argmin(dist[i, cand])]] = True
    return True


@typing.final
class NetworkSemiring(Semiring):
    """(Z/≈, +, *) for a group G (docs/mathematics.md#the-semi-ring-of-networks). Cached per group: ``NetworkSemiring(G) is NetworkSemiring(G)``."""

    @functools.lru_cache(maxsize=None)
    def __new__(cls, group):
        G = require_abelian(parse_group(group), "the Fourier-domain semi-ring NetworkSemiring (characters χ_k)")
        self = super().__new__(cls)
        self.group = G
        return self

    def __init__(self, group):
        pass

    def __repr__(self) -> str:
        return f"NetworkSemiring({self.group.spec!r})"

    def __getnewargs__(self):
        return (self.group.spec,)

    def element(self, z) -> NetworkElement:
        return NetworkElement(self.group, z)

    def zero(self) -> NetworkElement:
        return NetworkElement(self.group, np.zeros((3, self.group.order, 0), dtype=np.complex128))

    def one(self) -> NetworkElement:
        return NetworkElement(self.group, np.ones((3, self.group.order, 1), dtype=np.complex128))

    def add(self, x: NetworkElement, y: NetworkElement) -> NetworkElement:
        return NetworkElement(self.group, np.concatenate([x.z, y.z], axis=2))

    def mul(self, x: NetworkElement, y: NetworkElement) -> NetworkElement:
        z = x.z[:, :, :, None] * y.z[:, :, None, :]
        return NetworkElement(self.group, z.reshape(3, self.group.order, -1))

    def equal(self, x: NetworkElement, y: NetworkElement) -> bool:
        return self.isclose(x, y, atol=0.0)

    def isclose(self, x: NetworkElement, y: NetworkElement, *, atol: float = 1e-10) -> bool:
        return nodes_isclose(x.z, y.z, atol)

    def contains(self, x) -> bool:
        return isinstance(x, NetworkElement) and x.group == self.group

    def scale(self, s, x: NetworkElement) -> NetworkElement:
        return x.scale(s)

    def constant(self, s) -> NetworkElement:
        """ŝ = one node (1, 1, s) at every k: every SP with one unconjugated c maps it to s."""
        z = np.ones((3, self.group.order, 1), dtype=np.complex128)
        z[2] *= s
        return NetworkElement(self.group, z)

    def random(self, q: int, *, rng: np.random.Generator, real: bool = False, scale: float = 1.0) -> NetworkElement:
        """A random element of order q (complex Gaussian entries, or a real network)."""
        d = self.group.order
        if real:
            W = [rng.standard_normal((q, d)), rng.standard_normal((q, d)), rng.standard_normal((d, q))]
            return NetworkElement.from_weights(self.group, *[w * scale for w in W])
        z = rng.standard_normal((3, d, q)) + 1j * rng.standard_normal((3, d, q))
        return NetworkElement(self.group, scale * z)


# ---------------------------------------------------------------------------------------
# Blocks: the sub-semiring of elements supported on one orbit {k, -k}
# ---------------------------------------------------------------------------------------


@typing.final
@attrs.frozen(eq=False, repr=False)
class Block(SemiringElement):
    """Values at one orbit: ``v[p, j]`` = z_{p,k,j} at the representative k (conjugates at
    -k implied). ``kind`` is 'complex' or 'real' (a real orbit has real entries).

    >>> Block.from_nodes([(1, 1, 1), (1j, -1j, 1)]).order
    2
    """

    v: np.ndarray = attrs.field()
    kind: str = attrs.field(default="complex")

    def __attrs_post_init__(self):
        if self.kind not in ("complex", "real"):
            raise ValueError(f"block kind must be 'complex' or 'real', got {self.kind!r}")
        v = np.array(self.v, dtype=np.complex128)
        if v.ndim != 2 or v.shape[0] != 3:
            raise ValueError(f"block values must have shape (3, q), got {v.shape}")
        if not np.all(np.isfinite(v)):
            raise ValueError("block values contain NaN or Inf")
        if self.kind == "real" and np.any(np.abs(v.imag) > 1e-12 * max(1.0, np.abs(v).max(initial=0))):
            raise ValueError("a block on a real orbit must have real entries")
        v.setflags(write=False)
        object.__setattr__(self, "v", v)

    @classmethod
    def from_nodes(cls, nodes, kind: str = "complex") -> "Block":
        """From a list of (a, b, c) node values at k, as in the table of docs/solutions.md#partial-solutions."""
        nodes = list(nodes)
        v = np.array(nodes, dtype=np.complex128).reshape(len(nodes), 3).T if nodes else np.zeros((3, 0), complex)
        return cls(v, kind)

    @property
    def semiring(self) -> "BlockSemiring":
        return BlockSemiring(self.kind)

    @property
    def order(self) -> int:
        return self.v.shape[1]

    def nodes(self) -> list[tuple[complex, complex, complex]]:
        return [tuple(complex(x) for x in self.v[:, j]) for j in range(self.order)]

    def _repr_nodes(self) -> list:
        def r(x):
            x = complex(round(x.real, 12) + 0.0, round(x.imag, 12) + 0.0)
            return x.real if self.kind == "real" else x

        return [tuple(r(x) for x in n) for n in self.nodes()]

    def scale(self, s) -> "Block":
        v = np.array(self.v)
        v[2] *= s
        return Block(v, self.kind)

    def normalized(self, target: complex = 1.0) -> "Block":
        """Scale every row by (target / r_kkk)^{1/3} so that r_kkk = target (real-preserving
        on real orbits when r_kkk > 0; else the c row absorbs the phase)."""
        r = complex(np.sum(self.v[0] * self.v[1] * self.v[2]))
        if abs(r) < 1e-300:
            raise ValueError("cannot normalise a block with r_kkk = 0")
        ratio = target / r
        if self.kind == "real":
            s = np.cbrt(ratio.real)
            return Block(self.v * s, "real")
        mag = abs(ratio) ** (1 / 3)
        v = np.array(self.v) * mag
        v[2] *= ratio / abs(ratio)
        return Block(v, self.kind)

    def canonical(self, atol: float = 1e-9) -> "Block":
        v = canonical_nodes(self.v[:, None, :], atol)[:, 0, :]
        return Block(v, self.kind)

    def merged_order(self, atol: float = 1e-9) -> int:
        return self.canonical(atol).order

    def lift(self, group, orbit: Orbit | int) -> NetworkElement:
        """The element of Z(G) supported on ``orbit``: z[p, k] = v[p], z[p, -k] = conj v[p]."""
        group = require_abelian(parse_group(group), "lifting a block onto an orbit {k, −k} of characters")
        orbit = orbit if isinstance(orbit, Orbit) else group.orbit_of(orbit)
        if orbit.is_real != (self.kind == "real"):
            raise ValueError(f"a {self.kind} block cannot sit on a {orbit.kind} orbit {orbit}")
        z = np.zeros((3, group.order, self.order), dtype=np.complex128)
        z[:, orbit.k, :] = self.v
        if not orbit.is_real:
            z[:, orbit.neg, :] = np.conj(self.v)
        return NetworkElement(group, z)

    def __repr__(self) -> str:
        return f"Block.from_nodes({self._repr_nodes()!r}, kind={self.kind!r})"


@typing.final
class BlockSemiring(Semiring):
    """The per-orbit sub-semiring: + concatenates nodes, * is the node-wise Kronecker
    product, one = the node (1, 1, 1). ``BlockSemiring('real')`` keeps entries real."""

    @functools.lru_cache(maxsize=None)
    def __new__(cls, kind: str = "complex"):
        if kind not in ("complex", "real"):
            raise ValueError(f"kind must be 'complex' or 'real', got {kind!r}")
        self = super().__new__(cls)
        self.kind = kind
        return self

    def __init__(self, kind: str = "complex"):
        pass

    def __repr__(self) -> str:
        return f"BlockSemiring({self.kind!r})"

    def __getnewargs__(self):
        return (self.kind,)

    def zero(self) -> Block:
        return Block(np.zeros((3, 0)), self.kind)

    def one(self) -> Block:
        return Block(np.ones((3, 1)), self.kind)

    def add(self, x: Block, y: Block) -> Block:
        return Block(np.concatenate([x.v, y.v], axis=1), self.kind)

    def mul(self, x: Block, y: Block) -> Block:
        return Block((x.v[:, :, None] * y.v[:, None, :]).reshape(3, -1), self.kind)

    def equal(self, x: Block, y: Block) -> bool:
        return self.isclose(x, y, atol=0.0)

    def isclose(self, x: Block, y: Block, *, atol: float = 1e-10) -> bool:
        return nodes_isclose(x.v[:, None, :], y.v[:, None, :], atol)

    def contains(self, x) -> bool:
        return isinstance(x, Block) and x.kind == self.kind

    def scale(self, s, x: Block) -> Block:
        return x.scale(s)

    def constant(self, s) -> Block:
        """ŝ = the node (1, 1, s)."""
        return Block(np.array([[1.0], [1.0], [s]], dtype=np.complex128), self.kind)

    def random(self, q: int, *, rng: np.random.Generator) -> Block:
        v = rng.standard_normal((3, q))
        if self.kind == "complex":
            v = v + 1j * rng.standard_normal((3, q))
        return Block(v, self.kind)


def assemble(group, blocks: dict) -> NetworkElement:
    """Sum of lifted blocks: ``blocks`` maps Orbit (or representative k) → Block."""
    group = parse_group(group)
    S = NetworkSemiring(group)
    return S.sum(block.lift(group, orbit) for orbit, block in blocks.items())
