"""What a discovery run returns and writes.

:class:`DiscoveryResult` holds the best network (float64 numpy), its loss three ways — the
engine's ‖ρ‖² (:func:`models.residuals.residuals`), the per-sample brute force of
:func:`models.forward.brute_force_loss` (whose expansion ‖o − ō‖² − 2(o_y − ō) + 1 − 1/d
bottoms out near 1e-16) and the residual-form enumeration of
:func:`models.residuals.residual_loss` (~1e-30 for exact solutions) — and everything needed to
reproduce the run. ``save(out_dir)`` writes ``best.npz`` (:func:`models.io.save_weights`, the
metadata in ``meta``) and ``certificate.json`` (atomic), whose loss is checked by brute force
and, for d ≤ 64, by the general κ form of :func:`cogs.sp.loss.sp_loss_general` (valid with DC input
components, which discovered networks usually have).
"""

from __future__ import annotations

import typing

import json
from importlib import metadata
from pathlib import Path

import attrs
import numpy as np
import torch

from models.jsonable import jsonable
from models.weights import as_tensors
from groups import FiniteAbelianGroup

__all__ = ["CERT_KAPPA_MAX_D", "DiscoveryResult", "ScanResult", "ScanRow", "version"]

#: the κ form of the certificate is evaluated up to this group order
CERT_KAPPA_MAX_D = 64
LOSS_FORM = "kappa (general, DC inputs allowed) + brute force"


def version() -> str:
    try:
        return metadata.version("cogs")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "unknown"


@typing.final
@attrs.frozen(eq=False)
class DiscoveryResult:
    """One ``discover`` run: the best of ``restarts`` networks at order q, and how it went.

    ``loss``: ‖ρ‖² of the best (the engine's objective); ``brute_force_loss``: per-sample brute
    force; ``residual_loss``: residual-form enumeration; ``converged``: loss ≤ tol;
    ``losses``: final loss of every restart of every batch (Adam's for the ones never
    polished); ``batches``: batches of ``restarts`` run (more than one only with a time limit);
    ``stopped``: "converged", "exhausted" (every restart polished), "time_limit" or
    "max_rounds"."""

    group: FiniteAbelianGroup
    q: int
    W_a: np.ndarray
    W_b: np.ndarray
    W_c: np.ndarray
    loss: float
    brute_force_loss: float
    residual_loss: float
    converged: bool
    tol: float
    restarts: int
    seed: int
    seconds: float
    losses: np.ndarray
    init_from: str | None
    init_noise: float
    time_limit: float | None
    config: typing.Any
    rounds: int
    polished: int
    batches: int
    n_converged: int
    stopped: str
    adam_steps: int = 0
    lm_steps: int = 0

    @classmethod
    def build(cls, group, q, W_a, W_b, W_c, *, losses, tol, **kw) -> "DiscoveryResult":
        from models.forward import brute_force_loss
        from models.residuals import residual_loss, residuals

        Wt = as_tensors(W_a, W_b, W_c)
        r = residuals(group, *Wt)
        loss = float((r * r).sum())
        return cls(
            group=group,
            q=int(q),
            W_a=W_a,
            W_b=W_b,
            W_c=W_c,
            loss=loss,
            brute_force_loss=float(brute_force_loss(group, *Wt)),
            residual_loss=float(residual_loss(group, *Wt)),
            converged=bool(loss <= tol),
            tol=float(tol),
            losses=np.asarray(losses, dtype=np.float64),
            **kw,
        )

    @property
    def weights(self):
        return self.W_a, self.W_b, self.W_c

    def meta(self) -> dict:
        """Everything needed to reproduce the run (stored in ``best.npz``)."""
        return jsonable(
            {
                "source": "cogs discover",
                "version": version(),
                "group": self.group.spec,
                "q": self.q,
                "order": self.q,
                "seed": self.seed,
                "restarts": self.restarts,
                "tol": self.tol,
                "init_from": self.init_from,
                "init_noise": self.init_noise,
                "time_limit": self.time_limit,
                "engine": self.config.to_dict(),
                "loss": self.loss,
                "brute_force_loss": self.brute_force_loss,
                "residual_loss": self.residual_loss,
                "converged": self.converged,
                "n_converged": self.n_converged,
                "stopped": self.stopped,
                "rounds": self.rounds,
                "batches": self.batches,
                "polished": self.polished,
                "adam_steps": self.adam_steps,
                "lm_steps": self.lm_steps,
                "seconds": self.seconds,
            }
        )

    def certificate(self) -> dict:
        """Independent evidence for the loss of the best network (plain JSON)."""
        from cogs.sp.loss import sp_loss_general

        d = self.group.order
        kappa = float(sp_loss_general(self.group, *as_tensors(*self.weights))) if d <= CERT_KAPPA_MAX_D else None
        return jsonable(
            {
                "group": self.group.spec,
                "d": d,
                "order": self.q,
                "loss_form": LOSS_FORM if kappa is not None else f"brute force (d > {CERT_KAPPA_MAX_D}: no κ form)",
                "loss": self.loss,
                "loss_kappa": kappa,
                "loss_brute_force": self.brute_force_loss,
                "loss_residual_brute_force": self.residual_loss,
                "converged": self.converged,
                "tol": self.tol,
                "seed": self.seed,
                "restarts": self.restarts,
                "init_from": self.init_from,
                "version": version(),
            }
        )

    def to_dict(self) -> dict:
        """Summary (no weights) for JSON output."""
        return jsonable({**self.meta(), "best_loss": self.loss, "losses": self.losses})

    def save(self, out_dir) -> dict:
        """Write ``out_dir/best.npz`` and ``out_dir/certificate.json``; returns their paths."""
        from models.atomic import atomic_open
        from models.io import save_weights

        out = Path(out_dir)
        if str(out_dir) == "":
            raise ValueError("output folder must not be empty")
        out.mkdir(parents=True, exist_ok=True)
        meta = {k: v for k, v in self.meta().items() if k != "group"}  # the file stores the group itself
        w = save_weights(out / "best.npz", self.group, self.W_a, self.W_b, self.W_c, **meta)
        c = out / "certificate.json"
        with atomic_open(c, "w") as f:
            f.write(json.dumps(self.certificate(), indent=2, allow_nan=False) + "\n")
        return {"weights": str(w), "certificate": str(c)}


@typing.final
@attrs.frozen(eq=False)
class ScanRow:
    """One order of a scan."""

    q: int
    restarts: int
    best_loss: float
    converged: bool
    seconds: float
    result: DiscoveryResult

    def to_dict(self) -> dict:
        return jsonable({"q": self.q, "restarts": self.restarts, "best_loss": self.best_loss, "converged": self.converged, "seconds": self.seconds})


@typing.final
@attrs.frozen(eq=False)
class ScanResult:
    """Rows from the highest order down; ``lowest_converged`` is the smallest order that
    converged (None if none did)."""

    group: FiniteAbelianGroup
    rows: tuple[ScanRow, ...]
    lowest_converged: int | None
    stopped_early: bool

    def table(self) -> str:
        lines = [f"{'q':>4} | {'restarts':>8} | {'best loss':>10} | {'converged':<9} | {'seconds':>8}"]
        lines.append("-" * len(lines[0]))
        for r in self.rows:
            lines.append(f"{r.q:>4} | {r.restarts:>8} | {r.best_loss:>10.3e} | {'yes' if r.converged else 'no':<9} | {r.seconds:>8.1f}")
        low = "none" if self.lowest_converged is None else str(self.lowest_converged)
        lines.append(f"lowest converged order: {low}")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return jsonable(
            {
                "group": self.group.spec,
                "rows": [r.to_dict() for r in self.rows],
                "lowest_converged": self.lowest_converged,
                "stopped_early": self.stopped_early,
            }
        )
