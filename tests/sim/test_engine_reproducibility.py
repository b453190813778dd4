"""Same scenario and seed, same run (byte for byte); common random numbers; run control."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from twin_app.io.scenario_file import load_scenario, scenario_from_data
from twin_app.sim.engine import Simulation

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.json"
DEMO = ROOT / "sample_networks" / "cloud_factory_demo.json"


def demo_one_day():
    scenario = load_scenario(DEMO)
    return scenario.with_changes(run=replace(scenario.run, horizon=1440.0, warmup=0.0))


@pytest.mark.parametrize("load", [lambda: load_scenario(TINY), demo_one_day], ids=["tiny", "demo-one-day"])
def test_same_scenario_and_seed_give_byte_identical_runs(twin, load) -> None:
    first = twin.simulate(load(), seed=3)
    second = twin.simulate(load(), seed=3)
    assert len(first.events) > 100
    assert len(first.orders) > 10
    assert first.events.tobytes() == second.events.tobytes()
    assert first.orders.tobytes() == second.orders.tobytes()
    other = twin.simulate(load(), seed=4)
    assert other.events.tobytes() != first.events.tobytes()
    assert other.orders["release"].tobytes() != first.orders["release"].tobytes()


def test_the_scenario_seed_is_used_when_none_is_given(twin) -> None:
    scenario = load_scenario(TINY)
    default = twin.simulate(scenario, seed=None)
    explicit = twin.simulate(scenario, seed=scenario.run.seed)
    assert default.events.tobytes() == explicit.events.tobytes()


def test_batch_size_does_not_change_the_log(twin) -> None:
    scenario = load_scenario(TINY)
    big = twin.simulate(scenario, seed=9)
    small = twin.simulate(scenario, seed=9, batch_events=7)
    assert big.events.tobytes() == small.events.tobytes()
    assert big.orders.tobytes() == small.orders.tobytes()


def with_extra_machine(scenario_path: Path, machine: dict) -> object:
    import json

    data = json.loads(scenario_path.read_text(encoding="utf-8"))
    data["machines"].append(machine)
    return scenario_from_data(data, "with extra machine")


def demand_of(run, n: int) -> list[bytes]:
    """What the arrival streams decided: which order, customer, product, quantity, when."""
    return [run.orders[name][:n].tobytes() for name in ("order", "customer", "product", "quantity", "release")]


def test_common_random_numbers_an_unrelated_machine_keeps_the_arrivals(twin) -> None:
    base = twin.simulate(load_scenario(TINY), seed=5)
    extra = {"id": "X-lathe", "site": "bolt-1", "capabilities": [{"step": "mill", "time": 2}]}
    changed = twin.simulate(with_extra_machine(TINY, extra), seed=5)
    # same orders released at the same times with the same products and quantities ...
    n = min(len(base.orders), len(changed.orders))
    assert n > 50
    assert demand_of(base, n) == demand_of(changed, n)
    # ... although the run itself changed (a second mill shares the work)
    assert base.events.tobytes() != changed.events.tobytes()


def test_common_random_numbers_a_new_machine_keeps_the_other_machines_draws(twin) -> None:
    # A machine of a step nobody uses: the whole log is the same (the new unit is the last
    # machine resource, so vehicles shift up by one index).
    base = twin.simulate(load_scenario(TINY), seed=5)
    extra = {"id": "X-polish", "site": "acme-1", "capabilities": [{"step": "polish", "time": 1}]}
    changed = twin.simulate(with_extra_machine(TINY, extra), seed=5)
    shifted = changed.events.copy()
    vehicles = shifted["resource"] >= 4  # tiny has 4 machine units (A-mill, A-asm, B-cell x2)
    shifted["resource"][vehicles] -= 1
    assert shifted.tobytes() == base.events.tobytes()
    assert changed.orders.tobytes() == base.orders.tobytes()


# --------------------------------------------------------------------------------------------
# Run control: stop, advance, step
# --------------------------------------------------------------------------------------------


class StopAt:
    """Asks the simulation to stop at the first batch at or after ``when``."""

    def __init__(self, when: float) -> None:
        self.when = when
        self.sim: Simulation | None = None

    def on_start(self, info) -> None:
        pass

    def on_batch(self, batch) -> None:
        if batch.now >= self.when and self.sim is not None:
            self.sim.request_stop()

    def on_end(self, end) -> None:
        pass


def test_request_stop_from_an_observer_ends_the_run_stopped(twin) -> None:
    from twin_app.analysis.collector import EventCollector

    stopper = StopAt(500.0)
    recorder = twin.Recorder()
    collector = EventCollector()
    sim = Simulation(load_scenario(TINY), seed=1, observers=[collector, recorder, stopper], batch_events=8)
    stopper.sim = sim
    end = sim.run()
    assert end.status == "stopped"
    assert 500.0 <= end.now < 2880.0
    assert len(recorder.starts) == 1
    assert recorder.ends == [end]
    assert collector.status == "stopped"
    assert sim.finish("completed") == end  # already finished: the same end again
    assert len(recorder.ends) == 1  # finishing again does not tell observers twice
    assert float(collector.events["end"].max()) <= end.now


def test_advance_leaves_the_clock_at_the_requested_time(twin) -> None:
    scenario = load_scenario(TINY)
    collector_sim = Simulation(scenario, seed=2)
    for t in (0.0, 7.5, 7.5, 100.25, 1000.0):
        collector_sim.advance(t)
        assert collector_sim.now == t
    collector_sim.advance(10_000.0)
    assert collector_sim.now == 2880.0  # never past the horizon
    assert collector_sim.done


def test_advancing_in_pieces_gives_the_same_log_as_one_run(twin) -> None:
    scenario = load_scenario(TINY)
    whole = twin.simulate(scenario, seed=6)
    recorder = twin.Recorder()
    from twin_app.analysis.collector import EventCollector

    collector = EventCollector()
    sim = Simulation(scenario, seed=6, observers=[collector, recorder])
    for t in np.arange(0.0, 2880.0, 37.0):
        sim.advance(float(t))
    end = sim.run()
    assert end.status == "completed"
    assert len(recorder.starts) == 1 and len(recorder.ends) == 1
    assert twin.rows(collector.events) == whole.log()
    assert collector.orders.tobytes() == whole.orders.tobytes()


def test_step_processes_one_event_at_a_time(twin) -> None:
    machine = {"id": "M", "site": "s", "capabilities": [{"step": "cut", "time": 4}]}
    products = [{"id": "P", "routing": [{"capabilities": ["cut"]}]}]
    scenario = twin.build([machine], products, [{"product": "P", "release": 3}, {"product": "P", "release": 5}])
    whole = twin.simulate(scenario)
    from twin_app.analysis.collector import EventCollector

    collector = EventCollector()
    sim = Simulation(scenario, seed=1, observers=[collector])
    times = []
    steps = 0
    while not sim.done:
        upcoming = sim.env.peek()
        sim.step()
        steps += 1
        assert sim.now == upcoming  # the clock moves to the event just processed, no further
        times.append(sim.now)
        assert steps < 1000
    assert times == sorted(times)
    assert {3.0, 5.0, 7.0, 11.0} <= set(times)
    assert steps > len(set(times))  # several events at one instant take several steps
    sim.finish("completed")
    assert twin.rows(collector.events) == whole.log()
    # after the first steps at time 0, nothing has happened yet
    fresh = Simulation(scenario, seed=1)
    fresh.step()
    assert fresh.now == 0.0
