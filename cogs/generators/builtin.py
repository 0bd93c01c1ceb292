"""The built-in generators: every row of docs/solutions.md#partial-solutions and the memorisation factors of docs/solutions.md#global-solutions.

Nodes are (a, b, c) values at the orbit's representative k (conjugates at −k implied);
ω = e^{2πi/3}. Registry names, as in docs/solutions.md#partial-solutions:

=========  =======================================  =====  =====  ==============================
name       nodes                                    order  r_kkk  SPs that vanish (all params)
=========  =======================================  =====  =====  ==============================
one        (1,1,1)                                  1      1      none
u_syn      (ω,ω,ω)                                  1      1      none
z_syn      (1,1,1),(ω,ω,ω),(ω̄,ω̄,ω̄)                  3      3      all but Σa²c, Σb²c
u_nu       (ν,−ν,−ν⁻²)                              1      1      none
z_nu       (1,1,1),(ν,−ν,−ν⁻²)                      2      2      Σa²c, Σb²c
z_nu_i     (1,1,1),(ν,−ν,1), ν = ±i                 2      2      Σāb c, Σab̄c, the four R_*
u_xi       (ξ,−iε/ξ,iε), ε = ±1                     1      1      none
z_xi       (1,1,1),(ξ,−iε/ξ,iε)                     2      2      Σabc̄
z_syn_ab   (1,1,1),(αω,ᾱω,ω),(βω̄,β̄ω̄,ω̄), |α|=|β|=1  3      3      Σabc̄, Σāac, Σb̄bc
z_real     (1,1,1),(ν,−ν,−1), ν = ±1 (real orbit)   2      2      Σa²c, Σb²c
u_real     (ν,−ν,−1), ν = ±1 (real orbit)           1      1      none   (extra: z_real = one + u_real)
=========  =======================================  =====  =====  ==============================

Samplers draw unit-modulus ν, ξ, α, β (e^{iθ}, θ uniform; every ν ≠ 0 is valid for z_ν, but
|ν| = 1 is what z_F4/6 needs and gives |a| = |b| at every node) and uniform signs.

Memorisation factors (``builds="element"``, every orbit at once, order d):
y_1 = {(χ̄_k(g), 1, χ_k(g)) : g ∈ G}, y_2 = {(1, χ̄_k(h), χ_k(h)) : h ∈ G} (all k);
y_1 * y_2 scaled by (λ/d, λ/d, λ/(2d)) with the k = 0 output removed (P) is z_M of docs/solutions.md#global-solutions
(:func:`memorization_element`).

>>> from cogs.generators import default_registry
>>> default_registry()["z_nu_i"].build("complex", {"sign": 1})
Block.from_nodes([((1+0j), (1+0j), (1+0j)), (1j, -1j, (1+0j))], kind='complex')

Reference: Tian, NeurIPS 2025, arXiv:2410.01779.
"""

from __future__ import annotations

import numpy as np

from cogs.generators.builtin_linked import chain_link, sample_phi, sign_node, tri3, unit
from cogs.generators.generator import Param, make_generator
from cogs.generators.registry import Registry
from cogs.generators.signature import LinkSignature, Signature
from groups import parse_group
from models.element import NetworkElement, paper_scale

OMEGA = np.exp(2j * np.pi / 3)
ALL_COMPLEX = ("a'bc", "ab'c", "abc'", "aa'c", "bb'c", "aac", "bbc", "a'a'c", "b'b'c")


def _phase(rng: np.random.Generator) -> complex:
    return complex(np.exp(2j * np.pi * rng.random()))


def _sign(rng: np.random.Generator) -> int:
    return int(rng.choice([-1, 1]))


def _nonzero(x, name):
    x = complex(x)
    if x == 0 or not np.isfinite(x):
        raise ValueError(f"{name} must be finite and non-zero, got {x!r}")
    return x


def _pm(x, name) -> int:
    if x not in (1, -1):
        raise ValueError(f"{name} must be +1 or -1, got {x!r}")
    return int(x)


# -- node builders --------------------------------------------------------------------------
def one():
    """The unit 1: one node (1, 1, 1)."""
    return [(1, 1, 1)]


def u_syn():
    """u_syn = (ω, ω, ω), ω = e^{2πi/3}."""
    return [(OMEGA, OMEGA, OMEGA)]


def z_syn():
    """z_syn = u_syn² + u_syn + 1 = (u_syn − ω)(u_syn − ω̄)."""
    w, wb = OMEGA, np.conj(OMEGA)
    return [(1, 1, 1), (w, w, w), (wb, wb, wb)]


def _u_nu(nu):
    nu = _nonzero(nu, "nu")
    return (nu, -nu, -(nu ** -2))


def u_nu(nu=np.exp(0.7j)):
    """u_ν = (ν, −ν, −ν⁻²), ν ≠ 0."""
    return [_u_nu(nu)]


def z_nu(nu=np.exp(0.7j)):
    """z_ν = 1 + u_ν: kills Σa²c and Σb²c."""
    return [(1, 1, 1), _u_nu(nu)]


def z_nu_i(sign=1):
    """z_ν at ν = ±i: (1,1,1), (ν, −ν, 1)."""
    return [(1, 1, 1), _u_nu(1j * _pm(sign, "sign"))]


def _u_xi(xi, eps):
    xi = _nonzero(xi, "xi")
    eps = _pm(eps, "eps")
    return (xi, -1j * eps / xi, 1j * eps)


def u_xi(xi=np.exp(0.4j), eps=1):
    """u_ξ = (ξ, −iε/ξ, iε), ξ ≠ 0, ε = ±1."""
    return [_u_xi(xi, eps)]


def z_xi(xi=np.exp(0.4j), eps=1):
    """z_ξ = 1 + u_ξ: kills Σabc̄."""
    return [(1, 1, 1), _u_xi(xi, eps)]


def z_syn_ab(alpha=np.exp(0.3j), beta=np.exp(1.1j)):
    """z_{syn,αβ} = (1,1,1), (αω, ᾱω, ω), (βω̄, β̄ω̄, ω̄), |α| = |β| = 1."""
    alpha, beta = complex(alpha), complex(beta)
    for name, x in (("alpha", alpha), ("beta", beta)):
        if abs(abs(x) - 1) > 1e-12:
            raise ValueError(f"{name} must have modulus 1, got {x!r}")
    w, wb = OMEGA, np.conj(OMEGA)
    return [(1, 1, 1), (alpha * w, np.conj(alpha) * w, w), (beta * wb, np.conj(beta) * wb, wb)]


def z_real(sign=1):
    """z_ν at ν = ±1 on a real orbit: (1,1,1), (ν, −ν, −1)."""
    s = _pm(sign, "sign")
    return [(1, 1, 1), (s, -s, -1)]


def u_real(sign=1):
    """u_ν at ν = ±1 on a real orbit: (ν, −ν, −1)."""
    s = _pm(sign, "sign")
    return [(s, -s, -1)]


# -- memorisation factors -----------------------------------------------------------------------
def y_1(group):
    """y_1 = {(χ̄_k(g), 1, χ_k(g)) : g ∈ G} at every k (order d)."""
    X = group.character_table()  # X[k, g]
    return NetworkElement(group, np.stack([np.conj(X), np.ones_like(X), X]))


def y_2(group):
    """y_2 = {(1, χ̄_k(h), χ_k(h)) : h ∈ G} at every k (order d)."""
    X = group.character_table()
    return NetworkElement(group, np.stack([np.ones_like(X), np.conj(X), X]))


def memorization_element(group, y1: NetworkElement | None = None, y2: NetworkElement | None = None) -> NetworkElement:
    """z_M of docs/solutions.md#global-solutions from y_1 * y_2: rows scaled by (λ/d, λ/d, λ/(2d)), output at k = 0
    removed (the projection P; it does not change the function's loss). Node (g, h) is
    column g·d + h: w_a = e_g, w_b = e_h, w_c = ½ P e_{g+h}."""
    group = parse_group(group)
    d = group.order
    y1 = y_1(group) if y1 is None else y1
    y2 = y_2(group) if y2 is None else y2
    z = (y1 * y2).z.copy()
    lam = paper_scale(d)
    z[0] *= lam / d
    z[1] *= lam / d
    z[2] *= lam / (2 * d)
    z[2, 0, :] = 0
    return NetworkElement(group, z)


def memorization_weights(group) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """z_M's weights on any finite group: node (g, h) has w_a = e_g, w_b = e_h,
    w_c = ½ P e_{g·h} (order d²; O(d³) memory — small groups only)."""
    group = parse_group(group)
    d = group.order
    g, h = np.divmod(np.arange(d * d), d)
    W_a = np.zeros((d * d, d))
    W_a[np.arange(d * d), g] = 1.0
    W_b = np.zeros((d * d, d))
    W_b[np.arange(d * d), h] = 1.0
    s = group.cayley_table()[g, h]
    W_c = np.full((d, d * d), -0.5 / d)
    W_c[s, np.arange(d * d)] += 0.5
    return W_a, W_b, W_c


def memorization_direct(group) -> NetworkElement:
    """z_M written directly in weight space (:func:`memorization_weights`), as an element."""
    group = parse_group(group)
    return NetworkElement.from_weights(group, *memorization_weights(group))


BUILTIN_NAMES = ("one", "u_syn", "z_syn", "u_nu", "z_nu", "z_nu_i", "u_xi", "z_xi", "z_syn_ab", "z_real", "u_real", "y_1", "y_2")


def register_builtins(reg: Registry, *, verify: bool = True) -> Registry:
    """Register every built-in in ``reg`` (docs/solutions.md#partial-solutions table order, then u_real, y_1, y_2)."""
    nu = {"nu": Param("nu", complex(np.exp(0.7j)), _phase, "ν ≠ 0 (sampled on the unit circle)")}
    xi = {
        "xi": Param("xi", complex(np.exp(0.4j)), _phase, "ξ ≠ 0 (sampled on the unit circle)"),
        "eps": Param("eps", 1, _sign, "ε = ±1"),
    }
    sign_i = {"sign": Param("sign", 1, _sign, "ν = sign·i")}
    sign_r = {"sign": Param("sign", 1, _sign, "ν = sign = ±1")}
    ab = {
        "alpha": Param("alpha", complex(np.exp(0.3j)), _phase, "|α| = 1"),
        "beta": Param("beta", complex(np.exp(1.1j)), _phase, "|β| = 1"),
    }
    no_rstar = tuple(m for m in ALL_COMPLEX if m not in ("aac", "bbc"))
    rows = [
        (one, "one", 1, ("complex", "real"), Signature(1), None, "1"),
        (u_syn, "u_syn", 1, ("complex",), Signature(1), None, "u_syn"),
        (z_syn, "z_syn", 3, ("complex",), Signature(3, no_rstar), None, "u_syn² + u_syn + 1"),
        (u_nu, "u_nu", 1, ("complex",), Signature(1), nu, "u_ν = (ν, −ν, −ν⁻²)"),
        (z_nu, "z_nu", 2, ("complex",), Signature(2, ("aac", "bbc")), nu, "1 + u_ν"),
        (z_nu_i, "z_nu_i", 2, ("complex",), Signature(2, ("a'bc", "ab'c", "aac", "bbc", "a'a'c", "b'b'c")), sign_i, "z_ν at ν = ±i"),
        (u_xi, "u_xi", 1, ("complex",), Signature(1), xi, "u_ξ = (ξ, −iε/ξ, iε)"),
        (z_xi, "z_xi", 2, ("complex",), Signature(2, ("abc'",)), xi, "1 + u_ξ"),
        (z_syn_ab, "z_syn_ab", 3, ("complex",), Signature(3, ("abc'", "aa'c", "bb'c")), ab, "z_{syn,αβ}"),
        (z_real, "z_real", 2, ("real",), Signature(2, ("aac", "bbc")), sign_r, "z_ν at ν = ±1 (real orbit)"),
        (u_real, "u_real", 1, ("real",), Signature(1), sign_r, "u_ν at ν = ±1 (real orbit)"),
    ]
    for func, name, order, kinds, sig, params, math in rows:
        reg.register(make_generator(func, name=name, order=order, kinds=kinds, signature=sig, params=params, math=math), verify=verify, strict=True)
    y1_sig = {
        "complex": Signature(None, ("a'bc", "abc'", "aa'c", "bb'c", "aac", "bbc", "b'b'c")),
        "real": Signature(None, ("aac", "bbc")),
    }
    y2_sig = {
        "complex": Signature(None, ("ab'c", "abc'", "aa'c", "bb'c", "aac", "bbc", "a'a'c")),
        "real": Signature(None, ("aac", "bbc")),
    }
    for func, name, sig, math in ((y_1, "y_1", y1_sig, "{(χ̄_k(g), 1, χ_k(g)) : g ∈ G}"), (y_2, "y_2", y2_sig, "{(1, χ̄_k(h), χ_k(h)) : h ∈ G}")):
        reg.register(
            make_generator(func, name=name, order=lambda G: G.order, kinds=("complex", "real"), signature=sig, builds="element", math=math),
            verify=verify,
            strict=True,
        )
    phi = {"phi": Param("phi", np.pi / 8, sample_phi, "angle φ with cos φ, cos 3φ, sin 2φ, sin 6φ ≠ 0")}
    linked = [
        (chain_link, "chain_link", LinkSignature("complex", nodes=4, dc_inputs=True, links=True, exports=True), phi,
         "(cos(x+φ)+s_i, cos(x+φ)) i=1,2; (−sin(x+φ), sin(x+φ)); (−sin(x−2tφ), −sin(x−2tφ))"),
        (tri3, "tri3", LinkSignature("order3", nodes=3, dc_inputs=True), None, "(6[π=t]−5, 6[π=t]), t ∈ Z3, on 3k = 0"),
        (sign_node, "sign_node", LinkSignature("real", nodes=1, links="unit"), None, "(χ_k, χ_k) on a real character, reads the unit node"),
        (unit, "unit", LinkSignature("dc", nodes=1, dc_inputs=True, exports="unit"), None, "(1, 0): activation 1 for every pair"),
    ]
    for func, name, sig, params, math in linked:
        reg.register(make_generator(func, name=name, order=sig.nodes, signature=sig, params=params, builds="linked", math=math), verify=verify)
    return reg
