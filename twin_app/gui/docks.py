"""A menu action and shortcut for a dock that shows it, brings it to the front, or hides it.

Qt's own ``toggleViewAction`` hides a dock that is open but behind another one's tab: the
Library, Run settings and History share one tabbed area, so pressing Ctrl+H to see History
while the Library tab was in front hid History instead (and the window remembered it hidden).
The action here shows a hidden dock, raises one behind another tab, and hides only the one
in front.

A hidden dock keeps its type size when presentation mode changes the window's (polishing its
widgets again while nobody sees them cost F5 and Esc ~20 ms); it takes the window's size when
it is shown (:class:`_TypeOnShow`).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu

from twin_app.gui import widget_style


class _TypeOnShow(QObject):
    """Lets the dock it watches take the window's type size when it is shown."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, QDockWidget):
            widget_style.take_type(watched)
        return False


def dock_action(window: QMainWindow, dock: QDockWidget, text: str, shortcut: str, menu: QMenu) -> QAction:
    """Add to ``menu`` an action (with ``shortcut``) that shows, raises or hides ``dock``."""
    action = QAction(text, window)
    action.setShortcut(shortcut)
    action.setCheckable(True)
    action.setChecked(dock.isVisible())
    dock.visibilityChanged.connect(lambda _visible: action.setChecked(not dock.isHidden()))
    action.triggered.connect(lambda _checked=False: show_raise_or_hide(dock))
    dock.installEventFilter(_TypeOnShow(dock))
    window.addAction(action)  # the shortcut works with the menu bar hidden too
    menu.addAction(action)
    return action


def show_raise_or_hide(dock: QDockWidget) -> None:
    """Show ``dock`` if hidden, bring it to the front if behind another tab, else hide it."""
    if dock.isHidden():
        dock.show()
        dock.raise_()
    elif dock.visibleRegion().isEmpty():  # open, behind another dock's tab
        dock.raise_()
    else:
        dock.hide()
