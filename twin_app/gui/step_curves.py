"""Step functions over simulated time as chart lines: WIP, trust.

A run's WIP and trust change at every release and delivery: on the large network a curve has
hundreds of thousands of vertices, and pyqtgraph drawing (and filling) them took 0.5-0.7 s a
refresh at a quiet hour, seconds on a busy machine, on the GUI thread. :func:`step_xy` makes
the line of a step function; :func:`envelope` reduces it to what the chart's pixel columns can
show, before it reaches pyqtgraph. The charts draw these lines one pixel wide and without
antialiasing: they are nearly all vertical and horizontal strokes at pixel columns, which
antialiasing does not change to the eye, while antialiasing and a 1.6 px pen (Qt's stroker)
made each curve's paint 4-7x as long (WIP 9 -> 2.3 ms, trust 15 -> 2.1 ms at 370x290 px after a
large run; the KPI tab's resize paints them at every step of the drag).
"""

from __future__ import annotations

import numpy as np

# np.unique imports numpy.ma on its first call: here, at the window's build, not in the run's
# first KPI draw (13 ms on a quiet machine, in one of a large run's longest gaps).
import numpy.ma


def step_xy(times: np.ndarray, values: np.ndarray, end: float) -> tuple[np.ndarray, np.ndarray]:
    """Vertices of a step function (``values[i]`` from ``times[i]`` to the next time, the last
    until ``end``) as a plain polyline: it ends at the last value, with no drop to the fill
    level at either edge (what ``stepMode='center'`` draws)."""
    t = np.asarray(times, dtype=float)
    v = np.asarray(values, dtype=float)
    if len(t) == 0:
        return np.zeros(0), np.zeros(0)
    right = np.append(t[1:], max(float(end), float(t[-1])))
    x = np.column_stack([t, right]).ravel()
    y = np.repeat(v, 2)
    return x, y


def envelope(x: np.ndarray, y: np.ndarray, bins: int = 800) -> tuple[np.ndarray, np.ndarray]:
    """A polyline of many vertices reduced to what ``bins`` pixel columns can show: per column,
    its first point, its highest and lowest value there, and its last point (so a one-delivery
    dip of the lowest owner still shows). Lines with few vertices come back as they are.

    800 columns: the KPI tab's charts are 400-600 px wide in a 1600 px window. pyqtgraph
    rebuilds a filled curve's path on every resize and repaint (the WIP fill was the largest
    item of the KPI tab's resize, with 1500 columns' 6,000 vertices)."""
    if len(x) <= 4 * bins:
        return x, y
    edges = np.linspace(float(x[0]), float(x[-1]), bins + 1)
    starts = np.unique(np.searchsorted(x, edges[:-1], side="left"))
    starts = starts[starts < len(x)]
    ends = np.append(starts[1:], len(x)) - 1
    out_x = np.column_stack([x[starts], x[starts], x[starts], x[ends]]).ravel()
    out_y = np.column_stack(
        [y[starts], np.maximum.reduceat(y, starts), np.minimum.reduceat(y, starts), y[ends]]
    ).ravel()
    return out_x, out_y
