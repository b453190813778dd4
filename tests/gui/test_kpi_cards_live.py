"""The KPI cards keep up with a live run: only the money waits for its own analysis process.

The trial on the large network saw the cards 6,300 delivered beside a histogram of about 25,000,
and still at day 7 half a minute after the end: every card came from the money's process.
"""

from __future__ import annotations

import pytest

from tests.gui.test_views import context, show


def _merged(view, newer, older):
    """The analysis the window hands the view when the money's process (``older``) is behind
    the other one (``newer``): each part from its own process's newest answer."""
    from twin_app.analysis.snapshot import PARTS, Analysis

    whole = Analysis(newer)
    whole.compute(*view.required)
    values = {p: getattr(whole, p) for p in PARTS if whole.has(p)}
    half = Analysis(older)
    half.compute("kpis", "owner_table")
    values.update({p: getattr(half, p) for p in ("accounts", "kpis", "owner_table")})
    return Analysis.from_parts(newer, values)


def test_the_cards_follow_the_run_while_the_money_lags(qtbot, tiny, tiny_result, tiny_half_result):
    from twin_app.analysis.kpis import compute_kpis
    from twin_app.gui.kpi_view import KpiView, card_texts
    from twin_app.gui.theme import format_clock
    from twin_app.gui.view import ViewUpdate

    view = KpiView()
    qtbot.addWidget(view)
    view.set_run(context(tiny))
    view.show()
    view.update(ViewUpdate(tiny_result.end, analysis=_merged(view, tiny_result, tiny_half_result)))
    now, then = card_texts(compute_kpis(tiny_result)), card_texts(compute_kpis(tiny_half_result))
    assert now["completed"] != then["completed"]
    for key in ("completed", "throughput", "lead_mean", "lead_p95", "on_time", "wip", "transport", "energy"):
        assert view.card_text(key) == now[key][0], key  # from the newest data
    assert view.card_text("cost") == then["cost"][0]  # the money of the older data, and said so
    note = view.as_of.text()
    assert not view.as_of.isHidden() and "Cost, revenue and CO2" in note
    assert format_clock(tiny_half_result.end) in note and format_clock(tiny_result.end) in note
    assert view.table_model.rowCount() == 3  # the owner table of the money's answer
    show(view, tiny_result)  # the money caught up
    assert view.as_of.isHidden()
    assert {k: view.cards[k].value.text() for k in now} == {k: v[0] for k, v in now.items()}


def test_the_cards_draw_before_the_money_comes_and_say_it_is_coming(qtbot, tiny, tiny_result):
    from twin_app.analysis.snapshot import Analysis
    from twin_app.gui.kpi_view import KpiView
    from twin_app.gui.view import ViewUpdate

    view = KpiView()
    qtbot.addWidget(view)
    view.set_run(context(tiny))
    view.show()
    analysis = Analysis(tiny_result)
    analysis.compute(*view.required)  # the cheap process answered; the money's has not yet
    view.update(ViewUpdate(tiny_result.end, analysis=analysis))
    assert view.card_text("completed") != "--" and view.hist_bars.opts["height"].sum() > 0
    assert view.card_text("cost") == "--" and view.table_model.rowCount() == 0
    assert "Cost, revenue and CO2 are being worked out" in view.as_of.text() and not view.as_of.isHidden()


def test_in_the_warm_up_cards_and_histogram_count_the_same_orders_and_say_which(qtbot, tiny, tiny_half_result):
    import dataclasses

    from twin_app.gui.kpi_view import KpiView, warmup_note
    from twin_app.gui.theme import format_clock

    warm = dataclasses.replace(tiny, run=dataclasses.replace(tiny.run, warmup=2000.0))
    view = KpiView()
    qtbot.addWidget(view)
    view.set_run(context(warm))
    view.show()
    early = dataclasses.replace(tiny_half_result, scenario=warm, start=0.0)  # to 1000, in the warm-up
    analysis = show(view, early)
    delivered = int(view.card_text("completed").replace(",", ""))
    assert delivered == analysis.kpis["lead_time"]["count"] == view.hist_bars.opts["height"].sum() > 0
    assert "In the warm-up (until " + format_clock(2000.0) in view.as_of.text()
    assert warmup_note(1440.0, 3000.0, 1440.0) is None  # past the warm-up: its window starts there


def test_the_final_cards_after_a_live_run_equal_the_headless_run(qtbot, window, tiny_path):
    from twin_app.analysis.collector import EventCollector
    from twin_app.analysis.kpis import compute_kpis
    from twin_app.gui.kpi_view import card_texts
    from twin_app.io.scenario_file import load_scenario
    from twin_app.model.layout import Layout
    from twin_app.sim.engine import Simulation

    assert window.open_scenario(tiny_path)
    window.set_speed(None, True)
    window.show_view("kpis")
    window.run()
    qtbot.waitUntil(lambda: window.state == "finished", timeout=30_000)
    qtbot.waitUntil(lambda: not window.session.analysing(window.kpi_view.needs), timeout=30_000)
    qtbot.waitUntil(lambda: window.kpi_view.as_of.isHidden(), timeout=10_000)

    scenario = load_scenario(tiny_path)
    collector = EventCollector()
    simulation = Simulation(scenario, observers=[collector])
    simulation.run()
    start = scenario.run.warmup if collector.now > scenario.run.warmup else 0.0
    headless = card_texts(compute_kpis(collector.result(scenario, Layout.build(scenario), start=start)))
    shown_texts = {k: (c.value.text(), c.detail.text()) for k, c in window.kpi_view.cards.items()}
    assert shown_texts == {k: (v, d or " ") for k, (v, d) in headless.items()}


def _analysis(result, parts):
    from twin_app.analysis.snapshot import Analysis

    analysis = Analysis(result)
    analysis.compute(*parts)
    return analysis


def test_new_figures_drawn_a_part_per_turn_end_as_the_newest_never_an_older(qtbot, tiny, tiny_result, tiny_half_result):
    """While the user works, the KPI tab draws new figures a part per turn (the cards first);
    figures newer than those still being drawn replace their remaining parts."""
    from twin_app.gui.kpi_view import KpiView
    from twin_app.gui.view import ViewUpdate

    view = KpiView()
    qtbot.addWidget(view)
    view.set_run(context(tiny))
    view.show()
    older, newer = _analysis(tiny_half_result, view.needs), _analysis(tiny_result, view.needs)
    view.update(ViewUpdate(tiny_half_result.end, analysis=older, in_turns=True))
    assert view.card_text("completed") != "--"  # the cards at once
    assert len(view.wip_curve.getData()[0] or ()) == 0  # the charts in the turns after
    view.update(ViewUpdate(tiny_result.end, analysis=newer, in_turns=True))
    qtbot.waitUntil(lambda: view.table_model.rowCount() > 0, timeout=2000)
    qtbot.wait(50)
    x, _ = view.wip_curve.getData()
    assert float(x[-1]) == pytest.approx(newer.end_of("wip"))  # the newest WIP, not the older one's
    assert float(x[-1]) > tiny_half_result.end


def test_scripts_get_every_part_drawn_at_once(qtbot, tiny, tiny_result):
    from twin_app.gui.kpi_view import KpiView
    from twin_app.gui.view import ViewUpdate

    view = KpiView()
    qtbot.addWidget(view)
    view.set_run(context(tiny))
    view.update(ViewUpdate(tiny_result.end, analysis=_analysis(tiny_result, view.needs)))
    assert len(view.wip_curve.getData()[0]) > 0 and view.table_model.rowCount() > 0
