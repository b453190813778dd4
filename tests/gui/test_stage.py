"""On stage: presentation mode with its tour, the dark theme, one name per thing in every view."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication


@pytest.fixture(autouse=True)
def _light_theme_after():
    from twin_app.gui import theme

    yield
    theme.use(theme.LIGHT, 1.0)


def test_presentation_mode_is_full_screen_large_and_steps_through_the_tour(qtbot, window):
    from twin_app.gui import theme
    from twin_app.gui.presentation import DEFAULT_TOUR

    window.show()
    window.show_view("map")
    card_value, clock = window.kpi_view.cards["completed"].value, window.clock
    sizes = card_value.font().pointSizeF(), clock.font().pointSizeF()
    # plain widgets too, shown (the tabs, the toolbar's buttons, the map's owner list) and hidden
    # (the owners' table on the KPI tab): under the style sheet they kept 9 pt on stage
    toolbar_button = window.controls.toolbar.widgetForAction(window.controls.run)
    plain = (window.tabs.tabBar(), toolbar_button, window.map_view.owner_list, window.kpi_view.table)
    plain_sizes = [widget.font().pointSizeF() for widget in plain]
    window.controls.presentation.trigger()  # F5
    assert window.presenting and window.windowState() & Qt.WindowState.WindowFullScreen
    assert window.menuBar().isHidden() and window.start_dock.isHidden() and not window.tour_bar.isHidden()
    assert theme.scale > 1.2  # the type of the whole window, the card values and the clock grow with it
    assert clock.font().pointSizeF() == pytest.approx(sizes[1] * theme.scale, abs=0.1)
    assert window.tabs.tabBar().font().pointSizeF() == pytest.approx(plain_sizes[0] * theme.scale, abs=0.1)

    def grown(scale: float) -> bool:
        return all(abs(w.font().pointSizeF() - s * scale) < 0.1 for w, s in zip(plain, plain_sizes, strict=True))

    qtbot.waitUntil(lambda: grown(theme.scale), timeout=3000)  # the hidden views in idle turns
    gantt_title = window.gantt_view.time_axis  # it kept 10 pt on stage (T9)
    qtbot.waitUntil(lambda: gantt_title.labelStyle.get("font-size") == theme.pt(10), timeout=3000)
    assert card_value.font().pointSizeF() == pytest.approx(sizes[0] * theme.scale, abs=0.1)
    history = window.history.dock  # hidden on stage; shown (Ctrl+H), in the stage's type
    assert history.isHidden()
    history.show()
    assert history.widget().font().pointSizeF() == pytest.approx(plain_sizes[0] * theme.scale, abs=0.1)
    history.hide()
    window.tour_next()  # step 1: the demo on the map, running
    first = DEFAULT_TOUR[0]
    assert window.path.name == first.sample and window.current_view() is window.map_view
    assert window.state == "running" and first.caption == window.tour_caption.text()
    window.tour_next()  # step 2: same sample, the Gantt: the run goes on, not restarted
    assert window.current_view() is window.gantt_view and window.state == "running"
    assert window.tour_position.text() == f"2 / {len(DEFAULT_TOUR)}"
    window.tour_next()  # step 3: another sample (no question asked on stage)
    assert window.path.name == DEFAULT_TOUR[2].sample and window.current_view() is window.kpi_view
    stop_keys = [s.toString() for s in window.controls.stop.shortcuts()]
    assert "Esc" not in stop_keys  # on stage Esc leaves presentation mode, it does not stop the run
    window.set_presentation(False)
    assert not window.presenting and not window.menuBar().isHidden() and theme.scale == 1.0
    assert clock.font().pointSizeF() == sizes[1]
    qtbot.waitUntil(lambda: grown(1.0), timeout=3000)
    assert card_value.font().pointSizeF() == sizes[0]
    assert "Esc" in [s.toString() for s in window.controls.stop.shortcuts()]


def test_on_stage_only_the_views_and_the_clock_show_and_leaving_brings_the_docks_back(qtbot, window):
    from PySide6.QtWidgets import QDockWidget

    window.show()
    window.run_control.dock.show()
    window.run_control.dock.raise_()  # the run settings tab in front of the library
    docks_before = {dock.objectName() for dock in window.findChildren(QDockWidget) if dock.isVisible()}
    assert "RunSettingsDock" in docks_before
    bar = window.controls.toolbar
    slider = next(a for a in bar.actions() if bar.widgetForAction(a) is window.controls.speed_slider)
    window.set_presentation(True, full_screen=False)
    assert not [dock.objectName() for dock in window.findChildren(QDockWidget) if dock.isVisible()]
    assert not slider.isVisible() and not window.editor_link.show_action.isVisible()
    assert window.controls.clock.isVisible() and window.controls.speed_spin.isVisible()
    window.set_presentation(False)
    assert {dock.objectName() for dock in window.findChildren(QDockWidget) if dock.isVisible()} == docks_before
    assert slider.isVisible() and window.editor_link.show_action.isVisible()


def test_the_dark_theme_recolours_the_views_and_is_remembered(qtbot, window, settings, tiny_path):
    from PySide6.QtGui import QColor

    from twin_app.gui import theme
    from twin_app.gui.main_window import MainWindow

    window.open_scenario(tiny_path)
    window.run_to(1440.0)
    window.show_view("utilisation")
    window.controls.dark.trigger()
    assert theme.colors is theme.DARK and settings.dark_theme
    # The shown view is dark at once; a hidden one is dark when shown, before it paints, even if
    # the window has had no idle turn to restyle it in (hidden views are restyled one at a time).
    assert window.utilisation_view.bars_widget.backgroundBrush().color().name().upper() == theme.DARK.panel
    # idle, the largest share, is a dark grey there: the light grey was a bright block (T9)
    idle = window.utilisation_view.bar_items[theme.MACHINE_STATES.index("idle")]
    assert QColor(idle.opts["brush"].color()).lightness() < 100
    assert theme.DARK_IDLE in window.utilisation_view.legend.text()
    window.show_view("gantt")
    assert window.gantt_view.plot.backgroundBrush().color().name().upper() == theme.DARK.panel
    qtbot.waitUntil(lambda: window.kpi_view.hist_widget.backgroundBrush().color().name().upper() == theme.DARK.panel)
    assert theme.DARK.panel in window.styleSheet()
    panel = window.run_control.panel  # its text fields were left white, their grey text unreadable
    for field in (panel.seed, panel.replications):
        field.resize(160, 28)
        assert field.grab().toImage().pixelColor(80, 14).lightness() < 100  # a dark field, as the others
    window.show_view("kpis")  # the page between the cards and the charts was left light
    page = window.kpi_view.scroll.widget()
    assert page.grab().toImage().pixelColor(page.width() // 2, 2).lightness() < 100
    window.controls.dark.trigger()
    assert theme.colors is theme.LIGHT and not settings.dark_theme
    window.show_view("utilisation")
    assert QColor(idle.opts["brush"].color()).name().upper() == theme.STATE_COLORS["idle"]
    settings.dark_theme = True
    again = MainWindow(settings)
    qtbot.addWidget(again)
    assert theme.colors is theme.DARK and again.controls.dark.isChecked()


def test_every_view_names_a_machine_the_same_way(qtbot, window, samples_dir):
    window.open_scenario(samples_dir / "cloud_factory_demo.json")
    window.run_to(2 * 1440.0)
    names = window.run_context.names
    scenario = window.scenario
    machine_names = {m.name or m.id for m in scenario.machines}
    assert set(window.utilisation_view.row_labels) == machine_names
    resources = set(names.resource)  # machine units and vehicles (both can be bottlenecks)
    assert set(window.bottleneck_view.row_labels[: len(window.bottleneck_view.rows)]) <= resources
    assert set(window.gantt_view.row_names) == resources
    window.map_view.select_node(0)
    site_machines = [m for m in scenario.machines if m.site == scenario.sites[0].id]
    assert all((m.name or m.id) in window.map_view.details_text() for m in site_machines)


def test_a_dock_shortcut_brings_its_tab_to_the_front_before_it_hides_it(qtbot, window):
    # Library, Run settings and History share one tabbed area. Ctrl+H with the Library tab in
    # front used to hide History (Qt's toggle action), and the window remembered it hidden.
    from PySide6.QtWidgets import QDockWidget

    window.show()
    history = window.findChild(QDockWidget, "HistoryDock")
    action = next(a for a in window.controls.view_menu.actions() if a.shortcut().toString() == "Ctrl+H")
    window.start_dock.raise_()
    qtbot.waitUntil(lambda: history.visibleRegion().isEmpty())  # behind the Library's tab
    action.trigger()
    qtbot.waitUntil(lambda: not history.visibleRegion().isEmpty())  # in front now, not hidden
    assert not history.isHidden() and action.isChecked()
    action.trigger()
    assert history.isHidden() and not action.isChecked()  # in front: the shortcut hides it
    action.trigger()
    qtbot.waitUntil(lambda: not history.visibleRegion().isEmpty())
    assert not history.isHidden()


def test_a_generated_network_names_its_owners_sites_and_machines_by_the_owners_names(samples_dir):
    """The trial on the large network: the map, Gantt and Bottlenecks named sites and machines
    by ids that carry the owner's id ('o4-07-s', 'o0-00-m0'), the KPI view by the owner's name."""
    from twin_app.gui.names import Names
    from twin_app.io.scenario_file import load_scenario
    from twin_app.model.layout import Layout

    scenario = load_scenario(samples_dir / "large_network.json")
    names = Names.build(scenario, Layout.build(scenario))
    owner_ids = {o.id for o in scenario.owners}
    site = next(s for s in scenario.sites if s.id == "o0-00-s")
    assert names.site[scenario.sites.index(site)] == "Nord Fertigung 1" == names.owner[1]
    assert names.machine[0] == "Nord Fertigung 1 m0"
    assert not any(label.startswith(tuple(owner_ids)) for label in (*names.site, *names.resource))
    assert "Nord Fertigung 1 ↔ Nord cross-dock" in names.lane
    demo = load_scenario(samples_dir / "cloud_factory_demo.json")  # hand-named: as before
    demo_names = Names.build(demo, Layout.build(demo))
    assert demo_names.site == tuple(s.name or s.id for s in demo.sites)
    assert demo_names.lane == tuple(lane.id for lane in demo.lanes)


def test_the_editor_map_names_a_generated_site_as_the_network_map_does(qtbot, window, samples_dir):
    window.open_scenario(samples_dir / "large_network.json")
    site = window.scenario.sites[1]
    assert window.editor_view.editor.map.places[site.id].label.text() == window.run_context.names.site[1]
    assert window.run_context.names.site[1] == "Nord Fertigung 1"


def test_presentation_restyles_the_shown_view_at_once_and_the_hidden_ones_one_per_idle_turn(qtbot, window, tiny_path):
    # F5 and Esc restyled all eight views in one go: 0.2-0.5 s without a repaint on the large
    # network. The shown view is restyled at once; each hidden one in an idle turn of its own.
    window.open_scenario(tiny_path)
    window.show_view("kpis")
    calls: list[str] = []
    for view in window.views():
        view.restyle = lambda view=view, original=view.restyle: (calls.append(view.title), original())
    window.set_presentation(True, full_screen=False)
    assert calls == [window.kpi_view.title]
    QApplication.processEvents()  # one turn of the event loop: one more view at most
    assert len(calls) <= 2
    qtbot.waitUntil(lambda: len(calls) == len(window.views()))
    assert sorted(calls) == sorted(view.title for view in window.views())
    window.set_presentation(False)


def test_leaving_presentation_puts_the_window_back_where_it_was_and_as_large(qtbot, window):
    """The trial (openbox): after Esc the window came back at 0,0 with its title bar off the
    screen, so it could not be dragged."""
    window.setGeometry(120, 90, 1200, 800)
    window.show()
    qtbot.waitExposed(window)
    before = window.geometry()
    window.set_presentation(True)
    qtbot.waitUntil(lambda: window.isFullScreen(), timeout=2000)
    window.set_presentation(False)
    qtbot.wait(50)
    assert not window.isFullScreen()
    assert window.geometry() == before


def test_the_wheel_over_a_kpi_chart_scrolls_the_page_and_a_tour_step_shows_the_pages_top(qtbot, window):
    """T9 at 1280x720: the wheel over the WIP chart zoomed it out until its ticks ran together
    ('daydayday'), and once scrolled, every later KPI step opened half-way down its page, the
    cards its caption is about out of sight."""
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QWheelEvent

    window.resize(1280, 720)
    window.show()
    window.set_presentation(True, full_screen=False)
    window.go_to_step(2)  # asset-heavy on the KPI tab
    kpis = window.kpi_view
    bar = kpis.scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)  # the page is taller than the window
    chart = kpis.wip_widget
    x_range = chart.getPlotItem().getViewBox().viewRange()[0]
    at = QPointF(chart.width() / 2, chart.height() / 2)
    for _ in range(3):
        wheel = QWheelEvent(
            at,
            chart.mapToGlobal(at),
            QPoint(),
            QPoint(0, -120),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(chart.viewport(), wheel)
        # the chart leaves it: Qt hands a user's wheel (not one sent as here) on to the page
        assert not wheel.isAccepted()
    assert chart.getPlotItem().getViewBox().viewRange()[0] == x_range  # the chart did not zoom
    bar.setValue(bar.maximum())
    window.go_to_step(3)  # asset-light, the same tab: shown from its top
    assert bar.value() == 0


def test_paused_on_stage_the_status_line_does_not_say_esc_ends_the_run(qtbot, window, tiny_path):
    """On stage Esc leaves presentation mode; the line said 'Esc ends the run' (T9)."""
    window.show()
    window.open_scenario(tiny_path)
    window.run(pause_at=60.0)
    qtbot.waitUntil(lambda: window.state == "paused", timeout=30_000)
    assert "Esc ends the run" in window.controls.state_label.text()
    window.set_presentation(True, full_screen=False)
    assert "Esc" not in window.controls.state_label.text()
    assert window.controls.state_label.text().endswith("Paused: Space goes on")
    window.set_presentation(False)
    assert "Esc ends the run" in window.controls.state_label.text()


def test_on_a_dark_toolbar_the_glyphs_are_light_and_a_site_without_figures_follows_the_theme(qtbot, window, tiny_path):
    """T9 in the dark theme: Pause, Step and Stop were black glyphs on the near-black toolbar;
    back in the light theme, sites with no figures yet kept the dark theme's fill."""
    import numpy as np
    from PySide6.QtGui import QColor

    from twin_app.gui import theme

    def glyph_lightness(action) -> float:
        image = action.icon().pixmap(24, 24).toImage()
        alpha = [image.pixelColor(x, y) for x in range(24) for y in range(24)]
        drawn = [c for c in alpha if c.alpha() > 128]
        assert drawn  # a glyph is there
        return float(np.mean([c.lightness() for c in drawn]))

    window.show()
    window.open_scenario(tiny_path)  # at time 0: no site has figures yet
    window.show_view("map")
    window.map_view.set_color_mode("utilisation")
    window.set_dark(True)
    for action in (window.controls.run, window.controls.step, window.controls.stop):
        assert glyph_lightness(action) > QColor(theme.DARK.panel).lightness() + 100
    assert {c.name().upper() for c in window.map_view.node_brushes()} == {theme.DARK.grid}
    window.set_dark(False)
    for action in (window.controls.run, window.controls.step, window.controls.stop):
        assert glyph_lightness(action) < 100  # dark glyphs on the light toolbar
    assert {c.name().upper() for c in window.map_view.node_brushes()} == {theme.LIGHT.grid}


def test_the_style_sheets_images_ship_with_the_package():
    """The spin boxes' arrows (drawn as bare lines under the style sheet, T9) are files the
    style sheet names: each must exist for both themes."""
    import re

    from twin_app.gui import theme, widget_style

    for colours in (theme.LIGHT, theme.DARK):
        theme.use(colours)
        images = re.findall(r"url\(([^)]+)\)", widget_style.style_sheet())
        assert len(images) == 2 and all(Path(image).is_file() for image in images)


def test_on_stage_the_owners_table_columns_fit_the_larger_type(qtbot, window, tiny_path):
    """T10: in presentation mode the owners' table kept the small type's column widths, its
    cells cut ('-1,031,...') with 300 px spare at the right."""
    from twin_app.gui import theme

    window.show()
    window.open_scenario(tiny_path)
    window.run_to(1440.0)
    window.show_view("kpis")
    table = window.kpi_view.table
    header = table.horizontalHeader()
    qtbot.waitUntil(lambda: table.model().rowCount() > 0, timeout=30_000)
    before = [header.sectionSize(c) for c in range(header.count() - 1)]
    window.set_presentation(True, full_screen=False)
    after = [header.sectionSize(c) for c in range(header.count() - 1)]
    assert sum(after) > sum(before) * (1 + (theme.scale - 1) / 2)  # grown with the type
    window.set_presentation(False)
    assert [header.sectionSize(c) for c in range(header.count() - 1)] == before
