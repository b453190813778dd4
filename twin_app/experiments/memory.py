"""Giving a discarded run's memory back to the operating system (the app and its child processes).

A large run's arrays are hundreds of MB that come and go with each run; glibc keeps freed heap
pages for reuse unless told otherwise, so a process would keep the size of the largest run it
ever held. :func:`return_big_blocks` (once, at the start of a process) and
:func:`release_memory` (after a run is discarded) make Reset give the memory back.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import sys


def release_memory(*, collect: bool = True) -> None:
    """Give freed memory back to the operating system after a run is discarded.

    A run's arrays are freed when it is reset, but glibc keeps freed heap pages for reuse
    (its mmap threshold grows to 32 MB as big arrays come and go), so the process would keep
    a large run's size for good; ``malloc_trim`` returns them. Elsewhere it does nothing.
    ``collect=False`` skips the collector's pass first: for memory freed by reference counts
    alone (numpy arrays dropped by the views), when a pass has just run (the window's Reset
    after the session's: the second pass found nothing and cost 170 ms of the GUI thread on
    the large network).
    """
    if collect:
        gc.collect()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):  # not glibc (musl...): nothing to trim
            ctypes.CDLL("libc.so.6").malloc_trim(0)


def freeze_long_lived() -> None:
    """Leave what is alive now (the modules, the window, its views) out of the collector's passes
    for the rest of the process.

    Called once the desktop's window is built: those objects live to the end anyway, yet every
    full collection walked them: Reset's pass on the large network walked 155,000 objects (170 ms
    of the GUI thread) to find 6 unreachable, and the collector's automatic full passes during
    a run walk them too, on the GUI thread. After this a pass walks only what came later (the
    scenario, the run). Garbage already unreachable is collected first.
    """
    gc.collect()
    gc.freeze()


MMAP_THRESHOLD = 256 * 1024
"""Blocks this large or larger are served by mmap in the app (see :func:`return_big_blocks`)."""


def return_big_blocks() -> None:
    """Have freed big blocks go back to the operating system at once, for the rest of the process.

    The app's process takes in a live run's batches and the views' arrays, which come and go;
    glibc raises its threshold for serving a block by mmap as such blocks are freed (up to
    32 MB), after which they come from the heap, where a few live chunks pin freed pages that
    ``malloc_trim`` cannot return (after Reset the large network kept ~8% more). A fixed
    threshold keeps them in mmap. The desktop app calls this once; elsewhere it does nothing.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to set
            ctypes.CDLL("libc.so.6").mallopt(-3, MMAP_THRESHOLD)  # -3: M_MMAP_THRESHOLD
