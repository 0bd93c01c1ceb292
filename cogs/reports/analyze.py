"""Read networks the way the paper does, the library behind ``cogs analyze``: orders per orbit,
factorisation of the order-4 and order-6 orbits, the family of each factorable orbit, Table 2
(mean ± standard error over the networks) and every other registered analysis
(:data:`cogs.reports.ANALYSES`; docs/reading.md defines every quantity).

:func:`analyze` takes networks in any mix of three forms — :class:`models.network.Network`
values, trained runs (anything with a ``.network``) and weights files (.npz or torch files,
:func:`models.network.load`) — and returns an :class:`AnalysisReport`: ``to_dict()`` is the
document ``cogs analyze --json`` prints, ``text()`` what it prints without ``--json``.

>>> from cogs.solver import construct
>>> report = analyze([construct("Z7", "f46"), construct("Z7", "f6")])
>>> report
AnalysisReport(group=Z7, networks=2, orbits=6, named=6, threshold=0.05)
>>> doc = report.to_dict()
>>> [n["file"] for n in doc["networks"]], doc["table2"]["n_order_4"]["mean"]
(['network 1', 'network 2'], 1.0)
"""

from __future__ import annotations

import math
import numbers
import os
import types
import typing

import attrs

from cogs.reports import table2
from cogs.reports.base import Readings
from cogs.reports.family_shares import HEADER, LEGEND, share_rows
from cogs.reports.analyses import has_orbits, report_of
from cogs.reports.tables import plain_table
from cogs.reading.irreps import ANALYZE_KEYS, read_irreps
from groups import parse_group
from models.jsonable import jsonable
from models.network import Network, load
from models.spectrum import DEFAULT_THRESHOLD

__all__ = ["AnalysisReport", "analyze"]

#: the legend line of the per-orbit tables of :meth:`AnalysisReport.text`
ORBIT_LEGEND = ("- order: active nodes whose dominant input frequency is the orbit (|A_kj| ≥ the threshold); "
                "error: the pairing search's Frobenius deviation, factorable when ≤ 0.1·√(3·order); "
                "—: not of order 4/6 or not named.")
ORBIT_HEADER = ["k", "order", "order (scale-free)", "factorable", "error", "family", "registry"]
#: the legend line of the per-irreducible tables (networks on a group not written as Z_n factors)
IRREP_LEGEND = ("- irrep: index of the real irreducible (0 = trivial); dim, kind: the dimension and type (R, C, H) of "
                "the complex irreps it realises; order: active nodes whose dominant irreducible it is; norm share: "
                "its share of ‖W_a‖² + ‖W_b‖² + ‖W_c‖² (docs/reading.md#reading-by-irreducible-representations).")
IRREP_HEADER = ["irrep", "dim", "kind", "order", "norm share"]


@typing.final
@attrs.frozen(eq=False, repr=False)
class AnalysisReport:
    """The reading of several networks (module doc): ``networks`` (Networks), their ``labels``
    (the file each was read from; "network i" for one that has none), their per-orbit
    ``analyses`` (:class:`cogs.reading.NetworkAnalysis`; None for a group not written as Z_n
    factors, which has no orbits), the activity ``threshold``, ``pooled``: the keys every
    registered analysis reported when :func:`analyze` ran, and ``irreps``: each network's
    reading by real irreducibles (:class:`cogs.reading.IrrepReading`, any group).

    >>> from cogs.solver import construct
    >>> report = analyze([construct("Z5", "f46")], threshold=0.05)
    >>> print(report.text().splitlines()[0])
    network 1: Z5, q = 10, match_rate 100.0 %
    >>> [o["family"] for o in report.to_dict()["networks"][0]["orbits"]]
    ['z_nu*z_syn', 'z_nu_i*z_xi']
    """

    networks: tuple
    labels: tuple
    analyses: tuple
    threshold: float
    pooled: typing.Mapping = attrs.field(converter=types.MappingProxyType)
    irreps: tuple = ()

    def to_dict(self) -> dict:
        """Exactly the document ``cogs analyze --json`` prints (plain JSON): ``threshold``,
        ``networks`` (per network its file, group, q, orbit rows, Table 2 row and match rate —
        None for a group not written as Z_n factors — and ``irreps``, its rows by real
        irreducible), ``table2`` and the other registered analyses' keys (empty ones left out)."""
        networks = [self._network_row(i) for i in range(len(self.labels))]
        pooled = {k: v for k, v in self.pooled.items() if v != {} or k == "table2"}
        return jsonable({"threshold": self.threshold, "networks": networks, **pooled})

    def _network_row(self, i: int) -> dict:
        label, net, a = self.labels[i], self.networks[i], self.analyses[i]
        if a is None:  # no orbits: read by irreps alone
            row = {"file": label, "group": net.group.spec, "q": net.q, "orbits": None, "table2": None, "match_rate": None}
        else:
            row = {"file": label, "group": a.group, "q": a.q, "orbits": [o.to_dict("compact_scale_free") for o in a.orbits],
                   "table2": table2.network_row(a), "match_rate": a.stats()["match_rate"]}
        if self.irreps:
            row["irreps"] = self.irreps[i].to_rows(ANALYZE_KEYS)
        if not net.setup.quadratic:  # trained with another set-up: its own loss; the orders read the input layers
            s = net.setup
            row["setup"] = {"activation": s.activation, "loss": s.loss, "operands": s.operands, "task": s.task}
            row["loss"], row["accuracy"] = net.loss(), net.accuracy()
        return row

    def text(self) -> str:
        """What ``cogs analyze`` prints: one orbit table per network, Table 2 over them (with the
        paper's row for a cyclic group it has one for), the family shares in three readings,
        and the legends defining every column."""
        doc = self.to_dict()
        lines = []
        for net in doc["networks"]:
            if net["orbits"] is None:
                rows = [[r["irrep"], r["dim"], r["kind"], r["order"], f"{100 * r['norm_share']:.1f} %"]
                        for r in net.get("irreps") or ()]
                lines += [f"{net['file']}: {net['group']}, q = {net['q']}, read by real irreducibles",
                          plain_table(IRREP_HEADER, rows), ""]
                continue
            lines.append(f"{net['file']}: {net['group']}, q = {net['q']}, match_rate {100 * net['match_rate']:.1f} %")
            if "setup" in net:
                s = net["setup"]
                more = "" if s["operands"] == 2 else f", {s['operands']} operands"
                task = "" if s["task"] is None else f", task {s['task']}"
                lines.append(f"  trained with activation {s['activation']}, loss {s['loss']}{more}{task}: loss "
                             f"{net['loss']:.6g}, accuracy {net['accuracy']:.4f} (with its own activation and loss; "
                             "the orders read W_a and W_b)")
            rows = [[o["k"], o["order"], o["order_scale_free"],
                     "—" if o["factorable"] is None else ("yes" if o["factorable"] else "no"),
                     "—" if o["error"] is None else f"{o['error']:.3f}",
                     o["family"] or "—", o["registry_family"] or "—"] for o in net["orbits"]]
            lines += [plain_table(ORBIT_HEADER, rows), ""]
        if "table2" not in doc:  # no network has orbits
            return "\n".join(lines + [IRREP_LEGEND])
        n = sum(1 for net in doc["networks"] if net["orbits"] is not None)
        lines.append(f"Table 2 over {n} network(s)")
        lines.append(plain_table(table2.text_header(), table2.text_rows(doc["table2"], f"{n} network(s)", self._cyclic_d())))
        lines += table2.text_legend() + [ORBIT_LEGEND]
        if n < len(doc["networks"]):
            lines.append(IRREP_LEGEND)
        if doc.get("family_shares") is not None:
            lines += ["", f"Family shares over {n} network(s), three readings", plain_table(HEADER, share_rows(doc)), *LEGEND]
        return "\n".join(lines)

    def _cyclic_d(self) -> int | None:
        """d when every network is on the same cyclic group (the paper's Table 2 has rows for some)."""
        groups = {net.group for net in self.networks}
        if len(groups) != 1:
            return None
        g = groups.pop().summary()
        return g["order"] if len(g.get("moduli", ())) == 1 else None

    def __repr__(self) -> str:
        groups = ",".join(sorted({net.group.spec for net in self.networks}))
        read = [a for a in self.analyses if a is not None]
        return (f"AnalysisReport(group={groups}, networks={len(self.analyses)}, "
                f"orbits={sum(len(a.orbits) for a in read)}, "
                f"named={sum(1 for a in read for o in a.orbits if o.matched)}, threshold={self.threshold:g})")


def _labelled(item, index: int, group, keys):
    """(label, reader) of one input — a Network, a trained run (``.network``) or a file —
    the reader giving its Network (a file is only read when it is called)."""
    if isinstance(item, (str, os.PathLike)):
        return str(item), lambda: load(item, group=group, keys=keys)
    net = item if isinstance(item, Network) else getattr(item, "network", None)
    if net is None and hasattr(item, "network"):
        name = getattr(item, "name", None)
        raise ValueError(f"item {index}{f' ({name})' if name else ''} is a run that diverged (status "
                         f"{getattr(item, 'status', 'unknown')!r}): it has no network to read; leave it out, e.g. "
                         "[r for r in runs if r.network is not None]")
    if not isinstance(net, Network):
        raise TypeError(f"analyze reads Networks, trained runs (with .network) or weights files; item {index} is "
                        f"of type {type(item).__name__}")
    label = net.path or f"network {index}"
    if group is not None and net.group != group:
        raise ValueError(f"{label}: network is for group {net.group.spec}, not {group.spec}")
    if keys is not None:
        raise ValueError(f"{label}: keys name the tensors of a torch file; this is a network, not a file")
    return label, lambda: net


def analyze(networks, *, group=None, keys=None, threshold: float = DEFAULT_THRESHOLD) -> AnalysisReport:
    """Read ``networks`` (module doc): Networks, trained runs and weights files, in any mix.
    Every file is read — and refused, with a ValueError naming it — before any analysis.

    ``group``: the group of torch files, which carry none (a spec or a group; a weights file or
    network of another group is refused); ``keys``: (A, B, C), the names of W_a, W_b, W_c in a
    torch state dict (:func:`models.network.load`); ``threshold``: the activity threshold on
    |A_kj| (docs/reading.md#orders).

    >>> import cogs
    >>> report = cogs.analyze([cogs.construct("Z7", strategy="f46"), cogs.construct("Z7", strategy="f6")])
    >>> [[o["order"] for o in n["orbits"]] for n in report.to_dict()["networks"]]   # z_F4/6, then z_F6
    [[6, 4, 4], [6, 6, 6]]
    >>> report.to_dict()["networks"][1]["file"], report.to_dict()["table2"]["n_order_6"]
    ('network 2', {'mean': 2.0, 'sem': 1.0})
    """
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) or not (math.isfinite(threshold) and threshold > 0):
        raise ValueError(f"threshold must be a finite number > 0, got {threshold!r}")
    threshold = float(threshold)  # numpy's numbers too
    if isinstance(networks, (str, os.PathLike)) or not hasattr(networks, "__iter__"):
        networks = [networks]
    G = parse_group(group) if group is not None else None
    labelled = [_labelled(item, i, G, keys) for i, item in enumerate(networks, start=1)]
    if not labelled:
        raise ValueError("analyze needs at least one network")
    labels = tuple(label for label, _ in labelled)
    loaded = tuple(read() for _, read in labelled)  # every file judged before any analysis
    # the per-orbit reading needs characters: a group not written as Z_n factors is read by irreps alone
    spectra = [net.spectrum() if has_orbits(net.group) else None for net in loaded]
    readings = Readings.from_spectra(loaded[0].group, spectra, [{"file": label} for label in labels],
                                     threshold=threshold, networks=loaded)
    irreps = tuple(read_irreps(net, threshold=threshold) for net in loaded)
    return AnalysisReport(loaded, labels, readings.analyses, threshold, report_of(readings), irreps)
