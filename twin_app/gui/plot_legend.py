"""Chart legends that cover no data: a row of their own under the bottom axis.

pyqtgraph's own legend floats over the plot area at a fixed corner; the trust chart's sat over
the lowest owner's line as it fell, and the compare overlays' over the WIP curves' right end.
Under the axis it can cover nothing the chart draws, whatever the data do.
"""

from __future__ import annotations

import pyqtgraph as pg

from twin_app.gui import theme


def legend_below(widget: pg.PlotWidget, columns: int = 4) -> pg.LegendItem:
    """Give the plot a legend in a row of its own under the bottom axis, ``columns`` entries side
    by side; returns it. Named items added to the plot afterwards are listed in it."""
    plot = widget.getPlotItem()
    legend = pg.LegendItem(colCount=columns, labelTextColor=theme.colors.text)
    # rows: title, top axis, view, bottom axis, then this; across the left axis, the view and the
    # right axis, so the legend's row does not add to a chart's width (a chart is clipped, not
    # shrunk, when its pane is narrower than that)
    plot.layout.addItem(legend, 4, 0, 1, 3)
    plot.legend = legend
    return legend
