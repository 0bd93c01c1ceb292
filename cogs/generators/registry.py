"""The registry: ordered, named collections of generators whose declarations were verified.

A :class:`Registry` maps names to :class:`~cogs.generators.generator.Generator` objects in
registration order (that order is the solver's and the analysis's preference order).
:meth:`Registry.register` verifies a generator's declaration numerically
(:func:`~cogs.generators.verify.verify_generator`) before adding it; lookup is by name
(``reg["z_nu"]``), by kind (:meth:`Registry.block_generators`, :meth:`Registry.linked_generators`)
or by subset (:meth:`Registry.subset`), and :attr:`Registry.version` changes with every
registration (callers use it as a cache key).

Registries are ordinary objects: which one is *current* — the default registry of built-ins
(:mod:`cogs.generators.defaults`) unless a :func:`~cogs.generators.scope.scoped_registry`
block is active — is decided in :mod:`cogs.generators.scope`, which sits above both.

>>> import numpy as np
>>> reg = Registry()
>>> @reg.generator(name="w3", order=3, kinds=("complex",),
...                signature=Signature(3, ("a'bc", "abc'", "aa'c", "bb'c", "aac", "bbc", "b'b'c")))
... def w3():
...     w = np.exp(2j * np.pi / 3)
...     return [(w ** -m, 1, w ** m) for m in range(3)]
>>> reg, reg["w3"].signature("complex").r_kkk
(Registry([w3]), 3.0)

For convenience this module re-exports the lower layers' public names (``Signature``,
``Param``, ``Generator``, ``make_generator``, ``RegistrationError``, ``verify_generator``, …).

Reference: Y. Tian, "Composing Global Solutions to Reasoning Tasks via Algebraic Objects in
Neural Nets", NeurIPS 2025, arXiv:2410.01779.
"""

from __future__ import annotations

import itertools
import typing
from collections.abc import Iterable

from cogs.generators.generator import BUILDS, Generator, Param, make_generator
from cogs.generators.signature import KINDS, RegistrationError, Signature, canonical_monomial
from cogs.generators.verify import ATOL, UndeclaredVanishingWarning, VerificationReport, sp_values, verify_generator

__all__ = [
    "ATOL",
    "BUILDS",
    "Generator",
    "KINDS",
    "Param",
    "RegistrationError",
    "Registry",
    "Signature",
    "UndeclaredVanishingWarning",
    "VerificationReport",
    "canonical_monomial",
    "make_generator",
    "registering",
    "sp_values",
    "verify_generator",
]

_TOKENS = itertools.count()


@typing.final
class Registry:
    """An ordered, named collection of generators (registration order = preference order).

    >>> reg = Registry()
    >>> len(reg), "one" in reg
    (0, False)
    """

    def __init__(self, generators: Iterable[Generator] = ()):
        self._gens: dict[str, Generator] = {}
        self._version = 0
        self._token = next(_TOKENS)
        for g in generators:
            self.register(g, verify=False)

    # -- collection ------------------------------------------------------------------
    def __contains__(self, name) -> bool:
        return name in self._gens

    def __getitem__(self, name: str) -> Generator:
        try:
            return self._gens[name]
        except KeyError:
            raise KeyError(f"no generator named {name!r} (registered: {', '.join(self._gens) or 'none'})") from None

    def __iter__(self):
        return iter(self._gens.values())

    def __len__(self) -> int:
        return len(self._gens)

    def __repr__(self) -> str:
        return f"Registry([{', '.join(self._gens)}])"

    def names(self) -> list[str]:
        return list(self._gens)

    def index(self, name: str) -> int:
        """Registration position (used to break ties: earlier is preferred)."""
        return self.names().index(name)

    @property
    def version(self) -> tuple[int, int]:
        """Changes whenever the registry changes (used as a cache key)."""
        return (self._token, self._version)

    def block_generators(self, kind: str) -> list[Generator]:
        return [g for g in self._gens.values() if g.builds == "block" and kind in g.kinds]

    def linked_generators(self) -> list[Generator]:
        return [g for g in self._gens.values() if g.builds == "linked"]

    def copy(self) -> "Registry":
        out = Registry()
        out._gens = dict(self._gens)
        return out

    def subset(self, names: Iterable[str]) -> "Registry":
        """A new registry with only these generators (in this registry's order)."""
        names = set(names)
        missing = names - set(self._gens)
        if missing:
            raise KeyError(f"no generator(s) named {sorted(missing)}")
        out = Registry()
        out._gens = {n: g for n, g in self._gens.items() if n in names}
        return out

    # -- registration ------------------------------------------------------------------
    def register(self, gen: Generator, *, verify: bool = True, replace: bool = False, strict: bool = False, samples: int = 5) -> Generator:
        if not isinstance(gen, Generator):
            raise TypeError(f"register() needs a Generator, got {gen!r}")
        if gen.name in self._gens and not replace:
            raise RegistrationError(f"a generator named {gen.name!r} is already registered (pass replace=True)")
        if verify:
            verify_generator(gen, samples=samples, strict=strict)
        self._gens[gen.name] = gen
        self._version += 1
        if verify:
            for check in list(_AFTER_REGISTER):  # checks of the layers above (cogs.reading: equivalent families)
                check(self, gen)
        return gen

    def unregister(self, name: str) -> Generator:
        gen = self[name]
        del self._gens[name]
        self._version += 1
        return gen

    def generator(self, **kwargs):
        """Decorator: ``@reg.generator(name=..., order=..., kinds=..., signature=..., params=...)``."""
        return registering(self, **kwargs)


# callables (registry, generator) run after every verified registration; the layers above this
# one add theirs (cogs.reading.equivalence warns about a generator equivalent to a registered one)
_AFTER_REGISTER: list = []


def after_register(check) -> None:
    """Run ``check(registry, generator)`` after every verified registration (once per callable)."""
    if check not in _AFTER_REGISTER:
        _AFTER_REGISTER.append(check)


def registering(registry: Registry, *, verify: bool = True, replace: bool = False, strict: bool = False, **kwargs):
    """Decorator registering ``func`` in ``registry`` (see :func:`make_generator` for the
    keywords: name, order, kinds, signature, params, builds, math, doc; plus verify, replace,
    strict). :meth:`Registry.generator` and :func:`~cogs.generators.scope.register_generator`
    are this with a fixed registry."""

    def wrap(func):
        gen = make_generator(func, **kwargs)
        registry.register(gen, verify=verify, replace=replace, strict=strict)
        return func

    return wrap

