"""Explain a network: which orbit each node lives on, where its output goes, and how many
free directions the solution set has at this point.

Works for any network (constructed, trained, discovered): W_a, W_b (q, d), W_c (d, q), real,
numpy or torch. Fourier coefficients are those of :func:`models.spectrum.fourier_coefficients`:

    A_kj = (1/d) Σ_g W_a[j,g] conj χ_k(g),  B_kj likewise,  C_kj = (1/d) Σ_g W_c[g,j] χ_k(g).

Orbits are indexed as in :mod:`cogs.reading.orders`: index 0 is the trivial character k = 0
("DC"), index i ≥ 1 is ``group.orbits()[i-1]`` = {k, −k}.

Per node j
    *home*: the orbit (DC included) with the largest input energy Σ_{k∈orbit} |A_kj|² + |B_kj|²;
    *DC inputs* A_0j, B_0j (real: the row means of W_a, W_b), flagged when |A_0j| or |B_0j|
    exceeds rel_tol × the node's largest input coefficient; *reach*: the orbits with
    max_{k∈orbit} |C_kj| > rel_tol × max_{k≠0} |C_kj| (k = 0 never: P removes it); *touch*: the
    orbits whose input amplitude √energy exceeds rel_tol × the node's largest. A node is *dead*
    when it changes no output: (max input amplitude)² × max_{k≠0}|C_kj| ≤ rel_tol × the largest
    such product in the network (this product is invariant under the per-node scaling below).
    h_j ≡ 0 (w_a = −w_b = constant) counts as a zero input.

Per orbit: live nodes homed there, how many of them have DC inputs, and the *links*: the other
orbits their outputs reach (for z_F4/6 exactly the helper orbit has links: its output carries the
γ_k that cancel the other orbits' R_n residuals).

Local dimension. At loss 0 the solution set is {ρ = 0}, ρ the d³ residual vector of
:mod:`models.residuals` (‖ρ‖² = loss). Its tangent space is ker J, J = ∂ρ/∂θ (d³ × 3qd), so

    nullity = 3qd − rank J   (rank: singular values of J above rank_tol,
                              default max(J.shape)·eps·σ_max, the numpy matrix_rank rule)

bounds the local dimension of the solution set from above (equality at a regular point of the
variety). Every node j has three continuous symmetries that leave o(a, b) unchanged:

    (i)   scaling      (w_a, w_b, w_c) → (s·w_a, s·w_b, w_c/s²)   tangent (w_a, w_b, −2w_c);
    (ii)  DC transfer  (w_a + t·1, w_b − t·1, w_c)              tangent (1, −1, 0);
    (iii) output shift (w_a, w_b, w_c + t·1)  (P removes it)      tangent (0, 0, 1).

These 3q tangent vectors are built explicitly, checked to satisfy J v ≈ 0 (``gauge_residual``:
max ‖Jv‖/‖v‖), and their rank g is taken (they have disjoint supports per node, so g = 3q
unless some node has w_a = −w_b = constant and w_c = constant, where (i) ∈ span((ii), (iii))).
``local_dimension = nullity − g``: the directions left after the gauge. Discrete symmetries
(a sign per node: (w_a, w_b) → −(w_a, w_b); the q! node permutations) do not enter. Away from
loss 0 (``loss_flag``) the same numbers describe ker J at the point, not a solution set.

Cost: J has d³ × 3qd float64 entries; building it takes about 3× that memory, so the Jacobian
part is refused above ``max_jacobian_bytes`` (default 2·10⁹ bytes for J) unless
``local_dimension=False`` skips it.

>>> import numpy as np
>>> from groups import parse_group
>>> e = explain(parse_group("Z2"), np.array([[1.0, -1.0]]), np.array([[1.0, -1.0]]), np.array([[1.0], [-1.0]]))
>>> e.nodes[0].home, e.nodes[0].reach, e.loss_flag, e.local.gauge_rank, e.local.local_dimension
(1, (1,), True, 3, 1)
"""

from __future__ import annotations

import typing

import attrs
import numpy as np

from models.jsonable import jsonable
from groups import FiniteAbelianGroup, Orbit
from models.spectrum import fourier_coefficients
from models.weights import as_arrays, weights_of

__all__ = ["Explanation", "LocalDimension", "NodeInfo", "OrbitInfo", "MAX_JACOBIAN_BYTES", "LOSS_FLAG", "explain"]

#: largest Jacobian (bytes of float64 J alone) the local-dimension part builds
MAX_JACOBIAN_BYTES = 2_000_000_000
#: above this loss the "solution set" reading of the local dimension does not apply
LOSS_FLAG = 1e-12
_EPS = float(np.finfo(np.float64).eps)


@typing.final
@attrs.frozen
class NodeInfo:
    """One hidden node (orbit indices: 0 = DC, i ≥ 1 = ``group.orbits()[i-1]``)."""

    index: int
    home: int
    home_share: float  # home energy / total input energy
    dc_a: float
    dc_b: float
    has_dc: bool
    reach: tuple[int, ...]
    touch: tuple[int, ...]
    dead: bool


@typing.final
@attrs.frozen
class OrbitInfo:
    """One row of the per-orbit table: live nodes homed on orbit ``index``."""

    index: int
    label: str
    k: int
    neg: int
    kind: str  # "DC", "complex" or "real"
    coords: tuple[int, ...]
    nodes: int
    dc_nodes: int
    links: tuple[int, ...]


@typing.final
@attrs.frozen
class LocalDimension:
    """ker J at the point, modulo the per-node gauge (see the module docstring)."""

    n_params: int
    jacobian_shape: tuple[int, int]
    rank: int
    nullity: int
    rank_tol: float
    sigma_max: float
    sigma_near: tuple[tuple[int, float], ...]  # (1-based index, σ) around the rank cut
    gap: float | None  # σ_rank / σ_{rank+1}; None when no σ lies below the cut
    gauge_count: int  # 3q
    gauge_rank: int
    gauge_residual: float  # max ‖J v‖ / ‖v‖ over the gauge vectors
    local_dimension: int
    note: str


@typing.final
@attrs.frozen(eq=False, repr=False)
class Explanation:
    """What :func:`explain` found; ``to_dict()`` is plain JSON, ``summary_lines()`` and
    ``table()`` are text. The repr gives the loss, the number of orbits that are home to live
    nodes (``homes``), of dead nodes and the local dimension:

    >>> import numpy as np
    >>> explain("Z2", np.array([[1.0, -1.0]]), np.array([[1.0, -1.0]]), np.array([[1.0], [-1.0]]))
    Explanation(group=Z2, q=1, loss=12.5, homes=1, dead=0, local_dimension=1)
    """

    group: FiniteAbelianGroup
    q: int
    loss: float
    loss_flag: bool
    rel_tol: float
    nodes: tuple[NodeInfo, ...]
    orbits: tuple[OrbitInfo, ...]  # DC row first, then every orbit of the group
    local: LocalDimension | None

    @property
    def dead_nodes(self) -> tuple[int, ...]:
        return tuple(n.index for n in self.nodes if n.dead)

    def label(self, index: int) -> str:
        return self.orbits[index].label

    def __repr__(self) -> str:
        local = "" if self.local is None else f", local_dimension={self.local.local_dimension}"
        return (f"Explanation(group={self.group.spec}, q={self.q}, loss={self.loss:.3g}, "
                f"homes={sum(1 for o in self.orbits if o.nodes)}, dead={len(self.dead_nodes)}{local})")

    def to_dict(self) -> dict:
        return jsonable(
            {
                "group": self.group.spec,
                "d": self.group.order,
                "q": self.q,
                "loss": self.loss,
                "loss_flag": self.loss_flag,
                "rel_tol": self.rel_tol,
                "dead_nodes": list(self.dead_nodes),
                "nodes": [attrs.asdict(n) for n in self.nodes],
                "orbits": [attrs.asdict(o) for o in self.orbits],
                "local_dimension": None if self.local is None else attrs.asdict(self.local),
            }
        )

    def summary_lines(self) -> list[str]:
        homed = [o for o in self.orbits if o.nodes]
        lines = [
            f"{self.group.spec}: q = {self.q} nodes, loss {self.loss:.3e}" + ("  (NOT a solution: loss > 1e-12)" if self.loss_flag else ""),
            "homes: " + ", ".join(f"{o.label} ×{o.nodes}" for o in homed) + (f"; dead ×{len(self.dead_nodes)}" if self.dead_nodes else ""),
            f"DC inputs on {sum(o.dc_nodes for o in self.orbits)} nodes; linking orbits: "
            + (", ".join(o.label for o in self.orbits if o.links) or "none"),
        ]
        if self.local is not None:
            L = self.local
            lines.append(
                f"local dimension {L.local_dimension} = nullity {L.nullity} − gauge rank {L.gauge_rank} "
                f"(rank J {L.rank} of {L.n_params}; gauge |Jv| ≤ {L.gauge_residual:.1e})"
            )
        return lines

    def table(self) -> str:
        w = max(len(o.label) for o in self.orbits)
        lines = [f"{'orbit':<{w}}  {'kind':<7} {'nodes':>5} {'DC':>4}  links (other orbits reached)"]
        for o in self.orbits:
            if o.index == 0 and not o.nodes:
                continue
            links = ", ".join(self.label(i) for i in o.links) or "—"
            lines.append(f"{o.label:<{w}}  {o.kind:<7} {o.nodes:>5} {o.dc_nodes:>4}  {links}")
        if self.dead_nodes:
            lines.append(f"{'dead':<{w}}  {'':<7} {len(self.dead_nodes):>5}")
        return "\n".join(lines)


def _orbit_rows(G: FiniteAbelianGroup) -> list[tuple[Orbit, str, str]]:
    rows = [(Orbit(0, 0), "DC", "DC")]
    for o in G.orbits():
        coords = ",".join(str(int(c)) for c in G.coords(o.k))
        rows.append((o, f"k={o.k} [{coords}]", o.kind))
    return rows


def _irrep_rows(G) -> list[tuple[Orbit, str, str]]:
    """A group read by irreps: its real irreducibles as rows (``k`` = ``neg`` = their index)."""
    rows = [(Orbit(0, 0), "DC", "DC")]
    for r in G.real_irreps()[1:]:
        rows.append((Orbit(r.index, r.index), f"σ{r.index} ({r.kind}{r.dim})", r.kind))
    return rows


def explain(group, W_a=None, W_b=None, W_c=None, *, rel_tol: float = 1e-6, rank_tol: float | None = None, local_dimension: bool = True, max_jacobian_bytes: int = MAX_JACOBIAN_BYTES) -> Explanation:
    """Explain a network — given as a network value, or as ``group`` and W_a, W_b, W_c (see the
    module docstring).

    Raises ValueError for bad shapes, non-finite or non-real weights, a bad ``rel_tol`` or
    ``rank_tol``, or a Jacobian above ``max_jacobian_bytes`` (unless ``local_dimension=False``)."""
    G, W_a, W_b, W_c = weights_of(group, W_a, W_b, W_c, quadratic="explain (the quadratic solution set)")
    d = G.order
    if not (isinstance(rel_tol, (int, float)) and 0 < rel_tol < 1):
        raise ValueError(f"rel_tol must be in (0, 1), got {rel_tol!r}")
    if rank_tol is not None and not (isinstance(rank_tol, (int, float)) and np.isfinite(rank_tol) and rank_tol >= 0):
        raise ValueError(f"rank_tol must be a finite number ≥ 0 or None, got {rank_tol!r}")
    Wa, Wb, Wc = as_arrays(W_a, W_b, W_c, group=G)
    q = Wa.shape[0]
    if local_dimension:
        nbytes = d**3 * 3 * q * d * 8
        if nbytes > max_jacobian_bytes:
            raise ValueError(
                f"the Jacobian of {G.spec} at q = {q} is d³ × 3qd = {d**3} × {3 * q * d} float64 = {nbytes / 1e9:.2f} GB "
                f"(limit {max_jacobian_bytes / 1e9:.2f} GB); pass local_dimension=False to skip it"
            )

    if isinstance(G, FiniteAbelianGroup):
        A, B, C = (np.asarray(X) for X in fourier_coefficients(G, Wa, Wb, Wc))  # each (d, q)
        rows = _orbit_rows(G)
        energy = np.abs(A) ** 2 + np.abs(B) ** 2  # (d, q)
        E = np.stack([energy[list(o.members)].sum(0) if i else energy[0] for i, (o, _, _) in enumerate(rows)])  # (n_orb, q)
        Cmag = np.stack([np.abs(C[list(o.members)]).max(0) if i else np.zeros(q) for i, (o, _, _) in enumerate(rows)])
        in_scale = np.maximum(np.abs(A).max(0), np.abs(B).max(0))
        A0, B0 = A[0], B[0]
    else:  # a group read by irreps: the same reading per real irreducible, in the same energy units
        from models.irrep_spectrum import irrep_power

        rows = _irrep_rows(G)
        E = (irrep_power(G, Wa, -1) + irrep_power(G, Wb, -1)).T / d  # (n_σ, q): Σ |A|² + |B|² over the block
        Cmag = np.sqrt(irrep_power(G, Wc, 0).T / d)
        Cmag[0] = 0.0  # P removes the trivial part of the output
        A0, B0 = Wa.mean(1), Wb.mean(1)
        in_scale = np.sqrt(E.max(0))
    amp = np.sqrt(E)
    # h_j ≡ 0 exactly when only A_0 = −B_0 survives: then the input does nothing
    live_in = np.sqrt(np.maximum(E[1:].sum(0) if len(rows) > 1 else 0.0, 0.0) + np.abs(A0 + B0) ** 2)
    out_scale = Cmag[1:].max(0) if len(rows) > 1 else np.zeros(q)
    effect = live_in**2 * out_scale
    dead = effect <= rel_tol * effect.max(initial=0.0)

    nodes = []
    for j in range(q):
        home = int(np.argmax(E[:, j]))
        tot = float(E[:, j].sum())
        reach = tuple(int(i) for i in np.flatnonzero(Cmag[:, j] > rel_tol * out_scale[j])) if out_scale[j] > 0 else ()
        touch = tuple(int(i) for i in np.flatnonzero(amp[:, j] > rel_tol * amp[:, j].max())) if tot > 0 else ()
        has_dc = bool(max(abs(A0[j]), abs(B0[j])) > rel_tol * in_scale[j]) if in_scale[j] > 0 else False
        nodes.append(NodeInfo(j, home, float(E[home, j] / tot) if tot > 0 else 0.0, float(np.real(A0[j])), float(np.real(B0[j])), has_dc, reach, touch, bool(dead[j])))

    orbits = []
    for i, (o, label, kind) in enumerate(rows):
        mine = [n for n in nodes if n.home == i and not n.dead]
        links = sorted({r for n in mine for r in n.reach} - {i})
        coords = tuple(int(c) for c in G.coords(o.k)) if isinstance(G, FiniteAbelianGroup) else ()
        orbits.append(OrbitInfo(i, label, o.k, o.neg, kind, coords, len(mine), sum(n.has_dc for n in mine), tuple(links)))

    import torch

    from models.forward import brute_force_loss

    Wt = [torch.as_tensor(w, dtype=torch.float64) for w in (Wa, Wb, Wc)]
    with torch.no_grad():
        loss = float(brute_force_loss(G, *Wt))
    local = _local_dimension(Wt, G, rank_tol) if local_dimension else None
    return Explanation(G, q, loss, bool(loss > LOSS_FLAG), float(rel_tol), tuple(nodes), tuple(orbits), local)


def gauge_vectors(W_a: np.ndarray, W_b: np.ndarray, W_c: np.ndarray) -> np.ndarray:
    """(3qd, 3q): per node j the tangents of (i) scaling, (ii) DC transfer, (iii) output shift
    (columns 3j, 3j+1, 3j+2), in the θ layout of :func:`models.residuals.pack`."""
    q, d = W_a.shape
    n = q * d
    V = np.zeros((3 * n, 3 * q))
    for j in range(q):
        a, b = slice(j * d, (j + 1) * d), slice(n + j * d, n + (j + 1) * d)
        c = 2 * n + np.arange(d) * q + j  # W_c[g, j], row-major
        V[a, 3 * j], V[b, 3 * j], V[c, 3 * j] = W_a[j], W_b[j], -2.0 * W_c[:, j]
        V[a, 3 * j + 1], V[b, 3 * j + 1] = 1.0, -1.0
        V[c, 3 * j + 2] = 1.0
    return V


def _local_dimension(Wt, G, rank_tol) -> LocalDimension:
    from models.residuals import jacobian

    q, d = Wt[0].shape
    J = jacobian(G, *Wt).numpy()
    s = np.linalg.svd(J, compute_uv=False)
    smax = float(s[0]) if s.size else 0.0
    tol = max(J.shape) * _EPS * smax if rank_tol is None else float(rank_tol)
    rank = int((s > tol).sum())
    n_params = 3 * q * d
    lo, hi = max(rank - 3, 0), min(rank + 3, s.size)
    near = tuple((i + 1, float(s[i])) for i in range(lo, hi))
    gap = float(s[rank - 1] / s[rank]) if 0 < rank < s.size and s[rank] > 0 else None

    V = gauge_vectors(*(w.numpy() for w in Wt))
    norms = np.linalg.norm(V, axis=0)
    keep = norms > 0
    Vn = V[:, keep] / norms[keep]
    resid = float(np.linalg.norm(J @ Vn, axis=0).max(initial=0.0))
    sv = np.linalg.svd(Vn, compute_uv=False) if Vn.size else np.zeros(0)
    g = int((sv > max(Vn.shape) * _EPS * (sv[0] if sv.size else 0.0)).sum()) if sv.size else 0
    nullity = n_params - rank
    note = (
        f"discrete symmetries not counted: a sign per node ((w_a, w_b) → −(w_a, w_b)) and the {q}! node permutations; "
        "nullity bounds the solution set's local dimension from above (equal at a regular point)"
    )
    if nullity < g:
        note += f"; nullity {nullity} < gauge rank {g}: rank_tol {tol:.2e} counts gauge directions as non-null"
    return LocalDimension(n_params, tuple(J.shape), rank, nullity, tol, smax, near, gap, 3 * q, g, resid, nullity - g, note)
