"""Keyboard focus goes back to the main window when a dialog it opened closes.

Without a window manager (a bare Xvfb, some kiosk set-ups) nobody gives the input focus back
when a modal dialog (a message box, a file dialog, the large-file progress) goes away: the
keyboard was dead until the user clicked the window, so Space, Esc and the view shortcuts did
nothing. :class:`FocusReturn` follows the application's focus: when the focus leaves a widget
of a dialog that is now closed, and no other dialog is up, the main window is activated
again (Qt then refocuses the widget that had the focus before the dialog). Under a window
manager this changes nothing: the window is active again by then. It listens to one signal,
not to every event, so it costs nothing while the twin runs.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget


class FocusReturn(QObject):
    """Gives ``window`` the keyboard back when one of its dialogs closes (see the module docstring)."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        QApplication.instance().focusChanged.connect(self._on_focus)  # type: ignore[union-attr]

    def _on_focus(self, old: QWidget | None, now: QWidget | None) -> None:
        left = _window_of(old)
        if left is None or left is self.window or _window_of(now) is left or not self._belongs(left):
            return
        QTimer.singleShot(0, lambda: self.restore(left))  # after Qt has finished closing it

    def _belongs(self, dialog: QWidget) -> bool:
        parent = dialog.parentWidget()
        return parent is None or parent.window() is self.window

    def restore(self, dialog: QWidget | None = None) -> None:
        """Activate the window (its last focused widget gets the keys) once ``dialog`` has
        closed, unless another dialog is up or the focus has gone somewhere on purpose."""
        if dialog is not None and shiboken6.isValid(dialog) and dialog.isVisible():
            return  # the user went from the dialog to another program: the dialog stays
        window = self.window
        if not shiboken6.isValid(window) or not window.isVisible() or QApplication.activeModalWidget() is not None:
            return
        if QApplication.focusWidget() is not None:
            return  # somebody has the keyboard already
        window.activateWindow()
        window.raise_()
        if window.focusWidget() is None and window.centralWidget() is not None:
            window.centralWidget().setFocus()


def _window_of(focus: QWidget | None) -> QWidget | None:
    """The window ``focus`` is in. A message box being deleted reports its focus change while
    its widgets are plain QWidgets already, so a dialog is any window but the main one."""
    if focus is None or not shiboken6.isValid(focus):
        return None
    return focus.window()
