"""The Bottlenecks and Utilisation tabs draw a live refresh a chart per turn, never older
figures after newer ones; scripts get both charts at once.

Both charts of a tab redrawn in one turn were the longest gaps of a flat-out run of the large
network with the tab shown (75-101 ms, `twin-app bench gui`)."""

from __future__ import annotations

import pytest

from tests.gui.test_views import context
from twin_app.analysis.snapshot import Analysis
from twin_app.gui.bottleneck_view import BottleneckView
from twin_app.gui.utilisation_view import UtilisationView
from twin_app.gui.view import ViewUpdate


def _shown(qtbot, view_type, tiny):
    view = view_type()
    qtbot.addWidget(view)
    view.set_run(context(tiny))
    view.show()
    return view


def _analysis(result, parts) -> Analysis:
    analysis = Analysis(result)
    analysis.compute(*parts)
    return analysis


def _ranked(view: BottleneckView) -> int:
    return sum(len(item.opts["width"]) for item in view._rank_items)


def test_bottlenecks_draw_the_strip_now_and_the_ranking_in_the_next_turn(qtbot, tiny, tiny_result, tiny_half_result):
    view = _shown(qtbot, BottleneckView, tiny)
    older, newer = _analysis(tiny_half_result, view.needs), _analysis(tiny_result, view.needs)
    view.update(ViewUpdate(tiny_half_result.end, analysis=older, in_turns=True))
    assert len(view.segments["start"]) > 0  # the strip at once
    assert _ranked(view) == 0  # the ranking in a turn after
    view.update(ViewUpdate(tiny_result.end, analysis=newer, in_turns=True))  # newer figures before it
    qtbot.waitUntil(lambda: _ranked(view) > 0, timeout=2000)
    qtbot.wait(50)
    expected = BottleneckView()
    qtbot.addWidget(expected)
    expected.set_run(view.run)
    expected.show_analysis(newer)  # (all at once)
    assert view.ranking_shares() == expected.ranking_shares()  # the newest ranking, not the older one's
    assert float(view.segments["end"].max()) == pytest.approx(float(expected.segments["end"].max()))


def test_utilisation_draws_the_bars_now_and_the_chart_over_time_in_the_next_turn(qtbot, tiny, tiny_result):
    view = _shown(qtbot, UtilisationView, tiny)
    analysis = _analysis(tiny_result, view.needs)
    view.update(ViewUpdate(tiny_result.end, analysis=analysis, in_turns=True))
    assert view.bar_widths("busy").sum() > 0  # the bars at once
    x, _ = view.time_curves[0].getData()
    assert len(x) == 1  # the chart over time still empty, drawn in a turn after
    qtbot.waitUntil(lambda: len(view.time_curves[0].getData()[0]) > 1, timeout=2000)
    edges, _ = analysis.utilisation_over_time
    assert float(view.time_curves[0].getData()[0][-1]) == pytest.approx(float(edges[-1]))


@pytest.mark.parametrize("view_type", [BottleneckView, UtilisationView])
def test_scripts_get_both_charts_at_once(qtbot, tiny, tiny_result, view_type):
    view = _shown(qtbot, view_type, tiny)
    view.update(ViewUpdate(tiny_result.end, analysis=_analysis(tiny_result, view.needs)))
    if isinstance(view, BottleneckView):
        assert len(view.segments["start"]) > 0 and _ranked(view) > 0
    else:
        assert view.bar_widths("busy").sum() > 0 and len(view.time_curves[0].getData()[0]) > 1
