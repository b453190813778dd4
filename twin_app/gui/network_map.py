"""The network map: sites coloured by owner or live by utilisation / queue, lanes by flow.

The data side (:class:`MapModel`, plain numpy) turns a scenario, its network graph and a
RunResult into node positions, node values and per-lane flows; the widget
(:class:`NetworkMapView`) draws them with a handful of pyqtgraph array items whatever the
size of the network: one ScatterPlotItem for the sites, one for the customers, one
PlotCurveItem with ``connect="pairs"`` per lane-width class. Hovering a node shows a tool tip;
clicking shows the site's machines with their state breakdown in the side panel.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import networkx as nx
import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPen
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QSizePolicy,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from twin_app.analysis.result import RunResult
from twin_app.gui import theme
from twin_app.model.events import EventKind
from twin_app.model.layout import Layout
from twin_app.model.network import Network
from twin_app.model.scenario import Scenario

COLOR_MODES = ("owner", "utilisation", "queue")
WIDTH_CLASSES = (1.5, 3.0, 4.5, 6.5, 9.0)
"""Pen widths (pixels) of the lane flow classes; lanes without flow are drawn thin and dashed."""

_HEAT_STOPS = (0.0, 0.5, 1.0)
_HEAT_COLORS = ((214, 230, 245), (246, 195, 67), (214, 69, 69))
HEAT_MAP = pg.ColorMap(np.array(_HEAT_STOPS), np.array([(*c, 255) for c in _HEAT_COLORS], dtype=np.ubyte))
_HEAT_STEPS = 20
"""Low (pale blue) to high (red): utilisation 0..100 %, queue 0..max."""


@dataclass
class MapModel:
    """Everything the map draws, as arrays indexed by network node (sites first, then customers)."""

    scenario: Scenario
    layout: Layout
    network: Network
    positions: np.ndarray
    """(n_nodes, 2) drawing coordinates."""
    node_owner: np.ndarray
    """Owner index of each node (-1 for customers)."""
    n_sites: int
    lane_ends: np.ndarray
    """(n_lanes, 2) node indices of each drawable lane's origin and destination."""
    lane_index: np.ndarray
    """Scenario lane index of each drawable lane."""
    utilisation: np.ndarray
    """Per node: busy share of the machines' working time (NaN: no machines)."""
    queue: np.ndarray
    """Per node: mean number of operations waiting at the site's machines."""
    flow: np.ndarray
    """Per drawable lane: units transported so far."""
    resource_states: np.ndarray | None = None
    """(n_resources, 6) state durations of the latest result, for the details panel."""

    @classmethod
    def build(cls, scenario: Scenario, layout: Layout, network: Network) -> MapModel:
        graph = network.graph
        ids = network.node_ids
        xy = np.array([[float(graph.nodes[n].get("x", 0.0)), float(graph.nodes[n].get("y", 0.0))] for n in ids])
        if len(xy) and np.allclose(xy, 0.0):
            xy = spring_positions(graph, ids)
        owner_index = {o: i for i, o in enumerate(layout.owners)}
        node_owner = np.array(
            [
                owner_index.get(graph.nodes[n].get("owner", ""), -1) if graph.nodes[n].get("kind") == "site" else -1
                for n in ids
            ],
            dtype=np.int32,
        )
        ends, lanes = [], []
        for k, lane in enumerate(scenario.lanes):
            a, b = network.node_index.get(lane.origin), network.node_index.get(lane.destination)
            if a is not None and b is not None and a != b:
                ends.append((a, b))
                lanes.append(k)
        n = len(ids)
        return cls(
            scenario=scenario,
            layout=layout,
            network=network,
            positions=xy.reshape(-1, 2),
            node_owner=node_owner,
            n_sites=len(scenario.sites),
            lane_ends=np.array(ends, dtype=np.int64).reshape(-1, 2),
            lane_index=np.array(lanes, dtype=np.int64),
            utilisation=np.full(n, np.nan),
            queue=np.zeros(n),
            flow=np.zeros(len(lanes)),
        )

    def clear(self) -> None:
        self.utilisation[:] = np.nan
        self.queue[:] = 0.0
        self.flow[:] = 0.0
        self.resource_states = None

    def update(self, result: RunResult) -> None:
        """Recompute node values and lane flows from ``result``."""
        from twin_app.analysis.utilisation import mean_queue_length, state_durations

        states = np.asarray(state_durations(result), dtype=float)
        self.resource_states = states
        n_units = self.layout.n_machine_units
        unit_site = np.array([r.site for r in self.layout.resources[:n_units]], dtype=np.int64)
        busy = states[:n_units, 0]
        working = states[:n_units].sum(axis=1) - states[:n_units, 5]
        site_busy = np.bincount(unit_site[unit_site >= 0], busy[unit_site >= 0], minlength=self.n_sites)
        site_work = np.bincount(unit_site[unit_site >= 0], working[unit_site >= 0], minlength=self.n_sites)
        util = np.full(len(self.positions), np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            util[: self.n_sites] = np.where(site_work > 0, site_busy / np.maximum(site_work, 1e-12), np.nan)
        has_machine = np.bincount(unit_site[unit_site >= 0], minlength=self.n_sites) > 0
        util[: self.n_sites][has_machine & np.isnan(util[: self.n_sites])] = 0.0
        self.utilisation = util

        queue = np.asarray(mean_queue_length(result), dtype=float)[:n_units]
        # Units of one machine share its queue: count each machine's queue once (its maximum).
        unit_machine = np.array([r.machine for r in self.layout.resources[:n_units]], dtype=np.int64)
        per_machine = np.zeros(len(self.scenario.machines))
        if len(queue):
            np.maximum.at(per_machine, unit_machine, np.nan_to_num(queue))
        machine_site = np.array(
            [self.layout.resources[first].site for first in self.layout.machine_first_unit], dtype=np.int64
        )
        q = np.zeros(len(self.positions))
        valid = machine_site >= 0
        q[: self.n_sites] = np.bincount(machine_site[valid], per_machine[valid], minlength=self.n_sites)
        self.queue = q
        self.flow = lane_flows(result, self.lane_index)

    def node_values(self, mode: str) -> np.ndarray:
        """Values that colour the nodes in ``mode`` ('utilisation' 0..1, 'queue' >= 0)."""
        return self.utilisation if mode == "utilisation" else self.queue


def spring_positions(graph: nx.DiGraph, ids: tuple[str, ...]) -> np.ndarray:
    """Deterministic spring layout (when the scenario gives no coordinates), scaled to 0..100."""
    positions = nx.spring_layout(graph.to_undirected(), seed=7) if len(ids) > 1 else {ids[0]: (0.0, 0.0)}
    xy = np.array([positions[n] for n in ids], dtype=float)
    span = np.ptp(xy, axis=0)
    span[span == 0] = 1.0
    return (xy - xy.min(axis=0)) / span * 100.0


def lane_flows(result: RunResult, lane_index: np.ndarray) -> np.ndarray:
    """Units carried on each lane in ``lane_index`` so far (sum of TRANSPORT quantities)."""
    ev = result.events
    n_lanes = len(result.scenario.lanes)
    transports = ev[ev["kind"] == int(EventKind.TRANSPORT)]
    resource_lane = np.array([r.lane for r in result.layout.resources], dtype=np.int64)
    per_lane = np.zeros(n_lanes)
    if len(transports) and len(resource_lane):
        r = transports["resource"].astype(np.int64)
        ok = (r >= 0) & (r < len(resource_lane))
        lanes = resource_lane[r[ok]]
        keep = lanes >= 0
        per_lane = np.bincount(lanes[keep], transports["quantity"][ok][keep], minlength=n_lanes)
    return per_lane[lane_index] if len(lane_index) else np.zeros(0)


def labels_above(positions: np.ndarray, near: float = 0.06) -> np.ndarray:
    """Which node labels go above their node (else below): a node whose nearest neighbour is
    close (within ``near`` of the map's extent) and lower puts its label above, away from the
    neighbour's, so a hub and the site next to it do not print their names over each other."""
    xy = np.asarray(positions, dtype=float).reshape(-1, 2)
    n = len(xy)
    out = np.zeros(n, dtype=bool)
    if n < 2:
        return out
    extent = float(np.ptp(xy, axis=0).max()) or 1.0
    d = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    np.fill_diagonal(d, np.inf)
    nearest = np.argmin(d, axis=1)
    close = d[np.arange(n), nearest] < near * extent
    return close & (xy[nearest, 1] < xy[:, 1])


def width_classes(flow: np.ndarray) -> np.ndarray:
    """Class of each lane: -1 no flow, else 0..len(WIDTH_CLASSES)-1 by share of the maximum flow."""
    out = np.full(len(flow), -1, dtype=np.int64)
    if len(flow) == 0 or not np.any(flow > 0):
        return out
    share = np.sqrt(flow / flow.max())
    classes = np.minimum((share * len(WIDTH_CLASSES)).astype(np.int64), len(WIDTH_CLASSES) - 1)
    return np.where(flow > 0, classes, -1)


class NetworkMapView(QWidget):
    """The map widget: a plot of the network and a details panel for the selected site."""

    site_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._heat_cache: dict[int, QColor] = {}
        self._pen_cache: dict[tuple[str, float], QPen] = {}
        self._brush_cache: dict[int, QBrush] = {}
        self.model: MapModel | None = None
        self.mode = "utilisation"
        self.selected: int | None = None
        self._labels: list[pg.TextItem] = []
        self._owner_colors: list[str] = []

        self.plot_widget = pg.PlotWidget()
        plot = self.plot_widget.getPlotItem()
        theme.style_plot(plot, grid=False)
        plot.hideAxis("left")
        plot.hideAxis("bottom")
        plot.setAspectLocked(True)
        self.idle_lanes = pg.PlotCurveItem(
            connect="pairs", pen=pg.mkPen("#b7c0cc", width=1.2, style=Qt.PenStyle.DashLine)
        )
        plot.addItem(self.idle_lanes)
        self.lane_items: list[pg.PlotCurveItem] = []
        for width in WIDTH_CLASSES:
            item = pg.PlotCurveItem(connect="pairs", pen=pg.mkPen(QColor(70, 100, 150, 150), width=width))
            plot.addItem(item)
            self.lane_items.append(item)
        self.sites = pg.ScatterPlotItem(hoverable=True, tip=self._tip, symbol="o", pxMode=True)
        self.customers = pg.ScatterPlotItem(hoverable=True, tip=self._tip, symbol="s", pxMode=True)
        self.highlight = pg.ScatterPlotItem(
            symbol="o", pxMode=True, brush=pg.mkBrush(None), pen=pg.mkPen(theme.ACCENT, width=3)
        )
        for item in (self.sites, self.customers, self.highlight):
            plot.addItem(item)
        self.sites.sigClicked.connect(self._on_points_clicked)
        self.customers.sigClicked.connect(self._on_points_clicked)

        # Mode switch and legend above the plot.
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
        switch.addSpacing(16)
        self.legend = QLabel()
        self.legend.setObjectName("Hint")
        # The owner legend can be long: let it be cut rather than widen the window.
        self.legend.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.legend.setMinimumWidth(80)
        switch.addWidget(self.legend, 1)
        self.flow_note = QLabel("Line width: units transported")
        self.flow_note.setObjectName("Hint")
        switch.addWidget(self.flow_note)

        self.details = QTextBrowser()
        self.details.setOpenLinks(False)
        self.details.setMinimumWidth(200)
        self.details.setHtml(self._details_placeholder())

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.setSpacing(4)
        left_layout.addLayout(switch)
        left_layout.addWidget(self.plot_widget, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([900, 280])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        outer.addWidget(splitter)

    # -- data ------------------------------------------------------------------------------------

    def set_run(self, scenario: Scenario, layout: Layout, network: Network) -> None:
        """Show a (new) scenario: positions, owners and lanes; no run values yet."""
        self.model = MapModel.build(scenario, layout, network)
        self._owner_colors = theme.owner_colors(scenario)
        self.selected = None
        plot = self.plot_widget.getPlotItem()
        for label in self._labels:
            plot.removeItem(label)
        self._labels = []
        if len(self.model.positions) <= 80:
            above = labels_above(self.model.positions)
            for name, (x, y), up in zip(network.node_ids, self.model.positions, above, strict=True):
                label = pg.TextItem(name, color=theme.TEXT, anchor=(0.5, 1.55) if up else (0.5, -0.55))
                label.setFont(theme.ui_font(8.5))
                label.setPos(float(x), float(y))
                plot.addItem(label)
                self._labels.append(label)
        self.details.setHtml(self._details_placeholder())
        self.redraw()
        self._fit()

    def clear(self) -> None:
        """Forget run values (reset) but keep the scenario."""
        if self.model is not None:
            self.model.clear()
            self.redraw()
            self._refresh_details()

    def update_result(self, result: RunResult) -> None:
        if self.model is None:
            return
        self.model.update(result)
        self.redraw()
        self._refresh_details()

    def set_color_mode(self, mode: str) -> None:
        if mode not in COLOR_MODES:
            raise ValueError(f"unknown map colour mode {mode!r}; use one of {COLOR_MODES}")
        self.mode = mode
        for button in self.mode_buttons.buttons():
            button.setChecked(button.property("mode") == mode)
        self.redraw()

    # -- drawing ---------------------------------------------------------------------------------

    def node_brushes(self) -> list[QColor]:
        """Fill colour of every site node in the current mode (tests read these)."""
        model = self.model
        if model is None:
            return []
        n = model.n_sites
        if self.mode == "owner":
            return [QColor(self._owner_color(int(o))) for o in model.node_owner[:n]]
        values = model.node_values(self.mode)[:n]
        top = (
            1.0
            if self.mode == "utilisation"
            else max(1.0, float(np.nanmax(values)) if np.any(np.isfinite(values)) else 1.0)
        )
        # Colours in 5 % steps: few distinct brushes (and pens), reused as the same objects, so
        # pyqtgraph's symbol atlas renders each node symbol once instead of on every refresh.
        colors = []
        for v in values:
            if not np.isfinite(v):
                colors.append(self._heat(-1))
            else:
                colors.append(self._heat(round(min(max(v / top, 0.0), 1.0) * _HEAT_STEPS)))
        return colors

    def _heat(self, step: int) -> QColor:
        color = self._heat_cache.get(step)
        if color is None:
            color = QColor("#e4e7eb") if step < 0 else HEAT_MAP.map(step / _HEAT_STEPS, mode="qcolor")
            self._heat_cache[step] = color
        return color

    def redraw(self) -> None:
        model = self.model
        if model is None:
            return
        pos = model.positions
        n = model.n_sites
        brushes = self.node_brushes()
        machines_per_site = np.zeros(n)
        site_index = {s.id: i for i, s in enumerate(model.scenario.sites)}
        for machine in model.scenario.machines:
            if machine.site in site_index:
                machines_per_site[site_index[machine.site]] += machine.capacity
        sizes = 14 + 5 * np.sqrt(machines_per_site)
        if self.mode == "owner":
            pens = [self._pen("w", 1.5)] * n
        else:
            pens = [self._pen(self._owner_color(int(o)), 3) for o in model.node_owner[:n]]
        brushes = [self._brush(color) for color in brushes]
        self.sites.setData(pos=pos[:n], size=sizes, brush=brushes, pen=pens, data=np.arange(n), symbol="o")
        self.customers.setData(
            pos=pos[n:],
            size=15,
            brush=pg.mkBrush(theme.CUSTOMER_COLOR),
            pen=pg.mkPen("w", width=1.5),
            data=np.arange(n, len(pos)),
            symbol="s",
        )
        classes = width_classes(model.flow)
        ends = model.lane_ends
        for k, item in enumerate([self.idle_lanes, *self.lane_items]):
            chosen = ends[classes == k - 1]
            if len(chosen) == 0:
                item.setData(x=np.zeros(0), y=np.zeros(0))
                continue
            xy = pos[chosen.ravel()]
            item.setData(x=xy[:, 0], y=xy[:, 1], connect="pairs")
        self._update_legend()
        self._update_highlight()

    def _fit(self) -> None:
        if self.model is None or len(self.model.positions) == 0:
            return
        xy = self.model.positions
        lo, hi = xy.min(axis=0), xy.max(axis=0)
        pad = np.maximum((hi - lo) * 0.12, 5.0)
        self.plot_widget.getPlotItem().getViewBox().setRange(
            xRange=(lo[0] - pad[0], hi[0] + pad[0]), yRange=(lo[1] - pad[1], hi[1] + pad[1]), padding=0
        )

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
        return self._owner_colors[owner] if 0 <= owner < len(self._owner_colors) else "#9aa5b1"

    def _update_legend(self) -> None:
        model = self.model
        if model is None:
            return
        if self.mode == "owner":
            parts = [
                f'<span style="color:{self._owner_color(i)}">&#9679;</span> {html.escape(name)}'
                for i, name in enumerate(model.layout.owners)
                if np.any(model.node_owner == i)
            ]
            parts.append(f'<span style="color:{theme.CUSTOMER_COLOR}">&#9632;</span> customer')
            self.legend.setText("&nbsp;&nbsp;".join(parts))
            return
        if self.mode == "utilisation":
            low, high = "0 %", "100 %"
        else:
            top = float(np.nanmax(model.queue)) if len(model.queue) else 0.0
            low, high = "0", f"{max(top, 1.0):.1f} waiting"
        # QLabel rich text has no gradients: three solid cells stand for low, middle and high.
        cells = "".join(
            f'<span style="background-color:{QColor(*c).name()}">&nbsp;&nbsp;&nbsp;&nbsp;</span>' for c in _HEAT_COLORS
        )
        self.legend.setText(f"{low} {cells} {high} &nbsp; (ring colour = owner)")

    def _update_highlight(self) -> None:
        if self.model is None or self.selected is None:
            self.highlight.setData(pos=np.zeros((0, 2)))
            return
        self.highlight.setData(pos=self.model.positions[[self.selected]], size=34)

    # -- interaction -----------------------------------------------------------------------------

    def select_node(self, node: int | None) -> None:
        """Show the details of ``node`` (a network node index) in the side panel."""
        self.selected = node
        self._update_highlight()
        self._refresh_details()
        if node is not None:
            self.site_clicked.emit(node)

    def _on_points_clicked(self, _item: object, points: list[object], _ev: object) -> None:
        if len(points):
            self.select_node(int(points[0].data()))  # type: ignore[attr-defined]

    def _tip(self, x: float, y: float, data: object) -> str:
        model = self.model
        if model is None or data is None:
            return ""
        node = int(data)  # type: ignore[call-overload]
        name = model.network.node_ids[node]
        if node >= model.n_sites:
            customer = model.scenario.customers[node - model.n_sites]
            return f"Customer {customer.name or name}"
        owner = model.layout.owners[model.node_owner[node]] if model.node_owner[node] >= 0 else "?"
        util = model.utilisation[node]
        util_text = f"{util * 100:.0f} %" if np.isfinite(util) else "no machines"
        return f"{name} ({owner})\nutilisation {util_text}\nqueue {model.queue[node]:.1f}"

    def details_text(self) -> str:
        """Plain text of the details panel (for tests)."""
        return self.details.toPlainText()

    def _details_placeholder(self) -> str:
        return (
            f'<p style="color:{theme.MUTED}">Click a site on the map to see its owner, machines, '
            "their state breakdown and queue.</p>"
        )

    def _refresh_details(self) -> None:
        model, node = self.model, self.selected
        if model is None or node is None:
            self.details.setHtml(self._details_placeholder())
            return
        name = model.network.node_ids[node]
        if node >= model.n_sites:
            customer = model.scenario.customers[node - model.n_sites]
            lanes = [lane.id for lane in model.scenario.lanes if customer.id in (lane.origin, lane.destination)]
            self.details.setHtml(
                f"<h3>{html.escape(customer.name or name)}</h3><p>Customer <b>{html.escape(name)}</b></p>"
                f"<p>Lanes: {html.escape(', '.join(lanes) or 'none')}</p>"
            )
            return
        site = model.scenario.sites[node]
        owner_i = int(model.node_owner[node])
        owner = model.scenario.owners[owner_i] if owner_i >= 0 else None
        color = self._owner_color(owner_i)
        util = model.utilisation[node]
        rows = []
        for m, machine in enumerate(model.scenario.machines):
            if machine.site != site.id:
                continue
            first = model.layout.machine_first_unit[m]
            units = range(first, first + machine.capacity)
            state_text, util_text = "-", "-"
            if model.resource_states is not None and len(model.resource_states) > first:
                s = model.resource_states[list(units)].sum(axis=0)
                total = s.sum()
                if total > 0:
                    working = total - s[5]
                    util_text = f"{s[0] / working * 100:.0f} %" if working > 0 else "-"
                    shares = [
                        f'<span style="color:{theme.STATE_COLORS[k]}">&#9632;</span>{s[i] / total * 100:.0f}'
                        for i, k in enumerate(theme.STATE_COLORS)
                        if s[i] / total >= 0.005
                    ]
                    state_text = " ".join(shares)
            caps = ", ".join(c.step for c in machine.capabilities)
            rows.append(
                f"<tr><td><b>{html.escape(machine.name or machine.id)}</b>"
                f'<br><span style="color:{theme.MUTED}">{html.escape(caps)} &middot; x{machine.capacity}</span></td>'
                f'<td align="right">{util_text}</td><td>{state_text}</td></tr>'
            )
        util_text = f"{util * 100:.0f} %" if np.isfinite(util) else "-"
        kind = owner.kind.replace("_", " ") if owner else ""
        legend = " ".join(
            f'<span style="color:{c}">&#9632;</span>{theme.STATE_LABELS[k]}' for k, c in theme.STATE_COLORS.items()
        )
        self.details.setHtml(
            f'<h3 style="margin-bottom:2px">{html.escape(site.name or site.id)}</h3>'
            f'<p style="margin-top:0"><span style="color:{color}">&#9679;</span> '
            f"{html.escape(owner.name or owner.id if owner else site.owner)} "
            f'<span style="color:{theme.MUTED}">({html.escape(kind)})</span></p>'
            f"<p>Utilisation <b>{util_text}</b> &middot; queue <b>{model.queue[node]:.1f}</b> waiting (mean)</p>"
            f'<table width="100%" cellspacing="0" cellpadding="3"><tr style="color:{theme.MUTED}">'
            f"<td>Machine</td><td align='right'>Util.</td><td>States (%)</td></tr>{''.join(rows)}</table>"
            f'<p style="color:{theme.MUTED}; font-size:8pt">{legend}</p>'
        )
