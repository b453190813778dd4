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
    "libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0 libxkbcommon-x11-0"
)


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
            f"The desktop app cannot use this X11 display: {error}.\n"
            f"Install Qt's X11 libraries, e.g. on Debian/Ubuntu: sudo apt-get install {APT_PACKAGES}"
        )
    return None
