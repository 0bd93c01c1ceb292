"""Bridge between the generator registry (``cogs.generators``) and the analysis matchers.

:func:`resolve_matchers` turns a registry into a tuple of matchers (protocol in
:mod:`cogs.reading.matchers`), in registry order (that order breaks naming ties and orders
equal-order factors in product names):

* a matcher registered here with :func:`register_matcher` (or a ``matcher`` attribute of
  the generator) is used as is;
* a built-in §6 name (``z_nu``, ``z_nu_i``, ``z_xi``, ``z_real``, ``z_syn``, ``z_syn_ab``)
  gets its closed-form matcher, with the orbit kinds the registry declares;
* any other generator of order ≥ 2 gets a :class:`GenericMatcher` built from its builder
  (params → Block or 3×m array), its sampler and its declared signature (vanishing SPs,
  used to prefer the product reading with the larger zero-set) — so a user-registered family is
  recognised with no change here; order-1 generators name nothing (a single node's
  normal form is always (1, 1, 1)).

The registry is :class:`cogs.generators.registry.Registry` (iterable of generators, in
registration order) or any iterable of objects with ``name``, ``order``, ``kinds``,
``builds``, ``build(kind, params) -> Block`` and ``sample_params(rng) -> dict``; ``None``
means the current registry (:func:`cogs.generators.current_registry`: the default one unless
inside :func:`cogs.generators.scoped_registry`).
"""

from __future__ import annotations

import weakref

import attrs
import numpy as np

from cogs.reading.generic_matcher import GenericMatcher
from cogs.reading.matchers import BUILTIN_MATCHERS
from cogs.generators import current_registry, default_registry

__all__ = ["custom_matchers", "default_registry", "matcher_for", "register_matcher", "resolve_matchers"]


# registry → {generator name: matcher}; a registry that is dropped (a scope that ended) takes
# its matchers with it
_CUSTOM: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def register_matcher(name: str, matcher, registry=None) -> None:
    """Use ``matcher`` (Matcher protocol, :mod:`cogs.reading.matchers`) for the generator
    called ``name`` instead of the built-in or generic one; ``None`` removes it.

    It belongs to ``registry`` (None: the current one). Registered on the default registry
    (outside any :func:`cogs.generators.scoped_registry`) it applies in every scope too;
    registered inside a scope it ends with the scope."""
    reg = current_registry() if registry is None else registry
    if matcher is None:
        _CUSTOM.get(reg, {}).pop(name, None)
        return
    if not callable(getattr(matcher, "fit", None)):
        raise TypeError(f"a matcher needs a fit(v, kind) method, got {matcher!r}")
    _CUSTOM.setdefault(reg, {})[name] = matcher


def custom_matchers(registry=None) -> dict:
    """{generator name: matcher} registered for ``registry`` (None: the current one),
    the default registry's included."""
    reg = current_registry() if registry is None else registry
    own = _CUSTOM.get(reg, {})
    default = _CUSTOM.get(default_registry(), {}) if reg is not default_registry() else {}
    return {**default, **own}


def _generators(registry) -> list:
    if registry is None:
        return []
    if hasattr(registry, "values") and callable(registry.values):
        return list(registry.values())
    return list(registry)


def matcher_for(gen, *, generic: bool = False, custom=None):
    """The matcher of one registered generator (see module doc), or None. ``generic=True``
    forces the builder-based :class:`GenericMatcher` (for cross-checks)."""
    name = str(getattr(gen, "name"))
    custom = custom_matchers() if custom is None else custom
    if name in custom and not generic:
        return custom[name]
    own = getattr(gen, "matcher", None)
    if own is not None and not generic and callable(getattr(own, "fit", None)):
        return own
    if getattr(gen, "builds", "block") != "block":
        return None  # whole-network generators (e.g. memorisation factors) name no orbit block
    order = getattr(gen, "order")
    if callable(order) or order is None:
        return None
    order = int(order)
    kinds = tuple(getattr(gen, "kinds", None) or ("complex",))
    sigs = getattr(gen, "signatures", None) or {}
    vanishing = {k: tuple(getattr(sigs.get(k), "vanishing", ()) or ()) for k in kinds}  # as this registry declares
    if name in BUILTIN_MATCHERS and not generic:
        return attrs.evolve(BUILTIN_MATCHERS[name](), kinds=kinds, vanishing=vanishing)
    if order < 2:
        return None

    def build(params, kind, _gen=gen):
        return np.asarray(_gen.build(kind, params).v, dtype=np.complex128)

    def sample(rng, _gen=gen):
        return _gen.sample_params(rng)

    m = GenericMatcher(name, order, kinds, build, sample)
    m.vanishing = vanishing
    return m


def resolve_matchers(registry=None) -> tuple:
    """Matchers for ``registry``, in its order (None: the current registry, see the module
    docstring)."""
    if registry is None:
        registry = current_registry()
    try:
        custom = custom_matchers(registry)
    except TypeError:  # a plain iterable of generators (not weak-referenceable): the default's
        custom = custom_matchers(default_registry())
    out = []
    for gen in _generators(registry):
        m = matcher_for(gen, custom=custom)
        if m is not None:
            out.append(m)
    return tuple(out)
