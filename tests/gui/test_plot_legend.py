"""Every chart legend sits under its chart's axis: over no line, bar or point the chart draws."""

from __future__ import annotations

import numpy as np
import pytest


def _legend_and_view_rects(qtbot, widget):
    widget.resize(320, 300)  # the trust chart's pane at the smallest window
    widget.show()
    qtbot.waitExposed(widget)
    plot = widget.getPlotItem()
    legend, box = plot.legend, plot.getViewBox()
    qtbot.waitUntil(lambda: legend.scenePos().y() > 0)  # laid out
    return legend.mapRectToScene(legend.boundingRect()), box.mapRectToScene(box.boundingRect())


def test_the_trust_legend_is_under_the_chart_not_over_the_falling_line(qtbot) -> None:
    from twin_app.gui.trust_chart import TrustChart

    chart = TrustChart()
    qtbot.addWidget(chart)
    chart.labels = ["Rhein Precision CNC", "Nord Laser & Cut"]
    times = np.array([0.0, 2000.0, 4000.0, 6000.0])
    # the lowest owner's trust falls to the bottom-left corner, where the legend used to be
    chart.show_band((times, np.array([1.0, 0.9, 0.8, 0.7]), np.array([1.0, 0.6, 0.3, 0.2]), 0), 8000.0)
    legend_rect, view_rect = _legend_and_view_rects(qtbot, chart)
    assert not legend_rect.intersects(view_rect)
    assert legend_rect.right() <= chart.width(), "the legend is cut at the chart's right edge"
    assert [label.text for _, label in chart.legend.items] == ["mean of the owners", chart.lowest_text()]


@pytest.mark.parametrize("time_axis", [False, True])  # the compare view's lead-time and WIP overlays
def test_a_decision_chart_legend_is_under_the_chart(qtbot, time_axis) -> None:
    import pyqtgraph as pg

    from twin_app.gui.decision_plots import new_plot

    widget = new_plot("Work in progress", "Orders in system", "Simulated time", time_axis=time_axis)
    qtbot.addWidget(widget)
    for name, top in (("asset_heavy", 100.0), ("asset_light", 80.0)):
        widget.getPlotItem().addItem(pg.PlotDataItem([0.0, 1000.0, 2000.0], [0.0, top, top], name=name))
    legend_rect, view_rect = _legend_and_view_rects(qtbot, widget)
    assert [label.text for _, label in widget.getPlotItem().legend.items] == ["asset_heavy", "asset_light"]
    assert not legend_rect.intersects(view_rect)
