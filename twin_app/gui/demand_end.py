"""A marker on the WIP chart where the last order was released, when the demand ended early.

A scenario's demand may stop before the run's horizon (each stream's ``max_orders``): on the
large network no order comes after day 24 of 28, and the WIP falls to zero for the last days.
Unexplained, that read as the network emptying for no reason (the T4 trial asked). The chart
draws a dashed line there, "last order released", once releases have clearly stopped.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg

from twin_app.gui import theme

QUIET_SHARE = 0.05
"""Releases have stopped when the time since the last is at least this share of the chart..."""

QUIET_INTERVALS = 10.0
"""...and this many times the mean interval between releases (sparse demand is not an end)."""


def releases_of(times: np.ndarray, wip: np.ndarray) -> np.ndarray:
    """When the WIP step function rises: the releases (net of deliveries at the same minute)."""
    wip = np.asarray(wip, dtype=float)
    return np.asarray(times, dtype=float)[np.diff(wip, prepend=0.0) > 0]


def demand_ended_at(releases: np.ndarray, start: float, end: float) -> float | None:
    """The last release time if releases stopped well before ``end`` (see the constants), else None."""
    times = np.asarray(releases, dtype=float)
    times = times[np.isfinite(times)]
    if len(times) < 2 or not end > start:
        return None
    first, last = float(times.min()), float(times.max())
    mean_interval = (last - first) / (len(times) - 1)
    quiet = end - last
    if quiet >= QUIET_SHARE * (end - start) and quiet >= QUIET_INTERVALS * mean_interval and last > start:
        return last
    return None


class DemandEndMarker:
    """The dashed "last order released" line of a time chart (hidden until the demand ends)."""

    def __init__(self, plot: pg.PlotItem) -> None:
        self.line = pg.InfiniteLine(
            angle=90,
            movable=False,
            label="last order released",
            # left of the line, half way up: over the fill, clear of the curve at the top
            labelOpts={"position": 0.45, "anchors": [(1.02, 0.5), (1.02, 0.5)]},
        )
        self.line.setZValue(5)
        self.line.hide()
        plot.addItem(self.line, ignoreBounds=True)
        self.restyle()

    @property
    def at(self) -> float | None:
        """Where the line is (None: hidden)."""
        return float(self.line.value()) if self.line.isVisible() else None

    def show(self, times: np.ndarray, wip: np.ndarray, start: float, end: float) -> None:
        """Place the line from the chart's WIP step function (``times``, ``wip``) over ``start``-``end``."""
        at = demand_ended_at(releases_of(times, wip), start, end)
        if at is None or not math.isfinite(at):
            self.line.hide()
            return
        self.line.setValue(at)
        self.line.show()

    def clear(self) -> None:
        self.line.hide()

    def restyle(self) -> None:
        self.line.setPen(pg.mkPen(theme.colors.muted, width=1, style=pg.QtCore.Qt.PenStyle.DashLine))
        self.line.label.setColor(theme.colors.muted)
        self.line.label.fill = pg.mkBrush(theme.colors.panel)
        self.line.label.setFont(theme.ui_font(8.5))
