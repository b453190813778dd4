"""Hidden views take a newly opened scenario in the event loop's idle turns, not all at once.

Opening the large network (File > Open) gave all eight views their new :class:`RunContext` in one
turn: the map, the Gantt's 2,932 rows, the Bottlenecks slots, the utilisation and KPI plots,
200-300 ms in which the window did not answer. :class:`LateRuns` gives it to the shown view at
once and to each hidden view in an idle turn of its own (a 0 ms single-shot timer, one view a
turn), as the window restyles its hidden views after a theme change. Before a view is shown,
before a run starts and before anything reads or feeds every view, the window calls
:meth:`flush` so no view ever shows or takes data of the scenario before.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer

from twin_app.gui.view import RunContext


class LateRuns(QObject):
    """Views still waiting for the shown scenario's run context (see the module docstring)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.run: RunContext | None = None
        self.pending: list[Any] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._next)

    def give(self, run: RunContext, views: list[Any], shown: Any | None = None) -> None:
        """``run`` to ``shown`` now and to the other ``views`` in idle turns (all now if no
        view is shown)."""
        self.run = run
        self.pending = []
        if shown is None:
            for view in views:
                view.set_run(run)
            return
        shown.set_run(run)
        self.pending = [view for view in views if view is not shown]
        if self.pending:
            self._timer.start()

    def give_now(self, run: RunContext, views: list[Any]) -> None:
        """``run`` to every view in this turn."""
        self.give(run, views, None)

    def flush(self, view: Any | None = None) -> None:
        """Give the run to ``view`` now if it still waits for it (every waiting view if None)."""
        if not self.pending or self.run is None:
            return
        if view is None:
            waiting, self.pending = self.pending, []
            for each in waiting:
                each.set_run(self.run)
        elif view in self.pending:
            self.pending.remove(view)
            view.set_run(self.run)

    def _next(self) -> None:
        if self.pending and self.run is not None:
            self.pending.pop(0).set_run(self.run)
        if self.pending:
            self._timer.start()
