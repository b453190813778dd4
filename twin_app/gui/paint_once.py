"""Paint a newly shown page once, not once per child.

When a tab's page is shown, Qt posts each of its widgets an ``UpdateLater`` event (low
priority) and their layouts a ``LayoutRequest``. Each ``UpdateLater`` asks the window for a
repaint, and that repaint request (normal priority) overtakes the low-priority events still
queued: the window painted the page, then took the next widget's ``UpdateLater``, painted again,
and so on. On the KPI tab after a large run that was three to four paints of every chart and
of the owner table (90-110 ms a switch); delivered together they make one (50-70 ms).

Layout requests come in waves: a page resized since it was last shown (the window was resized
while another tab showed) lays out its content, whose new height asks the scroll area, which
asks the window. Qt delivers only the requests queued before each ``sendPostedEvents`` call, so
one call left the window's request for after the first paint, and the page was laid out and
painted a second time (75 + 49 ms on the KPI tab after a large run).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject

MAX_LAYOUT_WAVES = 8
"""A bound on the waves of layout requests settled before the paint (three seen: page, scroll
area, window)."""


class _CountLayouts(QObject):
    """Counts the layout requests delivered while it is installed on the application."""

    def __init__(self) -> None:
        super().__init__()
        self.delivered = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            self.delivered += 1
        return False


def settle_shown_page() -> None:
    """Lay out and mark dirty what showing a page queued, now, so the window paints it once."""
    app = QCoreApplication.instance()
    counter = _CountLayouts()
    app.installEventFilter(counter)
    try:
        for _ in range(MAX_LAYOUT_WAVES):
            counter.delivered = 0
            QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest.value)
            if not counter.delivered:
                break
    finally:
        app.removeEventFilter(counter)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.UpdateLater.value)
