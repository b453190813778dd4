"""The network map: sites by owner or live by utilisation / queue, lanes by flow, vehicles moving.

The data side is :class:`~twin_app.gui.map_model.MapModel` (numpy); this widget draws it with a
handful of pyqtgraph array items whatever the size of the network: scatter items for sites,
customers, vehicles and queue halos, one ``connect="pairs"`` curve per lane-width class. While
the twin runs, vehicles under way move along their lanes (filled: loaded, hollow: driving back)
and a halo around each site grows with the parts waiting there now. Big networks are drawn as
clusters of nearby sites that split up as the user zooms in; labels are placed where they do
not cover each other. The owner legend beside the map lists every owner. Hovering shows a tool
tip; clicking a site shows its machines in the details panel, clicking a cluster zooms into it.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QIcon, QPen, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QGraphicsItem,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QSizePolicy,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from twin_app.gui import theme
from twin_app.gui.map_details import details_placeholder, node_details
from twin_app.gui.map_model import CLUSTER_CELL_PX, Clusters, MapModel, cluster_nodes, place_labels, width_classes
from twin_app.gui.view import RunContext, ViewUpdate

COLOR_MODES = ("owner", "utilisation", "queue")
WIDTH_CLASSES = (1.5, 3.0, 4.5, 6.5, 9.0)
"""Pen widths (pixels) of the lane flow classes; lanes without flow are drawn thin and dashed."""

_HEAT_COLORS = ((214, 230, 245), (246, 195, 67), (214, 69, 69))
HEAT_MAP = pg.ColorMap(np.array((0.0, 0.5, 1.0)), np.array([(*c, 255) for c in _HEAT_COLORS], dtype=np.ubyte))
_HEAT_STEPS = 20
"""Low (pale blue) to high (red): utilisation 0..100 %, queue 0..max, in 5 % steps."""

MAX_LABELS = 60
"""Node labels tried at most (the largest nodes first); the rest show on hover."""

QUEUE_COLOR = (230, 159, 0)
WHEEL_STEP = 1.15
"""Zoom factor of one mouse-wheel notch (around the cursor): small steps, so clusters open one
by one as the user zooms instead of jumping (pyqtgraph's own notch is 1.35)."""

ZOOM_IN_LIMIT, ZOOM_OUT_LIMIT = 200.0, 4.0
"""The view spans at least 1/200 of the network's extent (a single site fills it) and at most
4 times it (the whole network stays a visible shape)."""

HALO_SIZES = (8.0, 14.0, 22.0, 32.0, 44.0)
"""Extra diameter (pixels) of the queue halo around a site, by queue size class: one scatter
item per class with one brush, so redrawing the halos ten times a second stays cheap."""


class NetworkMapView(QWidget):
    """The map widget: the network plot, the owner legend and the details of the selected site."""

    title = "Network map"
    needs = ("durations", "queue_means", "lane_flows")
    site_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._heat_cache: dict[int, QColor] = {}
        self._pen_cache: dict[tuple[str, float], QPen] = {}
        self._brush_cache: dict[int, QBrush] = {}
        self.model: MapModel | None = None
        self.run: RunContext | None = None
        self.clusters: Clusters | None = None
        self.mode = "utilisation"
        self.selected: int | None = None
        self._labels: list[pg.TextItem] = []
        self._labels_px = 0.0
        """Data units per pixel when the labels were placed (a zoom out brings them together)."""
        self._owner_colors: list[str] = []

        self.plot_widget = pg.PlotWidget()
        plot = self.plot_widget.getPlotItem()
        theme.style_plot(plot, grid=False)
        plot.hideAxis("left")
        plot.hideAxis("bottom")
        plot.setAspectLocked(True)
        self.idle_lanes = pg.PlotCurveItem(connect="pairs")
        plot.addItem(self.idle_lanes)
        self.lane_items: list[pg.PlotCurveItem] = []
        for _width in WIDTH_CLASSES:
            item = pg.PlotCurveItem(connect="pairs")
            plot.addItem(item)
            self.lane_items.append(item)
        self.halos = [pg.ScatterPlotItem(symbol="o", pxMode=True, pen=pg.mkPen(None)) for _ in HALO_SIZES]
        self.vehicles = pg.ScatterPlotItem(symbol="s", pxMode=True, size=8)
        """Loaded vehicles (filled); empty ones driving back are :attr:`empty_vehicles` (hollow)."""
        self.empty_vehicles = pg.ScatterPlotItem(symbol="s", pxMode=True, size=7)
        self.sites = pg.ScatterPlotItem(hoverable=True, tip=self._tip, symbol="o", pxMode=True)
        self.customers = pg.ScatterPlotItem(hoverable=True, tip=self._tip, symbol="s", pxMode=True)
        self.highlight = pg.ScatterPlotItem(symbol="o", pxMode=True, brush=pg.mkBrush(None))
        for item in (*self.halos, self.sites, self.customers, self.empty_vehicles, self.vehicles, self.highlight):
            plot.addItem(item)
        # What changes only with an analysis or a zoom is cached as a pixmap, so the vehicles
        # moving ten times a second repaint themselves, not every lane and site under them.
        for item in (self.idle_lanes, *self.lane_items, self.sites, self.customers):
            item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.sites.sigClicked.connect(self._on_points_clicked)
        self.customers.sigClicked.connect(self._on_points_clicked)
        self._relayout = QTimer(self)
        self._relayout.setSingleShot(True)
        self._relayout.setInterval(60)
        self._relayout.timeout.connect(self.redraw)
        plot.getViewBox().sigRangeChanged.connect(lambda *_: self._on_range_changed())
        # one notch = WHEEL_STEP: pyqtgraph scales by 1.02 ** (delta * factor), a notch is 120
        plot.getViewBox().state["wheelScaleFactor"] = -math.log(WHEEL_STEP) / (120 * math.log(1.02))

        self.mode_buttons = QButtonGroup(self)
        switch = QHBoxLayout()
        switch.setContentsMargins(8, 6, 8, 0)
        title = QLabel("Colour sites by")
        title.setObjectName("Hint")
        switch.addWidget(title)
        for mode, text in (("owner", "Owner"), ("utilisation", "Utilisation"), ("queue", "Queue length")):
            button = QRadioButton(text)
            button.setProperty("mode", mode)
            button.setChecked(mode == self.mode)
            self.mode_buttons.addButton(button)
            switch.addWidget(button)
        self.mode_buttons.buttonClicked.connect(lambda b: self.set_color_mode(str(b.property("mode"))))
        switch.addStretch(1)
        self.legend = QLabel()
        self.legend.setObjectName("Hint")
        self.legend.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.legend.setMinimumWidth(80)
        self.legend.setWordWrap(True)  # a narrow window (or large type) wraps it, never cuts it
        self.legend.setContentsMargins(8, 0, 8, 0)

        self.owner_list = QListWidget()
        self.owner_list.setToolTip("Every owner of the network, with its colour and its sites")
        self.details = QTextBrowser()
        self.details.setOpenLinks(False)
        self.details.setHtml(details_placeholder())
        side = QSplitter(Qt.Orientation.Vertical)
        owners_box = QWidget()
        owners_layout = QVBoxLayout(owners_box)
        owners_layout.setContentsMargins(0, 0, 0, 0)
        owners_title = QLabel("Owners")
        owners_title.setObjectName("SectionTitle")
        owners_layout.addWidget(owners_title)
        owners_layout.addWidget(self.owner_list)
        side.addWidget(owners_box)
        side.addWidget(self.details)
        side.setSizes([260, 420])
        side.setMinimumWidth(220)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.setSpacing(4)
        left_layout.addLayout(switch)
        left_layout.addWidget(self.legend)  # its own row: beside the switch it wrapped to 6 lines at 1100 px
        left_layout.addWidget(self.plot_widget, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([900, 280])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        outer.addWidget(splitter)
        self.restyle()

    # -- View --------------------------------------------------------------------------------------

    def set_run(self, run: RunContext) -> None:
        """Show a (new) scenario: positions, owners and lanes; no run values yet."""
        self.run = run
        self.model = MapModel.build(run.scenario, run.layout, run.network)
        self._owner_colors = theme.owner_colors(run.scenario.owners)
        self.selected = None
        self._fill_owner_list()
        self.details.setHtml(details_placeholder())
        self._fit()
        self.redraw()

    def update(self, data: ViewUpdate) -> None:
        if self.model is None:
            return
        if data.live is not None:
            self.model.live = data.live
        if data.analysis is not None:
            self.model.update(data.analysis)
            self.redraw()
            self._refresh_details()
        elif data.live is not None:
            self._draw_live()

    def clear(self) -> None:
        """Forget run values (reset) but keep the scenario."""
        if self.model is not None:
            self.model.clear()
            self.redraw()
            self._refresh_details()

    def set_color_mode(self, mode: str) -> None:
        if mode not in COLOR_MODES:
            raise ValueError(f"unknown map colour mode {mode!r}; use one of {COLOR_MODES}")
        self.mode = mode
        for button in self.mode_buttons.buttons():
            button.setChecked(button.property("mode") == mode)
        self.redraw()

    def restyle(self) -> None:
        """Pens and brushes of the active theme."""
        self._pen_cache.clear()
        self._brush_cache.clear()
        self.idle_lanes.setPen(pg.mkPen(theme.colors.grid, width=1.2, style=Qt.PenStyle.DashLine))
        lane = QColor(theme.colors.muted)
        lane.setAlpha(170)
        for item, width in zip(self.lane_items, WIDTH_CLASSES, strict=True):
            item.setPen(pg.mkPen(lane, width=width))
        self.highlight.setPen(pg.mkPen(theme.colors.accent, width=3))
        halo = QColor(*QUEUE_COLOR)
        halo.setAlpha(110)
        for item in self.halos:
            item.setBrush(pg.mkBrush(halo))
        self.vehicles.setBrush(pg.mkBrush(theme.colors.accent))
        self.vehicles.setPen(pg.mkPen(theme.colors.panel, width=1))
        self.empty_vehicles.setBrush(pg.mkBrush(theme.colors.panel))
        self.empty_vehicles.setPen(pg.mkPen(theme.colors.accent, width=1.5))
        for label in self._labels:
            label.setColor(theme.colors.text)
            label.setFont(theme.ui_font(8.5))
        self._fill_owner_list()
        self.redraw()

    # -- drawing -----------------------------------------------------------------------------------

    def node_brushes(self) -> list[QColor]:
        """Fill colour of every site node in the current mode (tests read these)."""
        model = self.model
        if model is None:
            return []
        n = model.n_sites
        if self.mode == "owner":
            return [QColor(self._owner_color(int(o))) for o in model.node_owner[:n]]
        return self._heat_colors(model.node_values(self.mode)[:n])

    def _heat_colors(self, values: np.ndarray) -> list[QColor]:
        top = (
            1.0
            if self.mode == "utilisation"
            else max(1.0, float(np.nanmax(values)) if np.any(np.isfinite(values)) else 1.0)
        )
        return [
            self._heat(-1) if not np.isfinite(v) else self._heat(round(min(max(v / top, 0.0), 1.0) * _HEAT_STEPS))
            for v in values
        ]

    def _heat(self, step: int) -> QColor:
        color = self._heat_cache.get(step)
        if color is None:
            color = QColor(theme.colors.grid) if step < 0 else HEAT_MAP.map(step / _HEAT_STEPS, mode="qcolor")
            self._heat_cache[step] = color
        return color

    def cell_size(self) -> float | None:
        """Data units of one cluster cell at the current zoom (None before the view is laid out)."""
        px = self.plot_widget.getPlotItem().getViewBox().viewPixelSize()
        size = max(px[0], px[1]) * CLUSTER_CELL_PX
        return size if np.isfinite(size) and size > 0 else None

    def redraw(self) -> None:
        model = self.model
        if model is None:
            return
        clusters = cluster_nodes(model, self.cell_size())
        self.clusters = clusters
        of = clusters.of_node
        n_sites = model.n_sites
        k_sites = int(of[:n_sites].max()) + 1 if n_sites else 0
        values = self._cluster_values(model, clusters)
        centre = clusters.centre
        if self.mode == "owner":
            brushes = [self._brush(QColor(self._owner_color(int(o)))) for o in clusters.owner[:k_sites]]
            pens = [self._pen(theme.colors.panel, 1.5)] * k_sites
        else:
            brushes = [self._brush(c) for c in self._heat_colors(values[:k_sites])]
            pens = [self._pen(self._owner_color(int(o)), 3) for o in clusters.owner[:k_sites]]
        machines = clusters.machines[:k_sites]
        sizes = np.where(clusters.size[:k_sites] > 1, 18 + 4 * np.sqrt(machines), 14 + 5 * np.sqrt(machines))
        sizes = np.minimum(sizes, 64)
        self._sizes = np.concatenate([sizes, np.full(len(centre) - k_sites, 15.0)])
        symbols = ["o" if s == 1 else "h" for s in clusters.size[:k_sites]]
        self.sites.setData(
            pos=centre[:k_sites], size=sizes, brush=brushes, pen=pens, data=np.arange(k_sites), symbol=symbols
        )
        self.customers.setData(
            pos=centre[k_sites:],
            size=15,
            brush=pg.mkBrush(theme.colors.customer),
            pen=pg.mkPen(theme.colors.panel, width=1.5),
            data=np.arange(k_sites, len(centre)),
            symbol="s",
        )
        self._draw_lanes(model, clusters)
        self._draw_labels(model, clusters)
        self._draw_live()
        self._update_legend()
        self._update_highlight()

    def _cluster_values(self, model: MapModel, clusters: Clusters) -> np.ndarray:
        """Utilisation (machine-weighted mean) or queue (sum) per cluster."""
        of, k = clusters.of_node, len(clusters.centre)
        if self.mode == "queue":
            return np.bincount(of, np.nan_to_num(model.queue), minlength=k)
        util = model.utilisation
        known = np.isfinite(util) & (model.node_machines > 0)
        weight = np.bincount(of[known], model.node_machines[known], minlength=k)
        total = np.bincount(of[known], util[known] * model.node_machines[known], minlength=k)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(weight > 0, total / np.where(weight > 0, weight, 1.0), np.nan)

    def _draw_lanes(self, model: MapModel, clusters: Clusters) -> None:
        ends = clusters.of_node[model.lane_ends] if len(model.lane_ends) else np.zeros((0, 2), np.int64)
        between = ends[:, 0] != ends[:, 1]  # a lane inside one cluster is not drawn
        key = np.sort(ends[between], axis=1)
        flow = model.flow[between]
        if len(key):
            pairs, inverse = np.unique(key, axis=0, return_inverse=True)
            flow = np.bincount(inverse.reshape(-1), flow, minlength=len(pairs))
        else:
            pairs = np.zeros((0, 2), np.int64)
        classes = width_classes(flow, len(WIDTH_CLASSES))
        for k, item in enumerate([self.idle_lanes, *self.lane_items]):
            chosen = pairs[classes == k - 1]
            if len(chosen) == 0:
                item.setData(x=np.zeros(0), y=np.zeros(0))
                continue
            xy = clusters.centre[chosen.ravel()]
            item.setData(x=xy[:, 0], y=xy[:, 1], connect="pairs")
        self._cache_lanes_that_fit()

    def _cache_lanes_that_fit(self) -> None:
        """Keep a lane item's pixmap cache only while the whole item is in the view.

        Zoomed in, a lane item reaches beyond the view, and Qt's device cache of such an item
        (the part exposed in the view) cost more on every frame than drawing its lines: the
        large network zoomed 8x repainted in 19-34 ms with the lanes cached, 5 ms without
        (3.6 ms cached at the whole-network view, 6 ms without). The vehicles repaint the map
        ten times a second, and the trial's hover felt it (p90 ~150 ms on a loaded machine)."""
        view = self.plot_widget.getPlotItem().getViewBox().viewRect()
        for item in (self.idle_lanes, *self.lane_items):
            fits = view.contains(item.boundingRect())
            mode = QGraphicsItem.CacheMode.DeviceCoordinateCache if fits else QGraphicsItem.CacheMode.NoCache
            if item.cacheMode() != mode:
                item.setCacheMode(mode)

    def _draw_live(self) -> None:
        model, clusters = self.model, self.clusters
        if model is None or clusters is None:
            return
        node_xy = clusters.centre[clusters.of_node]
        xy, loaded = model.vehicle_positions(node_xy)
        # One style per item (no per-point brushes): thousands of vehicles redraw cheaply.
        self.vehicles.setData(pos=xy[loaded])
        self.empty_vehicles.setData(pos=xy[~loaded])
        live = model.live
        k = len(clusters.centre)
        waiting = np.zeros(k)
        if live is not None and len(live.node_queue) == len(clusters.of_node):
            waiting = np.bincount(clusters.of_node, live.node_queue, minlength=k)
        size_class = np.minimum(np.floor(np.log2(np.maximum(waiting, 1.0)) / 1.5), len(HALO_SIZES) - 1).astype(int)
        for index, (item, extra) in enumerate(zip(self.halos, HALO_SIZES, strict=True)):
            show = np.flatnonzero((waiting >= 0.5) & (size_class == index))
            if len(show) == 0:
                if len(item.data):  # an empty class left empty is not redrawn ten times a second
                    item.setData(pos=np.zeros((0, 2)))
                continue
            item.setData(pos=clusters.centre[show], size=self._sizes[show] + extra, data=show)

    def _on_range_changed(self) -> None:
        """Lay the map out again once the zoom or pan rests. Zooming out moves the labels (fixed
        in pixels, placed at map points) onto each other until then: they hide meanwhile."""
        px = max(self.plot_widget.getPlotItem().getViewBox().viewPixelSize())
        if np.isfinite(px) and px > self._labels_px * 1.001:
            for label in self._labels:
                label.hide()
        self._relayout.start()

    def _draw_labels(self, model: MapModel, clusters: Clusters) -> None:
        plot = self.plot_widget.getPlotItem()
        vb = plot.getViewBox()
        (xa, xb), (ya, yb) = vb.viewRange()
        px_w, px_h = vb.viewPixelSize()
        self._labels_px = max(px_w, px_h)
        texts: list[str] = []
        where = np.zeros((0, 2))
        if np.isfinite(px_w) and px_w > 0 and np.isfinite(px_h) and px_h > 0:
            centre = clusters.centre
            inside = np.flatnonzero(
                (centre[:, 0] >= xa) & (centre[:, 0] <= xb) & (centre[:, 1] >= ya) & (centre[:, 1] <= yb)
            )
            importance = clusters.machines[inside] + np.where(clusters.owner[inside] < 0, 0.5, 0.0)
            # Every node in view (or reaching into it) is an obstacle, not only those whose names
            # are tried: a cluster's name ('7 sites') covered a site's name beside it.
            mx, my = 32 * px_w, 32 * px_h  # (the largest marker's radius, 64 px across)
            everyone = np.flatnonzero(
                (centre[:, 0] >= xa - mx)
                & (centre[:, 0] <= xb + mx)
                & (centre[:, 1] >= ya - my)
                & (centre[:, 1] <= yb + my)
            )
            inside = inside[np.argsort(-importance, kind="stable")[:MAX_LABELS]]
            fm = QFontMetricsF(theme.ui_font(8.5))
            names = [self._cluster_name(model, clusters, int(c)) for c in inside]
            points = np.column_stack([(centre[inside, 0] - xa) / px_w, (yb - centre[inside, 1]) / px_h])
            shown, centres = place_labels(
                points,
                self._sizes[inside] / 2,
                np.array([fm.horizontalAdvance(t) + 4 for t in names]),
                fm.height(),
                clusters.machines[inside],
                view_px=((xb - xa) / px_w, (yb - ya) / px_h),
                obstacles_px=np.column_stack([(centre[everyone, 0] - xa) / px_w, (yb - centre[everyone, 1]) / px_h]),
                obstacles_radius_px=self._sizes[everyone] / 2,
            )
            texts = [names[i] for i in np.flatnonzero(shown)]
            where = centres[shown]
        while len(self._labels) < len(texts):  # a pool of text items, reused from redraw to redraw
            label = pg.TextItem("", anchor=(0.5, 0.5), color=theme.colors.text)
            label.setFont(theme.ui_font(8.5))
            # The moving vehicles repaint the whole map ten times a second: keep each label's
            # rendered text as a pixmap instead of laying the text out on every frame.
            label.textItem.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            plot.addItem(label)
            self._labels.append(label)
        for index, label in enumerate(self._labels):
            if index >= len(texts):
                label.hide()
                continue
            if label.toPlainText() != texts[index]:
                label.setText(texts[index])
            label.setPos(xa + where[index, 0] * px_w, yb - where[index, 1] * px_h)
            label.show()

    def _cluster_name(self, model: MapModel, clusters: Clusters, c: int) -> str:
        head = int(clusters.first[c])
        if clusters.size[c] > 1:
            return f"{int(clusters.size[c])} sites"
        return self._node_name(model, head)

    def _node_name(self, model: MapModel, node: int) -> str:
        if self.run is not None:
            if node < model.n_sites:
                return self.run.names.site[node]
            return self.run.scenario.customers[node - model.n_sites].name or model.network.node_ids[node]
        return model.network.node_ids[node]

    def _fit(self) -> None:
        if self.model is None or len(self.model.positions) == 0:
            return
        xy = self.model.positions
        lo, hi = xy.min(axis=0), xy.max(axis=0)
        pad = np.maximum((hi - lo) * 0.12, 5.0)
        span = float(max(hi[0] - lo[0], hi[1] - lo[1], 10.0))
        box = self.plot_widget.getPlotItem().getViewBox()
        box.setLimits(
            minXRange=span / ZOOM_IN_LIMIT,
            minYRange=span / ZOOM_IN_LIMIT,
            maxXRange=span * ZOOM_OUT_LIMIT,
            maxYRange=span * ZOOM_OUT_LIMIT,
        )
        box.setRange(xRange=(lo[0] - pad[0], hi[0] + pad[0]), yRange=(lo[1] - pad[1], hi[1] + pad[1]), padding=0)

    def _brush(self, color: QColor) -> QBrush:
        """The same brush object for the same colour: pyqtgraph's symbol atlas keys on identity."""
        brush = self._brush_cache.get(color.rgba())
        if brush is None:
            brush = self._brush_cache[color.rgba()] = QBrush(color)
        return brush

    def _pen(self, color: str, width: float) -> QPen:
        pen = self._pen_cache.get((color, width))
        if pen is None:
            pen = self._pen_cache[(color, width)] = pg.mkPen(color, width=width)
        return pen

    def _owner_color(self, owner: int) -> str:
        return self._owner_colors[owner] if 0 <= owner < len(self._owner_colors) else theme.UNKNOWN_COLOR

    def _fill_owner_list(self) -> None:
        self.owner_list.clear()
        model = self.model
        if model is None or self.run is None:
            return
        sites = np.bincount(model.node_owner[model.node_owner >= 0], minlength=len(self.run.names.owner))
        for index, name in enumerate(self.run.names.owner):
            swatch = QPixmap(12, 12)
            swatch.fill(QColor(self._owner_color(index)))
            kind = self.run.scenario.owners[index].kind.replace("_", " ")
            count = int(sites[index])
            item = QListWidgetItem(QIcon(swatch), name)
            item.setToolTip(f"{name}: {kind}, {count} site{'' if count == 1 else 's'}")
            self.owner_list.addItem(item)
        customer = QPixmap(12, 12)
        customer.fill(QColor(theme.colors.customer))
        self.owner_list.addItem(QListWidgetItem(QIcon(customer), "customer"))

    def _update_legend(self) -> None:
        model = self.model
        if model is None:
            return
        parts = []
        if self.mode == "owner":
            parts.append("fill = owner (list on the right)")
        else:
            if self.mode == "utilisation":
                low, high = "0 %", "100 %"
            else:
                top = float(np.nanmax(model.queue)) if len(model.queue) else 0.0
                low, high = "0", f"{max(top, 1.0):.1f} waiting (mean)"
            cells = "".join(
                f'<span style="background-color:{QColor(*c).name()}">&nbsp;&nbsp;&nbsp;&nbsp;</span>'
                for c in _HEAT_COLORS
            )
            parts.append(f"{low} {cells} {high}, ring = owner")
        parts.append("line width = units carried")
        parts.append(f'<span style="color:{theme.colors.accent}">&#9632;</span> loaded / &#9633; empty vehicle')
        parts.append(f'<span style="color:rgb{QUEUE_COLOR}">&#11044;</span> parts waiting now')
        if model.clustered:
            parts.append("&#11043; cluster of sites: zoom in or click to open")
        self.legend.setText(" &middot; ".join(parts))

    def _update_highlight(self) -> None:
        if self.model is None or self.selected is None or self.clusters is None:
            self.highlight.setData(pos=np.zeros((0, 2)))
            return
        c = int(self.clusters.of_node[self.selected])
        self.highlight.setData(pos=self.clusters.centre[[c]], size=float(self._sizes[c]) + 12)

    # -- interaction -------------------------------------------------------------------------------

    def select_node(self, node: int | None) -> None:
        """Show the details of ``node`` (a network node index) in the side panel."""
        self.selected = node
        self._update_highlight()
        self._refresh_details()
        if node is not None:
            self.site_clicked.emit(node)

    def _on_points_clicked(self, _item: object, points: list[object], _ev: object) -> None:
        if not len(points) or self.clusters is None or self.model is None:
            return
        c = int(points[0].data())  # type: ignore[attr-defined]
        members = np.flatnonzero(self.clusters.of_node == c)
        if len(members) > 1:  # a cluster: zoom into its sites
            xy = self.model.positions[members]
            lo, hi = xy.min(axis=0), xy.max(axis=0)
            pad = np.maximum((hi - lo) * 0.25, 1.0)
            self.plot_widget.getPlotItem().getViewBox().setRange(
                QRectF(QPointF(*(lo - pad)), QPointF(*(hi + pad))), padding=0
            )
            return
        self.select_node(int(members[0]))

    def _tip(self, x: float, y: float, data: object) -> str:
        model, clusters = self.model, self.clusters
        if model is None or clusters is None or data is None:
            return ""
        c = int(data)  # type: ignore[call-overload]
        members = np.flatnonzero(clusters.of_node == c)
        if len(members) > 1:
            owners = len({int(o) for o in model.node_owner[members] if o >= 0})
            return f"{len(members)} sites of {owners} owners, {int(clusters.machines[c])} machine units (click to zoom)"
        node = int(members[0])
        name = self._node_name(model, node)
        if node >= model.n_sites:
            return f"Customer {name}"
        owner = model.node_owner[node]
        owner_name = self.run.names.owner_of(int(owner)) if self.run is not None else "?"
        util = model.utilisation[node]
        util_text = f"{util * 100:.0f} %" if np.isfinite(util) else "no machines"
        waiting = model.live.node_queue[node] if model.live is not None else 0.0
        return f"{name} ({owner_name})\nutilisation {util_text}\nqueue {model.queue[node]:.1f} mean, {waiting:.0f} now"

    def details_text(self) -> str:
        """Plain text of the details panel (for tests)."""
        return self.details.toPlainText()

    def _refresh_details(self) -> None:
        model, node, run = self.model, self.selected, self.run
        if model is None or node is None or run is None:
            self.details.setHtml(details_placeholder())
            return
        self.details.setHtml(node_details(model, run, node, self._owner_color(int(model.node_owner[node]))))
