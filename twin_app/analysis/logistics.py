"""Logistics of a run from its event log: trips, fill, vehicle-km, fleet cost and CO2.

A **trip** is a loaded leg: the TRANSPORT records of one vehicle with the same start and end
(every part that rode together). An **empty leg** is a TRANSPORT record without an order: a
vehicle driving back after delivering. Each leg covers the lane's road distance
(:mod:`twin_app.model.geography`).

- **Trips**, **units carried** and **fill rate** count the trips that *depart* in the
  observation window; a trip's fill is its load over the vehicle capacity (at most 1; lanes
  without a capacity have no fill rate). Fill rate = mean fill of those trips = units carried
  / (trips x capacity) when no part is larger than a vehicle.
- **Vehicle-km** (loaded, empty) and **CO2** are attributed to the window in proportion to
  each leg's overlap with it, like every amount (:meth:`RunResult.window_fraction`).
- **CO2 of a leg** = km x (co2_per_km_empty + (co2_per_km_full - co2_per_km_empty) x fill):
  an empty return emits the empty figure, a full vehicle the full one; plus, for the format 1
  way of stating it, units carried x co2_per_unit. Fuller vehicles emit less per unit, and
  every loaded km brings an empty one with it.
- **Vehicle utilisation**: the share of the window a vehicle drives (loaded or empty).
- **Fleet cost**: variable (what the TRANSPORT records cost: per trip, per unit, per km of the
  trip there and back) and fixed (``vehicle_cost_per_day`` x vehicles x days, plus
  ``lease_per_period`` x cost periods): the logistics providers' costs.
- **Hubs**: each TRANSPORT record with resource -1 is one part handled at a hub (its site
  index in ``operation``, see :mod:`twin_app.sim.hubs`): parts and units handled (started in
  the window), handling cost and time in the window, and the docks' utilisation (handling
  time / (docks x window); None for a hub without a dock limit).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from twin_app.analysis.arrays import take_rows
from twin_app.analysis.result import RunResult
from twin_app.analysis.utilisation import BUSY
from twin_app.model.events import EventKind
from twin_app.model.geography import lane_distances

DAY = 1440.0
"""Time units per day: ``vehicle_cost_per_day`` is per 1,440 minutes."""

NO_CAPACITY = 1.0e9
"""The default vehicle capacity, meaning 'no limit' (such lanes have no fill rate)."""


@dataclass(frozen=True)
class Legs:
    """Every leg of every vehicle over the whole run (arrays, one entry per leg)."""

    lane: np.ndarray
    resource: np.ndarray
    owner: np.ndarray
    start: np.ndarray
    end: np.ndarray
    load: np.ndarray
    """Units on board (0 for an empty leg)."""
    loaded: np.ndarray
    fill: np.ndarray
    """Load / capacity, at most 1 (0 for lanes without a capacity)."""
    km: np.ndarray
    co2: np.ndarray
    """CO2 of the whole leg: per km by fill, plus the per-unit figure of its load."""
    window: np.ndarray
    """Share of the leg inside the observation window."""


def vehicle_legs(result: RunResult) -> Legs:
    """The loaded and empty legs of the run's vehicles (see the module docstring), worked out
    once per result (:meth:`~twin_app.analysis.result.RunResult.derived`)."""
    return result.derived("vehicle_legs", lambda: _vehicle_legs(result))


def _vehicle_legs(result: RunResult) -> Legs:
    scenario = result.scenario
    layout = result.layout
    m = result.n_machine_units
    ev = result.events
    n_lanes = len(scenario.lanes)
    if n_lanes and result.n_resources > m:  # (else no vehicle: no row to pick)
        res = ev["resource"]
        tr = take_rows(ev, (ev["kind"] == EventKind.TRANSPORT) & (res >= m) & (res < result.n_resources))
    else:
        tr = ev[:0]
    resource_lane = np.array([r.lane for r in layout.resources], dtype=np.int64)
    if len(tr) == 0 or n_lanes == 0:
        empty_f = np.zeros(0)
        empty_i = np.zeros(0, dtype=np.int64)
        return Legs(empty_i, empty_i, empty_i, empty_f, empty_f, empty_f, np.zeros(0, dtype=bool), empty_f,
                    empty_f, empty_f, empty_f)  # fmt: skip
    loaded_record = tr["order"] != -1  # -1: driving back empty; -2: carrying a return flow
    # One leg per (vehicle, start, end, loaded): the parts of a trip share them.
    order = np.lexsort((loaded_record, tr["end"], tr["start"], tr["resource"]))
    tr, loaded_record = take_rows(tr, order), loaded_record[order]
    new = np.ones(len(tr), dtype=bool)
    new[1:] = (
        (tr["resource"][1:] != tr["resource"][:-1])
        | (tr["start"][1:] != tr["start"][:-1])
        | (tr["end"][1:] != tr["end"][:-1])
        | (loaded_record[1:] != loaded_record[:-1])
    )
    leg_of = np.cumsum(new) - 1
    first = np.flatnonzero(new)
    n = len(first)
    load = np.bincount(leg_of, weights=np.where(loaded_record, tr["quantity"], 0.0), minlength=n)
    resource = tr["resource"][first].astype(np.int64)
    lane = resource_lane[resource]
    capacity = np.array([ln.vehicle_capacity for ln in scenario.lanes])[lane]
    limited = capacity < NO_CAPACITY
    fill = np.where(limited, np.minimum(load / capacity, 1.0), 0.0)
    km = np.array(lane_distances(scenario))[lane]
    empty_rate = np.array([ln.co2_per_km_empty for ln in scenario.lanes])[lane]
    full_rate = np.array([ln.co2_per_km_full for ln in scenario.lanes])[lane]
    per_unit = np.array([ln.co2_per_unit for ln in scenario.lanes])[lane]
    co2 = km * (empty_rate + (full_rate - empty_rate) * fill) + load * per_unit
    start, end = tr["start"][first], tr["end"][first]
    return Legs(
        lane=lane,
        resource=resource,
        owner=layout.resource_owner[resource].astype(np.int64),
        start=start,
        end=end,
        load=load,
        loaded=loaded_record[first],
        fill=fill,
        km=km,
        co2=co2,
        window=result.window_fraction(tr[first]),
    )


def transport_co2_by_owner(result: RunResult, legs: Legs | None = None) -> np.ndarray:
    """Transport CO2 in the window per owner (the vehicles' owners)."""
    legs = vehicle_legs(result) if legs is None else legs
    ok = (legs.owner >= 0) & (legs.owner < result.n_owners)
    amount = legs.co2 * legs.window
    return np.bincount(legs.owner[ok], weights=amount[ok], minlength=result.n_owners)[: result.n_owners]


def fleet_fixed_cost(result: RunResult) -> np.ndarray:
    """Fixed cost of each lane's fleet over the window: vehicles x cost per day x days, plus
    the fleet's lease per cost period."""
    scenario = result.scenario
    days = result.duration / DAY
    periods = result.duration / scenario.run.cost_period
    return np.array(
        [ln.vehicles * ln.vehicle_cost_per_day * days + ln.lease_per_period * periods for ln in scenario.lanes]
    )


def vehicle_fixed_cost_by_owner(result: RunResult) -> np.ndarray:
    """``vehicle_cost_per_day`` x vehicles x days in the window, per lane owner."""
    days = result.duration / DAY
    out = np.zeros(result.n_owners)
    for resource in result.layout.resources[result.n_machine_units :]:
        lane = result.scenario.lanes[resource.lane]
        if 0 <= resource.owner < result.n_owners:
            out[resource.owner] += lane.vehicle_cost_per_day * days
    return out


def owner_busy_share(result: RunResult, durations: np.ndarray) -> list[float | None]:
    """Per owner: the busy share of its machine units; for an owner without machines (a
    carrier), of its vehicles; None for an owner with neither (or an empty window)."""
    window = result.duration
    m = result.n_machine_units
    owner = result.layout.resource_owner.astype(np.int64)
    busy = durations[:, BUSY]
    n = result.n_owners
    shares: list[float | None] = []
    for index in range(n):
        mine = owner == index
        machines = mine[:m]
        pick = np.flatnonzero(machines) if machines.any() else m + np.flatnonzero(mine[m:])
        shares.append(float(busy[pick].sum() / (len(pick) * window)) if len(pick) and window > 0 else None)
    return shares


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole > 0 else None


def logistics_block(result: RunResult, durations: np.ndarray, units: float) -> dict[str, Any]:
    """The ``logistics`` block of the KPI dictionary (``units``: units delivered in the
    window, the denominator of the per-unit figures); documented in :func:`compute_kpis`."""
    scenario = result.scenario
    legs = vehicle_legs(result)
    n_lanes = len(scenario.lanes)
    departs = (legs.start >= result.start) & (legs.start < result.end)
    trip = legs.loaded & departs
    limited = np.array([ln.vehicle_capacity < NO_CAPACITY for ln in scenario.lanes] or [False])
    trip_limited = trip & limited[legs.lane] if len(legs.lane) else trip

    def per_lane(values: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        pick = np.ones(len(legs.lane), dtype=bool) if mask is None else mask
        return np.bincount(legs.lane[pick], weights=values[pick], minlength=n_lanes)[:n_lanes]

    ones = np.ones(len(legs.lane))
    trips = per_lane(ones, trip)
    empty_legs = per_lane(ones, ~legs.loaded & departs)
    carried = per_lane(legs.load, trip)
    fill_sum = per_lane(legs.fill, trip_limited)
    loaded_km = per_lane(legs.km * legs.window, legs.loaded)
    empty_km = per_lane(legs.km * legs.window, ~legs.loaded)
    co2 = per_lane(legs.co2 * legs.window)

    ev = result.events
    m = result.n_machine_units
    res = ev["resource"]
    on_vehicle: np.ndarray | slice = slice(0, 0)  # no vehicle: no row (and no pass over the log)
    if result.n_resources > m:
        on_vehicle = (ev["kind"] == EventKind.TRANSPORT) & (res >= m) & (res < result.n_resources)
    resource_lane = np.array([r.lane for r in result.layout.resources], dtype=np.int64)
    share = result.window_fraction(take_rows(ev, on_vehicle))
    variable = np.bincount(resource_lane[res[on_vehicle]], weights=ev["cost"][on_vehicle] * share, minlength=n_lanes)[
        :n_lanes
    ]
    fixed = fleet_fixed_cost(result)
    window = result.duration
    vehicle_busy = durations[m:, BUSY] if window > 0 else np.zeros(result.n_resources - m)
    busy_by_lane = np.bincount(resource_lane[m:], weights=vehicle_busy, minlength=n_lanes)[:n_lanes]
    vehicles = np.array([ln.vehicles for ln in scenario.lanes], dtype=np.float64)
    distance = lane_distances(scenario)

    by_lane: dict[str, Any] = {}
    for k, lane in enumerate(scenario.lanes):
        n_trips = int(trips[k])
        by_lane[lane.id] = {
            "trips": n_trips,
            "empty_trips": int(empty_legs[k]),
            "units": float(carried[k]),
            "fill_rate": fill_sum[k] / n_trips if n_trips and limited[k] else None,
            "vehicles": lane.vehicles,
            "utilisation": float(busy_by_lane[k] / (vehicles[k] * window)) if window > 0 else None,
            "distance": float(distance[k]),
            "km": float(loaded_km[k] + empty_km[k]),
            "empty_km": float(empty_km[k]),
            "cost": float(variable[k] + fixed[k]),
            "co2": float(co2[k]),
        }
    total_trips = int(trips.sum())
    limited_trips = float(trips[limited].sum()) if n_lanes else 0.0
    total_km = float(loaded_km.sum() + empty_km.sum())
    cost_variable, cost_fixed = float(variable.sum()), float(fixed.sum())
    cost_total = cost_variable + cost_fixed
    co2_total = float(co2.sum())
    return {
        "trips": total_trips,
        "empty_trips": int(empty_legs.sum()),
        "units_carried": float(carried.sum()),
        "fill_rate": float(fill_sum.sum() / limited_trips) if limited_trips else None,
        "vehicles": int(vehicles.sum()),
        "vehicle_utilisation": float(vehicle_busy.sum() / (vehicles.sum() * window))
        if window > 0 and vehicles.sum() > 0
        else None,
        "km": total_km,
        "empty_km": float(empty_km.sum()),
        "empty_km_share": _share(float(empty_km.sum()), total_km),
        "cost": {
            "variable": cost_variable,
            "fixed": cost_fixed,
            "total": cost_total,
            "per_unit": cost_total / units if units > 0 else None,
        },
        "co2": co2_total,
        "co2_per_unit": co2_total / units if units > 0 else None,
        "by_lane": by_lane,
        "hubs": hub_block(result),
    }


def hub_block(result: RunResult) -> dict[str, Any]:
    """Per hub site: parts and units handled, handling cost and dock utilisation."""
    if all(site.handling is None for site in result.scenario.sites):
        return {}  # no hub: no row to look for (and no pass over the log)
    rows = result.rows_of(EventKind.TRANSPORT)
    handled = take_rows(result.events, rows[result.column("resource")[rows] == -1])
    lo, hi = result.clipped(handled)
    share = result.window_fraction(handled)
    started = (handled["start"] >= result.start) & (handled["start"] < result.end)
    site = handled["operation"]
    out: dict[str, Any] = {}
    window = result.duration
    for index, hub in enumerate(result.scenario.sites):
        if hub.handling is None:
            continue
        mine = site == index
        docks = hub.handling.capacity
        busy = float((hi - lo)[mine].sum())
        out[hub.id] = {
            "parts": int((mine & started).sum()),
            "units": float(handled["quantity"][mine & started].sum()),
            "cost": float((handled["cost"] * share)[mine].sum()),
            "utilisation": busy / (docks * window) if docks is not None and window > 0 else None,
        }
    return out
