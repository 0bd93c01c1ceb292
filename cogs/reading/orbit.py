"""One orbit's reading, :class:`OrbitAnalysis`, and its one projection to JSON rows.

Every report that prints per-orbit rows picks its keys from the same fields through
:meth:`OrbitAnalysis.to_dict`, by the name of a *view* declared in :data:`ORBIT_VIEWS`
(data, not code), each named by what it holds: ``"full"`` is every field; ``"compact"`` the
orbit, its kind, both orders and the three readings (paper, exact search, registry) without
the nodes and factors; ``"compact_scale_free"`` the same without the kind, the scale-free
order under its own name ``order_scale_free``. A key is an attribute of the reading unless
:data:`COMPUTED` says how to compute it (``order_scale_free`` is ``order_rel``).

>>> from cogs.reading import analyze_network
>>> from cogs.solver import construct
>>> o = analyze_network(construct("Z7", "f46")).orbits[0]
>>> o
OrbitAnalysis(k=1, neg=6, kind=complex, order=6, factorable=True, family=z_nu*z_syn)
>>> o.to_dict("compact_scale_free")["order_scale_free"] == o.order_rel, list(o.to_dict("compact"))[:4]
(True, ['k', 'kind', 'order', 'order_rel'])
"""

from __future__ import annotations

import types
import typing

import attrs
import numpy as np

from cogs.reading.naming import BlockName
from cogs.reading.paper import PaperReading

__all__ = ["COMPUTED", "ORBIT_VIEWS", "OrbitAnalysis"]

#: the projections of an orbit's reading: view name → its keys, in output order
ORBIT_VIEWS: typing.Mapping[str, tuple[str, ...]] = types.MappingProxyType({
    "full": ("k", "neg", "kind", "order", "order_abs", "order_rel", "nodes", "factorable", "error", "threshold",
             "family", "factorable_exact", "error_exact", "paper_factors", "registry_family", "conjugated", "factors"),
    "compact": ("k", "kind", "order", "order_rel", "factorable", "error", "family", "factorable_exact",
                "registry_family"),
    "compact_scale_free": ("k", "order", "factorable", "family", "error", "order_scale_free", "factorable_exact",
                           "registry_family"),
})


def _finite_or_none(x) -> float | None:
    return None if x is None or not np.isfinite(x) else float(x)


#: keys whose value is not the reading's attribute of that name
COMPUTED: typing.Mapping[str, typing.Callable] = types.MappingProxyType({
    "nodes": lambda o: list(o.nodes),
    "threshold": lambda o: None if o.paper is None else float(o.paper.threshold),
    "error_exact": lambda o: None if o.factorization is None else _finite_or_none(o.factorization.error),
    "paper_factors": lambda o: [] if o.paper is None else [f.to_dict() for f in o.paper.factors],
    "conjugated": lambda o: o.name.conjugated,
    "factors": lambda o: [f.to_dict() for f in o.name.factors],
    "order_scale_free": lambda o: o.order_rel,
})


@typing.final
@attrs.frozen(eq=False, repr=False)
class OrbitAnalysis:
    """One orbit {k, neg}: ``kind``, orders by both rules, the analysed ``nodes`` (active
    under the analysis rule), ``block`` F (3×n, paper units), the pairing search
    ``factorization`` (None unless n ∈ factor orders), the registry ``name`` (a BlockName) and
    the ``paper``'s reading (None unless n ∈ factor orders)."""

    k: int
    neg: int
    kind: str
    order_abs: int
    order_rel: int
    order: int
    nodes: tuple
    block: np.ndarray
    factorization: object
    name: BlockName
    paper: PaperReading | None = None

    @property
    def is_factor_orbit(self) -> bool:
        return self.factorization is not None

    @property
    def factorable(self) -> bool | None:
        """The paper's reading: is the order-4/6 orbit factorable (None for other orders)."""
        return None if self.paper is None else bool(self.paper.factorable)

    @property
    def error(self) -> float | None:
        """The paper's pairing error (None for orbits not of order 4/6)."""
        return None if self.paper is None else _finite_or_none(self.paper.error)

    @property
    def factorable_exact(self) -> bool | None:
        """CoGS's exact pairing search (every split, matching and sign pattern)."""
        return None if self.factorization is None else bool(self.factorization.factorable)

    @property
    def family(self) -> str | None:
        """The headline name: the paper's reading (:mod:`cogs.reading.paper`) of a factorable
        order-4/6 orbit; None otherwise."""
        return None if self.paper is None else self.paper.family

    @property
    def registry_family(self) -> str | None:
        """CoGS's own reading: the registry matchers' name (:mod:`cogs.reading.classify`)."""
        return self.name.family

    @property
    def matched(self) -> bool:
        """Order 4/6, factorable and named by the paper's rules (counts towards ``match_rate``)."""
        return bool(self.factorable) and self.family is not None

    def to_dict(self, view: str = "full") -> dict:
        """The reading as a JSON-ready row with the keys of ``view`` (:data:`ORBIT_VIEWS`), in order."""
        keys = ORBIT_VIEWS.get(view)
        if keys is None:
            raise ValueError(f"unknown orbit view {view!r}; the views are {', '.join(ORBIT_VIEWS)}")
        return {key: COMPUTED[key](self) if key in COMPUTED else getattr(self, key) for key in keys}

    def __repr__(self) -> str:
        return (f"OrbitAnalysis(k={self.k}, neg={self.neg}, kind={self.kind}, order={self.order}, "
                f"factorable={self.factorable}, family={self.family})")
