"""The main window's controls: its actions and shortcuts, menus, the run toolbar, the status bar.

:func:`build_controls` makes them for a window and returns them as :class:`Controls`; the
window connects its own slots. Every action is also added to the window itself, so its
shortcut works when the menu bar is hidden (presentation mode). :func:`enable_for` greys out
what the run's state does not allow: after Stop only Reset brings the run back to time 0. Run is
greyed out then, and a hidden action takes Space instead (to say so): a disabled shortcut lets
the key fall through to the focused widget (it ticked the "Fastest" box).

Space runs and pauses from anywhere: :func:`space_runs_from` keeps number fields (where a blank
is never valid) from taking it, and the toolbar's check box takes no focus when clicked.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QDoubleSpinBox,
    QLabel,
    QMainWindow,
    QMenu,
    QProgressBar,
    QSizePolicy,
    QSlider,
    QStyle,
    QToolBar,
    QWidget,
)

from twin_app.gui import theme, widget_style

SPEED_MIN, SPEED_MAX = 1.0, 100_000.0
"""Paced speed range in simulated minutes per wall-clock second."""


def speed_to_slider(speed: float) -> int:
    span = math.log10(SPEED_MAX / SPEED_MIN)
    return round(1000 * math.log10(max(SPEED_MIN, min(SPEED_MAX, speed)) / SPEED_MIN) / span)


def slider_to_speed(value: int) -> float:
    """Slider position to a speed rounded to two significant digits (60, 120, 1500...)."""
    span = math.log10(SPEED_MAX / SPEED_MIN)
    raw = SPEED_MIN * 10 ** (value / 1000 * span)
    return float(f"{raw:.2g}")


class SpaceRuns(QObject):
    """An event filter that lets Space reach the window's Run action from a number field.

    A field takes Space for itself before a shortcut sees it; a spin box or a digits-only line
    edit then typed a blank over its selected number (the warm-up was wiped) and the run did
    not start. Here the field declines the key, and never types it.
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return False
        if event.key() != Qt.Key.Key_Space or event.modifiers() != Qt.KeyboardModifier.NoModifier:  # type: ignore[attr-defined]
            return False
        event.ignore()  # not taken: the Space shortcut fires
        return True


def space_runs_from(*fields: QWidget) -> None:
    """Let Space run or pause the twin while one of ``fields`` (number fields) has the focus."""
    for field in fields:
        keys = SpaceRuns(field)
        field.installEventFilter(keys)
        if isinstance(field, QAbstractSpinBox) and field.lineEdit() is not None:
            field.lineEdit().installEventFilter(keys)


@dataclass
class Controls:
    """Everything :func:`build_controls` made."""

    open: QAction
    save: QAction
    save_as: QAction
    quit: QAction
    run: QAction
    step: QAction
    stop: QAction
    reset: QAction
    presentation: QAction
    tour_next: QAction
    tour_previous: QAction
    dark: QAction
    views: list[QAction]
    recent_menu: QMenu
    view_menu: QMenu
    toolbar: QToolBar
    speed_slider: QSlider
    speed_spin: QDoubleSpinBox
    fastest_check: QCheckBox
    clock: QLabel
    state_label: QLabel
    events_label: QLabel
    rate_label: QLabel
    progress: QProgressBar
    ended_space: QAction
    """Space while Run is greyed out after Stop (see the module docstring)."""


def _action(
    window: QMainWindow,
    text: str,
    slot: Callable[..., Any],
    shortcuts: tuple[str, ...] = (),
    icon: QStyle.StandardPixmap | None = None,
    tip: str = "",
) -> QAction:
    action = QAction(text, window)
    if icon is not None:
        action.setIcon(standard_icon(window, icon))
    if shortcuts:
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
    action.setToolTip(f"{tip or text} ({', '.join(shortcuts)})" if shortcuts else (tip or text))
    action.setStatusTip(tip or text)
    action.triggered.connect(slot)
    window.addAction(action)  # shortcuts work even when the menu bar is hidden
    return action


GLYPHS = (
    QStyle.StandardPixmap.SP_MediaPlay,
    QStyle.StandardPixmap.SP_MediaPause,
    QStyle.StandardPixmap.SP_MediaSeekForward,
    QStyle.StandardPixmap.SP_MediaStop,
)
"""The standard icons that are black glyphs, drawn in the theme's text colour (widget_style.glyph_icon)."""


def standard_icon(window: QMainWindow, which: QStyle.StandardPixmap) -> QIcon:
    """The style's icon ``which``; a glyph in the theme's text colour."""
    return widget_style.glyph_icon(which) if which in GLYPHS else window.style().standardIcon(which)


def tint_glyphs(controls: Controls, window: QMainWindow, session: Any) -> None:
    """Draw the toolbar's glyphs (run or pause, step, stop) in the active theme's colours."""
    controls.step.setIcon(standard_icon(window, QStyle.StandardPixmap.SP_MediaSeekForward))
    controls.stop.setIcon(standard_icon(window, QStyle.StandardPixmap.SP_MediaStop))
    enable_for(controls, window, session)


def build_controls(window: Any, view_titles: tuple[str, ...]) -> Controls:
    """Actions, menus, toolbar and status bar of ``window`` (a MainWindow: its slots are used)."""
    sp = QStyle.StandardPixmap
    a = _action
    open_ = a(window, "&Open...", window.open_dialog, ("Ctrl+O",), sp.SP_DialogOpenButton, "Open a scenario file")
    save = a(window, "&Save", window.save, ("Ctrl+S",), sp.SP_DialogSaveButton, "Save the scenario")
    save_as = a(window, "Save &As...", window.save_as_dialog, ("Ctrl+Shift+A",), None, "Save under a new name")
    quit_ = a(window, "&Quit", window.close, ("Ctrl+Q",))
    run = a(window, "&Run", window.toggle_run, ("Space",), sp.SP_MediaPlay, "Run / pause")
    ended_space = a(window, "Run ended", window.toggle_run, ("Space",))  # in no menu: see the module docstring
    ended_space.setEnabled(False)
    step = a(window, "S&tep", window.step, ("F10", "Ctrl+."), sp.SP_MediaSeekForward, "Process one event")
    stop = a(window, "S&top", window.stop, ("Esc", "Ctrl+Shift+S"), sp.SP_MediaStop, "End the run (Reset starts over)")
    reset = a(window, "R&eset", window.reset, ("Ctrl+R",), sp.SP_BrowserReload, "Back to time 0")
    presentation = a(
        window, "&Presentation mode", window.toggle_presentation, ("F5",), None, "Full screen, large type, the tour"
    )
    presentation.setCheckable(True)
    tour_next = a(window, "Next tour step", window.tour_next, ("PgDown", "Ctrl+Right"), None, "Next step of the tour")
    tour_previous = a(window, "Previous tour step", window.tour_previous, ("PgUp", "Ctrl+Left"), None)
    dark = a(window, "&Dark theme", window.set_dark, ("Ctrl+Shift+D",), None, "Dark background (for projectors)")
    dark.setCheckable(True)
    views = [
        a(window, title, lambda _=False, i=i: window.tabs.setCurrentIndex(i), (f"Ctrl+{i + 1}",))
        for i, title in enumerate(view_titles)
    ]

    menu = window.menuBar()
    file_menu = menu.addMenu("&File")
    file_menu.addAction(open_)
    recent_menu = file_menu.addMenu("Open &Recent")
    file_menu.addSeparator()
    file_menu.addAction(save)
    file_menu.addAction(save_as)
    file_menu.addSeparator()
    file_menu.addAction(quit_)
    run_menu = menu.addMenu("&Run")
    for action in (run, step, stop, reset):
        run_menu.addAction(action)
    view_menu = menu.addMenu("&View")
    for action in views:
        view_menu.addAction(action)
    view_menu.addSeparator()
    for action in (presentation, tour_next, tour_previous, dark):
        view_menu.addAction(action)
    view_menu.addSeparator()
    help_menu = menu.addMenu("&Help")
    about = QAction("&About Cloud Factory Twin", window)
    about.triggered.connect(window.about)
    help_menu.addAction(about)

    bar = QToolBar("Run controls")
    bar.setObjectName("RunToolbar")
    bar.setMovable(False)
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    for action in (open_, save):
        bar.addAction(action)
        # icon only: the file actions are also in the File menu; their tooltips name them
        bar.widgetForAction(action).setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
    bar.addSeparator()
    for action in (run, step, stop, reset):
        bar.addAction(action)
    bar.addSeparator()
    speed_label = QLabel("Speed")
    speed_label.setObjectName("Hint")
    bar.addWidget(speed_label)
    slider = QSlider(Qt.Orientation.Horizontal)
    slider.setRange(0, 1000)
    slider.setFixedWidth(110)
    slider.setToolTip("Simulated minutes per wall-clock second (logarithmic)")
    bar.addWidget(slider)
    spin = QDoubleSpinBox()
    spin.setRange(SPEED_MIN, SPEED_MAX)
    spin.setDecimals(1)
    spin.setSuffix(" min/s")
    spin.setKeyboardTracking(False)
    spin.setToolTip("Simulated minutes per wall-clock second")
    bar.addWidget(spin)
    fastest = QCheckBox("Fastest")
    fastest.setToolTip("As fast as possible: no pacing, the simulation runs flat out")
    fastest.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a click leaves the keys (Space) where they were
    space_runs_from(spin)
    bar.addWidget(fastest)
    spacer = QWidget()
    spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    bar.addWidget(spacer)
    clock = QLabel(theme.format_clock(0.0))
    clock.setObjectName("Clock")
    clock.setToolTip("Simulated time: days and hh:mm")
    bar.addWidget(clock)
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)

    status = window.statusBar()
    state_label = QLabel("No scenario")
    state_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # cut, never widens the window
    state_label.setMinimumWidth(160)
    progress = QProgressBar()
    progress.setRange(0, 1000)
    progress.setFixedWidth(280)
    progress.setTextVisible(True)
    progress.setFormat("")
    rate_label = QLabel("0 events/s")
    events_label = QLabel("0 events")
    status.addWidget(state_label, 1)
    status.addPermanentWidget(events_label)
    status.addPermanentWidget(rate_label)
    status.addPermanentWidget(progress)
    return Controls(
        open_, save, save_as, quit_, run, step, stop, reset, presentation, tour_next, tour_previous, dark, views,
        recent_menu, view_menu, bar, slider, spin, fastest, clock, state_label, events_label, rate_label, progress,
        ended_space,
    )  # fmt: skip


def enable_for(controls: Controls, window: QMainWindow, session: Any) -> None:
    """Enable the actions the session's state allows and show Run or Pause."""
    running = session.state == "running"
    sp = QStyle.StandardPixmap
    controls.run.setText("Pause" if running else "Run")
    controls.run.setIcon(standard_icon(window, sp.SP_MediaPause if running else sp.SP_MediaPlay))
    controls.run.setEnabled(session.can("run") or session.can("pause"))
    controls.ended_space.setEnabled(session.state in ("finished", "failed"))  # says that Reset starts over
    controls.step.setEnabled(session.can("step"))
    controls.stop.setEnabled(session.can("stop"))
    controls.reset.setEnabled(session.can("reset"))
    has = session.scenario is not None
    controls.save.setEnabled(has)
    controls.save_as.setEnabled(has)
