"""The main window's decision tabs (Compare, Sweep) and their wiring, so the window needs a few lines.

:func:`decision_views` makes both views reading the window's scenario as edited and its
results database; :func:`connect_decisions` connects the signals other parts of the window
emit: the history's "Pin to compare" (``history_run_pinned(run_id)``) pins that run in the
compare view, and the editor's "Sweep this field..." (``sweep_field_requested(path,
value)``) adds the field as a factor of the sweep; each shows its tab.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from twin_app.gui.compare_view import CompareView
from twin_app.gui.lazy_view import LazyView
from twin_app.gui.sweep_view import SweepView


def decision_views(window: Any) -> tuple[Any, Any]:
    """The Compare and Sweep tabs of ``window`` (its ``scenario``, ``path``, ``modified``,
    ``settings.results_db``): each a :class:`LazyView` that builds its view when first shown or
    used (rarely opened, they were a good part of the window's build)."""

    def current() -> tuple[Any, Path | None, bool]:
        return window.scenario, window.path, bool(window.modified)

    def database() -> Path | None:
        chosen = getattr(window.settings, "results_db", None)
        return Path(chosen) if chosen else None

    def build(kind: type[CompareView | SweepView]) -> Callable[[], QWidget]:
        def make() -> QWidget:
            view = kind(current)
            view.database_source = database
            return view

        return make

    return LazyView(build(CompareView), CompareView.title), LazyView(build(SweepView), SweepView.title)


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
