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
