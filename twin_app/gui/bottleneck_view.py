"""Bottleneck view: the momentary bottleneck over time, and machines ranked by it.

Top, the strip of the active period method: one row per machine that was ever the momentary
bottleneck (strongest first), a coloured segment while it was the sole bottleneck and a
lighter, hatched one while the bottleneck was shifting. Bottom, the ranking: each machine
unit's share of the observed time as sole (solid) and shifting (hatched) bottleneck. One
BarGraphItem per colour, so thousands of strip pieces stay cheap to draw.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from twin_app.analysis.bottleneck import BottleneckAnalysis
from twin_app.analysis.snapshot import Analysis
from twin_app.gui import theme
from twin_app.gui.flat_bars import FlatBars
from twin_app.gui.in_turns import InTurns
from twin_app.gui.view import RunContext, ViewUpdate

MAX_ROWS = 12
"""Strip rows and ranking bars shown; the rest are folded into 'other machines'."""

OTHER_COLOR = "#9AA5B1"

BEHIND_MINUTES = 60.0
"""Figures this much older than the run's clock say so (:func:`behind_note`)."""


EMPTY_SUMMARY = "No figures yet: the bottlenecks show here once the simulation runs."
"""The line above the charts before their first figures (before a run, and during one while the
figures are worked out: "Run the simulation" read wrong then, T7)."""


def behind_note(end: float, now: float) -> str | None:
    """A line saying the figures drawn are of the run only up to ``end`` while the run is at
    ``now``, or None when they are (nearly) current. During a fast run of the large network the
    figures' analysis falls days behind the clock; the trial saw the charts stop at day 2 with
    the run at day 6 and nothing saying why."""
    if now - end < BEHIND_MINUTES:
        return None
    return (
        f"These figures are of the run up to {theme.format_clock(end)}; the run is at "
        f"{theme.format_clock(now)} and newer figures are being worked out."
    )


def top_ranked(analysis: BottleneckAnalysis, k: int) -> tuple[list[tuple[int, float, float]], bool]:
    """The first ``k`` entries of :func:`twin_app.analysis.bottleneck.ranking` with a share
    (sole + shifting > 0), and whether more resources have one.

    The same order (share descending, then longer mean active period, then resource index),
    without turning every resource into a Python tuple: the large network has thousands of
    resources and the view shows twelve (that list took ~100 ms of the window per refresh).
    """
    total = analysis.sole_share + analysis.shifting_share
    order = np.lexsort((analysis.resources, -analysis.mean_active_period, -total))
    active = order[total[order] > 0]
    top = [
        (int(analysis.resources[i]), float(analysis.sole_share[i]), float(analysis.shifting_share[i]))
        for i in active[:k]
    ]
    return top, len(active) > k


def _hatch(color: str) -> QBrush:
    brush = QBrush(QColor(color), Qt.BrushStyle.BDiagPattern)
    return brush


def _slot_brushes(row: int) -> tuple[QBrush, QBrush, QBrush]:
    """Sole, shifting light and shifting hatch brushes of a strip row or ranking bar, in the
    active theme (the light shade is a blend toward its panel colour)."""
    color = OTHER_COLOR if row == MAX_ROWS else theme.ROW_COLORS[row % len(theme.ROW_COLORS)]
    return pg.mkBrush(color), pg.mkBrush(theme.blend(color, amount=0.6)), _hatch(color)


class BottleneckView(QWidget):
    """Momentary-bottleneck strip and the sole/shifting ranking."""

    title = "Bottlenecks"
    needs = ("bottlenecks",)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.run: RunContext | None = None
        self.rows: list[int] = []
        """Resource index of each strip row (strongest bottleneck first)."""
        self.row_labels: list[str] = []
        self.segments: dict[str, np.ndarray] = {}
        self._strip_items: list[pg.GraphicsObject] = []
        self._rank_items: list[pg.GraphicsObject] = []
        self._shown: Analysis | None = None
        """The analysis drawn last (a theme change redraws it: a finished run sends no more)."""
        self._turns = InTurns(self)

        self.strip_widget = pg.PlotWidget(axisItems={"bottom": theme.TimeAxisItem("bottom")})
        strip = self.strip_widget.getPlotItem()
        theme.style_plot(strip, bottom="Simulated time")
        theme.set_title(strip, "Momentary bottleneck over time (solid: sole, hatched: shifting)")
        strip.getViewBox().invertY(True)
        strip.getViewBox().setMouseEnabled(x=True, y=False)
        strip.showGrid(x=True, y=False, alpha=0.18)

        self.rank_widget = theme.bar_chart(
            "Bottleneck ranking (active period method)", "Share of observed time as bottleneck (%)", pan_rows=False
        )

        self.summary = QLabel(EMPTY_SUMMARY)
        self.summary.setObjectName("Hint")
        self.summary.setContentsMargins(8, 4, 8, 0)
        self.summary.setWordWrap(True)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.strip_widget)
        splitter.addWidget(self.rank_widget)
        splitter.setSizes([420, 380])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)
        self._slots()

    def _slots(self) -> None:
        """Three bar items (sole, shifting light, shifting hatch) per strip row and per ranking
        bar, made once: a refresh only moves their rectangles (no items made or removed)."""
        self._strip_items = []
        self._rank_items = []
        strip, rank = self.strip_widget.getPlotItem(), self.rank_widget.getPlotItem()
        for row in range(MAX_ROWS + 1):
            for plot, items, rows in ((strip, self._strip_items, True), (rank, self._rank_items, row < MAX_ROWS)):
                if not rows:
                    continue
                height = 0.7 if plot is strip else 0.65
                for brush in _slot_brushes(row):
                    item = FlatBars(x0=[], y=[], width=[], height=height, brush=brush, pen=None)
                    plot.addItem(item)
                    items.append(item)

    def set_run(self, run: RunContext) -> None:
        self.run = run
        self.clear()

    def restyle(self) -> None:
        """Shifting shades are blends toward the panel colour: new brushes for the theme, on the
        same items (removing and adding the 63 items took 40-220 ms of F5 and Esc on the large
        network)."""
        for items in (self._strip_items, self._rank_items):
            for row in range(len(items) // 3):
                for item, brush in zip(items[3 * row : 3 * row + 3], _slot_brushes(row), strict=True):
                    item.setOpts(brush=brush)
        shown = self._shown
        self.clear()
        if shown is not None:
            self.show_analysis(shown)

    def clear(self) -> None:
        self._turns.cancel()
        for item in (*self._strip_items, *self._rank_items):
            item.setOpts(x0=[], y=[], width=[])
        self._shown = None
        self.rows, self.row_labels, self.segments = [], [], {}
        self.summary.setText(EMPTY_SUMMARY)
        for widget in (self.strip_widget, self.rank_widget):
            widget.getPlotItem().getAxis("left").setTicks([[]])
            theme.empty_range(widget)

    def update(self, data: ViewUpdate) -> None:
        if data.analysis is not None:
            self.show_analysis(data.analysis, data.now, in_turns=data.in_turns)

    def show_analysis(self, shared: Analysis, now: float | None = None, *, in_turns: bool = False) -> None:
        """Strip and ranking from an analysis with the ``bottlenecks`` part computed; ``now``, the
        run's clock, if the figures may be older (then the summary says so). ``in_turns``: the
        strip now, the ranking in the next turn (both charts painted in one turn were the
        longest gaps of a flat-out large run with this tab shown, 75-101 ms)."""
        if shared.result.duration <= 0:
            self._turns.cancel()
            self.clear()
            return
        self._shown = shared
        self._turns.run([lambda: self._show_strip(shared), lambda: self._show_ranking(shared, now)], in_turns=in_turns)

    def _show_strip(self, shared: Analysis) -> None:
        result = shared.result
        analysis = shared.bottlenecks
        top, has_other = top_ranked(analysis, MAX_ROWS)
        self.rows = [r for r, _, _ in top]
        labels = self._resource_names(shared)
        names = [labels[r] for r in self.rows]
        self.row_labels = names + (["other resources"] if has_other else [])

        # Strip: each piece on its row (the rest on 'other'), in that row's sole or shifting items.
        row_of = np.full(len(result.layout.resources), MAX_ROWS, dtype=np.int64)
        row_of[np.array(self.rows, dtype=np.int64)] = np.arange(len(self.rows))
        piece_row = row_of[analysis.strip_resource.astype(np.int64)]
        start, end, shifting = analysis.strip_start, analysis.strip_end, analysis.strip_shifting.astype(bool)
        display_row = np.where(piece_row == MAX_ROWS, len(self.rows), piece_row)
        self.segments = {"row": display_row, "start": start, "end": end, "shifting": shifting}
        for row in range(MAX_ROWS + 1):
            sole_item, light_item, hatch_item = self._strip_items[3 * row : 3 * row + 3]
            pick = piece_row == row
            y = float(row if row < MAX_ROWS else len(self.rows))
            for items, sel in (((sole_item,), pick & ~shifting), ((light_item, hatch_item), pick & shifting)):
                x0, width = start[sel], end[sel] - start[sel]
                for item in items:
                    item.setOpts(x0=x0, y=np.full(len(x0), y), width=width)
        strip = self.strip_widget.getPlotItem()
        strip.getAxis("left").setTicks([[(float(i), label) for i, label in enumerate(self.row_labels)]])
        theme.limit_time_zoom(strip, analysis.start, analysis.end)
        strip.setXRange(analysis.start, analysis.end, padding=0.01)
        strip.setYRange(-0.6, max(len(self.row_labels), 1) - 0.4, padding=0)
        theme.show_empty(strip, False)

    def _resource_names(self, shared: Analysis) -> Sequence[str]:
        """Each resource's name as every view shows it (its id without a run context)."""
        if self.run is not None:
            return self.run.names.resource  # (not copied: ~1,000 names, twice a refresh)
        return tuple(r.id for r in shared.result.layout.resources)

    def _show_ranking(self, shared: Analysis, now: float | None) -> None:
        """Ranking bars: sole solid, shifting hatched on top of it; the summary above."""
        top, _ = top_ranked(shared.bottlenecks, MAX_ROWS)
        labels = self._resource_names(shared)
        names = [labels[r] for r, _, _ in top]
        rank = self.rank_widget.getPlotItem()
        n = len(top)
        for item in self._rank_items[3 * n :]:  # bars of rows no longer ranked (each set once, not emptied first)
            if len(item.opts["width"]):
                item.setOpts(x0=[], y=[], width=[])
        behind = behind_note(shared.end_of("bottlenecks"), now) if now is not None else None
        tail = f"<br><i>{html.escape(behind)}</i>" if behind else ""
        if not n:
            rank.getAxis("left").setTicks([[]])
            self.summary.setText("No machine has been active yet: no bottleneck." + tail)
            return
        sole = np.array([s for _, s, _ in top]) * 100.0
        shift = np.array([h for _, _, h in top]) * 100.0
        for i in range(n):
            sole_item, light_item, hatch_item = self._rank_items[3 * i : 3 * i + 3]
            sole_item.setOpts(x0=[0.0], y=[float(i)], width=[sole[i]])
            for item in (light_item, hatch_item):
                item.setOpts(x0=[sole[i]], y=[float(i)], width=[shift[i]])
        rank.getAxis("left").setTicks([[(float(i), names[i]) for i in range(n)]])
        rank.setXRange(0, max(5.0, float((sole + shift).max()) * 1.1), padding=0)
        rank.setYRange(-0.6, max(n, 4) - 0.4, padding=0)
        theme.show_empty(rank, False)
        _, s0, h0 = top[0]
        self.summary.setText(
            f"Main bottleneck: <b>{html.escape(names[0])}</b> &mdash; sole {s0 * 100:.0f} % and shifting "
            f"{h0 * 100:.0f} % of the observed time; improving it is most likely to raise throughput.{tail}"
        )

    def ranking_shares(self) -> list[tuple[str, float, float]]:
        """(name, sole %, shifting %) of the ranking bars as drawn (for tests)."""
        out = []
        for i, name in enumerate(self.row_labels[: len(self.rows)]):
            sole_item, shift_item = self._rank_items[3 * i], self._rank_items[3 * i + 1]
            out.append((name, float(sole_item.opts["width"][0]), float(shift_item.opts["width"][0])))
        return out
