"""The built-in linked generators of the chain construction (``docs/beyond.md``).

``chain_link`` — four nodes on a complex orbit with character k (x_g = 2π⟨k, g⟩), angle φ,
type t = 0 when it links to the Γ-pair at +2k ("u") and t = 1 when at −2k ("c", the last block
of a doubling cycle that closes on −k_0, e.g. 3k = 0):

    N1 = (cos(x+φ) + s1, cos(x+φ)),  N2 = (cos(x+φ) + s2, cos(x+φ))   (its exported Γ-pair)
    N3 = (−sin(x+φ), sin(x+φ)),      N4 = (−sin(x−2tφ), −sin(x−2tφ)).

With P = (s2 h1 − s1 h2)/(s2 − s1) = Γ² − 2, the identities

    cos(X + 2φ) = (P + h3)/2,
    cos(X + ψ)  = −h4 + (P − h3)/2 − (c/2)(2Γ' + S'),   (ψ, c) = (0, cos φ) for u, (−4φ, cos 3φ) for c,

hold for all pairs when the linked Γ-pair (at ±2k, angle φ) has S' = −4/c; the 2×2 system
[cos 2φ, −sin 2φ; cos ψ, −sin ψ] is invertible when sin 2φ ≠ 0 (u) or sin 6φ ≠ 0 (c), and
gives cos X, sin X as fixed combinations of the six activations.

``tri3`` — three nodes on an orbit with 3k = 0 (π(g) = 3⟨k, g⟩ mod 3, t ∈ Z3):
W_a[t] = 6[π = t] − 5, W_b[t] = 6[π = t]; (cos X, sin X) = Σ_t (cos(4πt/3), sin(4πt/3)) h_t/24 · … —
exactly: cos X = Σ_t cos(4πt/3) h_t / 24 and sin X = Σ_t sin(4πt/3) h_t / 24.

``sign_node`` — one node (σ, σ) on a real character k (σ = χ_k = ±1): h = 2 + 2σ(a)σ(b), so
cos X = σ(a)σ(b) = h/2 − 1, reading the constant off the shared ``unit`` node (1, 0) at
k = 0, whose activation is 1 for every pair. r real characters cost r + 1 nodes.

>>> from cogs.generators import default_registry
>>> from groups import parse_group
>>> b = default_registry()["chain_link"].build_linked(parse_group("Z5"), 1, link_sign=1, S=-4.5)
>>> b.order, b.link.k, round(b.link.S, 6), b.export.nodes
(4, 2, -4.329569, (0, 1))
"""

from __future__ import annotations

import math

import numpy as np

from cogs.generators.linked import Export, Link, LinkedBlock, gamma_pair, orbit_phases, unit_export

__all__ = ["DEFAULT_PHI", "chain_link", "required_sum", "sample_phi", "sign_node", "tri3", "unit", "valid_phi"]

DEFAULT_PHI = math.pi / 8


def valid_phi(phi: float, *, atol: float = 1e-2) -> float:
    """φ reduced to (−π, π], with |cos φ|, |cos 3φ|, |sin 2φ|, |sin 6φ| ≥ ``atol`` (else
    ValueError): the read-out divides by these, so angles near their zeros build networks whose
    rounding error swamps the construction."""
    if isinstance(phi, bool) or not isinstance(phi, (int, float, np.integer, np.floating)) or not math.isfinite(float(phi)):
        raise ValueError(f"φ must be a finite number, got {phi!r}")
    phi = math.remainder(float(phi), 2 * math.pi)
    for name, v in (("cos φ", math.cos(phi)), ("cos 3φ", math.cos(3 * phi)), ("sin 2φ", math.sin(2 * phi)), ("sin 6φ", math.sin(6 * phi))):
        if abs(v) < atol:
            raise ValueError(f"φ = {phi:g} makes {name} = {v:.2g}; the chain needs |cos φ|, |cos 3φ|, |sin 2φ|, |sin 6φ| ≥ {atol:g} (e.g. φ = π/8)")
    return phi


def sample_phi(rng: np.random.Generator) -> float:
    """A random valid φ in (0.05, π/2 − 0.05), well away from the zeros of :func:`valid_phi`
    (``atol`` 0.1): the sampler of the linked generators' ``phi`` parameter."""
    while True:
        phi = float(rng.uniform(0.05, math.pi / 2 - 0.05))
        try:
            return valid_phi(phi, atol=0.1)
        except ValueError:
            continue


def required_sum(phi: float, link_sign: int) -> float:
    """S' = −4/cos φ (type u, link_sign +1) or −4/cos 3φ (type c, link_sign −1)."""
    return -4.0 / (math.cos(phi) if link_sign > 0 else math.cos(3 * phi))


def chain_link(group, k: int, *, phi: float = DEFAULT_PHI, link_sign: int = 1, S: float | None = None) -> LinkedBlock:
    """The four-node block of the doubling chain at character k (see the module docstring).
    ``S`` is the sum of the exported Γ-pair (the previous block of the cycle decides it);
    default: the value a type-u predecessor asks for."""
    phi = valid_phi(phi)
    if link_sign not in (1, -1):
        raise ValueError(f"link_sign must be ±1, got {link_sign!r}")
    t = 0 if link_sign > 0 else 1
    S = required_sum(phi, 1) if S is None else float(S)
    pair = gamma_pair(group, k, phi=phi, S=S)
    x = orbit_phases(group, k)
    n3 = np.sin(x + phi)
    n4 = -np.sin(x - 2 * t * phi)
    W_a = np.vstack([pair.W_a, -n3, n4])
    W_b = np.vstack([pair.W_b, n3, n4])
    s1, s2 = pair.s1, pair.s2
    p = np.array([s2, -s1, 0.0, 0.0]) / (s2 - s1)  # P = Γ² − 2
    e3, e4 = np.eye(4)[2], np.eye(4)[3]
    rows = np.stack([(p + e3) / 2, -e4 + (p - e3) / 2])  # cos(X+2φ), cos(X+ψ) − (−c/2)(2Γ'+S')
    psi, c = (0.0, math.cos(phi)) if t == 0 else (-4 * phi, math.cos(3 * phi))
    M = np.array([[math.cos(2 * phi), -math.sin(2 * phi)], [math.cos(psi), -math.sin(psi)]])
    Minv = np.linalg.inv(M)
    readout = Minv @ rows
    coef = Minv @ np.array([0.0, -c / 2])
    next_k = int(group.cayley_table()[k, k])
    if link_sign < 0:
        next_k = int(group.neg_table()[next_k])
    link = Link(next_k, phi, required_sum(phi, link_sign), coef)
    return LinkedBlock(
        int(k), W_a, W_b, readout, link=link, export=Export((0, 1), phi, S),
        params={"phi": phi, "type": "u" if t == 0 else "c", "S": S, "s1": s1, "s2": s2, "links_to": next_k},
    )


def tri3(group, k: int) -> LinkedBlock:
    """The three-node block on an orbit with 3k = 0 (see the module docstring)."""
    frac = group.pairing()[int(k)]
    pi = np.rint(3 * frac).astype(np.int64) % 3
    if not np.allclose(3 * frac, np.rint(3 * frac), atol=1e-9):
        raise ValueError(f"tri3 needs 3k = 0; k = {k} of {group.spec} has order {int(group.element_orders()[k])}")
    onehot = (pi[None, :] == np.arange(3)[:, None]).astype(np.float64)
    ang = 4 * np.pi * np.arange(3) / 3
    readout = np.stack([np.cos(ang), np.sin(ang)]) / 24.0
    return LinkedBlock(int(k), 6 * onehot - 5, 6 * onehot, readout, params={})


def sign_node(group, k: int) -> LinkedBlock:
    """One node (σ, σ) on a real character k (σ = χ_k ∈ {±1}): h = 2 + 2σ(a)σ(b), so
    cos X = σ(a)σ(b) = h/2 − 1, the constant read from the shared unit node."""
    sigma = np.cos(orbit_phases(group, k))
    if not np.allclose(np.abs(sigma), 1.0, atol=1e-12):
        raise ValueError(f"sign_node needs a real character; k = {k} of {group.spec} has order {int(group.element_orders()[k])}")
    sigma = np.rint(sigma)
    return LinkedBlock(int(k), sigma[None, :], sigma[None, :], np.array([[0.5], [0.0]]), link=Link(0, 0.0, 0.0, (-1.0, 0.0), kind="unit"))


def unit(group, k: int = 0) -> LinkedBlock:
    """The shared unit node (1, 0) at k = 0: h ≡ 1 (it reads out nothing; others link to it)."""
    d = group.order
    return LinkedBlock(0, np.ones((1, d)), np.zeros((1, d)), np.zeros((2, 1)), export=unit_export())
