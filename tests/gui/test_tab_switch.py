"""Switching tabs by hand: the view shows at once and its newest figures follow in the next turn."""

from __future__ import annotations

from twin_app.gui.main_window import VIEW_NAMES


def test_a_view_switched_to_by_hand_draws_the_newest_figures_right_after_it_shows(qtbot, window, tiny_path):
    assert window.open_scenario(tiny_path, ask=False)
    window.show()
    window.run_to(600.0)
    kpis = window.kpi_view
    delivered = kpis.card_text("completed")
    assert delivered not in ("--", "")
    window.show_view("map")
    kpis.clear()  # as a view that has not drawn the newest figures yet
    window._drawn.pop("kpis", None)
    window.view_actions[VIEW_NAMES.index("kpis")].trigger()  # Ctrl+5
    assert window.current_view() is kpis and kpis.card_text("completed") == "--"  # shown first, as it was
    qtbot.waitUntil(lambda: kpis.card_text("completed") == delivered, timeout=2000)  # then the figures


def test_show_view_draws_the_newest_figures_at_once_for_scripts(window, tiny_path):
    assert window.open_scenario(tiny_path, ask=False)
    window.run_to(600.0)
    delivered = window.kpi_view.card_text("completed")
    window.show_view("map")
    window.kpi_view.clear()
    window._drawn.pop("kpis", None)
    window.show_view("kpis")
    assert window.kpi_view.card_text("completed") == delivered


def test_a_tab_switched_to_paints_its_page_once_not_once_per_widget(qtbot, window, tiny_path):
    """Showing a page queues an update of each of its widgets; delivered one by one they made
    the window paint the KPI tab's charts three times and its table four (90-110 ms a switch
    after a large run). A chart may paint a second time (pyqtgraph updates its scene at the
    first paint)."""
    from PySide6.QtCore import QEvent, QObject

    assert window.open_scenario(tiny_path, ask=False)
    window.resize(1600, 1000)
    window.show()
    window.run_to(600.0)
    kpis = window.kpi_view
    paints: dict[str, int] = {}

    class CountPaints(QObject):
        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Paint:
                paints[watched.objectName()] = paints.get(watched.objectName(), 0) + 1
            return False

    counter = CountPaints()
    kpis.table.viewport().setObjectName("table")
    kpis.table.viewport().installEventFilter(counter)
    # A chart paints its background with the page and its plot in a turn of its own after it
    # (twin_app.gui.chart_turns): its plot's paints are counted (its scene prepares for each).
    for name, chart in (("histogram", kpis.hist_widget), ("wip", kpis.wip_widget)):
        chart.scene().sigPrepareForPaint.connect(lambda name=name: paints.__setitem__(name, paints.get(name, 0) + 1))
    for width in (1600, 1600, 1300, 1450):  # (the first time, the page's first layout)
        window.view_actions[VIEW_NAMES.index("map")].trigger()
        window.resize(width, 900)  # a page resized while hidden lays out in waves when shown
        qtbot.wait(50)
        paints.clear()
        window.view_actions[VIEW_NAMES.index("kpis")].trigger()
        qtbot.wait(200)
    assert max(paints.values()) <= 2, paints  # (Qt hands the table's viewport two paint events a pass)
