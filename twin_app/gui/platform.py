"""Can Qt open a window here? Checked before Qt is started, because Qt cannot be asked.

Qt aborts the whole process (no exception to catch) when a system library of its X11
platform plugin is missing, which happens on minimal Linux installations, and when no X
server answers at ``DISPLAY``. Loading the plugin library first, and connecting to the display
with libxcb (or, without it, to the X server's socket), turns both into a message naming the
cause and the fix. PySide6 is located, not imported, so the check costs nothing on machines
where it passes.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import socket
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
    return display_problem(os.environ["DISPLAY"])


def display_problem(display: str) -> str | None:
    """Why no X server answers at ``display`` (the value of DISPLAY), or None when one does."""
    if _display_answers(display):
        return None
    return (
        f"No X server answers at DISPLAY={display!r}: start one (or ssh -X), set DISPLAY to a running "
        "display, or work without a window: twin-app run FILE, twin-app capture FILE --until T -o OUT.png. "
        f"If other X programs do open here, install Qt's X11 libraries, e.g. on Debian/Ubuntu:\n"
        f"  sudo apt-get install {APT_PACKAGES}"
    )


def _display_answers(display: str) -> bool:
    """Connect to the X server as Qt will: with libxcb (authentication included) if it loads,
    else to its socket (unix /tmp/.X11-unix/X<n>, or TCP port 6000 + n on a host)."""
    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return _socket_answers(display)
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(display.encode(), None)
    try:
        return bool(connection) and xcb.xcb_connection_has_error(connection) == 0
    finally:
        if connection:
            xcb.xcb_disconnect(connection)


def _socket_answers(display: str) -> bool:
    host, _, rest = display.rpartition(":")
    number = rest.split(".")[0]
    if not number.isdigit():
        return False
    try:
        if host in ("", "unix"):
            with socket.socket(socket.AF_UNIX) as unix:
                unix.settimeout(2.0)
                unix.connect(f"/tmp/.X11-unix/X{number}")
        else:
            socket.create_connection((host, 6000 + int(number)), timeout=2.0).close()
    except OSError:
        return False
    return True
