"""The strategy interface: a :class:`Strategy` plans once per group and the plan builds.

``strategy.plan(group, registry=…, **options)`` decides, without building anything, either a
:class:`Plan` — the order it will build, a note, and whatever it needs to build — or a
:class:`Refusal` with a one-line reason. ``plan.build(seed)`` then asks the strategy to
:meth:`~Strategy.assemble` the weights and one :class:`~cogs.solver.certificate.OrbitCertificate`
per orbit, balances them, certifies them (:func:`~cogs.solver.certificate.certify`) and returns
a :class:`models.network.Network` carrying the :class:`~cogs.solver.certificate.Certificate`.
Strategies are registered by name in :data:`cogs.solver.STRATEGIES` (docs/extending.md,
"Adding a strategy").

>>> from cogs.solver import make_plan
>>> plan = make_plan("Z7", "f46")
>>> plan, plan.order
(Plan(strategy='f46', group=Z7, order=14), 14)
>>> net = plan.build(seed=0)
>>> net.order, net.certificate.passed
(14, True)
>>> refusal = make_plan("Z4", "chain")
>>> refusal.strategy.name, refusal.reason.split(",")[0]
('chain', 'Z4 has no character of odd order besides 0')
"""

from __future__ import annotations

import abc
import time
import typing

import attrs
import numpy as np

from cogs.generators.registry import Registry
from cogs.solver.assemble import balance as balance_weights
from cogs.solver.certificate import Certificate, OrbitCertificate, StrategyDetails, certify
from cogs.solver.order_formulas import reference_orders
from groups import FiniteAbelianGroup, parse_group
from models.network import Network

__all__ = ["Assembly", "Plan", "Refusal", "Strategy", "check_seed"]


class Strategy(abc.ABC):
    """A way to build a certified global solution for a group.

    A subclass sets ``name`` (one word: it is what ``construct(G, name)`` and
    ``cogs construct --strategy NAME`` take), a one-line ``summary``, optionally ``options``
    (the keyword options its :meth:`plan` reads: ``construct`` refuses any other), and
    implements :meth:`plan` and :meth:`assemble`. Register an instance with
    :func:`cogs.solver.register_strategy`.

    Two flags say how it takes part in comparisons: ``compared`` (default True) — ``auto`` and
    :func:`cogs.solver.bounds.bounds` compare this strategy's order with the others' (memorize
    sets False: d² nodes is never the lowest, and it is refused above d = 64); and
    ``compares_others`` (default False) — its plan is another strategy's when that one is lower
    (``auto``): auto does not plan it, and bounds tries it last, so that a tie credits the
    strategy that builds the network.

    >>> from cogs.solver import STRATEGIES
    >>> [(s.name, s.options) for s in STRATEGIES.values()][:3]
    [('f6', ('polynomial', 'sums', 'max_factors')), ('f46', ('polynomial', 'sums', 'max_factors')), ('chain', ('phi', 'tri3'))]
    """

    name: str
    summary: str
    options: tuple[str, ...] = ()
    compared: bool = True
    compares_others: bool = False
    #: the groups it builds for: "abelian" (finite Abelian groups written as Z_n factors: it
    #: reads characters and orbits) or "any"; :func:`~cogs.solver.make_plan` refuses the others
    #: before :meth:`plan` is called
    groups: str = "abelian"

    def compares_on(self, group) -> bool:
        """Whether ``auto`` and :func:`~cogs.solver.bounds.bounds` compare this strategy on
        ``group`` (default: :attr:`compared`, and only where it serves the group)."""
        return self.compared and (self.groups == "any" or isinstance(group, FiniteAbelianGroup))

    @abc.abstractmethod
    def plan(self, group, *, registry: Registry, **options) -> Plan | Refusal:
        """Decide for ``group`` (a group object) with the generator ``registry``: a
        :class:`Plan` with the order it will build, or a :class:`Refusal` saying why not.
        ``options`` are those :func:`~cogs.solver.construct` was given that this strategy
        declares in :attr:`options` (construct refuses the others; ``auto`` passes each strategy
        only its own). Build nothing here."""

    @abc.abstractmethod
    def assemble(self, plan: Plan, seed: int) -> Assembly:
        """The weights of ``plan`` (random parameter values from ``seed``) and one row per
        orbit; :meth:`Plan.build` balances and certifies them."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"


def _one_line(instance, attribute, value) -> None:
    if not isinstance(value, str) or not value.strip() or "\n" in value:
        raise ValueError(f"a Refusal's reason is one non-empty line (it becomes the error message), got {value!r}")


@typing.final
@attrs.frozen(repr=False)
class Refusal:
    """A strategy's answer when it cannot build a solution for ``group``: the one-line
    ``reason`` (``construct`` raises it as a ValueError). ``cause``: the strategy's own
    exception when it had one (a :class:`~cogs.solver.search.CoverageError` names the orbit
    the registry cannot cover), raised instead so that its type and details survive.
    ``brief``: a short form of the reason for a table cell (a compare report's skipped row),
    when the reason is too long for one; :attr:`note` is it, or the reason.

    >>> from cogs.solver import make_plan
    >>> make_plan("Z65", "memorize")
    Refusal(strategy='memorize', group=Z65, reason='memorize builds d² = 4225 hidden nodes for Z65; refusing |G| = 65 > 64 (size limit MEMORIZE_MAX_D: weights O(d³), certificate O(d⁵))')
    """

    strategy: Strategy
    group: typing.Any = attrs.field(converter=parse_group)
    reason: str = attrs.field(validator=_one_line)
    cause: ValueError | None = attrs.field(default=None, kw_only=True, eq=False)
    brief: str | None = attrs.field(default=None, kw_only=True)

    @property
    def note(self) -> str:
        """The reason in a table cell: :attr:`brief` when there is one, else the reason."""
        return self.brief or self.reason

    def error(self) -> ValueError:
        """The exception to raise: ``cause``, else a ValueError with the reason."""
        return self.cause if self.cause is not None else ValueError(self.reason)

    def __repr__(self) -> str:
        return f"Refusal(strategy={self.strategy.name!r}, group={self.group.spec}, reason={self.reason!r})"


@typing.final
@attrs.frozen(repr=False)
class Assembly:
    """What a strategy assembles from a plan before balancing and certification: real float64
    weights (W_a, W_b: q × d, W_c: d × q), one row per orbit, and the strategy's own
    certificate entries (``details``, or None)."""

    W_a: np.ndarray
    W_b: np.ndarray
    W_c: np.ndarray
    orbits: tuple[OrbitCertificate, ...] = attrs.field(converter=tuple)
    details: StrategyDetails | None = None
    #: on a group read by irreps: one :class:`~cogs.solver.block_certificate.BlockRow` per block
    blocks: tuple = attrs.field(default=(), converter=tuple)

    def __repr__(self) -> str:
        return f"Assembly(order={self.W_a.shape[0]}, orbits={len(self.orbits)})"


def check_seed(seed) -> int:
    """``seed`` as an int ≥ 0 (ValueError otherwise)."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be an int ≥ 0, got {seed!r}")
    return int(seed)


def _check_size(plan: Plan) -> None:
    """Refuse before building when the construction and its certificate would need more memory
    or work than :mod:`models.limits` allows."""
    from models.limits import check, construct_estimate

    d = plan.group.order
    est = construct_estimate(d, plan.order)
    check(f"constructing {plan.requested} for {plan.group.spec} (d = {d}, up to {plan.order} hidden nodes, certificate included)",
          memory=est["memory"], work=est["work"])


@typing.final
@attrs.frozen(eq=False, repr=False)
class Plan:
    """A strategy's decision for a group: it will build ``order`` hidden nodes.

    ``strategy`` builds it (:meth:`Strategy.assemble`) with the generator ``registry``;
    ``recipe`` is whatever the strategy needs for that (a :class:`~cogs.solver.layout.Layout`,
    a :class:`~cogs.solver.chain.ChainLayout`, …). ``name`` is what the certificate calls the
    construction (the strategy's name, or what it fell back to: f46 on Z_2^n builds ``f6``),
    ``requested`` the strategy asked for (``auto`` when auto chose this plan), ``note`` a line
    for the certificate, ``alternatives`` the other plans auto compared."""

    strategy: Strategy
    group: typing.Any = attrs.field(converter=parse_group)
    order: int = attrs.field(converter=int)
    registry: Registry = attrs.field(kw_only=True)
    recipe: typing.Any = attrs.field(default=None, kw_only=True)
    note: str = attrs.field(default="", kw_only=True)
    name: str = attrs.field(default=attrs.Factory(lambda self: self.strategy.name, takes_self=True), kw_only=True)
    requested: str = attrs.field(default=attrs.Factory(lambda self: self.strategy.name, takes_self=True), kw_only=True)
    alternatives: tuple[Plan, ...] = attrs.field(default=(), kw_only=True, converter=tuple)

    def __repr__(self) -> str:
        return f"Plan(strategy={self.name!r}, group={self.group.spec}, order={self.order})"

    def build(self, seed: int, *, balance: bool = True, brute_force_max_d: int = 128, started: float | None = None) -> Network:
        """Assemble, balance (or keep as built, ``balance=False``; both norms are recorded) and
        certify (brute force up to d = ``brute_force_max_d``): a Network with its
        :class:`~cogs.solver.certificate.Certificate` and ``meta``. The certificate's
        ``time_build_s`` and ``time_total_s`` count from ``started`` (a ``time.perf_counter()``
        reading: :func:`~cogs.solver.construct` passes the moment before planning, so that the
        per-orbit search counts), else from this call."""
        t0 = time.perf_counter() if started is None else float(started)
        seed = check_seed(seed)
        _check_size(self)
        G = self.group
        built = self.strategy.assemble(self, seed)
        W = (built.W_a, built.W_b, built.W_c)
        norm2 = float(sum(np.sum(w**2) for w in W))
        balanced = balance_weights(*W)[:3]
        final = balanced if balance else W
        if not isinstance(G, FiniteAbelianGroup):  # no orbits: certified by blocks and the loss in four parts
            from cogs.solver.block_certificate import block_certificate

            cert = block_certificate(self, final, weight_norm2=norm2, seed=seed, balance=balance,
                                     brute_force_max_d=brute_force_max_d, t0=t0, rows=built.blocks)
        else:
            summary = G.summary()
            header = dict(
                group=summary["group"],
                d=summary["order"],
                complex_orbits=summary["complex_orbits"],
                real_characters=summary["real_characters"],
                strategy=self.name,
                requested_strategy=self.requested,
                note=self.note,
                seed=seed,
                order=int(built.W_a.shape[0]),
                predicted_order=self.order,
                reference_orders=reference_orders(G, plans=(self, *self.alternatives)),
                balanced=bool(balance),
                details=built.details,
                weight_norm2=norm2,
                balanced_weight_norm2=float(sum(np.sum(w**2) for w in balanced)),
                time_build_s=time.perf_counter() - t0,
            )
            evidence = certify(G, *final, orbits=built.orbits, brute_force_max_d=brute_force_max_d)
            cert = Certificate(**header, **attrs.asdict(evidence, recurse=False), time_total_s=time.perf_counter() - t0)
        meta = {"strategy": self.name, "requested_strategy": self.requested, "seed": seed, "order": int(final[0].shape[0]),
                "loss": cert.loss, "balanced": bool(balance), "source": "cogs construct"}
        return Network(G, *final, meta=meta, certificate=cert)
