"""Public checkers, so that a new group (or a change to an old one) can be verified in one line.

:func:`check_group_axioms` verifies, on the whole Cayley table, that a
:class:`groups.FiniteGroup` is a group: the table is (n, n) and closed, the identity read off
the table is ``G.identity``, ``G.inverse_table()`` gives two-sided inverses, the product is
associative (all n³ triples), every row and column is a permutation (a Latin square), and the
derived data (commutativity flag, element orders, exponent, conjugacy classes) agree with the
table. For a :class:`groups.FiniteAbelianGroup` it also checks what its coordinates promise
(docs/mathematics.md#groups-and-elements): the order is the product of the moduli, element 0
is the identity, ``neg_table`` gives inverses, addition is commutative and
``cayley_table()[i, j]`` is the index of coords(i) + coords(j) taken mod each n_t.

:func:`check_irreps` verifies the representation theory of docs/groups.md: every complex irrep
is a unitary homomorphism with ρ(e) = I, Σ d² = n, one irrep per conjugacy class, both
orthogonality relations of the characters (so the irreps are irreducible and pairwise
inequivalent), the Frobenius–Schur indicators; every real irreducible is a real orthogonal
homomorphism of the right type, size and multiplicity; and the matrix Fourier transforms
(complex and real, numpy and torch, batched along any axis) invert, satisfy Plancherel and turn
the convolution (x⋆y)(k) = Σ_{gh=k} x(g) y(h) into matrix products.

Each violation raises :class:`AssertionError` naming the law and an offending element.

>>> from groups import parse_group
>>> from groups.testing import check_group_axioms, check_irreps
>>> check_group_axioms(parse_group("Z2xZ3xZ4"))  # passes silently
>>> G = parse_group("Q8")
>>> check_group_axioms(G); check_irreps(G)  # so does a non-Abelian group
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["check_group_axioms", "check_irreps"]

#: the tolerance of every floating-point law (relative to the size of the numbers compared)
TOL = 1e-10

_DIVISION_DIM = {"R": 1, "C": 2, "H": 4}
_KIND_OF_INDICATOR = {1: "R", 0: "C", -1: "H"}


def _fail(law: str, detail: str):
    raise AssertionError(f"{law}: {detail}")


# ---------------------------------------------------------------------------------------------
# group axioms
# ---------------------------------------------------------------------------------------------
def check_group_axioms(G) -> None:
    """Raise AssertionError unless ``G`` satisfies every axiom of the module doc."""
    from groups._base import FiniteAbelianGroup

    abelian = isinstance(G, FiniteAbelianGroup)
    op = "+" if abelian else "·"
    d = G.order
    T = np.asarray(G.cayley_table())
    if abelian:
        moduli = tuple(G.moduli)
        if not (d == math.prod(moduli) == len(G)):
            _fail("order", f"|G| = {d}, product of the moduli {moduli} = {math.prod(moduli)}, len = {len(G)}")
        inv = np.asarray(G.neg_table())
    else:
        if d != len(G) or d < 1:
            _fail("order", f"|G| = {d}, len = {len(G)}")
        inv = np.asarray(G.inverse_table())
    if T.shape != (d, d) or inv.shape != (d,):
        _fail("shape", f"cayley_table {T.shape}, inverses {inv.shape}; expected ({d}, {d}) and ({d},)")
    if not (np.issubdtype(T.dtype, np.integer) and np.issubdtype(inv.dtype, np.integer)):
        _fail("shape", f"tables must hold integers, got {T.dtype} and {inv.dtype}")
    if T.size and (T.min() < 0 or T.max() >= d):
        i, j = np.argwhere((T < 0) | (T >= d))[0]
        _fail("closure", f"{i} {op} {j} = {T[i, j]} is not an element index")
    if inv.size and (inv.min() < 0 or inv.max() >= d):
        g = int(np.flatnonzero((inv < 0) | (inv >= d))[0])
        _fail("closure", f"the inverse of {g} is {inv[g]}, not an element index")
    ar = np.arange(d)
    e = G.identity
    if abelian and e != 0:
        _fail("identity", f"the identity must be element 0, got {e}")
    found = np.flatnonzero((T == ar[None, :]).all(axis=1) & (T == ar[:, None]).all(axis=0))
    if not 0 <= e < d:
        _fail("identity", f"G.identity = {e} is not an element index")
    for side, row in (("left", T[e]), ("right", T[:, e])):
        if not np.array_equal(row, ar):
            g = int(np.flatnonzero(row != ar)[0])
            what = f"{e} {op} {g}" if side == "left" else f"{g} {op} {e}"
            _fail("identity", f"{what} != {g} ({side}); the table's identity is {found.tolist() or 'missing'}")
    bad = np.flatnonzero((T[ar, inv] != e) | (T[inv, ar] != e))
    if len(bad):
        g = int(bad[0])
        name = f"neg({g})" if abelian else f"inv({g})"
        _fail("inverses", f"{g} {op} {name} = {T[g, inv[g]]}, {name} {op} {g} = {T[inv[g], g]}; the identity is {e}")
    chunk = max(1, (1 << 21) // max(1, d * d))
    for a in range(0, d, chunk):
        lhs = T[T[a : a + chunk]]  # (i·j)·k for i in the chunk: T[T[i, j], k]
        rhs = T[a : a + chunk][:, T]  # i·(j·k): T[i, T[j, k]]
        if not np.array_equal(lhs, rhs):
            i, j, k = np.argwhere(lhs != rhs)[0]
            _fail("associativity", f"({a + i} {op} {j}) {op} {k} != {a + i} {op} ({j} {op} {k})")
    if abelian and not np.array_equal(T, T.T):
        i, j = np.argwhere(T != T.T)[0]
        _fail("commutativity", f"{i} + {j} != {j} + {i}")
    rows_ok, cols_ok = np.sort(T, axis=1) == ar, np.sort(T, axis=0) == ar[:, None]
    if not rows_ok.all():
        _fail("latin square", f"row {int(np.flatnonzero(~rows_ok.all(1))[0])} is not a permutation")
    if not cols_ok.all():
        _fail("latin square", f"column {int(np.flatnonzero(~cols_ok.all(0))[0])} is not a permutation")
    if abelian:
        C = np.asarray(G.coords(ar))  # (d, m)
        want = G.index((C[:, None, :] + C[None, :, :]) % np.asarray(moduli))
        if not np.array_equal(T, want):
            i, j = np.argwhere(T != want)[0]
            _fail("coordinates", f"cayley_table[{i}, {j}] = {T[i, j]}, but coords({i}) + coords({j}) is element {want[i, j]}")
    _check_structure(G, T, inv, e)


def _classes_of(T: np.ndarray, inv: np.ndarray) -> list[tuple[int, ...]]:
    """Conjugacy classes {x g x⁻¹ : x}, straight from the table, ordered by smallest member."""
    d = T.shape[0]
    seen = np.zeros(d, dtype=bool)
    out = []
    for g in range(d):
        if not seen[g]:
            members = np.unique(T[T[:, g], inv])  # x·g·x⁻¹ for every x
            seen[members] = True
            out.append(tuple(int(m) for m in members))
    return out


def _check_structure(G, T, inv, e) -> None:
    """The derived data agree with the table: commutativity, element orders, exponent, classes."""
    d = T.shape[0]
    ar = np.arange(d)
    if bool(G.is_abelian) != bool(np.array_equal(T, T.T)):
        _fail("commutativity", f"G.is_abelian is {G.is_abelian}, but the table is {'not ' if G.is_abelian else ''}symmetric")
    orders = np.asarray(G.element_orders())
    power, want = ar.copy(), np.zeros(d, dtype=np.int64)
    for k in range(1, d + 1):  # g^k for k = 1 … d; the first k with g^k = e
        want[(power == e) & (want == 0)] = k
        power = T[power, ar]
    if orders.shape != (d,) or not np.array_equal(orders, want):
        g = int(np.flatnonzero(orders != want)[0]) if orders.shape == (d,) else 0
        _fail("element orders", f"element {g} has order {want[g]}, G.element_orders() says {orders[g] if orders.shape == (d,) else orders.shape}")
    exponent = math.lcm(*(int(o) for o in want))
    if int(G.exponent) != exponent:
        _fail("exponent", f"G.exponent = {G.exponent}, the lcm of the element orders is {exponent}")
    classes = _classes_of(T, inv)
    theirs = [tuple(int(x) for x in c) for c in G.conjugacy_classes()]
    if sorted(theirs) != sorted(classes):
        _fail("conjugacy classes", f"G has {len(theirs)} classes, the table {len(classes)}; e.g. {classes[len(classes) > 1]}")
    index = np.asarray(G.class_index())
    for c, members in enumerate(theirs):
        if not (index[list(members)] == c).all():
            _fail("conjugacy classes", f"class_index does not map class {c} {members[:6]} to {c}")


# ---------------------------------------------------------------------------------------------
# irreps and the matrix Fourier transform
# ---------------------------------------------------------------------------------------------
def _close(a, b, law: str, detail, scale: float = 1.0) -> None:
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        _fail(law, f"{detail() if callable(detail) else detail}: shape {a.shape} != {b.shape}")
    err = float(np.max(np.abs(a - b))) if a.size else 0.0
    if not err <= TOL * max(1.0, scale):
        _fail(law, f"{detail() if callable(detail) else detail} (off by {err:.3g})")


def _check_homomorphism(M, T, e, law: str, what: str) -> None:
    """M (n, s, s): M[g·h] = M[g] M[h] for all g, h; M[e] = I."""
    n, s, _ = M.shape
    _close(M[e], np.eye(s), law, f"{what}(e) is not the identity matrix")
    for g in range(n):
        prod = np.matmul(M[g][None], M)  # M[g] M[h] for every h
        err = np.abs(M[T[g]] - prod).max(axis=(1, 2))
        if not (err <= TOL).all():
            h = int(np.argmax(err))
            _fail(law, f"{what}({g}·{h}) != {what}({g}) {what}({h}) (off by {err[h]:.3g})")


def _check_unitary(M, law: str, what: str) -> None:
    s = M.shape[1]
    P = np.matmul(M, np.conj(np.swapaxes(M, 1, 2)))
    err = np.abs(P - np.eye(s)).max(axis=(1, 2))
    if not (err <= TOL).all():
        g = int(np.argmax(err))
        _fail(law, f"{what}({g}) is not {'unitary' if np.iscomplexobj(M) else 'orthogonal'} (off by {err[g]:.3g})")


def check_irreps(G, rng=None) -> None:
    """Raise AssertionError unless the irreps, real irreducibles and Fourier transforms of
    ``G`` satisfy every law of the module doc (random test functions from ``rng``: a
    :class:`numpy.random.Generator`, a seed, or None for a fixed seed)."""
    rng = np.random.default_rng(0 if rng is None else rng)
    n = G.order
    T = np.asarray(G.cayley_table())
    ar = np.arange(n)
    found = np.flatnonzero((T == ar[None, :]).all(axis=1) & (T == ar[:, None]).all(axis=0))
    if len(found) != 1 or int(found[0]) != G.identity:
        _fail("identity", f"the table's identity is {found.tolist()}, G.identity = {G.identity}")
    e = int(found[0])
    inv = np.empty(n, dtype=np.int64)
    inv[np.nonzero(T == e)[0]] = np.nonzero(T == e)[1]
    classes = _classes_of(T, inv)
    class_of = np.empty(n, dtype=np.int64)
    for c, members in enumerate(classes):
        class_of[list(members)] = c
    square = T[ar, ar]

    # -- complex irreps ----------------------------------------------------------------------
    irreps = tuple(G.irreps())
    chars = []
    for pos, r in enumerate(irreps):
        what = f"irrep {pos}"
        M = np.asarray(r.matrices)
        d = int(r.dim)
        if r.index != pos:
            _fail("irrep index", f"{what} has index {r.index}")
        if M.shape != (n, d, d) or not np.iscomplexobj(M):
            _fail("irrep shape", f"{what}: matrices {M.shape} {M.dtype}, expected complex ({n}, {d}, {d})")
        _check_homomorphism(M, T, e, "homomorphism", f"ρ{pos}")
        _check_unitary(M, "unitary", f"ρ{pos}")
        chi = np.trace(M, axis1=1, axis2=2)
        _close(np.asarray(r.character), chi, "character", f"{what}: character is not the trace of its matrices")
        for members in classes:  # a class function
            if np.abs(chi[list(members)] - chi[members[0]]).max() > TOL * d:
                _fail("character", f"χ of {what} is not constant on the class of {members[0]}")
        ind = chi[square].sum() / n
        if abs(ind.imag) > TOL * d or min(abs(ind.real - k) for k in (1, 0, -1)) > TOL * d:
            _fail("indicator", f"{what}: (1/n) Σ χ(g²) = {ind:.6g} is not 1, 0 or −1")
        if int(r.indicator) != round(ind.real) or r.indicator not in (1, 0, -1):
            _fail("indicator", f"{what} stores indicator {r.indicator}, but (1/n) Σ χ(g²) = {round(ind.real)}")
        chars.append(chi)
    if not irreps:
        _fail("irreps", "G.irreps() is empty")
    if not np.allclose(np.asarray(irreps[0].matrices).reshape(n), 1.0, atol=TOL, rtol=0) or irreps[0].dim != 1:
        _fail("trivial irrep", "G.irreps()[0] is not the trivial representation")
    dims = [int(r.dim) for r in irreps]
    if sum(x * x for x in dims) != n:
        _fail("sum of squares", f"Σ d² = {sum(x * x for x in dims)} over dimensions {dims}, |G| = {n}")
    if len(irreps) != len(classes):
        _fail("class count", f"{len(irreps)} irreps, but {len(classes)} conjugacy classes")
    X = np.array(chars)  # (r, n)
    gram = X @ X.conj().T / n
    for i in range(len(irreps)):
        if abs(gram[i, i] - 1) > TOL:
            _fail("irreducible", f"⟨χ, χ⟩ = {gram[i, i].real:.6g} ≠ 1 for irrep {i}")
    off = np.abs(gram - np.diag(np.diag(gram)))
    if off.max(initial=0.0) > TOL:
        i, j = np.unravel_index(np.argmax(off), off.shape)
        _fail("inequivalent", f"irreps {i} and {j} have ⟨χ_i, χ_j⟩ = {gram[i, j]:.3g} ≠ 0 (equivalent or not orthogonal)")
    reps = [m[0] for m in classes]
    col = X[:, reps]  # (r, classes)
    second = col.conj().T @ col  # Σ_ρ conj χ(g) χ(h)
    want = np.diag([n / len(m) for m in classes])  # |C_G(g)| on the diagonal
    _close(second, want, "second orthogonality", "Σ_ρ conj χ_ρ(g) χ_ρ(h) ≠ |C_G(g)| [g ~ h]", scale=n)

    # -- real irreducibles ---------------------------------------------------------------------
    reals = tuple(G.real_irreps())
    owner = {}
    total = 0
    for pos, s in enumerate(reals):
        what = f"real irreducible {pos}"
        M = np.asarray(s.matrices)
        size, kind = int(s.size), s.kind
        if s.index != pos:
            _fail("real irreducible index", f"{what} has index {s.index}")
        if kind not in _DIVISION_DIM:
            _fail("real kind", f"{what} has kind {kind!r}, not 'R', 'C' or 'H'")
        if M.shape != (n, size, size) or np.iscomplexobj(M) or not np.issubdtype(M.dtype, np.floating):
            _fail("real irreducible shape", f"{what}: matrices {M.shape} {M.dtype}, expected real ({n}, {size}, {size})")
        _check_homomorphism(M, T, e, "real homomorphism", f"σ{pos}")
        _check_unitary(M, "orthogonal", f"σ{pos}")
        chi = np.trace(M, axis1=1, axis2=2)
        members = tuple(int(i) for i in s.complex)
        for i in members:
            if not 0 <= i < len(irreps):
                _fail("real irreducible", f"{what} names irrep {i}, which does not exist")
            if i in owner:
                _fail("real irreducible", f"irrep {i} lies in real irreducibles {owner[i]} and {pos}")
            owner[i] = pos
            if int(irreps[i].real) != pos:
                _fail("real irreducible", f"irrep {i} says it lies in real irreducible {irreps[i].real}, but {pos} holds it")
            if _KIND_OF_INDICATOR[int(irreps[i].indicator)] != kind:
                _fail("real kind", f"{what} has kind {kind}, but its irrep {i} has indicator {irreps[i].indicator}")
        d = int(irreps[members[0]].dim) if members else 0
        if kind == "R":
            ok = len(members) == 1 and size == d
            want_chi = X[members[0]] if ok else None
        elif kind == "C":
            ok = len(members) == 2 and size == 2 * d and np.abs(X[members[1]] - X[members[0]].conj()).max() <= TOL * d
            want_chi = 2 * X[members[0]].real if ok else None
        else:
            ok = len(members) == 1 and size == 2 * d
            want_chi = 2 * X[members[0]] if ok else None
        if not ok:
            _fail("real size", f"{what} of kind {kind} and size {size} realises irreps {members} of dimension {d}")
        _close(chi, want_chi, "real character", f"{what}: its character is not that of the irreps {members} it realises", scale=size)
        norm = float(chi @ chi) / n  # ⟨χ_σ, χ_σ⟩ = dim_R of the commutant
        if abs(norm - _DIVISION_DIM[kind]) > TOL * size:
            _fail("real kind", f"{what}: ⟨χ, χ⟩ = {norm:.6g}, a real irreducible of kind {kind} has {_DIVISION_DIM[kind]}")
        m = size // _DIVISION_DIM[kind]
        if int(s.multiplicity) != m or m * _DIVISION_DIM[kind] != size:
            _fail("multiplicity", f"{what}: multiplicity {s.multiplicity}, but size / dim_R D = {size} / {_DIVISION_DIM[kind]}")
        total += m * size
    if sorted(owner) != list(range(len(irreps))):
        missing = sorted(set(range(len(irreps))) - set(owner))
        _fail("real irreducible", f"irreps {missing} lie in no real irreducible")
    if total != n:
        _fail("real sum", f"Σ m_σ · size_σ = {total}, |G| = {n}")
    if not reals or int(reals[0].size) != 1 or not np.allclose(np.asarray(reals[0].matrices).reshape(n), 1.0, atol=TOL, rtol=0):
        _fail("trivial irrep", "G.real_irreps()[0] is not the trivial representation")
    R = np.array([np.trace(np.asarray(s.matrices), axis1=1, axis2=2) for s in reals])
    off = np.abs(R @ R.T / n - np.diag(np.diag(R @ R.T / n)))
    if off.max(initial=0.0) > TOL * n:
        i, j = np.unravel_index(np.argmax(off), off.shape)
        _fail("inequivalent", f"real irreducibles {i} and {j} have non-orthogonal characters")

    _check_fourier(G, T, irreps, reals, rng)


def _convolve(x: np.ndarray, y: np.ndarray, T: np.ndarray) -> np.ndarray:
    """(x⋆y)(k) = Σ_{g·h = k} x(g) y(h) along the last axis, by the explicit sum."""
    n = T.shape[0]
    out = np.zeros(x.shape[:-1] + (n,), dtype=np.result_type(x, y))
    for g in range(n):
        out[..., T[g]] += x[..., g : g + 1] * y  # the terms g·h for every h (row g is a permutation)
    return out


def _check_fourier(G, T, irreps, reals, rng) -> None:
    import torch

    n = T.shape[0]
    for real in (False, True):
        reps = reals if real else irreps
        mats = [np.asarray(r.matrices) for r in reps]
        weights = [int(r.multiplicity) if real else int(r.dim) for r in reps]
        fwd, back = (G.real_fourier, G.real_ifourier) if real else (G.fourier, G.ifourier)
        name = "real Fourier" if real else "Fourier"
        f = rng.standard_normal((2, n, 3))  # group axis 1
        fhat = fwd(f, axis=1)
        if len(fhat) != len(reps):
            _fail(name, f"{len(fhat)} blocks for {len(reps)} {'real irreducibles' if real else 'irreps'}")
        scale = float(np.abs(f).sum(axis=1).max())
        for i, (b, M) in enumerate(zip(fhat, mats)):
            want = np.einsum("agc,gij->acij", f, M)  # Σ_g f(g) ρ(g), batched over a, c
            _close(b, want, name, f"block {i} is not Σ_g f(g) ρ(g) (group axis 1 of a (2, n, 3) batch)", scale=scale)
        got = back(fhat, axis=1)
        _close(np.real(got) if not real else got, f, f"{name} round trip", "inverse(forward(f)) != f (group axis 1)", scale=scale)
        if not real:
            _close(np.imag(got), np.zeros_like(f), f"{name} round trip", "the inverse of a real f has an imaginary part", scale=scale)
            z = rng.standard_normal((n, 2)) + 1j * rng.standard_normal((n, 2))  # complex f, group axis 0
            _close(back(fwd(z, axis=0), axis=0), z, f"{name} round trip", "complex f along axis 0", scale=scale)
        energy = (f**2).sum(axis=1)
        plancherel = sum(w * (np.abs(b) ** 2).sum(axis=(-2, -1)) for w, b in zip(weights, fhat)) / n
        _close(plancherel, energy, "Plancherel", f"Σ f² != (1/n) Σ w ‖f̂‖² ({name})", scale=float(energy.max()))
        # convolution → block-wise matrix product
        x, y = rng.standard_normal((2, n)), rng.standard_normal((2, n))
        xy = _convolve(x, y, T)
        for i, (a, b, c) in enumerate(zip(fwd(x), fwd(y), fwd(xy))):
            _close(c, a @ b, "convolution", f"({name}) block {i}: (x⋆y)^ != x̂ ŷ", scale=float(np.abs(x).sum() * np.abs(y).sum()))
        # torch, float64, group axis 0 of an (n, 2) batch
        ft = torch.tensor(f[0].T.copy(), dtype=torch.float64).T  # (n, 3), non-contiguous
        tb = fwd(ft, axis=0)
        nb = fwd(f[0], axis=0)
        for i, (a, b) in enumerate(zip(tb, nb)):
            if not isinstance(a, torch.Tensor):
                _fail(name, f"torch input gave a {type(a).__name__} block {i}")
            _close(a.detach().cpu().numpy(), b, f"{name} torch", f"block {i} differs from numpy", scale=scale)
        tback = back(tb, axis=0)
        if not isinstance(tback, torch.Tensor):
            _fail(f"{name} torch", f"the inverse of torch blocks gave a {type(tback).__name__}")
        tback = tback.detach().cpu().numpy()
        _close(np.real(tback), f[0], f"{name} torch round trip", "inverse(forward(f)) != f (torch, axis 0)", scale=scale)
