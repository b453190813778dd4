"""DISPLAY set but no X server there (a stale ssh -X session, a display number that is gone):
the desktop app says so with the fix and exits non-zero; Qt never gets to abort the process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def unused_display() -> str:
    """A display number nothing listens on here."""
    number = next(n for n in range(99, 200) if not Path(f"/tmp/.X11-unix/X{n}").exists())
    return f":{number}"


@pytest.mark.parametrize(("arguments", "code"), [(["gui"], 2), ([], 1)])
def test_an_unreachable_display_is_a_message_not_an_abort(arguments: list[str], code: int) -> None:
    display = unused_display()
    environment = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    environment["DISPLAY"] = display
    finished = subprocess.run(
        [sys.executable, "-m", "twin_app.cli", *arguments], env=environment, capture_output=True, text=True, timeout=120
    )
    assert finished.returncode == code, finished.stderr  # not -6 (SIGABRT from Qt)
    assert f"No X server answers at DISPLAY='{display}'" in finished.stderr
    assert "sudo apt-get install libxcb-cursor0" in finished.stderr  # the X11 packages advice
    assert "twin-app run" in finished.stderr and "Traceback" not in finished.stderr
    assert finished.stdout == ""
