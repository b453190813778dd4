"""The report's charts, drawn with matplotlib (no Qt, no pyplot state) as inline SVG text.

Each function takes plain numbers and returns an ``<svg>`` element as a string, so the
HTML report embeds it and opens offline. Colours are the same series colours throughout,
so scenario 1 is the same colour in every chart.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from twin_app.experiments.warmup import WarmupSuggestion

SERIES = ("#2b6cb0", "#dd6b20", "#2f855a", "#9b2c2c", "#6b46c1", "#b7791f", "#2c7a7b", "#97266d")
GRID = "#d9dee5"
TEXT = "#1a202c"
_STYLE = {
    "svg.fonttype": "none",  # text stays text: smaller files, selectable labels
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.edgecolor": GRID,
    "axes.labelcolor": TEXT,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "xtick.color": TEXT,
    "ytick.color": TEXT,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def colour(index: int) -> str:
    return SERIES[index % len(SERIES)]


def _figure(width: float = 7.0, height: float = 3.2) -> tuple[Figure, Axes]:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), layout="constrained")
    axes = figure.add_subplot()
    axes.grid(True, color=GRID, linewidth=0.6)
    axes.set_axisbelow(True)
    return figure, axes


def _svg(figure: Figure) -> str:
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context(_STYLE):
        figure.savefig(buffer, format="svg", metadata={"Date": None})  # no date: the same run, the same file
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _styled(draw: Any) -> Any:
    """Run a drawing function under the report's style."""

    def wrapper(*args: Any, **kwargs: Any) -> str:
        import matplotlib

        with matplotlib.rc_context(_STYLE):
            return draw(*args, **kwargs)

    wrapper.__doc__ = draw.__doc__
    wrapper.__name__ = draw.__name__
    return wrapper


@_styled
def difference_chart(labels: Sequence[str], relative: Sequence[tuple[float, float, str]], title: str) -> str:
    """Paired differences as % of the baseline with their 95% CI, one row per KPI.

    ``relative`` holds (difference %, half-width %, state) per label; the state ('good',
    'bad', 'higher', 'neutral') colours the row as the table does.
    """
    figure, axes = _figure(8.0, 0.32 * len(labels) + 1.0)
    y = np.arange(len(labels))[::-1]
    tones = {"good": "#2f855a", "bad": "#c53030", "higher": "#2b6cb0", "neutral": "#a0aec0"}
    for row, (mean, half, state) in zip(y, relative, strict=True):
        tone = tones.get(state, "#a0aec0")
        axes.errorbar(mean, row, xerr=half, fmt="o", color=tone, ecolor=tone, capsize=3, markersize=4)
    axes.axvline(0.0, color=TEXT, linewidth=0.8)
    axes.set_yticks(y, labels)
    axes.set_xlabel("difference to the baseline, % of its mean (95% CI; green better, red worse, grey not significant)")
    axes.set_title(title, loc="left")
    return _svg(figure)


@_styled
def lead_time_chart(names: Sequence[str], quantiles: Sequence[Sequence[float]]) -> str:
    """Overlaid lead-time distributions (the mean quantile curves, as cumulative shares)."""
    figure, axes = _figure()
    levels = np.linspace(0.0, 100.0, 101)
    for index, (name, q) in enumerate(zip(names, quantiles, strict=True)):
        if len(q) == len(levels):
            axes.plot(np.asarray(q) / 60.0, levels, color=colour(index), label=name, linewidth=1.6)
    axes.set_xlabel("lead time (hours)")
    axes.set_ylabel("orders delivered within (%)")
    axes.set_title("Lead-time distribution", loc="left")
    axes.legend(frameon=False, loc="lower right")
    return _svg(figure)


@_styled
def wip_chart(
    names: Sequence[str], curves: Sequence[dict[str, Any]], warmup: float | None, title: str = "Orders in the system"
) -> str:
    """Overlaid WIP curves (replication means) with the warm-up marked."""
    figure, axes = _figure()
    for index, (name, curve) in enumerate(zip(names, curves, strict=True)):
        if curve.get("wip"):
            edges = np.asarray(curve["wip_edges"], dtype=float)
            axes.step(edges[:-1] / 1440.0, curve["wip"], where="post", color=colour(index), label=name, linewidth=1.4)
    if warmup:
        axes.axvspan(0, warmup / 1440.0, color="#edf2f7", zorder=0)
        axes.axvline(warmup / 1440.0, color="#718096", linestyle="--", linewidth=1)
        axes.annotate("warm-up", (warmup / 1440.0, 1.0), xycoords=("data", "axes fraction"), ha="right",
                      va="top", color="#4a5568", xytext=(-4, -2), textcoords="offset points")  # fmt: skip
    axes.set_xlabel("simulated time (days)")
    axes.set_ylabel("WIP (orders)")
    axes.set_title(title, loc="left")
    axes.legend(frameon=False)
    return _svg(figure)


@_styled
def grouped_bars(
    categories: Sequence[str],
    names: Sequence[str],
    values: Sequence[Sequence[float | None]],
    title: str,
    unit: str,
    percent: bool = False,
) -> str:
    """Bars per category, one colour per scenario (e.g. utilisation or profit by owner)."""
    if percent:
        values = [[None if v is None else 100 * v for v in series] for series in values]
    figure, axes = _figure(7.0, max(2.6, 0.28 * len(categories) * max(1, len(names)) + 1.0))
    y = np.arange(len(categories))[::-1]
    height = 0.8 / max(1, len(names))
    for index, (name, series) in enumerate(zip(names, values, strict=True)):
        numbers = [np.nan if v is None else v for v in series]
        axes.barh(y + (len(names) / 2 - index - 0.5) * height, numbers, height, color=colour(index), label=name)
    axes.set_yticks(y, categories)
    axes.set_xlabel(unit)
    axes.set_title(title, loc="left")
    axes.legend(frameon=False, loc="best")
    return _svg(figure)


@_styled
def bottleneck_chart(ranking: Sequence[tuple[str, float, float]], title: str) -> str:
    """Sole and shifting bottleneck shares of the top resources (active period method)."""
    top = list(ranking[:8])
    figure, axes = _figure(7.0, 0.3 * max(len(top), 1) + 1.0)
    y = np.arange(len(top))[::-1]
    sole = [100 * s for _, s, _ in top]
    shifting = [100 * s for _, _, s in top]
    axes.barh(y, sole, color="#c53030", label="sole")
    axes.barh(y, shifting, left=sole, color="#f6ad55", label="shifting")
    axes.set_yticks(y, [name for name, _, _ in top])
    axes.set_xlabel("share of the observed time (%)")
    axes.set_title(title, loc="left")
    axes.legend(frameon=False, loc="lower right")
    return _svg(figure)


@_styled
def factor_chart(factor: str, kpi: str, xs: Sequence[Any], ys: Sequence[float], percent: bool = False) -> str:
    """The objective against one factor: every design point faint, the mean at each level joined.

    Numeric levels sit on a numeric axis in order (a Latin hypercube's many levels as a
    scatter); other levels (a policy) are categories, their means not joined by a line.
    """
    figure, axes = _figure(3.6, 2.7)
    scale = 100.0 if percent else 1.0
    values = np.asarray(ys, dtype=float) * scale
    numeric = all(isinstance(x, int | float) and not isinstance(x, bool) for x in xs)
    if numeric:
        positions = np.asarray(xs, dtype=float)
        labels: list[str] | None = None
    else:
        labels = []
        for x in xs:
            if x not in labels:
                labels.append(x)
        positions = np.asarray([labels.index(x) for x in xs], dtype=float)
    axes.scatter(positions, values, color=colour(0), alpha=0.35, s=14, label="design points")
    levels = sorted(set(positions.tolist()))
    if len(levels) <= 12:
        means = [float(np.mean(values[positions == level])) for level in levels]
        axes.plot(levels, means, "o-" if numeric else "o", color=colour(0), markersize=6, label="mean at level")
    if labels is not None:
        axes.set_xticks(range(len(labels)), labels)
    axes.set_xlabel(factor)
    axes.set_ylabel(kpi + (" (%)" if percent else ""))
    span = float(np.nanmax(values) - np.nanmin(values)) if len(values) else 0.0
    middle = float(np.nanmean(values)) if len(values) else 0.0
    if span < 0.01 * abs(middle):  # a flat effect should look flat, not fill the axis
        axes.set_ylim(middle - 0.02 * abs(middle) - 1e-12, middle + 0.02 * abs(middle) + 1e-12)
    return _svg(figure)


@_styled
def pareto_chart(
    xs: Sequence[float], ys: Sequence[float], front: Sequence[int], labels: Sequence[str], x_label: str, y_label: str
) -> str:
    """Every point on two objectives, the Pareto front joined and marked."""
    figure, axes = _figure(6.0, 3.6)
    axes.scatter(xs, ys, color="#a0aec0", s=18, label="design points")
    if front:
        order = sorted(front, key=lambda i: xs[i])
        axes.plot([xs[i] for i in order], [ys[i] for i in order], "o-", color=colour(1), label="Pareto front")
    placed: list[tuple[float, float]] = []
    x_span = (max(xs) - min(xs)) or 1.0
    y_span = (max(ys) - min(ys)) or 1.0
    for i, label in enumerate(labels):
        near = sum(abs(xs[i] - x) < 0.03 * x_span and abs(ys[i] - y) < 0.04 * y_span for x, y in placed)
        axes.annotate(
            label, (xs[i], ys[i]), xytext=(4, 3 + 9 * near), textcoords="offset points", fontsize=7, color="#4a5568"
        )
        placed.append((xs[i], ys[i]))
    axes.set_xlabel(x_label)
    axes.set_ylabel(y_label)
    axes.set_title("Pareto front", loc="left")
    axes.legend(frameon=False)
    return _svg(figure)


def warmup_chart(suggestion: WarmupSuggestion) -> str:
    """The averaged WIP curve with the warm-up MSER-5 suggests (for ``twin-app warmup --plot``)."""
    curve = {"wip_edges": suggestion.edges.tolist(), "wip": suggestion.wip.tolist()}
    title = f"{suggestion.scenario}: WIP averaged over {suggestion.replications} replications"
    return wip_chart([suggestion.scenario], [curve], suggestion.warmup, title)
