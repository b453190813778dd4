"""Work done a step per turn of the event loop, the newest work replacing steps not done yet.

A view with several charts redrew all of them in one turn when new figures came: on the large
network the KPI tab's cards, histogram, WIP curve, trust band and owners' table, painted
together, held the window 130-220 ms on a busy machine. Drawn a part per turn, each turn paints
only what that part changed, and the window answers the user between them. Newer figures
replace the steps of older ones not done yet, so a view never draws stale figures after new ones.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QTimer


class InTurns(QObject):
    """Runs steps one per idle turn (see the module docstring)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._steps: list[Callable[[], None]] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._next)

    @property
    def pending(self) -> int:
        """Steps not done yet."""
        return len(self._steps)

    def run(self, steps: Sequence[Callable[[], None]], *, in_turns: bool) -> None:
        """Do ``steps`` instead of any not done yet: the first now and the others one per turn
        (``in_turns``), or all now."""
        self._steps = list(steps)
        if not in_turns:
            self.finish()
            return
        self._next()

    def finish(self) -> None:
        """Do every step not done yet, now."""
        self._timer.stop()
        steps, self._steps = self._steps, []
        for step in steps:
            step()

    def cancel(self) -> None:
        """Drop the steps not done yet."""
        self._timer.stop()
        self._steps = []

    def _next(self) -> None:
        if self._steps:
            self._steps.pop(0)()
        if self._steps:
            self._timer.start()
