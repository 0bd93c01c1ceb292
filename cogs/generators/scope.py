"""Which registry is current: the default one, unless a :func:`scoped_registry` block is active.

Every function that takes ``registry=None`` (the solver's :func:`~cogs.solver.search`,
:func:`~cogs.solver.construct`, :func:`~cogs.solver.plan_layout`, the chain functions, the
analysis's :func:`~cogs.reading.resolve_matchers`, …) resolves ``None`` with
:func:`current_registry`, so a scope changes what all of them see. :func:`scoped_registry`
makes a *copy* current for a ``with`` block (a context variable, so threads and async tasks
keep their own), and :func:`register_generator` registers into whichever registry is current —
tests and experiments can add throwaway generators without polluting the global one.

This module sits above both the registry type (:mod:`cogs.generators.registry`) and the
default registry of built-ins (:mod:`cogs.generators.defaults`), because its fallback is the
default registry.

>>> import numpy as np
>>> from cogs.generators.signature import Signature
>>> with scoped_registry() as reg:
...     @register_generator(name="w3", order=3, kinds=("complex",),
...                         signature=Signature(3, ("a'bc", "abc'", "aa'c", "bb'c", "aac", "bbc", "b'b'c")))
...     def w3():
...         w = np.exp(2j * np.pi / 3)
...         return [(w ** -m, 1, w ** m) for m in range(3)]
...     "w3" in reg, "w3" in current_registry(), "w3" in default_registry()
(True, True, False)
>>> "w3" in current_registry()
False
"""

from __future__ import annotations

import contextlib
import contextvars

from cogs.generators.defaults import default_registry
from cogs.generators.registry import Registry, registering

__all__ = ["current_registry", "register_generator", "scoped_registry"]

_CURRENT: contextvars.ContextVar[Registry | None] = contextvars.ContextVar("cogs_registry", default=None)


def current_registry() -> Registry:
    """The registry in force: the one of the innermost active :func:`scoped_registry` block,
    else :func:`~cogs.generators.defaults.default_registry`."""
    reg = _CURRENT.get()
    return reg if reg is not None else default_registry()


@contextlib.contextmanager
def scoped_registry(base: Registry | None = None):
    """Make a *copy* of ``base`` (default: the current registry) current for the ``with``
    block; registrations inside do not leak out. Yields the copy."""
    reg = (base if base is not None else current_registry()).copy()
    token = _CURRENT.set(reg)
    try:
        yield reg
    finally:
        _CURRENT.reset(token)


def register_generator(**kwargs):
    """Decorator registering ``func`` in the current registry (see
    :func:`~cogs.generators.generator.make_generator` for the keywords: name, order, kinds,
    signature, params, builds, math, doc; plus verify, replace, strict). The declaration is
    checked numerically: a wrong one is refused with :class:`RegistrationError`.

    >>> import cogs
    >>> from cogs.generators import Signature, scoped_registry
    >>> everything_but_abc_ab_c = ["a'bc", "abc'", "aa'c", "bb'c", "aac", "bbc", "a'a'c", "b'b'c"]
    >>> with scoped_registry() as reg:   # fourth roots of unity; drop the `with` to register globally
    ...     @cogs.register_generator(name="q4", order=4, kinds=("complex",),
    ...                              signature=Signature(4, everything_but_abc_ab_c))
    ...     def q4():
    ...         return [(1j ** -m, 1, 1j ** m) for m in range(4)]
    ...     small = reg.subset(["z_nu_i", "q4", "z_real"])
    ...     cogs.construct("Z7", "f6", registry=small).certificate.orbits[0].name
    'z_nu_i*q4'
    """

    def wrap(func):
        return registering(current_registry(), **kwargs)(func)  # the registry current when applied

    return wrap
