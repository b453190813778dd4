"""Care in every corner: what the independent trial found when it used the app as a consultant.

Each test says what the tester did and what went wrong before the fix.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from .test_window_fit import SMALLEST
from .test_window_fit import _settle as _small


@pytest.fixture(autouse=True)
def _light_theme_after():
    from twin_app.gui import theme

    yield
    theme.use(theme.LIGHT, 1.0)


def test_leaving_presentation_mode_keeps_the_bottlenecks_of_a_finished_run(qtbot, window, samples_dir):
    # F5, Page Down to "Where to invest", Esc: the Bottlenecks view was empty afterwards (the
    # theme change remade its bars and nothing drew them again: the run had ended).
    window.open_scenario(samples_dir / "cloud_factory_demo.json")
    window.run_to(2 * 1440.0)
    window.show_view("bottlenecks")
    shares = window.bottleneck_view.ranking_shares()
    assert shares and window.bottleneck_view.summary.text().startswith("Main bottleneck")
    window.set_presentation(True, full_screen=False)
    assert window.bottleneck_view.ranking_shares() == shares
    window.set_presentation(False)
    assert window.bottleneck_view.ranking_shares() == shares
    assert window.bottleneck_view.summary.text().startswith("Main bottleneck")


def test_the_dark_theme_darkens_the_editor_map_and_every_legend_label(qtbot, window, samples_dir):
    # The editor's map stayed white with the dark theme's pale names on it, and the trust chart's
    # "mean of the owners" stayed dark text on the dark panel.
    from PySide6.QtGui import QColor

    from twin_app.gui import theme

    window.open_scenario(samples_dir / "cloud_factory_demo.json")
    window.controls.dark.trigger()
    window.show_view("editor")  # a hidden view is restyled when shown (or in an idle turn before)
    editor_map = window.editor_view.editor.map
    assert editor_map.view.backgroundBrush().color().name().upper() == theme.DARK.panel
    place = next(iter(editor_map.places.values()))
    background = QColor(theme.DARK.panel)
    assert abs(place.label.brush().color().lightness() - background.lightness()) > 100
    window.show_view("kpis")
    legend = window.kpi_view.trust_chart.legend
    for _, label in legend.items:  # the colour the text is drawn in, not only the option
        assert f"color:{theme.DARK.text}".lower() in label.item.toHtml().lower(), label.text


def test_the_editor_map_names_a_site_as_the_network_map_does(qtbot, window, samples_dir):
    window.open_scenario(samples_dir / "cloud_factory_demo.json")
    site = window.scenario.sites[0]
    place = window.editor_view.editor.map.places[site.id]
    assert place.label.text() == window.run_context.names.site[0] == (site.name or site.id)


def _focus(qtbot, window, widget) -> None:
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)


def test_space_after_stop_leaves_the_fastest_box_alone_and_says_how_to_start_over(qtbot, window, tiny_path):
    # After Stop the Run action was greyed out, so Space fell through to the "Fastest" box the
    # user had just clicked (it kept the focus) and toggled it, silently.
    window.open_scenario(tiny_path)
    window.run_to(600.0)
    assert window.state == "finished"
    fastest = window.controls.fastest_check
    _focus(qtbot, window, window.tabs)
    qtbot.mouseClick(fastest, Qt.MouseButton.LeftButton)
    assert fastest.isChecked() and not fastest.hasFocus()  # a click does not take the keys
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Space)
    assert fastest.isChecked()
    assert window.state == "finished" and "Ctrl+R resets it to time 0" in window.controls.state_label.text()


def test_space_in_a_run_settings_number_runs_the_twin_and_keeps_the_number(qtbot, window, tiny_path):
    # Space in the warm-up field replaced the selected number with a blank: the warm-up was gone.
    window.open_scenario(tiny_path)
    window.run_control.dock.show()
    warmup = window.run_control.panel.warmup
    warmup.setValue(120.0)
    _focus(qtbot, window, warmup)
    warmup.selectAll()
    qtbot.keyClick(warmup, Qt.Key.Key_Space)
    warmup.clearFocus()  # editing ends: what the field holds is what the run uses
    assert warmup.value() == 120.0 and "120" in warmup.text()
    assert window.state in ("running", "finished")  # Space ran the twin, as everywhere else
    window.pause()


def test_at_the_smallest_size_the_trust_chart_has_room_to_read(qtbot, window, samples_dir):
    # At 1100x700 its plot area was 30 px high (title, axis and legend took the rest).
    window.open_scenario(samples_dir / "cloud_factory_demo.json")
    _small(qtbot, window)
    window.run_to(2 * 1440.0)
    window.show_view("kpis")
    qtbot.wait(50)
    assert window.kpi_view.trust_chart.getPlotItem().getViewBox().height() >= 70
    assert (window.width(), window.height()) == SMALLEST  # the room came from inside the window


def test_the_window_keeps_its_size_after_stop_and_after_presentation_mode(qtbot, window, samples_dir):
    # After Stop it widened itself from 1100 to 1224 (the status line's long text), and again
    # after leaving presentation mode.
    window.open_scenario(samples_dir / "cloud_factory_demo.json")
    _small(qtbot, window)
    window.run_to(3 * 1440.0)  # ends the run: "Run stopped at 3d 00:00: Ctrl+R resets to time 0"
    qtbot.wait(50)
    assert (window.width(), window.height()) == SMALLEST
    window.set_presentation(True, full_screen=False)
    window.tour_next()
    qtbot.wait(50)
    window.set_presentation(False)
    qtbot.wait(50)
    assert (window.width(), window.height()) == SMALLEST


def test_the_tour_leaves_recent_files_to_the_users_own(qtbot, window, settings, tiny_path):
    # Every sample the tour opened went into Recent files (and the start page's list).
    window.open_scenario(tiny_path)
    before = list(settings.recent_files)
    window.set_presentation(True, full_screen=False)
    for _ in range(3):
        window.tour_next()
    window.set_presentation(False)
    assert settings.recent_files == before


def test_the_history_dock_shows_when_each_run_started(qtbot, window):
    # In the dock's width the long scenario column pushed the start date past the edge.
    window.resize(*SMALLEST)
    window.show()
    qtbot.waitExposed(window)
    view = window.history.view
    window.history.dock.show()
    window.history.dock.raise_()  # (showing it reads the database: the row is set after)
    qtbot.waitUntil(lambda: view.table.isVisible())
    view.set_rows(
        [
            {
                "id": "r-0001", "kind": "run", "scenario": "Cloud factory demo: configurable e-bikes",
                "name": "Cloud factory demo: configurable e-bikes", "started": "2026-11-30T19:45:00+00:00",
                "seed": 42, "replication": 1, "status": "completed", "detail": "", "events": True,
            }
        ]
    )  # fmt: skip
    qtbot.wait(50)
    header = view.table.horizontalHeader()
    started = header.logicalIndex(2)
    right = header.sectionViewportPosition(started) + header.sectionSize(started)
    assert right <= view.table.viewport().width(), "the Started column is cut by the dock's edge"
    shown = view.table.fontMetrics().horizontalAdvance(view.proxy.index(0, started).data())
    assert header.sectionSize(started) >= shown


def test_reset_takes_the_last_runs_axis_ranges_off_the_kpi_charts(qtbot, window, tiny_path):
    # After Reset the empty charts still spanned the old run's days and counts.
    window.open_scenario(tiny_path)
    window.run_to(1440.0)
    charts = (window.kpi_view.hist_widget, window.kpi_view.wip_widget, window.kpi_view.trust_chart)
    assert any(chart.getPlotItem().viewRange()[0][1] > 2 for chart in charts)
    window.reset(ask=False)
    qtbot.waitUntil(lambda: not window.late_runs.pending, timeout=5_000)  # (hidden: cleared in idle turns)
    for chart in charts:
        (x0, x1), (y0, y1) = chart.getPlotItem().viewRange()
        assert x0 >= -0.5 and y0 >= -0.5
        assert x1 <= 1.5 and y1 <= 1.5, chart.getPlotItem().titleLabel.text
    window.show()
    window.show_view("kpis")
    window.run_to(1440.0)  # (run_to resets first) the next run's curves fit their charts again
    box = window.kpi_view.wip_widget.getPlotItem().getViewBox()
    wip = window.kpi_view.wip_curve.getData()[1]
    qtbot.waitUntil(lambda: box.viewRange()[1][1] >= float(wip.max()) > 1.5)  # (ranged as it paints)


def test_reset_takes_the_last_runs_axis_ranges_off_the_bottleneck_charts(qtbot, window, samples_dir):
    # The trial's finding after the KPI charts were fixed: the empty strip still spanned day 2 ... day 12.
    window.open_scenario(samples_dir / "cloud_factory_demo.json")
    window.run_to(2 * 1440.0)
    window.show_view("bottlenecks")
    view = window.bottleneck_view
    assert view.ranking_shares()
    assert view.strip_widget.getPlotItem().viewRange()[0][1] > 1440.0  # the strip spans the run
    window.reset(ask=False)
    for chart in (view.strip_widget, view.rank_widget):
        (x0, x1), (y0, y1) = chart.getPlotItem().viewRange()
        assert x0 >= -0.5 and y0 >= -0.5
        assert x1 <= 1.5 and y1 <= 1.5


def test_the_gantt_hover_readout_leaves_the_legend_its_room(qtbot, window, samples_dir):
    # The first line of the hover text sat beside the legend in the toolbar and squeezed it.
    window.open_scenario(samples_dir / "cloud_factory_demo.json")
    window.resize(*SMALLEST)
    window.show()
    window.run_to(1440.0)
    window.show_view("gantt")
    gantt = window.gantt_view
    qtbot.waitUntil(gantt.legend.isVisible)
    qtbot.wait(50)
    legend, plot = gantt.legend.geometry(), gantt.plot.height()
    gantt.info.setText(gantt.describe(0).split("\n")[0])
    qtbot.wait(50)
    assert gantt.legend.geometry() == legend and gantt.plot.height() == plot  # nothing moves
    assert not gantt.info.geometry().intersects(gantt.legend.geometry())


def _label_rects(view):
    """The visible map labels' text rectangles in the plot widget's pixels."""
    rects = []
    for label in view._labels:
        if label.isVisible():
            margin = label.textItem.document().documentMargin()
            box = label.textItem.boundingRect().adjusted(margin, margin, -margin, -margin)
            rects.append((label.toPlainText(), view.plot_widget.mapFromScene(label.textItem.mapRectToScene(box))))
    return [(text, polygon.boundingRect()) for text, polygon in rects]


def test_map_labels_never_overlap_while_the_user_zooms_out(qtbot, window, samples_dir):
    # Labels are fixed in pixels at map points: zooming out slid them onto each other until the
    # map was laid out again (clusters' "5 sites" over a neighbour's name).
    import itertools

    window.open_scenario(samples_dir / "large_network.json")
    window.resize(1400, 900)
    window.show()
    window.show_view("map")
    view = window.map_view
    box = view.plot_widget.getPlotItem().getViewBox()
    qtbot.waitUntil(lambda: len(_label_rects(view)) > 5)
    box.scaleBy((0.7, 0.7))  # zoomed in a little, names laid out for it
    qtbot.wait(300)
    assert _label_rects(view)
    box.scaleBy((1 / 0.7, 1 / 0.7))  # then out, mid-gesture (8 pairs overlapped)
    box.updateMatrix()  # the view moves the labels with it, as when it paints (no timer has run)
    for (a, ra), (b, rb) in itertools.combinations(_label_rects(view), 2):
        assert not ra.intersects(rb), f"{a!r} over {b!r} while zooming"
    qtbot.waitUntil(lambda: len(_label_rects(view)) > 0)  # back once the zoom rests
    for (a, ra), (b, rb) in itertools.combinations(_label_rects(view), 2):
        assert not ra.intersects(rb), f"{a!r} over {b!r}"


def test_the_opening_dialogs_clock_runs_while_the_file_is_checked(qtbot, window, samples_dir, monkeypatch):
    # The large network's dialog said "0.0 s" for as long as the file was read and checked: the
    # check held the window's thread (and the interpreter lock) until it was done.
    import time

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QProgressDialog

    from twin_app.gui import loading

    real = loading.load_scenario
    labels: list[str] = []
    opening = [True]

    def seconds_shown() -> set[str]:
        return {label.rsplit("... ", 1)[-1] for label in list(labels) if loading.OPENING_STEPS[0] in label}

    def slow_check(path, *args, **kwargs):
        # Python work that holds the interpreter lock as the check does, for as long as the
        # clock needs to show three different times (at most 5 s: a blocked clock never does).
        # Waiting on what the window shows, not on a fixed time, keeps a loaded machine from
        # failing the test.
        until = time.perf_counter() + 5.0
        while len(seconds_shown()) < 3 and time.perf_counter() < until:
            sum(range(1000))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(loading, "load_scenario", slow_check)

    def look() -> None:
        if opening[0]:  # (not after the test: the window is gone then)
            labels.extend(d.labelText() for d in window.findChildren(QProgressDialog) if d.isVisible())
            QTimer.singleShot(30, look)

    QTimer.singleShot(0, look)
    assert window.open_scenario(samples_dir / "large_network.json")
    opening[0] = False
    reading = seconds_shown()
    assert len(reading) >= 3, reading  # the seconds went on: 0.1 s, 0.2 s, ...


def test_in_presentation_type_axis_titles_keep_clear_of_the_tick_labels(qtbot, window, tiny_path):
    # With the larger type the left axis titles ("Orders in system") touched the tick labels:
    # pyqtgraph leaves the title 0.8 of its box's height, and the box grows with the type.
    window.open_scenario(tiny_path)
    window.run_to(1440.0)
    window.show()
    window.show_view("kpis")
    window.set_presentation(True, full_screen=False)
    qtbot.wait(100)
    for chart in (window.kpi_view.hist_widget, window.kpi_view.wip_widget, window.kpi_view.trust_chart):
        axis = chart.getPlotItem().getAxis("left")
        box, margin = axis.label.boundingRect().height(), axis.label.document().documentMargin()
        title_right = -5 + box - margin  # pyqtgraph puts the rotated title 5 px left of the axis
        offset = axis.style["tickTextOffset"][0] + max(0, axis.style["tickLength"])
        ticks_left = axis.maximumWidth() - offset - axis.textWidth  # (its width is set at once, laid out later)
        assert ticks_left - title_right >= 4, axis.labelText


def test_with_fastest_ticked_the_speed_box_looks_unused(qtbot, window) -> None:
    # The slider and "120.0 min/s" stayed as dark as ever with Fastest ticked: which applied? (T6)
    from PySide6.QtGui import QColor

    window.show()
    qtbot.waitExposed(window)
    spin = window.controls.speed_spin

    def darkest_text() -> float:
        image = spin.grab().toImage()
        return min(
            QColor(image.pixel(x, y)).lightnessF()
            for x in range(0, image.width(), 2)
            for y in range(image.height() // 4, 3 * image.height() // 4)
        )

    window.set_speed(120.0, False)
    qtbot.wait(50)
    used = darkest_text()
    window.set_speed(None, True)
    qtbot.wait(50)
    assert not spin.isEnabled() and not window.controls.speed_slider.isEnabled()
    assert darkest_text() > used + 0.1  # its text greyed, not black (0.16 -> 0.32 lightness)
