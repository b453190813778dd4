"""The live Gantt chart: machines grouped by owner and site, then lane vehicles, filling as the
simulation runs.

Built for a million bars: the data stays in numpy columns (:mod:`twin_app.gui.gantt_store`),
one :class:`~twin_app.gui.gantt_item.GanttItem` paints everything with one ``drawRects`` call
per colour group, draws only what intersects the view and rasterises bars thinner than a few
pixels (:mod:`twin_app.gui.gantt_frame`). :class:`GanttView` is the widget the main window
embeds: a small toolbar (colour mode, follow now, zoom to fit, show vehicles, legend) over a
pyqtgraph plot with a vertical scroll bar: rows keep a readable minimum height and the view
shows a window of them (Shift+wheel or the scroll bar scrolls, Ctrl+wheel zooms rows, the
wheel zooms time).
"""

from __future__ import annotations

import html
import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from twin_app.gui import theme
from twin_app.gui.gantt_axes import GanttTimeAxis, GanttViewBox, RowAxis
from twin_app.gui.gantt_item import GanttItem
from twin_app.gui.gantt_rows import RowPlan, row_plan
from twin_app.gui.gantt_store import COLOR_MODES, EMPTY_RETURN, GanttStore
from twin_app.gui.names import Names
from twin_app.gui.view import RunContext, ViewUpdate
from twin_app.model.events import EventKind
from twin_app.model.layout import Layout

MODE_LABELS: dict[str, str] = {"order": "Order", "family": "Product family", "owner": "Owner", "state": "State"}

MIN_ROW_PX = 17.0
"""Rows never start smaller than this (labels stay readable); more rows scroll."""

FOLLOW_MARGIN = 0.04
"""While following, the clock sits this fraction of the view width left of the right edge."""

DAY_IN_UNIT: dict[str, float] = {"min": 1440.0, "s": 86400.0, "h": 24.0, "d": 1.0}
"""One simulated day in the scenario's time unit: the default width of the following window."""


class GanttView(QtWidgets.QWidget):
    """The live Gantt chart widget: rows are resources, bars are event intervals.

    A :class:`~twin_app.gui.view.View`: :meth:`set_run`, :meth:`update` (new batches: bars,
    orders' products, the clock) and :meth:`clear`; also :meth:`set_color_mode`,
    :meth:`highlight_order`, the signal :attr:`order_clicked`, :meth:`zoom_to_fit` and
    :meth:`set_show_vehicles`.

    Time window: following the clock (the default) keeps ``now`` near the right edge of a window
    one simulated day wide (or the horizon if shorter); a zoom changes that width and following
    keeps it. "Zoom to fit" shows the whole run and every row (and, while following, keeps
    showing all of it as the run grows, until the user zooms or pans). Rows: a window of rows at
    least ``MIN_ROW_PX`` tall, scrolled with the scroll bar or Shift+wheel. Zooming is limited
    to between one minute and the run's length, so the bars never shrink to nothing.
    """

    title = "Gantt"
    needs: tuple[str, ...] = ()

    order_clicked = QtCore.Signal(int)
    """The user clicked a bar of this order (the view highlights it too)."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = GanttStore()
        self.item = GanttItem(self.store)
        self.scenario: Any = None
        self.layout_: Layout | None = None
        self._plan_cache: tuple[tuple[Any, ...], RowPlan] | None = None
        """The last row plan with the (layout, names, show vehicles) it was made for."""
        self.names: Names | None = None
        self._owner_colors: list[str] = []
        self._horizon: float | None = None
        self.rows: list[int] = []
        self.row_names: list[str] = []
        self.now = 0.0
        self.time_unit = "min"
        self._product_family = np.zeros(0, dtype=np.int32)
        self._default_width = 1440.0
        self._follow = True
        self._fit_all = False
        """While following: keep the whole run in view (after "Zoom to fit") instead of a window."""
        self._rows_auto = True
        """Rows at the readable default height (re-applied on resize) until the user zooms rows."""
        self._show_vehicles = True
        self._syncing_scroll = False
        self._now_pending = False
        self._build_ui()

    # ----- construction -----
    def _build_ui(self) -> None:
        bar = QtWidgets.QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 2)
        bar.setSpacing(8)
        self.mode_combo = QtWidgets.QComboBox()
        for mode in COLOR_MODES:
            self.mode_combo.addItem(MODE_LABELS[mode], mode)
        self.mode_combo.setToolTip("Colour the bars by order, product family, owner or machine state")
        self.mode_combo.currentIndexChanged.connect(lambda _i: self.set_color_mode(self.mode_combo.currentData()))
        self.follow_check = QtWidgets.QCheckBox("Follow now")
        self.follow_check.setChecked(True)
        self.follow_check.setToolTip("Keep the simulated clock at the right edge while the run goes on")
        self.follow_check.toggled.connect(self.set_follow_now)
        self.fit_button = QtWidgets.QPushButton("Zoom to fit")
        self.fit_button.setToolTip("Show the whole run and all rows")
        self.fit_button.clicked.connect(self.zoom_to_fit)
        self.vehicles_check = QtWidgets.QCheckBox("Show vehicles")
        self.vehicles_check.setChecked(True)
        self.vehicles_check.setToolTip("One row per vehicle; unchecked, one row per lane (all its vehicles)")
        self.vehicles_check.toggled.connect(self.set_show_vehicles)
        self.legend = QtWidgets.QLabel()
        self.legend.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self.info = QtWidgets.QLabel()
        self.info.setObjectName("Hint")
        self.info.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        # Long legends and hover texts are clipped rather than widening the window.
        self.legend.setMinimumWidth(60)
        self.info.setMinimumWidth(60)
        bar.addWidget(QtWidgets.QLabel("Colour by"))
        bar.addWidget(self.mode_combo)
        bar.addWidget(self.follow_check)
        bar.addWidget(self.fit_button)
        bar.addWidget(self.vehicles_check)
        bar.addSpacing(12)
        bar.addWidget(self.legend, 1)

        self.viewbox = GanttViewBox(enableMenu=False)
        self.viewbox.invertY(True)
        self.row_axis = RowAxis()
        self.time_axis = GanttTimeAxis()
        self.plot = pg.PlotWidget(viewBox=self.viewbox, axisItems={"left": self.row_axis, "bottom": self.time_axis})
        self.plot.setMenuEnabled(False)
        pi = self.plot.getPlotItem()
        pi.hideButtons()
        pi.layout.setContentsMargins(0, 4, 12, 0)
        self.viewbox.disableAutoRange()
        self.plot.addItem(self.item)
        self.now_line = pg.InfiniteLine(angle=90, movable=False)
        self.now_line.setZValue(10)
        self.plot.addItem(self.now_line)
        self.viewbox.sigUserPanned.connect(self._on_user_panned)
        self.viewbox.sigUserZoomed.connect(self._on_user_zoomed)
        self.viewbox.sigRowsZoomed.connect(self._on_rows_zoomed)
        self.viewbox.sigYRangeChanged.connect(lambda *_: self._sync_scrollbar())
        self.viewbox.sigResized.connect(lambda *_: self._on_resized())
        self.row_scroll = QtWidgets.QScrollBar(QtCore.Qt.Orientation.Vertical)
        self.row_scroll.setToolTip("Scroll the rows (Shift+wheel); Ctrl+wheel zooms rows")
        self.row_scroll.valueChanged.connect(self._on_scroll)
        self.row_scroll.hide()

        self._hover_proxy = pg.SignalProxy(self.plot.scene().sigMouseMoved, rateLimit=30, slot=self._on_mouse_moved)
        self.plot.scene().sigMouseClicked.connect(self._on_mouse_clicked)

        box = QtWidgets.QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addLayout(bar)
        body = QtWidgets.QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        body.addWidget(self.plot, 1)
        body.addWidget(self.row_scroll)
        box.addLayout(body, 1)
        # the hover readout has a line of its own under the chart: in the toolbar it took the
        # legend's room whenever the pointer crossed a bar
        self.info.setAlignment(QtCore.Qt.AlignmentFlag.AlignRight)
        self.info.setContentsMargins(8, 0, 12, 2)
        self.info.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Fixed)
        box.addWidget(self.info)
        self.restyle()

    def restyle(self) -> None:
        """Colours and fonts of the active theme."""
        self.viewbox.setBackgroundColor(theme.colors.panel)
        self.plot.setBackground(theme.colors.panel)
        self.now_line.setPen(pg.mkPen(theme.colors.now_line, width=1.5))
        self.row_axis.restyle()
        self.time_axis.restyle()
        self.time_axis.setLabel(self.time_axis.labelText, color=theme.colors.muted, **{"font-size": theme.pt(10)})
        self.item.restyle()
        self._update_legend()

    # ----- View -----
    def set_run(self, run: RunContext) -> None:
        """Show a new scenario: its rows (named as in every view), owners and families; no bars."""
        self.show_layout(run.scenario, run.layout, run.names)

    def update(self, data: ViewUpdate) -> None:
        """New bars and orders of a batch, and the clock."""
        batch = data.batch
        if batch is not None:
            if len(batch.events):
                self.append(batch.events)
            if len(batch.orders):
                self.set_order_products(batch.orders)
        self.set_now(data.now)

    def clear(self) -> None:
        """Forget the bars (a reset); keep the scenario, colour mode and options."""
        self.item.forget_frames()
        if self.layout_ is not None:
            self.show_layout(self.scenario, self.layout_, self.names)

    # ----- API -----
    def show_layout(self, scenario: Any, layout: Layout, names: Names | None = None) -> None:
        """Reset for a run of ``scenario`` with its ``layout`` (rows, owners, families); rows and
        owners are labelled by ``names`` (ids without: synthetic layouts of the benchmark)."""
        self.scenario = scenario
        self.layout_ = layout
        self.names = names
        plan = self._row_plan(layout, names)
        mode = self.store.mode
        self.store.reset(plan.row_of_resource, plan.row_owner)
        self.store.set_mode(mode)
        owners = list(getattr(scenario, "owners", ()) or layout.owners)
        if len(owners) != len(layout.owners):
            owners = list(layout.owners)
        family_index = {f: i for i, f in enumerate(layout.families)}
        products = getattr(scenario, "products", ()) or ()
        self._product_family = np.array([family_index.get(p.family, -1) for p in products], dtype=np.int32)
        self._owner_colors = theme.owner_colors(owners)
        self._apply_plan(plan)
        self.item.set_highlight(None)
        run = getattr(scenario, "run", None)
        self.time_unit = getattr(run, "time_unit", "min") or "min"
        horizon = getattr(run, "horizon", None)
        self._horizon = float(horizon) if horizon else None
        self.store.horizon = self._horizon
        day = DAY_IN_UNIT.get(self.time_unit, 1440.0)
        self._default_width = min(day, float(horizon)) if horizon else day
        clock = self.time_unit == "min"
        self.time_axis.set_clock(clock)
        label = "Simulated time" if clock else f"Time [{self.time_unit}]"  # (as every time axis: T9)
        self.time_axis.setLabel(label, color=theme.colors.muted, **{"font-size": theme.pt(10)})
        self.now = 0.0
        self.now_line.setValue(0.0)
        self._fit_all = False
        self._rows_auto = True
        self._update_zoom_limits()
        self.viewbox.setRange(xRange=(0.0, self._default_width), yRange=self._default_rows(0.0), padding=0)
        self.item.data_changed()
        self._update_legend()
        self.info.setText("")

    def _row_plan(self, layout: Layout, names: Names | None) -> RowPlan:
        """The rows of ``layout``, planned once per layout, names and vehicle setting: Reset shows
        the same rows again (re-planning the large network's 2,932 rows took 0.1 s of Reset)."""
        key = (layout, names, self._show_vehicles)
        cached = self._plan_cache
        if cached is None or any(a is not b for a, b in zip(cached[0], key, strict=True)):
            cached = (key, row_plan(layout, self._show_vehicles, names))
            self._plan_cache = cached
        return cached[1]

    def _update_zoom_limits(self) -> None:
        """Time zoom between one minute and the run's length (the horizon, or so far)."""
        minute = DAY_IN_UNIT.get(self.time_unit, 1440.0) / 1440.0
        if self._horizon is not None:
            length = self._horizon
        else:
            length = max(self.store.t_max if self.store.n else 0.0, self.now, self._default_width)
        self.viewbox.setLimits(minXRange=minute, maxXRange=max(length * 1.05, minute * 2))

    def _apply_plan(self, plan: RowPlan) -> None:
        self.rows = plan.rows
        self.row_names = plan.names
        self.row_axis.set_names(self.row_names)
        self.row_axis.set_groups(plan.groups, self._owner_colors)
        assert self.layout_ is not None
        self.item.set_rows(plan.groups, self._owner_colors, theme.family_colors(self.layout_.families))
        n = max(len(self.rows), 1)
        self.viewbox.setLimits(yMin=0.0, yMax=float(n), maxYRange=float(n))

    def set_show_vehicles(self, on: bool) -> None:
        """One row per vehicle (on) or one row per lane for all its vehicles (off); keeps the bars."""
        on = bool(on)
        if self.vehicles_check.isChecked() != on:
            self.vehicles_check.blockSignals(True)
            self.vehicles_check.setChecked(on)
            self.vehicles_check.blockSignals(False)
        if on == self._show_vehicles:
            return
        self._show_vehicles = on
        if self.layout_ is None:
            return
        plan = row_plan(self.layout_, on, self.names)
        self.store.remap(plan.row_of_resource, plan.row_owner)
        self._apply_plan(plan)
        self.item.restyle()
        self.item.data_changed()
        (_xa, _xb), (ya, yb) = self.viewbox.viewRange()
        if self._rows_auto:
            self.viewbox.setYRange(*self._default_rows(ya), padding=0)
        else:
            n = float(max(len(self.rows), 1))
            span = min(yb - ya, n)
            top = min(max(ya, 0.0), n - span)
            self.viewbox.setYRange(top, top + span, padding=0)

    def show_vehicles(self) -> bool:
        return self._show_vehicles

    def append(self, events: np.ndarray) -> None:
        """Add new EVENT_DTYPE records (a batch from the running simulation); O(batch).

        While the view is hidden, the batch is binned into the long-span summary at once
        (:meth:`~twin_app.gui.gantt_lod.LodRaster.sync`, O(batch)) instead of at the next paint:
        the first paint after a tab switch had to bin every bar that came while another view
        was shown (68 ms a switch on average on the large network, up to 200 ms). A shown view
        leaves it to its paint, which takes all the batches since the last one in one go.
        """
        if self.store.append(events):
            self.item.data_changed()
            if self._horizon is None:
                self._update_zoom_limits()
            if not self.isVisible() and self.store.lod is not None:
                self.store.lod.sync(self.store)

    def set_order_products(self, orders: np.ndarray) -> None:
        """Tell the view each order's product (ORDER_DTYPE records), to colour by product family."""
        orders = np.asarray(orders)
        if len(orders) == 0:
            return
        product = orders["product"].astype(np.int64)
        fam = np.full(len(orders), -1, dtype=np.int32)
        ok = (product >= 0) & (product < len(self._product_family))
        fam[ok] = self._product_family[product[ok]]
        version = self.store.version
        self.store.set_order_families(orders["order"], fam)
        if self.store.version != version:
            self.item.update()

    def set_now(self, t: float) -> None:
        """The simulated clock; with follow-now on, scroll so ``t`` stays near the right edge.

        While the view is hidden (another tab is shown) only the time is kept: moving the view
        range re-lays the axes, work nobody would see; it is done when the view is shown.
        """
        self.now = float(t)
        if not self.isVisible():
            self._now_pending = True
            return
        self._apply_now()

    def _apply_now(self) -> None:
        self._now_pending = False
        self.now_line.setValue(self.now)
        if self._horizon is None:
            self._update_zoom_limits()
        if self._follow:
            self._scroll_to_now()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._now_pending:
            self._apply_now()

    def set_color_mode(self, mode: str) -> None:
        """Colour bars by 'order', 'family', 'owner' or 'state'."""
        if mode not in COLOR_MODES:
            raise ValueError(f"Unknown colour mode {mode!r}; expected one of {COLOR_MODES}")
        self.store.set_mode(mode)
        self.item.restyle()
        i = self.mode_combo.findData(mode)
        if i != self.mode_combo.currentIndex():
            self.mode_combo.blockSignals(True)
            self.mode_combo.setCurrentIndex(i)
            self.mode_combo.blockSignals(False)
        self._update_legend()

    def highlight_order(self, order: int | None) -> None:
        """Emphasise all bars of ``order`` (others dimmed); None clears the highlight."""
        order = None if order is None or order < 0 else int(order)
        self.item.set_highlight(order)
        if order is not None:
            self.info.setText(f"Order {order} highlighted")

    def highlighted_order(self) -> int | None:
        return self.item.highlight

    def follow_now(self) -> bool:
        return self._follow

    def set_follow_now(self, on: bool) -> None:
        """Turn following the clock on or off (dragging the chart turns it off)."""
        self._follow = bool(on)
        if not self._follow:
            self._fit_all = False
        if self.follow_check.isChecked() != self._follow:
            self.follow_check.blockSignals(True)
            self.follow_check.setChecked(self._follow)
            self.follow_check.blockSignals(False)
        if self._follow:
            self._scroll_to_now()

    def zoom_to_fit(self) -> None:
        """Show every bar (up to now) and every row; while following, keep showing all of it."""
        self._fit_all = self._follow
        self._rows_auto = False
        self.viewbox.setRange(xRange=self._fit_x(), yRange=(0.0, max(len(self.rows), 1)), padding=0)

    def _fit_x(self) -> tuple[float, float]:
        lo = min(self.store.t_min, 0.0) if self.store.n else 0.0
        hi = max(self.store.t_max if self.store.n else 0.0, self.now)
        if hi <= lo:
            hi = lo + self._default_width
        return lo, hi + 0.01 * (hi - lo)

    def y_range(self) -> tuple[float, float]:
        _, (ya, yb) = self.viewbox.viewRange()
        return float(ya), float(yb)

    def x_range(self) -> tuple[float, float]:
        (xa, xb), _ = self.viewbox.viewRange()
        return float(xa), float(xb)

    # ----- hover and click -----
    def bar_at_scene(self, pos: QtCore.QPointF) -> int:
        """Store index of the bar under a scene position (-1 if none)."""
        if not self.viewbox.sceneBoundingRect().contains(pos) or self.store.n == 0:
            return -1
        pt = self.viewbox.mapSceneToView(pos)
        row = math.floor(pt.y())
        if not 0 <= row < self.store.n_rows:
            return -1
        px = self.viewbox.viewPixelSize()[0]
        return self.store.bar_at(pt.x(), row, tol=3.0 * px)

    def describe(self, index: int) -> str:
        """Hover text of a bar: resource, kind, order, job, operation, times, quantity, cost."""
        rec = self.store.records[index]
        row = int(self.store.row[index])
        name = self.row_names[row] if row < len(self.row_names) else str(int(rec["resource"]))
        kind = EventKind(int(rec["kind"])).name.replace("_", " ").lower()
        if int(self.store.kind[index]) == EMPTY_RETURN:
            kind = "empty return (no load)"
        start, end = float(rec["start"]), float(rec["end"])
        lines = [f"{name} — {kind}"]
        if rec["order"] >= 0:
            lines.append(f"order {int(rec['order'])}   job {int(rec['job'])}   operation {int(rec['operation'])}")
        u = self.time_unit
        lines.append(f"{start:,.2f} → {end:,.2f} {u}   (duration {end - start:,.2f} {u})")
        if u == "min":
            lines.append(f"{theme.format_clock(start)} → {theme.format_clock(end)}")
        lines.append(f"quantity {float(rec['quantity']):g}   cost {float(rec['cost']):,.2f}")
        return "\n".join(lines)

    def _on_mouse_moved(self, args: tuple[Any, ...]) -> None:
        pos = args[0]
        index = self.bar_at_scene(pos)
        if index < 0:
            self.info.setText("")
            QtWidgets.QToolTip.hideText()
            return
        text = self.describe(index)
        self.info.setText(text.split("\n")[0])
        view_pos = self.plot.mapFromScene(pos)
        QtWidgets.QToolTip.showText(self.plot.viewport().mapToGlobal(view_pos), text, self.plot)

    def _on_mouse_clicked(self, ev: Any) -> None:
        if ev.button() != QtCore.Qt.MouseButton.LeftButton:
            return
        index = self.bar_at_scene(ev.scenePos())
        order = int(self.store.order[index]) if index >= 0 else -1
        if order < 0:
            self.highlight_order(None)
            self.info.setText("")
            return
        self.highlight_order(order)
        self.order_clicked.emit(order)

    # ----- internals -----
    def _scroll_to_now(self) -> None:
        if self._fit_all:
            self.viewbox.setXRange(*self._fit_x(), padding=0)
            return
        xa, xb = self.x_range()
        width = xb - xa if xb > xa else self._default_width
        origin = min(self.store.t_min, 0.0) if self.store.n else 0.0
        lo = max(origin, self.now - (1.0 - FOLLOW_MARGIN) * width)
        self.viewbox.setXRange(lo, lo + width, padding=0)

    def _on_user_panned(self) -> None:
        self.set_follow_now(False)

    def _on_user_zoomed(self) -> None:
        """A wheel zoom of time: following goes on with the new width (not the whole run)."""
        self._fit_all = False
        if self._follow:
            self._scroll_to_now()

    def _on_rows_zoomed(self) -> None:
        self._rows_auto = False

    def _rows_visible(self) -> float:
        """How many rows fit at ``MIN_ROW_PX`` (all rows if the view is not laid out yet)."""
        n = float(max(len(self.rows), 1))
        height = self.viewbox.height()
        if height < 2 * MIN_ROW_PX:
            return n
        return min(n, max(math.floor(height / MIN_ROW_PX), 1))

    def _default_rows(self, top: float) -> tuple[float, float]:
        n = float(max(len(self.rows), 1))
        span = self._rows_visible()
        top = min(max(math.floor(top), 0.0), n - span)
        return top, top + span

    def _on_resized(self) -> None:
        if self._rows_auto and self.rows:
            self.viewbox.setYRange(*self._default_rows(self.y_range()[0]), padding=0)
        self._sync_scrollbar()

    def _sync_scrollbar(self) -> None:
        """The scroll bar mirrors the row window (in tenths of a row); hidden if all rows show."""
        n = max(len(self.rows), 1)
        ya, yb = self.y_range()
        span = yb - ya
        hidden = span >= n - 1e-6
        self._syncing_scroll = True
        try:
            self.row_scroll.setRange(0, max(round((n - span) * 10), 0))
            self.row_scroll.setPageStep(max(round(span * 10), 1))
            self.row_scroll.setSingleStep(10)
            self.row_scroll.setValue(round(ya * 10))
        finally:
            self._syncing_scroll = False
        if self.row_scroll.isHidden() != hidden:
            self.row_scroll.setVisible(not hidden)

    def _on_scroll(self, value: int) -> None:
        if self._syncing_scroll:
            return
        ya, yb = self.y_range()
        top = value / 10.0
        self.viewbox.setYRange(top, top + (yb - ya), padding=0)

    def _update_legend(self) -> None:
        mode = self.store.mode
        entries: list[tuple[str, str]] = []
        if mode == "state":
            for kind in (EventKind.PROCESS, EventKind.SETUP, EventKind.TRANSPORT, EventKind.BLOCKED, EventKind.DOWN):
                entries.append((theme.KIND_COLORS[kind], kind.name.lower()))
            entries.append((theme.blend(theme.STATE_COLORS["off_shift"], amount=0.55), "off shift"))
        elif mode == "owner":
            owners = self.names.owner if self.names is not None else (self.layout_.owners if self.layout_ else ())
            entries = list(zip(self.item.owner_colors, owners, strict=False))
        elif mode == "family":
            entries = list(zip(self.item.family_colors, self.layout_.families if self.layout_ else (), strict=False))
        else:
            entries = [(theme.ORDER_COLORS[i], "") for i in range(6)]
        more = len(entries) - 10
        entries = entries[:10]
        # Kinds drawn the same in every mode come first, so a narrow window clips categories only.
        fixed = f"<span style='color:{theme.EMPTY_RETURN_COLOR}; font-size:13px'>▬</span>&nbsp;empty return"
        if mode != "state":
            fixed = (
                f"<span style='color:{theme.STATE_COLORS['setup']}'>▨</span>&nbsp;setup"
                f"&nbsp;&nbsp;<span style='color:{theme.STATE_COLORS['down']}'>▩</span>&nbsp;down"
                f"&nbsp;&nbsp;{fixed}"
            )
        chips = "&nbsp;&nbsp;".join(
            f"<span style='color:{c}; font-size:13px'>■</span>&nbsp;{html.escape(name)}" for c, name in entries
        )
        if more > 0:
            chips += f"&nbsp;&nbsp;+{more} more (see the bands by the row names)"
        if mode == "order":
            chips += "&nbsp;one colour per order"
        if mode == "state":
            chips = f"{chips}&nbsp;&nbsp;{fixed}"
        else:
            chips = f"{fixed}&nbsp;&nbsp;<span style='color:{theme.colors.grid}'>|</span>&nbsp;&nbsp;{chips}"
        self.legend.setText(f"<span style='color:{theme.colors.muted}'>{chips}</span>")
        self.legend.setToolTip(self.legend.text())
