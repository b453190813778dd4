"""A tab whose view is made in idle turns once the window is up, or at once when first used.

The Compare and Sweep tabs are rarely opened, yet building them (tables, tab widgets, seven
charts with their axes) was part of every window build and of every theme change and resize
re-layout; built on first show instead, they held that show 80-190 ms. :class:`LazyView` stands
in the tab bar for such a view: it answers the :class:`~twin_app.gui.view.View` protocol itself
(title, needs, and set_run/update/clear/restyle passed on only once the view exists) and makes
the view from a generator that yields between its parts (a chart, the tables, ...).
:meth:`LazyView.build_in_idle_turns` runs one part per idle turn of the event loop (a chart:
~10 ms), so no turn holds the window long; the first show of the tab, or any other attribute of
the view asked for (``window.compare_view.pin_run(...)``), makes the parts not made yet at once,
so callers need not know the view is late. The view joins the window (its tab) only when first
shown, so until then the window's layout and theme changes pass it by as before it existed.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from twin_app.gui import theme
from twin_app.gui.view import RunContext, ViewUpdate

Build = Callable[[], Generator[None, None, QWidget]]
"""Makes a view: yields between its parts and returns the view once every part is made."""


def finish(steps: Iterator[None]) -> None:
    """Run the steps not run yet, all at once."""
    for _ in steps:
        pass


class LazyView(QWidget):
    """The tab of a view made by ``build`` in idle turns or on first use (see the module docstring)."""

    def __init__(self, build: Build, title: str, needs: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.title = title
        self.needs = needs
        self._build = build
        self._steps: Generator[None, None, QWidget] | None = None
        self._theme: tuple[object, float] | None = None
        """The theme the first part was made in (plots are styled as they are made)."""
        self._view: QWidget | None = None
        self._run: RunContext | None = None
        self._idle = False
        """Whether the parts are being made in idle turns (:meth:`build_in_idle_turns`)."""
        self._then: Callable[[], None] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._step)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    @property
    def built(self) -> bool:
        """Whether the real view exists yet (every part of it made)."""
        return self._view is not None

    @property
    def view(self) -> Any:
        """The real view, its parts not made yet made now."""
        while self._view is None:
            self._step()
        return self._view

    def build_in_idle_turns(self, then: Callable[[], None] | None = None) -> None:
        """Make the view one part per idle turn of the event loop, then call ``then`` (at once
        if the view is made already)."""
        if self._view is not None:
            if then is not None:
                then()
            return
        self._idle, self._then = True, then
        self._timer.start()

    def _step(self) -> None:
        """Make the next part of the view."""
        if self._view is not None:
            return
        if self._steps is None:
            self._steps = self._build()
            self._theme = (theme.colors, theme.scale)
        try:
            next(self._steps)
        except StopIteration as done:
            self._made(done.value)
            return
        if self._idle:  # the next part in the next turn
            self._timer.start()

    def _made(self, view: QWidget) -> None:
        if self._run is not None:
            view.set_run(self._run)  # type: ignore[attr-defined]
        self._view = view
        self._steps = None
        self._timer.stop()
        then, self._idle, self._then = self._then, False, None
        if then is not None:
            then()

    def _show(self) -> None:
        """Put the view in the tab (made now if it is not yet), in the window's theme.

        Until the tab is first shown the view has no parent, so the window is as it was before
        the view existed: its minimum size (the tabs' grows from 669x266 to 692x504 px with
        Compare and Sweep in them, which would resize a window made smaller), its re-layouts
        and its theme changes leave the view out; its charts are restyled here if the theme
        changed since they were made."""
        view = self.view
        if view.parentWidget() is self:
            return
        if self._theme != (theme.colors, theme.scale):
            theme.restyle_plots(view)
        else:
            for plot in view.findChildren(pg.PlotWidget):  # the window's restyle ran before it existed
                plot.setBackground(theme.colors.panel)
        self.layout().addWidget(view)

    def __getattr__(self, name: str) -> Any:
        """Anything else is the real view's (made on first use)."""
        if name.startswith("__") or name in ("_view", "_build", "_run", "_steps"):
            raise AttributeError(name)
        return getattr(self.view, name)

    def setVisible(self, visible: bool) -> None:
        if visible:
            self._show()  # made the current tab (in a window not shown yet too)
        super().setVisible(visible)

    def showEvent(self, event: QShowEvent) -> None:
        self._show()
        super().showEvent(event)

    def set_run(self, run: RunContext) -> None:
        self._run = run
        if self._view is not None:
            self._view.set_run(run)  # type: ignore[attr-defined]

    def update(self, data: ViewUpdate) -> None:  # type: ignore[override] - the View protocol's update
        if self._view is not None:
            self._view.update(data)

    def clear(self) -> None:
        if self._view is not None:
            self._view.clear()  # type: ignore[attr-defined]

    def restyle(self) -> None:
        if self._view is not None:
            self._view.restyle()  # type: ignore[attr-defined]
