"""Can Qt open a window here? Checked before Qt is started, because Qt cannot be asked.

Qt aborts the whole process (no exception to catch) when a system library of its X11
platform plugin is missing, which happens on minimal Linux installations. Loading the plugin
library first turns that into a message naming the library and the fix. PySide6 is located,
not imported, so the check costs nothing on machines where it passes.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import sys
from pathlib import Path

APT_PACKAGES = (
    "libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 "
    "libxcb-shm0 libxcb-sync1 libxcb-xfixes0 libxcb-xinerama0 libxcb-xkb1 libx11-xcb1 libxkbcommon0 "
    "libxkbcommon-x11-0 libegl1 libgl1 libfontconfig1 libdbus-1-3 libglib2.0-0"
)
"""Debian/Ubuntu packages of every system library Qt's X11 plugin loads (README, 'System packages')."""


def x11_problem() -> str | None:
    """Why Qt's X11 (xcb) platform plugin cannot start on this display, or None."""
    if sys.platform != "linux" or os.environ.get("QT_QPA_PLATFORM", "xcb") != "xcb" or not os.environ.get("DISPLAY"):
        return None
    spec = importlib.util.find_spec("PySide6")
    if spec is None or spec.origin is None:
        return "The desktop app needs PySide6, which is not installed: pip install -e . installs it."
    plugin = Path(spec.origin).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    if not plugin.exists():
        return None
    try:
        ctypes.CDLL(str(plugin))
    except OSError as error:
        return (
            f"Install Qt's X11 libraries to open the desktop app, e.g. on Debian/Ubuntu:\n"
            f"  sudo apt-get install {APT_PACKAGES}\n"
            f"(Qt cannot use this X11 display: {error}.)"
        )
    return None
