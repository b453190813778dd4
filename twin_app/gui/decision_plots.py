"""The charts of the decision views, drawn with pyqtgraph from arrays, one item per series.

Compare: overlaid lead-time distributions and WIP curves (each scenario's replications
averaged, as in the HTML report) and utilisation by owner. Sweep: a KPI against a factor (one
series per combination of the other factors, with 95% error bars), a heatmap over two
factors, and the Pareto scatter of two objectives with the front and the best point marked.
Every function clears its plot and draws afresh; the numbers it drew are returned so the
views (and their tests) can tell what is on screen.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFontMetrics

from twin_app.experiments.paired import Estimate
from twin_app.gui import theme
from twin_app.gui.plot_legend import legend_below

SCENARIO_COLORS = ("#2F6FDE", "#E67E22", "#1E8449", "#8E44AD", "#C0392B", "#16A085")


def scenario_colors(n: int) -> list[str]:
    return theme.categorical(n, SCENARIO_COLORS)


def new_plot(title: str, left: str, bottom: str, *, time_axis: bool = False, legend: bool = True) -> pg.PlotWidget:
    """A plot in the house style, with a legend under its bottom axis unless ``legend`` is False
    (the legend covers no data)."""
    axes = {"bottom": theme.TimeAxisItem("bottom")} if time_axis else {}
    widget = pg.PlotWidget(axisItems=axes, enableMenu=False)  # no context menus built (style_plot turns them off)
    plot = widget.getPlotItem()
    theme.style_plot(plot, left=left, bottom=bottom)
    theme.set_title(plot, title)
    if legend:
        legend_below(widget)
    return widget


def span_title(widget: pg.PlotWidget) -> None:
    """Let the title sit across the axes as well as the view, so a long title does not add to
    the width of a chart whose left axis holds long names."""
    plot = widget.getPlotItem()
    plot.layout.removeItem(plot.titleLabel)
    plot.layout.addItem(plot.titleLabel, 0, 0, 1, 3)


def fit_category_axis(axis: pg.AxisItem, categories: Sequence[str]) -> None:
    """Size a category axis to its widest name now. pyqtgraph measures tick labels only when it
    paints them, so a chart drawn in a hidden tab reported a narrow axis, and a pane sized from
    that cut the chart at the right."""
    font = axis.style["tickFont"] or axis.font()
    widest = max((QFontMetrics(font).horizontalAdvance(c) for c in categories), default=0)
    width = widest + 4 + axis.style["tickTextOffset"][0] + max(0, axis.style["tickLength"])
    if axis.label.isVisible():
        width += axis.label.boundingRect().height() * 0.8  # as pyqtgraph adds it
    axis.setWidth(math.ceil(width))


def _reset(plot: pg.PlotItem) -> None:
    plot.clear()
    if plot.legend is not None:
        plot.legend.clear()


def lead_time_shares(quantiles: Sequence[float], edges: np.ndarray) -> np.ndarray:
    """Share of delivered orders in each bin between ``edges``, from the lead-time quantiles
    at 0%, 1%, ... 100% (the CDF is linear between them)."""
    q = np.asarray(quantiles, dtype=float)
    levels = np.linspace(0.0, 1.0, len(q))
    cdf = np.interp(edges, q, levels, left=0.0, right=1.0)
    return np.diff(cdf)


def draw_lead_times(plot: pg.PlotItem, names: Sequence[str], curves: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Overlaid lead-time distributions (share of orders per bin, hours), one step curve each."""
    _reset(plot)
    series = [(n, c.get("lead_time_quantiles") or []) for n, c in zip(names, curves, strict=True)]
    present = [q for _, q in series if len(q)]
    drawn: dict[str, Any] = {}
    if not present:
        return drawn
    low = min(q[0] for q in present)
    high = max(q[-2] if len(q) > 2 else q[-1] for q in present)  # the 99th percentile: tails squash the plot
    edges = np.linspace(low, max(high, low + 1e-9), 31)
    for (name, quantiles), color in zip(series, scenario_colors(len(series)), strict=True):
        if not len(quantiles):
            continue
        shares = 100.0 * lead_time_shares(quantiles, edges)
        item = pg.PlotDataItem(
            edges / 60.0,
            shares,
            stepMode="center",
            pen=pg.mkPen(color, width=2),
            fillLevel=0,
            brush=pg.mkBrush(theme.qcolor(color, 40)),
            name=name,
        )
        plot.addItem(item)
        drawn[name] = shares
    return drawn


def draw_wip(plot: pg.PlotItem, names: Sequence[str], curves: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Each scenario's WIP over time (cell means averaged over replications), one curve each."""
    _reset(plot)
    drawn: dict[str, Any] = {}
    for name, curve, color in zip(names, curves, scenario_colors(len(names)), strict=True):
        edges, wip = curve.get("wip_edges"), curve.get("wip")
        if not edges or not wip:
            continue
        x = np.asarray(edges, dtype=float)
        y = np.asarray(wip, dtype=float)
        plot.addItem(pg.PlotDataItem(x, y, stepMode="center", pen=pg.mkPen(color, width=2), name=name))
        drawn[name] = y
    return drawn


def draw_grouped_bars(
    plot: pg.PlotItem,
    categories: Sequence[str],
    names: Sequence[str],
    values: Sequence[Sequence[Estimate | None]],
    *,
    percent: bool = False,
) -> None:
    """Horizontal bars per category (first at the top, names readable on the left axis), one
    BarGraphItem and one error-bar item per scenario, side by side.

    ``values[s][c]`` is scenario ``s``'s estimate for category ``c`` (None: not there)."""
    _reset(plot)
    k = max(len(names), 1)
    thickness = 0.8 / k
    scale = 100.0 if percent else 1.0
    y = np.arange(len(categories), dtype=float)
    for s, (name, color) in enumerate(zip(names, scenario_colors(len(names)), strict=True)):
        means = np.array([_mean(e) * scale for e in values[s]], dtype=float)
        halves = np.array([_half(e) * scale for e in values[s]], dtype=float)
        centres = y - 0.4 + thickness * (s + 0.5)
        shown = np.isfinite(means)
        bars = pg.BarGraphItem(
            x0=np.minimum(means[shown], 0.0),
            width=np.abs(means[shown]),
            y=centres[shown],
            height=thickness * 0.92,
            brush=pg.mkBrush(color),
            pen=pg.mkPen(theme.darker(color), width=1),
            name=name,
        )
        plot.addItem(bars)  # named: the legend lists it
        errors = shown & np.isfinite(halves)
        if errors.any():
            plot.addItem(
                pg.ErrorBarItem(
                    x=means[errors],
                    y=centres[errors],
                    width=2 * halves[errors],
                    beam=thickness * 0.3,
                    pen=pg.mkPen(theme.colors.text, width=1),
                )
            )
    plot.getViewBox().invertY(True)
    plot.getAxis("left").setTicks([[(float(i), c) for i, c in enumerate(categories)]])
    fit_category_axis(plot.getAxis("left"), categories)
    plot.setYRange(-0.6, max(len(categories) - 0.4, 0.6), padding=0)


def _mean(estimate: Estimate | None) -> float:
    return math.nan if estimate is None or estimate.mean is None else float(estimate.mean)


def _half(estimate: Estimate | None) -> float:
    return math.nan if estimate is None or estimate.half_width is None else float(estimate.half_width)


def level_text(value: Any) -> str:
    """A factor level as a short label (a departure policy by its values)."""
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, dict):
        return " / ".join(str(v) for v in value.values())
    return str(value)


def axis_positions(levels: Sequence[Any]) -> tuple[list[float], list[tuple[float, str]] | None]:
    """Where each level sits on an axis: numbers at their value, anything else at its index
    among the distinct levels; tick labels at the levels (none for many numeric levels)."""
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in levels)
    if numeric:
        distinct_numbers = sorted({float(v) for v in levels})
        ticks = [(v, level_text(v if not v.is_integer() else int(v))) for v in distinct_numbers]
        return [float(v) for v in levels], ticks if len(ticks) <= 12 else None
    distinct: list[str] = []
    for v in levels:
        if level_text(v) not in distinct:
            distinct.append(level_text(v))
    return [float(distinct.index(level_text(v))) for v in levels], [(float(i), t) for i, t in enumerate(distinct)]


def draw_factor_effect(
    plot: pg.PlotItem,
    factor: str,
    others: Sequence[str],
    points: Sequence[dict[str, Any]],
    estimates: Sequence[Estimate | None],
    *,
    percent: bool = False,
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The KPI's mean (with 95% error bars) against ``factor``; one series per combination of
    the ``others`` factors' levels. Returns {series label: (x, y)} as drawn."""
    _reset(plot)
    xs, ticks = axis_positions([p.get(factor) for p in points])
    scale = 100.0 if percent else 1.0
    groups: dict[str, list[int]] = {}
    for i, point in enumerate(points):
        label = ", ".join(f"{o.rsplit('.', 1)[-1]}={level_text(point.get(o))}" for o in others) or "mean"
        groups.setdefault(label, []).append(i)
    drawn: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for (label, members), color in zip(groups.items(), scenario_colors(len(groups)), strict=True):
        members = sorted(members, key=lambda i: xs[i])
        x = np.array([xs[i] for i in members], dtype=float)
        y = np.array([_mean(estimates[i]) * scale for i in members], dtype=float)
        half = np.array([_half(estimates[i]) * scale for i in members], dtype=float)
        plot.addItem(
            pg.PlotDataItem(
                x,
                y,
                pen=pg.mkPen(color, width=2),
                symbol="o",
                symbolSize=8,
                symbolBrush=pg.mkBrush(color),
                symbolPen=pg.mkPen(theme.darker(color)),
                name=label,
            )
        )
        ok = np.isfinite(y) & np.isfinite(half)
        if ok.any():
            plot.addItem(pg.ErrorBarItem(x=x[ok], y=y[ok], height=2 * half[ok], beam=0.08, pen=pg.mkPen(color)))
        drawn[label] = (x, y)
    plot.getAxis("bottom").setTicks([ticks] if ticks is not None else None)
    return drawn


def heat_grid(
    first: str, second: str, points: Sequence[dict[str, Any]], means: Sequence[float | None]
) -> tuple[list[str], list[str], np.ndarray]:
    """Levels of two factors and the KPI mean in each cell (averaged over any other factors;
    NaN where the design has no point)."""
    rows: list[str] = []
    columns: list[str] = []
    for point in points:
        a, b = level_text(point.get(first)), level_text(point.get(second))
        rows += [a] if a not in rows else []
        columns += [b] if b not in columns else []
    total = np.zeros((len(rows), len(columns)))
    count = np.zeros((len(rows), len(columns)))
    for point, mean in zip(points, means, strict=True):
        if mean is None or not math.isfinite(mean):
            continue
        i, j = rows.index(level_text(point.get(first))), columns.index(level_text(point.get(second)))
        total[i, j] += mean
        count[i, j] += 1
    with np.errstate(invalid="ignore"):
        grid = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    return rows, columns, grid


def draw_heatmap(
    plot: pg.PlotItem, rows: Sequence[str], columns: Sequence[str], grid: np.ndarray, *, lower_is_better: bool
) -> pg.ImageItem:
    """The grid as an ImageItem (first factor across, second up), each cell labelled with its
    value; green is better."""
    _reset(plot)
    finite = grid[np.isfinite(grid)]
    image = pg.ImageItem(np.nan_to_num(grid, nan=float(finite.min()) if finite.size else 0.0))
    colors = ["#1E8449", "#F7DC6F", "#C0392B"] if lower_is_better else ["#C0392B", "#F7DC6F", "#1E8449"]
    image.setColorMap(pg.ColorMap(np.array([0.0, 0.5, 1.0]), [theme.qcolor(c) for c in colors]))
    if finite.size:
        low, high = float(finite.min()), float(finite.max())
        image.setLevels((low, high if high > low else low + 1.0))
    plot.addItem(image)
    for i in range(len(rows)):
        for j in range(len(columns)):
            value = grid[i, j]
            text = pg.TextItem("-" if not math.isfinite(value) else f"{value:,.3g}", color="#1F2933", anchor=(0.5, 0.5))
            text.setPos(i + 0.5, j + 0.5)
            plot.addItem(text)
    plot.getAxis("bottom").setTicks([[(i + 0.5, r) for i, r in enumerate(rows)]])
    plot.getAxis("left").setTicks([[(j + 0.5, c) for j, c in enumerate(columns)]])
    plot.setRange(xRange=(0, len(rows)), yRange=(0, len(columns)), padding=0.02)
    return image


def draw_pareto(
    plot: pg.PlotItem,
    x: Sequence[float | None],
    y: Sequence[float | None],
    front: Sequence[int],
    best: int | None,
    *,
    labels: Sequence[str] | None = None,
    x_percent: bool = False,
    y_percent: bool = False,
) -> None:
    """Every point (labelled ``labels[i]``, default #n), the Pareto front joined and
    highlighted, the best point starred."""
    _reset(plot)
    sx, sy = (100.0 if x_percent else 1.0), (100.0 if y_percent else 1.0)
    xs = np.array([math.nan if v is None else v * sx for v in x], dtype=float)
    ys = np.array([math.nan if v is None else v * sy for v in y], dtype=float)
    ok = np.isfinite(xs) & np.isfinite(ys)
    muted = theme.colors.muted
    plot.addItem(
        pg.ScatterPlotItem(
            xs[ok], ys[ok], size=9, brush=pg.mkBrush(theme.qcolor(muted, 140)), pen=pg.mkPen(muted), name="points"
        )
    )
    on_front = [i for i in front if ok[i]]
    if on_front:
        order = sorted(on_front, key=lambda i: xs[i])
        plot.addItem(
            pg.PlotDataItem(
                xs[order],
                ys[order],
                pen=pg.mkPen("#E67E22", width=2),
                symbol="o",
                symbolSize=11,
                symbolBrush=pg.mkBrush("#E67E22"),
                name="Pareto front",
            )
        )
    if best is not None and ok[best]:
        plot.addItem(
            pg.ScatterPlotItem(
                [xs[best]],
                [ys[best]],
                symbol="star",
                size=20,
                brush=pg.mkBrush("#1E8449"),
                pen=pg.mkPen("#145A32"),
                name=f"best (#{best + 1})",
            )
        )
    if ok.any():  # room on the right for the labels of the rightmost points
        low, high = float(xs[ok].min()), float(xs[ok].max())
        span = high - low if high > low else max(abs(high), 1.0)
        plot.setXRange(low - 0.04 * span, high + 0.22 * span, padding=0)
    for i in np.flatnonzero(ok):
        text = labels[i] if labels is not None else f"#{i + 1}"
        label = pg.TextItem(text, color=theme.colors.text, anchor=(-0.05, 1.1))
        label.setPos(float(xs[i]), float(ys[i]))
        plot.addItem(label)
