"""The Qt side of a run session: a ~30 Hz timer that polls it and re-emits what it reports.

:class:`~twin_app.experiments.session.RunSession` is Qt-free; :class:`SessionBridge` drives it
from the GUI thread's event loop and turns each :data:`~twin_app.experiments.session.Update`
into a signal the main window connects to. ``events_received`` counts every event handed on,
so a test can check that the GUI got exactly what the engine produced.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from twin_app.experiments.session import Analysed, Batch, Ended, Failed, Live, PausedAt, RunSession, Started


class SessionBridge(QObject):
    """Polls a RunSession on a QTimer and emits its updates as signals."""

    started = Signal(object)  # RunInfo
    batch = Signal(object)  # EventBatch (all batches of one tick merged)
    ended = Signal(object)  # RunEnd
    paused_at = Signal(float)
    failed = Signal(str, str)  # message, traceback
    live = Signal(object)  # LiveState
    analysed = Signal(object)  # Finished
    polled = Signal()  # after every poll (state and busy indicators)

    def __init__(self, session: RunSession, parent: QObject | None = None, interval_ms: int = 33) -> None:
        super().__init__(parent)
        self.session = session
        self.events_received = 0
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.poll)
        self._timer.start()

    def stop_timer(self) -> None:
        self._timer.stop()

    def reset_counts(self) -> None:
        self.events_received = 0

    def poll(self) -> None:
        """Take in what the session's threads reported and emit it, in order."""
        for update in self.session.poll():
            if isinstance(update, Batch):
                self.events_received += len(update.batch.events)
                self.batch.emit(update.batch)
            elif isinstance(update, Started):
                self.started.emit(update.info)
            elif isinstance(update, Ended):
                self.ended.emit(update.end)
            elif isinstance(update, PausedAt):
                self.paused_at.emit(update.now)
            elif isinstance(update, Failed):
                self.failed.emit(update.message, update.details)
            elif isinstance(update, Live):
                self.live.emit(update.state)
            elif isinstance(update, Analysed):
                self.analysed.emit(update.finished)
        self.polled.emit()
