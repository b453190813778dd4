"""Trust in the owners over the run, in the KPI view: the network's mean and the lowest owner.

Trust is the platform's running score of each owner's on-time, right-first-time work, which the
'trust' assignment rule uses (:mod:`twin_app.analysis.quality`). It moves in steps, at the
deliveries an owner worked on. The chart draws the analysis's ``trust_band`` part: the mean over
the owners and the lowest owner's trust as exact step functions from time 0 to now, with the
owner lowest now named (by name, not id) with its score in the legend. The band is
computed in the analysis process like every other figure, so a run watched live, one reopened
from History and a screenshot draw the same curve.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg

from twin_app.gui import theme
from twin_app.gui.plot_legend import legend_below
from twin_app.gui.step_curves import envelope, step_xy

MIN_HEIGHT = 210
"""Least height of the chart (times the font scale): its title, axis and two-line legend take
~135 px, and at 1100x700 the KPI tab squeezed the curves into 23 px. The table below gives way."""


class TrustChart(pg.PlotWidget):
    """The KPI view's trust chart (see the module docstring)."""

    def __init__(self) -> None:
        super().__init__(axisItems={"bottom": theme.TimeAxisItem("bottom")}, enableMenu=False)
        self.labels: list[str] = []
        """Display names of the owners, in the scenario's order (the band names an index)."""
        self._lowest_text = ""
        plot = self.getPlotItem()
        theme.style_plot(plot, left="Trust (1: full)", bottom="Simulated time")
        theme.set_title(
            plot, "Trust in the owners"
        )  # (the time axis says "over the run": T5 saw "...over the rur" cut at 1300x850)
        plot.getViewBox().setMouseEnabled(x=False, y=False)  # the wheel scrolls the KPI page
        self.legend = legend_below(self, columns=1)  # under the axis: never over the falling lowest line
        # (step lines: no antialiasing, see twin_app.gui.step_curves)
        self.mean_curve = pg.PlotDataItem([], [], name="mean of the owners", antialias=False)
        self.lowest_curve = pg.PlotDataItem([], [], name="lowest owner", antialias=False)
        plot.addItem(self.mean_curve)
        plot.addItem(self.lowest_curve)
        self.setToolTip(
            "The platform's trust in each owner (its on-time, right-first-time record) after every "
            "delivery: the mean over the owners and the lowest owner's"
        )
        self.restyle()

    def clear_band(self) -> None:
        """No run (or a new one not analysed yet): nothing drawn."""
        self._lowest_text = ""
        self.mean_curve.setData([], [])
        self.lowest_curve.setData([], [])
        self.getPlotItem().setRange(xRange=(0.0, 1.0), yRange=(0.0, 1.0))  # not the last run's ranges
        theme.show_empty(self.getPlotItem(), True)
        self._label()

    def show_band(self, band: tuple[np.ndarray, np.ndarray, np.ndarray, int], end: float) -> None:
        """Draw the analysis's ``trust_band`` of a run analysed up to ``end``."""
        times, mean, lowest, owner = band
        if len(times) == 0:
            self.clear_band()
            return
        # a step per delivery (100,000s on a large run): drawn as the envelope a pixel can show
        self.mean_curve.setData(*envelope(*step_xy(times, mean, end)))
        self.lowest_curve.setData(*envelope(*step_xy(times, lowest, end)))
        theme.show_empty(self.getPlotItem(), False)
        self._lowest_text = self.lowest_now(float(lowest[-1]), owner)
        self._label()
        low = float(np.min(lowest))  # from just under the lowest point to full trust: small drops stay visible
        self.getPlotItem().setYRange(max(0.0, low - max(0.1 * (1.0 - low), 0.01)), 1.0, padding=0.05)
        self.getPlotItem().setXRange(0.0, max(float(end), 1.0), padding=0.02)

    def lowest_now(self, score: float, owner: int) -> str:
        """The lowest curve's legend: the curve is the lowest owner at each time, and the legend
        says who that is now. 'lowest: <name> 1.000' under a curve that had dipped to 0.71 read
        as that owner's lowest (T9): with every owner back at full trust it names none."""
        if score >= 1.0:
            return "lowest now: all at 1.000"
        name = self.labels[owner] if 0 <= owner < len(self.labels) else "?"
        return f"lowest now: {name} {math.floor(score * 1000) / 1000:.3f}"  # below full reads below 1 (T10)

    def lowest_text(self) -> str:
        """The lowest curve's legend ('' before any run)."""
        return self._lowest_text

    def restyle(self) -> None:
        self.setMinimumHeight(round(MIN_HEIGHT * theme.scale))
        self.mean_curve.setPen(pg.mkPen(theme.colors.accent, width=1))  # (see twin_app.gui.step_curves)
        self.lowest_curve.setPen(pg.mkPen(theme.NEGATIVE, width=1))
        self._label()

    def _label(self) -> None:
        label = self.legend.getLabel(self.lowest_curve)
        if label is not None:
            label.setText(self._lowest_text or "lowest owner", color=theme.colors.text)
