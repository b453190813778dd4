"""Key performance indicators of a run, as plain JSON-ready dictionaries.

Conventions (the same in every function here, and in the views built on them):

- Everything is observed over the window ``[start, end]`` (warm-up to end of run).
- Order figures (lead time, on-time rate, tardiness) count only orders *released* in the
  window and delivered by its end, so warm-up orders never distort them. Throughput and
  revenue count orders *delivered* in the window (when the money comes in).
- Amounts carried by intervals (running, setup and transport cost, CO2) are attributed to
  the window in proportion to each interval's overlap with it (see
  :meth:`RunResult.window_fraction`); idle cost is the idle rate times idle time in the
  window; capex and lease accrue per period: rate x window / ``run.cost_period``.
- Undefined figures (no orders delivered, ...) are ``None``, never NaN, so the dictionary
  is valid JSON.

Fairness rule for revenue. A delivered order's price is split as follows: the platform (the
owner whose kind is "platform", if there is one) keeps ``platform.fee`` of it; the rest is
shared among the owners whose resources worked on that order (its PROCESS, SETUP and
TRANSPORT events, over the whole run) in proportion to the cost each of them incurred for it,
so each partner recovers its costs at the same margin. If the order cost nothing, the shares
follow the time each owner spent on it; if no work was recorded, the rest is 'unallocated'.
Without a platform owner no fee is taken.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from twin_app.analysis.bottleneck import analyse_bottlenecks, ranking
from twin_app.analysis.result import RunResult
from twin_app.analysis.utilisation import BUSY, IDLE, STATES, mean_queue_length, state_durations, step_function
from twin_app.model.events import EventKind

DAY = 1440.0
"""Minutes per day, for the per-day throughput."""


def _num(value: float) -> float | None:
    """A float for JSON: NaN and infinities become None."""
    value = float(value)
    return value if np.isfinite(value) else None


# --- orders ---------------------------------------------------------------------------------
def _delivered(result: RunResult) -> np.ndarray:
    completed = result.orders["completed"]
    return np.isfinite(completed) & (completed <= result.end)


def counted_orders(result: RunResult) -> np.ndarray:
    """Orders that count for lead time and on-time rate: released in the window, delivered."""
    release = result.orders["release"]
    return _delivered(result) & (release >= result.start) & (release <= result.end)


def lead_times(result: RunResult) -> np.ndarray:
    """Lead time (delivery minus release) of each counted order."""
    o = result.orders[counted_orders(result)]
    return o["completed"] - o["release"]


def lead_time_histogram(result: RunResult, bins: int = 30) -> tuple[np.ndarray, np.ndarray]:
    """Histogram of the counted orders' lead times: ``(edges (bins + 1), counts (bins))``."""
    values = lead_times(result)
    if len(values) == 0:
        return np.linspace(0.0, 1.0, bins + 1), np.zeros(bins, dtype=np.int64)
    counts, edges = np.histogram(values, bins=bins)
    return edges, counts.astype(np.int64)


def wip_over_time(result: RunResult) -> tuple[np.ndarray, np.ndarray]:
    """Orders in the system (released, not yet delivered) over the window, as a step
    function ``(times, wip)``: ``wip[i]`` holds from ``times[i]`` to the next time."""
    o = result.orders
    completed = np.where(np.isfinite(o["completed"]), o["completed"], np.inf)
    return step_function(result, o["release"], completed)


def compute_wip_mean(result: RunResult) -> float:
    """Time-average number of orders in the system over the window (Little's L)."""
    times, values = wip_over_time(result)
    mean, _peak = _step_stats(result, times, values)
    return float("nan") if mean is None else mean


def _step_stats(result: RunResult, times: np.ndarray, values: np.ndarray) -> tuple[float | None, float]:
    if result.duration <= 0:
        return None, float(values.max()) if len(values) else 0.0
    widths = np.diff(np.append(times, result.end))
    return float((widths * values).sum() / result.duration), float(values.max())


# --- accounts -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Accounts:
    """Money and CO2 per owner over the window (arrays of length n_owners)."""

    running: np.ndarray
    idle: np.ndarray
    setup: np.ndarray
    transport: np.ndarray
    capex: np.ndarray
    lease: np.ndarray
    revenue: np.ndarray
    platform_fee: float
    unallocated: float
    co2: np.ndarray

    @property
    def cost(self) -> np.ndarray:
        return self.running + self.idle + self.setup + self.transport + self.capex + self.lease

    @property
    def profit(self) -> np.ndarray:
        return self.revenue - self.cost


def _event_owner(result: RunResult, events: np.ndarray) -> np.ndarray:
    """Owner of each event: its own owner field, else the owner of its resource (-1: none)."""
    owner = events["owner"].astype(np.int64)
    res = events["resource"]
    ok_res = (res >= 0) & (res < result.n_resources)
    fallback = np.full(len(events), -1, dtype=np.int64)
    fallback[ok_res] = result.layout.resource_owner[res[ok_res]]
    owner = np.where(owner >= 0, owner, fallback)
    return np.where(owner < result.n_owners, owner, -1)


def _per_owner(result: RunResult, owner: np.ndarray, amount: np.ndarray) -> np.ndarray:
    ok = owner >= 0
    return np.bincount(owner[ok], weights=amount[ok], minlength=result.n_owners)[: result.n_owners]


def _platform_owner(result: RunResult) -> int:
    for index, owner in enumerate(result.scenario.owners):
        if owner.kind == "platform":
            return index
    return -1


def revenue_split(result: RunResult) -> tuple[np.ndarray, float, float]:
    """Revenue of the orders delivered in the window per owner, by the fairness rule.

    Returns ``(revenue per owner incl. the platform's fee, the fee, unallocated)``.
    """
    n_owners = result.n_owners
    o = result.orders
    completed = o["completed"]
    paid = np.isfinite(completed) & (completed >= result.start) & (completed <= result.end)
    o = o[paid]
    o = o[np.argsort(o["order"], kind="stable")]
    revenue = np.zeros(n_owners)
    if len(o) == 0:
        return revenue, 0.0, 0.0
    platform = _platform_owner(result)
    fee_rate = result.scenario.platform.fee if platform >= 0 else 0.0
    fee = float(o["price"].sum() * fee_rate)
    if platform >= 0:
        revenue[platform] += fee
    rest = o["price"] * (1.0 - fee_rate)

    ev = result.events
    work = result.kind_mask(EventKind.PROCESS, EventKind.SETUP, EventKind.TRANSPORT) & np.isin(ev["order"], o["order"])
    ev = ev[work]
    owner = _event_owner(result, ev)
    ev, owner = ev[owner >= 0], owner[owner >= 0]
    position = np.searchsorted(o["order"], ev["order"])  # orders are sorted by id
    # Sparse over the (order, owner) pairs that occur: a dense orders x owners matrix is
    # 100,000 x 218 floats per quantity on the large network (1.2 GB in all).
    keys, pair = np.unique(position * n_owners + owner, return_inverse=True)
    pair_order, pair_owner = keys // n_owners, keys % n_owners
    cost = np.bincount(pair, weights=ev["cost"])
    time = np.bincount(pair, weights=ev["end"] - ev["start"])
    count = np.bincount(pair).astype(np.float64)
    order_cost = np.bincount(pair_order, weights=cost, minlength=len(o))[pair_order]
    order_time = np.bincount(pair_order, weights=time, minlength=len(o))[pair_order]
    order_count = np.bincount(pair_order, weights=count, minlength=len(o))[pair_order]
    by_cost, by_time = order_cost > 0, (order_cost <= 0) & (order_time > 0)
    basis = np.where(by_cost, cost, np.where(by_time, time, count))
    total = np.where(by_cost, order_cost, np.where(by_time, order_time, order_count))
    revenue += np.bincount(pair_owner, weights=basis / total * rest[pair_order], minlength=n_owners)[:n_owners]
    worked = np.bincount(pair_order, minlength=len(o)) > 0
    unallocated = float(rest[~worked].sum())
    return revenue, fee, unallocated


def accounts(result: RunResult, durations: np.ndarray | None = None) -> Accounts:
    """Costs, revenue and CO2 per owner over the window (see the module docstring)."""
    scenario = result.scenario
    layout = result.layout
    ev = result.events
    share = result.window_fraction()
    owner = _event_owner(result, ev)
    kind = ev["kind"]

    def amount(k: EventKind) -> np.ndarray:
        pick = kind == k
        return _per_owner(result, owner[pick], ev["cost"][pick] * share[pick])

    if durations is None:
        durations = state_durations(result)
    m = result.n_machine_units
    unit_machine = np.array([r.machine for r in layout.resources[:m]], dtype=np.int64)
    idle_rate = np.array([mc.cost.idle for mc in scenario.machines])[unit_machine] if m else np.zeros(0)
    unit_owner = layout.resource_owner[:m].astype(np.int64)
    idle = _per_owner(result, unit_owner, durations[:m, IDLE] * idle_rate)

    periods = result.duration / scenario.run.cost_period
    machine_owner = np.array([layout.resource_owner[u] for u in layout.machine_first_unit], dtype=np.int64)
    capex = _per_owner(result, machine_owner, np.array([mc.capex_per_period for mc in scenario.machines]) * periods)
    lease = _per_owner(result, machine_owner, np.array([mc.lease_per_period for mc in scenario.machines]) * periods)

    transport = kind == EventKind.TRANSPORT
    res = ev["resource"]
    on_vehicle = transport & (res >= m) & (res < result.n_resources)
    lane_co2 = np.array([lane.co2_per_unit for lane in scenario.lanes] or [0.0])
    vehicle_lane = np.array([r.lane for r in layout.resources], dtype=np.int64)
    co2_each = np.zeros(len(ev))
    co2_each[on_vehicle] = ev["quantity"][on_vehicle] * lane_co2[vehicle_lane[res[on_vehicle]]] * share[on_vehicle]
    co2 = _per_owner(result, owner, co2_each)

    revenue, fee, unallocated = revenue_split(result)
    return Accounts(
        running=amount(EventKind.PROCESS),
        idle=idle,
        setup=amount(EventKind.SETUP),
        transport=amount(EventKind.TRANSPORT),
        capex=capex,
        lease=lease,
        revenue=revenue,
        platform_fee=fee,
        unallocated=unallocated,
        co2=co2,
    )


# --- the KPI dictionary ---------------------------------------------------------------------
def compute_kpis(result: RunResult) -> dict[str, Any]:
    """All headline KPIs of a run over its window, as a JSON-ready dictionary.

    Keys (times in the scenario's time unit, minutes):

    - ``window``: {start, end, length}.
    - ``orders_released``: orders released in the window; ``orders_completed``: delivered in it;
      ``orders_open``: released (ever) and not delivered at the end.
    - ``makespan``: time of the last delivery, or of the last event end if none.
    - ``throughput``: {per_time_unit, per_day (x1440), units_per_time_unit}: deliveries in the
      window per time unit.
    - ``lead_time``: {mean, p50, p95, max, count, histogram: {edges, counts}} over counted
      orders (released in the window, delivered); percentiles interpolate linearly.
    - ``on_time_rate``: share of counted orders (with a due date) delivered by their due date.
    - ``tardiness``: {mean, max} of max(0, delivery - due) over the same orders.
    - ``wip``: {mean, max}: time-average and peak number of orders in the system.
    - ``utilisation``: {by_resource: {resource id: busy share}, mean: over machine units,
      by_owner: {owner id: busy share of its machine units}, states: {state: share of all
      machine-unit time}}.
    - ``bottleneck``: {resource: id of the top sole+shifting bottleneck (None if none), sole,
      shifting, ranking: top 5 [{resource, sole, shifting}]} (active period method).
    - ``cost``: {running, idle, setup, transport, capex, lease, total, per_order, per_unit
      (of the orders and units delivered in the window), by_owner: {owner id: total}}.
    - ``queue_length``: {mean, max, by_resource}: time-average operations waiting per machine unit.
    - ``revenue``: {total, per_order, platform_fee, unallocated, by_owner: {owner id: revenue}}
      by the fairness rule of this module.
    - ``profit``: {total, by_owner: {owner id: revenue - cost}}.
    - ``co2``: {total, by_owner}: transported units x lane co2_per_unit.
    - ``events``: number of event records.
    """
    layout = result.layout
    window = result.duration
    o = result.orders
    release = o["release"]
    completed = o["completed"]
    delivered = _delivered(result)
    in_window_release = (release >= result.start) & (release <= result.end)
    delivered_in_window = delivered & (completed >= result.start)
    counted = counted_orders(result)

    lead = lead_times(result)
    lead_block: dict[str, Any] = {"mean": None, "p50": None, "p95": None, "max": None, "count": len(lead)}
    if len(lead):
        lead_block.update(
            mean=float(lead.mean()),
            p50=float(np.percentile(lead, 50)),
            p95=float(np.percentile(lead, 95)),
            max=float(lead.max()),
        )
    due = o["due"][counted]
    has_due = np.isfinite(due)
    late_by = np.maximum(completed[counted][has_due] - due[has_due], 0.0)
    on_time = None if not has_due.any() else float((late_by <= 0).mean())
    tardiness = {
        "mean": _num(late_by.mean()) if len(late_by) else None,
        "max": _num(late_by.max()) if len(late_by) else None,
    }

    wip_times, wip_values = wip_over_time(result)
    wip_mean, wip_max = _step_stats(result, wip_times, wip_values)

    if delivered.any():
        makespan = float(completed[delivered].max())
    elif len(result.events):
        makespan = float(result.events["end"].max())
    else:
        makespan = 0.0
    n_done = int(delivered_in_window.sum())
    per_time = n_done / window if window > 0 else None
    units_done = float(o["quantity"][delivered_in_window].sum())

    durations = state_durations(result)
    m = result.n_machine_units
    busy = durations[:, BUSY] / window if window > 0 else np.zeros(result.n_resources)
    unit_owner = layout.resource_owner[:m].astype(np.int64)
    owner_ids = layout.owners
    by_owner_util: dict[str, float | None] = {}
    for index, owner_id in enumerate(owner_ids):
        mine = unit_owner == index
        by_owner_util[owner_id] = float(busy[:m][mine].mean()) if mine.any() and window > 0 else None
    machine_time = durations[:m].sum()
    states = {
        name: (float(durations[:m, s].sum() / machine_time) if machine_time > 0 else None)
        for s, name in enumerate(STATES)
    }

    analysis = analyse_bottlenecks(result)
    ranked = [(r, sole, shift) for r, sole, shift in ranking(analysis) if sole + shift > 0]
    top = ranked[0] if ranked else None
    resource_ids = [r.id for r in layout.resources]

    acc = accounts(result, durations)
    cost_total = acc.cost
    return {
        "window": {"start": float(result.start), "end": float(result.end), "length": float(window)},
        "orders_released": int(in_window_release.sum()),
        "orders_completed": n_done,
        "orders_open": int((~delivered & (release <= result.end)).sum()),
        "makespan": makespan,
        "throughput": {
            "per_time_unit": per_time,
            "per_day": per_time * DAY if per_time is not None else None,
            "units_per_time_unit": units_done / window if window > 0 else None,
        },
        "lead_time": {**lead_block, "histogram": _histogram(result)},
        "on_time_rate": on_time,
        "tardiness": tardiness,
        "wip": {"mean": wip_mean, "max": wip_max},
        "utilisation": {
            "by_resource": {resource_ids[r]: float(busy[r]) for r in range(result.n_resources)},
            "mean": float(busy[:m].mean()) if m and window > 0 else None,
            "by_owner": by_owner_util,
            "states": states,
        },
        "bottleneck": {
            "resource": resource_ids[top[0]] if top else None,
            "sole": top[1] if top else None,
            "shifting": top[2] if top else None,
            "ranking": [
                {"resource": resource_ids[r], "sole": sole, "shifting": shift} for r, sole, shift in ranked[:5]
            ],
        },
        "cost": {
            "running": float(acc.running.sum()),
            "idle": float(acc.idle.sum()),
            "setup": float(acc.setup.sum()),
            "transport": float(acc.transport.sum()),
            "capex": float(acc.capex.sum()),
            "lease": float(acc.lease.sum()),
            "total": float(cost_total.sum()),
            "per_order": float(cost_total.sum() / n_done) if n_done else None,
            "per_unit": float(cost_total.sum() / units_done) if units_done else None,
            "by_owner": {owner_ids[i]: float(cost_total[i]) for i in range(result.n_owners)},
        },
        "queue_length": _queue_lengths(result),
        "revenue": {
            "total": float(acc.revenue.sum() + acc.unallocated),
            "per_order": float((acc.revenue.sum() + acc.unallocated) / n_done) if n_done else None,
            "platform_fee": acc.platform_fee,
            "unallocated": acc.unallocated,
            "by_owner": {owner_ids[i]: float(acc.revenue[i]) for i in range(result.n_owners)},
        },
        "profit": {
            "total": float(acc.profit.sum()),
            "by_owner": {owner_ids[i]: float(acc.profit[i]) for i in range(result.n_owners)},
        },
        "co2": {
            "total": float(acc.co2.sum()),
            "by_owner": {owner_ids[i]: float(acc.co2[i]) for i in range(result.n_owners)},
        },
        "events": len(result.events),
    }


def _histogram(result: RunResult, bins: int = 20) -> dict[str, list[float]]:
    edges, counts = lead_time_histogram(result, bins)
    return {"edges": [float(e) for e in edges], "counts": [int(c) for c in counts]}


def _queue_lengths(result: RunResult) -> dict[str, Any]:
    """Time-average number of operations waiting per machine unit, and their mean."""
    m = result.n_machine_units
    lengths = mean_queue_length(result)[:m]
    ids = [r.id for r in result.layout.resources[:m]]
    return {
        "mean": float(lengths.mean()) if m else None,
        "max": float(lengths.max()) if m else None,
        "by_resource": {ids[r]: float(lengths[r]) for r in range(m)},
    }


def owner_table(result: RunResult) -> list[dict[str, Any]]:
    """One row per owner: id, name, kind, machines, utilisation (busy share of its machine
    units, None without machines), cost, revenue, profit, co2 over the window."""
    layout = result.layout
    durations = state_durations(result)
    acc = accounts(result, durations)
    m = result.n_machine_units
    unit_owner = layout.resource_owner[:m]
    machine_owner = np.array([layout.resource_owner[u] for u in layout.machine_first_unit], dtype=np.int64)
    window = result.duration
    rows: list[dict[str, Any]] = []
    for index, owner in enumerate(result.scenario.owners):
        mine = unit_owner == index
        utilisation = (
            float(durations[:m][mine, BUSY].sum() / (mine.sum() * window)) if mine.any() and window > 0 else None
        )
        rows.append(
            {
                "owner": owner.id,
                "name": owner.name or owner.id,
                "kind": owner.kind,
                "machines": int((machine_owner == index).sum()),
                "utilisation": utilisation,
                "cost": float(acc.cost[index]),
                "revenue": float(acc.revenue[index]),
                "profit": float(acc.profit[index]),
                "co2": float(acc.co2[index]),
            }
        )
    return rows
