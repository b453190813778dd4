"""Bars with no outline whose bounding rectangle costs no pixel-size lookups.

pyqtgraph's BarGraphItem pads its bounding rectangle by half a pen width in pixels, and with no
pen it still pads by half a pixel: every call asks the view for its pixel size
(``pixelVectors``: the device transform, the view widget). The scene asks each item for its
rectangle many times a repaint; on the Bottlenecks tab's resize (large network) 435 calls took
0.11 s of the GUI thread. Bars without an outline need no padding (fills are not antialiased),
so :class:`FlatBars` is the data rectangle.
"""

from __future__ import annotations

import pyqtgraph as pg


class FlatBars(pg.BarGraphItem):
    """A BarGraphItem drawn with ``pen=None``: no outline, so nothing to pad."""

    def pixelPadding(self) -> float:
        return 0.0
