"""What the main window remembers between sessions, and the pace controls that feed it.

The speed slider, the minutes-per-second box and 'As fast as possible' are one setting shown
three ways: :meth:`WindowSettings.set_speed` keeps them in step (without echoing signals back)
and tells the run session. The window's geometry, dock layout, shown tab, pace, theme and view
modes are restored when the window is built and saved when it closes.

The window's size is the user's: a view or a status text that asks for more width than the
window has is cut, not allowed to widen the window (at 1100x700 the KPI tab's one-line titles
and the status line after Stop widened it to 1172-1224 px). :data:`VIEW_MIN` is the least the
views keep, whatever their contents ask.

:class:`WindowSettings` is a mixin of :class:`~twin_app.gui.main_window.MainWindow`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray

from twin_app.gui.controls import SPEED_MAX, SPEED_MIN, slider_to_speed, speed_to_slider

VIEW_MIN = (560, 360)
"""Least width and height of the view tabs (set explicitly: it overrides what their contents ask)."""

DEFAULT_SIZE = (1500, 940)
"""The window's size at its first start, or the screen's available size less :data:`FRAME` if
that is smaller (at 1280x720 the window opened at 1500x940, its status bar and the map's owner
list off the screen: T9)."""

FRAME = (16, 64)
"""Room left for the window manager's frame and title bar, which Qt cannot know before the window
is shown (sized to the screen's 1280x720, the framed window was 1282x746, its status bar off
the screen again: T10)."""


class WindowSettings:
    """Restore and save the window's settings; keep the three pace controls in step."""

    settings: Any
    session: Any
    controls: Any
    speed: float
    fastest: bool

    def _connect_pace(self) -> None:
        c = self.controls
        c.speed_slider.valueChanged.connect(lambda v: self.set_speed(slider_to_speed(v), None))
        c.speed_spin.valueChanged.connect(lambda v: self.set_speed(float(v), None))
        c.fastest_check.toggled.connect(lambda checked: self.set_speed(None, checked))

    def _restore_settings(self: Any) -> None:
        self.tabs.setMinimumSize(*VIEW_MIN)  # see the module docstring
        self.speed = self.settings.speed
        self.fastest = self.settings.fastest
        self.session.set_speed(self.speed, self.fastest)
        c = self.controls
        for widget in (c.speed_slider, c.speed_spin, c.fastest_check):
            widget.blockSignals(True)
        c.speed_slider.setValue(speed_to_slider(self.speed))
        c.speed_spin.setValue(self.speed)
        c.fastest_check.setChecked(self.fastest)
        for widget in (c.speed_slider, c.speed_spin, c.fastest_check):
            widget.blockSignals(False)
        c.speed_slider.setEnabled(not self.fastest)
        c.speed_spin.setEnabled(not self.fastest)
        c.dark.setChecked(self.settings.dark_theme)
        self.map_view.set_color_mode(self.settings.map_color_mode)
        self.gantt_view.set_color_mode(self.settings.gantt_color_mode)
        if self.settings.window_geometry is not None:
            self.restoreGeometry(self.settings.window_geometry)  # (Qt keeps it on a screen)
        else:
            room = self.screen().availableGeometry()
            self.resize(min(DEFAULT_SIZE[0], room.width() - FRAME[0]), min(DEFAULT_SIZE[1], room.height() - FRAME[1]))
        if self.settings.window_state is not None:
            self.restoreState(self.settings.window_state)
        self.tour_bar.hide()
        self.tabs.setCurrentIndex(min(max(self.settings.current_view, 0), self.tabs.count() - 1))
        self.session.want(self.current_view().needs)

    def save_settings(self: Any) -> None:
        """Remember window layout and options (also done when the window closes)."""
        if self.presenting:
            self.set_presentation(False)
        self.settings.window_geometry = QByteArray(self.saveGeometry())
        self.settings.window_state = QByteArray(self.saveState())
        self.settings.current_view = self.tabs.currentIndex()
        self.settings.speed = self.speed
        self.settings.fastest = self.fastest
        self.settings.map_color_mode = self.map_view.mode
        self.settings.gantt_color_mode = self.gantt_view.store.mode
        self.settings.sync()

    def set_speed(self, speed: float | None, fastest: bool | None) -> None:
        """Change the pace: ``speed`` simulated minutes per second and/or 'as fast as possible'."""
        c = self.controls
        if speed is not None:
            self.speed = float(min(max(speed, SPEED_MIN), SPEED_MAX))
            for widget, value in ((c.speed_slider, speed_to_slider(self.speed)), (c.speed_spin, self.speed)):
                widget.blockSignals(True)
                widget.setValue(value)
                widget.blockSignals(False)
        if fastest is not None:
            self.fastest = bool(fastest)
            c.fastest_check.blockSignals(True)
            c.fastest_check.setChecked(self.fastest)
            c.fastest_check.blockSignals(False)
            c.speed_slider.setEnabled(not self.fastest)
            c.speed_spin.setEnabled(not self.fastest)
        self.session.set_speed(self.speed, self.fastest)
