"""A tab switched to by hand paints its page first and each chart in a later turn of its own;
a script, an export or a screenshot gets every chart drawn."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer

from twin_app.gui import chart_turns
from twin_app.gui.exports import widget_png
from twin_app.gui.main_window import VIEW_NAMES


def _kpi_charts(window) -> dict[str, object]:
    kpis = window.kpi_view
    return {"histogram": kpis.hist_widget, "wip": kpis.wip_widget, "trust": kpis.trust_chart}


def _count_plot_paints(charts: dict[str, object], turn: list[int]) -> dict[str, list[int]]:
    """The turn of each paint of each chart's plot (its scene prepares for every paint of it,
    and for no background painted while the chart waits)."""
    painted: dict[str, list[int]] = {name: [] for name in charts}
    for name, chart in charts.items():
        chart.scene().sigPrepareForPaint.connect(lambda name=name: painted[name].append(turn[0]))
    return painted


def _window_run_with(qtbot, window, tiny_path, view: str) -> None:
    """The window at 1600x1000 after a short run of the tiny scenario, ``view`` shown and painted."""
    assert window.open_scenario(tiny_path, ask=False)
    window.resize(1600, 1000)
    window.show()
    window.run_to(600.0)
    window.show_view(view)
    qtbot.wait(100)


class _PaintTurns(QObject):
    """The turns in which a widget got a paint event."""

    def __init__(self, turn: list[int]) -> None:
        super().__init__()
        self.turn, self.turns = turn, []

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.turns.append(self.turn[0])
        return False


def test_a_tab_switched_to_by_hand_paints_the_page_then_one_chart_a_turn(qtbot, window, tiny_path):
    """Showing the KPI tab painted the cards, the owners' table and three charts in one turn
    (80-145 ms in a flat-out run of the large network); now the page paints first, each chart
    in a turn after it, no two charts in one turn."""
    _window_run_with(qtbot, window, tiny_path, "map")
    turn = [0]
    turns = QTimer()  # a zero timer fires once a turn of the event loop: it counts the turns
    turns.setInterval(0)
    turns.timeout.connect(lambda: turn.__setitem__(0, turn[0] + 1))
    turns.start()
    charts = _kpi_charts(window)
    painted = _count_plot_paints(charts, turn)
    table = _PaintTurns(turn)
    window.kpi_view.table.viewport().installEventFilter(table)

    window.view_actions[VIEW_NAMES.index("kpis")].trigger()  # Ctrl+5
    page_turn = turn[0]
    assert chart_turns.waiting() == 3  # all three shown, none painted yet
    assert all(not turns_of for turns_of in painted.values())
    qtbot.waitUntil(lambda: all(painted.values()), timeout=3000)
    turns.stop()

    first_paints = {name: turns_of[0] for name, turns_of in painted.items()}
    assert table.turns and table.turns[0] >= page_turn
    assert min(first_paints.values()) > table.turns[0], (first_paints, table.turns)  # after the page
    assert len(set(first_paints.values())) == 3, first_paints  # a turn each
    assert chart_turns.waiting() == 0


def test_show_view_draws_every_chart_now_for_scripts_and_the_tour(window, tiny_path):
    assert window.open_scenario(tiny_path, ask=False)
    window.show()
    window.run_to(600.0)
    window.show_view("map")
    window.show_view("kpis")
    assert chart_turns.waiting() == 0


def test_an_export_right_after_a_switch_has_the_charts_drawn_not_their_background(qtbot, window, tiny_path):
    _window_run_with(qtbot, window, tiny_path, "map")
    window.view_actions[VIEW_NAMES.index("kpis")].trigger()
    assert chart_turns.waiting() == 3
    charts = _kpi_charts(window)
    painted = _count_plot_paints(charts, [0])

    widget_png(window.kpi_view)  # File > Export view as PNG, at once

    assert chart_turns.waiting() == 0
    assert all(painted.values()), painted  # each chart's plot painted into the image


def _plot_width(chart) -> float:
    return chart.getPlotItem().size().width()


def test_a_chart_resized_with_the_window_is_laid_out_at_its_new_size_in_a_later_turn(qtbot, window, tiny_path):
    """A resize laid out and painted every chart of the tab in its turn (the KPI tab 70-77 ms
    of the GUI thread; 120-160 ms in a flat-out run): a chart keeps its old layout for that turn
    and is laid out at its new size in a turn of its own after it."""
    _window_run_with(qtbot, window, tiny_path, "kpis")
    wip = window.kpi_view.wip_widget
    before = _plot_width(wip)
    assert before == wip.viewport().width()

    window.resize(1300, 1000)

    assert wip.viewport().width() < before  # the widget has its new size ...
    assert _plot_width(wip) == before  # ... its plot its old layout, for this turn
    qtbot.waitUntil(lambda: chart_turns.waiting() == 0, timeout=2000)
    assert all(_plot_width(chart) == chart.viewport().width() for chart in _kpi_charts(window).values())


def test_an_export_right_after_a_resize_has_the_charts_laid_out_at_their_new_size(qtbot, window, tiny_path):
    _window_run_with(qtbot, window, tiny_path, "kpis")
    window.resize(1300, 1000)
    charts = _kpi_charts(window)
    assert any(_plot_width(chart) != chart.viewport().width() for chart in charts.values())

    widget_png(window.kpi_view)

    assert all(_plot_width(chart) == chart.viewport().width() for chart in charts.values())


def test_a_chart_not_painted_yet_is_laid_out_at_once(qtbot):
    """A chart made and sized by a script (or a test) before it ever painted has its layout at
    once: nothing on screen to keep until its turn."""
    import pyqtgraph as pg

    chart = pg.PlotWidget()
    qtbot.addWidget(chart)
    chart.resize(400, 300)
    chart.show()
    chart.resize(500, 320)
    assert _plot_width(chart) == chart.viewport().width() == 500 - 2 * chart.frameWidth()
