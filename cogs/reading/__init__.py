"""Reading trained networks (docs/reading.md): orders per orbit, exact factorisation of order-4/6
orbits, naming the factors against the generator registry, statistics over seeds.

Modules: :mod:`~cogs.reading.orders` (orders by the absolute and the scale-free rule, read
from a :class:`models.spectrum.Spectrum`), :mod:`~cogs.reading.factorize` (pairing search),
:mod:`~cogs.reading.classify` (matcher protocol, built-in matchers, naming),
:mod:`~cogs.reading.matcher_registry` (registry → matchers), :mod:`~cogs.reading.orbit`
(:class:`OrbitAnalysis` and its projections :data:`ORBIT_VIEWS`), :mod:`~cogs.reading.stats`
(:func:`analyze_network`, :func:`aggregate`), :mod:`~cogs.reading.irreps` (any finite group:
orders and norm shares per real irreducible, :func:`read_irreps`).

Reference: Y. Tian, "Composing Global Solutions to Reasoning Tasks via Algebraic Objects in
Neural Nets", NeurIPS 2025, arXiv 2410.01779.

>>> from cogs.solver import construct
>>> net = analyze_network("Z7", *construct("Z7", "f46").weights)  # a constructed network, read back
>>> [o.order for o in net.orbits]  # z_F4/6 on Z7: orders 4 and 6 summing to 2d = 14
[6, 4, 4]
"""

from cogs.reading.classify import (
    BlockName,
    FactorName,
    GenericMatcher,
    Matcher,
    classify_block,
    default_matchers,
    name_factor,
    name_product,
    name_single,
    normal_forms,
)
from models.explain import Explanation, explain
from cogs.reading.factorize import (
    Factorization,
    Pairing,
    best_pairings,
    factor_threshold,
    factorize,
    factorize_batch,
    pairing_candidates,
    pairing_errors,
)
from cogs.reading.orders import Orders, orbit_orders
from models.spectrum import Spectrum
from cogs.reading.matcher_registry import matcher_for, register_matcher, resolve_matchers
from cogs.reading.equivalence import EquivalentGeneratorWarning, equivalent_families
from cogs.reading.orbit import ORBIT_VIEWS, OrbitAnalysis
from cogs.reading.stats import NetworkAnalysis, aggregate, analyze_network, analyze_spectrum
from cogs.reading.irreps import IrrepReading, read_irrep_spectrum, read_irreps

__all__ = [
    "EquivalentGeneratorWarning",
    "equivalent_families",
    "BlockName",
    "Explanation",
    "FactorName",
    "Factorization",
    "GenericMatcher",
    "IrrepReading",
    "Matcher",
    "NetworkAnalysis",
    "ORBIT_VIEWS",
    "OrbitAnalysis",
    "Orders",
    "Spectrum",
    "Pairing",
    "aggregate",
    "analyze_network",
    "analyze_spectrum",
    "best_pairings",
    "classify_block",
    "default_matchers",
    "explain",
    "factor_threshold",
    "factorize",
    "factorize_batch",
    "matcher_for",
    "name_factor",
    "name_product",
    "name_single",
    "normal_forms",
    "orbit_orders",
    "pairing_candidates",
    "pairing_errors",
    "read_irrep_spectrum",
    "read_irreps",
    "register_matcher",
    "resolve_matchers",
]
