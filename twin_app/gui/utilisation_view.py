"""Utilisation view: where machine time goes, per machine or per owner, and over time.

Left, one stacked horizontal bar per machine (its units summed) or per owner, split into the
six states of :data:`twin_app.analysis.utilisation.STATES` as shares of the observed time.
Right, the same breakdown for all machine units together over time, as a stacked area.
Both are drawn with one array item per state (a BarGraphItem, a filled curve), so the cost of
a refresh does not grow with the number of machines beyond the array arithmetic.
"""

from __future__ import annotations

import html
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QRadioButton, QSplitter, QVBoxLayout, QWidget

from twin_app.analysis.snapshot import Analysis
from twin_app.gui import theme
from twin_app.gui.bottleneck_view import behind_note
from twin_app.gui.flat_bars import FlatBars
from twin_app.gui.in_turns import InTurns
from twin_app.gui.view import RunContext, ViewUpdate
from twin_app.model.layout import Layout

STATES = theme.MACHINE_STATES
"""Same order as twin_app.analysis.utilisation.STATES."""

EMPTY_NOTE = "No figures yet: how machine time is spent shows here once the simulation runs."
"""Before the first figures: before a run, and during one while they are worked out ("Run the
simulation" read wrong then, T7)."""

STACK_ORDER = (0, 1, 3, 4, 5, 2)
"""Order of the states in the over-time stack: busy at the bottom, idle on top."""


def machine_shares(states: np.ndarray, layout: Layout, n_machines: int) -> np.ndarray:
    """Per-machine state shares (rows sum to 1) from per-resource durations ``(n_resources, 6)``."""
    n_units = layout.n_machine_units
    unit_machine = np.array([r.machine for r in layout.resources[:n_units]], dtype=np.int64)
    out = np.zeros((n_machines, 6))
    if n_units:
        np.add.at(out, unit_machine, states[:n_units])
    return normalise_rows(out)


def normalise_rows(durations: np.ndarray) -> np.ndarray:
    """Rows divided by their sums (rows that sum to 0 stay 0)."""
    total = durations.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, durations / np.where(total > 0, total, 1.0), 0.0)


def state_legend() -> str:
    """The key of the state colours (rich text), in the active theme."""
    return "&nbsp;&nbsp;".join(
        f'<span style="color:{theme.state_color(k)}; font-size:12pt">&#9632;</span> '
        f"{html.escape(theme.STATE_LABELS[k])}"
        for k in STATES
    )


class UtilisationView(QWidget):
    """State breakdown bars (per machine or owner) and the breakdown over time."""

    title = "Utilisation"
    needs = ("durations", "owner_durations", "utilisation_over_time")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.group = "machine"
        self.run: RunContext | None = None
        self.shares = np.zeros((0, 6))
        self.row_labels: list[str] = []
        self._last: Analysis | None = None
        self._turns = InTurns(self)

        controls = QHBoxLayout()
        controls.setContentsMargins(8, 6, 8, 0)
        hint = QLabel("Breakdown per")
        hint.setObjectName("Hint")
        controls.addWidget(hint)
        self.group_buttons = QButtonGroup(self)
        for key, text in (("machine", "Machine"), ("owner", "Owner")):
            button = QRadioButton(text)
            button.setProperty("group", key)
            button.setChecked(key == self.group)
            self.group_buttons.addButton(button)
            controls.addWidget(button)
        self.group_buttons.buttonClicked.connect(lambda b: self.set_group(str(b.property("group"))))
        controls.addSpacing(24)
        self.legend = QLabel(state_legend())
        controls.addWidget(self.legend)
        controls.addStretch(1)

        self.bars_widget = theme.bar_chart("State breakdown", "Share of observed time (%)", pan_rows=True)
        bars_plot = self.bars_widget.getPlotItem()
        self._ticks: list[tuple[float, str]] | None = None
        bars_plot.getViewBox().sigYRangeChanged.connect(lambda *_: self._name_visible_rows())
        bars_plot.getViewBox().sigResized.connect(lambda *_: self._name_visible_rows())
        self.bar_items: list[pg.BarGraphItem] = []
        for state in STATES:
            item = FlatBars(
                x0=[], y=[], width=[], height=0.72, brush=pg.mkBrush(theme.state_color(state)), pen=pg.mkPen(None)
            )
            bars_plot.addItem(item)
            self.bar_items.append(item)

        self.time_widget = pg.PlotWidget(axisItems={"bottom": theme.TimeAxisItem("bottom")})
        time_plot = self.time_widget.getPlotItem()
        theme.style_plot(time_plot, left="Share of machine time (%)", bottom="Simulated time")
        theme.set_title(time_plot, "Machine states over time (all machines)")
        time_plot.setYRange(0, 100, padding=0.02)
        time_plot.getViewBox().setMouseEnabled(x=True, y=False)
        self.time_curves: list[pg.PlotDataItem] = []
        self.time_fills: list[pg.FillBetweenItem] = []
        base = pg.PlotDataItem([0.0], [0.0], pen=pg.mkPen(None))
        time_plot.addItem(base)
        below = base
        for s in STACK_ORDER:
            color = theme.state_color(STATES[s])
            curve = pg.PlotDataItem([0.0], [0.0], pen=pg.mkPen(pg.mkColor(color).darker(115), width=1))
            time_plot.addItem(curve)
            fill = pg.FillBetweenItem(below, curve, brush=pg.mkBrush(color))
            time_plot.addItem(fill)
            self.time_curves.append(curve)
            self.time_fills.append(fill)
            below = curve
        self._time_base = base

        self.empty_note = QLabel(EMPTY_NOTE)
        """Says the run has no figures yet, or that they are older than the run (behind_note)."""
        self.empty_note.setObjectName("Hint")
        self.empty_note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        policy = self.empty_note.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # coming and going (it follows the clock) moves no chart
        self.empty_note.setSizePolicy(policy)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.bars_widget)
        splitter.addWidget(self.time_widget)
        splitter.setSizes([500, 700])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        layout.addLayout(controls)
        layout.addWidget(self.empty_note)
        layout.addWidget(splitter, 1)

    def restyle(self) -> None:
        """The state colours of the active theme (idle differs, see theme.state_color)."""
        self.legend.setText(state_legend())
        for state, item in zip(STATES, self.bar_items, strict=True):
            item.setOpts(brush=pg.mkBrush(theme.state_color(state)))
        for s, curve, fill in zip(STACK_ORDER, self.time_curves, self.time_fills, strict=True):
            color = theme.state_color(STATES[s])
            curve.setPen(pg.mkPen(pg.mkColor(color).darker(115), width=1))
            fill.setBrush(pg.mkBrush(color))

    def set_run(self, run: RunContext) -> None:
        self.run = run
        self.clear()

    def clear(self) -> None:
        self._turns.cancel()
        self._last = None
        n = 0
        if self.run is not None:
            n = len(self.run.names.machine) if self.group == "machine" else len(self.run.names.owner)
        self._set_rows(np.zeros((n, 6)))
        for curve in (self._time_base, *self.time_curves):
            curve.setData([0.0], [0.0])
        self.empty_note.setText(EMPTY_NOTE)
        self.empty_note.setVisible(True)

    def set_group(self, group: str) -> None:
        if group not in ("machine", "owner"):
            raise ValueError(f"unknown grouping {group!r}; use 'machine' or 'owner'")
        self.group = group
        for button in self.group_buttons.buttons():
            button.setChecked(button.property("group") == group)
        if self._last is not None:
            self.show_analysis(self._last)
        else:
            self.clear()

    def update(self, data: ViewUpdate) -> None:
        if data.analysis is not None:
            self.show_analysis(data.analysis, data.now, in_turns=data.in_turns)
        elif self._last is not None:  # the clock moved on (or the run ended): the note says so
            self._show_note(self._last, data.now)

    def show_analysis(self, analysis: Analysis, now: float | None = None, *, in_turns: bool = False) -> None:
        """Both charts from an analysis with this view's parts computed; ``now``, the run's
        clock, if the figures may be older (a line then says so). ``in_turns``: the bars now,
        the chart over time in the next turn (each paints in a turn of its own)."""
        self._last = analysis
        steps = [lambda: self._show_bars(analysis), lambda: self._show_over_time(analysis, now)]
        self._turns.run(steps, in_turns=in_turns)

    def _show_bars(self, analysis: Analysis) -> None:
        result = analysis.result
        if self.group == "machine":
            shares = machine_shares(analysis.durations, result.layout, len(result.scenario.machines))
        else:
            shares = normalise_rows(analysis.owner_durations)
        self._set_rows(shares)

    def _show_over_time(self, analysis: Analysis, now: float | None) -> None:
        result = analysis.result
        if result.duration > 0:
            edges, fractions = analysis.utilisation_over_time
            x = np.repeat(edges, 2)[1:-1]  # step shape: each bin flat over its width
            cumulative = np.zeros(len(fractions))
            self._time_base.setData(x, np.zeros(len(x)))
            for curve, s in zip(self.time_curves, STACK_ORDER, strict=True):
                cumulative = cumulative + fractions[:, s] * 100.0
                curve.setData(x, np.repeat(cumulative, 2))
            theme.limit_time_zoom(self.time_widget.getPlotItem(), float(edges[0]), float(edges[-1]))
            self.time_widget.getPlotItem().setXRange(float(edges[0]), float(edges[-1]), padding=0.01)
        self._show_note(analysis, now)

    def _show_note(self, analysis: Analysis, now: float | None) -> None:
        """'No figures yet', or how far the figures are behind the run's clock ``now``."""
        result = analysis.result
        ends = analysis.end_of(*self.needs)
        behind = behind_note(ends, now) if now is not None and result.duration > 0 else None
        self.empty_note.setText(behind or EMPTY_NOTE)
        self.empty_note.setVisible(result.duration <= 0 or behind is not None)

    def _set_rows(self, shares: np.ndarray) -> None:
        self.shares = shares
        names = self.run.names if self.run is not None else None
        labels = (names.machine if self.group == "machine" else names.owner) if names is not None else ()
        rows_changed = list(labels[: len(shares)]) != self.row_labels
        self.row_labels = list(labels[: len(shares)])
        y = np.arange(len(shares), dtype=float)
        left = np.zeros(len(shares))
        for s, item in enumerate(self.bar_items):
            width = shares[:, s] * 100.0 if len(shares) else np.zeros(0)
            item.setOpts(x0=left.copy(), y=y, width=width, height=0.72)
            left = left + width
        if rows_changed:  # a refresh keeps the rows the user scrolled to
            plot = self.bars_widget.getPlotItem()
            plot.setXRange(0, 100, padding=0.01)
            plot.setYRange(-0.6, min(max(len(shares), 1), 30) - 0.4, padding=0)
        self._name_visible_rows()

    def _name_visible_rows(self) -> None:
        """Name only the rows in view (and a few around them) on the row axis.

        The axis lays out every tick it is given on each repaint: 1,036 machine names on the large
        network cost the window milliseconds per paint, of which about 30 are ever on screen.
        The ticks change only when the rows in view or their names do.

        Rows lower than a line of text are named every second (third, ...) row: at 1280x720 in
        presentation mode 30 rows of 13 px had names of 17 px, each over the next (T9).
        """
        plot = self.bars_widget.getPlotItem()
        box = plot.getViewBox()
        (y0, y1) = box.viewRange()[1]
        first = max(int(np.floor(y0)) - 2, 0)
        last = min(int(np.ceil(y1)) + 3, len(self.row_labels))
        row_px = box.height() / max(y1 - y0, 1e-9)
        axis = plot.getAxis("left")
        line_px = QFontMetrics(axis.style["tickFont"] or axis.font()).height()
        every = max(1, math.ceil(line_px / row_px)) if row_px > 0 else 1
        ticks = [(float(i), self.row_labels[i]) for i in range(first, last) if i % every == 0]
        if ticks == self._ticks:
            return
        self._ticks = ticks
        self.bars_widget.getPlotItem().getAxis("left").setTicks([ticks])

    def bar_widths(self, state: str) -> np.ndarray:
        """Bar lengths (percent) of ``state`` per row, as drawn (for tests)."""
        item = self.bar_items[STATES.index(state)]
        return np.asarray(item.opts["width"], dtype=float)
