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


def test_each_large_network_decision_picks_what_the_rule_scores_from_the_board() -> None:
    """Every push decision of the large network (125-275 candidates: the gather of ready times
    and changeovers in one ``take`` and the in-place sums) picks the machine the assignment
    rule's own scorer picks from the ready times written out from the board's rows at that
    moment: the same machine, every time."""
    simulation = Simulation(load_scenario(SAMPLES / "large_network.json"))
    placement, board = simulation.placement, simulation.board
    fast = placement.pick
    sizes: list[int] = []

    def checked(op, prepared):  # type: ignore[no-untyped-def]
        machines, now = prepared.machines, simulation.env.now
        running = np.maximum(board.committed_end[machines] - board.busy_units[machines] * now, 0.0)
        ready = (
            np.maximum(board.back_at[machines], now)
            + (running + board.queued_work[machines]) / board.capacity[machines]
        )
        setup = board.setup_next[op.job.product.family][machines]
        expected = int(machines[placement.choose(op, machines, prepared.transit, ready, setup, prepared.onward)])
        picked = fast(op, prepared)
        assert picked == expected
        sizes.append(len(machines))
        return picked

    placement.pick = checked  # type: ignore[method-assign]
    simulation.advance(300.0)
    assert len(sizes) > 300
    assert min(sizes) >= placement.rule.numpy_from  # the array path, not the loop below it
