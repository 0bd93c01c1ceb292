"""Bilinear algorithms for the blocks M_m(D) of a real group algebra (cogs.generators.bilinear):
every registered and naive algorithm multiplies (checked against plain numpy matrix products
written here), ranks equal the hand-computed ones, coordinates round-trip, the quaternionic
standard form is closed, wrong algorithms and duplicate names are refused, a user's own
algorithm is used, and every algorithm is bilinear (hypothesis)."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cogs.generators.bilinear import (
    ALGORITHMS,
    BLOCKS,
    BilinearAlgorithm,
    algorithms_for,
    best_algorithm,
    block_dim,
    block_mul,
    from_coords,
    naive_algorithm,
    register_algorithm,
    structure_tensor,
    tensor_algorithm,
    to_coords,
    unregister_algorithm,
    verify,
)

BUILTIN_RANKS = {"strassen": 7, "laderman": 23, "gauss": 3, "strassen_c": 21, "quaternion_8": 8}
BUILTIN_BLOCKS = {"strassen": ("R", 2), "laderman": ("R", 3), "gauss": ("C", 1), "strassen_c": ("C", 2),
                  "quaternion_8": ("H", 1)}
CHECKED = [("R", m) for m in range(1, 5)] + [("C", m) for m in range(1, 4)] + [("H", m) for m in range(1, 3)]


def quaternionic(A, B):
    """The standard form [[A, −conj(B)], [B, conj(A)]], written out here."""
    return np.block([[A, -np.conj(B)], [B, np.conj(A)]])


def random_element(D, m, rng):
    """A random element with N(0, 1) parts, built by hand (not by from_coords)."""
    def cplx():
        return rng.standard_normal((m, m)) + 1j * rng.standard_normal((m, m))
    if D == "R":
        return rng.standard_normal((m, m))
    if D == "C":
        return cplx()
    return quaternionic(cplx(), cplx())


def run(alg, X, Y):
    """from_coords(Σ_r (U_r·x)(V_r·y) W_r), the sum written out."""
    x, y = to_coords(alg.D, alg.m, X), to_coords(alg.D, alg.m, Y)
    return from_coords(alg.D, alg.m, np.einsum("r,r,rk->k", alg.U @ x, alg.V @ y, alg.W))


@pytest.fixture
def scratch():
    """Names registered during a test are unregistered after it (the registry is global)."""
    before = list(ALGORITHMS)
    yield
    for name in [n for n in ALGORITHMS if n not in before]:
        unregister_algorithm(name)
    assert list(ALGORITHMS) == before


# -- every algorithm multiplies ------------------------------------------------------------
@pytest.mark.parametrize("D,m", CHECKED, ids=[f"{D}{m}" for D, m in CHECKED])
def test_every_algorithm_multiplies_random_blocks(D, m):
    rng = np.random.default_rng(7 + m)
    algs = algorithms_for(D, m)
    assert any(a.name == f"naive_{D}{m}" for a in algs)
    for alg in algs:
        for _ in range(4):
            X, Y = random_element(D, m, rng), random_element(D, m, rng)
            assert np.max(np.abs(run(alg, X, Y) - X @ Y)) < 1e-12, alg
            assert np.max(np.abs(alg.multiply(X, Y) - X @ Y)) < 1e-12, alg


def test_every_builtin_is_registered_checked_and_exact():
    assert list(ALGORITHMS)[:5] == list(BUILTIN_RANKS)
    for name, rank in BUILTIN_RANKS.items():
        alg = ALGORITHMS[name]
        assert (alg.rank, alg.block) == (rank, BUILTIN_BLOCKS[name])
        assert alg.U.shape == alg.V.shape == alg.W.shape == (rank, block_dim(*alg.block))
        assert alg.summary and "\n" not in alg.summary and alg.reference
        assert verify(alg) < 1e-12 and verify(alg, rng=123, trials=3) < 1e-12
        # the coefficients are dyadic, so the decomposition of the multiplication tensor is exact
        D, m = alg.block
        N = block_dim(D, m)
        basis = from_coords(D, m, np.eye(N))
        T = np.array([[to_coords(D, m, basis[i] @ basis[j]) for j in range(N)] for i in range(N)])
        assert np.array_equal(np.einsum("ri,rj,rk->ijk", alg.U, alg.V, alg.W), T), name
        assert np.array_equal(structure_tensor(D, m), T)


@pytest.mark.parametrize("D,m", CHECKED, ids=[f"{D}{m}" for D, m in CHECKED])
def test_naive_ranks(D, m):
    alg = naive_algorithm(D, m)
    assert alg.rank == {"R": m ** 3, "C": 3 * m ** 3, "H": 16 * m ** 3}[D]
    assert alg.name == f"naive_{D}{m}" and alg.block == (D, m) and alg.name not in ALGORITHMS
    assert naive_algorithm(D, m) is alg  # cached
    assert verify(alg) < 1e-12


def test_ranks_by_block_and_best():
    ranks = {(D, m): [(a.name, a.rank) for a in algorithms_for(D, m)] for D, m in CHECKED}
    assert ranks[("R", 2)] == [("strassen", 7), ("naive_R2", 8)]
    assert ranks[("R", 3)] == [("laderman", 23), ("naive_R3", 27)]
    assert ranks[("C", 1)] == [("gauss", 3), ("naive_C1", 3)]  # a tie: the registered one first
    assert ranks[("C", 2)] == [("strassen_c", 21), ("naive_C2", 24)]
    assert ranks[("H", 1)] == [("quaternion_8", 8), ("naive_H1", 16)]
    assert ranks[("R", 1)] == [("naive_R1", 1)] and ranks[("H", 2)] == [("strassen_h", 56), ("naive_H2", 128)]
    assert best_algorithm("C", 3).name == "laderman_c" and best_algorithm("C", 3).rank == 3 * 23
    best = {block: best_algorithm(*block).name for block in CHECKED}
    assert best[("R", 2)] == "strassen" and best[("R", 3)] == "laderman" and best[("C", 1)] == "gauss"
    assert best[("C", 2)] == "strassen_c" and best[("H", 1)] == "quaternion_8" and best[("R", 4)] == "naive_R4"
    for D, m in CHECKED:
        algs = algorithms_for(D, m)
        assert [a.rank for a in algs] == sorted(a.rank for a in algs)


def test_blocks_and_bad_blocks():
    assert BLOCKS == ("R", "C", "H")
    assert [block_dim(D, m) for D in BLOCKS for m in (1, 3)] == [1, 9, 2, 18, 4, 36]
    for bad in [("Q", 1), ("R", 0), ("R", 1.5), ("C", True), (None, 2)]:
        with pytest.raises(ValueError):
            algorithms_for(*bad)
    with pytest.raises(ValueError, match="shape"):
        to_coords("R", 2, np.zeros((3, 3)))
    with pytest.raises(ValueError, match="shape"):
        from_coords("C", 2, np.zeros(4))
    with pytest.raises(ValueError, match="real"):
        to_coords("R", 1, np.array([[1j]]))


# -- coordinates -----------------------------------------------------------------------------
def test_coordinate_layout():
    assert to_coords("R", 2, [[1.0, 2.0], [3.0, 4.0]]).tolist() == [1, 2, 3, 4]
    assert to_coords("C", 2, np.array([[1 + 2j, 3 + 4j], [5 + 6j, 7 + 8j]])).tolist() == list(range(1, 9))
    A, B = np.array([[1 + 2j, 3 + 4j], [5 + 6j, 7 + 8j]]), np.array([[9 + 10j, 11 + 12j], [13 + 14j, 15 + 16j]])
    assert to_coords("H", 2, quaternionic(A, B)).tolist() == list(range(1, 17))
    assert np.array_equal(from_coords("H", 2, np.arange(1.0, 17.0)), quaternionic(A, B))
    # the quaternion a + bi + cj + dk is A = a + bi, B = c − di: i·j = k
    i, j, k = (from_coords("H", 1, v) for v in ([0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, -1]))
    assert np.array_equal(i @ j, k) and np.array_equal(j @ k, i) and np.array_equal(k @ i, j)
    assert np.array_equal(i @ i, -np.eye(2))


@pytest.mark.parametrize("D,m", CHECKED, ids=[f"{D}{m}" for D, m in CHECKED])
def test_coordinates_round_trip_exactly(D, m):
    rng = np.random.default_rng(m)
    N = block_dim(D, m)
    x = rng.standard_normal((2, 3, N))
    X = from_coords(D, m, x)
    assert X.shape == (2, 3, *((2 * m, 2 * m) if D == "H" else (m, m)))
    assert np.array_equal(to_coords(D, m, X), x) and to_coords(D, m, X).dtype == np.float64
    Z = random_element(D, m, rng)
    assert np.array_equal(from_coords(D, m, to_coords(D, m, Z)), Z)
    assert to_coords(D, m, Z).shape == (N,)


@pytest.mark.parametrize("m", [1, 2, 3])
def test_quaternionic_standard_form_is_closed_and_from_coords_gives_it(m):
    rng = np.random.default_rng(10 + m)
    X, Y = random_element("H", m, rng), random_element("H", m, rng)
    Z = X @ Y
    A, B = Z[:m, :m], Z[m:, :m]
    assert np.max(np.abs(Z - quaternionic(A, B))) < 1e-12
    assert np.max(np.abs(block_mul("H", m, X, Y) - Z)) < 1e-12
    x = rng.standard_normal(4 * m * m)
    W = from_coords("H", m, x)
    assert np.array_equal(W, quaternionic(W[:m, :m], W[m:, :m]))
    with pytest.raises(ValueError, match="standard form"):
        to_coords("H", m, rng.standard_normal((2 * m, 2 * m)) + 0j)


# -- registration ----------------------------------------------------------------------------
def test_a_wrong_algorithm_is_refused_naming_it_and_the_failing_entry(scratch):
    s = ALGORITHMS["strassen"]
    W = s.W.copy()
    W[2, 3] += 0.5  # product m3 now adds 0.5·m3 more to c22 (coordinate 3) only
    bad = BilinearAlgorithm("strassen_bad", "R", 2, s.U, s.V, W)
    assert verify(bad) > 1e-3
    with pytest.raises(ValueError) as err:
        register_algorithm(bad)
    msg = str(err.value)
    assert "\n" not in msg and "'strassen_bad'" in msg and "('R', 2)" in msg
    assert re.search(r"worst deviation \S+ > 1e-12", msg)
    assert "first failing output coordinate 3 (entry (1, 1))" in msg
    assert "strassen_bad" not in ALGORITHMS
    U = s.U.copy()
    U[0, 0] = 1 + 1e-9  # a tiny perturbation of one input coefficient is caught too
    with pytest.raises(ValueError, match="'strassen_tiny' does not multiply"):
        register_algorithm(BilinearAlgorithm("strassen_tiny", "R", 2, U, s.V, s.W))


def test_wrong_forms_and_names_are_refused(scratch):
    s = ALGORITHMS["strassen"]
    with pytest.raises(ValueError, match="already registered") as err:
        register_algorithm(BilinearAlgorithm("strassen", "R", 2, s.U, s.V, s.W))
    assert "\n" not in str(err.value)
    with pytest.raises(ValueError, match="reserved"):
        register_algorithm(BilinearAlgorithm("naive_R2", "R", 2, s.U, s.V, s.W))
    with pytest.raises(ValueError, match=r"shape \(R, 4\)"):
        BilinearAlgorithm("short", "R", 2, s.U[:6], s.V, s.W)
    with pytest.raises(ValueError, match=r"shape \(R, 9\)"):
        BilinearAlgorithm("wrong_block", "R", 3, s.U, s.V, s.W)
    with pytest.raises(ValueError, match="shape"):
        BilinearAlgorithm("flat", "R", 1, [1.0], [1.0], [1.0])
    for value in (np.nan, np.inf):
        U = s.U.copy()
        U[1, 2] = value
        with pytest.raises(ValueError, match=r"U\[1, 2\].*finite"):
            BilinearAlgorithm("nonfinite", "R", 2, U, s.V, s.W)
    with pytest.raises(ValueError, match="real numbers"):
        BilinearAlgorithm("cplx", "R", 2, s.U + 1j, s.V, s.W)
    for name in ("two words", "", "a/b", 3):
        with pytest.raises(ValueError, match="one word"):
            BilinearAlgorithm(name, "R", 2, s.U, s.V, s.W)
    with pytest.raises(ValueError, match="one line"):
        BilinearAlgorithm("lines", "R", 2, s.U, s.V, s.W, summary="a\nb")
    with pytest.raises(TypeError):
        register_algorithm(s.U)
    with pytest.raises(ValueError, match="no bilinear algorithm named"):
        unregister_algorithm("nonesuch")
    assert list(ALGORITHMS)[:5] == list(BUILTIN_RANKS)


def test_an_algorithm_is_read_only_and_prints_back():
    s = ALGORITHMS["strassen"]
    assert repr(s) == "BilinearAlgorithm(name='strassen', block=('R', 2), rank=7)"
    assert not s.U.flags.writeable and s.U.dtype == np.float64
    with pytest.raises(ValueError):
        s.W[0, 0] = 5.0
    with pytest.raises(AttributeError):
        s.name = "other"
    with pytest.raises(TypeError):
        ALGORITHMS["mine"] = s
    source = np.eye(4)[:1].copy()
    alg = BilinearAlgorithm("copy_check", "R", 2, source, source, source)
    source[0, 0] = 9.0
    assert alg.U[0, 0] == 1.0  # the algorithm holds its own copy


def test_a_user_algorithm_is_registered_and_used(scratch):
    # the naive 2×2 product under another name: c_pr = Σ_q a_pq b_qr
    U, V, W = np.zeros((8, 4)), np.zeros((8, 4)), np.zeros((8, 4))
    for t, (p, q, r) in enumerate((p, q, r) for p in range(2) for q in range(2) for r in range(2)):
        U[t, 2 * p + q] = V[t, 2 * q + r] = W[t, 2 * p + r] = 1.0
    mine = register_algorithm(BilinearAlgorithm("my_naive_2x2", "R", 2, U, V, W, "schoolbook", "test"))
    assert ALGORITHMS["my_naive_2x2"] is mine and list(ALGORITHMS)[-1] == "my_naive_2x2"
    assert [a.name for a in algorithms_for("R", 2)] == ["strassen", "my_naive_2x2", "naive_R2"]
    assert best_algorithm("R", 2).name == "strassen"
    # a lower rank for M_4(R): Strassen applied to 2×2 blocks by Strassen, 49 < 64
    assert best_algorithm("R", 4).name == "naive_R4"
    s = ALGORITHMS["strassen"]
    register_algorithm(tensor_algorithm(s, s, name="strassen_4"))
    assert [(a.name, a.rank) for a in algorithms_for("R", 4)] == [("strassen_4", 49), ("naive_R4", 64)]
    assert best_algorithm("R", 4).name == "strassen_4"
    rng = np.random.default_rng(3)
    X, Y = rng.standard_normal((2, 4, 4))
    assert np.max(np.abs(run(best_algorithm("R", 4), X, Y) - X @ Y)) < 1e-12
    # Laderman over C with Gauss per product, and Strassen over H with Howell–Lafon per product
    lc = tensor_algorithm(ALGORITHMS["laderman"], ALGORITHMS["gauss"])
    sh = tensor_algorithm(s, ALGORITHMS["quaternion_8"], name="strassen_h")
    assert (lc.block, lc.rank, sh.block, sh.rank) == (("C", 3), 69, ("H", 2), 56)
    assert verify(lc) < 1e-12 and verify(sh) < 1e-12
    unregister_algorithm("my_naive_2x2")
    assert [a.name for a in algorithms_for("R", 2)] == ["strassen", "naive_R2"]


def test_unregistering_a_builtin_leaves_the_naive_one():
    names = list(ALGORITHMS)
    saved = [unregister_algorithm(n) for n in names[names.index("gauss"):]]
    try:
        assert [a.name for a in algorithms_for("C", 1)] == ["naive_C1"]
        assert best_algorithm("C", 1).rank == 3 and best_algorithm("H", 1).name == "naive_H1"
    finally:
        for alg in saved:
            register_algorithm(alg)
    assert list(ALGORITHMS) == names


# -- bilinearity -----------------------------------------------------------------------------
PROPERTY_ALGORITHMS = [*BUILTIN_RANKS, "naive_R2", "naive_C2", "naive_H1"]


def _algorithm(name):
    if name.startswith("naive_"):
        return naive_algorithm(name[6], int(name[7:]))
    return ALGORITHMS[name]


@settings(max_examples=60, deadline=None)
@given(name=st.sampled_from(PROPERTY_ALGORITHMS), seed=st.integers(0, 2 ** 32 - 1),
       alpha=st.floats(-10, 10), beta=st.floats(-10, 10))
def test_algorithms_are_bilinear(name, seed, alpha, beta):
    alg = _algorithm(name)
    rng = np.random.default_rng(seed)
    x, x2, y, y2 = rng.standard_normal((4, alg.dim))
    scale = 1e-12 * (1 + abs(alpha) + abs(beta))
    left = alg.apply(alpha * x + beta * x2, y) - (alpha * alg.apply(x, y) + beta * alg.apply(x2, y))
    right = alg.apply(x, alpha * y + beta * y2) - (alpha * alg.apply(x, y) + beta * alg.apply(x, y2))
    assert np.max(np.abs(left)) < 100 * scale and np.max(np.abs(right)) < 100 * scale
    # and it is the product: from_coords of the result is X·Y (batched here)
    X, Y = from_coords(alg.D, alg.m, np.stack([x, x2])), from_coords(alg.D, alg.m, np.stack([y, y2]))
    assert np.max(np.abs(from_coords(alg.D, alg.m, alg.apply(np.stack([x, x2]), np.stack([y, y2]))) - X @ Y)) < 1e-12
