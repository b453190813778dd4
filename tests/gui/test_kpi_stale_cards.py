"""Once the run has stopped, a card whose figures are not yet of its end is muted (T5: for 4-6 s
after the large network's end the cards showed day 19 of 28 and read like the final figures)."""

from __future__ import annotations

from PySide6.QtGui import QPalette

from twin_app.gui import theme
from twin_app.gui.view import ViewUpdate


def _colour(card) -> str:
    return card.value.palette().color(QPalette.ColorRole.WindowText).name()


def test_cards_behind_the_end_of_a_stopped_run_are_muted_until_their_figures_come(window, tiny_path):
    assert window.open_scenario(tiny_path, ask=False)
    window.show()
    window.run_to(600.0)
    window.show_view("kpis")
    kpis = window.kpi_view
    card = kpis.cards["completed"]
    assert window.state != "running" and kpis.settled
    assert _colour(card) == theme.colors.text.lower()  # of the run's clock: as it is

    kpis.update(ViewUpdate(2000.0))  # the run stopped at 2000, its figures still of 600
    assert _colour(card) == theme.colors.muted.lower()
    assert "being worked out" in card.value.toolTip()

    kpis.set_settled(False)  # running: the figures trail the clock by design, the line says so
    assert _colour(card) == theme.colors.text.lower()

    kpis.set_settled(True)
    kpis.update(ViewUpdate(630.0))  # within the hour: as good as the end
    assert _colour(card) == theme.colors.text.lower() and card.value.toolTip() == ""
