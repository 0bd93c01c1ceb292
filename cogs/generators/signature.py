"""The signature language: what a generator declares, and how a declaration is spelt.

A generator of partial solutions (docs/solutions.md#partial-solutions) declares *what it does* rather than how:

* a block generator (one orbit {k, −k}) declares a :class:`Signature` — r_kkk (a number, or
  ``None`` for "non-zero, value depends on the parameters or the group") and the block sum
  potentials of docs/mathematics.md#sum-potentials that vanish for every valid parameter value;
* a linked generator (the chain construction, ``docs/beyond.md``) declares a
  :class:`LinkSignature` — which orbits it may sit on, its node count, whether its inputs
  carry DC components, what it reads of another block and what it exports.

Because every SP is a semi-ring homomorphism Z → C, block signatures compose: under ``*`` the
vanishing sets unite and r_kkk multiplies; this is what the solver (:mod:`cogs.solver`)
searches over.

This module holds those two value types, the canonical spelling of block SPs
(:func:`canonical_monomial`: ``"c a b'"`` → ``"ab'c"``) and their order (docs/mathematics.md#sum-potentials list), and the
printing/parsing round trip: ``repr`` prints a declaration as Python literal syntax and
``parse`` reads it back without ``eval``. It also defines :class:`RegistrationError`, the
error a malformed or false declaration raises everywhere in :mod:`cogs.generators`.

Nothing here builds or checks a generator: see :mod:`cogs.generators.generator` (the
generator type), :mod:`cogs.generators.verify` (numerical checks of a declaration) and
:mod:`cogs.generators.registry` (collections of generators).

>>> s = Signature(2, ["bbc", "c a a"])
>>> s, Signature.parse(repr(s)) == s
(Signature(r_kkk=2.0, vanishing=('aac', 'bbc')), True)
>>> LinkSignature.parse("LinkSignature('real', nodes=1, links='unit')").links
'unit'

Reference: Tian, NeurIPS 2025, arXiv:2410.01779 (docs/mathematics.md#sum-potentials, docs/solutions.md#partial-solutions).
"""

from __future__ import annotations

import typing

import attrs
import numpy as np

from cogs.generators._literal import parse_call
from cogs.sp.potentials import BLOCK_FAMILIES, BLOCK_TARGET, BlockPotential, block_potentials

__all__ = [
    "KINDS",
    "LINK_KINDS",
    "LinkSignature",
    "ORBIT_CLASSES",
    "RegistrationError",
    "Signature",
    "canonical_monomial",
    "monomial_rank",
]

#: orbit kinds a block generator may apply to
KINDS = ("complex", "real")
#: orbit classes a linked generator may apply to (see :class:`LinkSignature`)
ORBIT_CLASSES = ("complex", "order3", "real", "dc")
#: what a linked block may read of another block or export to one
LINK_KINDS = ("gamma", "unit")


@typing.final
class RegistrationError(ValueError):
    """A generator whose declaration is malformed or does not hold numerically."""


# ---------------------------------------------------------------------------------------
# block SPs: canonical spelling and order
# ---------------------------------------------------------------------------------------
_ALL_MONOMIALS = {m for kind in KINDS for m in block_potentials(kind)}
_MONOMIAL_ORDER: dict[str, int] = {}
for _m in list(block_potentials("complex")) + list(block_potentials("real")):
    _MONOMIAL_ORDER.setdefault(_m, len(_MONOMIAL_ORDER))


def monomial_rank(m: str) -> int:
    """Position of a canonical block SP in the list of docs/mathematics.md#sum-potentials (the order declarations print in)."""
    return _MONOMIAL_ORDER[m]


def canonical_monomial(text: str) -> str:
    """``"c a b'"`` → ``"ab'c"``: the canonical spelling of a block SP (docs/mathematics.md#sum-potentials list)."""
    if not isinstance(text, str):
        raise TypeError(f"a block sum potential is a string like \"a'bc\", got {text!r}")
    m = BlockPotential(text, "complex").monomial
    if m not in _ALL_MONOMIALS or m == BLOCK_TARGET:
        allowed = ", ".join(sorted(_ALL_MONOMIALS - {BLOCK_TARGET}, key=_MONOMIAL_ORDER.get))
        raise ValueError(f"{text!r} is not one of the block SPs of docs/mathematics.md#sum-potentials ({allowed})")
    return m


# ---------------------------------------------------------------------------------------
# block signatures
# ---------------------------------------------------------------------------------------
def _r_converter(x):
    if x is None:
        return None
    if isinstance(x, bool) or not isinstance(x, (int, float, complex, np.number)):
        raise TypeError(f"r_kkk must be a number or None, got {x!r}")
    z = complex(x)
    if not np.isfinite(z) or z == 0:
        raise ValueError(f"r_kkk must be finite and non-zero, got {x!r}")
    return z.real if z.imag == 0 else z


def _vanishing_converter(names) -> tuple[str, ...]:
    if isinstance(names, str):
        names = (names,)
    out = {canonical_monomial(n) for n in names}
    return tuple(sorted(out, key=_MONOMIAL_ORDER.get))


@typing.final
@attrs.frozen(repr=False)
class Signature:
    """What a partial solution does on its orbit: r_kkk and the SPs that vanish.

    ``r_kkk``: the declared value of Σ abc (a number), or ``None`` for "non-zero, value
    depends on the parameters or the group". ``vanishing``: block SPs of docs/mathematics.md#sum-potentials (strings as
    in :mod:`cogs.sp.potentials`, e.g. ``"a'bc"``, ``"aa'c"``, ``"aac"``), stored canonically.
    Immutable and hashable; ``eval(repr(s)) == s`` and ``Signature.parse(repr(s)) == s``.

    >>> s = Signature(2, ["bbc", "aac"])
    >>> s
    Signature(r_kkk=2.0, vanishing=('aac', 'bbc'))
    >>> Signature.parse(repr(s)) == s
    True
    >>> Signature.families(1, "R_c", "R_*").vanishing
    ("a'bc", "ab'c", "abc'", 'aac', 'bbc', "a'a'c", "b'b'c")
    """

    r_kkk: complex | float | None = attrs.field(converter=_r_converter)
    vanishing: tuple[str, ...] = attrs.field(default=(), converter=_vanishing_converter)

    def __repr__(self) -> str:
        return f"Signature(r_kkk={self.r_kkk!r}, vanishing={self.vanishing!r})"

    @classmethod
    def parse(cls, text: str) -> "Signature":
        """Parse ``repr(signature)`` back without ``eval`` (literals only)."""
        args, kwargs = parse_call(text, "Signature")
        return cls(*args, **kwargs)

    @classmethod
    def families(cls, r_kkk, *families: str, kind: str = "complex") -> "Signature":
        """Signature whose vanishing set is the union of docs/mathematics.md#sum-potentials families ('R_c', 'R_n', 'R_*')."""
        names: list[str] = []
        for f in families:
            if f not in BLOCK_FAMILIES[kind]:
                raise ValueError(f"unknown SP family {f!r}; choose from {sorted(BLOCK_FAMILIES[kind])}")
            names.extend(BLOCK_FAMILIES[kind][f])
        return cls(r_kkk, names)

    def for_kind(self, kind: str) -> "Signature":
        """Check that every vanishing SP exists on an orbit of ``kind``."""
        have = set(block_potentials(kind))
        bad = [m for m in self.vanishing if m not in have]
        if bad:
            raise RegistrationError(
                f"SP(s) {', '.join(bad)} do not exist on a {kind} orbit (there: {', '.join(sorted(have - {BLOCK_TARGET}))})"
            )
        return self

    def to_dict(self) -> dict:
        r = self.r_kkk
        if isinstance(r, complex):
            r = {"re": r.real, "im": r.imag}
        return {"r_kkk": r, "vanishing": list(self.vanishing)}


# ---------------------------------------------------------------------------------------
# linked signatures
# ---------------------------------------------------------------------------------------
def _link_kind(x) -> str:
    if x is True:
        return "gamma"
    if x is False or x is None:
        return ""
    if x not in ("",) + LINK_KINDS:
        raise ValueError(f"links/exports must be '', 'gamma' or 'unit', got {x!r}")
    return str(x)


@typing.final
@attrs.frozen
class LinkSignature:
    """What a linked generator declares: the orbits it applies to (``"complex"``: every
    complex orbit whose characters have odd order; ``"order3"``: orbits with 3k = 0;
    ``"real"``: real characters, 2k = 0; ``"dc"``: the trivial character k = 0, for shared
    nodes that only serve links), its node count, whether its nodes carry DC input
    components, what it reads of another block (``links``: ``"gamma"`` for a Γ-pair,
    ``"unit"`` for the shared unit node, ``""`` for nothing) and what it exports (``exports``,
    same values). ``eval(repr(s)) == s``.

    >>> s = LinkSignature("order3", nodes=3, dc_inputs=True)
    >>> s
    LinkSignature(orbits='order3', nodes=3, dc_inputs=True, links='', exports='')
    >>> LinkSignature.parse(repr(s)) == s
    True
    """

    orbits: str = attrs.field(validator=attrs.validators.in_(ORBIT_CLASSES))
    nodes: int = attrs.field(converter=int, validator=attrs.validators.ge(1))
    dc_inputs: bool = attrs.field(default=False, converter=bool)
    links: str = attrs.field(default="", converter=_link_kind)
    exports: str = attrs.field(default="", converter=_link_kind)

    @classmethod
    def parse(cls, text: str) -> "LinkSignature":
        """Parse ``repr(signature)`` back without ``eval`` (literals only)."""
        args, kwargs = parse_call(text, "LinkSignature")
        return cls(*args, **kwargs)

    def applies(self, group, k: int) -> bool:
        """Whether this block may sit on the orbit of character k of ``group``."""
        k = int(k)
        if self.orbits == "dc":
            return k == 0
        if k == 0:
            return False
        order = int(group.element_orders()[k])
        if self.orbits == "order3":
            return order == 3
        if self.orbits == "real":
            return order == 2
        return order % 2 == 1

    def to_dict(self) -> dict:
        return attrs.asdict(self)
