"""Ctrl+C and ``kill``: stop a run cleanly instead of dying in the middle of it.

While a run is inside :func:`stop_on_signals`, SIGINT and SIGTERM ask the simulation to stop
(it finishes the current instant, closes its open intervals and reports 'stopped'), so the
partial results are measured and stored as a 'stopped' run. A second signal is not polite
any more: it raises KeyboardInterrupt at once. Handlers can only be installed in the main
thread; elsewhere (the desktop app's worker thread) the context does nothing and the GUI's
own Stop is the way out.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

SIGNALS = (signal.SIGINT, signal.SIGTERM)
_seen: list[int] = []
"""Stop signals this process has received inside :func:`stop_on_signals` (a worker process
that stopped one replication starts no other)."""
EXIT_CODES = {signal.SIGINT: 130, signal.SIGTERM: 143}
"""The shell's exit code for a process stopped by each signal (128 + its number)."""


@contextmanager
def stop_on_signals(stop: Callable[[int], None]) -> Iterator[list[int]]:
    """Call ``stop(signal number)`` on the first SIGINT/SIGTERM inside the block; yields the
    list of signals received."""
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        received.append(signum)
        _seen.append(signum)
        if len(received) > 1:
            raise KeyboardInterrupt
        stop(signum)

    previous = {number: signal.signal(number, handler) for number in SIGNALS}
    try:
        yield received
    finally:
        for number, old in previous.items():
            signal.signal(number, old)


def stop_seen() -> bool:
    """Whether this process was asked to stop (so it should not start more work)."""
    return bool(_seen)


def exit_code(received: list[int]) -> int:
    """The exit code a run stopped by these signals ends with (0 when none came)."""
    return EXIT_CODES.get(signal.Signals(received[0]), 130) if received else 0
