"""What a discovery run returns and writes.

:class:`DiscoveryResult` holds the best network (float64 numpy; :attr:`~DiscoveryResult.network`
is it as a :class:`models.network.Network` with the run's metadata), its loss three ways — the
engine's ‖ρ‖² (:func:`models.residuals.residuals`), the per-sample brute force of
:func:`models.forward.brute_force_loss` (whose expansion ‖o − ō‖² − 2(o_y − ō) + 1 − 1/d
bottoms out near 1e-16) and the residual-form enumeration of
:func:`models.residuals.residual_loss` (~1e-30 for exact solutions) — and everything needed to
reproduce the run. ``save(out_dir)`` writes ``best.npz`` (:func:`models.io.save_weights`, the
metadata in ``meta``) and ``certificate.json`` (atomic), whose loss is checked by brute force
and, for d ≤ 64, by the general κ form of :func:`cogs.sp.loss.sp_loss_general` (valid with DC input
components, which discovered networks usually have). ``report(files)`` and ``summary(files)``
are what ``cogs discover`` prints after saving (``--json`` and text).

:class:`ScanResult` holds one :class:`ScanRow` per order of a scan and the network it found
(``network``: the lowest converged order's, else the lowest loss's); ``to_dict()`` is its
``scan.json``, ``report()`` and ``summary()`` what ``cogs discover --scan`` prints.

>>> import tempfile
>>> from cogs.discovery import discover
>>> r = discover("Z3", 3, restarts=4, seed=0)
>>> r  # doctest: +ELLIPSIS
DiscoveryResult(group=Z3, q=3, loss=..., converged=True, restarts=4, stopped=converged)
>>> r.network.meta["seed"], r.network.order
(0, 3)
>>> with tempfile.TemporaryDirectory() as tmp:
...     doc = r.report(r.save(tmp))
>>> doc["converged"], list(doc)[:3]
(True, ['group', 'q', 'best_loss'])
>>> print(r.summary({"weights": "best.npz", "certificate": "certificate.json"}).splitlines()[0])
group        Z3  (d = 3)
>>> r.explanation()[1]  # every node lives on the orbit {1, 2}
'homes: k=1 [1] ×3'
"""

from __future__ import annotations

import typing

from importlib import metadata
from pathlib import Path

import attrs
import numpy as np

from models.atomic import write_json
from models.jsonable import jsonable
from models.network import Network
from groups import FiniteGroup

__all__ = ["CERT_KAPPA_MAX_D", "DiscoveryResult", "ScanResult", "ScanRow", "version"]

#: the κ form of the certificate is evaluated up to this group order
CERT_KAPPA_MAX_D = 64
LOSS_FORM = "kappa (general, DC inputs allowed) + brute force"
#: the certificate's loss forms on a group read by irreps (models.loss_parts)
FOUR_PARTS_FORM = "four parts (bilinear + junk, any group, DC inputs allowed) + brute force"


def version() -> str:
    try:
        return metadata.version("cogs")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "unknown"


def _group_header(G) -> str:
    s = G.summary()
    return f"{s['group']}  (d = {s['order']})"


@typing.final
@attrs.frozen(eq=False, repr=False)
class DiscoveryResult:
    """One ``discover`` run: the ``best`` of ``restarts`` networks at order q (a
    :class:`models.network.Network`, stored once: ``group``, ``q`` and the read-only weights
    are its), and how it went.

    ``loss``: ‖ρ‖² of the best (the engine's objective); ``brute_force_loss``: per-sample brute
    force; ``residual_loss``: residual-form enumeration; ``converged``: loss ≤ tol;
    ``losses``: final loss of every restart of every batch (Adam's for the ones never
    polished); ``batches``: batches of ``restarts`` run (more than one only with a time limit);
    ``stopped``: "converged", "exhausted" (every restart polished), "time_limit" or
    "max_rounds"."""

    best: Network
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
    _cache: dict = attrs.field(factory=dict, init=False)

    @classmethod
    def build(cls, group, q, W_a, W_b, W_c, *, losses, tol, **kw) -> "DiscoveryResult":
        """The result whose best network (of order ``q`` on ``group``) has weights W_a, W_b, W_c."""
        from models.forward import brute_force_loss
        from models.residuals import residual_loss, residuals

        best = Network(group, W_a, W_b, W_c)
        if best.order != q:
            raise ValueError(f"the best network has {best.order} hidden nodes, not q = {q}")
        Wt = best.tensors()
        r = residuals(best.group, *Wt)
        loss = float((r * r).sum())
        return cls(
            best=best,
            loss=loss,
            brute_force_loss=float(brute_force_loss(best.group, *Wt)),
            residual_loss=float(residual_loss(best.group, *Wt)),
            converged=bool(loss <= tol),
            tol=float(tol),
            losses=np.asarray(losses, dtype=np.float64),
            **kw,
        )

    @property
    def group(self) -> FiniteGroup:
        """The group searched."""
        return self.best.group

    @property
    def q(self) -> int:
        """The order searched: the best network's hidden nodes."""
        return self.best.order

    @property
    def W_a(self) -> np.ndarray:
        """The best network's W_a (read-only)."""
        return self.best.W_a

    @property
    def W_b(self) -> np.ndarray:
        """The best network's W_b (read-only)."""
        return self.best.W_b

    @property
    def W_c(self) -> np.ndarray:
        """The best network's W_c (read-only)."""
        return self.best.W_c

    @property
    def weights(self):
        """(W_a, W_b, W_c) of the best network (read-only)."""
        return self.best.weights

    @property
    def network(self) -> Network:
        """The best network with the run's metadata (:meth:`meta`): what ``best.npz`` holds."""
        if "network" not in self._cache:
            self._cache["network"] = self.best.evolve(meta=self.meta())
        return self._cache["network"]

    def meta(self) -> dict:
        """Everything needed to reproduce the run besides its group (which the network and
        ``best.npz`` carry themselves): the metadata of :attr:`network`, stored in ``best.npz``."""
        return jsonable(
            {
                "source": "cogs discover",
                "version": version(),
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
        """Independent evidence for the loss of the best network (plain JSON; computed once)."""
        if "certificate" not in self._cache:
            self._cache["certificate"] = self._certificate()
        return dict(self._cache["certificate"])

    def _certificate(self) -> dict:
        from cogs.sp.loss import sp_loss_general
        from groups import FiniteAbelianGroup

        d = self.group.order
        extra = {}
        if not isinstance(self.group, FiniteAbelianGroup):  # no characters: the loss in four parts instead of κ
            from models.loss_parts import loss_parts

            kappa = None
            extra["loss_four_parts"] = float(loss_parts(self.group, *self.best.weights).total) if d <= CERT_KAPPA_MAX_D else None
            form = (FOUR_PARTS_FORM if extra["loss_four_parts"] is not None
                    else f"brute force (d > {CERT_KAPPA_MAX_D}: no four-part form)")
        else:
            kappa = float(sp_loss_general(self.group, *self.best.tensors())) if d <= CERT_KAPPA_MAX_D else None
            form = LOSS_FORM if kappa is not None else f"brute force (d > {CERT_KAPPA_MAX_D}: no κ form)"
        return jsonable(
            {
                "group": self.group.spec,
                "d": d,
                "order": self.q,
                "loss_form": form,
                "loss": self.loss,
                "loss_kappa": kappa,
                **extra,
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
        return jsonable({"group": self.group.spec, **self.meta(), "best_loss": self.loss, "losses": self.losses})

    def save(self, out_dir) -> dict:
        """Write ``out_dir/best.npz`` (:attr:`network`) and ``out_dir/certificate.json``; returns
        their paths ({"weights", "certificate"})."""
        out = Path(out_dir)
        if str(out_dir) == "":
            raise ValueError("output folder must not be empty")
        out.mkdir(parents=True, exist_ok=True)
        w = self.network.save(out / "best.npz")
        c = write_json(out / "certificate.json", self.certificate())
        return {"weights": str(w), "certificate": str(c)}

    def explanation(self) -> list[str]:
        """The explanation of the best network (:meth:`models.explain.Explanation.summary_lines`;
        computed once), or one line saying why there is none: it never fails the search."""
        if "explanation" not in self._cache:
            try:
                # the local dimension needs the rank of a d³ × 3qd Jacobian (≈ 4·d³·(3qd)² operations): left out
                # when it would run past --time-limit (at ~1e10 operations a second), which bounds the whole run
                d, q = self.group.order, self.q
                cost_s = 4.0 * d**3 * (3 * q * d) ** 2 / 1e10
                local = self.time_limit is None or self.seconds + cost_s <= self.time_limit
                lines = [str(x) for x in self.network.explain(local_dimension=local).summary_lines()]
                if not local:
                    lines.append(f"(local dimension left out: its Jacobian rank takes about {cost_s:.0f} s, past --time-limit; "
                                 "models.explain.explain(network) computes it)")
            except Exception as err:  # noqa: BLE001 - the explanation is a bonus
                lines = [f"(no explanation: {type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''})"]
            self._cache["explanation"] = tuple(lines)
        return list(self._cache["explanation"])

    def report(self, files: dict) -> dict:
        """The document ``cogs discover --json`` prints, ``files`` being what :meth:`save` returned."""
        return jsonable({
            "group": self.group.spec,
            "q": self.q,
            "best_loss": self.loss,
            "brute_force_loss": self.brute_force_loss,
            "residual_loss": self.residual_loss,
            "kappa_loss": self.certificate()["loss_kappa"],
            "converged": self.converged,
            "seconds": self.seconds,
            "restarts": self.restarts,
            "seed": self.seed,
            "stopped": self.stopped,
            "files": files,
            "explanation": self.explanation(),
        })

    def summary(self, files: dict) -> str:
        """The text ``cogs discover`` prints, ``files`` being what :meth:`save` returned."""
        kappa = self.certificate()["loss_kappa"]
        parts = self.certificate().get("loss_four_parts")
        start = f", from {self.init_from} with noise {self.init_noise:g}" if self.init_from else ", random"
        lines = [
            f"group        {_group_header(self.group)}",
            f"order        {self.q} hidden nodes",
            f"restarts     {self.restarts}  (seed {self.seed}{start})",
            f"best loss    {self.loss:.3e}  (‖ρ‖²);  brute force {self.residual_loss:.3e} (residual form), "
            f"{self.brute_force_loss:.3e} (per-sample)" + (f";  κ form {kappa:.3e}" if kappa is not None else "")
            + (f";  four parts {parts:.3e}" if parts is not None else ""),
            f"converged    {'yes' if self.converged else 'no'}  (tol {self.tol:g}; {self.n_converged} restart(s); "
            f"stopped: {self.stopped})",
            f"seconds      {self.seconds:.1f}  ({self.batches} batch(es), {self.rounds} round(s), {self.adam_steps} Adam "
            f"and {self.lm_steps} LM steps)",
            f"written      {files['weights']}, {files['certificate']}",
        ]
        return "\n".join(lines) + "\n\n" + "\n".join(self.explanation())

    def __repr__(self) -> str:
        return (f"DiscoveryResult(group={self.group.spec}, q={self.q}, loss={self.loss:.3g}, converged={self.converged}, "
                f"restarts={self.restarts}, stopped={self.stopped})")


@typing.final
@attrs.frozen(eq=False, repr=False)
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

    def summary(self) -> str:
        """One line: the order, its best loss, whether it converged, its time."""
        return (f"  q = {self.q}: best loss {self.best_loss:.3e}, {'converged' if self.converged else 'not converged'}, "
                f"{self.seconds:.1f}s")

    def __repr__(self) -> str:
        return f"ScanRow(q={self.q}, best_loss={self.best_loss:.3g}, converged={self.converged})"


@typing.final
@attrs.frozen(eq=False, repr=False)
class ScanResult:
    """A scan of the orders ``q_hi`` down to ``q_lo``: rows from the highest order down (fewer
    when it stopped early); ``lowest_converged`` is the smallest order that converged (None if
    none did). ``out`` and ``files``: where the scan was saved (:func:`cogs.discovery.scan` with
    ``out``: each order's {"weights", "certificate"} under "q{Q}", and "scan" for scan.json),
    None when it was not."""

    group: FiniteGroup
    rows: tuple[ScanRow, ...]
    lowest_converged: int | None
    stopped_early: bool
    q_hi: int
    q_lo: int
    out: Path | None = None
    files: dict | None = None

    @property
    def found(self) -> ScanRow:
        """What the scan found: the row of the lowest converged order, else the row of lowest loss."""
        if self.lowest_converged is not None:
            return next(r for r in self.rows if r.q == self.lowest_converged)
        return min(self.rows, key=lambda r: r.best_loss)

    @property
    def network(self):
        """The network of :attr:`found` (:attr:`DiscoveryResult.network`: a Network with its run's metadata)."""
        return self.found.result.network

    def table(self) -> str:
        lines = [f"{'q':>4} | {'restarts':>8} | {'best loss':>10} | {'converged':<9} | {'seconds':>8}"]
        lines.append("-" * len(lines[0]))
        for r in self.rows:
            lines.append(f"{r.q:>4} | {r.restarts:>8} | {r.best_loss:>10.3e} | {'yes' if r.converged else 'no':<9} | {r.seconds:>8.1f}")
        low = "none" if self.lowest_converged is None else str(self.lowest_converged)
        lines.append(f"lowest converged order: {low}")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        """The rows and the settings every order shared: what ``scan.json`` holds."""
        first = self.rows[0].result
        return jsonable(
            {
                "group": self.group.spec,
                "rows": [r.to_dict() for r in self.rows],
                "lowest_converged": self.lowest_converged,
                "stopped_early": self.stopped_early,
                "tol": first.tol,
                "seed": first.seed,
                "restarts": first.restarts,
                "init_from": first.init_from,
            }
        )

    def _saved(self) -> dict:
        if self.files is None:
            raise ValueError("this scan was not saved; run scan(..., out=DIR) to write its files and report them")
        return self.files

    def report(self) -> dict:
        """The document ``cogs discover --scan --json`` prints (a saved scan)."""
        return jsonable({
            "group": self.group.spec,
            "rows": [r.to_dict() for r in self.rows],
            "lowest_converged": self.lowest_converged,
            "best_loss": min(r.best_loss for r in self.rows),
            "brute_force_loss": self.found.result.brute_force_loss,
            "converged": self.lowest_converged is not None,
            "seconds": sum(r.seconds for r in self.rows),
            "stopped_early": self.stopped_early,
            "files": self._saved(),
        })

    def summary(self) -> str:
        """The text ``cogs discover --scan`` prints (a saved scan): the table, the files, and the
        explanation of the lowest converged network."""
        files, g = self._saved(), self.group.summary()
        lines = [
            f"cogs discover --scan {self.q_hi}-{self.q_lo} on {g['group']} (d = {g['order']}), "
            f"{self.rows[0].restarts} restarts per order",
            self.table(),
            f"written      {files['scan']} and q{{Q}}/best.npz, q{{Q}}/certificate.json under {self.out}",
        ]
        if self.lowest_converged is not None:
            lines.append(f"\nlowest converged network (q = {self.lowest_converged}):\n"
                         + "\n".join(self.found.result.explanation()))
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"ScanResult(group={self.group.spec}, orders={self.q_hi}..{self.q_lo}, rows={len(self.rows)}, "
                f"lowest_converged={self.lowest_converged})")
