"""Certificates: what was built, and independent evidence that it is a global solution.

A :class:`Certificate` records, per orbit {k, −k} (an :class:`OrbitCertificate`): the
generators and their parameters (ν, ξ, ε, α, β as numbers), the order (nodes after merging),
the block-level SP values of docs/mathematics.md#sum-potentials of the normalised block, the
full-group constraint report of :func:`cogs.sp.loss.constraint_report` computed from the final
weights (r_kkk, and the R_c, R_n, R_* violations), and for cross-orbit cancellation the
residual ρ_k and γ_k. Globally (:func:`certify`, an :class:`Evidence`): the exact loss over all
d² pairs (:func:`models.exact_loss.exact_loss`: the weight-space form, or the residual sum when
q ≥ d², as for memorize; plus the brute-force loss of :func:`models.residuals.residual_loss`
when d ≤ 128: enumeration of all pairs, summing squared residuals so that exact solutions
score ~1e-30 rather than the 1e-16 floor of the per-sample expansion), the total order and
‖W‖² (as built and after balancing). Networks with DC input components (the chain
construction) are outside the zero-mean sufficient conditions: their certificate uses the
general κ form of the loss, per output orbit (``kappa_loss``), and brute force, and
``certificate_form`` says which evidence was used. ``to_dict()`` is plain JSON (complex
numbers as {"re": .., "im": ..}), the object ``cogs construct --json`` prints.

>>> from cogs.solver import construct
>>> cert = construct("Z7", "f46").certificate
>>> cert
Certificate(group='Z7', strategy='f46', order=14, passed=True)
>>> cert.orbits[0]
OrbitCertificate(k=1, kind='complex', role='helper', name='z_nu*z_syn', order=6)
>>> cert.d, cert.details.helper_orbit, cert.brute_force_loss < 1e-20
(7, 1, True)
>>> list(cert.to_dict())[:5]
['group', 'd', 'complex_orbits', 'real_characters', 'strategy']

Reference: Tian, NeurIPS 2025, arXiv:2410.01779 (docs/mathematics.md#sum-potentials, docs/solutions.md#global-solutions).
"""

from __future__ import annotations

import abc
import json
import typing
from collections.abc import Mapping

import attrs
import numpy as np

from models.frozen import frozen_mapping, reduce_by_fields
from models.jsonable import jsonable
from models.weights import weights_of

__all__ = ["Certificate", "CertificateText", "Evidence", "OrbitCertificate", "StrategyDetails", "certify"]

LOSS_TOL = 1e-12
#: input DC (paper units) above which a network is certified with the general κ form
DC_TOL = 1e-9
#: the κ form forms d³ terms (O(d³q) work): used up to this order
KAPPA_MAX_D = 128
REFERENCE = "Tian, NeurIPS 2025, arXiv:2410.01779"


def _plain(x):
    """Plain JSON (:func:`models.jsonable.jsonable`), read-only mappings included."""
    if isinstance(x, Mapping):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    return jsonable(x)


@typing.final
@attrs.frozen(repr=False)
class OrbitCertificate:
    """One row of a certificate: what was built on one orbit (or on the shared unit node at
    k = 0) and the evidence found there. Built-in rows come in four shapes — a registry
    composition (f6, f46, auto, and the even part of chain), memorize's shared block, a chain
    block, the unit node — and :meth:`to_dict` writes their keys in the order given.

    >>> from groups import parse_group
    >>> G = parse_group("Z7")
    >>> row = OrbitCertificate.of(G, G.orbits()[1], role="full", name="mine", generators=["mine"], order=6)
    >>> row.k, row.neg, row.coords, row.order, row.full_group
    (2, 5, (2,), 6, None)
    >>> row.to_dict()
    {'k': 2, 'neg': 5, 'kind': 'complex', 'coords': [2], 'role': 'full', 'name': 'mine', 'generators': ['mine'], 'order': 6}
    """

    _entries: Mapping = attrs.field(converter=frozen_mapping)

    @classmethod
    def of(cls, group, orbit, *, character: int | None = None, **entries) -> OrbitCertificate:
        """The row of ``orbit``: k, neg, kind and coords (those of ``character`` when given,
        which is recorded next), then ``entries`` in the order given."""
        head = {"k": orbit.k, "neg": orbit.neg, "kind": orbit.kind}
        head["coords"] = [int(x) for x in group.coords(orbit.k if character is None else character)]
        if character is not None:
            head["character"] = int(character)
        return cls({**head, **entries})

    __reduce__ = reduce_by_fields

    def extended(self, **entries) -> OrbitCertificate:
        """A copy with ``entries`` appended (the evidence :func:`certify` adds)."""
        return OrbitCertificate({**self._entries, **entries})

    def to_dict(self) -> dict:
        return _plain(self._entries)

    def __repr__(self) -> str:
        return f"OrbitCertificate(k={self.k}, kind={self.kind!r}, role={self.role!r}, name={self.name!r}, order={self.order})"

    @property
    def k(self) -> int:
        """The orbit's representative character (0 for the shared unit node)."""
        return self._entries["k"]

    @property
    def neg(self) -> int:
        """−k (k itself on a real orbit)."""
        return self._entries["neg"]

    @property
    def kind(self) -> str:
        """'complex', 'real', or 'dc' (the unit node)."""
        return self._entries["kind"]

    @property
    def coords(self) -> tuple[int, ...]:
        """Coordinates of the character the row's block uses."""
        return tuple(self._entries["coords"])

    @property
    def character(self) -> int | None:
        """A chain block's character (k or −k), None elsewhere."""
        return self._entries.get("character")

    @property
    def role(self) -> str:
        """'helper', 'partial' or 'full' (compositions), 'shared' (memorize), 'chain' or the
        linked generator's name (chain)."""
        return self._entries["role"]

    @property
    def name(self) -> str:
        """The composition's name (``z_nu*z_syn``, ``chain_link``, …)."""
        return self._entries["name"]

    @property
    def generators(self) -> tuple[str, ...]:
        """The top-level factors."""
        return tuple(self._entries["generators"])

    @property
    def leaves(self) -> tuple:
        """Each leaf generator with its parameter values."""
        return tuple(self._entries.get("leaves", ()))

    @property
    def order(self) -> int:
        """Hidden nodes on the orbit (after merging)."""
        return self._entries["order"]

    @property
    def block_sps(self) -> Mapping | None:
        """The block SPs of the normalised block (compositions and memorize)."""
        return self._entries.get("block_sps")

    @property
    def rn_residual(self) -> complex | None:
        """ρ_k, the orbit's R_n sum before cancellation (layouts with a helper)."""
        return self._entries.get("rn_residual")

    @property
    def gamma(self) -> complex | None:
        """γ_k = −ρ_k/N put on the helper's nodes (partial orbits of a layout with a helper)."""
        return self._entries.get("gamma")

    @property
    def cycle(self) -> int | None:
        """The doubling cycle of a chain block."""
        return self._entries.get("cycle")

    @property
    def dc_inputs(self) -> bool | None:
        """Whether a linked block's inputs carry DC components."""
        return self._entries.get("dc_inputs")

    @property
    def link_type(self) -> str | None:
        """'u' or 'c' (a chain link), 'unit' (a sign node reading the unit node)."""
        return self._entries.get("type")

    @property
    def links_to(self) -> int | None:
        """The orbit whose exported Γ-pair (or unit node, 0) the block reads."""
        return self._entries.get("links_to")

    @property
    def link_character(self) -> int | None:
        """The character of the Γ-pair a chain link reads."""
        return self._entries.get("link_character")

    @property
    def full_group(self) -> Mapping | None:
        """r_kkk and the R_c, R_n, R_* violations at k from the final weights (not at k = 0)."""
        return self._entries.get("full_group")

    @property
    def kappa_loss(self) -> float | None:
        """The orbit's share of the κ-form loss (networks with DC inputs)."""
        return self._entries.get("kappa_loss")


class StrategyDetails(abc.ABC):
    """What a strategy adds to its certificate under keys of its own, between the header and
    the evidence (f6/f46/auto: ``helper_orbit``; memorize: ``memorization_check``; chain:
    ``chain``). Subclass it (an attrs value) for a strategy of your own."""

    @abc.abstractmethod
    def to_dict(self) -> dict:
        """The certificate entries, ``{key: JSON-able value}``."""


@typing.final
@attrs.frozen(repr=False)
class Evidence:
    """What :func:`certify` finds for a set of weights: the exact loss (``loss_method``), the
    brute-force loss (d ≤ ``brute_force_max_d``), the κ-form loss (DC inputs, d ≤ 128), which
    of them decided (``certificate_form``), ``passed``, the largest SP violations, the input
    DC, and the orbit rows extended with their full-group report (and κ share)."""

    loss: float
    loss_method: str
    certificate_form: str
    kappa_loss: float | None
    brute_force_loss: float | None
    loss_tolerance: float
    passed: bool
    max_violation: Mapping = attrs.field(converter=frozen_mapping)
    dc_inputs: float
    orbits: tuple[OrbitCertificate, ...] = attrs.field(converter=tuple)

    __reduce__ = reduce_by_fields

    def __repr__(self) -> str:
        return f"Evidence(loss={self.loss:.3e}, passed={self.passed}, certificate_form={self.certificate_form!r})"


class CertificateText:
    """What every certificate (per orbit, :class:`Certificate`; per block,
    :class:`cogs.solver.block_certificate.BlockCertificate`) writes the same way: its JSON text,
    its repr and the strategy line of its table. A subclass has ``group``, ``strategy``,
    ``requested_strategy``, ``order``, ``passed`` and ``to_dict()``."""

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(group={self.group!r}, strategy={self.strategy!r}, order={self.order}, "
                f"passed={self.passed})")

    def strategy_line(self) -> str:
        """``strategy     NAME``, and the strategy asked for when another one was built."""
        return f"strategy     {self.strategy}" + (f"  (requested {self.requested_strategy})"
                                                  if self.requested_strategy != self.strategy else "")


@typing.final
@attrs.frozen(kw_only=True, repr=False)
class Certificate(CertificateText):
    """The certificate of one construction (module doc). Fields, in the order :meth:`to_dict`
    writes them: the header (group … reference; group, d and the orbit counts from
    ``G.summary()``), the strategy's :class:`StrategyDetails` (its own keys), the build time
    (``time_build_s``: planning — the per-orbit search — and assembly, under ``construct``),
    the :class:`Evidence`, both weight norms, the orbit rows and the total time.

    >>> from cogs.solver import construct
    >>> cert = construct("Z2xZ2xZ2", "f46").certificate
    >>> cert.strategy, cert.requested_strategy, cert.passed, cert.order == cert.predicted_order == 14
    ('f6', 'f46', True, True)
    >>> print(cert.table().splitlines()[2])
    note         Z2xZ2xZ2 has no complex orbit, so no helper orbit for R_n cancellation: f46 falls back to f6
    """

    group: str
    d: int
    complex_orbits: int
    real_characters: int
    strategy: str
    requested_strategy: str
    note: str
    seed: int
    order: int
    predicted_order: int
    reference_orders: Mapping = attrs.field(converter=frozen_mapping)
    balanced: bool
    reference: str = REFERENCE
    details: StrategyDetails | None = None
    time_build_s: float
    loss: float
    loss_method: str
    certificate_form: str
    kappa_loss: float | None
    brute_force_loss: float | None
    loss_tolerance: float
    passed: bool
    max_violation: Mapping = attrs.field(converter=frozen_mapping)
    dc_inputs: float
    weight_norm2: float
    balanced_weight_norm2: float
    orbits: tuple[OrbitCertificate, ...] = attrs.field(converter=tuple)
    time_total_s: float

    def to_dict(self) -> dict:
        """Plain JSON, keys in field order (``details`` contributes its own keys)."""
        out: dict = {}
        for f in attrs.fields(Certificate):
            value = getattr(self, f.name)
            if f.name == "details":
                out.update(value.to_dict() if value is not None else {})
            elif f.name == "orbits":
                out["orbits"] = [row.to_dict() for row in value]
            else:
                out[f.name] = value
        return _plain(out)

    __reduce__ = reduce_by_fields

    def table(self, max_rows: int = 40) -> str:
        """A readable summary (one line per orbit, the first ``max_rows`` orbits)."""
        v = self.max_violation
        lines = [
            f"group        {self.group}  (d = {self.d}, {self.complex_orbits} complex orbits, {self.real_characters} real characters)",
            self.strategy_line(),
        ]
        if self.note:
            lines.append(f"note         {self.note}")
        lines += [
            f"order        {self.order} hidden nodes  (" + ", ".join(f"{k} = {q}" for k, q in self.reference_orders.items()) + ")",
            f"loss         {self.loss:.3e}  ({'fast_loss' if self.loss_method.startswith('fast') else 'residual sum'}, all d² pairs)"
            + (f";  brute force {self.brute_force_loss:.3e}" if self.brute_force_loss is not None else ""),
            f"certified    {self.certificate_form}" + (f";  κ form {self.kappa_loss:.3e}" if self.kappa_loss is not None else ""),
            (
                f"max |SP|     R_c {v['R_c']:.1e}  R_n {v['R_n']:.1e}  R_* {v['R_*']:.1e}  |r_kkk − 1| {v['r_kkk']:.1e}  (R_c = √(Σ|r|² − |r_kkk|²) bottoms out near 1e-8)"
                if self.dc_inputs <= DC_TOL
                else f"DC inputs    max |A_0|, |B_0| = {self.dc_inputs:.3g} (paper units): the zero-mean SP conditions do not apply"
            ),
            f"‖W‖²         {self.weight_norm2:.4g} as built, {self.balanced_weight_norm2:.4g} balanced" + ("  (weights saved balanced)" if self.balanced else ""),
            f"passed       {self.passed}  (loss < {self.loss_tolerance:g})",
            "",
            f"{'k':>6} {'kind':<8} {'role':<8} {'order':>5}  generators",
        ]
        for row in self.orbits[:max_rows]:
            extra = ""
            if row.links_to is not None:
                extra = f"   type {row.link_type}, reads the Γ-pair at k={row.links_to}"
            if row.kappa_loss is not None:
                extra += f"   κ-loss {row.kappa_loss:.1e}"
            if row.gamma is not None:
                extra = f"   γ = {complex(row.gamma):.3g}"
            lines.append(f"{row.k:>6} {row.kind:<8} {row.role:<8} {row.order:>5}  {row.name}{extra}")
        if len(self.orbits) > max_rows:
            lines.append(f"   … {len(self.orbits) - max_rows} more orbits (use --json for all)")
        return "\n".join(lines)


def certify(group, W_a=None, W_b=None, W_c=None, *, orbits=(), brute_force_max_d: int = 128, tol: float = LOSS_TOL) -> Evidence:
    """The global evidence for a network — or ``group``'s weights (numpy float64) — and the per-orbit rows ``orbits``
    (:class:`OrbitCertificate`) extended with it: the exact loss, the brute-force loss when
    d ≤ ``brute_force_max_d``, the full-group constraint report per orbit, and the κ form when
    the inputs carry DC components.

    >>> import numpy as np
    >>> from cogs.solver import construct
    >>> c = construct("Z5", "chain")
    >>> W_a, W_b, W_c = c.weights
    >>> certify(c.group, W_a, W_b, 1.0001 * W_c).passed   # a slightly wrong network
    False
    """
    import torch

    from cogs.sp.loss import constraint_report
    from models.exact_loss import exact_loss, exact_loss_method
    from models.residuals import residual_loss

    group, W_a, W_b, W_c = weights_of(group, W_a, W_b, W_c, quadratic="a certificate")
    d = group.order
    Wt = [torch.tensor(np.asarray(w), dtype=torch.float64) for w in (W_a, W_b, W_c)]  # a copy: read-only arrays welcome
    with torch.no_grad():
        # weight space for q < d²; for wider networks (memorize: q = d²) enumerating the
        # residuals costs no more and is exact to ~1e-30, where the weight-space form's
        # cancellation leaves ~1e-16·q²/d (1e-12 for Z3xZ9's 729 nodes)
        loss = float(exact_loss(group, *Wt))
        brute = float(residual_loss(group, *Wt)) if d <= brute_force_max_d else None
        report = constraint_report(group, *Wt)
    by_k = {r["k"]: r for r in report["orbits"]}
    maxv = {"R_c": 0.0, "R_n": 0.0, "R_*": 0.0, "r_kkk": 0.0}
    rows = []
    for row in orbits:
        if row.k not in by_k:  # a shared node at k = 0 (no orbit): nothing to report
            rows.append(row)
            continue
        rep = by_k[row.k]
        for f in ("R_c", "R_n", "R_*"):
            maxv[f] = max(maxv[f], float(rep[f]))
        maxv["r_kkk"] = max(maxv["r_kkk"], abs(complex(rep["r_kkk"]) - 1))
        rows.append(row.extended(full_group={"r_kkk": rep["r_kkk"], "R_c": rep["R_c"], "R_n": rep["R_n"], "R_*": rep["R_*"]}))
    dc = max(report["dc_a"], report["dc_b"])
    kappa = None
    if dc > DC_TOL:
        # DC input components: the zero-mean SP conditions do not decide the loss; certify with
        # the general κ form (per output orbit) and brute force, and say so.
        if d <= KAPPA_MAX_D:
            from cogs.sp.loss import kappa_terms

            with torch.no_grad():
                terms = kappa_terms(group, *Wt)
            kappa = float(terms.sum())
            rows = [row.extended(kappa_loss=float(sum(float(terms[m]) for m in {row.k, row.neg}))) for row in rows]
        form = "kappa (general form, DC inputs) + brute force" if brute is not None else "kappa (general form, DC inputs) + weight space"
        if kappa is None:
            form = "weight space + brute force (d too large for the κ form)" if brute is not None else "weight space only (d too large for the κ form and brute force)"
        evidence = [x for x in (kappa, brute) if x is not None] or [loss]
    else:
        form = "zero-mean SP report + weight space" + (" + brute force" if brute is not None else "")
        evidence = [brute] if brute is not None else [loss]
    # exact enumeration decides when it ran; the weight-space form is signed and loses
    # precision for large weights, so only its magnitude counts when it is all there is
    passed = bool(all(abs(x) < tol for x in evidence))
    return Evidence(
        loss=loss,
        loss_method=exact_loss_method(int(Wt[0].shape[0]), d),
        certificate_form=form,
        kappa_loss=kappa,
        brute_force_loss=brute,
        loss_tolerance=tol,
        passed=passed,
        max_violation=maxv,
        dc_inputs=dc,
        orbits=rows,
    )
