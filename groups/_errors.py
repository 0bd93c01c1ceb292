"""The errors of groups/: each is one line that says what is wrong and how to fix it."""

from __future__ import annotations

import typing

__all__ = ["GroupSpecError", "NotAbelianError"]


@typing.final
class GroupSpecError(ValueError):
    """A group spec string (or the table file it names) that does not give a finite group."""


@typing.final
class NotAbelianError(ValueError):
    """An operation that reads characters of a finite Abelian group, asked of another group."""


def require_abelian(G, what: str):
    """``G`` if it is a :class:`groups.FiniteAbelianGroup`, else :class:`NotAbelianError`."""
    from groups._base import FiniteAbelianGroup

    if not isinstance(G, FiniteAbelianGroup):
        raise NotAbelianError(
            f"{what} needs a finite Abelian group written as Z_n factors (e.g. Z23, Z2xZ4); {G.spec} is "
            + ("Abelian but given by its table" if G.is_abelian else "not Abelian")
        )
    return G
