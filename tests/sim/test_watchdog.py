"""The run's guards: no progress at one instant, the event budget and the memory ceiling stop a
run 'stopped' and name the element of the scenario the work comes from; within its budget a
run is the same run, to the event."""

from __future__ import annotations

import numpy as np
import pytest

from twin_app.sim.watchdog import CHECK_EVERY, SAMPLE, Budget, resident_memory

ZERO_TIME_LOOP = "machines[0] 'M' at products[0] 'P'.routing[0]"


def zero_time_rework(twin, orders: int = 20):
    """Orders at t = 0 on a machine that takes no time, through a rework loop of p = 0.999: a
    thousand passes each, all at one instant (valid: the loop ends in expectation)."""
    machine = {"id": "M", "site": "s", "capabilities": [{"step": "x", "time": 0}]}
    step = {"capabilities": ["x"], "rework": {"probability": 0.999, "back_to": 0}}
    products = [{"id": "P", "family": "f", "routing": [step]}]
    return twin.build([machine], products, [{"product": "P", "release": 0}] * orders, run={"horizon": 100})


def test_events_at_one_instant_stop_the_run_and_name_the_loop(twin) -> None:
    run = twin.simulate(zero_time_rework(twin), budget=Budget(max_events_at_instant=5_000))
    assert run.end.status == "stopped"
    assert run.end.now == 0.0
    assert "no progress in simulated time" in run.end.message
    assert f"{ZERO_TIME_LOOP} (100%)" in run.end.message
    assert "--max-events-at-instant" in run.end.message  # how to raise it
    assert run.sim.watchdog.events <= 5_000 + SAMPLE + 1
    assert run.collector.status == "stopped"  # observers (the store) hear the same end


def test_a_busy_instant_that_ends_stops_the_run_there_not_after_the_sample(twin) -> None:
    # 200 orders at t = 0 over a limit of 3 events at one instant, but the instant ends (the
    # machine takes 1 minute): the run stops once time moves on, and says where it was stuck,
    # instead of running on for the whole sample (to t = 100 here) and reporting that time.
    machine = {"id": "M", "site": "s", "capabilities": [{"step": "x", "time": 1}]}
    products = [{"id": "P", "family": "f", "routing": [{"capabilities": ["x"]}]}]
    scenario = twin.build([machine], products, [{"product": "P", "release": 0}] * 200, run={"horizon": 100})
    run = twin.simulate(scenario, budget=Budget(max_events_at_instant=3))
    assert run.end.status == "stopped"
    assert run.end.message.startswith("stopped at t = 0: no progress in simulated time")
    assert 0.0 < run.end.now <= 1.0  # stopped at the first event after the stuck instant


def test_the_event_budget_stops_at_exactly_its_count(twin) -> None:
    run = twin.simulate(zero_time_rework(twin), budget=Budget(max_events=3_000))
    assert run.end.status == "stopped"
    assert run.sim.watchdog.events == 3_000
    assert "the event budget is spent: 3,000 events" in run.end.message
    assert ZERO_TIME_LOOP in run.end.message


def test_the_memory_ceiling_stops_the_run_and_says_how_many_orders_are_open(twin) -> None:
    run = twin.simulate(zero_time_rework(twin), budget=Budget(max_memory=1))
    assert run.end.status == "stopped"
    assert "the memory ceiling is reached" in run.end.message and "orders open" in run.end.message
    assert "--max-memory" in run.end.message


def test_a_storm_of_orders_names_its_demand_stream(twin) -> None:
    machine = {"id": "M", "site": "s", "capabilities": [{"step": "x", "time": 0}]}
    products = [{"id": "P", "family": "f", "routing": [{"capabilities": ["x"]}]}]
    streams = [{"customer": "c", "interarrival": {"dist": "constant", "value": 1 / 60}, "mix": {"P": 1}}]
    scenario = twin.build([machine], products, streams=streams, run={"horizon": 10_000})
    run = twin.simulate(scenario, budget=Budget(max_events=CHECK_EVERY + SAMPLE))
    assert run.end.status == "stopped"
    assert "demand.streams[0]" in run.end.message and "machines[0] 'M'" in run.end.message


def test_a_run_within_its_budget_is_the_same_run(twin) -> None:
    scenario = zero_time_rework(twin, orders=5)
    free = twin.simulate(scenario, budget=Budget(max_memory=None))
    budgeted = twin.simulate(scenario, budget=Budget(max_events=10**9, max_events_at_instant=10**9))
    assert free.end.status == budgeted.end.status == "completed"
    assert free.end.message == budgeted.end.message == ""
    assert np.array_equal(free.events, budgeted.events)


def test_a_run_stepped_in_slices_hits_the_guard_too(twin) -> None:
    """The desktop app advances in short slices: the guards count across them."""
    from twin_app.sim.engine import Simulation

    sim = Simulation(zero_time_rework(twin), seed=1, budget=Budget(max_events=3_000))
    while not sim.finished:
        sim.advance(sim.now + 1.0)
    assert sim.status == "stopped" and sim.watchdog.events == 3_000


def test_resident_memory_is_read() -> None:
    assert 10 * 1024**2 < resident_memory() < 64 * 1024**3


@pytest.mark.parametrize(
    ("machine_extra", "lane_departure", "source"),
    [
        ({"failures": {"mtbf": 0.02, "mttr": 0.02}}, None, "machines[0] 'M'.failures"),
        ({"shifts": {"period": 0.04, "windows": [[0, 0.02]]}}, None, "machines[0] 'M'.shifts"),
        ({}, {"policy": "timetable", "period": 0.02, "times": [0]}, "lanes[0] 'L'.departure"),
    ],
)
def test_calendars_and_timetables_are_named_as_sources(twin, machine_extra, lane_departure, source) -> None:
    """Busy calendars (valid, one event every 1.2 s of simulated time) named by their place."""
    machine = {"id": "M", "site": "s", "capabilities": [{"step": "x", "time": 1}], **machine_extra}
    products = [{"id": "P", "family": "f", "routing": [{"capabilities": ["x"]}]}]
    lane = {"id": "L", "origin": "s", "destination": "c", "transit": 1, "departure": lane_departure}
    lanes = [] if lane_departure is None else [lane]
    scenario = twin.build([machine], products, [{"product": "P"}], lanes=lanes, run={"horizon": 10**5})
    run = twin.simulate(scenario, budget=Budget(max_events=CHECK_EVERY + SAMPLE))
    assert run.end.status == "stopped" and f"{source} (" in run.end.message, run.end.message
