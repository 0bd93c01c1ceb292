"""Linked blocks: partial solutions with DC input components whose read-out reaches another orbit.

This module holds the vocabulary of linked blocks (:class:`LinkedBlock`, :class:`Link`,
:class:`Export`, the Γ-pair) and :func:`verify_linked`, the check of a linked generator's read-out;
the declaration a linked generator makes, :class:`LinkSignature`, belongs to the signature
language (:mod:`cogs.generators.signature`) and is re-exported here.

The blocks of ordinary (``builds="block"``) generators live on one orbit and are described
by their Fourier coefficients at k; the sum potentials of such blocks decide the loss only
when the inputs have zero mean. The constructions below the paper's orders (``docs/beyond.md``) need
two more things, and this module is the framework's vocabulary for them:

* **DC input components.** A linked block gives its nodes' input rows in weight space
  (``W_a``, ``W_b``: real, any mean), so its activations h_j(a, b) = (W_a[j,a] + W_b[j,b])²
  carry frequency 0 as well as k and 2k.
* **A read-out instead of an SP signature.** On a complex orbit with character k, the part of
  the target P e_{a+b} at {k, −k} is (2/d)(cos θ_g cos X + sin θ_g sin X), with
  θ_g = 2π⟨k, g⟩ and X = x_a + x_b, x_g = 2π⟨k, g⟩. A block declares how cos X and sin X are
  linear combinations of activations — of its own nodes (``readout``) and, through a
  :class:`Link`, of a pair of nodes *exported* by the block of another orbit. Then the
  output layer is W_c[g, j] = (2/d) Σ_blocks (cos θ_g α_j + sin θ_g β_j) and the loss is
  exactly 0 when every orbit's read-out holds.
* **The Γ-pair protocol** (the doubling-chain link). A Γ-pair at character k with angle φ and
  sum S is two nodes (cos(x+φ) + s_i, cos(x+φ)), s_1, s_2 the roots of s² − S s + 2; with
  Γ = cos(x_a+φ) + cos(x_b+φ) their activations satisfy (h_1 − h_2)/(s_1 − s_2) = 2Γ + S
  and (s_2 h_1 − s_1 h_2)/(s_2 − s_1) = Γ² − 2. A block that needs frequency 2k in its
  read-out links to the Γ-pair exported by the block at 2k, asking for a given S; the solver
  wires links to exports and checks that they agree. This plays the role that z_F4/6's
  helper orbit plays for R_n: one orbit's nodes cancel what another orbit leaves behind.

A linked generator's function is ``func(group, k, **params)``, plus the solver's wiring:
``link_sign`` (the block links to the Γ-pair at character link_sign·2k) when it declares
``links="gamma"``, and ``S`` (the sum its exported pair must have) when it declares
``exports="gamma"``. On a real character (2k = 0) the target part is (1/d) χ_k(g) cos X with
cos X = χ_k(a)χ_k(b); a block there may read the shared *unit node* (one node (1, 0), whose
activation is 1 for every pair) to remove a constant from its read-out.
Each linked generator declares a :class:`LinkSignature` (which orbits it applies to, its
node count, whether it uses DC inputs, whether it links and exports), and registration
verifies the read-out on every eligible orbit of its check groups, over all d² input pairs.

>>> import numpy as np
>>> from groups import parse_group
>>> G = parse_group("Z5")
>>> pair = gamma_pair(G, 1, phi=np.pi / 8, S=-5.0)
>>> x = 2 * np.pi * G.pairing()[1]
>>> h = activations(pair.W_a, pair.W_b)            # (2, d·d)
>>> gam = (np.cos(x + np.pi / 8)[:, None] + np.cos(x + np.pi / 8)[None, :]).reshape(-1)
>>> bool(np.allclose((h[0] - h[1]) / (pair.s1 - pair.s2), 2 * gam - 5.0))
True
"""

from __future__ import annotations

import math
import typing

import attrs
import numpy as np

from cogs.generators.signature import LINK_KINDS, ORBIT_CLASSES, LinkSignature, RegistrationError
from groups import parse_group

__all__ = [
    "Export",
    "GammaPair",
    "LINK_KINDS",
    "Link",
    "LinkSignature",
    "LinkedBlock",
    "ORBIT_CLASSES",
    "activations",
    "gamma_pair",
    "gamma_roots",
    "orbit_phases",
    "readout_targets",
    "unit_export",
    "verify_linked",
]

#: sums S at which registration checks an exporting block's Γ-pair (both signs, S² > 8)
EXPORT_CHECK_S = (-5.0, 3.25)


def orbit_phases(group, k: int) -> np.ndarray:
    """x_g = 2π⟨k, g⟩ for every element g (float64, (d,))."""
    return 2 * np.pi * group.pairing()[int(k)]


def activations(W_a: np.ndarray, W_b: np.ndarray) -> np.ndarray:
    """h_j(a, b) = (W_a[j,a] + W_b[j,b])² for all d² pairs, shape (n, d²) (pair a·d + b)."""
    s = W_a[:, :, None] + W_b[:, None, :]
    return (s * s).reshape(W_a.shape[0], -1)


def readout_targets(group, k: int) -> np.ndarray:
    """(2, d²): cos X and sin X over all pairs, X = x_a + x_b at character k (on a real
    character x ∈ {0, π}, so sin X = 0 and cos X = χ_k(a)χ_k(b))."""
    x = orbit_phases(group, k)
    X = (x[:, None] + x[None, :]).reshape(-1)
    return np.stack([np.cos(X), np.sin(X)])


def gamma_roots(S: float) -> tuple[float, float]:
    """The roots s_1 > s_2 of s² − S s + 2 (real when S² > 8)."""
    S = float(S)
    disc = S * S - 8.0
    if not math.isfinite(S) or disc <= 0:
        raise ValueError(f"a Γ-pair needs S² > 8 (real, distinct roots of s² − S s + 2); got S = {S!r}")
    r = math.sqrt(disc)
    return (S + r) / 2, (S - r) / 2


@typing.final
@attrs.frozen(eq=False)
class GammaPair:
    """Two nodes (cos(x+φ) + s_i, cos(x+φ)), i = 1, 2 (see the module docstring)."""

    W_a: np.ndarray
    W_b: np.ndarray
    s1: float
    s2: float


def gamma_pair(group, k: int, *, phi: float, S: float) -> GammaPair:
    """The Γ-pair at character k with angle φ and sum S."""
    s1, s2 = gamma_roots(S)
    cx = np.cos(orbit_phases(group, k) + phi)
    W_a = np.stack([cx + s1, cx + s2])
    W_b = np.stack([cx, cx])
    return GammaPair(W_a, W_b, s1, s2)


def _real(x, name) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float, np.integer, np.floating)) or not math.isfinite(float(x)):
        raise ValueError(f"{name} must be a finite real number, got {x!r}")
    return float(x)


@typing.final
@attrs.frozen
class Export:
    """What a block offers to others: a Γ-pair (``kind="gamma"``: node indices (i1, i2),
    angle φ and sum S) or a unit node (``kind="unit"``: one node whose activation is 1 for
    every pair; ``nodes=(i, i)``, φ and S unused)."""

    nodes: tuple[int, int] = attrs.field(converter=lambda n: (int(n[0]), int(n[1])))
    phi: float = attrs.field(converter=float)
    S: float = attrs.field(converter=float)
    kind: str = attrs.field(default="gamma", validator=attrs.validators.in_(LINK_KINDS))


@typing.final
@attrs.frozen
class Link:
    """A read-out term on another block's export. ``kind="gamma"``: the Γ-pair at character
    ``k`` (its own phases), with angle ``phi`` and required sum ``S``; ``coef`` (2,)
    multiplies 2Γ' + S' in the rows (cos X, sin X) of the reading block. ``kind="unit"``:
    the shared unit node (k = 0); ``coef`` multiplies the constant 1."""

    k: int = attrs.field(converter=int)
    phi: float = attrs.field(converter=float)
    S: float = attrs.field(converter=float)
    coef: tuple[float, float] = attrs.field(converter=lambda c: (float(c[0]), float(c[1])))
    kind: str = attrs.field(default="gamma", validator=attrs.validators.in_(LINK_KINDS))


@typing.final
@attrs.frozen(eq=False)
class LinkedBlock:
    """Nodes on the orbit of character ``k``: input rows ``W_a``, ``W_b`` (n, d) in weight
    space (DC allowed), the read-out (2, n) of (cos X, sin X) on its own activations, an
    optional :class:`Link` and an optional :class:`Export`; ``params`` records the values."""

    k: int
    W_a: np.ndarray
    W_b: np.ndarray
    readout: np.ndarray
    link: Link | None = None
    export: Export | None = None
    params: dict = attrs.field(factory=dict)

    def __attrs_post_init__(self):
        n = self.W_a.shape[0]
        if self.W_a.shape != self.W_b.shape or self.W_a.ndim != 2:
            raise ValueError(f"linked block: W_a {self.W_a.shape} and W_b {self.W_b.shape} must be equal (n, d)")
        if self.readout.shape != (2, n):
            raise ValueError(f"linked block: readout must be (2, {n}), got {self.readout.shape}")
        if self.export is not None and not all(0 <= i < n for i in self.export.nodes):
            raise ValueError(f"linked block: export nodes {self.export.nodes} outside 0..{n - 1}")

    @property
    def order(self) -> int:
        return int(self.W_a.shape[0])

    @property
    def has_dc(self) -> bool:
        return bool(np.abs(self.W_a.mean(1)).max() > 1e-12 or np.abs(self.W_b.mean(1)).max() > 1e-12)


def link_values(group, link: Link) -> np.ndarray:
    """2Γ' + S' over all pairs for the Γ-pair a :class:`Link` reads (1 for the unit node)."""
    if link.kind == "unit":
        return np.ones(group.order**2)
    x = orbit_phases(group, link.k) + link.phi
    gam = (np.cos(x)[:, None] + np.cos(x)[None, :]).reshape(-1)
    return 2 * gam + link.S


def readout_error(group, block: LinkedBlock) -> float:
    """max |read-out − (cos X, sin X)| over all pairs, the link's Γ-pair included."""
    if block.k == 0:
        return 0.0  # a shared node: nothing to read out at k = 0 (P removes it)
    h = activations(block.W_a, block.W_b)
    got = block.readout @ h
    if block.link is not None:
        got = got + np.outer(block.link.coef, link_values(group, block.link))
    return float(np.abs(got - readout_targets(group, block.k)).max())


def export_error(group, block: LinkedBlock) -> float:
    """max deviation of the exported pair from the Γ-pair identity (h1 − h2)/(s1 − s2) = 2Γ + S."""
    e = block.export
    if e is None:
        return 0.0
    if e.kind == "unit":
        h = activations(block.W_a[[e.nodes[0]]], block.W_b[[e.nodes[0]]])
        return float(np.abs(h - 1.0).max())
    s1, s2 = gamma_roots(e.S)
    h = activations(block.W_a[list(e.nodes)], block.W_b[list(e.nodes)])
    want = link_values(group, Link(block.k, e.phi, e.S, (0, 0)))
    return float(np.abs((h[0] - h[1]) / (s1 - s2) - want).max())


def verify_linked(gen, *, samples: int = 3, seed: int = 12345, atol: float = 1e-9) -> int:
    """Check a linked generator on every eligible orbit of its odd check groups, at its
    defaults and ``samples`` random parameter values: node count, DC honesty, export
    identity, and the read-out over all d² pairs. Returns the number of blocks checked;
    raises ``RegistrationError`` naming the generator, group, orbit and parameters."""
    sig: LinkSignature = gen.signatures["complex"]
    rng = np.random.default_rng(seed)
    draws = [gen.defaults()] + [gen.sample_params(rng) for _ in range(samples)]
    checked = 0
    for spec in gen.check_groups:
        G = parse_group(spec)
        for k in [0] + [o.k for o in G.orbits()]:
            if not sig.applies(G, k):
                continue
            wirings = [{}]
            if sig.links == "gamma":
                wirings = [{**w, "link_sign": s} for w in wirings for s in (1, -1)]
            if sig.exports == "gamma":
                wirings = [{**w, "S": S} for w in wirings for S in EXPORT_CHECK_S]
            for params, wiring in ((p, w) for p in draws for w in wirings):
                where = f"linked generator {gen.name!r} on {spec}, orbit k={k}, params {params}, wiring {wiring}"
                try:
                    block = gen.build_linked(G, k, params, **wiring)
                except RegistrationError:
                    raise
                except Exception as e:
                    raise RegistrationError(f"{where}: {type(e).__name__}: {e}") from e
                if block.order != sig.nodes:
                    raise RegistrationError(f"{where}: declared {sig.nodes} nodes, built {block.order}")
                if block.has_dc != sig.dc_inputs:
                    raise RegistrationError(f"{where}: declared dc_inputs={sig.dc_inputs} but the rows {'have' if block.has_dc else 'have no'} DC components")
                if (block.link.kind if block.link else "") != sig.links or (block.export.kind if block.export else "") != sig.exports:
                    raise RegistrationError(f"{where}: links/exports differ from the declaration {sig!r}")
                err = max(readout_error(G, block), export_error(G, block))
                if not err <= atol * max(1.0, float(np.abs(block.readout).max())):
                    raise RegistrationError(f"{where}: the read-out misses cos X, sin X by {err:.3g}")
                checked += 1
    if checked == 0:
        raise RegistrationError(f"linked generator {gen.name!r}: no eligible orbit in its check groups {gen.check_groups}")
    return checked


def unit_export() -> Export:
    """The export of a one-node unit block."""
    return Export((0, 0), 0.0, 0.0, kind="unit")
