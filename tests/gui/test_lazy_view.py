"""The rarely used Compare and Sweep tabs are built when first shown or used, not with the window."""

from __future__ import annotations

import pyqtgraph as pg

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
