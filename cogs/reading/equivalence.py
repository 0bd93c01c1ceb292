"""Is a newly registered generator a family CoGS already has (or part of one), up to gauge?

A generator's block (3 × m factor, the node values on the orbit) is known up to the gauge the
reading quotients by: per-row scaling, node order and node signs (:mod:`cogs.reading.normal_forms`).
:func:`equivalent_families` builds the new generator's block for a few random parameter sets
and asks each other registered family of the same order and orbit kind — through its reading
matcher, which fits that family's parameters (:func:`cogs.reading.naming.name_factor`) —
whether it reproduces every one of them. One that does names the same networks: the new
generator adds no construction, and the registry reading will name its orbits by whichever
comes first. Registering such a generator warns (:class:`EquivalentGeneratorWarning`); it is
still registered.

>>> import warnings, cogs
>>> from cogs.generators import Signature, scoped_registry
>>> with scoped_registry() as reg, warnings.catch_warnings(record=True) as caught:
...     warnings.simplefilter("always")
...     @cogs.register_generator(name="nu_i_again", order=2, kinds=("complex",),
...                              signature=reg["z_nu_i"].signatures["complex"])
...     def again():   # z_nu_i's two nodes in the other order: the same block up to gauge
...         return [(1j, -1j, 1), (1, 1, 1)]
...     print([str(w.message).split(";")[0] for w in caught if w.category is EquivalentGeneratorWarning])
["generator 'nu_i_again' builds only members of the registered family z_nu (up to gauge) on complex orbits"]
"""

from __future__ import annotations

import typing
import warnings

import numpy as np

from cogs.generators.registry import after_register
from cogs.reading.matcher_registry import matcher_for
from cogs.reading.naming import name_factor

__all__ = ["EquivalentGeneratorWarning", "equivalent_families"]

#: a fit this close (max deviation of the normal forms) reproduces the block
EQUIVALENCE_TOL = 1e-6


@typing.final
class EquivalentGeneratorWarning(UserWarning):
    """A registered generator builds what another registered family builds (up to gauge)."""


def equivalent_families(gen, registry, *, trials: int = 3, seed: int = 0, tol: float = EQUIVALENCE_TOL) -> dict:
    """{orbit kind: name of another registered family of ``registry`` that reproduces
    ``gen``'s block for ``trials`` random parameter sets}, for each kind where one does."""
    order = getattr(gen, "order", None)
    if getattr(gen, "builds", "block") != "block" or not isinstance(order, int) or order < 2:
        return {}
    rng = np.random.default_rng(seed)
    out = {}
    for kind in getattr(gen, "kinds", ()) or ():
        blocks = []
        for _ in range(trials):
            try:
                blocks.append(np.asarray(gen.build(kind, gen.sample_params(rng)).v, dtype=np.complex128))
            except Exception:  # noqa: BLE001 - a sampler or builder that fails here: nothing to compare
                return out
        for other in registry:
            if other.name == gen.name or getattr(other, "order", None) != order or kind not in (other.kinds or ()):
                continue
            m = matcher_for(other, custom={})  # the family's own builder or closed form
            if m is None:
                continue
            if all(name_factor(v, kind, matchers=[m], tol=tol) is not None for v in blocks):
                out[kind] = other.name
                break
    return out


_busy = [False]


def _warn_if_equivalent(registry, gen) -> None:
    from cogs.generators.builtin import BUILTIN_NAMES

    if _busy[0] or gen.name in BUILTIN_NAMES:  # the built-in families are known to nest (z_nu_i in z_nu)
        return
    _busy[0] = True
    try:
        found = equivalent_families(gen, registry)
    finally:
        _busy[0] = False
    for kind, other in found.items():
        warnings.warn(f"generator {gen.name!r} builds only members of the registered family {other} (up to gauge) on "
                      f"{kind} orbits; it adds no construction that one lacks, and trained orbits are named by the "
                      "first registered",
                      EquivalentGeneratorWarning, stacklevel=4)


after_register(_warn_if_equivalent)
