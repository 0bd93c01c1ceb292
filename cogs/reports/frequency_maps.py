"""Node-by-frequency magnitudes |A_kj| of a trained network beside a constructed one (the
paper's Fig. 2): a figure only."""

from __future__ import annotations

import typing

from cogs.reports.base import Analysis, Readings
from models.spectrum import Spectrum


@typing.final
class FrequencyMaps(Analysis):
    name = "frequency_maps"
    outputs = ("frequency_maps.png",)
    caption = "Node-by-frequency magnitude |A_kj|, trained vs constructed (cf. Fig. 2)"

    def report(self, readings: Readings) -> dict:
        return {}

    def figure(self, readings: Readings, report: dict, out, figures) -> dict:
        G = readings.group
        panels = []
        first = next((i for i, s in enumerate(readings.spectra) if s is not None), None)
        if first is not None:
            panels.append((f"trained (seed {readings.metas[first].get('seed')})",
                           readings.spectra[first].frequency_map(readings.threshold)))
        cons = next((c for c in report.get("constructed") or [] if c.get("strategy") == "f46" and "file" in c), None)
        if cons is not None and "f46" in readings.constructed:
            s = Spectrum.from_weights(G, *readings.constructed["f46"])
            panels.append((f"constructed f46 (order {cons['order']})", s.frequency_map()))
        if not panels:
            return {}
        p = figures.frequency_maps(out / "frequency_maps.png", panels, f"{G.spec}: |A_kj| per node and frequency")
        return {"frequency_maps": p.name} if p else {}
