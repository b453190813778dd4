"""The KPI view at the smallest window with a dock open, and in presentation mode: every card's
figures whole, the owner table with room for rows (the trial: details cut, one owner row at
1100x700 with the Library open, two or three in presentation mode)."""

from __future__ import annotations

import pytest

from .test_window_fit import SMALLEST
from .test_window_fit import _settle as _small


@pytest.fixture(autouse=True)
def _light_theme_after():
    from twin_app.gui import theme

    yield
    theme.use(theme.LIGHT, 1.0)


def _check_room(qtbot, window) -> None:
    from twin_app.gui.kpi_view import TABLE_ROWS_KEPT

    view = window.kpi_view
    qtbot.wait(50)
    tabs = window.tabs
    visible = tabs.mapTo(window, tabs.rect().topRight()).x()
    for key, card in view.cards.items():
        right = card.mapTo(window, card.rect().topRight()).x()
        assert right <= visible, f"the {key} card is cut at the view's edge"
        assert card.value.width() >= card.value.sizeHint().width(), f"the {key} value is cut"
        detail = card.detail
        assert detail.height() >= detail.heightForWidth(detail.width()), f"the {key} detail is cut"
    table = view.table
    assert table.model().rowCount() >= TABLE_ROWS_KEPT
    assert table.viewport().height() >= TABLE_ROWS_KEPT * table.rowHeight(0)
    assert (window.width(), window.height()) == SMALLEST


def test_at_the_smallest_size_with_a_dock_open_the_kpis_are_whole(qtbot, window, samples_dir):
    window.open_scenario(samples_dir / "cloud_factory_demo.json")
    _small(qtbot, window)
    assert window.start_dock.isVisible()
    window.run_to(2 * 1440.0)
    window.refresh_views()
    window.show_view("kpis")
    _check_room(qtbot, window)


def test_in_presentation_mode_the_owner_table_keeps_its_rows(qtbot, window, samples_dir):
    window.open_scenario(samples_dir / "cloud_factory_demo.json")
    _small(qtbot, window)
    window.run_to(2 * 1440.0)
    window.refresh_views()
    window.set_presentation(True, full_screen=False)
    window.show_view("kpis")
    _check_room(qtbot, window)
    window.set_presentation(False)
