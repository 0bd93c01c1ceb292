"""The all-pairs loss of any finite group in four orthogonal parts (docs/mathematics.md, "Any
finite group": the loss in four parts), DC input components allowed, float64 numpy.

For a network on G (n = |G|, any finite group, identity anywhere in the table) with nodes
a_j = W_a[j], b_j = W_b[j], c_j = W_c[:, j], write Pf = f − mean(f), ā_j = mean(a_j),
(a_j²)~ = P(a_j²) and S₀(g,h,k) = [g·h = k] − 1/n. Then

    X(g,h,k) = 2 Σ_j Pa_j(g) Pb_j(h) Pc_j(k) − S₀(g,h,k)                     (bilinear part)
    J_a(g,k) = Σ_j Pc_j(k) ((a_j²)~(g) + 2 b̄_j Pa_j(g))                       (junk in a)
    J_b(h,k) = Σ_j Pc_j(k) ((b_j²)~(h) + 2 ā_j Pb_j(h))                       (junk in b)
    J₀(k)    = Σ_j Pc_j(k) (mean(a_j²) + mean(b_j²) + 2 ā_j b̄_j)               (junk, constant)

    ℓ = (1/n²) (Σ X² + n Σ J_a² + n Σ J_b² + n² Σ J₀²).

Why: the residual of pair (g, h) at class k is P(o(g,h) − e_{g·h})_k = Σ_j Pc_j(k)
(a_j(g) + b_j(h))² − S₀(g,h,k); splitting a_j = ā_j + Pa_j, b_j = b̄_j + Pb_j and a_j² =
mean(a_j²) + (a_j²)~ writes it as J₀(k) + J_a(g,k) + J_b(h,k) + X(g,h,k), four functions of
(g, h) that are constant, centred in g and free of h, centred in h and free of g, and centred
in both (S₀ is: Σ_g S₀ = Σ_h S₀ = 0). They are orthogonal over the n² pairs, so the squared
residuals add up part by part; ℓ is their sum over pairs divided by n². ℓ = 0 exactly when the
bilinear part is a bilinear algorithm for the augmentation algebra (X = 0) and the three junk
parts vanish. Every part is a sum of squares, so an exact network scores ~1e-30, not ~1e-16.

:func:`loss_parts` gives the four sums and ℓ as a :class:`LossParts` (X is formed a few rows
of g at a time: O(q·n³) work, bounded memory); :func:`loss_part_arrays` gives the arrays
themselves (X has n³ entries: fine up to n ≈ 128).

>>> import numpy as np
>>> from models.forward import brute_force_loss
>>> rng = np.random.default_rng(0)
>>> W = rng.normal(size=(4, 6)) + 1, rng.normal(size=(4, 6)), rng.normal(size=(6, 4))
>>> parts = loss_parts("S3", *W)
>>> bool(np.isclose(parts.total, float(brute_force_loss("S3", *W)), rtol=1e-12))
True
>>> parts.n, parts.total == (parts.sum_X2 + 6 * parts.sum_Ja2 + 6 * parts.sum_Jb2 + 36 * parts.sum_J02) / 36
(6, True)
>>> empty = loss_parts("S3", np.zeros((0, 6)), np.zeros((0, 6)), np.zeros((6, 0)))
>>> round(empty.total, 12) == round(5 / 6, 12)       # zero output: (n − 1)/n, all of it bilinear
True
"""

from __future__ import annotations

import typing

import attrs
import numpy as np

from models.weights import as_arrays, weights_of

__all__ = ["LossParts", "loss_part_arrays", "loss_parts"]

# entries of the (rows, n, max(n, q)) work arrays formed at once by loss_parts
_CHUNK_ELEMENTS = 1 << 22


@typing.final
@attrs.frozen
class LossParts:
    """The four sums of squares of the loss in parts (module doc) and the loss they give.

    ``sum_X2`` = Σ_{g,h,k} X², ``sum_Ja2`` = Σ_{g,k} J_a², ``sum_Jb2`` = Σ_{h,k} J_b²,
    ``sum_J02`` = Σ_k J₀², ``n`` = |G|, ``total`` = ℓ = (1/n²)(Σ X² + n Σ J_a² + n Σ J_b² + n² Σ J₀²).
    """

    group: str
    n: int
    sum_X2: float
    sum_Ja2: float
    sum_Jb2: float
    sum_J02: float
    total: float

    @property
    def terms(self) -> dict:
        """Each part's share of ℓ: {'bilinear': ΣX²/n², 'junk_a': ΣJ_a²/n, 'junk_b': ΣJ_b²/n,
        'junk_0': ΣJ₀²} (they add up to ``total``)."""
        n = self.n
        return {"bilinear": self.sum_X2 / n**2, "junk_a": self.sum_Ja2 / n, "junk_b": self.sum_Jb2 / n, "junk_0": self.sum_J02}


def _centred(group, W_a, W_b, W_c):
    """(G, T, Pa, Pb, Pc, J_a, J_b, J₀) as float64 numpy arrays (Pa, Pb: (q, n); Pc: (n, q))."""
    G, W_a, W_b, W_c = weights_of(group, W_a, W_b, W_c, quadratic="the four-part loss")
    W_a, W_b, W_c = as_arrays(W_a, W_b, W_c, group=G, allow_empty=True)
    a_bar, b_bar = W_a.mean(1), W_b.mean(1)  # (q,)
    Pa, Pb = W_a - a_bar[:, None], W_b - b_bar[:, None]
    a2, b2 = W_a**2, W_b**2
    a2t, b2t = a2 - a2.mean(1, keepdims=True), b2 - b2.mean(1, keepdims=True)
    Pc = W_c - W_c.mean(0, keepdims=True)  # (n, q)
    J_a = (a2t + 2 * b_bar[:, None] * Pa).T @ Pc.T  # (g, k)
    J_b = (b2t + 2 * a_bar[:, None] * Pb).T @ Pc.T  # (h, k)
    J_0 = Pc @ (a2.mean(1) + b2.mean(1) + 2 * a_bar * b_bar)  # (k,)
    return G, G.cayley_table(), Pa, Pb, Pc, J_a, J_b, J_0


def _X_rows(T, Pa, Pb, Pc, rows: slice) -> np.ndarray:
    """X(g, h, k) for g in ``rows``: (len(rows), n, n)."""
    n = T.shape[0]
    left = Pa[:, rows].T[:, None, :] * Pb.T[None, :, :]  # (g, h, j): Pa_j(g) Pb_j(h)
    X = 2 * (left @ Pc.T) + 1.0 / n  # 2 Σ_j Pa Pb Pc − S₀, S₀ = [g·h = k] − 1/n: first the 1/n
    g = np.arange(X.shape[0])[:, None]
    h = np.arange(n)[None, :]
    X[g, h, T[rows]] -= 1.0  # then − [g·h = k]
    return X


def loss_part_arrays(group, W_a=None, W_b=None, W_c=None):
    """(X (n, n, n) indexed [g, h, k], J_a (n, n) [g, k], J_b (n, n) [h, k], J₀ (n,) [k]) of a
    network or of ``group``'s weights (module doc), float64 numpy."""
    _, T, Pa, Pb, Pc, J_a, J_b, J_0 = _centred(group, W_a, W_b, W_c)
    return _X_rows(T, Pa, Pb, Pc, slice(0, T.shape[0])), J_a, J_b, J_0


def loss_parts(group, W_a=None, W_b=None, W_c=None, *, rows_per_chunk: int | None = None) -> LossParts:
    """The loss in four parts (module doc) of a network, or of ``group``'s W_a, W_b (q, n) and
    W_c (n, q) (numpy or torch; q = 0 allowed): X is formed ``rows_per_chunk`` values of g at a
    time (default: about 4M entries at once)."""
    G, T, Pa, Pb, Pc, J_a, J_b, J_0 = _centred(group, W_a, W_b, W_c)
    n, q = T.shape[0], Pa.shape[0]
    if rows_per_chunk is None:
        rows_per_chunk = max(1, min(n, _CHUNK_ELEMENTS // max(1, n * max(n, q))))
    if isinstance(rows_per_chunk, bool) or not isinstance(rows_per_chunk, (int, np.integer)) or rows_per_chunk < 1:
        raise ValueError(f"rows_per_chunk must be an integer ≥ 1, got {rows_per_chunk!r}")
    sum_X2 = 0.0
    for start in range(0, n, int(rows_per_chunk)):
        X = _X_rows(T, Pa, Pb, Pc, slice(start, min(n, start + int(rows_per_chunk))))
        sum_X2 += float(np.sum(X * X))
    sums = sum_X2, float(np.sum(J_a**2)), float(np.sum(J_b**2)), float(np.sum(J_0**2))
    total = (sums[0] + n * sums[1] + n * sums[2] + n * n * sums[3]) / (n * n)
    return LossParts(G.spec, n, *sums, total)
