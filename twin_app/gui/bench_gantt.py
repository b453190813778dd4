"""Paint-time benchmark of the Gantt chart on synthetic, realistic event logs.

Measures what a user feels: the time to render the whole :class:`GanttView` (toolbar, axes,
bars) into a 1600x900 image, per frame, as medians over repeated frames. Every frame moves the
view a little (a pan by a fraction of a pixel's worth of time) so no cached frame is reused:
the numbers are for a chart that is being scrolled, not a static picture. Cases:

- ``build``: ``show_layout`` + ``set_order_products`` + ``append`` of the whole log at once;
- ``first_paint``: the first render after the build;
- ``full``: the whole run in view (short bars from the store's binned summary,
  :mod:`twin_app.gui.gantt_lod`); ``full_unbinned``: the same pans rasterising every bar;
  ``zoomed``: 1% of the time range in view (moving);
- ``live_follow`` / ``live_full``: ``append`` of a batch of new bars + ``set_now`` + render,
  following the clock with a 5% window, or with the whole run in view.

``twin-app bench gui`` prints the rows; :func:`synthetic_run` is also used by the tests.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import Any

import numpy as np
from PySide6 import QtGui, QtWidgets

from twin_app.model.events import EVENT_DTYPE, ORDER_DTYPE, EventKind
from twin_app.model.layout import Layout, Resource

_MACHINE_TYPES = ("CNC", "Mill", "Lathe", "Press", "Laser", "Weld", "Paint", "Asm", "Test", "Pack")
_OWNERS = ("Acme Machining", "Bolt & Co", "Castor Metals", "Delta Fab", "Eagle Assembly", "FlexCell")
_FAMILIES = ("brackets", "covers", "frames", "housings", "shafts")


def synthetic_layout(n_rows: int, n_owners: int = 5, vehicle_share: float = 0.15, seed: int = 0) -> Layout:
    """A layout of ``n_rows`` resources: machine units of several owners and sites (in mixed
    scenario order, as a real scenario may list them), then vehicles of a logistics owner."""
    rng = np.random.default_rng(seed)
    n_owners = max(1, min(n_owners, len(_OWNERS) - 1))
    owners = (*_OWNERS[:n_owners], "TruckCo")
    sites = tuple(f"{o.split()[0].lower()}-{s + 1}" for o in owners[:n_owners] for s in range(2))
    n_vehicles = max(1, round(n_rows * vehicle_share)) if n_rows > 1 else 0
    n_units = n_rows - n_vehicles
    resources: list[Resource] = []
    first_unit: list[int] = []
    m = 0
    while len(resources) < n_units:
        site = int(rng.integers(len(sites)))
        capacity = int(min(rng.choice([1, 1, 1, 2, 3]), n_units - len(resources)))
        name = f"{_MACHINE_TYPES[m % len(_MACHINE_TYPES)]}-{m + 1:02d}"
        first_unit.append(len(resources))
        for u in range(capacity):
            rid = name if capacity == 1 else f"{name}.{u + 1}"
            resources.append(Resource(rid, "machine", site // 2, site, m, -1, u))
        m += 1
    for v in range(n_vehicles):
        lane = v // 2
        resources.append(
            Resource(f"Lane-{lane + 1:02d}/{v % 2 + 1}", "vehicle", n_owners, (2 * lane) % len(sites), -1, lane, v % 2)
        )
    return Layout(
        owners=owners,
        sites=sites,
        products=tuple(f"P{i}" for i in range(len(_FAMILIES) * 2)),
        customers=("shop",),
        families=_FAMILIES,
        resources=tuple(resources),
        resource_owner=np.array([r.owner for r in resources], dtype=np.int32),
        n_machine_units=n_units,
        machine_first_unit=tuple(first_unit),
    )


def synthetic_scenario(layout: Layout) -> Any:
    """A stand-in with just what :meth:`GanttView.show_layout` reads from a scenario."""
    products = [SimpleNamespace(id=p, family=_FAMILIES[i % len(_FAMILIES)]) for i, p in enumerate(layout.products)]
    owners = [SimpleNamespace(id=o, color="") for o in layout.owners]
    return SimpleNamespace(products=products, owners=owners, run=SimpleNamespace(time_unit="min", horizon=None))


def synthetic_events(layout: Layout, n_bars: int, seed: int = 1, wait_share: float = 0.05) -> np.ndarray:
    """About ``n_bars`` drawable intervals, contiguous per row with idle gaps, in emission order.

    Machines mix processing, setups, breakdowns, blocking and off-shift periods; vehicles do
    transports. A few WAIT records are added too (they are not bars). Sorted by end time, the
    order in which a simulator emits finished intervals.
    """
    rng = np.random.default_rng(seed)
    n_rows = len(layout.resources)
    per_row = np.full(n_rows, n_bars // n_rows)
    per_row[: n_bars % n_rows] += 1
    total = int(per_row.sum())
    res = np.repeat(np.arange(n_rows, dtype=np.int32), per_row)
    vehicle = res >= layout.n_machine_units
    u = rng.random(total)
    kind = np.where(
        u < 0.74,
        EventKind.PROCESS,
        np.where(
            u < 0.90,
            EventKind.SETUP,
            np.where(u < 0.955, EventKind.BLOCKED, np.where(u < 0.98, EventKind.DOWN, EventKind.OFF_SHIFT)),
        ),
    ).astype(np.uint8)
    kind[vehicle] = np.where(u[vehicle] < 0.96, EventKind.TRANSPORT, EventKind.DOWN)
    mean = np.array([12.0, 4.0, 25.0, 15.0, 90.0, 0.0, 3.0])[kind]
    dur = rng.gamma(2.0, mean / 2.0)
    gap = np.where(rng.random(total) < 0.5, 0.0, rng.exponential(3.0, total))
    step = dur + gap
    ends_cum = np.cumsum(step)
    row_first = np.concatenate([[0], np.cumsum(per_row)[:-1]])
    offset = np.repeat(ends_cum[row_first] - step[row_first], per_row)
    end = ends_cum - offset - gap
    start = end - dur
    # Stretch each row to a common horizon, as in a run where every resource sees the same clock.
    row_last = np.cumsum(per_row) - 1
    row_span = np.maximum(end[row_last], 1e-9)
    scale = np.repeat(row_span.mean() / row_span, per_row)
    start, end = start * scale, end * scale
    dur = end - start
    order = np.floor(start / 6.0).astype(np.int64) + rng.integers(-3, 4, total)
    order = np.maximum(order, 0)
    has_order = np.isin(kind, (EventKind.PROCESS, EventKind.SETUP, EventKind.TRANSPORT))
    ev = np.empty(total, dtype=EVENT_DTYPE)
    ev["start"], ev["end"], ev["kind"], ev["resource"] = start, end, kind, res
    ev["owner"] = layout.resource_owner[res]
    ev["order"] = np.where(has_order, order, -1)
    ev["job"] = np.where(has_order, order * 4 + rng.integers(0, 4, total), -1)
    ev["operation"] = np.where(has_order, rng.integers(0, 6, total), -1)
    ev["quantity"] = np.where(has_order, rng.integers(1, 20, total), 0)
    ev["cost"] = dur * np.where(kind == EventKind.PROCESS, 1.8, 0.9)
    n_wait = int(total * wait_share)
    if n_wait:
        w = np.empty(n_wait, dtype=EVENT_DTYPE)
        pick = rng.integers(0, total, n_wait)
        w[:] = ev[pick]
        w["kind"] = EventKind.WAIT
        w["end"] = ev["start"][pick]
        w["start"] = w["end"] - rng.exponential(10.0, n_wait)
        ev = np.concatenate([ev, w])
    return ev[np.argsort(ev["end"], kind="stable")]


def synthetic_orders(events: np.ndarray, n_products: int) -> np.ndarray:
    """ORDER_DTYPE records for the orders of ``events`` (product = order id mod n_products)."""
    ids = np.unique(events["order"][events["order"] >= 0])
    orders = np.zeros(len(ids), dtype=ORDER_DTYPE)
    orders["order"] = ids
    orders["product"] = ids % max(n_products, 1)
    orders["completed"] = np.nan
    return orders


def synthetic_run(n_bars: int, n_rows: int, seed: int = 1) -> tuple[Any, Layout, np.ndarray, np.ndarray]:
    """(scenario stand-in, layout, events, orders) for a synthetic run of about ``n_bars`` bars."""
    layout = synthetic_layout(n_rows, seed=seed)
    events = synthetic_events(layout, n_bars, seed=seed)
    return synthetic_scenario(layout), layout, events, synthetic_orders(events, len(layout.products))


def _rows_for(n_bars: int) -> int:
    return 50 if n_bars <= 20_000 else 120 if n_bars <= 200_000 else 200


def _app() -> QtWidgets.QApplication:
    app = QtWidgets.QApplication.instance()
    if app is None:
        app = QtWidgets.QApplication([])
    return app  # type: ignore[return-value]


def _timed(fn: Callable[[], None]) -> float:
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1e3


def _row(case: str, bars: int, rows: int, times: Sequence[float], stats: dict[str, Any]) -> dict[str, Any]:
    med = statistics.median(times)
    return {
        "case": case,
        "bars": bars,
        "rows": rows,
        "median_ms": round(med, 2),
        "fps": round(1000.0 / med, 1) if med > 0 else float("inf"),
        "min_ms": round(min(times), 2),
        "frames": len(times),
        "rects": int(stats.get("rects", 0)),
        "frame_ms": round(float(stats.get("frame_ms", 0.0)), 2),
        "draw_ms": round(float(stats.get("draw_ms", 0.0)), 2),
    }


def run_gantt_benchmark(
    sizes: Sequence[int] = (10_000, 100_000, 1_000_000),
    repeats: int = 15,
    width: int = 1600,
    height: int = 900,
    live_size: int = 100_000,
    batch: int = 500,
) -> list[dict[str, Any]]:
    """Median paint times per frame of the Gantt view (see the module docstring for the cases).

    Returns one dict per case: case, bars, rows, median_ms, fps, min_ms, frames, rects (drawn in
    the last frame), frame_ms / draw_ms (level-of-detail vs QPainter time of the last frame).
    """
    from twin_app.gui.gantt_view import GanttView

    app = _app()
    image = QtGui.QImage(width, height, QtGui.QImage.Format.Format_ARGB32_Premultiplied)
    out: list[dict[str, Any]] = []

    def render(view: GanttView) -> None:
        view.render(image)

    def make_view() -> GanttView:
        view = GanttView()
        view.resize(width, height)
        view.show()
        app.processEvents()
        return view

    for n in sizes:
        rows = _rows_for(n)
        scenario, layout, events, orders = synthetic_run(n, rows)
        view = make_view()
        view.set_follow_now(False)

        def build(
            view: GanttView = view,
            scenario: Any = scenario,
            layout: Layout = layout,
            orders: np.ndarray = orders,
            events: np.ndarray = events,
        ) -> None:
            view.show_layout(scenario, layout)
            view.set_order_products(orders)
            view.append(events)

        t_build = _timed(build)
        bars = view.store.n
        view.zoom_to_fit()
        t_first = _timed(lambda view=view: render(view))
        out.append(_row("build", bars, rows, [t_build], {}))
        out.append(_row("first_paint", bars, rows, [t_first], view.item.last_paint_stats))

        xa, xb = view.x_range()
        span = xb - xa

        def full_pans(view: GanttView = view, xa: float = xa, span: float = span) -> list[float]:
            times = []
            for i in range(repeats):
                d = span * 1e-4 * (i + 1)
                view.viewbox.setXRange(xa + d, xa + span + d, padding=0)
                times.append(_timed(lambda view=view: render(view)))
            return times

        out.append(_row("full", bars, rows, full_pans(), view.item.last_paint_stats))
        lod, view.store.lod = view.store.lod, None  # the same pans from the bars alone, side by side
        out.append(_row("full_unbinned", bars, rows, full_pans(), view.item.last_paint_stats))
        view.store.lod = lod

        times = []
        zw = span * 0.01
        for i in range(repeats):
            c = xa + span * (0.3 + 0.4 * i / max(repeats - 1, 1))
            view.viewbox.setXRange(c - zw / 2, c + zw / 2, padding=0)
            times.append(_timed(lambda view=view: render(view)))
        out.append(_row("zoomed", bars, rows, times, view.item.last_paint_stats))
        view.close()
        view.deleteLater()
        app.processEvents()

    if live_size:
        rows = _rows_for(live_size)
        n_extra = batch * repeats * 2
        scenario, layout, events, orders = synthetic_run(live_size + n_extra, rows)
        drawable = events["kind"] != EventKind.WAIT
        cut = int(np.searchsorted(np.cumsum(drawable), live_size))
        head, tail = events[:cut], events[cut:]
        for case in ("live_follow", "live_full"):
            view = make_view()
            view.show_layout(scenario, layout)
            view.set_order_products(orders)
            view.append(head)
            now = float(head["end"].max())
            if case == "live_full":
                view.set_follow_now(False)
                view.zoom_to_fit()
            else:
                view.viewbox.setXRange(0.0, now * 0.05, padding=0)
                # All rows, as before rows got a readable minimum height (comparable numbers).
                view.viewbox.setYRange(0.0, float(len(view.rows)), padding=0)
                view.set_follow_now(True)
            view.set_now(now)
            render(view)
            times = []
            pos = 0
            for _ in range(repeats):
                chunk = tail[pos : pos + batch]
                pos += batch
                t_now = float(chunk["end"].max())

                def frame(view: GanttView = view, chunk: np.ndarray = chunk, t_now: float = t_now) -> None:
                    view.append(chunk)
                    view.set_now(t_now)
                    if not view.follow_now():
                        view.zoom_to_fit()
                    render(view)

                times.append(_timed(frame))
            out.append(_row(case, view.store.n, rows, times, view.item.last_paint_stats))
            view.close()
            view.deleteLater()
            app.processEvents()
    return out


def format_rows(rows: Sequence[dict[str, Any]]) -> str:
    """The benchmark rows as a plain-text table (for the CLI)."""
    head = f"{'case':<12} {'bars':>9} {'rows':>5} {'median ms':>10} {'fps':>7} {'rects':>8} {'lod ms':>7} {'qt ms':>7}"
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(
            f"{r['case']:<12} {r['bars']:>9,} {r['rows']:>5} {r['median_ms']:>10.2f} {r['fps']:>7.1f} "
            f"{r['rects']:>8,} {r['frame_ms']:>7.2f} {r['draw_ms']:>7.2f}"
        )
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover - manual run: python -m twin_app.gui.bench_gantt
    print(format_rows(run_gantt_benchmark()))
