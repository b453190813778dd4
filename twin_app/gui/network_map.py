"""The network map: sites by owner or live by utilisation / queue, lanes by flow, vehicles moving.

The data side is :class:`~twin_app.gui.map_model.MapModel` (numpy); this widget draws it with a
handful of pyqtgraph array items whatever the size of the network: scatter items for sites,
customers, vehicles and queue halos, one ``connect="pairs"`` curve per lane-width class. While
the twin runs, vehicles under way move along their lanes (filled: loaded, hollow: driving back)
and a halo around each site grows with the parts waiting there now. Big networks are drawn as
clusters of nearby sites that split up as the user zooms in; labels are placed where they do
not cover each other. The owner legend beside the map lists every owner. Hovering shows a tool
tip; clicking a site shows its machines in the details panel, clicking a cluster zooms into it.

This module is the widget: its layout, zoom and clicks, and what is redrawn when. Each layer's
drawing is a module of its own: :mod:`~twin_app.gui.map_colors` (heat scale, pens, brushes),
:mod:`~twin_app.gui.map_nodes` (site markers), :mod:`~twin_app.gui.map_lanes`,
:mod:`~twin_app.gui.map_live` (vehicles, queue halos), :mod:`~twin_app.gui.map_labels`,
:mod:`~twin_app.gui.map_legend` (legend, owner list) and :mod:`~twin_app.gui.map_details`
(details panel, tool tip).
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QButtonGroup,
    QGraphicsItem,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QRadioButton,
    QSizePolicy,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from twin_app.gui import theme
from twin_app.gui.map_colors import MapPalette
from twin_app.gui.map_details import details_placeholder, hover_tip, node_details
from twin_app.gui.map_labels import label_layout, restyle_labels, show_labels
from twin_app.gui.map_lanes import WIDTH_CLASSES, cache_lanes_that_fit, draw_lanes, style_lanes
from twin_app.gui.map_legend import fill_owner_list, legend_text
from twin_app.gui.map_live import HALO_SIZES, draw_live, style_live
from twin_app.gui.map_model import CLUSTER_CELL_PX, Clusters, MapModel, cluster_nodes
from twin_app.gui.map_nodes import draw_nodes
from twin_app.gui.view import RunContext, ViewUpdate

COLOR_MODES = ("owner", "utilisation", "queue")
WHEEL_STEP = 1.15
"""Zoom factor of one mouse-wheel notch (around the cursor): small steps, so clusters open one
by one as the user zooms instead of jumping (pyqtgraph's own notch is 1.35)."""

ZOOM_IN_LIMIT, ZOOM_OUT_LIMIT = 200.0, 4.0
"""The view spans at least 1/200 of the network's extent (a single site fills it) and at most
4 times it (the whole network stays a visible shape)."""


class NetworkMapView(QWidget):
    """The map widget: the network plot, the owner legend and the details of the selected site."""

    title = "Network map"
    needs = ("durations", "queue_means", "lane_flows")
    site_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._palette = MapPalette()
        self.model: MapModel | None = None
        self.run: RunContext | None = None
        self.clusters: Clusters | None = None
        self.mode = "utilisation"
        self.selected: int | None = None
        self._labels: list[pg.TextItem] = []
        self._labels_px = 0.0
        """Data units per pixel when the labels were placed (a zoom out brings them together)."""

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
        # a name wider than the list ends in '...' (its tip gives it whole), with no sideways
        # scroll bar taking a row's height (T9 at 1280x720 on stage)
        self.owner_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.owner_list.setTextElideMode(Qt.TextElideMode.ElideRight)
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
        self._palette.owner_colors = theme.owner_colors(run.scenario.owners)
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
        self._palette.restyle()
        style_lanes(self.idle_lanes, self.lane_items)
        self.highlight.setPen(pg.mkPen(theme.colors.accent, width=3))
        style_live(self.vehicles, self.empty_vehicles, self.halos)
        restyle_labels(self._labels)
        self._fill_owner_list()
        self._refresh_details()  # its hint kept the other theme's grey (T10)
        self.redraw()

    # -- drawing -----------------------------------------------------------------------------------

    def node_brushes(self) -> list[QColor]:
        """Fill colour of every site node in the current mode (tests read these)."""
        model = self.model
        if model is None:
            return []
        n = model.n_sites
        return self._palette.fills(model.node_owner[:n], model.node_values(self.mode)[:n], self.mode)

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
        self._sizes = draw_nodes(self.sites, self.customers, model, clusters, self.mode, self._palette)
        draw_lanes(model, clusters, self.idle_lanes, self.lane_items)
        cache_lanes_that_fit(
            self.plot_widget.getPlotItem().getViewBox().viewRect(), [self.idle_lanes, *self.lane_items]
        )
        self._draw_labels(model, clusters)
        self._draw_live()
        self.legend.setText(legend_text(model, self.mode))
        self._update_highlight()

    def _draw_live(self) -> None:
        model, clusters = self.model, self.clusters
        if model is None or clusters is None:
            return
        draw_live(model, clusters, self._sizes, self.vehicles, self.empty_vehicles, self.halos)

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
        self._labels_px = max(vb.viewPixelSize())
        texts, where = label_layout(vb, model, self.run, clusters, self._sizes)
        show_labels(plot, self._labels, texts, where)

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

    def _fill_owner_list(self) -> None:
        fill_owner_list(self.owner_list, self.model, self.run, self._palette.owner_color)

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
        return hover_tip(model, self.run, clusters, int(data))  # type: ignore[call-overload]

    def details_text(self) -> str:
        """Plain text of the details panel (for tests)."""
        return self.details.toPlainText()

    def _refresh_details(self) -> None:
        model, node, run = self.model, self.selected, self.run
        if model is None or node is None or run is None:
            self.details.setHtml(details_placeholder())
            return
        self.details.setHtml(node_details(model, run, node, self._palette.owner_color(int(model.node_owner[node]))))
