"""Parsing of the group spec strings of docs/mathematics.md#groups-and-elements: 'Z23', '23', 'Z2xZ3xZ4', '2x3x4'."""

from __future__ import annotations

import typing

import re

from groups._base import FiniteAbelianGroup
from groups._concrete import from_moduli

_FACTOR = re.compile(r"^z?([0-9]+)$")  # ASCII digits only: int() would also read "٣" or "３"
MAX_ORDER = 10**7


@typing.final
class GroupSpecError(ValueError):
    """A group spec string that does not name a finite Abelian group."""


def parse_group(spec: "str | int | FiniteAbelianGroup") -> FiniteAbelianGroup:
    """Parse a spec string (case-insensitive, spaces ignored) into a cached group.

    >>> parse_group("Z2xZ3xZ4").order
    24
    >>> parse_group("z23") == parse_group("23")
    True
    """
    if isinstance(spec, FiniteAbelianGroup):
        return spec
    if isinstance(spec, int) and not isinstance(spec, bool):
        spec = str(spec)
    if not isinstance(spec, str):
        raise GroupSpecError(f"group spec must be a string, got {type(spec).__name__}")
    text = spec.strip().lower().replace(" ", "").replace("×", "x")
    if not text:
        raise GroupSpecError("empty group spec; expected e.g. 'Z23' or 'Z2xZ3xZ4'")
    moduli = []
    for i, part in enumerate(text.split("x"), start=1):
        if part == "":
            raise GroupSpecError(f"group spec {spec!r}: empty factor {i} (expected e.g. 'Z2xZ3')")
        m = _FACTOR.match(part)
        if m is None:
            if any(ch.isdigit() and not ch.isascii() for ch in part):
                raise GroupSpecError(f"group spec {spec!r}: factor {part!r} has a non-ASCII digit (write 0-9)")
            if re.match(r"^z?-[0-9]+$", part):
                raise GroupSpecError(f"group spec {spec!r}: factor {part!r} has a negative order")
            raise GroupSpecError(
                f"group spec {spec!r}: factor {part!r} is not of the form Zn or n (n ≥ 2)"
            )
        digits = m.group(1).lstrip("0") or "0"
        if len(digits) > len(str(MAX_ORDER)):  # also keeps int() off huge digit strings
            raise GroupSpecError(
                f"group spec {spec!r}: factor {part!r} exceeds the supported order {MAX_ORDER}"
            )
        n = int(digits)
        if n == 0:
            raise GroupSpecError(f"group spec {spec!r}: factor {part!r} has order 0")
        if n == 1:
            raise GroupSpecError(f"group spec {spec!r}: factor {part!r} is trivial (Z_1 is not allowed)")
        moduli.append(n)
    order = 1
    for n in moduli:
        order *= n
    if order > MAX_ORDER:
        raise GroupSpecError(f"group spec {spec!r}: order {order} exceeds the supported {MAX_ORDER}")
    return from_moduli(tuple(moduli))
