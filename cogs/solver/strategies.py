"""The registered strategies, ``auto``, and :func:`construct`.

:data:`STRATEGIES` maps each name to its :class:`~cogs.solver.strategy.Strategy`, in
registration order: the built-ins f6, f46, chain, memorize (:mod:`cogs.solver.builtin_strategies`)
and ``auto``, then any registered with :func:`register_strategy`. ``cogs construct --strategy``,
``cogs compare --strategies``, ``cogs bounds`` and ``cogs discover --init-from`` all read it.

``auto``  the lowest order: the registry's cheapest per-orbit layout (per orbit kind the
          cheapest full and partial (R_n-free) compositions, the cheapest helper, and the
          better of "no cancellation" and "helper + cheapest of full/partial everywhere else";
          with the built-ins a single node (1, 1, 1) on each real orbit, its R_n residual
          cancelled by the helper: order 2d − r, below z_F4/6 whenever the group has real
          characters and a complex orbit), unless another registered strategy plans a
          strictly lower order — the chain on odd groups. It compares the strategies whose
          ``compared`` is True (not memorize); one whose plan raises a ValueError counts as
          refusing the group. Each strategy is planned once; the certificate names the winner
          and says why. It reads its layout's options and every option of those it compares.

:func:`construct` plans once (:func:`make_plan`), raises a refusal's reason as a ValueError,
else builds and certifies (:meth:`~cogs.solver.strategy.Plan.build`).

>>> c = construct("Z9", "auto")
>>> c.meta["strategy"], c.order, c.certificate.note
('chain', 15, 'auto: chain (order 15) is below the lowest per-orbit composition (auto layout, order 18)')

Reference: Tian, NeurIPS 2025, arXiv:2410.01779 (docs/solutions.md#global-solutions).
"""

from __future__ import annotations

import time
import typing

import attrs

from cogs.generators.registry import Registry
from cogs.generators.scope import current_registry
from cogs.solver.builtin_strategies import CHAIN, F6, F46, LAYOUT_OPTIONS, MEMORIZE, MEMORIZE_MAX_D, compose_layout, layout_plan
from cogs.solver.order_formulas import reference_orders
from cogs.solver.polarize import POLARIZE
from cogs.solver.strategy import Plan, Refusal, Strategy, check_seed
from groups import FiniteAbelianGroup, parse_group
from models.named_registry import NamedRegistry
from models.network import Network

__all__ = ["MEMORIZE_MAX_D", "STRATEGIES", "construct", "get_strategy", "make_plan", "readers", "reference_orders", "register_strategy",
           "unregister_strategy"]


STRATEGIES = NamedRegistry("strategy", Strategy, doc="""The registered construction strategies by name, in
registration order: the built-ins f6, f46, chain, memorize, polarize and auto, then those added with
:func:`register_strategy` (a read-only mapping; iterating it gives the names).

>>> import cogs
>>> ", ".join(cogs.STRATEGIES), cogs.STRATEGIES["f46"].summary
('f6, f46, chain, memorize, polarize, auto', 'z_F4/6: R_n cancelled through one helper orbit, order 2d (f6 on Z_2^n)')
""")
__test__ = {"STRATEGIES": STRATEGIES.__doc__}


@typing.final
class Auto(Strategy):
    """The lowest order over the registry's layout and the other registered strategies (module doc)."""

    name = "auto"
    summary = "the lowest order: the registry's cheapest per-orbit layout, or another strategy's plan when strictly lower"
    compares_others = True
    groups = "any"  # a group read by irreps: the lowest of the strategies that serve any group

    @property
    def options(self) -> tuple[str, ...]:
        """The layout's options, then those of every strategy it compares (registration order)."""
        names = list(LAYOUT_OPTIONS)
        for s in self._compared():
            names += [o for o in s.options if o not in names]
        return tuple(names)

    def _compared(self) -> list[Strategy]:
        return [s for s in STRATEGIES.values() if s is not self and s.compared and not s.compares_others]

    def plan(self, group, *, registry, polynomial=True, sums=True, max_factors=3, **options):
        search = dict(polynomial=polynomial, sums=sums, max_factors=max_factors)
        if not isinstance(group, FiniteAbelianGroup):
            return self._plan_by_irreps(group, registry, options)
        own = layout_plan(self, group, registry, **search)
        if isinstance(own, Refusal):
            return own
        others = [_plan_or_refuse(s, group, registry, search, options) for s in self._compared() if s.compares_on(group)]
        others = [p for p in others if isinstance(p, Plan)]
        best = min(others, key=lambda p: p.order, default=None)
        if best is None or best.order >= own.order:
            return attrs.evolve(own, alternatives=others)
        note = f"auto: {best.name} (order {best.order}) is below the lowest per-orbit composition ({own.name} layout, order {own.order})"
        return attrs.evolve(best, requested=self.name, note=note, alternatives=[own, *others])

    def _plan_by_irreps(self, group, registry, options):
        """No characters: the lowest plan of the strategies that serve any group."""
        serving = [s for s in STRATEGIES.values() if s is not self and s.compares_on(group) and not s.compares_others]
        plans = [_plan_or_refuse(s, group, registry, {}, options) for s in serving]
        ok = sorted((p for p in plans if isinstance(p, Plan)), key=lambda p: p.order)
        if not ok:
            reasons = "; ".join(p.reason for p in plans if isinstance(p, Refusal)) or "no strategy serves it"
            return Refusal(self, group, f"no strategy builds for {group.spec}: {reasons}")
        best = ok[0]
        note = f"auto: {best.name}, the lowest of " + ", ".join(f"{p.name} ({p.order})" for p in ok)
        return attrs.evolve(best, requested=self.name, note=note, alternatives=ok[1:])

    def assemble(self, plan, seed):
        return compose_layout(plan, seed)


def _plan_or_refuse(strategy: Strategy, group, registry, search: dict, options: dict) -> Plan | Refusal:
    """``strategy``'s plan for auto, given the options it declares; a ValueError it raises is its
    refusal of the group — unless the caller gave it an option it reads (a bad φ for the chain):
    that is the caller's error."""
    given = {k: v for k, v in {**search, **options}.items() if k in strategy.options}
    try:
        return strategy.plan(group, registry=registry, **given)
    except ValueError as e:
        if set(options) & set(strategy.options):
            raise
        text = str(e).strip()
        return Refusal(strategy, group, text.splitlines()[0] if text else type(e).__name__, cause=e)


def register_strategy(strategy: Strategy) -> Strategy:
    """Add ``strategy`` under its ``name`` (after those registered before it); ``construct``,
    ``auto`` and ``cogs construct --strategy NAME`` use it from then on. Returns it.

    >>> import cogs
    >>> from cogs.solver import Plan, Refusal, Strategy, make_plan, unregister_strategy
    >>> class OddF46(Strategy):   # f46's layout, on groups of odd order only
    ...     name, summary = "odd_f46", "z_F4/6 on groups of odd order"
    ...     def plan(self, group, *, registry, **options):
    ...         if group.order % 2 == 0:
    ...             return Refusal(self, group, f"{group.spec} has even order")
    ...         layout = cogs.STRATEGIES["f46"].plan(group, registry=registry).recipe
    ...         return Plan(self, group, layout.order(group), registry=registry, recipe=layout)
    ...     def assemble(self, plan, seed):
    ...         return cogs.STRATEGIES["f46"].assemble(plan, seed)
    >>> _ = cogs.register_strategy(OddF46())
    >>> cogs.construct("Z7", "odd_f46").certificate
    Certificate(group='Z7', strategy='odd_f46', order=14, passed=True)
    >>> make_plan("Z8", "odd_f46").reason, ", ".join(cogs.STRATEGIES)
    ('Z8 has even order', 'f6, f46, chain, memorize, polarize, auto, odd_f46')
    >>> _ = unregister_strategy("odd_f46")
    """
    summary = getattr(strategy, "summary", None)
    if isinstance(strategy, Strategy) and (not isinstance(summary, str) or not summary.strip() or "\n" in summary):
        raise ValueError(f"strategy {strategy.name!r}: give it a one-line summary, got {summary!r}")
    return STRATEGIES.register(strategy)


def unregister_strategy(name: str) -> Strategy:
    """Remove the strategy called ``name``; returns it."""
    return STRATEGIES.unregister(name)


def get_strategy(name: str) -> Strategy:
    """The registered strategy called ``name`` (ValueError listing the registered names)."""
    return STRATEGIES.lookup(name)


def make_plan(group, strategy: str = "auto", *, registry: Registry | None = None, **options) -> Plan | Refusal:
    """Plan ``strategy`` for ``group`` without building: a Plan (its ``order``) or a Refusal.
    ``registry``: the generator registry (None: the current one); ``options``: those the
    strategy reads (its ``options``; f6/f46: polynomial, sums, max_factors; chain: phi, tri3;
    auto: all of these), passed to its ``plan``. An option it does not read is a TypeError
    naming the strategy, what it reads and which strategies read the option.

    >>> make_plan("Z23", "chain").order, make_plan("Z23").order
    (44, 44)
    >>> make_plan("Z7", "f46", phi=0.3)
    Traceback (most recent call last):
    ...
    TypeError: strategy 'f46' does not read phi: it reads polynomial, sums, max_factors (phi is read by chain, auto)
    """
    G = parse_group(group)
    chosen = get_strategy(strategy)
    _check_options(chosen, options)
    if chosen.groups != "any" and not isinstance(G, FiniteAbelianGroup):
        kind = "is Abelian but given by its table" if G.is_abelian else "is not Abelian"
        return Refusal(chosen, G, f"{chosen.name} builds from the characters of a finite Abelian group written as Z_n factors; "
                                  f"{G.spec} {kind}", brief="needs a finite Abelian group (Z_n factors)")
    return chosen.plan(G, registry=current_registry() if registry is None else registry, **options)


def readers(options, *, every: bool = True) -> list[Strategy]:
    """The registered strategies that read every one of ``options`` (``every=False``: any).

    >>> [s.name for s in readers(["phi"])], [s.name for s in readers(["phi", "sums"], every=False)]
    (['chain', 'auto'], ['f6', 'f46', 'chain', 'auto'])
    """
    wanted = set(options)
    return [s for s in STRATEGIES.values() if (wanted <= set(s.options) if every else wanted & set(s.options))]


def _check_options(chosen: Strategy, options: dict) -> None:
    """TypeError for an option no registered strategy reads, or one ``chosen`` does not read."""
    known = {o for s in STRATEGIES.values() for o in s.options}
    unknown = sorted(set(options) - known)
    if unknown:
        raise TypeError(f"unknown option(s) {', '.join(unknown)}; the registered strategies read {', '.join(sorted(known))}")
    unread = [o for o in options if o not in chosen.options]
    if unread:
        names = [s.name for s in readers(unread, every=False)]
        raise TypeError(f"strategy {chosen.name!r} does not read {', '.join(unread)}: it reads {', '.join(chosen.options) or 'no options'} "
                        f"({', '.join(unread)} {'is' if len(unread) == 1 else 'are'} read by {', '.join(names)})")


def construct(group, strategy: str = "auto", *, seed: int = 0, registry: Registry | None = None, balance: bool = True,
              brute_force_max_d: int = 128, **options) -> Network:
    """Build a global solution for ``group`` with the registered ``strategy`` and certify it:
    a :class:`models.network.Network` whose ``certificate`` is a
    :class:`~cogs.solver.certificate.Certificate`.

    Plans once (:func:`make_plan`; ``registry`` and ``options`` as there: ``phi``, the chain's
    angle, default π/8, and ``tri3``, three-node blocks on orbits with 3k = 0, apply to
    ``chain`` and to ``auto`` when it picks the chain), then builds with random parameter
    values from ``seed``, balanced unless ``balance=False``, brute force up to
    d = ``brute_force_max_d``. A refusal is raised: ValueError with its reason (a
    :class:`~cogs.solver.search.CoverageError` naming the first orbit the registry cannot
    cover); ValueError too for an unknown strategy or a bad seed; TypeError for an option the
    strategy does not read (:func:`make_plan`).

    >>> import cogs
    >>> net = cogs.construct("Z23", "f46")
    >>> net.order, net.certificate.passed, net.meta["strategy"]
    (46, True, 'f46')
    >>> cogs.construct("Z4", "chain")
    Traceback (most recent call last):
    ...
    ValueError: Z4 has no character of odd order besides 0, so chain has no doubling cycle to build on and nothing to add to the registry's compositions — use f46 or auto
    """
    started = time.perf_counter()  # the certificate's times include planning (the per-orbit search)
    G = parse_group(group)
    get_strategy(strategy)
    check_seed(seed)  # bad arguments fail before planning
    plan = make_plan(G, strategy, registry=registry, **options)
    if isinstance(plan, Refusal):
        raise plan.error()
    return plan.build(seed, balance=balance, brute_force_max_d=brute_force_max_d, started=started)


for _builtin in (F6, F46, CHAIN, MEMORIZE, POLARIZE, Auto()):
    register_strategy(_builtin)
