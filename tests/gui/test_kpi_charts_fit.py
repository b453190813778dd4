"""The KPI tab's charts fit their boxes in a small window (T5: at 1300x850 the trust chart's
title, wider than its box, made the chart reach past the tab's right edge, cut off)."""

from __future__ import annotations


def test_every_kpi_chart_fits_its_box_at_1300_by_850(qtbot, window, tiny_path):
    assert window.open_scenario(tiny_path, ask=False)
    window.resize(1300, 850)
    window.show()
    window.run_to(1440.0)
    window.show_view("kpis")
    qtbot.wait(100)
    kpis = window.kpi_view
    for chart in (kpis.hist_widget, kpis.wip_widget, kpis.trust_chart):
        plot = chart.getPlotItem()
        assert plot.width() <= chart.viewport().width() + 1, (plot.titleLabel.text, plot.width(), chart.width())
