"""A tab's charts paint, and lay out at a new size, a turn of the event loop each, after the page.

Showing a tab painted all of it in one turn: on the KPI tab the cards, the owners' table and
three charts, ~50 ms of the GUI thread idle and 80-145 ms in a flat-out run of the large
network (the bench's longest gaps with a switch). A chart is the costly part of a page (its
axes' tick labels laid out, its curves filled), and nothing else on the page waits for it. The
window calls :func:`defer` with the page a user switched to: each pyqtgraph view on it paints
its background in the switch's turn and its plot in a later turn of its own, one chart a turn;
the window answers between them. (:func:`install` makes pyqtgraph's views honour that.) A chart
drawn by a script or an export (a grab of the window or of a view) must not be a background:
:func:`flush` paints every waiting chart first.

A resize is spread the same way: every chart of the shown tab laid out its axes and painted
them anew in the turn of a window's resize (the KPI tab 70-77 ms of the GUI thread, 120-160 ms
in the bench's flat-out runs). A shown chart that has painted keeps its old layout for the
resize's turn (drawn as it was: cut at its new edge, or with a margin) and is laid out and
painted at its new size in a later turn of its own; :func:`flush` lays out any that wait.
"""

from __future__ import annotations

import weakref
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QWidget

_ORIGINAL_PAINT = pg.GraphicsView.paintEvent
_ORIGINAL_RESIZE = pg.GraphicsView.resizeEvent
_WAITING = "_chart_turn_waiting"
"""Set on a view that paints its background only until its turn."""
_RESIZE_WAITING = "_chart_turn_resize_waiting"
"""Set on a view whose layout at its new size waits for its turn."""
_PAINTED = "_chart_turn_painted"
"""Set on a view once it has painted its plot (a view not painted yet is laid out at once)."""


class _Turns(QObject):
    """The charts waiting for their turn, first shown first."""

    def __init__(self) -> None:
        super().__init__()
        self.waiting: list[weakref.ref[Any]] = []
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(0)
        self.timer.timeout.connect(self.next)

    def add(self, view: Any, flag: str = _WAITING) -> None:
        if not (getattr(view, _WAITING, False) or getattr(view, _RESIZE_WAITING, False)):
            self.waiting.append(weakref.ref(view))
        setattr(view, flag, True)
        self.timer.start()

    def next(self) -> None:
        """Let the first waiting chart paint (in this turn's paint of the window)."""
        while self.waiting:
            view = self.waiting.pop(0)()
            if view is not None and _release(view):
                break
        if self.waiting:
            self.timer.start()

    def flush(self) -> None:
        self.timer.stop()
        waiting, self.waiting = self.waiting, []
        for ref in waiting:
            view = ref()
            if view is not None:
                _release(view)


def _release(view: Any) -> bool:
    """Lay ``view`` out at its size if that waits, clear its waits and ask for its paint; False
    if the view is gone or hidden (nothing painted)."""
    resize = getattr(view, _RESIZE_WAITING, False)
    setattr(view, _WAITING, False)
    setattr(view, _RESIZE_WAITING, False)
    try:
        viewport = view.viewport()
    except RuntimeError:  # (its C++ object was deleted)
        return False
    if resize:
        _ORIGINAL_RESIZE(view, None)  # (pyqtgraph's reads the view's size, not the event)
    if not view.isVisible():
        return False
    viewport.update()
    return True


_turns: _Turns | None = None


def _queue() -> _Turns:
    global _turns
    if _turns is None:
        _turns = _Turns()
    return _turns


def _paint_event(self: Any, event: QPaintEvent) -> None:
    if getattr(self, _WAITING, False):
        painter = QPainter(self.viewport())
        painter.fillRect(event.rect(), self.backgroundBrush())
        painter.end()
        return
    setattr(self, _PAINTED, True)
    _ORIGINAL_PAINT(self, event)


def _resize_event(self: Any, event: QResizeEvent) -> None:
    if self.isVisible() and getattr(self, _PAINTED, False):
        _queue().add(self, _RESIZE_WAITING)  # laid out at its new size in a turn of its own
        return
    _ORIGINAL_RESIZE(self, event)


def defer(page: QWidget) -> None:
    """Let each chart shown on ``page`` paint in a turn of its own, after the rest of the page."""
    for view in page.findChildren(pg.GraphicsView):
        if view.isVisible():
            _queue().add(view)


def waiting() -> int:
    """Charts waiting for their turn (to paint their plot, or to be laid out at their new size)."""
    return sum(1 for ref in (_turns.waiting if _turns is not None else []) if ref() is not None)


def flush() -> None:
    """Lay out and let paint every waiting chart now (before a grab, an export, a script's look)."""
    if _turns is not None:
        _turns.flush()


def install() -> None:
    """Make every pyqtgraph view honour its turn: its background only while its paint waits, its
    old layout while its layout at a new size waits (idempotent)."""
    pg.GraphicsView.paintEvent = _paint_event
    pg.GraphicsView.resizeEvent = _resize_event
