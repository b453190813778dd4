"""Analyses of a live run computed on a thread of their own, newest request first.

The views of a running simulation want fresh figures a few times a second, but one analysis
of a large run's event log takes seconds. :class:`AnalysisWorker` computes them off the
caller's thread: :meth:`~AnalysisWorker.submit` hands it an
:class:`~twin_app.analysis.snapshot.Analysis` (or a function that makes one: taking the
snapshot of a large run is work too) and the parts wanted; a request that is still
waiting when a newer one arrives is dropped (only the newest data is worth computing), and
finished work is collected with :meth:`~AnalysisWorker.collect`. Most of the work is numpy
sorting and arithmetic, which releases the GIL, so the caller's thread stays responsive.

An exception while computing is handed back as a :class:`Finished` with an ``error``, never
swallowed.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from twin_app.analysis.snapshot import Analysis


@dataclass(frozen=True, slots=True)
class Finished:
    """One request done: ``analysis`` has ``parts`` computed (unless ``error`` is set)."""

    ticket: int
    analysis: Analysis
    parts: tuple[str, ...]
    seconds: float
    error: tuple[str, str] | None = None
    """(message, traceback) if computing failed."""


class AnalysisWorker:
    """A daemon thread computing the newest submitted analysis request (see the module docstring)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._pending: tuple[int, Analysis | Callable[[], Analysis], tuple[str, ...]] | None = None
        self._done: list[Finished] = []
        self._busy = False
        self._closed = False
        self._tickets = 0
        self._thread = threading.Thread(target=self._main, name="analysis", daemon=True)
        self._thread.start()

    def submit(self, source: Analysis | Callable[[], Analysis], parts: tuple[str, ...]) -> int:
        """Ask for ``parts`` of ``source`` (an Analysis, or a function called on the worker to
        make one); replaces a request not started yet. Returns its ticket."""
        with self._cond:
            self._tickets += 1
            self._pending = (self._tickets, source, tuple(parts))
            self._cond.notify_all()
            return self._tickets

    def collect(self) -> list[Finished]:
        """The requests finished since the last call, oldest first."""
        with self._cond:
            done, self._done = self._done, []
            return done

    @property
    def busy(self) -> bool:
        """A request is waiting or being computed."""
        with self._cond:
            return self._busy or self._pending is not None

    def cancel(self) -> None:
        """Forget the waiting request and anything finished but not collected (after a reset)."""
        with self._cond:
            self._pending = None
            self._done = []

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until nothing is waiting or running (scripts and tests); True if so."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while self._busy or self._pending is not None:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._cond.wait(left)
            return True

    def close(self) -> None:
        """Stop the thread once its current request is done."""
        with self._cond:
            self._closed = True
            self._pending = None
            self._cond.notify_all()

    def _main(self) -> None:
        while True:
            with self._cond:
                while self._pending is None and not self._closed:
                    self._cond.wait()
                if self._closed:
                    return
                assert self._pending is not None
                ticket, source, parts = self._pending
                self._pending = None
                self._busy = True
            began = time.perf_counter()
            error = None
            analysis = source if isinstance(source, Analysis) else None
            try:
                if analysis is None:
                    analysis = source()  # type: ignore[operator]
                analysis.compute(*parts)
            except Exception as exc:  # every failure must reach the user, never silence
                error = (f"{type(exc).__name__}: {exc}", traceback.format_exc())
            finished = Finished(ticket, analysis, parts, time.perf_counter() - began, error)  # type: ignore[arg-type]
            with self._cond:
                self._busy = False
                self._done.append(finished)
                self._cond.notify_all()
            # Hold nothing between requests: a snapshot of a large run is hundreds of MB.
            del source, analysis, finished
