"""Normal forms of a factor: the representatives that matchers compare (docs/reading.md).

A factor recovered by the pairing search (:mod:`cogs.reading.factorize`) is known only up to

* a per-row diagonal D: x * y = (D x) * (D⁻¹ y) for every D = diag(d_a, d_b, d_c);
* node permutations and the node sign symmetry (a, b, c) → (−a, −b, c);
* (for the whole orbit block) complex conjugation: the block at k of a construction sitting
  on −k is the conjugate of the construction's.

Every node of every family of docs/solutions.md#partial-solutions has a·b·c = 1 and the families contain the node
(1, 1, 1). So a factor X (3×m) is normalised by choosing a *base* node j0 and dividing each
row by its entry there: N(X)[:, j] = X[:, j] / X[:, j0]; the base becomes (1, 1, 1)
(abc = 1) and a family member keeps abc = 1 on every node. This removes D exactly; the
remaining freedom (which node is the base, the order of the others, node signs) is
enumerated by :func:`normal_forms`: m!·2^{m−1} normal forms (2·2 = 4 for m = 2, 6·4 = 24 for
m = 3). An order-2 factor [x_1, x_2] thus has normal form [(1,1,1), ρ] with ρ = x_2/x_1 its
ratio vector, e.g.

    z_nu: ρ = (ν, −ν, −ν⁻²);  z_nu_i: (±i, ∓i, 1);  z_xi: (ξ, −iε/ξ, iε);  z_real: (1, −1, −1),

and an order-3 factor its ratios to one of its nodes (z_syn: every row (1, ω, ω̄)).
:func:`max_deviation` is the distance between two normal forms that every matcher reports
as its residual.

>>> import numpy as np
>>> forms = normal_forms(np.array([[2, 2j], [3, -3j], [0.5, 0.5]]))
>>> len(forms), forms[0][2][:, 1].round(12).tolist()
(4, [1j, -1j, (1+0j)])

Reference: Y. Tian, NeurIPS 2025, arXiv 2410.01779; docs/reading.md.
"""

from __future__ import annotations

import functools
import itertools

import numpy as np

__all__ = ["max_deviation", "normal_forms", "normalize_base"]


@functools.lru_cache(maxsize=None)
def _orderings(m: int) -> tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]:
    """(node order, signs) of every normal form of an m-node factor (base = order[0])."""
    out = []
    for perm in itertools.permutations(range(m)):
        for s in itertools.product((1, -1), repeat=m - 1):
            out.append((perm, (1,) + s))
    return tuple(out)


def normal_forms(X: np.ndarray) -> list[tuple[tuple, tuple, np.ndarray]]:
    """Every normal form of a factor X (3×m): list of (node order, signs, v) with
    v[:, j] = S_j X[:, order[j]] / X[:, order[0]] (S_j flips rows a, b when signs[j] = −1).
    Normal forms whose base node has a zero entry are skipped."""
    X = np.asarray(X, dtype=np.complex128)
    m = X.shape[1]
    out = []
    for perm, signs in _orderings(m):
        base = X[:, perm[0]]
        if np.any(np.abs(base) < 1e-300):
            continue
        v = X[:, list(perm)] / base[:, None]
        s = np.array(signs, dtype=float)
        v[0] *= s
        v[1] *= s
        out.append((perm, signs, v))
    return out


def normalize_base(W: np.ndarray, base: int = 0) -> np.ndarray:
    """W (3×m) with row-wise division by node ``base``, which is moved first."""
    W = np.asarray(W, dtype=np.complex128)
    order = [base] + [j for j in range(W.shape[1]) if j != base]
    return W[:, order] / W[:, base][:, None]



def max_deviation(v, w) -> float:
    """max_{p,j} |v[p, j] − w[p, j]|: the residual of a fit, in normal-form coordinates."""
    return float(np.max(np.abs(np.asarray(v) - np.asarray(w))))
