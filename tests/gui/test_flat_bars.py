"""Outline-free bars (Bottlenecks, Utilisation) claim exactly the area they paint."""

from __future__ import annotations

import pyqtgraph as pg

from twin_app.gui.flat_bars import FlatBars


def test_flat_bars_bound_every_bar_without_asking_the_view_for_pixels(qtbot, monkeypatch) -> None:
    """A bar outside its item's rectangle would be left unpainted; the rectangle is the bars'
    own (pyqtgraph's half-pixel pad asked the view for its pixel size on every call)."""
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    bars = FlatBars(x0=[0.0, 5.0], y=[1.0, 3.0], width=[2.0, 4.0], height=0.7, brush="b", pen=None)
    widget.addItem(bars)
    monkeypatch.setattr(bars, "pixelVectors", lambda *a: (_ for _ in ()).throw(AssertionError("asked")))
    rect = bars.boundingRect()
    assert (rect.left(), rect.right()) == (0.0, 9.0)
    assert abs(rect.top() - 0.65) < 1e-9 and abs(rect.bottom() - 3.35) < 1e-9
