"""The desktop app ends cleanly on SIGTERM (a logout, a shutdown, `kill`), asking nothing.

The trial: an idle window ignored SIGTERM for good (Python's handler runs only when Python code
does, and an idle window waits in Qt's event loop).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psutil
import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="POSIX signals")


def test_an_idle_app_closes_on_sigterm_and_ends_its_processes(tmp_path):
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        TWIN_APP_SETTINGS=str(tmp_path / "twin-app.ini"),
        TWIN_APP_DB=str(tmp_path / "results.sqlite"),
    )
    app = subprocess.Popen(
        [sys.executable, "-m", "twin_app.cli", "gui"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        parent = psutil.Process(app.pid)
        deadline = time.monotonic() + 90
        while len(parent.children()) < 3 and time.monotonic() < deadline:  # the run's and the analyses' processes
            assert app.poll() is None, app.communicate()
            time.sleep(0.2)
        children = parent.children(recursive=True)
        time.sleep(1.0)  # idle in the event loop
        os.kill(app.pid, signal.SIGTERM)
        app.communicate(timeout=20)
        assert app.returncode == 143  # as `twin-app run` ends on SIGTERM
        psutil.wait_procs(children, timeout=10)
        assert not [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
    finally:
        if app.poll() is None:
            app.kill()
            app.communicate()


def test_sigterm_during_a_run_closes_the_window_without_asking(qtbot, window, dialogs, samples_dir):

    from twin_app.gui.app import end_on_signals

    window.open_scenario(samples_dir / "cloud_factory_demo.json")
    window.show()
    window.session.set_speed(60.0, False)
    window.session.run()
    assert window.session.unfinished
    old_term, old_int = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    try:
        ended = end_on_signals(window)
        os.kill(os.getpid(), signal.SIGTERM)
        qtbot.waitUntil(lambda: bool(ended), timeout=5000)
        assert ended == [signal.SIGTERM]
        assert not window.isVisible() and dialogs == []  # closed, and no "Discard the run?"
        assert window.session.runner is None  # the run's process was ended with it
    finally:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGTERM, old_term)
        signal.signal(signal.SIGINT, old_int)


def test_a_sigterm_while_the_window_is_being_built_ends_the_app_once_it_is_up(qtbot, window):
    """The app catches the signals before it builds the window: a SIGTERM then (CI's loaded
    machine, the test above) ran the command line's handler inside Qt's calls and the app hung."""
    from twin_app.gui.app import catch_signals, end_on_signals

    old_term, old_int = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    try:
        caught = catch_signals()
        os.kill(os.getpid(), signal.SIGTERM)  # the window is not listening yet
        window.show()
        ended = end_on_signals(window, caught=caught)
        qtbot.waitUntil(lambda: bool(ended), timeout=5000)
        assert ended == [signal.SIGTERM] and not window.isVisible()
    finally:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGTERM, old_term)
        signal.signal(signal.SIGINT, old_int)
