"""The defaults: the global registry of built-in generators.

:func:`default_registry` holds every built-in of :mod:`cogs.generators.builtin` — the rows of
the docs/solutions.md#partial-solutions table, the memorisation factors y_1, y_2 of docs/solutions.md#global-solutions and the linked generators of
the chain construction (:mod:`cogs.generators.builtin_linked`) — each verified at registration
(strictly: an undeclared vanishing SP is an error). It is built once, on first use.

Code that wants "the registry in force" should ask :func:`cogs.generators.scope.current_registry`
instead, which is this one unless a :func:`~cogs.generators.scope.scoped_registry` block is
active.

>>> reg = default_registry()
>>> reg.names()[:4], reg["z_nu"].signature("complex").vanishing
(['one', 'u_syn', 'z_syn', 'u_nu'], ('aac', 'bbc'))

Reference: Tian, NeurIPS 2025, arXiv:2410.01779 (docs/solutions.md#partial-solutions, docs/solutions.md#global-solutions).
"""

from __future__ import annotations

from cogs.generators.builtin import register_builtins
from cogs.generators.registry import Registry

__all__ = ["default_registry"]

_DEFAULT: Registry | None = None


def default_registry() -> Registry:
    """The global registry holding the built-ins of docs/solutions.md#partial-solutions and the memorisation factors."""
    global _DEFAULT
    if _DEFAULT is None:
        reg = Registry()
        register_builtins(reg)
        _DEFAULT = reg
    return _DEFAULT
