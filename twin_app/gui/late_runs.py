"""Hidden views take a newly opened scenario, or forget a reset run, in the event loop's idle
turns, not all at once.

Opening the large network (File > Open) gave all eight views their new :class:`RunContext` in one
turn: the map, the Gantt's 2,932 rows, the Bottlenecks slots, the utilisation and KPI plots,
200-300 ms in which the window did not answer. Reset cleared them all in one turn too (100-300
ms: the Bottlenecks bars ~100 ms, the map's labels ~80 ms, each chart ~35 ms). :class:`LateRuns`
does such a change to the shown view at once and to each hidden view in an idle turn of its own
(a 0 ms single-shot timer, one view a turn), as the window restyles its hidden views after a
theme change; the discarded run's memory goes back to the system in a turn after the last
(:meth:`LateRuns.release_later`: a collector's pass and a trim, ~60 ms). Before a view is
shown, before a run starts and before anything reads or feeds every view, the window calls
:meth:`flush` so no view ever shows or takes data of the scenario or the run before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer

from twin_app.experiments.memory import release_memory
from twin_app.gui.view import RunContext


class LateRuns(QObject):
    """What hidden views still have to do for the shown scenario or run (see the module docstring)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.run: RunContext | None = None
        self.pending: list[tuple[Any, Callable[[LateRuns, Any], None]]] = []
        """(view, what it still has to do), oldest first."""
        self._trim = False
        """Memory was freed by the actions done late: give it back once they are all done."""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._next)
        self._trim_timer = QTimer(self)
        self._trim_timer.setSingleShot(True)
        self._trim_timer.setInterval(0)
        self._trim_timer.timeout.connect(self._trim_now)

    def give(self, run: RunContext, views: list[Any], shown: Any | None = None) -> None:
        """``run`` to ``shown`` now and to the other ``views`` in idle turns (all now if no
        view is shown). A scenario before that some views had still to take is dropped."""
        self.run = run
        self.pending = [(view, action) for view, action in self.pending if action is not _take_run]
        self._later(views, shown, _take_run)

    def give_now(self, run: RunContext, views: list[Any]) -> None:
        """``run`` to every view in this turn."""
        self.give(run, views, None)

    def clear(self, views: list[Any], shown: Any | None = None) -> None:
        """Clear ``shown`` now and the other ``views`` in idle turns (after what they still had
        to do)."""
        self._later(views, shown, _clear)

    def release_later(self) -> None:
        """Give freed memory back to the system (a discarded run's: the session's and, once
        they have let go of it, the views') in an idle turn after the views' pending work."""
        self._trim = True
        if not self.pending:
            self._release()

    @property
    def done(self) -> bool:
        """Nothing is left to do, the memory given back included."""
        return not self.pending and not self._trim

    @property
    def waiting(self) -> list[Any]:
        """The views with something still to do, each once."""
        return list(dict.fromkeys(view for view, _ in self.pending))

    def flush(self, view: Any | None = None) -> None:
        """Do now what ``view`` still has to do (what every view has, if None)."""
        if view is None:
            waiting, self.pending = self.pending, []
        else:
            waiting = [(v, action) for v, action in self.pending if v is view]
            self.pending = [(v, action) for v, action in self.pending if v is not view]
        for each, action in waiting:
            action(self, each)
        if not self.pending:
            self._release()

    def _later(self, views: list[Any], shown: Any | None, action: Callable[[LateRuns, Any], None]) -> None:
        if shown is None:
            self.flush()
            for view in views:
                action(self, view)
            return
        self.flush(shown)
        action(self, shown)
        self.pending += [(view, action) for view in views if view is not shown]
        if self.pending:
            self._timer.start()

    def _next(self) -> None:
        if self.pending:
            view, action = self.pending.pop(0)
            action(self, view)
        if self.pending:
            self._timer.start()
        else:
            self._release()

    def _release(self) -> None:
        if self._trim:
            self._trim_timer.start()  # (a turn of its own: a collector's pass and a trim, ~60 ms)

    def _trim_now(self) -> None:
        if self._trim and not self.pending:
            self._trim = False
            release_memory()  # the run's memory: the session's and the views' (see RunSession.discard)


def _take_run(late: LateRuns, view: Any) -> None:
    view.set_run(late.run)


def _clear(_late: LateRuns, view: Any) -> None:
    view.clear()
