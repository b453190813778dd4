"""Trust in the owners over the run, in the KPI view: the network's mean and the lowest owner.

The analysis gives each owner's trust at the end of the window (``kpis['trust']['by_owner']``,
:mod:`twin_app.analysis.quality`): the platform's running score of the owner's on-time,
right-first-time work, which the 'trust' assignment rule uses. The chart keeps one sample per
refresh of the KPI view, exact at that simulated time, after the owners' starting trust at
time 0. A run watched live draws its course; a run shown once (History > Open, a screenshot)
draws its start and its end. Trust moves in steps at deliveries, which samples a few simulated
hours apart do not resolve, so the samples are marked and joined by dotted lines only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pyqtgraph as pg
from PySide6.QtCore import Qt

from twin_app.gui import theme


@dataclass
class TrustSamples:
    """Trust samples over simulated time: the mean over owners and the lowest owner's."""

    times: list[float] = field(default_factory=list)
    mean: list[float] = field(default_factory=list)
    lowest: list[float] = field(default_factory=list)
    lowest_owner: list[str] = field(default_factory=list)
    """The owner (id) lowest at each sample."""
    initial: dict[str, float] = field(default_factory=dict)

    def start(self, initial: dict[str, float]) -> None:
        """Forget the samples; a run starts at ``initial`` (owner id to starting trust)."""
        self.initial = dict(initial)
        self.times.clear()
        self.mean.clear()
        self.lowest.clear()
        self.lowest_owner.clear()
        if initial:
            self._append(0.0, initial)

    def add(self, t: float, by_owner: dict[str, float]) -> bool:
        """The trust of every owner at time ``t``; an earlier time than the last sample is
        another run (a reset, a stored run): it starts over. False if there is nothing to add."""
        scores = {k: float(v) for k, v in by_owner.items() if isinstance(v, int | float) and math.isfinite(v)}
        if not scores:
            return False
        if self.times and t < self.times[-1]:
            self.start(self.initial)
        if self.times and t == self.times[-1]:
            for column in (self.times, self.mean, self.lowest, self.lowest_owner):
                column.pop()
        self._append(t, scores)
        return True

    def _append(self, t: float, scores: dict[str, float]) -> None:
        owner = min(scores, key=lambda k: (scores[k], k))
        self.times.append(float(t))
        self.mean.append(sum(scores.values()) / len(scores))
        self.lowest.append(scores[owner])
        self.lowest_owner.append(owner)


class TrustChart(pg.PlotWidget):
    """The KPI view's trust chart (see the module docstring)."""

    def __init__(self) -> None:
        super().__init__(axisItems={"bottom": theme.TimeAxisItem("bottom")})
        self.samples = TrustSamples()
        self.labels: dict[str, str] = {}
        plot = self.getPlotItem()
        theme.style_plot(plot, left="Trust (1: full)", bottom="Simulated time (day hh:mm)")
        theme.set_title(plot, "Trust in the owners (at each refresh)")
        plot.getViewBox().setMouseEnabled(x=True, y=False)
        self.legend = plot.addLegend(offset=(-10, -10), labelTextColor=theme.colors.text)
        self.mean_curve = pg.PlotDataItem([], [], name="mean of the owners", symbol="o", symbolSize=6)
        self.lowest_curve = pg.PlotDataItem([], [], name="lowest owner", symbol="o", symbolSize=6)
        plot.addItem(self.mean_curve)
        plot.addItem(self.lowest_curve)
        self.setToolTip(
            "The platform's trust in each owner (its on-time, right-first-time record), sampled at each "
            "refresh of this view: the mean over the owners and the lowest owner"
        )
        self.restyle()

    def start(self, initial: dict[str, float], labels: dict[str, str]) -> None:
        """A new run: owners' starting trust (by id) and their display names."""
        self.labels = dict(labels)
        self.samples.start(initial)
        self._draw()

    def add(self, t: float, kpis: dict[str, object]) -> None:
        """The trust of an analysis of the run up to ``t`` (its KPIs)."""
        trust = kpis.get("trust")
        by_owner = trust.get("by_owner") if isinstance(trust, dict) else None
        if isinstance(by_owner, dict) and self.samples.add(t, by_owner):
            self._draw()

    def lowest_text(self) -> str:
        """'lowest: <owner name> 0.97' at the last sample ('' before any)."""
        s = self.samples
        if not s.times:
            return ""
        owner = s.lowest_owner[-1]
        return f"lowest: {self.labels.get(owner, owner)} {s.lowest[-1]:.3f}"

    def restyle(self) -> None:
        dotted = Qt.PenStyle.DotLine  # known at the samples only: not a line to read between them
        self.mean_curve.setPen(pg.mkPen(theme.colors.accent, width=1.4, style=dotted))
        self.mean_curve.setSymbolBrush(pg.mkBrush(theme.colors.accent))
        self.mean_curve.setSymbolPen(None)
        self.lowest_curve.setPen(pg.mkPen(theme.NEGATIVE, width=1.4, style=dotted))
        self.lowest_curve.setSymbolBrush(pg.mkBrush(theme.NEGATIVE))
        self.lowest_curve.setSymbolPen(None)

    def _draw(self) -> None:
        s = self.samples
        self.mean_curve.setData(s.times, s.mean)
        self.lowest_curve.setData(s.times, s.lowest)
        label = self.legend.getLabel(self.lowest_curve)
        if label is not None:
            label.setText(self.lowest_text() or "lowest owner", color=theme.colors.text)
        if s.times:  # from just under the lowest sample to full trust: small drops stay visible
            low = min(s.lowest)
            self.getPlotItem().setYRange(max(0.0, low - max(0.1 * (1.0 - low), 0.01)), 1.0, padding=0.05)
            self.getPlotItem().setXRange(0.0, max(s.times[-1], 1.0), padding=0.02)
