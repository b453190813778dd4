"""KPI view: headline cards, lead-time distribution, WIP over time and the per-owner table.

The numbers come from the shared :class:`~twin_app.analysis.snapshot.Analysis`, computed off
the GUI thread in two analysis processes; the view only formats and draws them. Everything but
the money (the cards' orders, lead time, on-time rate, WIP, transport, energy and quality: the
``operating_kpis`` part; the charts) comes from the cheap process and keeps up with the run; the
cost, revenue and CO2 cards and the owner table (``kpis``, ``owner_table``) come from the money's
process, which on a large run answers later and less often: a line under the cards says when
they are older than the rest (and, in the warm-up, which orders are counted). The owner table is a QTableView over
:class:`OwnerTableModel` behind a QSortFilterProxyModel that sorts by the raw numbers (not
by the formatted text), so '9 k' sorts below '10 k'.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from twin_app.analysis.snapshot import Analysis
from twin_app.gui import theme
from twin_app.gui.demand_end import DemandEndMarker
from twin_app.gui.in_turns import InTurns
from twin_app.gui.kpi_notes import card_kpis, figures_note, stale_cards, warmup_note
from twin_app.gui.names import owner_labels
from twin_app.gui.owner_table import OwnerTableModel
from twin_app.gui.step_curves import envelope, step_xy
from twin_app.gui.table_fit import fit_columns, widen_columns
from twin_app.gui.trust_chart import TrustChart
from twin_app.gui.view import RunContext, ViewUpdate

CARDS: tuple[tuple[str, str], ...] = (
    ("completed", "Orders delivered"),
    ("throughput", "Throughput"),
    ("lead_mean", "Mean lead time"),
    ("lead_p95", "P95 lead time"),
    ("on_time", "On-time delivery"),
    ("wip", "Work in progress"),
    ("cost", "Cost"),
    ("revenue", "Revenue"),
    ("transport", "Transport"),
    ("co2", "CO2 per unit"),
    ("energy", "Energy"),
    ("quality", "Quality and returns"),
)


class KpiCard(QFrame):
    """A title, a large value and a small detail line."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(2)
        self.title = QLabel(title)
        self.title.setObjectName("CardTitle")
        self.value = QLabel("--")
        self.value.setObjectName("CardValue")
        self.detail = QLabel(" ")
        self.detail.setObjectName("CardDetail")
        # a long detail wraps (all of it in the tooltip too), never widens the window: at 1100x700
        # with a dock open one line was cut ("67 open now, 138 rele")
        self.detail.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.detail.setWordWrap(True)
        for label in (self.title, self.value, self.detail):
            layout.addWidget(label)

    def set_stale(self, stale: bool) -> None:
        """Show the value muted: not yet of the run's end (the style sheet reads the property)."""
        if bool(self.value.property("stale")) == stale:
            return
        self.value.setProperty("stale", stale)
        self.value.setToolTip("Not yet of the end of the run: newer figures are being worked out" if stale else "")
        self.value.style().unpolish(self.value)
        self.value.style().polish(self.value)

    def set(self, value: str, detail: str = " ") -> None:
        self.value.setText(value)
        self.detail.setText(detail or " ")
        self.detail.setToolTip(detail.strip())


TABLE_ROWS_KEPT = 5
"""Owner rows the KPI view keeps room for however small the window (it scrolls instead)."""

MONEY_CARDS = ("cost", "revenue", "co2")
"""The cards that read the money (``kpis``, from the money's analysis process)."""


def _opt(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and value is not None else math.nan


def _count(mean: float) -> str:
    """A mean number of orders: whole from 100 up ("4,185", not "4185.0"; T6), one decimal below."""
    return f"{mean:,.0f}" if abs(mean) >= 100 else f"{mean:.1f}"


def card_texts(kpis: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """(value, detail) of each card from a compute_kpis dictionary (pure, tested directly)."""
    lead = kpis.get("lead_time", {}) or {}
    cost = kpis.get("cost", {}) or {}
    revenue = kpis.get("revenue", {}) or {}
    profit = kpis.get("profit", {}) or {}
    throughput = kpis.get("throughput", {}) or {}
    wip = kpis.get("wip", {}) or {}
    per_day = _opt(throughput.get("per_day"))
    on_time = _opt(kpis.get("on_time_rate"))
    tardiness = _opt((kpis.get("tardiness") or {}).get("mean"))
    return {
        "completed": (
            f"{int(kpis.get('orders_completed', 0)):,}",
            f"{int(kpis.get('orders_open', 0)):,} open now, {int(kpis.get('orders_released', 0)):,} released"
            + (" after the warm-up" if ((kpis.get("window") or {}).get("start") or 0) > 0 else ""),
        ),
        "throughput": (
            f"{per_day:,.1f} /day" if math.isfinite(per_day) else "--",
            "orders delivered per simulated day",
        ),
        "lead_mean": (
            theme.format_duration(_opt(lead.get("mean"))),
            f"median {theme.format_duration(_opt(lead.get('p50')))}",
        ),
        "lead_p95": (
            theme.format_duration(_opt(lead.get("p95"))),
            f"max {theme.format_duration(_opt(lead.get('max')))}",
        ),
        "on_time": (
            f"{on_time * 100:.1f} %" if math.isfinite(on_time) else "--",
            f"mean tardiness {theme.format_duration(tardiness)}"
            if math.isfinite(tardiness)
            else "of orders with a due date",
        ),
        "wip": (
            _count(_opt(wip.get("mean"))) if math.isfinite(_opt(wip.get("mean"))) else "--",
            f"orders in system (mean), peak {_opt(wip.get('max')):,.0f}"
            if math.isfinite(_opt(wip.get("max")))
            else " ",
        ),
        "cost": (
            theme.format_money(_opt(cost.get("total"))),
            f"transport {theme.format_money(_opt(cost.get('transport')))}",
        ),
        "revenue": (
            theme.format_money(_opt(revenue.get("total"))),
            f"profit {theme.format_money(_opt(profit.get('total')))}",
        ),
        **flow_card_texts(kpis),
    }


def _pct(value: Any) -> str:
    number = _opt(value)
    return f"{number * 100:.1f} %" if math.isfinite(number) else "--"


def flow_card_texts(kpis: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """The flow cards (issue 10): trips and fill, CO2 per unit (transport from vehicle-km,
    production from machine power), energy, and scrap, rework and returns."""
    logistics = kpis.get("logistics") or {}
    fleet = logistics.get("cost") or {}
    co2 = kpis.get("co2") or {}
    energy = kpis.get("energy") or {}
    quality = kpis.get("quality") or {}
    circular = kpis.get("circular") or {}
    trips, co2_unit, kwh = _opt(logistics.get("trips")), _opt(co2.get("per_unit")), _opt(energy.get("kwh"))
    returns = ""
    if circular.get("returned"):
        returns = f", returns {_pct(circular.get('return_rate'))}, reman. {_pct(circular.get('remanufactured_share'))}"
    return {
        "transport": (
            f"{trips:,.0f} trips",
            f"fill {_pct(logistics.get('fill_rate'))}, {_opt(logistics.get('empty_km')):,.0f} empty km, "
            f"fleet cost {theme.format_money(_opt(fleet.get('per_unit')))} a unit",
        )
        if math.isfinite(trips)
        else ("--", "no vehicles"),
        "co2": (
            f"{co2_unit:,.1f} kg",
            f"transport {_opt(co2.get('transport')):,.0f} kg, production {_opt(co2.get('production')):,.0f} kg",
        )
        if math.isfinite(co2_unit)
        else ("--", " "),
        "energy": (
            f"{kwh:,.0f} kWh" if math.isfinite(kwh) else "--",
            f"cost {theme.format_money(_opt(energy.get('cost')))}",
        ),
        "quality": (
            f"scrap {_pct(quality.get('scrap_rate'))}",
            f"rework {_pct(quality.get('rework_rate'))}{returns}",
        ),
    }


class KpiView(QWidget):
    """Cards over the two charts and the owner table."""

    title = "KPIs"
    needs = ("operating_kpis", "lead_time_histogram", "wip", "trust_band", "kpis", "owner_table")
    required = ("operating_kpis", "lead_time_histogram", "wip", "trust_band")
    """The parts without which nothing is drawn: the money (``kpis``, ``owner_table``) is drawn
    when it comes, often later (see the module docstring)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kpis: dict[str, Any] = {}
        self.settled = False
        """The run has stopped (see :meth:`set_settled`)."""
        self._now: float | None = None
        self.cards: dict[str, KpiCard] = {}
        grid = QGridLayout()
        grid.setSpacing(8)
        for i, (key, title) in enumerate(CARDS):
            card = KpiCard(title)
            self.cards[key] = card
            grid.addWidget(card, i // 4, i % 4)
        self._grid, self._columns = grid, 4

        self.hist_widget = pg.PlotWidget(enableMenu=False)
        hist = self.hist_widget.getPlotItem()
        theme.style_plot(hist, left="Delivered orders", bottom="Lead time (hours)")
        theme.set_title(hist, "Lead time distribution")
        hist.getViewBox().setMouseEnabled(x=False, y=False)
        self.hist_bars = pg.BarGraphItem(
            x0=[], width=[], height=[], brush=pg.mkBrush(theme.colors.accent), pen=pg.mkPen(theme.colors.panel, width=1)
        )
        hist.addItem(self.hist_bars)

        self.wip_widget = pg.PlotWidget(axisItems={"bottom": theme.TimeAxisItem("bottom")}, enableMenu=False)
        wip = self.wip_widget.getPlotItem()
        theme.style_plot(wip, left="Orders in system", bottom="Simulated time")
        theme.set_title(wip, "Work in progress over time")
        wip.getViewBox().setMouseEnabled(x=False, y=False)  # the wheel scrolls the page, not the chart (T9)
        # A large run has hundreds of thousands of WIP steps: drawn as the envelope a pixel can
        # show, 1 px wide without antialiasing (see twin_app.gui.step_curves).
        self.wip_curve = pg.PlotDataItem(
            [],
            [],
            pen=pg.mkPen(theme.colors.accent, width=1),
            fillLevel=0,
            brush=pg.mkBrush(47, 111, 222, 40),
            antialias=False,
        )
        wip.addItem(self.wip_curve)
        self.demand_end = DemandEndMarker(wip)

        self.table_model = OwnerTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("owners_pnl")  # the name of its Export CSV file
        self.table.setModel(self.table_model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(6, Qt.SortOrder.DescendingOrder)
        self.table.setAlternatingRowColors(False)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        # Sized to contents and headers once per scenario, not on every refresh (217 owners' size
        # hints); never narrower than a header (a squeezed one read "Jtilisation").
        fit_columns(self.table)
        self._sized = False
        self.table.setShowGrid(False)
        self.table.verticalHeader().setDefaultSectionSize(24)

        table_box = QWidget()
        table_layout = QVBoxLayout(table_box)
        table_layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel("Per owner: utilisation, cost, revenue, profit, margin and return over the planning horizon")
        title.setObjectName("SectionTitle")
        # one line asked 706 px (the KPI tab widened the window at 1100x700): cut, whole in the tooltip
        title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        title.setToolTip(title.text())
        table_layout.addWidget(title)
        table_layout.addWidget(self.table)

        self.trust_chart = TrustChart()  # the owners' mean and the lowest owner's trust over the run

        charts = QSplitter(Qt.Orientation.Horizontal)
        charts.addWidget(self.hist_widget)
        charts.addWidget(self.wip_widget)
        charts.addWidget(self.trust_chart)
        charts.setSizes([400, 500, 400])
        lower = QSplitter(Qt.Orientation.Vertical)
        lower.addWidget(charts)
        lower.addWidget(table_box)
        lower.setSizes([360, 300])
        self._charts, self._table_box = charts, table_box

        self.as_of = QLabel()
        """Says when the money cards are older than the rest (:func:`money_as_of`), or in the
        warm-up which orders count (:func:`warmup_note`)."""
        self.as_of.setObjectName("CardDetail")
        self.as_of.setWordWrap(True)
        self.as_of.setVisible(False)
        # The line sits in a box two lines high whether it shows or not: shown, hidden, or one
        # line after two, it moved the charts and the table, which then laid out and painted
        # again (30-75 ms each time, and the line follows the run's clock).
        self._note_box = QWidget()
        note_layout = QVBoxLayout(self._note_box)
        note_layout.setContentsMargins(0, 0, 0, 0)
        note_layout.addWidget(self.as_of)
        note_layout.addStretch(1)
        self._note_box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        # In a small window (1100x700, a dock open) or with presentation's larger fonts the owner
        # table was squeezed to one to three rows: the charts and the table keep a least height
        # (:meth:`_keep_room`) and the view scrolls when the window is smaller than that.
        content = QWidget()
        content.setObjectName("KpiContent")
        layout = QVBoxLayout(content)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(8)
        layout.addLayout(grid)
        layout.addWidget(self._note_box)
        layout.addWidget(lower, 1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        # The scroll bar is always there: at ~1000 px high the tab was at the edge of scrolling,
        # and a resize across it showed the bar, narrowed the cards (a detail line wrapped, the
        # cards grew taller) and the charts, and the window laid out and painted the tab again
        # (a second paint of every chart at each step of a resize; the T6 trial's longest gaps).
        self.scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll)
        self._keep_room()
        self._colors: list[str] = []
        self._warmup = 0.0
        self._operating: dict[str, Any] = {}
        self._drawn: dict[str, Any] = {}
        """Each part's value as last drawn (see :meth:`_new`)."""
        self.replication_texts: dict[str, tuple[str, str]] | None = None
        """Card texts over several replications (mean, 95% CI), shown instead of the run's own."""
        self._turns = InTurns(self)
        self._shown: Analysis | None = None
        """The newest analysis drawn (its line is redrawn when only the clock moves)."""

    def set_run(self, run: RunContext) -> None:
        self._colors = theme.owner_colors(run.scenario.owners)
        self._warmup = float(run.scenario.run.warmup)
        names = owner_labels(run.scenario)
        self.trust_chart.labels = [names.get(owner.id, owner.id) for owner in run.scenario.owners]
        self._sized = False
        self.clear()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._reflow()

    def _reflow(self) -> None:
        """Four cards a row, or three when four do not fit (the view scrolled sideways at 1100x700
        with a dock open, the values cut at its edge)."""
        least = [card.minimumSizeHint().width() for card in self.cards.values()]
        four = sum(max(least[c::4]) for c in range(4)) + 3 * self._grid.spacing()
        room = self.width() - 16 - self.scroll.verticalScrollBar().sizeHint().width()
        columns = 4 if four <= room else 3
        if columns != self._columns:
            self._columns = columns
            for i, card in enumerate(self.cards.values()):
                self._grid.addWidget(card, i // columns, i % columns)  # (moves it)

    def _keep_room(self) -> None:
        """Least heights at the active font scale: the charts readable, the table five rows."""
        rows = self.table.verticalHeader().defaultSectionSize()
        header = self.table.horizontalHeader().sizeHint().height()
        title = self._table_box.layout().itemAt(0).widget().sizeHint().height()
        scrollbar = self.table.horizontalScrollBar().sizeHint().height()
        self._table_box.setMinimumHeight(title + header + TABLE_ROWS_KEPT * rows + scrollbar + 8)
        self._charts.setMinimumHeight(int(190 * theme.scale))
        self._note_box.setMinimumHeight(2 * self.as_of.fontMetrics().lineSpacing() + 2)

    def restyle(self) -> None:
        """Colours of the active theme (the plots are restyled by the window)."""
        self._keep_room()
        self.hist_bars.setOpts(brush=pg.mkBrush(theme.colors.accent), pen=pg.mkPen(theme.colors.panel, width=1))
        self.wip_curve.setPen(pg.mkPen(theme.colors.accent, width=1))
        self.demand_end.restyle()
        self.trust_chart.restyle()
        if self._sized:  # the columns for the type size (on stage they kept the small type's
            fit_columns(self.table)  # widths: cells cut, 300 px spare at the right, T10)

    def clear(self) -> None:
        self._turns.cancel()
        self._shown = None
        self._now = None
        self.kpis = {}
        self._operating = {}
        self._drawn = {}
        self.replication_texts = None
        self.as_of.setVisible(False)
        for card in self.cards.values():
            card.set("--", " ")
            card.set_stale(False)
        self.hist_bars.setOpts(x0=[], width=[], height=[])
        self.wip_curve.setData([], [])
        self.demand_end.clear()
        for widget in (self.hist_widget, self.wip_widget):
            theme.empty_range(widget)
        self.trust_chart.clear_band()
        self.table_model.set_rows([])

    def update(self, data: ViewUpdate) -> None:
        if data.analysis is not None:
            self.show_analysis(data.analysis, data.now, in_turns=data.in_turns)
        elif self._shown is not None:  # the clock moved on (or the run ended): the line says so
            self._show_note(self._shown, data.now)

    def show_analysis(self, analysis: Analysis, now: float | None = None, *, in_turns: bool = False) -> None:
        """Cards, charts and table from an analysis with this view's parts computed; ``now``, the
        run's clock, if the figures may be older (the line above the cards then says so).
        ``in_turns``: the cards now, then each chart and the table in a turn of its own."""
        self._turns.run(
            [
                lambda: self._show_cards(analysis, now),
                lambda: self._show_histogram(analysis),
                lambda: self._show_wip(analysis),
                lambda: self._show_trust(analysis),
                lambda: self._show_owners(analysis),
            ],
            in_turns=in_turns,
        )

    def _show_cards(self, analysis: Analysis, now: float | None) -> None:
        self._shown = analysis
        new_money = analysis.has("kpis") and self._new("kpis", analysis.kpis)
        if new_money:
            self.kpis = analysis.kpis
        new_rest = analysis.has("operating_kpis") and self._new("operating_kpis", analysis.operating_kpis)
        if new_rest:
            self._operating = analysis.operating_kpis
        if new_money or new_rest:
            self._set_cards()
        self._show_note(analysis, now)

    def _show_note(self, analysis: Analysis, now: float | None) -> None:
        """The line under the cards: the warm-up, and how far the figures are behind ``now``."""
        window = card_kpis(self.kpis, self._operating).get("window") or {}
        notes = [
            warmup_note(float(window.get("start", 0.0)), float(window.get("end", 0.0)), self._warmup),
            figures_note(self.kpis, self._operating, analysis, now),
        ]
        text = " · ".join(n for n in notes if n)
        self.as_of.setText(text)
        self.as_of.setVisible(bool(text) and self.replication_texts is None)
        self._now = now
        self._mark_stale()

    def set_settled(self, settled: bool) -> None:
        """Whether the run has stopped (paused, ended): then cards not yet of its end are muted.
        While it runs the figures trail the clock by design and the line above says so; once it
        has stopped, a card of nine days before the end read like the final figure (T5)."""
        self.settled = settled
        self._mark_stale()

    def _mark_stale(self) -> None:
        stale: set[str] = set()
        if self.settled and self._now is not None and self.replication_texts is None and self._shown is not None:
            stale = stale_cards(self.kpis, self._operating, self._now, tuple(self.cards), MONEY_CARDS)
        for key, card in self.cards.items():
            card.set_stale(key in stale)

    def _show_histogram(self, analysis: Analysis) -> None:
        if self._new("lead_time_histogram", analysis.lead_time_histogram):
            edges, counts = analysis.lead_time_histogram
            hours = np.asarray(edges, dtype=float) / 60.0
            if counts.sum() > 0:
                self.hist_bars.setOpts(x0=hours[:-1], width=np.diff(hours), height=counts.astype(float))
                self.hist_widget.getPlotItem().setXRange(float(hours[0]), float(hours[-1]), padding=0.03)
                self.hist_widget.getPlotItem().setYRange(0, float(counts.max()) * 1.1, padding=0)
                theme.show_empty(self.hist_widget.getPlotItem(), False)
            else:
                self.hist_bars.setOpts(x0=[], width=[], height=[])
                theme.empty_range(self.hist_widget)

    def _show_wip(self, analysis: Analysis) -> None:
        times, wip = analysis.wip
        if self._new("wip", analysis.wip) and len(times):
            wip_end = analysis.end_of("wip")  # (not past the data: no flat line to the clock)
            self.wip_curve.setData(*envelope(*step_xy(times, wip, wip_end)))
            self.wip_widget.getPlotItem().setXRange(float(analysis.result.start), wip_end, padding=0.01)
            self.demand_end.show(times, wip, float(analysis.result.start), wip_end)
            theme.show_empty(self.wip_widget.getPlotItem(), False)

    def _show_trust(self, analysis: Analysis) -> None:
        if self._new("trust_band", analysis.trust_band):
            self.trust_chart.show_band(analysis.trust_band, analysis.end_of("trust_band"))

    def _show_owners(self, analysis: Analysis) -> None:
        if analysis.has("owner_table") and self._new("owner_table", analysis.owner_table):
            self.table_model.set_rows(analysis.owner_table, self._colors)  # in the current sort order
            if not self._sized:
                fit_columns(self.table)
                self._sized = True
            widen_columns(self.table)  # the figures grow with the run: never elide a sum of money

    def _new(self, part: str, value: Any) -> bool:
        """Whether ``value`` of ``part`` is not the one drawn already. The window's figures merge
        the answers of two analysis processes (the money and the rest): a part the newest answer
        did not change is the same object, and is not drawn again."""
        if self._drawn.get(part) is value:
            return False
        self._drawn[part] = value
        return True

    def _set_cards(self) -> None:
        """The cards from the newest figures (the replications' texts over them, if shown)."""
        figures = card_kpis(self.kpis, self._operating)
        for key, (value, detail) in {
            **(card_texts(figures) if figures else {}),
            **(self.replication_texts or {}),
        }.items():
            self.cards[key].set(value, detail)
        self._reflow()  # (a longer value may need the room of a fourth of the row)

    def set_replication_texts(self, texts: dict[str, tuple[str, str]] | None) -> None:
        """Show the cards over several replications (mean and 95% CI half-width), or, with
        None, the shown run's own numbers again. The charts and the table stay replication 1's."""
        self.replication_texts = texts
        if texts is None and not self.kpis and not self._operating:
            return
        self._set_cards()
        self._mark_stale()

    def card_text(self, key: str) -> str:
        """The value shown on card ``key`` (for tests)."""
        return self.cards[key].value.text()
