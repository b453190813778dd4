"""The Qt side of a run session: a ~30 Hz timer that polls it and re-emits what it reports.

:class:`~twin_app.experiments.session.RunSession` is Qt-free; :class:`SessionBridge` drives it
from the GUI thread's event loop and turns each :data:`~twin_app.experiments.session.Update`
into a signal the main window connects to. ``events_received`` counts every event handed on,
so a test can check that the GUI got exactly what the engine produced.

The timer slows down when the window is busy: every view update a poll triggers (the Gantt's
new bars, the map's vehicles) is followed by a repaint, and on the large network run flat out
that work filled the GUI thread, whose CPU the simulation's process needs too (2 cores). The
time the GUI thread wanted the CPU since the last poll (on it, or waiting for it: Linux's
schedstat; elsewhere its CPU time), over the wall time, is its busy share; above
:data:`BUSY_SHARE` the interval grows by half, under half of it the interval shrinks back
towards ~30 Hz. Counting the wait too makes the window give way when the machine is busy,
where its CPU time alone would look small. A paced run, cheap to show, keeps 30 Hz.

The run's end, a pause or a failure does not wait for the timer: the session wakes the bridge
from its reader thread (a queued signal), and the poll runs in the GUI thread's next turn.

Once the run has stopped, the final figures are awaited at the fastest pace: the slowed timer
(250 ms after a flat-out run) made the request for them wait a poll and their answer another,
~0.5 s of the demo's 1.4 s from Run to its final KPIs on screen.
"""

from __future__ import annotations

import os
import time
import weakref

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from twin_app.experiments.session import Analysed, Batch, Ended, Failed, Live, PausedAt, RunSession, Started

BUSY_SHARE = 0.3
"""The share of the GUI thread's time the polls and what they trigger (updates, repaints) may take."""

MAX_INTERVAL_MS = 250
"""The slowest poll: the clock and the Gantt still move four times a second."""


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
    _woken = Signal()  # emitted on the session's threads: queued to this (the GUI) thread

    def __init__(self, session: RunSession, parent: QObject | None = None, interval_ms: int = 33) -> None:
        super().__init__(parent)
        self.session = session
        self.events_received = 0
        self.min_interval_ms = interval_ms
        self._since: tuple[float, float] | None = None
        """(GUI thread demand, wall) seconds at the last poll."""
        self._schedstat: int | None = None
        """This (the GUI) thread's /proc schedstat, opened once: its CPU and run-queue times."""
        try:
            self._schedstat = os.open("/proc/thread-self/schedstat", os.O_RDONLY)
            weakref.finalize(self, os.close, self._schedstat)
        except (OSError, AttributeError):
            self._schedstat = None
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.poll)
        self._timer.start()
        self._woken.connect(self.poll, Qt.ConnectionType.QueuedConnection)
        session.wake = self._woken.emit
        self.destroyed.connect(lambda *_: setattr(session, "wake", None))

    def stop_timer(self) -> None:
        """Stop polling (the window is closing): the session no longer wakes this bridge."""
        self._timer.stop()
        self.session.wake = None

    def reset_counts(self) -> None:
        self.events_received = 0

    @property
    def interval_ms(self) -> int:
        """The poll interval now (see the module docstring)."""
        return self._timer.interval()

    def _demand(self) -> float:
        """Seconds the GUI thread has been on the CPU or waiting for it (its CPU time where the
        system does not say)."""
        if self._schedstat is not None:
            try:
                on_cpu, waiting = os.pread(self._schedstat, 128, 0).split()[:2]
                return (int(on_cpu) + int(waiting)) / 1e9
            except (OSError, ValueError):
                self._schedstat = None
        return time.thread_time()

    def pace(self, cpu: float, wall: float) -> None:
        """Slow down while the GUI thread is busier than :data:`BUSY_SHARE`, speed up when idle
        (``cpu``: the GUI thread's demand so far, see :meth:`_demand`; ``wall``: the wall clock;
        seconds)."""
        if self._since is not None and wall > self._since[1]:
            busy = (cpu - self._since[0]) / (wall - self._since[1])
            interval = self._timer.interval()
            if busy > BUSY_SHARE:
                interval = min(MAX_INTERVAL_MS, int(interval * 1.5) + 1)
            elif busy < BUSY_SHARE / 2:
                interval = max(self.min_interval_ms, int(interval / 1.5))
            if interval != self._timer.interval():
                self._timer.setInterval(interval)
        self._since = (cpu, wall)

    def poll(self) -> None:
        """Take in what the session's threads reported and emit it, in order."""
        self.pace(self._demand(), time.perf_counter())
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
        if self.session.state != "running" and self.session.analysing(self.session.wanted):
            self._timer.setInterval(self.min_interval_ms)  # the final figures: see the module docstring
        self.polled.emit()
