"""Start the desktop app: one QApplication, the main window, the scenario to show.

Qt is imported here (and only in twin_app.gui), when the ``gui`` command runs; the CLI
imports this module lazily so headless commands never load Qt.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
from pathlib import Path

from PySide6.QtCore import QSocketNotifier
from PySide6.QtWidgets import QApplication

from twin_app.experiments.memory import freeze_long_lived, return_big_blocks
from twin_app.experiments.session import RunSession
from twin_app.gui.main_window import MainWindow, app_icon
from twin_app.gui.settings import APPLICATION, ORGANISATION, AppSettings
from twin_app.samples import DEFAULT_SAMPLE


def application() -> QApplication:
    """The process's QApplication (created on first use, with the app's names set)."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    # Qt's raster engine hands every fill of 96+ spans (and big image conversions) to its GUI
    # thread pool and waits for it: on 2 cores busy with the simulation the pool's threads wait
    # for a CPU while the window waits for them (perf: 5,300 such waits in 30 s of a flat-out
    # large run, the gaps' main cause). Painting on the GUI thread alone is faster here.
    os.environ.setdefault("QT_NO_GUI_THREADPOOL", "1")
    QApplication.setOrganizationName(ORGANISATION)
    QApplication.setApplicationName(APPLICATION)
    QApplication.setApplicationDisplayName("Cloud Factory Twin")
    app = QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    return app


def create_window(path: Path | None = None, settings: AppSettings | None = None, *, show: bool = False) -> MainWindow:
    """A main window showing ``path`` (or the demo network when None); the next run's process
    is kept started ahead, so Run answers at once. With ``show`` the window is on screen before
    the file is read, so a big file's progress dialog sits over it instead of over nothing."""
    return_big_blocks()
    window = MainWindow(settings, session=RunSession(prestart=True))
    window.setWindowIcon(app_icon())
    freeze_long_lived()  # the window lives to the end: later collections (Reset's) skip it
    if show:
        window.show()
        QApplication.processEvents()  # painted before the file is read
    target = path if path is not None else DEFAULT_SAMPLE
    if target.exists() or path is not None:
        window.open_scenario(target)
    return window


def run_app(path: Path | None = None) -> int:
    """Open the desktop app on ``path`` (default: the demo) and return its exit code (143 when
    ended by SIGTERM, 130 by Ctrl+C in its terminal, as the CLI's other commands)."""
    app = application()
    # Caught before the window is built: a SIGTERM while it was being built ran the command
    # line's handler inside Qt's calls (a KeyboardInterrupt Qt swallowed), and the app hung.
    caught = catch_signals()
    window = create_window(path, show=True)
    window.raise_()  # in front, with the scenario read
    ended = end_on_signals(window, caught=caught)
    code = int(app.exec())
    return {signal.SIGTERM: 143, signal.SIGINT: 130}.get(ended[0], code) if ended else code


SIGNALS = (signal.SIGTERM, signal.SIGINT)
"""What ends the app without a question: the system's SIGTERM and the terminal's Ctrl+C."""


def catch_signals(signals: tuple[int, ...] = SIGNALS) -> tuple[socket.socket, socket.socket]:
    """From now on ``signals`` only write their number to a socket (read by
    :func:`end_on_signals`): a signal that comes before the window is up waits there."""
    reader, writer = socket.socketpair()
    writer.setblocking(False)
    reader.setblocking(False)
    signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    for signum in signals:
        signal.signal(signum, lambda *_: None)  # the byte on the socket does the work
    return reader, writer


def end_on_signals(
    window: MainWindow,
    signals: tuple[int, ...] = SIGNALS,
    caught: tuple[socket.socket, socket.socket] | None = None,
) -> list[int]:
    """Close ``window`` and end the app, asking nothing, when the process gets one of ``signals``
    (or got one since :func:`catch_signals` gave ``caught``); the list returned receives the
    signal that did. (A Python signal handler runs only when Python code does: an idle window,
    waiting in Qt's event loop, ignored SIGTERM for good. The handler's wake-up byte, written to
    a socket Qt watches, wakes the loop.)"""
    ended: list[int] = []
    reader, writer = caught if caught is not None else catch_signals(signals)
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, window)

    def woken() -> None:
        try:
            got = reader.recv(64)
        except BlockingIOError:
            return
        hit = [signum for signum in got if signum in signals]
        if not hit or ended:
            return
        ended.append(hit[0])
        window.ending = True  # no question: the system (or the user's terminal) is ending the app
        window.close()
        QApplication.quit()

    notifier.activated.connect(woken)
    window._signal_wakeup = (reader, writer, notifier)  # kept alive with the window
    return ended
