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

Money (prices, contracts, costs, the sharing rules, fairness and investment) is computed by
:mod:`twin_app.analysis.economics` and explained for partners in docs/economics.md.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from twin_app.analysis.arrays import percentile, take_rows
from twin_app.analysis.bottleneck import BottleneckAnalysis, analyse_bottlenecks, lane_of_resource, ranking
from twin_app.analysis.circular import circular_block
from twin_app.analysis.economics.costs import OwnerCosts, owner_costs
from twin_app.analysis.economics.kpi_blocks import cash_flows, money_blocks
from twin_app.analysis.economics.money import Money, analyse_money
from twin_app.analysis.economics.orders import paid_orders
from twin_app.analysis.energy import energy_block, machine_energy
from twin_app.analysis.forked import Forked, fork_available
from twin_app.analysis.logistics import logistics_block, owner_busy_share
from twin_app.analysis.quality import quality_block, trust_block
from twin_app.analysis.result import RunResult
from twin_app.analysis.tiers import tier_block
from twin_app.analysis.utilisation import (
    BUSY,
    STATES,
    mean_queue_length,
    state_durations,
    state_segments,
    step_function,
)

DAY = 1440.0
"""Minutes per day, for the per-day throughput."""

FORK_MIN_EVENTS = 1_000_000
"""The smallest event log whose money ``twin-app run`` computes in a forked child: below it the
fork costs more CPU than the wall time it saves (the reference shop to 8,000 minutes, 618,000
rows: KPI phase 0.61 s CPU in one process, 0.45 s + 0.42 s forked, for ~0.2 s less wall)."""


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
    o = take_rows(result.orders, counted_orders(result))
    return o["completed"] - o["release"]


def lead_time_histogram(
    result: RunResult, bins: int = 30, values: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Histogram of the counted orders' lead times: ``(edges (bins + 1), counts (bins))``
    (``values``: :func:`lead_times` of ``result`` if the caller has them already)."""
    values = lead_times(result) if values is None else values
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


# --- money -----------------------------------------------------------------------------------
Accounts = Money
"""The money of a run (:class:`twin_app.analysis.economics.money.Money`), under its old name."""


def accounts(result: RunResult, durations: np.ndarray | None = None) -> Money:
    """Costs, revenue under every sharing rule, and CO2 per owner over the window
    (:func:`twin_app.analysis.economics.money.analyse_money`)."""
    return analyse_money(result, durations)


# --- the KPI dictionary ---------------------------------------------------------------------
def _units_delivered(result: RunResult) -> float:
    """Units of the orders delivered in the window."""
    o = result.orders
    return float(o["quantity"][_delivered(result) & (o["completed"] >= result.start)].sum())


def order_kpis(result: RunResult) -> dict[str, Any]:
    """The order keys of :func:`compute_kpis` (window, orders_released, orders_completed,
    orders_open, makespan, throughput, lead_time, on_time_rate, tardiness, wip), computed the
    same way: a few passes over the orders, so the desktop's cards can follow a large run
    without waiting for its money."""
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
            p50=percentile(lead, 50),
            p95=percentile(lead, 95),
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
    units_done = _units_delivered(result)
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
        "lead_time": {**lead_block, "histogram": _histogram(result, lead)},
        "on_time_rate": on_time,
        "tardiness": tardiness,
        "wip": {"mean": wip_mean, "max": wip_max},
    }


def material_flows(result: RunResult, durations: np.ndarray) -> dict[str, Any]:
    """The flow keys of :func:`compute_kpis` that read no money (logistics, energy, quality,
    circular), computed the same way."""
    units = _units_delivered(result)
    return {
        "logistics": logistics_block(result, durations, units),
        "energy": energy_block(result, machine_energy(result, durations), units),
        "quality": quality_block(result),
        "circular": circular_block(result),
    }


def compute_kpis(
    result: RunResult,
    *,
    durations: np.ndarray | None = None,
    bottlenecks: BottleneckAnalysis | None = None,
    acc: Accounts | None = None,
    fork: bool = False,
    fork_min_events: int = 0,
) -> dict[str, Any]:
    """All headline KPIs of a run over its window, as a JSON-ready dictionary.

    ``fork``: compute the money blocks (and tiers, which read them) in a child process forked
    once the state durations are known, while this one computes the rest (:mod:`.forked`; the
    same KPIs, on two cores). Ignored in a process with other threads (a forked child would
    inherit their locks), where the platform cannot fork, when ``acc`` is given, or when the log
    has fewer than ``fork_min_events`` rows. ``twin-app run`` asks for it for a single
    replication with a log of at least :data:`FORK_MIN_EVENTS` rows.

    ``durations`` (:func:`state_durations`), ``bottlenecks`` (:func:`analyse_bottlenecks`) and
    ``acc`` (:func:`accounts`) of ``result``, when the caller has computed them already for its
    own views, are used instead of being computed again (the desktop app computes each once per
    refresh and shares it between the KPI, utilisation, bottleneck and map views).

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
      by_owner: {owner id: busy share of its machine units, or of its vehicles for an owner
      without machines (a carrier)}, states: {state: share of all machine-unit time}}.
    - ``bottleneck``: {resource: id of the top sole+shifting bottleneck (None if none), sole,
      shifting, ranking: top 5 [{resource, sole, shifting}]} (active period method, over
      machine units and lanes; a lane, named by its id, is active while all its vehicles
      are on the road).
    - ``queue_length``: {mean, max, by_resource}: time-average operations waiting per machine unit.
    - ``cost``: {running, idle, setup, transport, capex (incl. investments' capital charges),
      lease, maintenance, platform (the platform's own costs), total, per_order, per_unit (of
      the orders and units delivered in the window), per_unit_by_component: {component: per
      unit}, rental (pay-per-use fees between owners, not in the total), by_owner: {owner id:
      total, rental fees paid included}}.
    - ``revenue``: {total (what customers paid: prices, premiums, bonuses less penalties),
      per_order, platform_fee, unallocated, premiums, bonus, rental (fees received),
      by_owner: {owner id: shares + fee + rental fees received}}.
    - ``profit``: {total, by_owner: {owner id: revenue - cost}, by_rule: {rule: {total,
      by_owner}}}: under the scenario's sharing rule, and under every rule.
    - ``lateness``: {cost (contract penalties), late_orders, bonus, by_owner: {owner id: what
      the penalties took from its shares}}.
    - ``fairness``: {margin: {by_owner}, gini_margin, partners_losing, stand_alone: {by_owner},
      better_alone: {count, by_owner (1 or 0)}}.
    - ``investment``: {planning_years, method (how the window becomes years), invested, and
      by owner: annual_cash_flow, npv (also by_rule), payback_years, roi (also by_rule)}.
    - ``sharing``: {rule, shapley_error (95% half-width of the sampling error on any owner's
      Shapley-rule revenue; 0 when exact)}.
    - ``co2``: {total, by_owner, transport, production, per_unit}: transport CO2 from
      vehicle-km by load (empty returns emit) plus production CO2 from the machines' energy
      and their sites' grid intensity; per unit delivered.
    - ``logistics``: {trips, empty_trips, units_carried, fill_rate, vehicles,
      vehicle_utilisation, km, empty_km, empty_km_share, cost: {variable, fixed, total,
      per_unit}, co2, co2_per_unit, by_lane: {lane id: {trips, empty_trips, units, fill_rate,
      vehicles, utilisation, distance, km, empty_km, cost, co2}}, hubs: {site id: {parts,
      units, cost, utilisation}}} (:mod:`twin_app.analysis.logistics`).
    - ``energy``: {kwh, cost, co2, per_unit: {kwh, cost, co2}, by_state: {busy, setup, idle,
      standby}, by_owner: {owner id: kwh}, by_site: {site id: {kwh, cost, co2}}}
      (:mod:`twin_app.analysis.energy`).
    - ``quality``: {operations, scrap, rework, scrap_rate, rework_rate, by_owner: {owner id:
      {scrap_rate, rework_rate}}} (:mod:`twin_app.analysis.quality`).
    - ``trust``: {by_owner: {owner id: trust at the end}, mean_by_owner: {owner id: its
      time-average over the window}}.
    - ``tiers``: {tier: {owners, revenue, cost, profit, utilisation}} for owners with a tier
      (:mod:`twin_app.analysis.tiers`).
    - ``circular``: {delivered, returned, return_rate, remanufactured, recycled, reused,
      remanufactured_share, cost, co2, cost_avoided, co2_avoided} for take-back products
      (:mod:`twin_app.analysis.circular`; empty without any).
    - ``customers`` / ``products``: {id: {orders, units, revenue, lateness_cost,
      lead_time_mean, on_time_rate}}.
    - ``events``: number of event records.

    The money blocks are explained, with worked examples, in docs/economics.md.
    """
    layout = result.layout
    window = result.duration
    counted = counted_orders(result)
    units_done = _units_delivered(result)

    money: Forked | None = None
    forking = fork and acc is None and len(result.events) >= fork_min_events
    if forking and fork_available() and threading.active_count() == 1:  # never fork beside threads
        # forked before the interval sweep: the child works out the orders' work and games
        # (most of the money) while this side sweeps the intervals and adds up the owners'
        # costs, which it then hands over (the two sides' shares of the work about even)
        money = Forked(lambda receive: _money_blocks_later(result, receive, counted), inbox=True)
    # the sweep over every interval is the costly part of both: done once for the two
    segments = state_segments(result) if durations is None or bottlenecks is None else None
    if durations is None:
        durations = state_durations(result, segments)
    if money is not None:
        money.send((durations, owner_costs(result, len(paid_orders(result)), durations)))
    m = result.n_machine_units
    busy = durations[:, BUSY] / window if window > 0 else np.zeros(result.n_resources)
    owner_ids = layout.owners
    by_owner_util = dict(zip(owner_ids, owner_busy_share(result, durations), strict=True))
    machine_time = durations[:m].sum()
    states = {
        name: (float(durations[:m, s].sum() / machine_time) if machine_time > 0 else None)
        for s, name in enumerate(STATES)
    }

    analysis = analyse_bottlenecks(result, segments) if bottlenecks is None else bottlenecks
    del segments
    ranked = [(r, sole, shift) for r, sole, shift in ranking(analysis) if sole + shift > 0]
    top = ranked[0] if ranked else None
    resource_ids = [r.id for r in layout.resources]
    lanes = lane_of_resource(result)
    ranked_ids = [lanes.get(index, name) for index, name in enumerate(resource_ids)]

    queue_lengths = _queue_lengths(result)
    if money is not None:
        flows = _flow_blocks(result, durations, units_done, money.result)
    else:
        given = acc

        def computed_here() -> tuple[dict[str, Any], dict[str, Any]]:
            return _money_blocks(
                result, durations, given if given is not None else accounts(result, durations), counted
            )

        flows = _flow_blocks(result, durations, units_done, computed_here)
    return {
        **order_kpis(result),
        "utilisation": {
            "by_resource": {resource_ids[r]: float(busy[r]) for r in range(result.n_resources)},
            "mean": float(busy[:m].mean()) if m and window > 0 else None,
            "by_owner": by_owner_util,
            "states": states,
        },
        "bottleneck": {
            "resource": ranked_ids[top[0]] if top else None,
            "sole": top[1] if top else None,
            "shifting": top[2] if top else None,
            "ranking": [{"resource": ranked_ids[r], "sole": sole, "shifting": shift} for r, sole, shift in ranked[:5]],
        },
        "queue_length": queue_lengths,
        **flows,
        "events": len(result.events),
    }


def _money_blocks(
    result: RunResult, durations: np.ndarray, acc: Accounts, counted: np.ndarray
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The money blocks and the supplier tiers (the KPIs that read the accounts)."""
    return money_blocks(result, acc, counted), tier_block(result, acc, durations)


def _money_blocks_later(
    result: RunResult, receive: Callable[[], tuple[np.ndarray, OwnerCosts]], counted: np.ndarray
) -> tuple[dict[str, Any], dict[str, Any]]:
    """:func:`_money_blocks` with the state durations and the owners' costs from
    ``receive()``, waited for only once the orders' work and games are known (in a forked
    child: see :func:`compute_kpis`)."""
    received: list[tuple[np.ndarray, OwnerCosts]] = []

    def costs() -> OwnerCosts:
        received.append(receive())
        return received[0][1]

    acc = analyse_money(result, costs=costs)
    return _money_blocks(result, received[0][0], acc, counted)


def _flow_blocks(
    result: RunResult,
    durations: np.ndarray,
    units: float,
    money: Callable[[], tuple[dict[str, Any], dict[str, Any]]],
) -> dict[str, Any]:
    """The money blocks and supplier tiers (from ``money()``, asked for last: it may be
    computed in another process meanwhile), and the flows: logistics, energy (and the CO2
    split), quality, trust and circular flows."""
    flows = material_flows(result, durations)
    trust = trust_block(result)
    blocks, tiers = money()
    total, energy = blocks["co2"]["total"], flows["energy"]
    blocks["co2"].update(
        transport=total - energy["co2"],
        production=energy["co2"],
        per_unit=total / units if units > 0 else None,
    )
    return {
        **blocks,
        "logistics": flows["logistics"],
        "energy": energy,
        "quality": flows["quality"],
        "trust": trust,
        "tiers": tiers,
        "circular": flows["circular"],
    }


def _histogram(result: RunResult, lead: np.ndarray, bins: int = 20) -> dict[str, list[float]]:
    edges, counts = lead_time_histogram(result, bins, lead)
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


def owner_table(
    result: RunResult, durations: np.ndarray | None = None, acc: Accounts | None = None
) -> list[dict[str, Any]]:
    """One row per owner: id, name, kind, machines, vehicles, utilisation (busy share of its
    machine units; of its vehicles for an owner without machines, a carrier; None without
    either), cost, revenue, profit, margin (profit per revenue), npv, roi, payback (years) and
    co2 over the window.

    ``durations`` and ``acc`` (:func:`accounts`) of ``result`` are used if given."""
    layout = result.layout
    if durations is None:
        durations = state_durations(result)
    if acc is None:
        acc = accounts(result, durations)
    m = result.n_machine_units
    machine_owner = np.array([layout.resource_owner[u] for u in layout.machine_first_unit], dtype=np.int64)
    cost, revenue, profit = acc.costs.total, acc.revenue(), acc.profit()
    flows = cash_flows(result, profit)
    busy_share = owner_busy_share(result, durations)
    vehicle_owner = layout.resource_owner[m:]
    rows: list[dict[str, Any]] = []
    for index, owner in enumerate(result.scenario.owners):
        utilisation = busy_share[index]
        flow = flows[index]
        rows.append(
            {
                "owner": owner.id,
                "name": owner.name or owner.id,
                "kind": owner.kind,
                "machines": int((machine_owner == index).sum()),
                "vehicles": int((vehicle_owner == index).sum()),
                "utilisation": utilisation,
                "cost": float(cost[index]),
                "revenue": float(revenue[index]),
                "profit": float(profit[index]),
                "margin": float(profit[index] / revenue[index]) if revenue[index] > 0 else None,
                "npv": None if flow is None else flow.npv(),
                "roi": None if flow is None else flow.roi(),
                "payback": None if flow is None else flow.payback(),
                "co2": float(acc.costs.co2[index]),
            }
        )
    return rows
