"""The Gantt chart's axes and view box: row names on the left, simulated time below, and the
mouse: wheel zooms time, Ctrl+wheel zooms rows, Shift+wheel scrolls rows, drag pans.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import pyqtgraph as pg
from PySide6 import QtCore, QtGui

from twin_app.gui import theme
from twin_app.gui.gantt_rows import RowGroup

GROUP_PX = 22
"""Width of the row axis' owner-band margin (pixels at font scale 1)."""


def band_label(label: str, fm: QtGui.QFontMetricsF, room: float) -> str:
    """``label`` if it fits in ``room`` pixels, else as many of its first words as fit ('Nord
    Laser & Cut' in a band of four rows reads 'Nord Laser', no longer 'Nord La…'), keeping a
    closing number ('Nord Fertigung 12' reads 'Nord 12'); a first word too long alone is
    elided. The whole name is the band's tool tip."""
    if fm.horizontalAdvance(label) <= room:
        return label
    words = label.split()
    if len(words) > 2 and words[-1].isdigit():  # 'Nord Fertigung 12' -> 'Nord 12': the number tells owners apart
        for n in range(len(words) - 2, 0, -1):
            head = " ".join([*words[:n], words[-1]])
            if fm.horizontalAdvance(head) <= room:
                return head
    for n in range(len(words) - 1, 0, -1):
        head = " ".join(words[:n]).rstrip("&·-,:")
        if head and fm.horizontalAdvance(head) <= room:
            return head.strip()
    return fm.elidedText(label, QtCore.Qt.TextElideMode.ElideRight, room)


class RowAxis(pg.AxisItem):
    """Left axis naming the rows; labels thin out (every 2nd, 5th...) when rows get too small.

    Its left margin carries the owner bands: a stripe of the owner's colour and, where the band
    is tall enough, the owner's name written upwards, so no label ever covers a bar.
    """

    def __init__(self) -> None:
        super().__init__("left")
        theme.quiet_axis(self)
        self.names: list[str] = []
        self._widest: tuple[tuple[str, list[str]], int] | None = None
        """The widest name in pixels, with the font and names it was measured for."""
        self.groups: list[RowGroup] = []
        self.owner_colors: list[str] = []
        self.setStyle(tickLength=0, autoExpandTextSpace=False, hideOverlappingLabels=False)
        self.setAcceptHoverEvents(True)
        self._bands: list[tuple[float, float, str]] = []
        """(top, bottom, whole name) of each owner band as last painted (for the tool tip)."""
        self.restyle()

    def restyle(self) -> None:
        """Colours and font of the active theme."""
        self.setTextPen(pg.mkPen(theme.colors.text))
        self.setPen(pg.mkPen(theme.colors.grid))
        self.setTickFont(theme.ui_font(9))
        if self.names:
            self.set_names(self.names)

    def set_names(self, names: Sequence[str]) -> None:
        self.names = list(names)
        font = self.style["tickFont"] or self.font()
        key = (font.key(), self.names)
        if self._widest is None or self._widest[0] != key:  # measured once per font and names:
            fm = QtGui.QFontMetrics(font)  # 2,932 rows took 0.2 s of Reset on the large network
            self._widest = (key, max((fm.horizontalAdvance(n) for n in self.names), default=30))
        widest = self._widest[1]
        self.setWidth(min(max(widest + 14, 60), 240 * theme.scale) + GROUP_PX * theme.scale)
        self.picture = None
        self.update()

    def set_groups(self, groups: Sequence[RowGroup], owner_colors: Sequence[str]) -> None:
        """The owner bands to draw in the margin (with their owners' colours)."""
        self.groups = list(groups)
        self.owner_colors = list(owner_colors)
        self.update()

    def paint(self, p: QtGui.QPainter, opt: Any = None, widget: Any = None) -> None:
        super().paint(p, opt, widget)
        view = self.linkedView()
        if view is None or not self.groups:
            return
        rect = self.boundingRect()
        width = GROUP_PX * theme.scale
        font = theme.ui_font(8, bold=True)
        p.setFont(font)
        fm = QtGui.QFontMetricsF(font)
        # Rows map to the axis' y linearly: two mapped points give the line for every band.
        zero = self.mapFromScene(view.mapViewToScene(QtCore.QPointF(0.0, 0.0))).y()
        per_row = self.mapFromScene(view.mapViewToScene(QtCore.QPointF(0.0, 1.0))).y() - zero
        self._bands = []
        for group in self.groups:
            y0 = zero + per_row * group.first
            y1 = zero + per_row * group.end
            top, bottom = max(min(y0, y1), rect.top()), min(max(y0, y1), rect.bottom())
            if bottom <= top:
                continue
            owner = group.owner
            color = self.owner_colors[owner] if 0 <= owner < len(self.owner_colors) else theme.UNKNOWN_COLOR
            p.fillRect(QtCore.QRectF(rect.left() + 1, top + 1, 5.0, bottom - top - 2), theme.qcolor(color))
            self._bands.append((top, bottom, group.label))
            text = band_label(group.label, fm, bottom - top - 6)
            if bottom - top < fm.height() * 2.5 or not text or text == "…":
                continue
            p.save()
            p.setPen(theme.qcolor(theme.colors.muted if group.vehicles else theme.colors.text))
            p.translate(rect.left() + 8, bottom - 3)
            p.rotate(-90)
            p.drawText(QtCore.QRectF(0.0, 0.0, bottom - top - 6, width - 8), QtCore.Qt.AlignmentFlag.AlignLeft, text)
            p.restore()

    def band_at(self, y: float) -> str | None:
        """The whole owner name of the band at ``y`` (the axis' coordinates), if any."""
        return next((label for top, bottom, label in self._bands if top <= y <= bottom), None)

    def hoverEvent(self, ev: Any) -> None:
        """Over the owner-band margin: the band's whole name as the tool tip."""
        if ev.isExit():
            self.setToolTip("")
            return
        pos = ev.pos()
        inside = pos.x() - self.boundingRect().left() <= GROUP_PX * theme.scale
        self.setToolTip((self.band_at(pos.y()) or "") if inside else "")

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, list[float]]]:
        n = len(self.names)
        minVal, maxVal = sorted((minVal, maxVal))
        if n == 0 or size <= 0 or maxVal <= minVal:
            return []
        px_per_row = size / (maxVal - minVal)
        stride = next((s for s in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000) if s * px_per_row >= 13), 2000)
        first = max(math.floor(minVal), 0)
        last = min(math.ceil(maxVal), n)
        first += (-first) % stride
        return [(float(stride), [r + 0.5 for r in range(first, last, stride)])]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        out = []
        for v in values:
            r = math.floor(v)
            out.append(self.names[r] if 0 <= r < len(self.names) else "")
        return out


class GanttTimeAxis(theme.TimeAxisItem):
    """Bottom axis: with a time unit of minutes, ticks read like the clock ('1d 06:00');
    in any other unit, plain numbers."""

    def __init__(self) -> None:
        super().__init__("bottom")
        self.clock = True
        self.restyle()

    def restyle(self) -> None:
        """Colours and font of the active theme."""
        self.setPen(pg.mkPen(theme.colors.grid))
        self.setTextPen(pg.mkPen(theme.colors.text))
        self.setTickFont(theme.ui_font(9))

    def set_clock(self, on: bool) -> None:
        self.clock = bool(on)
        self.picture = None
        self.update()

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, float]]:
        if not self.clock:
            return pg.AxisItem.tickSpacing(self, minVal, maxVal, size)
        return super().tickSpacing(minVal, maxVal, size)

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        if not self.clock:
            return pg.AxisItem.tickStrings(self, values, scale, spacing)
        out = []
        for v in values:
            if v < -1e-9:
                out.append("")
            elif spacing >= 1:
                out.append(theme.format_clock(v + 1e-6))
            else:
                seconds = round(v * 60.0) % 60
                out.append(f"{theme.format_clock(v + 1e-6)}:{seconds:02d}")
        return out


class GanttViewBox(pg.ViewBox):
    """Wheel zooms time, Ctrl+wheel zooms rows, Shift+wheel scrolls rows; drag pans.

    Tells when the user moves the time window by hand (a drag that pans time, a zoom).
    """

    sigUserPanned = QtCore.Signal()
    sigUserZoomed = QtCore.Signal()
    sigRowsZoomed = QtCore.Signal()

    def wheelEvent(self, ev: Any, axis: int | None = None) -> None:
        mods = ev.modifiers()
        if mods & QtCore.Qt.KeyboardModifier.ShiftModifier:
            try:
                delta = ev.delta()
            except AttributeError:
                delta = ev.angleDelta().y()
            (_xa, _xb), (ya, yb) = self.viewRange()
            step = -3.0 * delta / 120.0
            self.setYRange(ya + step, yb + step, padding=0)
            ev.accept()
            return
        ctrl = bool(mods & QtCore.Qt.KeyboardModifier.ControlModifier)
        super().wheelEvent(ev, axis=1 if ctrl else 0)
        (self.sigRowsZoomed if ctrl else self.sigUserZoomed).emit()

    def mouseDragEvent(self, ev: Any, axis: int | None = None) -> None:
        before = self.viewRange()[0]
        super().mouseDragEvent(ev, axis=axis)
        if ev.button() == QtCore.Qt.MouseButton.LeftButton and self.viewRange()[0] != before:
            self.sigUserPanned.emit()
