"""A widget and everything in it as one SVG drawing, clipped the way the screen clips it.

Qt's ``QSvgGenerator`` draws vectors and text, but its SVG Tiny output has no clipping at
all (a table's rows scrolled out of view are drawn over whatever lies below the table), and
its SVG 1.1 clip paths are written in the wrong coordinates (Qt 6.11: most of a view
disappears in a browser). So each widget paints itself alone into its own small SVG, and the
pieces are nested here like the widgets: every widget's group is translated to its place
and clipped to its rectangle, so a child is cut where its parent ends, as on screen. Ids
inside each piece (gradients, patterns, images) get the piece's prefix so none collide.
"""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, QRect
from PySide6.QtGui import QPainter, QRegion
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QWidget

from twin_app.errors import TwinError
from twin_app.gui import chart_turns

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
_URL = re.compile(r"url\(#([^)]+)\)")
_GENERIC_FONTS = ("serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui")


def widget_svg(widget: QWidget, title: str = "", area: QRect | None = None) -> bytes:
    """SVG bytes of ``widget`` with its visible children (or of ``area`` of it, in pixels)."""
    chart_turns.flush()  # every chart drawn, none a background waiting for its turn
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    area = area if area is not None else widget.rect()
    root = ET.Element(
        _tag("svg"),
        {
            "version": "1.1",
            "width": str(area.width()),
            "height": str(area.height()),
            "viewBox": f"{area.x()} {area.y()} {area.width()} {area.height()}",
        },
    )
    ET.SubElement(root, _tag("title")).text = title or "Cloud Factory Twin"
    ET.SubElement(root, _tag("desc")).text = "Exported from Cloud Factory Twin"
    defs = ET.SubElement(root, _tag("defs"))
    background = widget.palette().window().color()
    ET.SubElement(
        root,
        _tag("rect"),
        {"x": str(area.x()), "y": str(area.y()), "width": str(area.width()), "height": str(area.height()),
         "fill": background.name()},
    )  # fmt: skip
    _add(widget, widget, QPoint(0, 0), root, defs, itertools.count(1), first=True)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _add(
    widget: QWidget, top: QWidget, at: QPoint, parent: ET.Element, defs: ET.Element, ids: itertools.count, first: bool
) -> None:
    """``widget``'s own painting at ``at`` in ``parent``, clipped to its rectangle, then its children."""
    number = next(ids)
    clip = f"c{number}"
    path = ET.SubElement(defs, _tag("clipPath"), {"id": clip})
    size = {"width": str(widget.width()), "height": str(widget.height())}
    ET.SubElement(path, _tag("rect"), {"x": "0", "y": "0", **size})
    placed = ET.SubElement(parent, _tag("g"), {"transform": f"translate({at.x()},{at.y()})"})
    group = ET.SubElement(placed, _tag("g"), {"clip-path": f"url(#{clip})"})
    piece_defs, drawing = _piece(widget, f"w{number}_", background=first or widget.autoFillBackground())
    defs.extend(piece_defs)
    group.extend(drawing)
    for child in widget.children():
        if isinstance(child, QWidget) and not child.isWindow() and child.isVisibleTo(top):
            _add(child, top, child.pos(), group, defs, ids, first=False)


def _piece(widget: QWidget, prefix: str, *, background: bool) -> tuple[list[ET.Element], list[ET.Element]]:
    """(defs, drawing elements) of ``widget`` painting itself, without its children."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(widget.size())
    generator.setViewBox(QRect(QPoint(0, 0), widget.size()))
    generator.setResolution(round(widget.logicalDpiX()) or 96)
    painter = QPainter()
    if not painter.begin(generator):
        raise TwinError("Export: Qt could not start an SVG drawing")
    try:
        flags = QWidget.RenderFlag.DrawWindowBackground if background else QWidget.RenderFlag(0)
        # QWidget.render: QGraphicsView (every plot) overrides render() to draw its scene instead
        QWidget.render(widget, painter, QPoint(0, 0), QRegion(widget.rect()), flags)
    finally:
        painter.end()
    buffer.close()
    piece = ET.fromstring(bytes(data.data()))
    _prefix_ids(piece, prefix)
    defs: list[ET.Element] = []
    drawing: list[ET.Element] = []
    for element in piece:
        name = element.tag.rsplit("}", 1)[-1]
        if name == "defs":
            defs.extend(element)
        elif name not in ("title", "desc"):
            drawing.append(element)
    return defs, drawing


def _prefix_ids(piece: ET.Element, prefix: str) -> None:
    """Give every id in ``piece``, and every reference to one, the piece's own prefix; give
    every font a generic fallback (Qt names its own, e.g. "Sans Serif", which browsers lack)."""
    href = f"{{{XLINK_NS}}}href"
    for element in piece.iter():
        for key, value in element.attrib.items():
            if key == "font-family" and not value.rstrip().endswith(_GENERIC_FONTS):
                element.set(key, f"{value}, sans-serif")
            elif key == "id":
                element.set(key, prefix + value)
            elif key == href and value.startswith("#"):
                element.set(key, "#" + prefix + value[1:])
            elif "url(#" in value:
                element.set(key, _URL.sub(lambda m: f"url(#{prefix}{m.group(1)})", value))


def _tag(name: str) -> str:
    return f"{{{SVG_NS}}}{name}"
