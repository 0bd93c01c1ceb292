"""The certificate of a construction on a group read by irreps (no characters, no orbits).

It says what was built per block of the real group algebra (one row per non-trivial real
irreducible σ: its type, the block M_m(D), the bilinear algorithm and its rank, the nodes)
and how the loss was certified: the exact all-pairs loss (weight space or residual sum), the
loss in four parts (docs/mathematics.md#the-loss-in-four-parts: the bilinear part and three
junk parts, each a sum of squares) and, up to ``brute_force_max_d``, the residual sum over all
n² pairs. Exact enumeration decides when it ran.

>>> import cogs
>>> cert = cogs.construct("S3", "polarize").certificate
>>> cert.order, cert.passed, [(b.kind, b.m, b.algorithm, b.rank) for b in cert.blocks]
(16, True, [('R', 1, 'naive_R1', 1), ('R', 2, 'strassen', 7)])
"""

from __future__ import annotations

import typing

import attrs
import numpy as np

from cogs.solver.certificate import LOSS_TOL, REFERENCE, CertificateText
from models.frozen import frozen_mapping, reduce_by_fields
from models.jsonable import jsonable

__all__ = ["BlockCertificate", "BlockRow", "certify_by_parts"]


@typing.final
@attrs.frozen
class BlockRow:
    """One block: the real irreducible ``irrep`` (index in ``G.real_irreps()``), its ``kind``
    (R, C, H), ``m`` (the block is M_m(D)), ``dim`` (of the complex irreps it realises), the
    bilinear ``algorithm`` and its ``rank``, and the ``nodes`` built (2 × rank, polarised)."""

    irrep: int
    kind: str
    m: int
    dim: int
    algorithm: str
    rank: int
    nodes: int

    def to_dict(self) -> dict:
        return attrs.asdict(self)


@typing.final
@attrs.frozen(eq=False, repr=False)
class Evidence:
    loss: float
    loss_method: str
    four_parts: typing.Mapping = attrs.field(converter=frozen_mapping)
    brute_force_loss: float | None
    certificate_form: str
    passed: bool


def certify_by_parts(group, W_a, W_b, W_c, *, brute_force_max_d: int = 128, tol: float = LOSS_TOL) -> Evidence:
    """The evidence for weights on any group: exact loss, four parts, brute force (module doc)."""
    import torch

    from models.exact_loss import exact_loss, exact_loss_method
    from models.loss_parts import loss_parts
    from models.residuals import residual_loss

    d, q = group.order, W_a.shape[0]
    Wt = [torch.tensor(np.asarray(w), dtype=torch.float64) for w in (W_a, W_b, W_c)]
    with torch.no_grad():
        loss = float(exact_loss(group, *Wt))
        brute = float(residual_loss(group, *Wt)) if d <= brute_force_max_d else None
    parts = loss_parts(group, W_a, W_b, W_c)
    form = "four parts (bilinear + junk, sums of squares)" + (" + brute force" if brute is not None else " + weight space")
    decisive = brute if brute is not None else parts.total
    return Evidence(loss, exact_loss_method(q, d), {**parts.terms, "total": parts.total}, brute, form,
                    bool(np.isfinite(decisive) and decisive < tol))


@typing.final
@attrs.frozen(eq=False, repr=False)
class BlockCertificate(CertificateText):
    """The certificate of one construction on a group read by irreps (module doc); ``to_dict``
    is what ``cogs construct --json`` prints."""

    group: str
    d: int
    strategy: str
    requested_strategy: str
    note: str
    seed: int
    order: int
    predicted_order: int
    balanced: bool
    reference: str
    blocks: tuple = attrs.field(converter=tuple)
    time_build_s: float
    loss: float
    loss_method: str
    certificate_form: str
    four_parts: typing.Mapping = attrs.field(converter=frozen_mapping)
    brute_force_loss: float | None
    loss_tolerance: float
    passed: bool
    weight_norm2: float
    balanced_weight_norm2: float
    time_total_s: float
    #: what readers of per-orbit certificates look for: none here
    orbits: tuple = ()
    kappa_loss = None

    __reduce__ = reduce_by_fields

    def to_dict(self) -> dict:
        out = {f.name: getattr(self, f.name) for f in attrs.fields(BlockCertificate) if f.name != "orbits"}
        out["blocks"] = [b.to_dict() for b in self.blocks]
        out["four_parts"] = dict(self.four_parts)
        return jsonable(out)

    def table(self, max_rows: int = 40) -> str:
        p = self.four_parts
        built = f": {len(self.blocks)} blocks built from bilinear algorithms" if self.blocks else ""
        lines = [f"group        {self.group}  (d = {self.d}, read by irreps{built})",
                 self.strategy_line()]
        if self.note:
            lines.append(f"note         {self.note}")
        lines += [
            f"order        {self.order} hidden nodes",
            f"loss         {self.loss:.3e}  ({'fast_loss' if self.loss_method.startswith('fast') else 'residual sum'}, all d² pairs)"
            + (f";  brute force {self.brute_force_loss:.3e}" if self.brute_force_loss is not None else ""),
            f"certified    {self.certificate_form}:  bilinear {p['bilinear']:.1e}, junk {p['junk_a']:.1e} / "
            f"{p['junk_b']:.1e} / {p['junk_0']:.1e}",
            f"‖W‖²         {self.weight_norm2:.4g} as built, {self.balanced_weight_norm2:.4g} balanced"
            + ("  (weights saved balanced)" if self.balanced else ""),
            f"passed       {self.passed}  (loss < {self.loss_tolerance:g})",
            "",
            f"{'irrep':>5} {'type':<5} {'block':<8} {'algorithm':<14} {'rank':>5} {'nodes':>6}",
        ]
        for b in self.blocks[:max_rows]:
            lines.append(f"{b.irrep:>5} {b.kind + str(b.dim):<5} {f'M_{b.m}({b.kind})':<8} {b.algorithm:<14} {b.rank:>5} {b.nodes:>6}")
        if len(self.blocks) > max_rows:
            lines.append(f"   … {len(self.blocks) - max_rows} more blocks (use --json for all)")
        return "\n".join(lines)


def block_certificate(plan, final, *, weight_norm2: float, seed: int, balance: bool, brute_force_max_d: int, t0: float,
                      rows) -> BlockCertificate:
    """The certificate of ``plan`` saved as ``final`` (``weight_norm2``: ‖W‖² as built)."""
    import time

    G = plan.group
    ev = certify_by_parts(G, *final, brute_force_max_d=brute_force_max_d)
    return BlockCertificate(
        group=G.spec, d=G.order, strategy=plan.name, requested_strategy=plan.requested, note=plan.note, seed=seed,
        order=int(final[0].shape[0]), predicted_order=plan.order, balanced=bool(balance), reference=REFERENCE,
        blocks=rows, time_build_s=time.perf_counter() - t0, loss=ev.loss, loss_method=ev.loss_method,
        certificate_form=ev.certificate_form, four_parts=ev.four_parts, brute_force_loss=ev.brute_force_loss,
        loss_tolerance=LOSS_TOL, passed=ev.passed, weight_norm2=float(weight_norm2),
        balanced_weight_norm2=float(sum(np.sum(w**2) for w in final)), time_total_s=time.perf_counter() - t0,
    )
