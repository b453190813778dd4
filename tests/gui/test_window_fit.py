"""The main window at its smallest size: every toolbar action reachable, the busy badge over nothing."""

from __future__ import annotations

import pytest

SMALLEST = (1100, 700)


def _settle(qtbot, window) -> None:
    window.resize(*SMALLEST)
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(50)


def test_every_toolbar_item_is_on_screen_at_the_smallest_size(qtbot, window):
    """At 1100x700 no item of the run toolbar hides behind the overflow arrow (Run, Stop, the
    speed, 'Fastest' and the clock are what a user reaches for while the twin runs)."""
    _settle(qtbot, window)
    bar = window.controls.toolbar
    inside = bar.rect()
    for action in bar.actions():
        widget = bar.widgetForAction(action)
        if not action.isVisible() or widget is None:
            continue
        name = action.text() or widget.toolTip() or type(widget).__name__
        assert widget.isVisible(), f"{name!r} is hidden in the toolbar's overflow"
        assert inside.contains(widget.geometry()), f"{name!r} is cut by the toolbar's edge"
    assert window.controls.clock.isVisible() and window.controls.fastest_check.isVisible()


def test_busy_badge_covers_no_tab_and_no_view(qtbot, window, tiny_path):
    window.open_scenario(tiny_path)
    _settle(qtbot, window)
    window.bridge._timer.stop()  # no poll hides it while we look
    window._show_busy(True)
    qtbot.wait(20)
    badge = window.busy_badge
    assert badge.isVisible() and "Updating" in badge.text()
    top_left = badge.mapTo(window, badge.rect().topLeft())
    on_window = badge.rect().translated(top_left)
    tabs = window.tabs.rect().translated(window.tabs.mapTo(window, window.tabs.rect().topLeft()))
    assert not on_window.intersects(tabs), "the badge covers the view tabs or the view"
    assert window.statusBar().geometry().contains(on_window), "the badge is in the status bar"
    state = window.controls.state_label
    state_rect = state.rect().translated(state.mapTo(window, state.rect().topLeft()))
    assert not on_window.intersects(state_rect)
    window._show_busy(False)
    assert badge.isHidden()


@pytest.mark.parametrize("kind", ["error", "question"])
def test_the_keyboard_comes_back_to_the_window_after_a_dialog(qtbot, settings, tiny_path, kind):
    """With no window manager to give it back, the focus stayed nowhere after a message box
    closed: Space, Esc and Ctrl+1..5 did nothing until the user clicked the window."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from twin_app.gui.main_window import MainWindow

    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.tabs.tabBar().setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.tabs.tabBar())

    def close_the_box() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        box.done(0)

    try:
        if kind == "error":
            QTimer.singleShot(200, close_the_box)
            window.show_error("Cannot open bad.json", "sites[3].x: not a number", "")
        else:
            assert window.open_scenario(tiny_path)
            window.session.run()  # an unfinished run: opening again asks first
            assert window.session.unfinished
            QTimer.singleShot(200, close_the_box)
            assert not window.open_scenario(tiny_path)  # the box's Escape: Cancel
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
        assert QApplication.focusWidget() is not None and QApplication.focusWidget().window() is window
    finally:
        window._discard_run()
        window.session.close()


def test_the_map_legend_reads_as_a_line_or_two_beside_nothing(qtbot, window, tiny_path):
    """At the smallest size the map's legend had a narrow column beside the colour switch and
    wrapped to six lines; on a row of its own it takes at most two and covers no button."""
    from PySide6.QtGui import QFontMetrics

    window.open_scenario(tiny_path)
    _settle(qtbot, window)
    view = window.map_view
    legend = view.legend
    rect = legend.geometry().translated(legend.parentWidget().mapTo(window, legend.geometry().topLeft()) - legend.pos())
    for button in view.mode_buttons.buttons():
        other = button.geometry().translated(button.parentWidget().mapTo(window, button.pos()) - button.pos())
        assert not rect.intersects(other), f"the legend covers {button.text()!r}"
    assert legend.height() <= 2 * QFontMetrics(legend.font()).lineSpacing() + 8
