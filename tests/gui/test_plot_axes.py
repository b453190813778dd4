"""Plot axes read the figures as they are, and keep their titles still while the range moves."""

from __future__ import annotations

import pyqtgraph as pg

from twin_app.gui import theme
from twin_app.gui.gantt_axes import GanttTimeAxis, RowAxis


def test_a_small_share_reads_as_itself_not_rescaled_with_a_prefix(qtbot):
    """pyqtgraph's default rescaled an axis whose values stay under 1 ("500" and "(x0.001)")."""
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    plot = widget.getPlotItem()
    theme.style_plot(plot, left="Share of time", bottom="Simulated time")
    plot.setYRange(0.0, 0.5, padding=0)
    axis = plot.getAxis("left")
    assert "x0.001" not in axis.labelString() and "(m" not in axis.labelString()
    assert axis.tickStrings([0.1, 0.5], axis.autoSIPrefixScale * axis.scale, 0.1) == ["0.1", "0.5"]


def test_a_new_range_does_not_rewrite_an_axis_title(qtbot):
    """Writing the title (HTML) at every range change cost each live chart, every Gantt frame
    following the run and every resize 0.4 ms an axis."""
    widget = pg.PlotWidget(axisItems={"bottom": theme.TimeAxisItem("bottom")})
    qtbot.addWidget(widget)
    plot = widget.getPlotItem()
    theme.style_plot(plot, left="Orders in system", bottom="Simulated time")
    axes = [plot.getAxis(name) for name in ("left", "bottom", "top", "right")] + [GanttTimeAxis(), RowAxis()]
    written = []
    for axis in axes:
        axis.label.setHtml = lambda html, _axis=axis: written.append(html)  # type: ignore[method-assign]
    for end in (10.0, 1440.0, 0.2):
        for axis in axes:
            axis.setRange(0.0, end)
    assert written == []
    assert [axis.labelString() for axis in axes[:2]] != ["", ""]  # (the titles are there)


def _layout_requests_after_resizes(qtbot, plot: pg.PlotItem, widget: pg.PlotWidget) -> int:
    from PySide6.QtCore import QCoreApplication, QEvent, QObject

    class Count(QObject):
        requests = 0

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.LayoutRequest and watched in (plot, plot.legend):
                Count.requests += 1
            return False

    app = QCoreApplication.instance()
    for size in ((500, 300), (640, 360)):  # each size once first
        widget.resize(*size)
        widget.repaint()
        qtbot.wait(20)
    counter = Count()
    app.installEventFilter(counter)
    try:
        for size in ((500, 300), (640, 360), (500, 300)):  # a user drags the window's edge
            widget.resize(*size)
            widget.repaint()
            qtbot.wait(20)
    finally:
        app.removeEventFilter(counter)
    return Count.requests


def test_a_resize_lays_a_chart_out_once_not_again_after_its_paint(qtbot):
    """pyqtgraph's title and legend labels asked their plot for a new layout at every resize though
    their size had not changed: laid out again after its paint, each KPI chart painted twice
    more at each step of a resize (30-40 ms of ~100 ms on the KPI tab)."""
    widget = pg.PlotWidget()
    widget.show()
    qtbot.addWidget(widget)
    plot = widget.getPlotItem()
    theme.style_plot(plot, left="Orders in system", bottom="Lead time (hours)")
    theme.set_title(plot, "Work in progress over time")
    plot.addLegend()
    plot.plot([0, 1, 2, 3], [0, 4000, 500, 20], name="Mean of the owners")
    assert _layout_requests_after_resizes(qtbot, plot, widget) == 0


def test_a_narrow_time_axis_over_a_long_run_still_names_two_days(qtbot):
    """The KPI tab's trust chart, 224 px wide at a 1300 px window, over a 28-day run (with
    pyqtgraph's padding) read no tick at all: its major spacing was 30 days (T7)."""
    axis = theme.TimeAxisItem("bottom")
    low, high = -806.4, 41126.4
    (major, _), _minor = axis.tickSpacing(low, high, 223.7)
    days_in_view = [t for t in range(0, int(high) + 1, int(major)) if low <= t <= high]
    assert len(days_in_view) >= 2
    labels = axis.tickStrings([float(t) for t in days_in_view], 1.0, major)
    assert labels[:3] == ["day 0", "day 14", "day 28"]


def test_the_time_charts_titles_promise_no_format_their_ticks_do_not_keep(qtbot) -> None:
    """Over weeks the ticks read "day 7", "day 14": a title "(day hh:mm)" under them read as a
    mistake (T8). The titles name the quantity; the ticks say the unit."""
    from twin_app.gui.bottleneck_view import BottleneckView
    from twin_app.gui.kpi_view import KpiView
    from twin_app.gui.utilisation_view import UtilisationView

    titles = []
    for view in (KpiView(), UtilisationView(), BottleneckView()):
        qtbot.addWidget(view)
        for widget in view.findChildren(pg.PlotWidget):
            axis = widget.getPlotItem().getAxis("bottom")
            if isinstance(axis, theme.TimeAxisItem):
                titles.append(axis.labelText)
    assert len(titles) >= 4 and set(titles) == {"Simulated time"}
    assert theme.TimeAxisItem(orientation="bottom").tickStrings([10080.0, 20160.0], 1.0, 10080.0) == ["day 7", "day 14"]
