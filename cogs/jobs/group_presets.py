"""Sweep presets on any finite group: the paper's Fig. 4 read by irreducible representations.

``irreps`` trains one batch on the group of ``--group`` (default S4): q = 512, weight decays
1e-5 … 5e-4, the seeds given, the paper's set-up and seeding; each run is read by real
irreducibles (:mod:`cogs.reading.irreps`) and the report gives, per weight decay and real
irreducible, the histogram of orders over the runs and the mean share of the norm.

>>> import cogs
>>> rep = cogs.sweep("irreps", group="S3", epochs=20, seeds=1)
>>> [(r["setting"], len(r["irreps"])) for r in rep.to_dict()["rows"]][:2]
[('wd=1e-05', 3), ('wd=5e-05', 3)]
"""

from __future__ import annotations

import re
import typing

from cogs.jobs.paper_presets import WDS
from cogs.jobs.preset import Grid, Preset, grid_config, scale_orders

__all__ = ["IRREPS", "IrrepsByWeightDecay", "group_folder"]

#: the grid folder of a group: irreps_<spec with every other character as _>
GROUP_FOLDER = re.compile(r"irreps_[A-Za-z0-9_]+")
DEFAULT_GROUP = "S4"


def group_folder(spec: str) -> str:
    """The folder name of ``spec``'s grid: ``irreps_S4``, ``irreps_SmallGroup_16_3_``."""
    return "irreps_" + re.sub(r"[^A-Za-z0-9]", "_", spec)


@typing.final
class IrrepsByWeightDecay(Preset):
    name = "irreps"
    summary = ("per-irrep order histograms per weight decay (1e-5 … 5e-4) on any group (--group, default S4): "
               "the paper's Fig. 4 read by irreducible representations")
    outputs = (GROUP_FOLDER,)
    takes_group = True

    def grids(self, *, scale, epochs, seeds, device, dtype, group=None):
        from groups import parse_group

        scale_orders(scale)  # a bad scale is refused here too; the group sets the size
        G = parse_group(DEFAULT_GROUP if group is None else group)
        kw = dict(seeds=seeds, epochs=epochs, device=device, dtype=dtype)
        return [Grid(group_folder(G.spec), grid_config(G.spec, q=512, wds=WDS, **kw))]

    def announce(self, grid):
        c = grid.config
        return f"irreps: {c.group}, {len(c.wds)} weight decays × {len(c.seeds)} seeds in one batch"

    def rows(self, trained):
        from cogs.reports.irrep_orders import histogram_of_readings

        rows = []
        for t in trained:
            runs, reads = t.result.runs, t.readings.irrep_readings
            for wd in t.grid.config.wds:
                h = histogram_of_readings(t.grid.config.group, [reads[i] for i, r in enumerate(runs) if r.wd == wd and reads[i]])
                rows.append({"group": t.grid.config.group, "setting": f"wd={wd:g}", "wd": wd, "networks": h["networks"],
                             "irreps": h["irreps"]})
        return rows

    def markdown(self, trained, rows, figures):
        if not rows:
            return []
        labels = [f"σ{x['irrep']} ({x['kind']}{x['dim']})" for x in rows[0]["irreps"] if x["irrep"] != 0]
        head = "| setting | networks | " + " | ".join(labels) + " |"
        lines = [f"Orders per real irreducible on {rows[0]['group']}: each cell is the histogram "
                 "{order: networks} of the active nodes whose dominant irreducible it is (paper's 0.05 rule), "
                 "σi (Kd): real irreducible i of type K (R, C, H) realising complex irreps of dimension d.", "",
                 head, "|" + "---|" * (2 + len(labels))]
        for r in rows:
            cells = [", ".join(f"{o}: {c}" for o, c in x["histogram"].items()) or "-" for x in r["irreps"] if x["irrep"] != 0]
            lines.append(f"| {r['setting']} | {r['networks']} | " + " | ".join(cells) + " |")
        return lines


IRREPS = IrrepsByWeightDecay()
