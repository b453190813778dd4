"""A tab whose view is built when it is first shown (or first used), not when the window is built.

The Compare and Sweep tabs are rarely opened, yet building them (tables, tab widgets, six
plots with their axes) was part of every window build and of every theme change and resize
re-layout. :class:`LazyView` stands in the tab bar for such a view: it answers the
:class:`~twin_app.gui.view.View` protocol itself (title, needs, and set_run/update/clear/restyle
passed on only once the view exists) and builds the real view the first time the tab is shown or
any other attribute of the view is asked for (``window.compare_view.pin_run(...)``), so callers
need not know the view is late.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyqtgraph as pg
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from twin_app.gui import theme
from twin_app.gui.view import RunContext, ViewUpdate


class LazyView(QWidget):
    """The tab of a view made by ``build`` on first show or first use (see the module docstring)."""

    def __init__(self, build: Callable[[], QWidget], title: str, needs: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.title = title
        self.needs = needs
        self._build = build
        self._view: QWidget | None = None
        self._run: RunContext | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    @property
    def built(self) -> bool:
        """Whether the real view exists yet."""
        return self._view is not None

    @property
    def view(self) -> Any:
        """The real view, built now if it was not yet."""
        if self._view is None:
            view = self._build()
            for plot in view.findChildren(pg.PlotWidget):  # the window's restyle ran before it existed
                plot.setBackground(theme.colors.panel)
            if self._run is not None:
                view.set_run(self._run)  # type: ignore[attr-defined]
            self.layout().addWidget(view)
            self._view = view
        return self._view

    def __getattr__(self, name: str) -> Any:
        """Anything else is the real view's (built on first use)."""
        if name.startswith("__") or name in ("_view", "_build", "_run"):
            raise AttributeError(name)
        return getattr(self.view, name)

    def setVisible(self, visible: bool) -> None:
        if visible:
            self.view  # noqa: B018 - made the current tab (in a window not shown yet too): build it now
        super().setVisible(visible)

    def showEvent(self, event: QShowEvent) -> None:
        self.view  # noqa: B018 - shown for the first time: build it now
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
