"""The live Gantt chart: machines grouped by owner and site, then lane vehicles, filling as the
simulation runs.

Built for a million bars: the data stays in numpy columns (:mod:`twin_app.gui.gantt_store`),
one :class:`GanttItem` paints everything with one ``QPainter.drawRects`` call per colour group
(never one Qt item or one brush per bar), draws only what intersects the view and rasterises
bars thinner than a pixel. :class:`GanttView` is the widget the main window embeds: a small
toolbar (colour mode, follow now, zoom to fit, show vehicles, legend) over a pyqtgraph plot
with a vertical scroll bar: rows keep a readable minimum height and the view shows a window of
them (Shift+wheel or the scroll bar scrolls, Ctrl+wheel zooms rows, the wheel zooms time).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyqtgraph as pg
from pyqtgraph.Qt import compat
from PySide6 import QtCore, QtGui, QtWidgets

from twin_app.gui import palette, theme
from twin_app.gui.gantt_store import (
    COLOR_MODES,
    EMPH_DIM,
    EMPH_HIGH,
    EMPTY_KEY,
    EMPTY_RETURN,
    MAX_SLOTS,
    N_FIXED_SLOTS,
    UNKNOWN_SLOT,
    Frame,
    GanttStore,
    build_frame,
    split_key,
)
from twin_app.model.events import EventKind
from twin_app.model.layout import Layout

MODE_LABELS: dict[str, str] = {"order": "Order", "family": "Product family", "owner": "Owner", "state": "State"}

_RECT_BYTES = 32  # a QRectF is four doubles

MIN_ROW_PX = 17.0
"""Rows never start smaller than this (labels stay readable); more rows scroll."""

FOLLOW_MARGIN = 0.04
"""While following, the clock sits this fraction of the view width left of the right edge."""

DAY_IN_UNIT: dict[str, float] = {"min": 1440.0, "s": 86400.0, "h": 24.0, "d": 1.0}
"""One simulated day in the scenario's time unit: the default width of the following window."""

EMPTY_RETURN_COLOR = "#BCC3CD"
"""Empty return trips: light slate grey, thin, in every colour mode."""

_HATCH: dict[int, QtCore.Qt.BrushStyle] = {
    EventKind.SETUP: QtCore.Qt.BrushStyle.BDiagPattern,
    EventKind.DOWN: QtCore.Qt.BrushStyle.DiagCrossPattern,
    EventKind.OFF_SHIFT: QtCore.Qt.BrushStyle.BDiagPattern,
}
"""Kinds that get a hatch over their fill, so they read as such in every colour mode."""


@dataclass(frozen=True, slots=True)
class RowGroup:
    """Consecutive display rows of one owner (machines) or of the lane vehicles."""

    first: int
    end: int
    owner: int
    label: str
    vehicles: bool


@dataclass(frozen=True, slots=True)
class _Style:
    fill: QtGui.QBrush
    hatch: QtGui.QBrush | None
    pen: QtGui.QPen | None


def row_order(layout: Layout) -> list[int]:
    """Resource indices in display order: machine units by owner, site, machine, unit; then
    vehicles in layout order (grouped by their lane's owner as far as consecutive)."""
    units = [(i, r) for i, r in enumerate(layout.resources) if r.kind == "machine"]

    def big(v: int) -> int:  # unknown (-1) owners and sites go last
        return v if v >= 0 else 1 << 30

    units.sort(key=lambda ir: (big(ir[1].owner), big(ir[1].site), ir[1].machine, ir[1].unit, ir[0]))
    vehicles = [i for i, r in enumerate(layout.resources) if r.kind != "machine"]
    return [i for i, _ in units] + vehicles


@dataclass(frozen=True, slots=True)
class RowPlan:
    """The display rows of a layout: which row each resource is on, and what each row is."""

    row_of_resource: np.ndarray
    rows: list[int]
    """A representative resource per row (the row's resource, or a lane's first vehicle)."""
    names: list[str]
    row_owner: np.ndarray
    groups: list[RowGroup]


def _lane_name(layout: Layout, scenario: Any, lane: int, vehicle: int) -> str:
    lanes = getattr(scenario, "lanes", None) or ()
    if 0 <= lane < len(lanes) and getattr(lanes[lane], "id", None):
        return str(lanes[lane].id)
    name = layout.resources[vehicle].id
    base, sep, tail = name.rpartition("/")
    return base if sep and tail.isdigit() else name


def row_plan(layout: Layout, show_vehicles: bool = True, scenario: Any = None) -> RowPlan:
    """Rows of :func:`row_order`; with ``show_vehicles`` off, one row per lane for all its vehicles."""
    order = row_order(layout)
    row_of_resource = np.full(len(layout.resources), -1, dtype=np.int32)
    if show_vehicles:
        rows = order
        names = [layout.resources[r].id for r in rows]
        row_of_resource[np.array(rows, dtype=np.int64)] = np.arange(len(rows), dtype=np.int32)
    else:
        rows, names = [], []
        lane_row: dict[int, int] = {}
        count: dict[int, int] = {}
        for r in order:
            res = layout.resources[r]
            if res.kind == "machine" or res.lane < 0:
                row_of_resource[r] = len(rows)
                rows.append(r)
                names.append(res.id)
                continue
            if res.lane not in lane_row:
                lane_row[res.lane] = len(rows)
                rows.append(r)
                names.append(_lane_name(layout, scenario, res.lane, r))
            row_of_resource[r] = lane_row[res.lane]
            count[res.lane] = count.get(res.lane, 0) + 1
        for lane, row in lane_row.items():
            if count[lane] > 1:
                names[row] = f"{names[row]} ×{count[lane]}"
    row_owner = np.array([layout.resources[r].owner for r in rows], dtype=np.int32)
    return RowPlan(row_of_resource, list(rows), names, row_owner, row_groups(layout, rows))


def row_groups(layout: Layout, order: Sequence[int]) -> list[RowGroup]:
    """Owner bands over the display rows (a new band where the owner or machine/vehicle kind changes)."""
    groups: list[RowGroup] = []
    start = 0
    for pos in range(1, len(order) + 1):
        prev = layout.resources[order[pos - 1]]
        if pos < len(order):
            cur = layout.resources[order[pos]]
            if cur.owner == prev.owner and cur.kind == prev.kind:
                continue
        name = layout.owners[prev.owner] if 0 <= prev.owner < len(layout.owners) else "(no owner)"
        vehicles = prev.kind != "machine"
        groups.append(RowGroup(start, pos, prev.owner, f"{name} · lanes" if vehicles else name, vehicles))
        start = pos
    return groups


class RowAxis(pg.AxisItem):
    """Left axis naming the rows; labels thin out (every 2nd, 5th...) when rows get too small."""

    def __init__(self) -> None:
        super().__init__("left")
        self.names: list[str] = []
        self.setStyle(tickLength=0, autoExpandTextSpace=False, hideOverlappingLabels=False)
        self.setTextPen(pg.mkPen(palette.TEXT))
        self.setPen(pg.mkPen(palette.GRID))

    def set_names(self, names: Sequence[str]) -> None:
        self.names = list(names)
        fm = QtGui.QFontMetrics(self.font() if self.style.get("tickFont") is None else self.style["tickFont"])
        widest = max((fm.horizontalAdvance(n) for n in self.names), default=30)
        self.setWidth(min(max(widest + 14, 60), 220))
        self.picture = None
        self.update()

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
        self.setPen(pg.mkPen(palette.GRID))
        self.setTextPen(pg.mkPen(palette.TEXT))

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


class GanttItem(pg.GraphicsObject):
    """Paints all bars of a :class:`GanttStore` in device pixels, one ``drawRects`` per style.

    The painter's transform (data -> device) is read once per paint, then reset: the level of
    detail works in whole pixels, hatch patterns stay crisp, and the owner bands and labels are
    drawn in the same pass. The last frame is kept and reused while nothing changed (hover
    repaints, expose events).
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
            return palette.KIND_COLORS[slot]
        if slot == UNKNOWN_SLOT:
            return palette.UNKNOWN_COLOR
        cat = slot - N_FIXED_SLOTS
        mode = self.store.mode
        if mode == "order":
            return palette.ORDER_COLORS[cat % len(palette.ORDER_COLORS)]
        if mode == "family":
            return self.family_colors[cat] if cat < len(self.family_colors) else palette.UNKNOWN_COLOR
        if mode == "owner":
            return self.owner_colors[cat] if cat < len(self.owner_colors) else palette.UNKNOWN_COLOR
        return palette.UNKNOWN_COLOR

    def style_color(self, key: int) -> str:
        """Fill colour of a style key (after dimming), e.g. for tests and legends."""
        slot, kind, emph = split_key(key)
        if kind == EMPTY_RETURN:  # the same in every mode, never dimmed (not an order's bar)
            return EMPTY_RETURN_COLOR
        color = self.slot_color(slot)
        if kind == EventKind.OFF_SHIFT:
            color = palette.blend(color, amount=0.55)
        if emph == EMPH_DIM:
            color = palette.blend(color, amount=0.72)
        return color

    def color_lut(self, keys: np.ndarray) -> np.ndarray:
        """The ARGB32 colour table of the raster (opaque colours; ``EMPTY_KEY`` transparent).

        Filled once per style for every key the current mode can produce (a few hundred), so a
        frame never has to look at which keys are present.
        """
        if not self._lut_known[0]:
            n_cat = {"order": len(palette.ORDER_COLORS), "family": len(self.family_colors)}.get(
                self.store.mode, len(self.owner_colors) if self.store.mode == "owner" else 0
            )
            for emph in range(3):
                for slot in range(min(N_FIXED_SLOTS + n_cat, MAX_SLOTS)):
                    for kind in range(8):
                        key = ((emph * MAX_SLOTS) + slot) * 8 + kind
                        self._lut[key] = palette.qcolor(self.style_color(key)).rgba() | 0xFF000000
            self._lut[EMPTY_KEY] = 0
            self._lut_known[0] = True
        return self._lut

    def _style(self, key: int) -> _Style:
        style = self._styles.get(key)
        if style is not None:
            return style
        slot, kind, emph = split_key(key)
        fill = QtGui.QBrush(palette.qcolor(self.style_color(key)))
        hatch = None
        if kind in _HATCH:
            base = self.slot_color(slot)
            alpha = 90 if emph == EMPH_DIM else 170
            hatch_color = palette.darker(base, 170) if kind != EventKind.OFF_SHIFT else base
            hatch = QtGui.QBrush(palette.qcolor(hatch_color, alpha), _HATCH[kind])
        pen = None
        if emph == EMPH_HIGH:
            pen = QtGui.QPen(palette.qcolor("#111827"))
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
        self._paint_labels(p, ya, sy, left, top, h)
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
        band = palette.qcolor(palette.BAND_ALT)
        for i, g in enumerate(self.groups):
            y0 = top + (g.first - ya) * sy
            y1 = top + (g.end - ya) * sy
            if y1 < top or y0 > top + h:
                continue
            if i % 2 == 1:
                p.fillRect(QtCore.QRectF(left, y0, w, y1 - y0), band)
        line = QtGui.QPen(palette.qcolor(palette.GRID))
        line.setCosmetic(True)
        p.setPen(line)
        for g in self.groups[1:]:
            y = round(top + (g.first - ya) * sy)
            if top <= y <= top + h:
                p.drawLine(QtCore.QPointF(left, y), QtCore.QPointF(left + w, y))

    def _paint_rects(self, p: QtGui.QPainter, frame: Frame) -> None:
        """Off-shift backgrounds, then the raster of thin bars, then the other groups."""
        rects = np.ascontiguousarray(frame.rects)
        base = rects.ctypes.data
        no_pen = QtCore.Qt.PenStyle.NoPen
        image_done = frame.image is None
        for key, start, count in zip(frame.group_keys, frame.group_starts, frame.group_counts, strict=True):
            if not image_done and int(key) & 7 != EventKind.OFF_SHIFT:
                self._paint_image(p, frame)
                image_done = True
            style = self._style(int(key))
            ptr = compat.wrapinstance(base + int(start) * _RECT_BYTES, QtCore.QRectF)
            p.setPen(no_pen)
            p.setBrush(style.fill)
            p.drawRects(ptr, int(count))
            if style.hatch is not None:
                p.setBrush(style.hatch)
                p.drawRects(ptr, int(count))
            if style.pen is not None:
                p.setPen(style.pen)
                p.setBrush(QtCore.Qt.BrushStyle.NoBrush)
                p.drawRects(ptr, int(count))

        if not image_done:
            self._paint_image(p, frame)

    @staticmethod
    def _paint_image(p: QtGui.QPainter, frame: Frame) -> None:
        image = frame.image
        if image is None:
            return
        qimg = pg.functions.ndarray_to_qimage(image, QtGui.QImage.Format.Format_ARGB32_Premultiplied)
        ox, oy = frame.image_origin
        p.drawImage(QtCore.QPointF(ox, oy), qimg)

    def _paint_labels(self, p: QtGui.QPainter, ya: float, sy: float, left: float, top: float, h: float) -> None:
        """Owner stripe at the left edge and, at the top of its band (sticky), a white chip with
        a swatch of the owner's colour and the owner's name in dark text (light owner colours
        such as pale blue or orange would not read as text on white)."""
        font = QtGui.QFont(p.font())
        font.setBold(True)
        font.setPointSizeF(max(font.pointSizeF(), 8.0))
        p.setFont(font)
        fm = QtGui.QFontMetricsF(font)
        border = QtGui.QPen(palette.qcolor(palette.GRID))
        border.setCosmetic(True)
        swatch_edge = QtGui.QPen(palette.qcolor("#000000", 70))
        swatch_edge.setCosmetic(True)
        for g in self.groups:
            y0 = top + (g.first - ya) * sy
            y1 = top + (g.end - ya) * sy
            if y1 < top or y0 > top + h:
                continue
            vis0, vis1 = max(y0, top), min(y1, top + h)
            color = self.owner_colors[g.owner] if 0 <= g.owner < len(self.owner_colors) else palette.UNKNOWN_COLOR
            p.setPen(QtCore.Qt.PenStyle.NoPen)
            p.fillRect(QtCore.QRectF(left, vis0, 4.0, vis1 - vis0), palette.qcolor(color))
            chip_h = fm.height() + 2
            if vis1 - vis0 < chip_h + 1:
                continue
            sw = round(fm.height() * 0.62)
            text_w = fm.horizontalAdvance(g.label)
            box = QtCore.QRectF(left + 8, vis0 + 1, text_w + sw + 16, chip_h)
            p.setPen(border)
            p.setBrush(palette.qcolor("#FFFFFF", 235))
            p.drawRoundedRect(box, 3, 3)
            p.setPen(swatch_edge)
            p.setBrush(palette.qcolor(color))
            p.drawRect(QtCore.QRectF(box.left() + 5, box.center().y() - sw / 2, sw, sw))
            p.setPen(palette.qcolor(self.label_text_color(g)))
            text_box = QtCore.QRectF(box.left() + sw + 10, box.top(), text_w + 2, box.height())
            p.drawText(text_box, QtCore.Qt.AlignmentFlag.AlignVCenter | QtCore.Qt.AlignmentFlag.AlignLeft, g.label)
        p.setBrush(QtCore.Qt.BrushStyle.NoBrush)

    @staticmethod
    def label_text_color(group: RowGroup) -> str:
        """Text colour of an owner band's label: always dark (the owner colour is the swatch)."""
        return palette.TEXT_MUTED if group.vehicles else palette.TEXT

    # ----- inspection -----
    def visible_rect_counts(self) -> dict[tuple[int, int, int], int]:
        """Rectangles drawn by the last frame per style (colour slot, event kind, emphasis)."""
        if self.last_frame is None:
            return {}
        return {split_key(k): c for k, c in self.last_frame.counts().items()}


class GanttView(QtWidgets.QWidget):
    """The live Gantt chart widget: rows are resources, bars are event intervals.

    API for the main window: :meth:`set_run`, :meth:`append`, :meth:`set_now`,
    :meth:`set_order_products`, :meth:`set_color_mode`, :meth:`highlight_order`, the signal
    :attr:`order_clicked`, :meth:`zoom_to_fit` and :meth:`set_show_vehicles`.

    Time window: following the clock (the default) keeps ``now`` near the right edge of a window
    one simulated day wide (or the horizon if shorter); a zoom changes that width and following
    keeps it. "Zoom to fit" shows the whole run and every row (and, while following, keeps
    showing all of it as the run grows, until the user zooms or pans). Rows: a window of rows at
    least ``MIN_ROW_PX`` tall, scrolled with the scroll bar or Shift+wheel.
    """

    order_clicked = QtCore.Signal(int)
    """The user clicked a bar of this order (the view highlights it too)."""

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = GanttStore()
        self.item = GanttItem(self.store)
        self.scenario: Any = None
        self.layout_: Layout | None = None
        self.rows: list[int] = []
        self.row_names: list[str] = []
        self.now = 0.0
        self.time_unit = "min"
        self._product_family = np.zeros(0, dtype=np.int32)
        self._default_width = 1440.0
        self._follow = True
        self._fit_all = False
        """While following: keep the whole run in view (after "Zoom to fit") instead of a window."""
        self._rows_auto = True
        """Rows at the readable default height (re-applied on resize) until the user zooms rows."""
        self._show_vehicles = True
        self._syncing_scroll = False
        self._build_ui()

    # ----- construction -----
    def _build_ui(self) -> None:
        bar = QtWidgets.QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 2)
        bar.setSpacing(8)
        self.mode_combo = QtWidgets.QComboBox()
        for mode in COLOR_MODES:
            self.mode_combo.addItem(MODE_LABELS[mode], mode)
        self.mode_combo.setToolTip("Colour the bars by order, product family, owner or machine state")
        self.mode_combo.currentIndexChanged.connect(lambda _i: self.set_color_mode(self.mode_combo.currentData()))
        self.follow_check = QtWidgets.QCheckBox("Follow now")
        self.follow_check.setChecked(True)
        self.follow_check.setToolTip("Keep the simulated clock at the right edge while the run goes on")
        self.follow_check.toggled.connect(self.set_follow_now)
        self.fit_button = QtWidgets.QPushButton("Zoom to fit")
        self.fit_button.setToolTip("Show the whole run and all rows")
        self.fit_button.clicked.connect(self.zoom_to_fit)
        self.vehicles_check = QtWidgets.QCheckBox("Show vehicles")
        self.vehicles_check.setChecked(True)
        self.vehicles_check.setToolTip("One row per vehicle; unchecked, one row per lane (all its vehicles)")
        self.vehicles_check.toggled.connect(self.set_show_vehicles)
        self.legend = QtWidgets.QLabel()
        self.legend.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self.info = QtWidgets.QLabel()
        self.info.setStyleSheet(f"color: {palette.TEXT_MUTED};")
        self.info.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        # Long legends and hover texts are clipped rather than widening the window.
        self.legend.setMinimumWidth(60)
        self.info.setMinimumWidth(60)
        bar.addWidget(QtWidgets.QLabel("Colour by"))
        bar.addWidget(self.mode_combo)
        bar.addWidget(self.follow_check)
        bar.addWidget(self.fit_button)
        bar.addWidget(self.vehicles_check)
        bar.addSpacing(12)
        bar.addWidget(self.legend, 1)
        bar.addWidget(self.info)

        self.viewbox = GanttViewBox(enableMenu=False)
        self.viewbox.invertY(True)
        self.viewbox.setBackgroundColor(palette.BACKGROUND)
        self.row_axis = RowAxis()
        self.time_axis = GanttTimeAxis()
        self.plot = pg.PlotWidget(viewBox=self.viewbox, axisItems={"left": self.row_axis, "bottom": self.time_axis})
        self.plot.setBackground(palette.BACKGROUND)
        self.plot.setMenuEnabled(False)
        pi = self.plot.getPlotItem()
        pi.hideButtons()
        pi.layout.setContentsMargins(0, 4, 12, 0)
        self.viewbox.disableAutoRange()
        self.plot.addItem(self.item)
        self.now_line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(palette.NOW_LINE, width=1.5))
        self.now_line.setZValue(10)
        self.plot.addItem(self.now_line)
        self.viewbox.sigUserPanned.connect(self._on_user_panned)
        self.viewbox.sigUserZoomed.connect(self._on_user_zoomed)
        self.viewbox.sigRowsZoomed.connect(self._on_rows_zoomed)
        self.viewbox.sigYRangeChanged.connect(lambda *_: self._sync_scrollbar())
        self.viewbox.sigResized.connect(lambda *_: self._on_resized())
        self.row_scroll = QtWidgets.QScrollBar(QtCore.Qt.Orientation.Vertical)
        self.row_scroll.setToolTip("Scroll the rows (Shift+wheel); Ctrl+wheel zooms rows")
        self.row_scroll.valueChanged.connect(self._on_scroll)
        self.row_scroll.hide()

        self._hover_proxy = pg.SignalProxy(self.plot.scene().sigMouseMoved, rateLimit=30, slot=self._on_mouse_moved)
        self.plot.scene().sigMouseClicked.connect(self._on_mouse_clicked)

        box = QtWidgets.QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addLayout(bar)
        body = QtWidgets.QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        body.addWidget(self.plot, 1)
        body.addWidget(self.row_scroll)
        box.addLayout(body, 1)
        self._update_legend()

    # ----- API -----
    def set_run(self, scenario: Any, layout: Layout) -> None:
        """Reset for a new run of ``scenario`` with its ``layout`` (rows, owners, families)."""
        self.scenario = scenario
        self.layout_ = layout
        plan = row_plan(layout, self._show_vehicles, scenario)
        mode = self.store.mode
        self.store.reset(plan.row_of_resource, plan.row_owner)
        self.store.set_mode(mode)
        owners = list(getattr(scenario, "owners", ()) or layout.owners)
        if len(owners) != len(layout.owners):
            owners = list(layout.owners)
        family_index = {f: i for i, f in enumerate(layout.families)}
        products = getattr(scenario, "products", ()) or ()
        self._product_family = np.array([family_index.get(p.family, -1) for p in products], dtype=np.int32)
        self._owner_colors = palette.owner_colors(owners)
        self._apply_plan(plan)
        self.item.set_highlight(None)
        run = getattr(scenario, "run", None)
        self.time_unit = getattr(run, "time_unit", "min") or "min"
        horizon = getattr(run, "horizon", None)
        day = DAY_IN_UNIT.get(self.time_unit, 1440.0)
        self._default_width = min(day, float(horizon)) if horizon else day
        clock = self.time_unit == "min"
        self.time_axis.set_clock(clock)
        label = "simulated time (days hh:mm)" if clock else f"time [{self.time_unit}]"
        self.time_axis.setLabel(label, color=palette.TEXT_MUTED)
        self.now = 0.0
        self.now_line.setValue(0.0)
        self._fit_all = False
        self._rows_auto = True
        self.viewbox.setRange(xRange=(0.0, self._default_width), yRange=self._default_rows(0.0), padding=0)
        self.item.data_changed()
        self._update_legend()
        self.info.setText("")

    def _apply_plan(self, plan: RowPlan) -> None:
        self.rows = plan.rows
        self.row_names = plan.names
        self.row_axis.set_names(self.row_names)
        self.item.set_rows(plan.groups, self._owner_colors, palette.family_colors(self.layout_.families))
        n = max(len(self.rows), 1)
        self.viewbox.setLimits(yMin=0.0, yMax=float(n), maxYRange=float(n))

    def set_show_vehicles(self, on: bool) -> None:
        """One row per vehicle (on) or one row per lane for all its vehicles (off); keeps the bars."""
        on = bool(on)
        if self.vehicles_check.isChecked() != on:
            self.vehicles_check.blockSignals(True)
            self.vehicles_check.setChecked(on)
            self.vehicles_check.blockSignals(False)
        if on == self._show_vehicles:
            return
        self._show_vehicles = on
        if self.layout_ is None:
            return
        plan = row_plan(self.layout_, on, self.scenario)
        self.store.remap(plan.row_of_resource, plan.row_owner)
        self._apply_plan(plan)
        self.item.restyle()
        self.item.data_changed()
        (_xa, _xb), (ya, yb) = self.viewbox.viewRange()
        if self._rows_auto:
            self.viewbox.setYRange(*self._default_rows(ya), padding=0)
        else:
            n = float(max(len(self.rows), 1))
            span = min(yb - ya, n)
            top = min(max(ya, 0.0), n - span)
            self.viewbox.setYRange(top, top + span, padding=0)

    def show_vehicles(self) -> bool:
        return self._show_vehicles

    def append(self, events: np.ndarray) -> None:
        """Add new EVENT_DTYPE records (a batch from the running simulation); O(batch)."""
        if self.store.append(events):
            self.item.data_changed()

    def set_order_products(self, orders: np.ndarray) -> None:
        """Tell the view each order's product (ORDER_DTYPE records), to colour by product family."""
        orders = np.asarray(orders)
        if len(orders) == 0:
            return
        product = orders["product"].astype(np.int64)
        fam = np.full(len(orders), -1, dtype=np.int32)
        ok = (product >= 0) & (product < len(self._product_family))
        fam[ok] = self._product_family[product[ok]]
        version = self.store.version
        self.store.set_order_families(orders["order"], fam)
        if self.store.version != version:
            self.item.update()

    def set_now(self, t: float) -> None:
        """The simulated clock; with follow-now on, scroll so ``t`` stays near the right edge."""
        self.now = float(t)
        self.now_line.setValue(self.now)
        if self._follow:
            self._scroll_to_now()

    def set_color_mode(self, mode: str) -> None:
        """Colour bars by 'order', 'family', 'owner' or 'state'."""
        if mode not in COLOR_MODES:
            raise ValueError(f"Unknown colour mode {mode!r}; expected one of {COLOR_MODES}")
        self.store.set_mode(mode)
        self.item.restyle()
        i = self.mode_combo.findData(mode)
        if i != self.mode_combo.currentIndex():
            self.mode_combo.blockSignals(True)
            self.mode_combo.setCurrentIndex(i)
            self.mode_combo.blockSignals(False)
        self._update_legend()

    def highlight_order(self, order: int | None) -> None:
        """Emphasise all bars of ``order`` (others dimmed); None clears the highlight."""
        order = None if order is None or order < 0 else int(order)
        self.item.set_highlight(order)
        if order is not None:
            self.info.setText(f"Order {order} highlighted")

    def highlighted_order(self) -> int | None:
        return self.item.highlight

    def follow_now(self) -> bool:
        return self._follow

    def set_follow_now(self, on: bool) -> None:
        """Turn following the clock on or off (dragging the chart turns it off)."""
        self._follow = bool(on)
        if not self._follow:
            self._fit_all = False
        if self.follow_check.isChecked() != self._follow:
            self.follow_check.blockSignals(True)
            self.follow_check.setChecked(self._follow)
            self.follow_check.blockSignals(False)
        if self._follow:
            self._scroll_to_now()

    def zoom_to_fit(self) -> None:
        """Show every bar (up to now) and every row; while following, keep showing all of it."""
        self._fit_all = self._follow
        self._rows_auto = False
        self.viewbox.setRange(xRange=self._fit_x(), yRange=(0.0, max(len(self.rows), 1)), padding=0)

    def _fit_x(self) -> tuple[float, float]:
        lo = min(self.store.t_min, 0.0) if self.store.n else 0.0
        hi = max(self.store.t_max if self.store.n else 0.0, self.now)
        if hi <= lo:
            hi = lo + self._default_width
        return lo, hi + 0.01 * (hi - lo)

    def y_range(self) -> tuple[float, float]:
        _, (ya, yb) = self.viewbox.viewRange()
        return float(ya), float(yb)

    def x_range(self) -> tuple[float, float]:
        (xa, xb), _ = self.viewbox.viewRange()
        return float(xa), float(xb)

    # ----- hover and click -----
    def bar_at_scene(self, pos: QtCore.QPointF) -> int:
        """Store index of the bar under a scene position (-1 if none)."""
        if not self.viewbox.sceneBoundingRect().contains(pos) or self.store.n == 0:
            return -1
        pt = self.viewbox.mapSceneToView(pos)
        row = math.floor(pt.y())
        if not 0 <= row < self.store.n_rows:
            return -1
        px = self.viewbox.viewPixelSize()[0]
        return self.store.bar_at(pt.x(), row, tol=3.0 * px)

    def describe(self, index: int) -> str:
        """Hover text of a bar: resource, kind, order, job, operation, times, quantity, cost."""
        rec = self.store.records[index]
        row = int(self.store.row[index])
        name = self.row_names[row] if row < len(self.row_names) else str(int(rec["resource"]))
        kind = EventKind(int(rec["kind"])).name.replace("_", " ").lower()
        if int(self.store.kind[index]) == EMPTY_RETURN:
            kind = "empty return (no load)"
        start, end = float(rec["start"]), float(rec["end"])
        lines = [f"{name} — {kind}"]
        if rec["order"] >= 0:
            lines.append(f"order {int(rec['order'])}   job {int(rec['job'])}   operation {int(rec['operation'])}")
        u = self.time_unit
        lines.append(f"{start:,.2f} → {end:,.2f} {u}   (duration {end - start:,.2f} {u})")
        if u == "min":
            lines.append(f"{theme.format_clock(start)} → {theme.format_clock(end)}")
        lines.append(f"quantity {float(rec['quantity']):g}   cost {float(rec['cost']):,.2f}")
        return "\n".join(lines)

    def _on_mouse_moved(self, args: tuple[Any, ...]) -> None:
        pos = args[0]
        index = self.bar_at_scene(pos)
        if index < 0:
            self.info.setText("")
            QtWidgets.QToolTip.hideText()
            return
        text = self.describe(index)
        self.info.setText(text.split("\n")[0])
        view_pos = self.plot.mapFromScene(pos)
        QtWidgets.QToolTip.showText(self.plot.viewport().mapToGlobal(view_pos), text, self.plot)

    def _on_mouse_clicked(self, ev: Any) -> None:
        if ev.button() != QtCore.Qt.MouseButton.LeftButton:
            return
        index = self.bar_at_scene(ev.scenePos())
        order = int(self.store.order[index]) if index >= 0 else -1
        if order < 0:
            self.highlight_order(None)
            self.info.setText("")
            return
        self.highlight_order(order)
        self.order_clicked.emit(order)

    # ----- internals -----
    def _scroll_to_now(self) -> None:
        if self._fit_all:
            self.viewbox.setXRange(*self._fit_x(), padding=0)
            return
        xa, xb = self.x_range()
        width = xb - xa if xb > xa else self._default_width
        origin = min(self.store.t_min, 0.0) if self.store.n else 0.0
        lo = max(origin, self.now - (1.0 - FOLLOW_MARGIN) * width)
        self.viewbox.setXRange(lo, lo + width, padding=0)

    def _on_user_panned(self) -> None:
        self.set_follow_now(False)

    def _on_user_zoomed(self) -> None:
        """A wheel zoom of time: following goes on with the new width (not the whole run)."""
        self._fit_all = False
        if self._follow:
            self._scroll_to_now()

    def _on_rows_zoomed(self) -> None:
        self._rows_auto = False

    def _rows_visible(self) -> float:
        """How many rows fit at ``MIN_ROW_PX`` (all rows if the view is not laid out yet)."""
        n = float(max(len(self.rows), 1))
        height = self.viewbox.height()
        if height < 2 * MIN_ROW_PX:
            return n
        return min(n, max(math.floor(height / MIN_ROW_PX), 1))

    def _default_rows(self, top: float) -> tuple[float, float]:
        n = float(max(len(self.rows), 1))
        span = self._rows_visible()
        top = min(max(math.floor(top), 0.0), n - span)
        return top, top + span

    def _on_resized(self) -> None:
        if self._rows_auto and self.rows:
            self.viewbox.setYRange(*self._default_rows(self.y_range()[0]), padding=0)
        self._sync_scrollbar()

    def _sync_scrollbar(self) -> None:
        """The scroll bar mirrors the row window (in tenths of a row); hidden if all rows show."""
        n = max(len(self.rows), 1)
        ya, yb = self.y_range()
        span = yb - ya
        hidden = span >= n - 1e-6
        self._syncing_scroll = True
        try:
            self.row_scroll.setRange(0, max(round((n - span) * 10), 0))
            self.row_scroll.setPageStep(max(round(span * 10), 1))
            self.row_scroll.setSingleStep(10)
            self.row_scroll.setValue(round(ya * 10))
        finally:
            self._syncing_scroll = False
        if self.row_scroll.isHidden() != hidden:
            self.row_scroll.setVisible(not hidden)

    def _on_scroll(self, value: int) -> None:
        if self._syncing_scroll:
            return
        ya, yb = self.y_range()
        top = value / 10.0
        self.viewbox.setYRange(top, top + (yb - ya), padding=0)

    def _update_legend(self) -> None:
        mode = self.store.mode
        entries: list[tuple[str, str]] = []
        if mode == "state":
            for kind in (EventKind.PROCESS, EventKind.SETUP, EventKind.TRANSPORT, EventKind.BLOCKED, EventKind.DOWN):
                entries.append((palette.KIND_COLORS[kind], kind.name.lower()))
            entries.append((palette.blend(palette.STATE_COLORS["off_shift"], amount=0.55), "off shift"))
        elif mode == "owner":
            entries = list(zip(self.item.owner_colors, self.layout_.owners if self.layout_ else (), strict=False))
        elif mode == "family":
            entries = list(zip(self.item.family_colors, self.layout_.families if self.layout_ else (), strict=False))
        else:
            entries = [(palette.ORDER_COLORS[i], "") for i in range(6)]
        entries = entries[:10]
        # Kinds drawn the same in every mode come first, so a narrow window clips categories only.
        fixed = f"<span style='color:{EMPTY_RETURN_COLOR}; font-size:13px'>▬</span>&nbsp;empty return"
        if mode != "state":
            fixed = (
                f"<span style='color:{palette.STATE_COLORS['setup']}'>▨</span>&nbsp;setup"
                f"&nbsp;&nbsp;<span style='color:{palette.STATE_COLORS['down']}'>▩</span>&nbsp;down"
                f"&nbsp;&nbsp;{fixed}"
            )
        chips = "&nbsp;&nbsp;".join(
            f"<span style='color:{c}; font-size:13px'>■</span>&nbsp;{name}" for c, name in entries
        )
        if mode == "order":
            chips += "&nbsp;one colour per order"
        if mode == "state":
            chips = f"{chips}&nbsp;&nbsp;{fixed}"
        else:
            chips = f"{fixed}&nbsp;&nbsp;<span style='color:{palette.GRID}'>|</span>&nbsp;&nbsp;{chips}"
        self.legend.setText(f"<span style='color:{palette.TEXT_MUTED}'>{chips}</span>")
        self.legend.setToolTip(self.legend.text())
