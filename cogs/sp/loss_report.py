"""The loss report of one network: what ``cogs loss`` prints.

The loss over all d² pairs comes from the weight-space evaluator (:mod:`models.exact_loss`,
never enumerating pairs); over a run's train or test pairs — rebuilt by :func:`split_pairs`
from the network's ``seed``, ``seeding`` and ``train_frac`` metadata — it is computed by brute
force. Accuracy is always brute force and skipped by default when d > :data:`ACCURACY_MAX_D`.
The constraint report (:func:`cogs.sp.loss.constraint_report`) lists, per orbit {k, −k},
r_kkk and the violations of R_c, R_n and R_* (paper units, docs/mathematics.md#sum-potentials).
A group that is not written as Z_n factors has no orbits: its report splits the all-pairs loss
into its four parts instead (:mod:`models.loss_parts`: the bilinear part and three junk parts).

>>> from cogs.solver import construct
>>> rep = loss_report(construct("Z7", "f46"))
>>> rep  # doctest: +ELLIPSIS
LossReport(group=Z7, q=14, pairs=all, loss=..., accuracy=1)
>>> list(rep.to_dict())[:7], len(rep.orbits)
(['group', 'd', 'order', 'q', 'pairs', 'n_pairs', 'loss'], 3)
"""

from __future__ import annotations

import json
import math
import typing
from pathlib import Path

import attrs
import numpy as np

from groups import FiniteAbelianGroup, FiniteGroup
from models.jsonable import jsonable
from models.weights import weights_of

__all__ = ["ACCURACY_MAX_D", "PAIRS", "SPLIT_KEYS", "LossReport", "loss_report", "split_pairs"]

#: accuracy (brute force, O(d²·q·d)) is computed by default up to this group order
ACCURACY_MAX_D = 512
#: the pairs a report is taken over: all d², or the run's train or test split
PAIRS = ("all", "train", "test")
#: the metadata a run's split is rebuilt from (models.training.seeding.split)
SPLIT_KEYS = ("seed", "seeding", "train_frac")
# where else the split metadata may sit: a nested section of the metadata or of config.json
_SPLIT_SECTIONS = ("split", "run", "config", "train", "training")
#: the order of the loss and accuracy keys in the report (as `cogs loss --json` has always
#: printed them: over a split of the pairs the accuracy comes first)
_LOSS_KEYS = {"all": ("loss", "loss_method", "accuracy"), "split": ("accuracy", "loss", "loss_method")}


def _split_params(meta: typing.Mapping) -> dict:
    """seed/seeding/train_frac from the metadata: top level first, then a nested section."""
    found: dict = {}
    for key in SPLIT_KEYS:
        if key in meta:
            found[key] = meta[key]
            continue
        for sec in _SPLIT_SECTIONS:
            sub = meta.get(sec)
            if isinstance(sub, dict) and key in sub:
                found[key] = sub[key]
                break
    return found


def _sidecar_params(path) -> dict:
    """The split metadata of ``config.json`` beside a weights file (a trainer run folder), or {}."""
    sidecar = Path(path).with_name("config.json")
    if not sidecar.is_file():
        return {}
    try:
        extra = json.loads(sidecar.read_text())
    except (OSError, ValueError):
        return {}
    return _split_params(extra) if isinstance(extra, dict) else {}


def split_pairs(network, which: str) -> np.ndarray:
    """Pair indices (a·d + b) of the run's ``which`` ('train' or 'test') set, rebuilt from the
    network's metadata (keys seed, seeding, train_frac, at top level or in a section such as
    ``config``), with any missing key taken from ``config.json`` beside the file it was read
    from (a trainer run folder). A ValueError names what is missing or malformed.

    >>> import numpy as np
    >>> from models.network import Network
    >>> net = Network("Z5", np.ones((1, 5)), np.ones((1, 5)), np.ones((5, 1)),
    ...               meta={"seed": 1, "seeding": "reference", "train_frac": 0.8})
    >>> len(split_pairs(net, "train")), len(split_pairs(net, "test"))
    (20, 5)
    """
    from models.training.seeding import split

    source = network.path or "network"
    params = _split_params(network.meta)
    if network.path is not None and any(k not in params for k in SPLIT_KEYS):
        params = {**_sidecar_params(network.path), **params}
    missing = [k for k in SPLIT_KEYS if k not in params]
    if missing:
        raise ValueError(f"{source}: --pairs {which} needs the run's split metadata, missing {', '.join(missing)} "
                         "(only --pairs all works for this file)")
    try:
        seed = int(params["seed"])
        seeding = str(params["seeding"])
        train_frac = float(params["train_frac"])
    except (TypeError, ValueError):
        raise ValueError(f"{source}: malformed split metadata {params!r}") from None
    if isinstance(params["seed"], bool) or seed != params["seed"]:
        raise ValueError(f"{source}: split metadata seed must be an integer, got {params['seed']!r}")
    if seeding not in ("default", "reference"):
        raise ValueError(f"{source}: unknown seeding {seeding!r} in the split metadata (default or reference)")
    if not (0.0 < train_frac <= 1.0) or not math.isfinite(train_frac):
        raise ValueError(f"{source}: train_frac must be in (0, 1], got {train_frac!r}")
    from models.training.config import critical_test_size

    setup_meta = network.meta.get("setup") if hasattr(network.meta.get("setup"), "get") else {}
    delta = setup_meta.get("critical_delta")
    test_size = None
    if delta is not None:
        try:
            test_size = critical_test_size(network.group, float(delta))
        except (TypeError, ValueError):
            raise ValueError(f"{source}: malformed critical_delta {delta!r} in the set-up metadata") from None
    train, test = split(network.d, seed, train_frac, seeding, tuples=network.d ** network.setup.operands,
                        test_size=test_size)
    chosen = train if which == "train" else test
    if len(chosen) == 0:
        raise ValueError(f"{source}: the run's {which} set is empty (train_frac = {train_frac})")
    return chosen


@typing.final
@attrs.frozen(eq=False, repr=False)
class LossReport:
    """One network's loss report (module doc): ``source`` (its file, or "network"), ``group``,
    ``q``, the ``pairs`` it is taken over and their number ``n_pairs``, ``loss`` and how it was
    computed (``loss_method``), ``accuracy`` (None when skipped, ``accuracy_skipped`` saying
    why), the input DC ``dc_a``, ``dc_b`` and one constraint row per orbit (``orbits``: k, neg,
    kind, r_kkk, R_c, R_n, R_*; paper units). ``to_dict()`` is what ``cogs loss --json`` prints,
    ``text()`` what it prints without --json."""

    source: str
    group: FiniteGroup
    q: int
    pairs: str
    n_pairs: int
    loss: float
    loss_method: str
    accuracy: float | None
    accuracy_skipped: str | None
    dc_a: float | None
    dc_b: float | None
    orbits: tuple
    parts: dict | None = None
    setup: dict | None = None

    def to_dict(self) -> dict:
        """Plain JSON (r_kkk as {"re", "im"})."""
        g = self.group.summary()
        values = {"loss": self.loss, "loss_method": self.loss_method, "accuracy": self.accuracy}
        doc = {"group": g["group"], "d": g["order"], "order": self.q, "q": self.q, "pairs": self.pairs,
               "n_pairs": self.n_pairs}
        doc.update((k, values[k]) for k in _LOSS_KEYS["all" if self.pairs == "all" else "split"] if values[k] is not None)
        if self.accuracy_skipped is not None:
            doc["accuracy_skipped"] = self.accuracy_skipped
        if self.setup is not None:  # another activation, loss, operands or task: no quadratic analysis
            doc["setup"] = dict(self.setup)
            return jsonable(doc)
        if self.parts is not None:  # read by irreps: the loss in four parts
            doc["parts"] = dict(self.parts)
            return jsonable(doc)
        doc.update(dc_a=self.dc_a, dc_b=self.dc_b, orbits=list(self.orbits))
        return jsonable(doc)

    def text(self) -> str:
        g = self.group.summary()
        accuracy = f"{self.accuracy:.6f}" if self.accuracy is not None else f"skipped ({self.accuracy_skipped})"
        lines = [
            f"weights      {self.source}",
            f"group        {g['group']}  (d = {g['order']})",
            f"order        q = {self.q}",
            f"pairs        {self.pairs} ({self.n_pairs})",
            f"loss         {self.loss:.12g}   [{self.loss_method}]",
            f"accuracy     {accuracy}",
        ]
        if self.setup is not None:
            lines.append(f"set-up       {', '.join(f'{k} {v}' for k, v in self.setup.items())}  (evaluated with its own "
                         "activation and loss; the orbit and irrep analyses are the quadratic MSE network's)")
            return "\n".join(lines)
        if self.parts is not None:
            lines.append("the all-pairs loss in four parts (bilinear: the product on the augmentation algebra; "
                         "junk: terms quadratic in one input, or constant)")
            lines += [f"  {k:<9} {v:.6g}" for k, v in self.parts.items()]
            return "\n".join(lines)
        lines += [
            f"input DC     max|a_0| = {self.dc_a:.3g}, max|b_0| = {self.dc_b:.3g}  (paper units; 0 = zero-mean)",
            "orbits (paper units): r_kkk target 1; R_c, R_n, R_* are violations (target 0)",
            f"  {'k':>5} {'-k':>5} {'kind':<7} {'Re r_kkk':>11} {'Im r_kkk':>11} {'R_c':>10} {'R_n':>10} {'R_*':>10}",
        ]
        for row in self.orbits:
            r = row["r_kkk"]
            lines.append(f"  {row['k']:>5} {row['neg']:>5} {row['kind']:<7} {r.real:>11.4g} {r.imag:>11.4g} "
                         f"{row['R_c']:>10.3g} {row['R_n']:>10.3g} {row['R_*']:>10.3g}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        accuracy = "skipped" if self.accuracy is None else f"{self.accuracy:.4g}"
        return (f"LossReport(group={self.group.spec}, q={self.q}, pairs={self.pairs}, loss={self.loss:.3g}, "
                f"accuracy={accuracy})")


def loss_report(group, W_a=None, W_b=None, W_c=None, *, pairs: str = "all", accuracy: bool | None = None) -> LossReport:
    """The loss report (module doc) of a network — a :class:`models.network.Network` (its
    ``meta`` and ``path`` rebuild a run's split), or ``group`` and W_a, W_b, W_c.

    ``pairs``: 'all', 'train' or 'test'; ``accuracy``: True computes it at any d, False skips
    it, None computes it when d ≤ :data:`ACCURACY_MAX_D`. Refused with a ValueError: an unknown
    ``pairs``, a split the metadata cannot rebuild, a job over the size limits
    (:mod:`models.limits`), or a network whose loss overflows float64.

    >>> from cogs.solver import construct
    >>> rep = loss_report(construct("Z7", "f6"), accuracy=False)
    >>> for line in rep.text().splitlines()[1:4]:
    ...     print(line)
    group        Z7  (d = 7)
    order        q = 18
    pairs        all (49)
    >>> rep.accuracy, rep.to_dict()["accuracy_skipped"]
    (None, '--no-accuracy')
    """
    import torch

    from cogs.sp.loss import constraint_report
    from models.exact_loss import brute_force_loss, exact_loss, exact_loss_method
    from models.forward import loss_and_accuracy, pairs_from_index
    from models.limits import check, loss_estimate
    from models.network import Network

    G, *W = weights_of(group, W_a, W_b, W_c)
    net = group if isinstance(group, Network) else Network(G, *W)
    if pairs not in PAIRS:
        raise ValueError(f"pairs must be one of {', '.join(PAIRS)}, got {pairs!r}")
    if not net.setup.quadratic:
        return _setup_report(net, pairs)
    source = net.path or "network"
    d, q = G.order, net.q
    want_acc = accuracy if accuracy is not None else d <= ACCURACY_MAX_D
    est = loss_estimate(d, q, pairs=None if pairs == "all" else d * d, accuracy=want_acc,
                        parts=not isinstance(G, FiniteAbelianGroup))
    check(f"evaluating {source} (d = {d}, q = {q}{', with accuracy' if want_acc else ''})", memory=est["memory"],
          work=est["work"])
    W_a, W_b, W_c = net.tensors(torch.float64)
    acc = None
    with torch.no_grad():
        if pairs == "all":
            # never the d² pairs one by one: weight space, O(q²d) (or the residual sum, O(q·d³),
            # when q ≥ d² makes that the cheaper exact method)
            n_pairs, method = d * d, exact_loss_method(q, d)
            loss = float(exact_loss(G, W_a, W_b, W_c))
            if want_acc:
                acc = float(loss_and_accuracy(G, W_a, W_b, W_c)[1])
        else:
            pr = pairs_from_index(d, split_pairs(net, pairs))
            n_pairs, method = int(len(pr)), "brute force"
            if want_acc:
                loss, acc = (float(x) for x in loss_and_accuracy(G, W_a, W_b, W_c, pairs=pr))
            else:
                loss = float(brute_force_loss(G, W_a, W_b, W_c, pairs=pr))
        if isinstance(G, FiniteAbelianGroup):  # per orbit
            rep, parts = constraint_report(G, W_a, W_b, W_c), None
        else:  # no orbits: the loss in four parts
            from models.loss_parts import loss_parts

            rep, parts = {"dc_a": None, "dc_b": None, "orbits": ()}, loss_parts(G, W_a, W_b, W_c).terms
    skipped = None if want_acc else (f"d = {d} > {ACCURACY_MAX_D}: pass --accuracy to compute it" if accuracy is None
                                     else "--no-accuracy")
    out = LossReport(source, G, q, pairs, n_pairs, loss, method, acc, skipped, rep["dc_a"], rep["dc_b"],
                     tuple(rep["orbits"]), parts)
    _check_finite(out, net)
    return out


def _setup_report(net, pairs: str) -> LossReport:
    """The report of a network trained with another set-up: its loss and accuracy with its own
    activation, loss, operands and task (:func:`models.setup.setup_loss_and_accuracy`)."""
    from models.limits import check
    from models.setup import setup_loss_and_accuracy

    s = net.setup
    d, q, source = net.d, net.q, net.path or "network"
    N = d ** s.operands
    check(f"evaluating {source} (d = {d}, q = {q}, {N} input tuples)", memory=64.0 * 4096 * (q + d) + 16.0 * N,
          work=float(N) * q * (2 * s.operands + 2 * d))
    index = None if pairs == "all" else split_pairs(net, pairs)
    loss, acc = setup_loss_and_accuracy(net, index)
    setup = {"activation": s.activation, "loss": s.loss, "operands": s.operands, "task": s.task}
    out = LossReport(source, net.group, q, pairs, N if index is None else int(len(index)), loss, "brute force", acc,
                     None, None, None, (), None, setup)
    _check_finite(out, net)
    return out


def _check_finite(rep: LossReport, net) -> None:
    """Finite weights can still overflow float64 in the cubic network (|w| ≳ 1e100): refuse the
    report instead of giving a NaN loss."""
    values = [rep.loss, rep.accuracy or 0.0, rep.dc_a or 0.0, rep.dc_b or 0.0, *(rep.parts or {}).values()]
    for row in rep.orbits:
        values += [row["r_kkk"].real, row["r_kkk"].imag, row["R_c"], row["R_n"], row["R_*"]]
    if not all(math.isfinite(v) for v in values):
        big = max(float(abs(w).max()) for w in net.weights)
        raise ValueError(f"{rep.source}: float64 overflow evaluating the network (max |weight| = {big:.3g}); "
                         "the loss is not representable")
