"""Naming the factors of an orbit block against the generator registry (docs/solutions.md#partial-solutions, docs/reading.md).

The work is split by job; this module gathers their public names so that existing imports
(``from cogs.reading.classify import …``) keep working:

* :mod:`cogs.reading.normal_forms` — what a factor is known up to (row scaling D, node order,
  node signs) and the normal forms that remove D and enumerate the rest;
* :mod:`cogs.reading.matchers` — the :class:`Matcher` protocol, the closed-form matchers of
  the §6 families (:data:`BUILTIN_MATCHERS`, :func:`default_matchers`) and the SPs each family
  kills (:func:`vanishing_of`, read from the registry's declared signatures);
* :mod:`cogs.reading.generic_matcher` — :class:`GenericMatcher`, which recognises any
  registered family from its builder and sampler alone;
* :mod:`cogs.reading.naming` — naming a factor, a product block and a single-family block
  (:func:`name_factor`, :func:`name_product`, :func:`name_single`, :func:`classify_block`).

``BUILTIN_VANISHING`` (the SPs each built-in family kills) is :func:`builtin_vanishing`'s
value, derived from the default registry on first access.

>>> classify_block([[1, 1j], [1, -1j], [1, 1]])[1].family
'z_nu_i'

Reference: Y. Tian, NeurIPS 2025, arXiv 2410.01779; docs/solutions.md#partial-solutions, docs/reading.md.
"""

from __future__ import annotations

from cogs.reading.generic_matcher import GenericMatcher
from cogs.reading.matchers import (
    BUILTIN_MATCHERS,
    OMEGA,
    Matcher,
    OneNodeMatcher,
    ZNuIMatcher,
    ZNuMatcher,
    ZRealMatcher,
    ZSynABMatcher,
    ZSynMatcher,
    ZXiMatcher,
    builtin_vanishing,
    default_matchers,
    vanishing_of,
)
from cogs.reading.naming import (
    NAME_TOLERANCE,
    BlockName,
    FactorName,
    classify_block,
    name_factor,
    name_product,
    name_single,
)
from cogs.reading.normal_forms import normal_forms, normalize_base

__all__ = [
    "BUILTIN_MATCHERS",
    "BlockName",
    "FactorName",
    "GenericMatcher",
    "Matcher",
    "NAME_TOLERANCE",
    "OMEGA",
    "OneNodeMatcher",
    "ZNuIMatcher",
    "ZNuMatcher",
    "ZRealMatcher",
    "ZSynABMatcher",
    "ZSynMatcher",
    "ZXiMatcher",
    "builtin_vanishing",
    "classify_block",
    "default_matchers",
    "name_factor",
    "name_product",
    "name_single",
    "normal_forms",
    "normalize_base",
    "vanishing_of",
]


def __getattr__(name: str):
    # BUILTIN_VANISHING is derived from the default registry, which is built on first use
    if name == "BUILTIN_VANISHING":
        return builtin_vanishing()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
