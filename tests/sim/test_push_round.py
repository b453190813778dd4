"""A push round computes every machine's ready time once and updates the machines it assigns
to; the decisions must read the same values, to the bit, as the per-decision estimate did
(an optimisation that changes a single event is a bug)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from twin_app.io.scenario_file import load_scenario
from twin_app.sim.engine import Simulation

SAMPLES = Path(__file__).resolve().parents[2] / "sample_networks"


@pytest.mark.parametrize(("sample", "one_unit_each"), [("asset_light.json", True), ("cloud_factory_demo.json", False)])
def test_a_rounds_ready_times_equal_the_per_decision_estimate_bit_for_bit(sample: str, one_unit_each: bool) -> None:
    simulation = Simulation(load_scenario(SAMPLES / sample), seed=3)
    placement, board = simulation.placement, simulation.board
    assert placement._single_units is one_unit_each
    machines = np.arange(len(simulation.scenario.machines))
    compared = 0
    for until in (120.0, 480.0, 960.0, 1500.0):
        simulation.advance(until)
        placement.new_round()
        assert placement.round_ready(machines).tobytes() == placement.ready_times(machines).tobytes()
        busy = np.flatnonzero(board.busy_units)
        assert busy.size, "a loaded moment: some machines are at work"
        for machine in (*busy[:3].tolist(), 0):  # as a round's assignment does
            queued = float(board.queued_work[machine])
            board.queued_work[machine] += 7.25
            placement.queued_changed(machine)
            assert placement.round_ready(machines).tobytes() == placement.ready_times(machines).tobytes()
            board.queued_work[machine] = queued
            placement.queued_changed(machine)
            compared += 1
    assert compared == 16
