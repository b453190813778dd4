"""Logistics and energy KPIs on hand-made event logs whose numbers are worked out by hand."""

from __future__ import annotations

import pytest

from twin_app.analysis.bottleneck import active_periods
from twin_app.analysis.energy import machine_energy, standby_minutes
from twin_app.analysis.kpis import compute_kpis, owner_table
from twin_app.analysis.logistics import vehicle_legs
from twin_app.analysis.quality import trust_over_time
from twin_app.analysis.result import RunResult
from twin_app.analysis.utilisation import state_durations
from twin_app.io.scenario_file import scenario_from_data
from twin_app.model.events import EventKind, Outcome
from twin_app.model.geography import lane_distances
from twin_app.model.layout import Layout

from .conftest import events_array, orders_array

P, S, T, D, OFF, W, B = (int(k) for k in EventKind)

FLOW_NETWORK = {
    "format_version": 2,
    "owners": [{"id": "maker"}, {"id": "vans", "kind": "logistics"}],
    "sites": [
        {"id": "A", "owner": "maker", "energy_price": 0.2, "grid_co2": 0.4},
        {"id": "B", "owner": "maker", "x": 30, "y": 40},
    ],
    "machines": [
        {"id": "M", "site": "A", "capabilities": [{"step": "cut", "time": 5}],
         "power": {"busy": 30, "idle": 6, "standby": 1, "standby_after": 60}},
    ],
    "lanes": [
        {"id": "L", "origin": "A", "destination": "B", "owner": "vans", "transit": 60, "road_factor": 1.2,
         "vehicles": 2, "vehicle_capacity": 10, "cost_per_km": 2, "vehicle_cost_per_day": 144,
         "co2_per_km_empty": 0.5, "co2_per_km_full": 1.0},
    ],
    "products": [{"id": "part", "routing": [{"capabilities": ["cut"]}]}],
    "customers": [{"id": "shop"}],
    "demand": {"orders": [{"id": "o1", "customer": "shop", "product": "part"}]},
    "run": {"horizon": 1440},
}  # fmt: skip
"""Resources: 0 = M (maker), 1 and 2 = the vans of L. Owners: 0 maker, 1 vans. A is at (0, 0),
B at (30, 40): 50 km as the crow flies, 60 km by road (factor 1.2)."""

TRIPS = [
    (0, 60, T, 1, 1, 0, 0, -1, 4, 100),  # trip 1: two parts, 4 + 6 units: full
    (0, 60, T, 1, 1, 1, 1, -1, 6, 150),
    (60, 120, T, 1, 1, -1, -1, -1),  # back empty
    (200, 260, T, 1, 1, 2, 2, -1, 5, 125),  # trip 2: 5 units, half full
    (260, 320, T, 1, 1, -1, -1, -1),
]
MACHINE = [(0, 120, P, 0, 0, 0, 0, 0, 4, 15), (400, 460, P, 0, 0, 2, 2, 0, 5, 5)]
ORDERS = [(0, 0, 0, 4, 0, 2000, 100, 0), (1, 0, 0, 6, 0, 2000, 100, 0), (2, 0, 0, 5, 0, 2000, 300, 0)]


def flow_result(start: float = 0.0, end: float = 1440.0) -> RunResult:
    scenario = scenario_from_data(FLOW_NETWORK, source="FLOW_NETWORK")
    return RunResult(scenario, Layout.build(scenario), events_array(TRIPS + MACHINE), orders_array(ORDERS), start, end)


def test_lane_distance_is_the_straight_line_times_the_road_factor_unless_given() -> None:
    assert lane_distances(flow_result().scenario) == pytest.approx((60.0,))
    given = {**FLOW_NETWORK, "lanes": [{**FLOW_NETWORK["lanes"][0], "distance": 75}]}
    assert lane_distances(scenario_from_data(given, source="given")) == (75.0,)


def test_legs_group_the_parts_of_a_trip_and_emit_by_load() -> None:
    legs = vehicle_legs(flow_result())
    assert legs.load.tolist() == [10, 0, 5, 0]
    assert legs.fill.tolist() == [1.0, 0.0, 0.5, 0.0]
    # 60 km each: full 60 x 1.0, empty 60 x 0.5, half full 60 x (0.5 + 0.5 x 0.5)
    assert legs.co2.tolist() == pytest.approx([60, 30, 45, 30])


def test_logistics_kpis_by_hand() -> None:
    kpis = compute_kpis(flow_result())
    logistics = kpis["logistics"]
    assert logistics["trips"] == 2 and logistics["empty_trips"] == 2
    assert logistics["units_carried"] == 15
    assert logistics["fill_rate"] == pytest.approx(0.75)  # (1 + 0.5) / 2
    assert logistics["km"] == pytest.approx(240) and logistics["empty_km"] == pytest.approx(120)
    assert logistics["empty_km_share"] == pytest.approx(0.5)
    # van 1 drives 0-120 and 200-320, van 2 never: 240 of 2 x 1440 van-minutes
    assert logistics["vehicle_utilisation"] == pytest.approx(240 / 2880)
    # variable: what the trips cost (100 + 150 + 125); fixed: 2 vans x 144 a day x 1 day
    assert logistics["cost"] == pytest.approx({"variable": 375, "fixed": 288, "total": 663, "per_unit": 663 / 15})
    assert logistics["co2"] == pytest.approx(165) and logistics["co2_per_unit"] == pytest.approx(11)
    lane = logistics["by_lane"]["L"]
    assert lane["trips"] == 2 and lane["distance"] == pytest.approx(60) and lane["vehicles"] == 2
    assert lane["utilisation"] == pytest.approx(240 / 2880) and lane["cost"] == pytest.approx(663)
    # the vans' day cost is the carrier's fixed cost, in the lease component
    assert kpis["cost"]["lease"] == pytest.approx(288)
    assert kpis["cost"]["by_owner"]["vans"] == pytest.approx(375 + 288)


def test_fuller_vehicles_emit_less_per_unit_and_empty_returns_count() -> None:
    # The same 15 units in three trips of 5 (each half full, each with its empty return).
    trips = []
    for k, t in enumerate((0, 200, 400)):
        trips += [(t, t + 60, T, 1, 1, k, k, -1, 5, 0), (t + 60, t + 120, T, 1, 1, -1, -1, -1)]
    scenario = flow_result().scenario
    result = RunResult(scenario, Layout.build(scenario), events_array(trips), orders_array(ORDERS), 0.0, 1440.0)
    logistics = compute_kpis(result)["logistics"]
    assert logistics["co2"] == pytest.approx(3 * (45 + 30))
    assert logistics["co2_per_unit"] == pytest.approx(15)  # against 11 in one full and one half-full trip


def test_standby_after_a_long_idle_stretch() -> None:
    # M busy 0-120 and 400-460; idle 120-400 (standby from 180) and 460-1440 (from 520).
    result = flow_result()
    assert standby_minutes(result).tolist() == pytest.approx([220 + 920])
    energy = machine_energy(result, state_durations(result))
    # busy 180 min x 30 kW, idle 120 min x 6 kW, standby 1140 min x 1 kW
    assert energy.kwh[0].tolist() == pytest.approx([90, 0, 12, 19])
    assert energy.unit_cost.tolist() == pytest.approx([121 * 0.2])
    assert energy.unit_co2.tolist() == pytest.approx([121 * 0.4])


def test_an_idle_stretch_begun_in_the_warmup_counts_from_its_true_start() -> None:
    # Window from 150: idle 150-180 then standby 180-400 (the stretch began at 120).
    result = flow_result(start=150)
    energy = machine_energy(result, state_durations(result))
    assert energy.kwh[0].tolist() == pytest.approx([30, 0, 9, 19])


def test_energy_and_co2_kpis_by_hand() -> None:
    kpis = compute_kpis(flow_result())
    energy = kpis["energy"]
    assert energy["kwh"] == pytest.approx(121)
    assert energy["cost"] == pytest.approx(24.2) and energy["co2"] == pytest.approx(48.4)
    assert energy["per_unit"]["kwh"] == pytest.approx(121 / 15)
    assert energy["by_state"] == pytest.approx({"busy": 90, "setup": 0, "idle": 12, "standby": 19})
    assert energy["by_site"] == {"A": pytest.approx({"kwh": 121, "cost": 24.2, "co2": 48.4})}
    assert kpis["cost"]["energy"] == pytest.approx(24.2)
    assert kpis["cost"]["by_owner"]["maker"] == pytest.approx(20 + 24.2)  # running 15 + 5, energy
    co2 = kpis["co2"]
    assert co2["transport"] == pytest.approx(165) and co2["production"] == pytest.approx(48.4)
    assert co2["total"] == pytest.approx(213.4) and co2["per_unit"] == pytest.approx(213.4 / 15)
    assert co2["by_owner"] == pytest.approx({"maker": 48.4, "vans": 165})


def test_a_carrier_shows_its_vehicles_utilisation_in_the_owner_table() -> None:
    rows = {row["owner"]: row for row in owner_table(flow_result())}
    assert rows["vans"]["machines"] == 0 and rows["vans"]["vehicles"] == 2
    assert rows["vans"]["utilisation"] == pytest.approx(240 / 2880)
    assert rows["maker"]["utilisation"] == pytest.approx(180 / 1440)


def test_a_lane_is_active_only_while_all_its_vehicles_are_on_the_road() -> None:
    # Van 1 (resource 1) drives 0-60 loaded and 60-100 back, van 2 (resource 2) 50-80 and
    # 80-90: both are out 50-90, one period of the lane, kept under its first van. M works
    # 0-30 and 200-210: shorter, so the lane leads 50-90.
    events = [
        (0, 60, T, 1, 1, 0, 0, -1, 4), (60, 100, T, 1, 1, -1, -1, -1),
        (50, 80, T, 2, 1, 1, 1, -1, 3), (80, 90, T, 2, 1, -1, -1, -1),
        (0, 30, P, 0, 0, 0, 0, 0, 1), (200, 210, P, 0, 0, 1, 1, 0, 1),
    ]  # fmt: skip
    scenario = flow_result().scenario
    result = RunResult(scenario, Layout.build(scenario), events_array(events), orders_array(ORDERS), 0.0, 300.0)
    res, start, end = active_periods(result)
    assert list(zip(res.tolist(), start.tolist(), end.tolist(), strict=True)) == [
        (0, 0, 30), (0, 200, 210), (1, 50, 90)
    ]  # fmt: skip
    kpis = compute_kpis(result)
    assert kpis["bottleneck"]["resource"] == "L"
    assert kpis["bottleneck"]["sole"] == pytest.approx(40 / 300)


def test_quality_and_trust_by_hand() -> None:
    # M (maker) works on three orders. Order 0 on time; order 1 late (150 > due 120); order 2
    # on time but one of maker's operations on it was scrapped. Trust (smoothing 0.1, from
    # 1): 1, then 0.9, then 0.81; the carrier never worked on an order and stays at 1.
    events = [
        (0, 0, W, 0, 0, 0, 0, 0, 1), (0, 50, P, 0, 0, 0, 0, 0, 1),
        (60, 60, W, 0, 0, 1, 1, 0, 1), (60, 110, P, 0, 0, 1, 1, 0, 1),
        (120, 120, W, 0, 0, 2, 2, 0, 1), (120, 170, P, 0, 0, 2, 2, 0, 1), (170, 170, Outcome.SCRAP, 0, 0, 2, 2, 0, 1),
        (170, 170, W, 0, 0, 2, 2, 0, 1), (170, 220, P, 0, 0, 2, 2, 0, 1),
    ]  # fmt: skip
    orders = [(0, 0, 0, 1, 0, 2000, 100, 0), (1, 0, 0, 1, 0, 120, 150, 0), (2, 0, 0, 1, 0, 2000, 300, 0)]
    scenario = flow_result().scenario
    result = RunResult(scenario, Layout.build(scenario), events_array(events), orders_array(orders), 0.0, 1440.0)
    times, scores = trust_over_time(result)
    assert times.tolist() == [0, 100, 150, 300]
    assert scores[:, 0].tolist() == pytest.approx([1, 1, 0.9, 0.81])
    assert scores[:, 1].tolist() == [1, 1, 1, 1]
    kpis = compute_kpis(result)
    assert kpis["trust"]["by_owner"] == pytest.approx({"maker": 0.81, "vans": 1.0})
    mean = (150 * 1 + 150 * 0.9 + 1140 * 0.81) / 1440
    assert kpis["trust"]["mean_by_owner"]["maker"] == pytest.approx(mean)
    assert kpis["quality"]["operations"] == 4 and kpis["quality"]["scrap"] == 1
    assert kpis["quality"]["scrap_rate"] == pytest.approx(0.25) and kpis["quality"]["rework_rate"] == 0
    assert kpis["quality"]["by_owner"] == {"maker": {"scrap_rate": 0.25, "rework_rate": 0.0}}


def test_the_kpis_work_out_the_legs_and_the_standby_once_for_the_money_and_the_flows(monkeypatch) -> None:
    """The owners' costs and the logistics and energy blocks read the same legs and standby
    minutes: worked out once per result (the large network's 28 days: ~0.7 s of its money),
    with the same hand-checked figures."""
    from twin_app.analysis import energy, logistics

    calls = {"legs": 0, "standby": 0}
    legs, standby = logistics._vehicle_legs, energy._standby_minutes
    monkeypatch.setattr(logistics, "_vehicle_legs", lambda r: calls.__setitem__("legs", calls["legs"] + 1) or legs(r))
    monkeypatch.setattr(
        energy, "_standby_minutes", lambda r: calls.__setitem__("standby", calls["standby"] + 1) or standby(r)
    )
    kpis = compute_kpis(flow_result())
    assert calls == {"legs": 1, "standby": 1}
    assert kpis["co2"]["transport"] == pytest.approx(165) and kpis["energy"]["kwh"] == pytest.approx(121)
    with pytest.raises(ValueError, match="read-only"):
        standby_minutes(flow_result())[0] = 0.0  # shared by the analyses: nobody writes into it
