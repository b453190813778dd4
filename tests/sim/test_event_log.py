"""The event log packs its rows in small pieces but hands observers the batches they always got."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from twin_app.io.scenario_file import load_scenario
from twin_app.sim import event_log
from twin_app.sim.engine import Simulation

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "sample_networks" / "cloud_factory_demo.json"


def batches_of_a_demo_day(twin, batch_events: int) -> list[tuple[float, bytes, bytes]]:
    """Every batch an observer gets over one day of the demo: (its time, its events, its orders)."""
    scenario = load_scenario(DEMO)
    scenario = scenario.with_changes(run=replace(scenario.run, horizon=1440.0, warmup=0.0))
    recorder = twin.Recorder()
    Simulation(scenario, seed=5, observers=[recorder], batch_events=batch_events).run()
    return [(b.now, b.events.tobytes(), b.orders.tobytes()) for b in recorder.batches]


@pytest.mark.parametrize("spill_rows", [1, 7, 64])
def test_observers_get_the_same_batches_whatever_the_logs_spill_size(twin, monkeypatch, spill_rows) -> None:
    monkeypatch.setattr(event_log, "SPILL_ROWS", 10**9)  # never spills before a batch is full
    whole = batches_of_a_demo_day(twin, batch_events=200)
    monkeypatch.setattr(event_log, "SPILL_ROWS", spill_rows)
    spilled = batches_of_a_demo_day(twin, batch_events=200)
    assert len(whole) > 5  # several batches, each handed at the same event with the same rows
    assert [len(events) for _, events, _ in spilled] == [len(events) for _, events, _ in whole]
    assert spilled == whole
