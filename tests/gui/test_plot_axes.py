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
    theme.style_plot(plot, left="Share of time", bottom="Simulated time (day hh:mm)")
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
    theme.style_plot(plot, left="Orders in system", bottom="Simulated time (day hh:mm)")
    axes = [plot.getAxis(name) for name in ("left", "bottom", "top", "right")] + [GanttTimeAxis(), RowAxis()]
    written = []
    for axis in axes:
        axis.label.setHtml = lambda html, _axis=axis: written.append(html)  # type: ignore[method-assign]
    for end in (10.0, 1440.0, 0.2):
        for axis in axes:
            axis.setRange(0.0, end)
    assert written == []
    assert [axis.labelString() for axis in axes[:2]] != ["", ""]  # (the titles are there)
