"""The main window's decision tabs (Compare, Sweep) and their wiring, so the window needs a few lines.

:func:`decision_views` makes both views reading the window's scenario as edited and its
results database; :func:`connect_decisions` connects the signals other parts of the window
emit: the history's "Pin to compare" (``history_run_pinned(run_id)``) pins that run in the
compare view, and the editor's "Sweep this field..." (``sweep_field_requested(path,
value)``) adds the field as a factor of the sweep; each shows its tab.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

from twin_app.gui.compare_view import CompareView
from twin_app.gui.lazy_view import Build, LazyView
from twin_app.gui.sweep_view import SweepView

START_AFTER_MS = 1000
"""How long after the window is shown the decision views start being made in idle turns: after
its first paint and the first second of opening a file given with it, whose turns the views'
~100 ms of parts (~10 ms a turn) would otherwise share."""


def decision_views(window: Any) -> tuple[Any, Any]:
    """The Compare and Sweep tabs of ``window`` (its ``scenario``, ``path``, ``modified``,
    ``settings.results_db``): each a :class:`LazyView` whose view is made part by part in idle
    turns once the window is shown, or at once when first shown or used (rarely opened, they
    were a good part of the window's build; made on first show, they held it 80-190 ms)."""

    def current() -> tuple[Any, Path | None, bool]:
        return window.scenario, window.path, bool(window.modified)

    def database() -> Path | None:
        chosen = getattr(window.settings, "results_db", None)
        return Path(chosen) if chosen else None

    def build(kind: type[CompareView | SweepView]) -> Build:
        def make() -> Generator[None, None, QWidget]:
            view = kind(current, in_steps=True)
            view.database_source = database
            yield from view.parts
            return view

        return make

    compare, sweep = LazyView(build(CompareView), CompareView.title), LazyView(build(SweepView), SweepView.title)
    _BuildWhenShown(window, lambda: compare.build_in_idle_turns(then=sweep.build_in_idle_turns))
    return compare, sweep


class _BuildWhenShown(QObject):
    """Calls ``start`` :data:`START_AFTER_MS` after ``window`` is first shown: the decision views
    are made in the idle turns after the window's first paint, not before it."""

    def __init__(self, window: QWidget, start: Callable[[], None]) -> None:
        super().__init__(window)
        self._start = start
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show:
            watched.removeEventFilter(self)
            QTimer.singleShot(START_AFTER_MS, self, self._start)  # not after the window is gone
        return False


def connect_decisions(window: Any) -> None:
    """Connect every child of ``window`` that emits ``history_run_pinned`` or
    ``sweep_field_requested`` to the decision tabs (call once the window is built)."""
    compare, sweep = window.compare_view, window.sweep_view

    def pin(run_id: str) -> None:
        compare.pin_run(run_id)
        window.tabs.setCurrentWidget(compare)

    def add_factor(path: str, value: object) -> None:
        sweep.add_factor(path, value)
        window.tabs.setCurrentWidget(sweep)

    for child in window.findChildren(QObject):
        if hasattr(type(child), "history_run_pinned"):
            child.history_run_pinned.connect(pin)
        if hasattr(type(child), "sweep_field_requested"):
            child.sweep_field_requested.connect(add_factor)
