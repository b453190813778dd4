"""Running a compare or a sweep off the GUI thread, with progress and Cancel.

The work is the very call the CLI makes (:func:`twin_app.experiments.compare.compare`,
:func:`twin_app.experiments.sweep.sweep`), which itself spreads its tasks over local
processes. :class:`ExperimentThread` runs that call on a QThread and hands it an
``on_progress`` callback: the callback reports (done, total) to the window as a signal, and
raises :class:`Cancelled` once the user has pressed Cancel. The experiment then stops as the
CLI's does on Ctrl+C: the tasks running end, no new one starts, the finished ones are kept
in the experiment log as 'stopped'. Every failure reaches the window as a message.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from twin_app.errors import TwinError
from twin_app.experiments.plan import Progress


class Cancelled(Exception):
    """Raised inside the experiment (from its progress callback) when the user cancels."""


class ExperimentThread(QThread):
    """Runs ``work(on_progress)`` once on its own thread and reports how it went."""

    progressed = Signal(int, int)  # tasks done, tasks in all
    succeeded = Signal(object)  # the result (CompareResult, SweepResult)
    failed = Signal(str, str)  # message, details
    cancelled = Signal()

    def __init__(self, work: Callable[[Progress], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._work = work
        self._stop = threading.Event()

    def cancel(self) -> None:
        """Ask the experiment to stop after the tasks running now (thread-safe)."""
        self._stop.set()

    @property
    def cancelling(self) -> bool:
        return self._stop.is_set()

    def _tick(self, done: int, total: int) -> None:
        self.progressed.emit(done, total)
        if self._stop.is_set():
            raise Cancelled

    def run(self) -> None:
        try:
            result = self._work(self._tick)
        except Cancelled:
            self.cancelled.emit()
        except TwinError as error:  # bad input: the message names the place and the fix
            self.failed.emit(str(error), "")
        except Exception as error:  # a bug: say so, with the traceback behind a button
            self.failed.emit(f"internal error: {error}", traceback.format_exc())
        else:
            self.succeeded.emit(result)  # every task finished: the answer stands even if Cancel came late
