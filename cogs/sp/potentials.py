"""Sum potentials (docs/mathematics.md#sum-potentials) as ring homomorphisms Z → C, and their vectorised families.

A sum potential is r(z) = Σ_j Π_f z_{p_f, k_f, j}^{(conj_f)} with exactly one c factor, so
it is well defined on Z/≈ (merging nodes adds c rows) and is a semi-ring homomorphism:
r(z1 + z2) = r(z1) + r(z2), r(z1 * z2) = r(z1)·r(z2), r(1) = 1, r(0) = 0.

Written as monomial strings: ``"a[1] b[1] c[1]"`` is r_{1,1,1}; a trailing ``'`` conjugates
(``"a[1]' b[1] c[1]"``). On one orbit (a :class:`models.element.Block`), k is implicit:
``"abc"`` is r_kkk, ``"a'bc"`` is Σ ā b c, ``"aac"`` is Σ a² c (the list in docs/mathematics.md#sum-potentials).

>>> from groups import parse_group
>>> from models.element import NetworkSemiring
>>> r = SumPotential(parse_group("Z5"), "a[1] b[1] c[1]")
>>> r(NetworkSemiring(parse_group("Z5")).one())
(1+0j)
"""

from __future__ import annotations

import re
import typing

import attrs
import numpy as np

from algebra import COMPLEX, Homomorphism
from groups import parse_group
from models.element import Block, BlockSemiring, NetworkElement, NetworkSemiring

_P = {"a": 0, "b": 1, "c": 2}
_FULL_FACTOR = re.compile(r"^([abc])\[(\d+)\]('?)$")
_BLOCK_FACTOR = re.compile(r"([abc])('?)")


@typing.final
@attrs.frozen(order=True)
class Factor:
    """One factor z_{p,k,j} (conjugated when ``conj``) of a sum potential."""

    p: str
    k: int
    conj: bool = False

    def __str__(self) -> str:
        return f"{self.p}[{self.k}]" + ("'" if self.conj else "")


def _parse_full(text: str) -> tuple[Factor, ...]:
    parts = text.replace("*", " ").split()
    out = []
    for part in parts:
        m = _FULL_FACTOR.match(part)
        if m is None:
            raise ValueError(f"bad sum-potential factor {part!r}; expected like a[3] or c[1]'")
        out.append(Factor(m.group(1), int(m.group(2)), bool(m.group(3))))
    return tuple(out)


def _check_one_c(factors, text) -> None:
    if sum(f.p == "c" for f in factors) != 1:
        raise ValueError(f"a sum potential needs exactly one c factor (it must be linear in c): {text!r}")


@typing.final
class SumPotential(Homomorphism):
    """r(z) = Σ_j Π_f z_{p_f,k_f,j} (conjugated where marked), a homomorphism Z(G) → C."""

    def __init__(self, group, monomial: str):
        self.group = parse_group(group)
        self.factors = _parse_full(monomial)
        _check_one_c(self.factors, monomial)
        for f in self.factors:
            if not 0 <= f.k < self.group.order:
                raise ValueError(f"frequency index {f.k} out of range for {self.group.spec}")

    @property
    def monomial(self) -> str:
        return " ".join(str(f) for f in self.factors)

    def __repr__(self) -> str:
        return f"SumPotential({self.group.spec!r}, {self.monomial!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, SumPotential) and (self.group, sorted(self.factors)) == (other.group, sorted(other.factors))

    def __hash__(self) -> int:
        return hash((self.group, tuple(sorted(self.factors))))

    @property
    def domain(self) -> NetworkSemiring:
        return NetworkSemiring(self.group)

    @property
    def codomain(self):
        return COMPLEX

    def _apply(self, x: NetworkElement) -> complex:
        prod = np.ones(x.order, dtype=np.complex128)
        for f in self.factors:
            v = x.z[_P[f.p], f.k]
            prod = prod * (np.conj(v) if f.conj else v)
        return complex(prod.sum())


def r(group, k1: int, k2: int, k: int) -> SumPotential:
    """r_{k1 k2 k} = Σ_j z_{a,k1,j} z_{b,k2,j} z_{c,k,j}."""
    return SumPotential(group, f"a[{k1}] b[{k2}] c[{k}]")


def r_p(group, p: str, k1: int, k2: int, k: int) -> SumPotential:
    """r_{p,k1,k2,k} = Σ_j z_{p,k1,j} z_{p,k2,j} z_{c,k,j}, p ∈ {a, b}."""
    if p not in ("a", "b"):
        raise ValueError(f"p must be 'a' or 'b', got {p!r}")
    return SumPotential(group, f"{p}[{k1}] {p}[{k2}] c[{k}]")


@typing.final
class BlockPotential(Homomorphism):
    """A sum potential on one orbit: ``"a'bc"`` = Σ_j conj(a_j) b_j c_j (values at k)."""

    def __init__(self, monomial: str, kind: str = "complex"):
        text = monomial.replace(" ", "").replace("*", "")
        factors = []
        pos = 0
        for m in _BLOCK_FACTOR.finditer(text):
            if m.start() != pos:
                break
            factors.append((m.group(1), bool(m.group(2))))
            pos = m.end()
        if pos != len(text) or not factors:
            raise ValueError(f"bad block potential {monomial!r}; expected letters a, b, c with optional ' (e.g. \"a'bc\")")
        if sum(p == "c" for p, _ in factors) != 1:
            raise ValueError(f"a sum potential needs exactly one c factor: {monomial!r}")
        if kind == "real" and any(cj for _, cj in factors):
            factors = [(p, False) for p, _ in factors]  # conjugation is trivial on a real orbit
        self.factors = tuple(sorted(factors))
        self.kind = kind

    @property
    def monomial(self) -> str:
        return "".join(p + ("'" if cj else "") for p, cj in self.factors)

    def __repr__(self) -> str:
        return f"BlockPotential({self.monomial!r}, kind={self.kind!r})"

    def __str__(self) -> str:
        return self.monomial

    def __eq__(self, other) -> bool:
        return isinstance(other, BlockPotential) and (self.factors, self.kind) == (other.factors, other.kind)

    def __hash__(self) -> int:
        return hash((self.factors, self.kind))

    @property
    def domain(self) -> BlockSemiring:
        return BlockSemiring(self.kind)

    @property
    def codomain(self):
        return COMPLEX

    @property
    def conjugates_c(self) -> bool:
        return any(p == "c" and cj for p, cj in self.factors)

    def _apply(self, x: Block) -> complex:
        return complex(self.evaluate(x.v))

    def evaluate(self, v: np.ndarray) -> np.ndarray:
        """Vectorised: v of shape (..., 3, q) → (...,) values."""
        prod = np.ones(v.shape[:-2] + v.shape[-1:], dtype=np.complex128)
        for p, cj in self.factors:
            row = v[..., _P[p], :]
            prod = prod * (np.conj(row) if cj else row)
        return prod.sum(-1)

    def on_element(self, group, k: int) -> SumPotential:
        """The same potential on Z(G) at frequency k (a' means a at -k)."""
        group = parse_group(group)
        nk = int(group.neg_table()[k])
        return SumPotential(group, " ".join(f"{p}[{nk if cj else k}]" for p, cj in self.factors))


# The SPs of docs/mathematics.md#sum-potentials that matter for a block on one orbit.
BLOCK_TARGET = "abc"
BLOCK_FAMILIES: dict[str, dict[str, tuple[str, ...]]] = {
    "complex": {
        "R_c": ("a'bc", "ab'c", "abc'"),
        "R_n": ("aa'c", "bb'c"),
        "R_*": ("aac", "bbc", "a'a'c", "b'b'c"),
    },
    "real": {
        "R_c": (),
        "R_n": ("aac", "bbc"),
        "R_*": (),
    },
}


def block_potentials(kind: str = "complex") -> dict[str, BlockPotential]:
    """Every SP of docs/mathematics.md#sum-potentials for one orbit of this kind, by monomial (r_kkk first)."""
    out = {BLOCK_TARGET: BlockPotential(BLOCK_TARGET, kind)}
    for names in BLOCK_FAMILIES[kind].values():
        for n in names:
            bp = BlockPotential(n, kind)
            out[bp.monomial] = bp
    return out


def block_signature(block: Block, atol: float = 1e-9) -> dict:
    """r_kkk and the list of SPs of docs/mathematics.md#sum-potentials that vanish on ``block`` (relative to its scale)."""
    sps = block_potentials(block.kind)
    scale = max(1.0, float(np.abs(block.v).max(initial=0.0)) ** 3 * max(1, block.order))
    vals = {name: complex(bp(block)) for name, bp in sps.items()}
    vanish = sorted(n for n, v in vals.items() if n != BLOCK_TARGET and abs(v) <= atol * scale)
    return {"r_kkk": vals[BLOCK_TARGET], "values": vals, "vanishing": vanish}
