"""The Gantt chart's painter: every bar of a GanttStore in one pass of ``drawRects`` per style.

See :class:`GanttItem`. The frame (which rectangles, in device pixels) comes from
:func:`twin_app.gui.gantt_frame.build_frame`; this module only turns style keys into brushes
and paints.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyqtgraph as pg
from pyqtgraph.Qt.internals import PrimitiveArray
from PySide6 import QtCore, QtGui

from twin_app.gui import theme
from twin_app.gui.gantt_frame import Frame, build_frame
from twin_app.gui.gantt_rows import RowGroup
from twin_app.gui.gantt_store import (
    EMPH_DIM,
    EMPH_HIGH,
    EMPTY_KEY,
    EMPTY_RETURN,
    MAX_SLOTS,
    N_FIXED_SLOTS,
    UNKNOWN_SLOT,
    GanttStore,
    split_key,
)
from twin_app.model.events import EventKind

_HATCH: dict[int, QtCore.Qt.BrushStyle] = {
    EventKind.SETUP: QtCore.Qt.BrushStyle.BDiagPattern,
    EventKind.DOWN: QtCore.Qt.BrushStyle.DiagCrossPattern,
    EventKind.OFF_SHIFT: QtCore.Qt.BrushStyle.BDiagPattern,
}
"""Kinds that get a hatch over their fill, so they read as such in every colour mode."""


@dataclass(frozen=True, slots=True)
class _Style:
    fill: QtGui.QBrush
    hatch: QtGui.QBrush | None
    pen: QtGui.QPen | None


class GanttItem(pg.GraphicsObject):
    """Paints all bars of a :class:`GanttStore` in device pixels, one ``drawRects`` per style.

    The painter's transform (data -> device) is read once per paint, then reset: the level of
    detail works in whole pixels, hatch patterns stay crisp, and the owner bands are drawn in
    the same pass (their names are on the row axis, never over the bars). The last frame is
    kept and reused while nothing changed (hover repaints, expose events). Rectangles reach
    ``QPainter.drawRects`` through pyqtgraph's ``PrimitiveArray`` (one per style group).
    """

    def __init__(self, store: GanttStore) -> None:
        super().__init__()
        self.store = store
        self.groups: list[RowGroup] = []
        self.owner_colors: list[str] = []
        self.family_colors: list[str] = []
        self.highlight: int | None = None
        self.last_paint_stats: dict[str, Any] = {}
        self.last_frame: Frame | None = None
        self._frame_key: tuple[Any, ...] | None = None
        self._styles: dict[int, _Style] = {}
        self._lut = np.zeros(1 << 14, dtype=np.uint32)
        self._lut_known = np.zeros(1 << 14, dtype=bool)
        self._bounds: QtCore.QRectF | None = None
        self._rect_arrays: list[PrimitiveArray] = []
        self.setFlag(self.GraphicsItemFlag.ItemUsesExtendedStyleOption)

    # ----- configuration -----
    def set_rows(self, groups: list[RowGroup], owner_colors: list[str], family_colors: list[str]) -> None:
        self.groups = groups
        self.owner_colors = owner_colors
        self.family_colors = family_colors
        self.restyle()

    def restyle(self) -> None:
        """Forget brushes (after a colour-mode or palette change) and repaint."""
        self._styles.clear()
        self._lut_known[:] = False
        self._frame_key = None
        self.update()

    def forget_frames(self) -> None:
        """Drop the last frame and the rectangle buffers (after a reset: they can be large)."""
        self.last_frame = None
        self._frame_key = None
        self._rect_arrays = []

    def set_highlight(self, order: int | None) -> None:
        self.highlight = order
        self._frame_key = None
        self.update()

    def data_changed(self) -> None:
        """New bars: grow the bounds if needed and schedule a repaint (no rebuild)."""
        self._bounds = None
        self.prepareGeometryChange()
        self.update()

    # ----- colours -----
    def slot_color(self, slot: int) -> str:
        """Colour of a colour slot in the current mode."""
        if slot < UNKNOWN_SLOT:
            return theme.KIND_COLORS[slot]
        if slot == UNKNOWN_SLOT:
            return theme.UNKNOWN_COLOR
        cat = slot - N_FIXED_SLOTS
        mode = self.store.mode
        if mode == "order":
            return theme.ORDER_COLORS[cat % len(theme.ORDER_COLORS)]
        if mode == "family":
            return self.family_colors[cat] if cat < len(self.family_colors) else theme.UNKNOWN_COLOR
        if mode == "owner":
            return self.owner_colors[cat] if cat < len(self.owner_colors) else theme.UNKNOWN_COLOR
        return theme.UNKNOWN_COLOR

    def style_color(self, key: int) -> str:
        """Fill colour of a style key (after dimming), e.g. for tests and legends."""
        slot, kind, emph = split_key(key)
        if kind == EMPTY_RETURN:  # the same in every mode, never dimmed (not an order's bar)
            return theme.EMPTY_RETURN_COLOR
        color = self.slot_color(slot)
        if kind == EventKind.OFF_SHIFT:
            color = theme.blend(color, amount=0.55)
        if emph == EMPH_DIM:
            color = theme.blend(color, amount=0.72)
        return color

    def color_lut(self, keys: np.ndarray) -> np.ndarray:
        """The ARGB32 colour table of the raster (opaque colours; ``EMPTY_KEY`` transparent).

        Filled once per style for every key the current mode can produce (a few hundred), so a
        frame never has to look at which keys are present.
        """
        if not self._lut_known[0]:
            n_cat = {"order": len(theme.ORDER_COLORS), "family": len(self.family_colors)}.get(
                self.store.mode, len(self.owner_colors) if self.store.mode == "owner" else 0
            )
            for emph in range(3):
                for slot in range(min(N_FIXED_SLOTS + n_cat, MAX_SLOTS)):
                    for kind in range(8):
                        key = ((emph * MAX_SLOTS) + slot) * 8 + kind
                        self._lut[key] = theme.qcolor(self.style_color(key)).rgba() | 0xFF000000
            self._lut[EMPTY_KEY] = 0
            self._lut_known[0] = True
        return self._lut

    def _style(self, key: int) -> _Style:
        style = self._styles.get(key)
        if style is not None:
            return style
        slot, kind, emph = split_key(key)
        fill = QtGui.QBrush(theme.qcolor(self.style_color(key)))
        hatch = None
        if kind in _HATCH:
            base = self.slot_color(slot)
            alpha = 90 if emph == EMPH_DIM else 170
            hatch_color = theme.darker(base, 170) if kind != EventKind.OFF_SHIFT else base
            hatch = QtGui.QBrush(theme.qcolor(hatch_color, alpha), _HATCH[kind])
        pen = None
        if emph == EMPH_HIGH:
            pen = QtGui.QPen(theme.qcolor(theme.colors.text))
            pen.setWidthF(1.5)
            pen.setCosmetic(True)
            pen.setJoinStyle(QtCore.Qt.PenJoinStyle.MiterJoin)
        style = _Style(fill, hatch, pen)
        self._styles[key] = style
        return style

    # ----- geometry -----
    def dataBounds(self, ax: int, frac: float = 1.0, orthoRange: Any = None) -> tuple[float, float] | None:
        if ax == 1:
            return (0.0, float(self.store.n_rows))
        if self.store.n == 0:
            return None
        return (self.store.t_min, self.store.t_max)

    def boundingRect(self) -> QtCore.QRectF:
        # Bands and labels span the whole view, so the item claims the view plus the data.
        if self._bounds is None:
            rect = QtCore.QRectF(0.0, 0.0, 1.0, float(max(self.store.n_rows, 1)))
            if self.store.n:
                rect = QtCore.QRectF(self.store.t_min, 0.0, self.store.t_max - self.store.t_min, rect.height())
            vr = self.viewRect()
            self._bounds = rect.united(vr) if vr is not None else rect
        return self._bounds

    def viewTransformChanged(self) -> None:
        self._bounds = None
        self.prepareGeometryChange()
        super().viewTransformChanged()

    def _view_window(self, p: QtGui.QPainter) -> tuple[float, float, float, float, float, float, float, float] | None:
        """(xa, xb, ya, yb, width_px, height_px, left_px, top_px) of the visible data window.

        The view box is y-inverted (row 0 at the top), so ``ya`` is the data y at ``top_px``.
        """
        vb = self.getViewBox()
        if vb is None:
            return None
        (xa, xb), (ya, yb) = vb.viewRange()
        t = p.transform()
        p0 = t.map(QtCore.QPointF(xa, ya))
        p1 = t.map(QtCore.QPointF(xb, yb))
        left, right = sorted((p0.x(), p1.x()))
        top, bottom = sorted((p0.y(), p1.y()))
        return xa, xb, ya, yb, right - left, bottom - top, left, top

    def compute_frame(self, win: tuple[float, ...]) -> Frame:
        """The frame for a view window (cached while data, view and highlight are unchanged)."""
        xa, xb, ya, yb, w, h, left, top = win
        key = (self.store.version, self.store.mode, self.highlight, *win)
        if key != self._frame_key or self.last_frame is None:
            self.last_frame = build_frame(
                self.store, xa, xb, w, ya, yb, h, self.highlight, (left, top), color_lut=self.color_lut
            )
            self._frame_key = key
        return self.last_frame

    # ----- painting -----
    def paint(self, p: QtGui.QPainter, opt: Any = None, widget: Any = None) -> None:
        t0 = time.perf_counter()
        win = self._view_window(p)
        if win is None:
            return
        _xa, _xb, ya, yb, w, h, left, top = win
        frame = self.compute_frame(win)
        t1 = time.perf_counter()
        p.save()
        p.resetTransform()
        p.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, False)
        sy = h / (yb - ya) if yb > ya else 1.0
        self._paint_bands(p, ya, sy, left, top, w, h)
        self._paint_rects(p, frame)
        p.restore()
        t2 = time.perf_counter()
        self.last_paint_stats = {
            **frame.stats,
            "groups": len(frame.group_keys),
            "frame_ms": (t1 - t0) * 1e3,
            "draw_ms": (t2 - t1) * 1e3,
        }

    def _paint_bands(
        self, p: QtGui.QPainter, ya: float, sy: float, left: float, top: float, w: float, h: float
    ) -> None:
        p.setPen(QtCore.Qt.PenStyle.NoPen)
        band = theme.qcolor(theme.colors.band)
        for i, g in enumerate(self.groups):
            y0 = top + (g.first - ya) * sy
            y1 = top + (g.end - ya) * sy
            if y1 < top or y0 > top + h:
                continue
            if i % 2 == 1:
                p.fillRect(QtCore.QRectF(left, y0, w, y1 - y0), band)
        line = QtGui.QPen(theme.qcolor(theme.colors.grid))
        line.setCosmetic(True)
        p.setPen(line)
        for g in self.groups[1:]:
            y = round(top + (g.first - ya) * sy)
            if top <= y <= top + h:
                p.drawLine(QtCore.QPointF(left, y), QtCore.QPointF(left + w, y))

    def _paint_rects(self, p: QtGui.QPainter, frame: Frame) -> None:
        """Off-shift backgrounds, then the raster of thin bars, then the other groups."""
        no_pen = QtCore.Qt.PenStyle.NoPen
        image_done = frame.image is None
        groups = zip(frame.group_keys, frame.group_starts, frame.group_counts, strict=True)
        for index, (key, start, count) in enumerate(groups):
            if not image_done and int(key) & 7 != EventKind.OFF_SHIFT:
                self._paint_image(p, frame)
                image_done = True
            style = self._style(int(key))
            rects = self._rects(index, frame.rects[int(start) : int(start) + int(count)])
            p.setPen(no_pen)
            p.setBrush(style.fill)
            p.drawRects(*rects.drawargs())
            if style.hatch is not None:
                p.setBrush(style.hatch)
                p.drawRects(*rects.drawargs())
            if style.pen is not None:
                p.setPen(style.pen)
                p.setBrush(QtCore.Qt.BrushStyle.NoBrush)
                p.drawRects(*rects.drawargs())
        if not image_done:
            self._paint_image(p, frame)

    def _rects(self, index: int, values: np.ndarray) -> PrimitiveArray:
        """The ``index``-th group's rectangles as QRectFs (arrays reused from paint to paint)."""
        while len(self._rect_arrays) <= index:
            self._rect_arrays.append(PrimitiveArray(QtCore.QRectF, 4))
        rects = self._rect_arrays[index]
        rects.resize(len(values))
        rects.ndarray()[:] = values
        return rects

    @staticmethod
    def _paint_image(p: QtGui.QPainter, frame: Frame) -> None:
        image = frame.image
        if image is None:
            return
        qimg = pg.functions.ndarray_to_qimage(image, QtGui.QImage.Format.Format_ARGB32_Premultiplied)
        ox, oy = frame.image_origin
        p.drawImage(QtCore.QPointF(ox, oy), qimg)

    # ----- inspection -----
    def visible_rect_counts(self) -> dict[tuple[int, int, int], int]:
        """Rectangles drawn by the last frame per style (colour slot, event kind, emphasis)."""
        if self.last_frame is None:
            return {}
        return {split_key(k): c for k, c in self.last_frame.counts().items()}
