"""Opening a scenario file without freezing the window: big files load in a child process.

Parsing and validating a scenario is pure Python that holds the interpreter lock the whole
time, so a thread would not help: a 300 MB file froze the window for ten seconds. Files of
:data:`CHILD_ABOVE_BYTES` or more are therefore loaded in a separate process while a dialog
shows what is happening and how long it has taken, with a Cancel button that ends the child
at once. Smaller files load directly (a child costs about a second to start); from
:data:`PROGRESS_ABOVE_BYTES` on (the large sample network, 0.5 MB: about 1.5 s to check and
as long again to lay out on a busy machine) a :class:`LoadProgress` dialog names each step of
opening, reading and checking, then laying out the map, the Gantt rows and the editor. The
reading and checking runs in a thread while the dialog's clock ticks: below the child's size
the JSON parser holds the lock for well under a tenth of a second, and the checks are Python,
which hands the lock back every few milliseconds (with the check on the window's own thread
the clock stood still at "0.0 s" until it was done).
"""

from __future__ import annotations

import multiprocessing
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from twin_app.errors import Problem, ScenarioError
from twin_app.io.scenario_file import load_scenario
from twin_app.model.scenario import Scenario

CHILD_ABOVE_BYTES = 8 * 1024 * 1024
"""Files at least this big load in a child process with a progress dialog."""

PROGRESS_ABOVE_BYTES = 200 * 1024
"""Files at least this big (and smaller than :data:`CHILD_ABOVE_BYTES`) open behind a
:class:`LoadProgress` dialog."""

READER_SWITCH_INTERVAL_S = 0.0005
"""The interpreter's switch interval while a file is read in a thread (Python's default is 5 ms)."""

OPENING_STEPS = ("Reading and checking the file", "Laying out the map, the Gantt rows and the editor")
"""The steps :class:`LoadProgress` counts, in order."""


class LoadProgress:
    """A progress dialog over the steps of opening a file in this process.

    Each :meth:`step` shows the step's name and how far along the steps are, and paints at
    once (the step that follows holds the interpreter lock). Cancel is honoured between steps:
    :meth:`step` raises :class:`LoadCancelled`. Nothing is shown for small files.
    """

    def __init__(self, path: Path, parent: QWidget | None) -> None:
        try:
            size = path.stat().st_size if path.is_file() else 0
        except OSError:
            size = 0
        self.path, self.size = path, size
        self.dialog: QProgressDialog | None = None
        if PROGRESS_ABOVE_BYTES <= size < CHILD_ABOVE_BYTES:
            dialog = QProgressDialog(f"Opening {path.name}...", "Cancel", 0, len(OPENING_STEPS), parent)
            dialog.setWindowTitle("Opening a scenario")
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            dialog.setMinimumDuration(0)
            dialog.setAutoClose(False)
            dialog.setAutoReset(False)
            self.dialog = dialog
        self.began = time.perf_counter()
        self.done = 0

    def step(self, text: str) -> None:
        """Start step ``text`` (one of :data:`OPENING_STEPS`); raises LoadCancelled if cancelled."""
        dialog = self.dialog
        if dialog is None:
            return
        if dialog.wasCanceled():
            self.close()
            raise LoadCancelled(f"Opening {self.path.name} was cancelled")
        index = OPENING_STEPS.index(text) if text in OPENING_STEPS else self.done
        self.done = index
        dialog.setValue(index)
        dialog.setLabelText(self._label(text))
        dialog.show()
        dialog.repaint()
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)

    def run(self, text: str, work: Callable[[], Scenario]) -> Scenario:
        """Step ``text`` with ``work`` done in a thread while the dialog's clock ticks (see the
        module docstring); raises what ``work`` raised, or LoadCancelled if the user cancelled."""
        self.step(text)
        dialog = self.dialog
        if dialog is None:
            return work()
        outcome: list[Any] = []
        done = threading.Event()

        def in_thread() -> None:
            try:
                outcome.append(("ok", work()))
            except BaseException as error:  # handed to the window's thread, raised there
                outcome.append(("error", error))
            finally:
                done.set()

        loop = QEventLoop()
        timer = QTimer()
        timer.setInterval(50)

        def tick() -> None:
            if done.is_set() or dialog.wasCanceled():
                loop.quit()
                return
            dialog.setLabelText(self._label(text))

        timer.timeout.connect(tick)
        dialog.canceled.connect(loop.quit)
        # The window's thread takes the interpreter lock for every Python call it makes, and waits
        # a whole switch interval (5 ms) for the reader to hand it over each time: deleting the
        # last scenario's widgets (thousands of such calls) held the clock at "0.0 s" for
        # seconds. A short interval while the reader runs keeps the window's turns short.
        switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(READER_SWITCH_INTERVAL_S)
        threading.Thread(target=in_thread, name="scenario-reader", daemon=True).start()
        timer.start()
        try:
            loop.exec()
        finally:
            timer.stop()
            sys.setswitchinterval(switch_interval)
        if not done.is_set():  # cancelled: the thread's answer is dropped when it comes
            self.close()
            raise LoadCancelled(f"Opening {self.path.name} was cancelled")
        kind, value = outcome[0]
        if kind == "error":
            raise value
        return value

    def _label(self, text: str) -> str:
        return (
            f"Opening {self.path.name} ({self.size / 1e6:,.1f} MB)\n"
            f"step {self.done + 1} of {len(OPENING_STEPS)}: {text}... {time.perf_counter() - self.began:.1f} s"
        )

    def hide(self) -> None:
        """Out of the way of a question; the next :meth:`step` shows it again."""
        if self.dialog is not None:
            self.dialog.hide()

    def close(self) -> None:
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None


class LoadCancelled(Exception):
    """The user cancelled loading a file."""


def _child(path: str, conn: Connection) -> None:
    """Load ``path`` and send the scenario (or the problems) back through ``conn``."""
    try:
        conn.send(("phase", "Reading, parsing and checking the file"))
        scenario = load_scenario(Path(path))
        conn.send(("phase", "Handing the scenario to the window"))
        conn.send(("ok", scenario))
    except ScenarioError as error:
        conn.send(("problems", error.source, [(p.place, p.message, p.hint) for p in error.problems]))
    except BaseException as error:  # the parent must hear about every failure
        conn.send(("crash", f"{type(error).__name__}: {error}"))
    finally:
        conn.close()


def load_scenario_file(path: Path, parent: QWidget | None = None, progress: LoadProgress | None = None) -> Scenario:
    """The scenario in ``path``; big files load in a child process behind a progress dialog,
    medium ones behind ``progress`` (its first step).

    Raises ScenarioError for a bad file and :class:`LoadCancelled` if the user cancelled.
    """
    try:
        size = path.stat().st_size if path.is_file() else 0
    except OSError:
        size = 0
    if size < CHILD_ABOVE_BYTES:
        if progress is not None:
            return progress.run(OPENING_STEPS[0], lambda: load_scenario(path))
        return load_scenario(path)
    return _load_in_child(path, size, parent)


def _load_in_child(path: Path, size: int, parent: QWidget | None) -> Scenario:
    context = multiprocessing.get_context("spawn")  # never fork a process with Qt and threads
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(str(path), send), name="scenario-loader", daemon=True)
    dialog = QProgressDialog(f"Opening {path.name} ({size / 1e6:,.0f} MB)...", "Cancel", 0, 0, parent)
    dialog.setWindowTitle("Opening a large scenario")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(0)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    began = time.perf_counter()
    phase = "Starting a loader process"
    outcome: list[Any] = []
    loop = QEventLoop()

    def tick() -> None:
        nonlocal phase
        if dialog.wasCanceled():
            loop.quit()
            return
        try:
            while receive.poll():
                message = receive.recv()
                if message[0] == "phase":
                    phase = message[1]
                else:
                    outcome.append(message)
                    loop.quit()
                    return
        except EOFError:
            outcome.append(("crash", "the loader process ended without an answer"))
            loop.quit()
            return
        if not child.is_alive() and not receive.poll():
            outcome.append(("crash", f"the loader process ended (exit code {child.exitcode})"))
            loop.quit()
            return
        dialog.setLabelText(
            f"Opening {path.name} ({size / 1e6:,.0f} MB)\n{phase}... {time.perf_counter() - began:.0f} s"
        )

    timer = QTimer()
    timer.setInterval(100)
    timer.timeout.connect(tick)
    dialog.canceled.connect(loop.quit)
    child.start()
    send.close()
    timer.start()
    dialog.show()
    try:
        loop.exec()
    finally:
        timer.stop()
        dialog.close()
        if child.is_alive():
            child.terminate()
        child.join(2.0)
        receive.close()
    if not outcome:
        raise LoadCancelled(f"Opening {path.name} was cancelled")
    kind, *rest = outcome[0]
    if kind == "ok":
        return rest[0]
    if kind == "problems":
        raise ScenarioError(rest[0], [Problem(*p) for p in rest[1]])
    raise ScenarioError(str(path), [Problem("", rest[0], "try again, or run twin-app validate on the file")])
