"""Node-by-frequency magnitudes |A_kj| of a trained network beside a constructed one (the
paper's Fig. 2): a figure only."""

from __future__ import annotations

import typing

from cogs.reports.base import Analysis, Readings


@typing.final
class FrequencyMaps(Analysis):
    """The first trained network that could be read beside the constructed network of strategy
    ``construction`` (default ``"f46"``: the paper's Fig. 2 shows z_F4/6), when the readings
    hold one (:attr:`Readings.constructed`); each panel is labelled from its network."""

    name = "frequency_maps"
    outputs = ("frequency_maps.png",)
    caption = "Node-by-frequency magnitude |A_kj|, trained vs constructed (cf. Fig. 2)"

    def __init__(self, construction: str = "f46"):
        self.construction = construction

    def report(self, readings: Readings) -> dict:
        return {}

    def figure(self, readings: Readings, report: dict, out, figures) -> dict:
        G = readings.group
        panels = []
        first = next((i for i, s in enumerate(readings.spectra) if s is not None), None)
        if first is not None:
            panels.append((f"trained (seed {readings.metas[first].get('seed')})",
                           readings.spectra[first].frequency_map(readings.threshold)))
        network = readings.constructed.get(self.construction)
        if network is not None:
            panels.append((f"constructed {self.construction} (order {network.order})", network.spectrum().frequency_map()))
        if not panels:
            return {}
        p = figures.frequency_maps(out / "frequency_maps.png", panels, f"{G.spec}: |A_kj| per node and frequency")
        return {"frequency_maps": p.name} if p else {}
