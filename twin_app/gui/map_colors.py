"""The network map's colours: the heat scale, the owners' colours and the pens and brushes.

Sites are filled by owner or by a heat colour of their utilisation or queue (pale blue to red,
in 5 % steps), ringed by their owner's colour. :class:`MapPalette` gives each of these as the
same object for the same colour: pyqtgraph's symbol atlas keys on the pen's and brush's
identity, so a redraw of a thousand sites draws a handful of symbols, not a thousand.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QBrush, QColor, QPen

from twin_app.gui import theme

HEAT_COLORS = ((214, 230, 245), (246, 195, 67), (214, 69, 69))
HEAT_MAP = pg.ColorMap(np.array((0.0, 0.5, 1.0)), np.array([(*c, 255) for c in HEAT_COLORS], dtype=np.ubyte))
HEAT_STEPS = 20
"""Low (pale blue) to high (red): utilisation 0..100 %, queue 0..max, in 5 % steps."""

QUEUE_COLOR = (230, 159, 0)
"""The halo of the parts waiting at a site (and its key in the legend)."""


class MapPalette:
    """The map's colours of the active theme, each colour one shared pen or brush object."""

    def __init__(self) -> None:
        self.owner_colors: list[str] = []
        """Colour of each owner of the shown scenario (:func:`twin_app.gui.theme.owner_colors`)."""
        self._heat_cache: dict[int, QColor] = {}
        self._pen_cache: dict[tuple[str, float], QPen] = {}
        self._brush_cache: dict[int, QBrush] = {}

    def restyle(self) -> None:
        """Forget the colours, pens and brushes (a theme change makes new ones: a site with no
        value yet is in the theme's grid colour, and kept the dark one after a switch to the light
        theme, T9)."""
        self._heat_cache.clear()
        self._pen_cache.clear()
        self._brush_cache.clear()

    def owner_color(self, owner: int) -> str:
        return self.owner_colors[owner] if 0 <= owner < len(self.owner_colors) else theme.UNKNOWN_COLOR

    def fills(self, owners: np.ndarray, values: np.ndarray, mode: str) -> list[QColor]:
        """Fill colour of each site: its owner's in mode ``"owner"``, else the heat colour of its value."""
        if mode == "owner":
            return [QColor(self.owner_color(int(o))) for o in owners]
        return self.heat_colors(values, mode)

    def rings(self, owners: np.ndarray, mode: str) -> list[QPen]:
        """Ring of each site: the owner's colour, but plain in mode ``"owner"`` (the fill says it)."""
        if mode == "owner":
            return [self.pen(theme.colors.panel, 1.5)] * len(owners)
        return [self.pen(self.owner_color(int(o)), 3) for o in owners]

    def heat_colors(self, values: np.ndarray, mode: str) -> list[QColor]:
        """Heat colour of each value: utilisation (0..1) or queue (0..the largest, at least 1)."""
        top = (
            1.0 if mode == "utilisation" else max(1.0, float(np.nanmax(values)) if np.any(np.isfinite(values)) else 1.0)
        )
        return [
            self.heat(-1) if not np.isfinite(v) else self.heat(round(min(max(v / top, 0.0), 1.0) * HEAT_STEPS))
            for v in values
        ]

    def heat(self, step: int) -> QColor:
        """The colour of heat step ``step`` (0..:data:`HEAT_STEPS`); -1: no value."""
        color = self._heat_cache.get(step)
        if color is None:
            color = QColor(theme.colors.grid) if step < 0 else HEAT_MAP.map(step / HEAT_STEPS, mode="qcolor")
            self._heat_cache[step] = color
        return color

    def brush(self, color: QColor) -> QBrush:
        """The same brush object for the same colour: pyqtgraph's symbol atlas keys on identity."""
        brush = self._brush_cache.get(color.rgba())
        if brush is None:
            brush = self._brush_cache[color.rgba()] = QBrush(color)
        return brush

    def pen(self, color: str, width: float) -> QPen:
        pen = self._pen_cache.get((color, width))
        if pen is None:
            pen = self._pen_cache[(color, width)] = pg.mkPen(color, width=width)
        return pen
