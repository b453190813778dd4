"""The KPI tab says how much of the run each of its figures is of.

The independent trial, on the large network run flat out: the caption above the cards named day
10.5 while the cards and charts were of day 3.5 (the Utilisation tab had been shown, and its
newer answer set the merged analysis's window), the WIP curve ran flat from its last point to the
clock's day, and after the run ended the final cards stood beside older charts and an older
owners' table with nothing saying so.
"""

from __future__ import annotations

from tests.gui.test_views import context

KPI_PARTS = ("operating_kpis", "lead_time_histogram", "wip", "trust_band")


def test_parts_merged_from_older_answers_keep_their_own_end(tiny):
    """The lanes' merged analysis: the window from the newest answer (another view's parts),
    each part with the end of the data it was computed over."""
    from twin_app.experiments.analysis_lanes import AnalysisLanes
    from twin_app.model.layout import Layout
    from twin_app.sim.engine import Simulation

    lanes = AnalysisLanes()
    try:
        lanes.open(tiny, Layout.build(tiny))
        simulation = Simulation(tiny, observers=lanes.observers())

        def answer(parts, version):
            lanes.schedule(parts, version, tiny.run.warmup, settled=True, size=1)
            for lane in lanes.lanes:
                assert lane.process.wait_idle(60)
            assert all(f.error is None for f in lanes.collect())

        simulation.advance(1000.0)
        answer(KPI_PARTS, 1)  # the KPI tab shown at t = 1000
        simulation.advance(2000.0)
        answer(("durations",), 2)  # then only the Utilisation tab's part, at t = 2000
        analysis = lanes.analysis
        assert analysis is not None and analysis.result.end == 2000.0
        assert analysis.end_of("durations") == 2000.0
        assert analysis.end_of(*KPI_PARTS) == analysis.end_of("wip") == 1000.0
        assert analysis.end_of("durations", "wip") == 1000.0  # the oldest of those asked
    finally:
        lanes.close()


def test_kpi_figures_older_than_the_clock_say_so_and_draw_no_further(qtbot, tiny, tiny_result, tiny_half_result):
    from twin_app.analysis.snapshot import PARTS, Analysis
    from twin_app.gui.kpi_view import KpiView
    from twin_app.gui.theme import format_clock
    from twin_app.gui.view import ViewUpdate

    view = KpiView()
    qtbot.addWidget(view)
    view.set_run(context(tiny))
    view.show()
    half = Analysis(tiny_half_result)
    half.compute(*view.needs)
    values = {p: getattr(half, p) for p in PARTS if half.has(p)}
    older = {p: float(tiny_half_result.end) for p in values}
    merged = Analysis.from_parts(tiny_result, values, older)  # the window of a newer answer of other parts
    view.update(ViewUpdate(tiny_result.end, analysis=merged))

    text = view.as_of.text()
    assert not view.as_of.isHidden()
    assert f"The run is at {format_clock(tiny_result.end)}" in text
    assert f"up to {format_clock(tiny_half_result.end)}" in text and "charts" in text and "cards" in text
    x, _ = view.wip_curve.getData()
    assert x.max() <= tiny_half_result.end  # no flat line drawn on to the clock
    assert view.wip_widget.getPlotItem().viewRange()[0][1] < tiny_result.end

    current = Analysis(tiny_result)  # the figures caught up with the run
    current.compute(*view.needs)
    view.update(ViewUpdate(tiny_result.end, analysis=current))
    assert view.as_of.isHidden()
    x, _ = view.wip_curve.getData()
    assert x.max() > tiny_half_result.end


def test_an_owner_table_behind_the_final_cards_says_so(qtbot, tiny, tiny_result, tiny_half_result):
    """After the run: the cards final (the other process answered), the owners' table still of
    an older request's data."""
    from twin_app.analysis.snapshot import PARTS, Analysis
    from twin_app.gui.kpi_view import KpiView
    from twin_app.gui.theme import format_clock
    from twin_app.gui.view import ViewUpdate

    view = KpiView()
    qtbot.addWidget(view)
    view.set_run(context(tiny))
    view.show()
    final = Analysis(tiny_result)
    final.compute(*KPI_PARTS, "kpis")
    half = Analysis(tiny_half_result)
    half.compute("owner_table")
    values = {p: getattr(final, p) for p in PARTS if final.has(p)} | {"owner_table": half.owner_table}
    merged = Analysis.from_parts(tiny_result, values, {"owner_table": float(tiny_half_result.end)})
    view.update(ViewUpdate(tiny_result.end, analysis=merged))
    text = view.as_of.text()
    assert not view.as_of.isHidden()
    assert f"owners' table up to {format_clock(tiny_half_result.end)}" in text
    assert "cards" not in text and "charts" not in text  # those are current


def test_the_line_of_the_figures_age_follows_the_clock_between_figures(qtbot, window, tiny_path):
    """The KPI and Utilisation tabs name the run's clock in their line of how far the figures are
    behind; the clock moves on (and the run ends) between two answers of the analysis: the trial
    read 'the run is at 18d' under final-looking cards after the run had completed at 28d."""
    from twin_app.gui.theme import format_clock

    assert window.open_scenario(tiny_path, ask=False)
    window.run_to(600.0)
    for name, line in (
        ("kpis", lambda: window.kpi_view.as_of),
        ("utilisation", lambda: window.utilisation_view.empty_note),
    ):
        window.show_view(name)
        assert "The run is at" not in line().text() and "the run is at" not in line().text()  # the figures are current
        window.session.now = 2000.0  # the run went on; its figures did not come yet
        window._clock_told = 0.0
        window._after_poll()
        assert f"at {format_clock(2000.0)}" in line().text() and f"up to {format_clock(600.0)}" in line().text()
        window.session.now = 600.0


def test_the_line_coming_and_going_does_not_move_the_charts(qtbot, tiny, tiny_result, tiny_half_result):
    """Shown, hidden or reworded, the line under the cards keeps its room: moving the charts and
    the table laid them out and painted them again (30-75 ms each time on the large network)."""
    from twin_app.analysis.snapshot import PARTS, Analysis
    from twin_app.gui.kpi_view import KpiView
    from twin_app.gui.view import ViewUpdate

    view = KpiView()
    qtbot.addWidget(view)
    view.resize(1400, 900)
    view.set_run(context(tiny))
    view.show()
    qtbot.waitExposed(view)
    current = Analysis(tiny_result)
    current.compute(*view.needs)
    view.update(ViewUpdate(tiny_result.end, analysis=current))
    qtbot.wait(20)
    assert view.as_of.isHidden()
    where = view._charts.geometry()
    half = Analysis(tiny_half_result)
    half.compute(*view.needs)
    values = {p: getattr(half, p) for p in PARTS if half.has(p)}
    behind = Analysis.from_parts(tiny_result, values, {p: float(tiny_half_result.end) for p in values})
    view.update(ViewUpdate(tiny_result.end, analysis=behind))
    qtbot.wait(20)
    assert not view.as_of.isHidden() and view._charts.geometry() == where
    view.update(ViewUpdate(tiny_result.end, analysis=current))
    qtbot.wait(20)
    assert view.as_of.isHidden() and view._charts.geometry() == where
