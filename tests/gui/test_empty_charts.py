"""An empty chart says so: before a run and after Reset the KPI and bottleneck charts read "No
figures yet" without tick values (their 0, 0.5 and 1 under "Simulated time" looked
like a placeholder left by mistake: trials T2 and T6); drawn figures bring the values back."""

from __future__ import annotations


def _charts(window):
    kpis, bottlenecks = window.kpi_view, window.bottleneck_view
    return {
        "lead time": kpis.hist_widget.getPlotItem(),
        "work in progress": kpis.wip_widget.getPlotItem(),
        "trust": kpis.trust_chart.getPlotItem(),
        "bottleneck strip": bottlenecks.strip_widget.getPlotItem(),
        "bottleneck ranking": bottlenecks.rank_widget.getPlotItem(),
    }


def _reads_empty(plot) -> bool:
    from twin_app.gui import theme

    note = getattr(plot, "_twin_empty_note", None)
    shown = note is not None and note.isVisible() and note.toPlainText() == theme.EMPTY_NOTE
    values = [plot.getAxis(name).style["showValues"] for name in ("left", "bottom")]
    assert shown != any(values), (shown, values)  # the note and the tick values never together
    return shown


def test_charts_say_they_are_empty_before_a_run_and_after_reset(qtbot, window, tiny_path):
    assert window.open_scenario(tiny_path, ask=False)
    window.resize(1400, 900)
    window.show()
    assert {name: _reads_empty(plot) for name, plot in _charts(window).items()} == dict.fromkeys(_charts(window), True)
    window.run_to(1440.0)
    window.refresh_views()
    assert {name: _reads_empty(plot) for name, plot in _charts(window).items()} == dict.fromkeys(_charts(window), False)
    window.reset(ask=False)
    qtbot.waitUntil(lambda: all(_reads_empty(plot) for plot in _charts(window).values()), timeout=10_000)
