"""Editing the network on a map: drag a site, draw a lane between two places, delete.

The map draws the document's sites (circles, in their owner's colour), customers (squares)
and lanes (lines) at their x/y coordinates (y up, as on the network map). It changes nothing
itself: it emits what the user did and the editor turns that into undoable edits.

- **Move** mode: drag a site or customer; on release :attr:`MapEditor.place_moved` gives its
  new coordinates (rounded to 0.1).
- **Draw lane** mode: press on one place, release on another; :attr:`MapEditor.lane_drawn`
  gives the two ids.
- **Delete** (key or button): :attr:`MapEditor.delete_requested` lists the selected
  elements as ``(list, index)`` pairs.
The mouse wheel zooms around the cursor (:data:`WHEEL_STEP` a notch, between a quarter of the
whole network and :data:`ZOOM_IN_LIMIT` times closer); *Fit* shows the whole network. Labels
are placed as on the network map (:func:`~twin_app.gui.map_model.place_labels`): the biggest
sites' names first, where they cover no other name and no place; the others are hidden until
a zoom gives them room (hovering a place still names it). On the large network (216 sites)
the names piled up into an unreadable heap before.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QMouseEvent, QPainter, QPen, QWheelEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from twin_app.gui import theme
from twin_app.gui.map_model import place_labels
from twin_app.gui.names import site_label

NODE_PX = 14.0
SPAN = 800.0
"""Scene units the network's extent is scaled to when a document is shown."""

WHEEL_STEP = 1.15
"""Zoom factor of one mouse-wheel notch."""

ZOOM_OUT_LIMIT, ZOOM_IN_LIMIT = 0.25, 200.0
"""The zoom stays between a quarter of and 200 times the scale that fits the whole network."""

MAX_LABELS = 120
"""Names tried at most per layout (the biggest places in view first): placing is quadratic."""


class PlaceItem(QGraphicsEllipseItem):
    """A site (circle) or customer (square) the user can drag; its lanes follow."""

    def __init__(self, editor: MapEditor, kind: str, index: int, ident: str, color: str, name: str = "") -> None:
        super().__init__(-NODE_PX / 2, -NODE_PX / 2, NODE_PX, NODE_PX)
        self.editor, self.kind, self.index, self.ident = editor, kind, index, ident
        self.lines: list[tuple[QGraphicsLineItem, int]] = []
        self.setBrush(QBrush(QColor(color)))
        self.setPen(QPen(QColor(theme.colors.text), 1.2))  # an outline that shows on either theme
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setZValue(2)
        shown = name or ident  # named as the network map names it: its name, else its id
        self.setToolTip(f"{kind[:-1]} {shown}" + (f" (id {ident})" if shown != ident else ""))
        self.weight = 0.0
        """How much the place's name matters when names compete for room (its machines)."""
        self.label = QGraphicsSimpleTextItem(shown, self)
        self.label.setPos(NODE_PX / 2 + 2, -NODE_PX / 2 - 2)
        self.label.setBrush(QBrush(QColor(theme.colors.text)))
        self.square = kind == "customers"

    def paint(self, painter: QPainter, option: Any, widget: Any = None) -> None:
        painter.setPen(QPen(QColor(theme.colors.accent), 2.5) if self.isSelected() else self.pen())
        painter.setBrush(self.brush())
        if self.square:
            painter.drawRect(self.rect())
        else:
            painter.drawEllipse(self.rect())

    def move_to(self, point: QPointF) -> None:
        """Move the place and the ends of its lanes (the view calls this while dragging; an
        ``itemChange`` override would be called by Qt while the scene deletes its items)."""
        self.setPos(point)
        for line, end in self.lines:
            old = line.line()
            line.setLine(QLineF(point, old.p2()) if end == 0 else QLineF(old.p1(), point))


class LaneItem(QGraphicsLineItem):
    def __init__(self, index: int, ident: str, a: QPointF, b: QPointF) -> None:
        super().__init__(QLineF(a, b))
        self.kind, self.index, self.ident = "lanes", index, ident
        pen = QPen(QColor(110, 110, 110), 2.0)
        pen.setCosmetic(True)
        self.setPen(pen)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setToolTip(f"lane {ident}")
        self.setZValue(1)

    def paint(self, painter: QPainter, option: Any, widget: Any = None) -> None:
        pen = QPen(self.pen())
        if self.isSelected():
            pen.setColor(QColor(214, 69, 69))
            pen.setWidthF(4.0)
        painter.setPen(pen)
        painter.drawLine(self.line())


class MapView(QGraphicsView):
    """The graphics view: wheel zoom, lane drawing and the Delete key."""

    moved = Signal()
    """The view zoomed, scrolled or changed size (the names are laid out again)."""

    def __init__(self, editor: MapEditor) -> None:
        super().__init__()
        self.editor = editor
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.drawing: PlaceItem | None = None
        self.rubber_line: QGraphicsLineItem | None = None
        self.pressed: PlaceItem | None = None
        self.pressed_at = QPointF()

    def place_at(self, point: Any) -> PlaceItem | None:
        for item in self.items(point):
            while item is not None and not isinstance(item, PlaceItem):
                item = item.parentItem()
            if isinstance(item, PlaceItem):
                return item
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        place = self.place_at(event.position().toPoint())
        if event.button() == Qt.MouseButton.LeftButton and place is not None:
            if self.editor.mode == "lane":
                self.drawing = place
                self.rubber_line = QGraphicsLineItem(QLineF(place.pos(), place.pos()))
                pen = QPen(QColor(214, 69, 69), 2.0, Qt.PenStyle.DashLine)
                pen.setCosmetic(True)
                self.rubber_line.setPen(pen)
                self.scene().addItem(self.rubber_line)
                event.accept()
                return
            self.pressed, self.pressed_at = place, QPointF(place.pos())
            self.scene().clearSelection()
            place.setSelected(True)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        point = self.mapToScene(event.position().toPoint())
        if self.drawing is not None and self.rubber_line is not None:
            self.rubber_line.setLine(QLineF(self.drawing.pos(), point))
            return
        if self.pressed is not None:
            self.pressed.move_to(point)
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self.drawing is not None:
            start, self.drawing = self.drawing, None
            if self.rubber_line is not None:
                self.scene().removeItem(self.rubber_line)
                self.rubber_line = None
            end = self.place_at(event.position().toPoint())
            if end is not None and end is not start:
                self.editor.lane_drawn.emit(start.ident, end.ident)
            return
        if self.pressed is not None:
            place, self.pressed = self.pressed, None
            if place.pos() != self.pressed_at:
                x, y = self.editor.to_data(place.pos())
                self.editor.place_moved.emit(place.kind, place.index, x, y)
            return
        super().mouseReleaseEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        """Zoom around the cursor, :data:`WHEEL_STEP` a notch (a touchpad's part notches too)."""
        delta = event.angleDelta().y()
        if delta == 0:
            return
        current = self.transform().m11()
        fit = self.editor.fit_scale
        wanted = min(max(current * WHEEL_STEP ** (delta / 120.0), fit * ZOOM_OUT_LIMIT), fit * ZOOM_IN_LIMIT)
        if wanted != current:
            self.scale(wanted / current, wanted / current)
            self.moved.emit()
        event.accept()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        self.moved.emit()  # a signal, not a call: Qt scrolls while it tears the editor down

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self.moved.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.editor.delete_selected()
            return
        super().keyPressEvent(event)


class MapEditor(QWidget):
    """The map page of the editor (see the module docstring)."""

    place_moved = Signal(str, int, float, float)  # "sites" | "customers", index, x, y
    lane_drawn = Signal(str, str)  # origin id, destination id
    delete_requested = Signal(list)  # [(list name, index), ...]

    def __init__(self) -> None:
        super().__init__()
        self.mode = "move"
        self.scale_factor = 1.0
        self.origin = (0.0, 0.0)
        self.fit_scale = 1.0
        """The view's scale when the whole network fits (the zoom limits are relative to it)."""
        self._label_timer = QTimer(self)
        self._label_timer.setSingleShot(True)
        self._label_timer.setInterval(40)
        self._label_timer.timeout.connect(self.place_labels)
        self.places: dict[str, PlaceItem] = {}
        self.lanes: list[LaneItem] = []
        self.scene = QGraphicsScene(self)
        self.view = MapView(self)
        self.view.setScene(self.scene)
        self.view.moved.connect(self.schedule_labels)
        self.modes = QButtonGroup(self)
        bar = QHBoxLayout()
        for mode, text, tip in (
            ("move", "Move", "Drag a site or customer to move it"),
            ("lane", "Draw lane", "Press on a place and release on another to add a lane between them"),
        ):
            button = QRadioButton(text)
            button.setToolTip(tip)
            button.setProperty("mode", mode)
            button.setChecked(mode == self.mode)
            self.modes.addButton(button)
            bar.addWidget(button)
        self.modes.buttonClicked.connect(lambda b: self.set_mode(str(b.property("mode"))))
        delete = QPushButton("Delete selected")
        delete.setToolTip("Delete the selected sites, customers and lanes (Delete key; Ctrl+Z undoes)")
        delete.clicked.connect(self.delete_selected)
        fit = QPushButton("Fit")
        fit.clicked.connect(self.fit)
        bar.addWidget(delete)
        bar.addWidget(fit)
        hint = QLabel("Wheel: zoom \u2022 drag empty space: select several")
        hint.setObjectName("Hint")
        hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        bar.addStretch(1)
        bar.addWidget(hint)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        for button in self.modes.buttons():
            button.setChecked(button.property("mode") == mode)
        self.view.setDragMode(
            QGraphicsView.DragMode.RubberBandDrag if mode == "move" else QGraphicsView.DragMode.NoDrag
        )

    # -- coordinates -------------------------------------------------------------------------------

    def to_scene(self, x: float, y: float) -> QPointF:
        return QPointF((x - self.origin[0]) * self.scale_factor, -(y - self.origin[1]) * self.scale_factor)

    def to_data(self, point: QPointF) -> tuple[float, float]:
        x = point.x() / self.scale_factor + self.origin[0]
        y = -point.y() / self.scale_factor + self.origin[1]
        return round(x, 1), round(y, 1)

    def _reset_scale(self, points: list[tuple[float, float]]) -> None:
        if not points:
            self.scale_factor, self.origin = 1.0, (0.0, 0.0)
            return
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
        self.scale_factor = SPAN / span
        self.origin = (min(xs), min(ys))

    # -- drawing the document ----------------------------------------------------------------------

    def show_data(self, data: dict[str, Any], reset_view: bool = False) -> None:
        """Draw the sites, customers and lanes of a document's JSON; ``reset_view`` rescales and fits."""
        selected = {(item.kind, item.ident) for item in self.scene.selectedItems() if hasattr(item, "ident")}
        sites = [s for s in data.get("sites", []) if isinstance(s, dict)] if isinstance(data.get("sites"), list) else []
        customers = data.get("customers") if isinstance(data.get("customers"), list) else []
        customers = [c for c in customers if isinstance(c, dict)]
        if reset_view:
            self._reset_scale([(_number(p.get("x")), _number(p.get("y"))) for p in (*sites, *customers)])
        owners = data.get("owners") if isinstance(data.get("owners"), list) else []
        owner_ids = [str(o.get("id")) for o in owners if isinstance(o, dict)]
        palette = theme.categorical(len(owner_ids))
        colors = {
            oid: (o.get("color") if QColor.isValidColorName(str(o.get("color") or "")) else palette[i])
            for i, (oid, o) in enumerate(zip(owner_ids, owners, strict=True))
        }
        owner_names = {str(o.get("id")): str(o.get("name") or o.get("id")) for o in owners if isinstance(o, dict)}
        owner_sites = Counter(str(s.get("owner")) for s in sites)
        self.view.setBackgroundBrush(QColor(theme.colors.panel))  # the theme's, not Qt's white
        self.scene.clear()
        self.places, self.lanes = {}, []
        for kind, items in (("sites", sites), ("customers", customers)):
            for index, place in enumerate(items):
                ident = str(place.get("id", index))
                color = theme.colors.customer
                if kind == "sites":
                    color = colors.get(str(place.get("owner")), theme.UNKNOWN_COLOR)
                name = place.get("name") if isinstance(place.get("name"), str) else ""
                if kind == "sites":  # named as the network map names it (gui.names)
                    owner = str(place.get("owner"))
                    name = site_label(ident, name, owner, owner_names.get(owner), owner_sites.get(owner, 0))
                item = PlaceItem(self, kind, index, ident, str(color), name)
                item.setPos(self.to_scene(_number(place.get("x")), _number(place.get("y"))))
                self.scene.addItem(item)
                self.places.setdefault(ident, item)
                item.setSelected((kind, ident) in selected)
        machines = data.get("machines") if isinstance(data.get("machines"), list) else []
        for machine in machines:
            place = self.places.get(str(machine.get("site"))) if isinstance(machine, dict) else None
            capacity = machine.get("capacity", 1) if isinstance(machine, dict) else 1
            if place is not None:
                place.weight += float(capacity) if isinstance(capacity, int | float) else 1.0
        for place in self.places.values():
            if place.kind == "customers":
                place.weight = 0.5  # after the sites with machines, before the empty ones
        lanes = data.get("lanes") if isinstance(data.get("lanes"), list) else []
        for index, lane in enumerate(lanes):
            if not isinstance(lane, dict):
                continue
            a, b = self.places.get(str(lane.get("origin"))), self.places.get(str(lane.get("destination")))
            if a is None or b is None or a is b:
                continue
            item = LaneItem(index, str(lane.get("id", index)), a.pos(), b.pos())
            self.scene.addItem(item)
            a.lines.append((item, 0))
            b.lines.append((item, 1))
            self.lanes.append(item)
            item.setSelected(("lanes", item.ident) in selected)
        margin = 80.0
        self.scene.setSceneRect(self.scene.itemsBoundingRect().adjusted(-margin, -margin, margin, margin))
        if reset_view:
            self.fit()
        self.schedule_labels()

    def fit(self) -> None:
        rect = self.scene.itemsBoundingRect()
        if not rect.isEmpty():
            self.view.fitInView(rect.adjusted(-40, -40, 40, 40), Qt.AspectRatioMode.KeepAspectRatio)
        else:
            self.view.fitInView(QRectF(-100, -100, 200, 200), Qt.AspectRatioMode.KeepAspectRatio)
        self.fit_scale = self.view.transform().m11() or 1.0
        self.schedule_labels()

    # -- labels ------------------------------------------------------------------------------------

    def schedule_labels(self) -> None:
        """Lay the names out again a moment after the last zoom, scroll or edit."""
        self._label_timer.start()

    def place_labels(self) -> None:
        """Show the names that fit (see the module docstring); returns nothing, sets visibility."""
        self._label_timer.stop()
        viewport = self.view.viewport().rect()
        places = list(self.places.values())
        at = [self.view.mapFromScene(place.pos()) for place in places]
        inside = [i for i, p in enumerate(at) if viewport.contains(p)]
        chosen = sorted(inside, key=lambda i: -places[i].weight)[:MAX_LABELS]
        for place in places:
            place.label.setVisible(False)
        if not chosen:
            return
        points = np.array([(at[i].x(), at[i].y()) for i in chosen], dtype=float)
        # every place in view is an obstacle, not only the ones whose names are tried
        labels = [places[i].label.boundingRect() for i in chosen]
        shown, centres = place_labels(
            points,
            np.full(len(chosen), NODE_PX / 2),
            np.array([r.width() for r in labels]),
            max(r.height() for r in labels),
            np.array([places[i].weight for i in chosen]),
            view_px=(viewport.width(), viewport.height()),
            obstacles_px=np.array([(at[i].x(), at[i].y()) for i in inside], dtype=float),
        )
        for k, i in enumerate(chosen):
            if shown[k]:
                label = places[i].label  # the place ignores the view's scale: its units are pixels
                rect = labels[k]
                label.setPos(
                    centres[k, 0] - points[k, 0] - rect.width() / 2, centres[k, 1] - points[k, 1] - rect.height() / 2
                )
                label.setVisible(True)

    def shown_labels(self) -> dict[str, QRectF]:
        """The names shown now and their rectangles in the view's pixels (tests read these)."""
        out = {}
        for ident, place in self.places.items():
            if place.label.isVisible():
                # (through the view's transform: the place ignores the view's scale, which
                # mapRectToScene does not know, and scaled the names up with the zoom)
                device = place.label.deviceTransform(self.view.viewportTransform())
                out[ident] = device.mapRect(place.label.boundingRect())
        return out

    def delete_selected(self) -> None:
        chosen = [
            (item.kind, item.index) for item in self.scene.selectedItems() if isinstance(item, PlaceItem | LaneItem)
        ]
        if chosen:
            self.delete_requested.emit(chosen)


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0
