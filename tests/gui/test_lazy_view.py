"""The rarely used Compare and Sweep tabs are built when first shown or used, not with the window."""

from __future__ import annotations

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QTimer

from tests.gui.conftest import SAMPLES


def test_the_window_opens_without_building_compare_or_sweep(window) -> None:
    """Building both was part of every window build (3.6 s at load on the large network)."""
    assert not window.compare_view.built
    assert not window.sweep_view.built
    assert [window.tabs.tabText(i) for i in (5, 6)] == ["Compare", "Sweep"]


def test_showing_the_tab_builds_the_view_with_the_scenario_and_the_theme(window, qtbot) -> None:
    from twin_app.gui import theme
    from twin_app.io.scenario_file import load_scenario

    heavy = SAMPLES / "asset_heavy.json"
    window.set_scenario(load_scenario(heavy), heavy)
    window.show()
    qtbot.waitExposed(window)
    window.show_view("sweep")
    assert window.sweep_view.built
    assert window.sweep_view.base_label.text() == f"Base: {heavy}"  # the scenario set before it existed
    assert not window.compare_view.built
    window.show_view("compare")
    plots = window.compare_view.findChildren(pg.PlotWidget)
    assert plots  # the charts are there, on the theme's panel colour like every other plot
    assert all(p.backgroundBrush().color().name().lower() == theme.colors.panel.lower() for p in plots)


def test_using_a_view_before_it_is_shown_builds_it(window) -> None:
    """Pinning a stored run from the history reaches the compare view before its tab is shown."""
    from twin_app.io.scenario_file import load_scenario

    heavy = SAMPLES / "asset_heavy.json"
    window.set_scenario(load_scenario(heavy), heavy)
    window.compare_view.pin_current()
    assert window.compare_view.built
    assert [p.name for p in window.compare_view.pins] == ["asset_heavy"]


def test_first_show_of_compare_and_sweep_builds_no_pyqtgraph_view_menus(window, monkeypatch) -> None:
    # The charts have no context menu (theme.style_plot turns it off), yet each ViewBox built its
    # menu of axis controls first: ~3.5 ms a plot of the first show of Compare and Sweep.
    from pyqtgraph.graphicsItems.ViewBox import ViewBox, ViewBoxMenu

    built: list[object] = []
    real = ViewBoxMenu.ViewBoxMenu.__init__
    monkeypatch.setattr(
        ViewBoxMenu.ViewBoxMenu, "__init__", lambda menu, view: (built.append(view), real(menu, view))[1]
    )
    window.show_view("compare")
    window.show_view("sweep")
    plots = [*window.compare_view.findChildren(pg.PlotWidget), *window.sweep_view.findChildren(pg.PlotWidget)]
    assert len(plots) >= 7 and all(isinstance(p.getPlotItem().getViewBox(), ViewBox) for p in plots)
    assert built == []
    assert all(plot.getPlotItem().getViewBox().menu is None for plot in plots)  # no menu, as before


@pytest.fixture
def charts_made(monkeypatch) -> list[tuple[str, int]]:
    """Each chart the decision views make: its title and the event-loop turn it was made in
    (counted by a timer that fires once a turn)."""
    from twin_app.gui import decision_plots

    turns = [0]
    probe = QTimer()
    probe.setInterval(0)
    probe.timeout.connect(lambda: turns.__setitem__(0, turns[0] + 1))
    probe.start()
    made: list[tuple[str, int]] = []
    real = decision_plots.new_plot

    def counted(title: str, *args, **kwargs):
        made.append((title, turns[0]))
        return real(title, *args, **kwargs)

    monkeypatch.setattr(decision_plots, "new_plot", counted)
    yield made
    probe.stop()


@pytest.fixture
def _light_theme_after():
    from twin_app.gui import theme

    yield
    theme.use(theme.LIGHT, 1.0)


def test_once_the_window_is_shown_compare_and_sweep_are_made_a_chart_an_idle_turn(window, qtbot, charts_made) -> None:
    """Made on first show they held that show 80-190 ms; made in one idle turn they would hold
    that turn as long. Each chart (the largest part) is made in an idle turn of its own."""
    qtbot.wait(50)
    assert charts_made == [] and not window.compare_view.built  # nothing before the window is up
    window.show()
    qtbot.waitExposed(window)
    smallest = window.tabs.minimumSizeHint()
    qtbot.waitUntil(lambda: window.compare_view.built and window.sweep_view.built, timeout=10_000)
    assert len(charts_made) == 7  # Compare's four, then Sweep's three
    turns = [turn for _, turn in charts_made]
    assert len(set(turns)) == len(turns), charts_made
    assert window.tabs.currentWidget() is window.map_view  # made in the background: the user's tab stays
    assert window.tabs.minimumSizeHint() == smallest  # not in the window until shown: a small one stays small


def test_showing_compare_while_it_is_being_made_finishes_it_at_once_and_whole(window, qtbot, charts_made) -> None:
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: len(charts_made) >= 2, timeout=10_000)
    assert not window.compare_view.built  # half made
    window.resize(1100, 760)  # a resize of the window meanwhile changes nothing of that
    window.show_view("compare")
    compare = window.compare_view
    assert compare.built
    assert [title for title, _ in charts_made[:4]] == [
        "Profit by owner (mean, 95% CI)",
        "Utilisation by owner (mean, 95% CI)",
        "Lead time distribution",
        "Work in progress",
    ]
    assert compare.view.geometry() == compare.rect()  # the view fills its tab at the window's new size
    assert compare.profit_plot.isVisible() and compare.pin_current_button.isVisible()
    assert [compare.tabs.tabText(i) for i in range(compare.tabs.count())] == [
        "KPIs",
        "Per owner",
        "Lead time and WIP",
        "What changed",
    ]
    qtbot.waitUntil(lambda: window.sweep_view.built, timeout=10_000)  # then Sweep, in idle turns
    qtbot.wait(50)
    assert len(charts_made) == 7  # no part of Compare was made twice
    assert len(compare.findChildren(pg.PlotWidget)) == 4


@pytest.mark.usefixtures("_light_theme_after")
def test_a_theme_change_while_compare_is_made_reaches_its_charts_made_before_it(window, qtbot, charts_made) -> None:
    from twin_app.gui import theme

    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: len(charts_made) >= 2, timeout=10_000)  # two charts made in the light theme
    window.controls.dark.trigger()
    qtbot.waitUntil(lambda: window.compare_view.built, timeout=10_000)
    qtbot.wait(200)  # the window has restyled its hidden views (Compare's tab had no chart in it yet)
    window.show_view("compare")
    for plot in window.compare_view.findChildren(pg.PlotWidget):
        assert plot.backgroundBrush().color().name().upper() == theme.DARK.panel
        axis = plot.getPlotItem().getAxis("bottom")
        assert axis.textPen().color().name().upper() == theme.DARK.text.upper()
