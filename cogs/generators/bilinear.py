"""Real bilinear algorithms for the blocks of a real group algebra: a registry of verified
algorithms per block, the naive one for every block, and a combinator that builds new ones.

**Blocks.** By Wedderburn's theorem the real group algebra of a finite group is a direct sum
of blocks, R[G] ≅ ⊕ M_m(D) with D ∈ {R, C, H} (real, complex, quaternionic irreducibles). A
block ``(D, m)`` is a real algebra of real dimension N = block_dim(D, m) = m², 2m² or 4m²; its
elements are numpy arrays:

* ``("R", m)``: real (m, m) matrices;
* ``("C", m)``: complex (m, m) matrices;
* ``("H", m)``: quaternionic m×m matrices in the standard complex form, the complex (2m, 2m)
  matrices [[A, −conj(B)], [B, conj(A)]] with A, B complex (m, m) (the quaternion
  a + bi + cj + dk is A = a + bi, B = c − di; the form is closed under the matrix product).

The product is the (complex) matrix product (:func:`block_mul`). Coordinates
(:func:`to_coords`, :func:`from_coords`, batched over leading axes) fix a real basis: R, the
m² entries row-major; C, each entry (row-major) as its real then imaginary part; H, each entry
of A then each entry of B (row-major), real then imaginary part.

**Algorithms.** A real bilinear algorithm of rank R for a block is a decomposition of its
multiplication tensor T ∈ R^{N×N×N} (:func:`structure_tensor`; x·y = Σ_ij x_i y_j T[i, j]) into
R rank-one terms, T = Σ_r u_r ⊗ v_r ⊗ w_r: for all block elements X, Y with coordinates x, y,

    from_coords(Σ_r (u_r·x)(v_r·y) w_r) = X·Y,

i.e. R real multiplications, each of one linear form in X by one in Y. A
:class:`BilinearAlgorithm` stores U, V, W, the (R, N) arrays of rows u_r, v_r, w_r.
:func:`register_algorithm` checks it numerically on random blocks (:func:`verify`; deviation
at most 1e-12) before adding it to :data:`ALGORITHMS`. Built in: ``strassen`` (M_2(R), 7),
``laderman`` (M_3(R), 23), ``gauss`` (C, 3), ``strassen_c`` (M_2(C), 21),
``quaternion_8`` (H, 8), ``laderman_c`` (M_3(C), 69) and ``strassen_h`` (M_2(H), 56). :func:`naive_algorithm` gives every block its schoolbook algorithm
— m³ products, each done by 1 (R), Gauss's 3 (C) or the naive 16 (H) real products — so
:func:`algorithms_for` and :func:`best_algorithm` answer for any block.
:func:`tensor_algorithm` combines an algorithm for M_m1(R) with one for M_m2(D) into one for
M_{m1·m2}(D) of the product rank (the entries of an m1×m1 matrix are the m2×m2 blocks; a
bilinear algorithm keeps the left factor on the left, so it holds over any real algebra):
Strassen with Gauss per product is ``strassen_c``, Strassen with itself is a rank-49 M_4(R).

**Polarisation** (docs/mathematics.md#the-semi-ring-on-any-group). The bilinear part of an
exact network of the group task is a real bilinear algorithm for the group algebra without its
trivial block, I_G = ⊕ non-trivial blocks. Conversely, choose an algorithm per non-trivial
block, carry its coordinate functionals u_r, v_r and outputs w_r to functions on G through the
real irreducible matrices, and add the blocks up (ranks add): if Σ_r u_r ⊗ v_r ⊗ w_r = S₀,
the 2R nodes (u_r, v_r, w_r/4) and (u_r, −v_r, −w_r/4) have loss exactly 0 — the bilinear
terms add and every junk term cancels pair by pair. A block's rank R therefore costs 2R nodes.
Ranks as real algebras: R 1; C 3; H 16 naive, 8 (Howell–Lafon; optimal); M_2(R) 7
(Strassen; optimal); M_3(R) 27 naive, 23 (Laderman); M_m(D) m³·rank(D) naive; M_m(C) at most
3 × the rank of M_m(R). The Alder–Strassen bound R ≥ 2N − (number of blocks) for a semisimple
algebra gives the lower bound of the group task.

>>> import numpy as np
>>> alg = ALGORITHMS["strassen"]
>>> alg
BilinearAlgorithm(name='strassen', block=('R', 2), rank=7)
>>> X, Y = np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[0.0, 1.0], [1.0, 0.0]])
>>> from_coords("R", 2, alg.apply(to_coords("R", 2, X), to_coords("R", 2, Y)))
array([[2., 1.],
       [4., 3.]])
>>> [(a.name, a.rank) for a in algorithms_for("C", 2)]
[('strassen_c', 21), ('naive_C2', 24)]
>>> best_algorithm("H", 1).name, naive_algorithm("H", 1).rank, best_algorithm("R", 4).rank
('quaternion_8', 16, 64)

References: V. Strassen, "Gaussian elimination is not optimal", Numer. Math. 13 (1969)
354–356; S. Winograd, "On multiplication of 2×2 matrices", Linear Algebra Appl. 4 (1971)
381–388 (7 is optimal); J. D. Laderman, "A noncommutative algorithm for multiplying 3×3
matrices using 23 multiplications", Bull. AMS 82 (1976) 126–128; T. D. Howell and J.-C.
Lafon, "The complexity of the quaternion product", Cornell TR 75-245 (1975) (8 products are
necessary and sufficient); D. E. Knuth, TAOCP vol. 2, §4.6.4 (Gauss's three products for a
complex product); A. Alder and V. Strassen, "On the algorithmic complexity of associative
algebras", Theoret. Comput. Sci. 15 (1981) 201–211.
"""

from __future__ import annotations

import functools
import numbers
import re
import typing

import attrs
import numpy as np

from groups import BLOCK_KINDS, block_dim, block_from_coords, block_label, block_mul, block_to_coords, block_type
from models.named_registry import NamedRegistry

__all__ = [
    "ALGORITHMS",
    "BLOCKS",
    "TOLERANCE",
    "BilinearAlgorithm",
    "algorithms_for",
    "best_algorithm",
    "block_dim",
    "block_mul",
    "from_coords",
    "naive_algorithm",
    "register_algorithm",
    "structure_tensor",
    "tensor_algorithm",
    "to_coords",
    "unregister_algorithm",
    "verify",
]

#: the largest deviation :func:`register_algorithm` accepts
TOLERANCE = 1e-12
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_NAIVE = re.compile(r"naive_[RCH][0-9]+")
#: the block types and the coordinates of their elements live with the group algebra's blocks
BLOCKS = BLOCK_KINDS
to_coords, from_coords = block_to_coords, block_from_coords
_block, _label = block_type, block_label


def _coord_index(D: str, m: int) -> np.ndarray:
    """idx[p, q, d]: the coordinate holding real component d of entry (p, q)."""
    e = np.arange(m * m).reshape(m, m)
    if D == "R":
        return e[:, :, None]
    if D == "C":
        return np.stack([2 * e, 2 * e + 1], axis=-1)
    return np.stack([2 * e, 2 * e + 1, 2 * m * m + 2 * e, 2 * m * m + 2 * e + 1], axis=-1)


@functools.lru_cache(maxsize=None)
def _structure_tensor(D: str, m: int) -> np.ndarray:
    N = block_dim(D, m)
    basis = from_coords(D, m, np.eye(N))
    T = to_coords(D, m, np.matmul(basis[:, None], basis[None, :]))
    T.setflags(write=False)
    return T


def structure_tensor(D: str, m: int) -> np.ndarray:
    """The multiplication tensor T (N, N, N) of the block in its coordinates: the coordinates of
    the product of basis elements i and j are T[i, j] (entries 0, ±1; read-only). An algorithm
    is exact when Σ_r u_r ⊗ v_r ⊗ w_r equals it.

    >>> structure_tensor("C", 1)[1, 1]  # i·i = −1
    array([-1.,  0.])
    """
    return _structure_tensor(*_block(D, m))


# ---------------------------------------------------------------------------------------
# algorithms
# ---------------------------------------------------------------------------------------
@typing.final
@attrs.frozen(eq=False, repr=False)
class BilinearAlgorithm:
    """A real bilinear algorithm of rank R for the block M_m(D) (module docstring): for block
    elements X, Y with coordinates x, y, ``from_coords(D, m, Σ_r (U_r·x)(V_r·y) W_r) == X·Y``.
    U, V, W are read-only float64 arrays (R, N); ``name`` is one word (what
    ``--algorithm NAME`` takes), ``summary`` one line, ``reference`` where it comes from.
    Construction checks the form (shapes, finiteness); :func:`register_algorithm` checks that it
    multiplies.

    >>> gauss = ALGORITHMS["gauss"]
    >>> gauss.block, gauss.rank, gauss.U.tolist()
    (('C', 1), 3, [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    >>> gauss.apply([1.0, 2.0], [3.0, 4.0])  # (1 + 2i)(3 + 4i)
    array([-5., 10.])
    """

    name: str
    D: str
    m: int
    U: np.ndarray
    V: np.ndarray
    W: np.ndarray
    summary: str = ""
    reference: str = ""

    def __attrs_post_init__(self):
        name = self.name
        if not isinstance(name, str) or not _WORD.fullmatch(name):
            raise ValueError(f"a bilinear algorithm's name is one word of letters, digits, '_' or '-', got {name!r}")
        try:
            D, m = _block(self.D, self.m)
        except ValueError as err:
            raise ValueError(f"bilinear algorithm {name!r}: {err}") from None
        object.__setattr__(self, "m", m)
        for field in ("summary", "reference"):
            text = getattr(self, field)
            if not isinstance(text, str) or "\n" in text:
                raise ValueError(f"bilinear algorithm {name!r}: {field} is one line of text, got {text!r}")
        for field in ("U", "V", "W"):
            object.__setattr__(self, field, _coefficients(getattr(self, field), name, D, m, field))
        _check_form(self)

    @property
    def rank(self) -> int:
        """The number R of real multiplications."""
        return self.U.shape[0]

    @property
    def block(self) -> tuple[str, int]:
        """``(D, m)``."""
        return self.D, self.m

    @property
    def dim(self) -> int:
        """The block's real dimension N."""
        return block_dim(self.D, self.m)

    def apply(self, x, y) -> np.ndarray:
        """Σ_r (U_r·x)(V_r·y) W_r for coordinates x, y (..., N) (batched): the coordinates of X·Y."""
        x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        return ((x @ self.U.T) * (y @ self.V.T)) @ self.W

    def multiply(self, X, Y) -> np.ndarray:
        """X·Y for block elements, computed by the algorithm's R products."""
        D, m = self.block
        return from_coords(D, m, self.apply(to_coords(D, m, X), to_coords(D, m, Y)))

    def __repr__(self) -> str:
        return f"BilinearAlgorithm(name={self.name!r}, block={self.block!r}, rank={self.rank})"


def _coefficients(value, name: str, D: str, m: int, field: str) -> np.ndarray:
    raw = np.asarray(value)
    where = f"bilinear algorithm {name!r} for {_label(D, m)}"
    if raw.dtype.kind not in "biuf":
        raise ValueError(f"{where}: {field} must hold real numbers, got dtype {raw.dtype}")
    arr = np.array(raw, dtype=np.float64) + 0.0  # a copy (the caller's array may change later); no −0.0
    arr.setflags(write=False)
    return arr


def _check_form(alg: BilinearAlgorithm) -> None:
    """Shapes (R, N) alike for U, V, W, R >= 1, and finite coefficients; a ValueError otherwise."""
    N = block_dim(alg.D, alg.m)
    where = f"bilinear algorithm {alg.name!r} for {_label(alg.D, alg.m)}"
    shapes = {f: np.shape(getattr(alg, f)) for f in ("U", "V", "W")}
    R = shapes["U"][0] if len(shapes["U"]) == 2 else None
    if any(len(s) != 2 or s != (R, N) for s in shapes.values()) or not R:
        got = ", ".join(f"{f} {s}" for f, s in shapes.items())
        raise ValueError(f"{where}: U, V and W must all have shape (R, {N}) with R >= 1 the rank; got {got}")
    for f in ("U", "V", "W"):
        bad = ~np.isfinite(getattr(alg, f))
        if bad.any():
            r, i = map(int, np.argwhere(bad)[0])
            raise ValueError(f"{where}: {f}[{r}, {i}] is {getattr(alg, f)[r, i]} (coefficients must be finite)")


def _describe(D: str, m: int, i: int) -> str:
    """Which entry and part coordinate i of M_m(D) is."""
    if D == "R":
        return f"entry ({i // m}, {i % m})"
    part = "real" if i % 2 == 0 else "imaginary"
    if D == "C":
        e = i // 2
        return f"entry ({e // m}, {e % m}), {part} part"
    which, e = ("A", i // 2) if i < 2 * m * m else ("B", (i - 2 * m * m) // 2)
    return f"{which}[{e // m}, {e % m}], {part} part"


def _deviations(alg: BilinearAlgorithm, rng=None, trials: int = 8) -> np.ndarray:
    """Per output coordinate, the largest |algorithm − product| over ``trials`` random pairs."""
    if isinstance(trials, bool) or not isinstance(trials, numbers.Integral) or trials < 1:
        raise ValueError(f"trials is an integer >= 1, got {trials!r}")
    _check_form(alg)
    D, m = alg.block
    rng = np.random.default_rng(0 if rng is None else rng)
    x, y = rng.standard_normal((2, int(trials), alg.dim))
    exact = to_coords(D, m, block_mul(D, m, from_coords(D, m, x), from_coords(D, m, y)))
    with np.errstate(all="ignore"):
        return np.abs(alg.apply(x, y) - exact).max(axis=0)


def verify(alg: BilinearAlgorithm, rng=None, trials: int = 8) -> float:
    """The largest absolute deviation of ``alg`` from the block product over ``trials`` random
    pairs X, Y (coordinates ~ N(0, 1); ``rng`` a seed or Generator, default seed 0).

    >>> verify(ALGORITHMS["laderman"]) < 1e-12
    True
    """
    return float(_deviations(alg, rng, trials).max())


# ---------------------------------------------------------------------------------------
# the registry
# ---------------------------------------------------------------------------------------
ALGORITHMS = NamedRegistry("bilinear algorithm", BilinearAlgorithm, doc="""The registered bilinear algorithms by
name, in registration order: the built-ins strassen, laderman, gauss, strassen_c,
quaternion_8, laderman_c and strassen_h, then those added with :func:`register_algorithm` (a read-only mapping; iterating
it gives the names). The naive algorithms (:func:`naive_algorithm`) are built on demand and not
listed here.

>>> ", ".join(ALGORITHMS), ALGORITHMS["laderman"].rank
('strassen, laderman, gauss, strassen_c, quaternion_8, laderman_c, strassen_h', 23)
""")
__test__ = {"ALGORITHMS": ALGORITHMS.__doc__}


def register_algorithm(alg: BilinearAlgorithm) -> BilinearAlgorithm:
    """Verify ``alg`` (:func:`verify`) and add it to :data:`ALGORITHMS`; returns it. Refused
    with a one-line ValueError: a name taken (or of the reserved form naive_<D><m>), a wrong
    form, or a deviation above :data:`TOLERANCE` (the message names the worst deviation and the
    first failing output coordinate).

    >>> import numpy as np
    >>> bad = BilinearAlgorithm("bad_gauss", "C", 1, [[1, 0], [0, 1], [1, 1]], [[1, 0], [0, 1], [1, 1]],
    ...                         [[1, -1], [-1, -1], [0, 2]])
    >>> register_algorithm(bad)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: bilinear algorithm 'bad_gauss' does not multiply M_1(C) ... > 1e-12; first failing output coordinate 1 ...
    """
    if not isinstance(alg, BilinearAlgorithm):
        raise TypeError(f"a bilinear algorithm must be a BilinearAlgorithm, got {type(alg).__name__}")
    if _NAIVE.fullmatch(alg.name):
        raise ValueError(f"the name {alg.name!r} is reserved for naive_algorithm(); choose another name")
    if alg.name in ALGORITHMS:
        raise ValueError(f"a bilinear algorithm named {alg.name!r} is already registered; unregister it first, or "
                         "choose another name")
    dev = _deviations(alg)
    worst = float(dev.max())
    if not worst <= TOLERANCE:
        D, m = alg.block
        first = int(np.flatnonzero(~(dev <= TOLERANCE))[0])
        raise ValueError(f"bilinear algorithm {alg.name!r} does not multiply {_label(D, m)}: worst deviation "
                         f"{worst:.3g} > {TOLERANCE:g}; first failing output coordinate {first} "
                         f"({_describe(D, m, first)})")
    return ALGORITHMS.register(alg)


def unregister_algorithm(name: str) -> BilinearAlgorithm:
    """Remove the registered algorithm ``name``; returns it."""
    return ALGORITHMS.unregister(name)


def algorithms_for(D: str, m: int) -> list[BilinearAlgorithm]:
    """Every algorithm for M_m(D): the registered ones and the naive one, by rank (ties:
    registration order, the naive one last).

    >>> [(a.name, a.rank) for a in algorithms_for("R", 2)]
    [('strassen', 7), ('naive_R2', 8)]
    """
    D, m = _block(D, m)
    found = [a for a in ALGORITHMS.values() if a.block == (D, m)]
    return sorted([*found, naive_algorithm(D, m)], key=lambda a: a.rank)


def best_algorithm(D: str, m: int) -> BilinearAlgorithm:
    """The algorithm of lowest rank for M_m(D) (the first of :func:`algorithms_for`)."""
    return algorithms_for(D, m)[0]


# ---------------------------------------------------------------------------------------
# building algorithms
# ---------------------------------------------------------------------------------------
def tensor_algorithm(outer: BilinearAlgorithm, inner: BilinearAlgorithm, *, name: str | None = None,
                     summary: str | None = None, reference: str | None = None) -> BilinearAlgorithm:
    """An algorithm for M_{m1·m2}(D) of rank R1·R2 from ``outer`` for M_m1(R) (rank R1) and
    ``inner`` for M_m2(D) (rank R2): the big matrix as an m1×m1 matrix of m2×m2 blocks, each of
    outer's R1 products of blocks done by inner. With m2 = 1 this runs an algorithm for real
    matrices over C or H (Strassen with Gauss per product: ``strassen_c``); with D = R it is the
    recursive (Kronecker) product. Not registered: pass it to :func:`register_algorithm`.

    >>> s = ALGORITHMS["strassen"]
    >>> tensor_algorithm(s, s), verify(tensor_algorithm(s, s)) < 1e-12
    (BilinearAlgorithm(name='strassen_x_strassen', block=('R', 4), rank=49), True)
    """
    if outer.D != "R":
        raise ValueError(f"the outer algorithm of a tensor product is for real matrices; {outer!r} is not")
    D, m1, m2 = inner.D, outer.m, inner.m
    m = m1 * m2
    # where coordinate (outer entry (p, q), inner coordinate k) of the big matrix lies
    inner_idx, big_idx = _coord_index(D, m2), _coord_index(D, m)
    perm = np.empty(outer.dim * inner.dim, dtype=np.intp)
    for p in range(m1):
        for q in range(m1):
            for pp in range(m2):
                for qq in range(m2):
                    perm[(p * m1 + q) * inner.dim + inner_idx[pp, qq]] = big_idx[p * m2 + pp, q * m2 + qq]

    def arrange(a, b):
        out = np.empty((a.shape[0] * b.shape[0], perm.size))
        out[:, perm] = np.kron(a, b)
        return out

    return BilinearAlgorithm(
        name=name or f"{outer.name}_x_{inner.name}", D=D, m=m,
        U=arrange(outer.U, inner.U), V=arrange(outer.V, inner.V), W=arrange(outer.W, inner.W),
        summary=summary or (f"{outer.name} (M_{m1}(R), rank {outer.rank}) with each product of M_{m2}({D}) blocks "
                            f"by {inner.name} (rank {inner.rank}): rank {outer.rank * inner.rank}"),
        reference=reference or f"tensor product of {outer.name} and {inner.name}")


def _linear(text: str, names: dict[str, int], size: int) -> np.ndarray:
    """The coefficient vector of a linear form written as 'a11 - a21 + 1/2 m3'."""
    out = np.zeros(size)
    pos, text = 0, text.replace(" ", "")
    for match in re.finditer(r"([+-]?)(?:(\d+)/(\d+))?([a-z]+\d+)", text):
        if match.start() != pos or match.group(4) not in names:
            raise ValueError(f"cannot read the linear form {text!r} at {text[pos:]!r}")
        coefficient = int(match.group(2)) / int(match.group(3)) if match.group(2) else 1.0
        out[names[match.group(4)]] += -coefficient if match.group(1) == "-" else coefficient
        pos = match.end()
    if pos != len(text) or not text:
        raise ValueError(f"cannot read the linear form {text!r}")
    return out


def _from_formulas(name: str, D: str, m: int, x_names: dict, y_names: dict, products: str, outputs: dict,
                   summary: str, reference: str) -> BilinearAlgorithm:
    """An algorithm from its published formulas: ``products`` one 'u * v' per line, product r
    named by its letter and r; ``outputs`` output coordinate → linear form in the products."""
    lines = [line.split("=", 1)[1] for line in products.strip().splitlines()]
    N = block_dim(D, m)
    letter = products.strip()[0]
    m_names = {f"{letter}{r + 1}": r for r in range(len(lines))}
    U, V = [], []
    for line in lines:
        u, v = line.split("*")
        U.append(_linear(u.strip("() "), x_names, N))
        V.append(_linear(v.strip("() "), y_names, N))
    W = np.zeros((len(lines), N))
    for coordinate, form in outputs.items():
        W[:, coordinate] = _linear(form, m_names, len(lines))
    return BilinearAlgorithm(name, D, m, np.array(U), np.array(V), W, summary, reference)


def _matrix_names(letter: str, m: int) -> dict[str, int]:
    return {f"{letter}{p + 1}{q + 1}": p * m + q for p in range(m) for q in range(m)}


def _matrix_algorithm(name: str, m: int, products: str, outputs: str, summary: str, reference: str):
    """A real m×m matrix algorithm: a_pq, b_pq the factors' entries, c_pq the product's (1-based)."""
    rows = dict(line.replace(" ", "").split("=") for line in outputs.strip().splitlines())
    c_names = _matrix_names("c", m)
    return _from_formulas(name, "R", m, _matrix_names("a", m), _matrix_names("b", m), products,
                          {c_names[c]: form for c, form in rows.items()}, summary, reference)


def _schoolbook(m: int) -> BilinearAlgorithm:
    """The m³ products X[p, q] Y[q, r] of M_m(R)."""
    N, terms = m * m, [(p, q, r) for p in range(m) for q in range(m) for r in range(m)]
    U, V, W = (np.zeros((len(terms), N)) for _ in range(3))
    for t, (p, q, r) in enumerate(terms):
        U[t, p * m + q] = V[t, q * m + r] = W[t, p * m + r] = 1.0
    return BilinearAlgorithm(f"schoolbook_{m}", "R", m, U, V, W, "the schoolbook product", "definition")


def _naive_scalar(D: str) -> BilinearAlgorithm:
    """One product in D: R 1; C Gauss's 3; H the 16 products of basis coordinates."""
    if D == "R":
        return _schoolbook(1)
    if D == "C":
        return _GAUSS
    T = structure_tensor("H", 1)
    eye = np.eye(4)
    pairs = [(i, j) for i in range(4) for j in range(4)]
    return BilinearAlgorithm("naive_quaternion", "H", 1, [eye[i] for i, _ in pairs], [eye[j] for _, j in pairs],
                             [T[i, j] for i, j in pairs], "the 16 products of coordinates", "definition")


@functools.lru_cache(maxsize=None)
def _naive(D: str, m: int) -> BilinearAlgorithm:
    scalar = _naive_scalar(D)
    per = {"R": "1 real product", "C": "Gauss's 3 real products", "H": "16 real products"}[D]
    alg = tensor_algorithm(
        _schoolbook(m), scalar, name=f"naive_{D}{m}",
        summary=f"schoolbook product of M_{m}({D}): {m}³ products of entries, each by {per}",
        reference="definition" + (" (Gauss's 3-product complex multiplication per entry)" if D == "C" else ""))
    worst = verify(alg)
    if not worst <= TOLERANCE:  # pragma: no cover - a bug in this module, not in the caller's input
        raise RuntimeError(f"the naive algorithm of {_label(D, m)} deviates by {worst:.3g}")
    return alg


def naive_algorithm(D: str, m: int) -> BilinearAlgorithm:
    """The naive algorithm of M_m(D), named naive_<D><m> (built on first use, verified and
    cached; not in :data:`ALGORITHMS`): the m³ schoolbook products of entries, each done by 1
    (R), Gauss's 3 (C) or 16 (H) real products — rank m³, 3m³ or 16m³.

    >>> [naive_algorithm(D, 2).rank for D in BLOCKS]
    [8, 24, 128]
    """
    return _naive(*_block(D, m))


# ---------------------------------------------------------------------------------------
# the built-ins
# ---------------------------------------------------------------------------------------
_STRASSEN = _matrix_algorithm("strassen", 2, """
    m1 = (a11 + a22) * (b11 + b22)
    m2 = (a21 + a22) * b11
    m3 = a11 * (b12 - b22)
    m4 = a22 * (b21 - b11)
    m5 = (a11 + a12) * b22
    m6 = (a21 - a11) * (b11 + b12)
    m7 = (a12 - a22) * (b21 + b22)
""", """
    c11 = m1 + m4 - m5 + m7
    c12 = m3 + m5
    c21 = m2 + m4
    c22 = m1 - m2 + m3 + m6
""", "Strassen's 7 products for 2×2 real matrices (optimal: Winograd 1971)",
    "V. Strassen, Gaussian elimination is not optimal, Numer. Math. 13 (1969) 354-356")

_LADERMAN = _matrix_algorithm("laderman", 3, """
    m1 = (a11 + a12 + a13 - a21 - a22 - a32 - a33) * b22
    m2 = (a11 - a21) * (-b12 + b22)
    m3 = a22 * (-b11 + b12 + b21 - b22 - b23 - b31 + b33)
    m4 = (-a11 + a21 + a22) * (b11 - b12 + b22)
    m5 = (a21 + a22) * (-b11 + b12)
    m6 = a11 * b11
    m7 = (-a11 + a31 + a32) * (b11 - b13 + b23)
    m8 = (-a11 + a31) * (b13 - b23)
    m9 = (a31 + a32) * (-b11 + b13)
    m10 = (a11 + a12 + a13 - a22 - a23 - a31 - a32) * b23
    m11 = a32 * (-b11 + b13 + b21 - b22 - b23 - b31 + b32)
    m12 = (-a13 + a32 + a33) * (b22 + b31 - b32)
    m13 = (a13 - a33) * (b22 - b32)
    m14 = a13 * b31
    m15 = (a32 + a33) * (-b31 + b32)
    m16 = (-a13 + a22 + a23) * (b23 + b31 - b33)
    m17 = (a13 - a23) * (b23 - b33)
    m18 = (a22 + a23) * (-b31 + b33)
    m19 = a12 * b21
    m20 = a23 * b32
    m21 = a21 * b13
    m22 = a31 * b12
    m23 = a33 * b33
""", """
    c11 = m6 + m14 + m19
    c12 = m1 + m4 + m5 + m6 + m12 + m14 + m15
    c13 = m6 + m7 + m9 + m10 + m14 + m16 + m18
    c21 = m2 + m3 + m4 + m6 + m14 + m16 + m17
    c22 = m2 + m4 + m5 + m6 + m20
    c23 = m14 + m16 + m17 + m18 + m21
    c31 = m6 + m7 + m8 + m11 + m12 + m13 + m14
    c32 = m12 + m13 + m14 + m15 + m22
    c33 = m6 + m7 + m8 + m9 + m23
""", "Laderman's 23 products for 3×3 real matrices",
    "J. D. Laderman, A noncommutative algorithm for multiplying 3x3 matrices using 23 multiplications, "
    "Bull. AMS 82 (1976) 126-128")

# (a + bi)(c + di) = (ac − bd) + ((a + b)(c + d) − ac − bd) i; coordinates (real, imaginary)
_GAUSS = _from_formulas("gauss", "C", 1, {"a1": 0, "b1": 1}, {"c1": 0, "d1": 1}, """
    t1 = a1 * c1
    t2 = b1 * d1
    t3 = (a1 + b1) * (c1 + d1)
""", {0: "t1 - t2", 1: "t3 - t1 - t2"}, "Gauss's 3 real products for a complex product",
    "C. F. Gauss; D. E. Knuth, The Art of Computer Programming vol. 2, section 4.6.4")


def _quaternion_8() -> BilinearAlgorithm:
    """Howell–Lafon's 8 products for p = a1 + b1 i + c1 j + d1 k times q = a2 + b2 i + c2 j + d2 k,
    read in the block's coordinates (Re A, Im A, Re B, Im B) = (a, b, c, −d)."""
    alg = _from_formulas("quaternion_8", "H", 1, {"a1": 0, "b1": 1, "c1": 2, "d1": 3},
                         {"a2": 0, "b2": 1, "c2": 2, "d2": 3}, """
        t1 = (d1 - c1) * (c2 - d2)
        t2 = (a1 + b1) * (a2 + b2)
        t3 = (a1 - b1) * (c2 + d2)
        t4 = (c1 + d1) * (a2 - b2)
        t5 = (d1 - b1) * (b2 - c2)
        t6 = (d1 + b1) * (b2 + c2)
        t7 = (a1 + c1) * (a2 - d2)
        t8 = (a1 - c1) * (a2 + d2)
    """, {  # t9 = t6 + t7 + t8, t10 = (t5 + t9)/2; 1: t1 + t10 − t6, i: t2 + t10 − t9,
        #       j: t3 + t10 − t8, k: t4 + t10 − t7 (expanded below)
        0: "t1 + 1/2t5 - 1/2t6 + 1/2t7 + 1/2t8",
        1: "t2 + 1/2t5 - 1/2t6 - 1/2t7 - 1/2t8",
        2: "t3 + 1/2t5 + 1/2t6 + 1/2t7 - 1/2t8",
        3: "t4 + 1/2t5 + 1/2t6 - 1/2t7 + 1/2t8",
    }, "", "")
    flip = np.array([1.0, 1.0, 1.0, -1.0])  # (a, b, c, d) <-> (Re A, Im A, Re B, Im B), an involution
    return BilinearAlgorithm(
        "quaternion_8", "H", 1, alg.U * flip, alg.V * flip, alg.W * flip,
        "Howell and Lafon's 8 real products for a quaternion product (optimal)",
        "T. D. Howell and J.-C. Lafon, The complexity of the quaternion product, Cornell TR 75-245 (1975)")


register_algorithm(_STRASSEN)
register_algorithm(_LADERMAN)
register_algorithm(_GAUSS)
register_algorithm(tensor_algorithm(
    _STRASSEN, _GAUSS, name="strassen_c",
    summary="Strassen over C, each complex product by Gauss's 3 real products: rank 21 (naive 24)",
    reference="Strassen (1969) with Gauss's complex product (Karatsuba on real and imaginary parts)"))
register_algorithm(_quaternion_8())
register_algorithm(tensor_algorithm(
    _LADERMAN, _GAUSS, name="laderman_c",
    summary="Laderman over C, each complex product by Gauss's 3 real products: rank 69 (naive 81)",
    reference="Laderman (1976) with Gauss's complex product"))
register_algorithm(tensor_algorithm(
    _STRASSEN, ALGORITHMS["quaternion_8"], name="strassen_h",
    summary="Strassen over H, each quaternion product by the 8-product algorithm: rank 56 (naive 128)",
    reference="Strassen (1969) with Howell and Lafon's quaternion product"))
