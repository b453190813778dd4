"""Finite buffers (push mode): a machine whose finished part has nowhere to go is blocked."""

from __future__ import annotations

LINE = [
    {"id": "A", "site": "s", "capabilities": [{"step": "cut", "time": 1}]},
    {"id": "B", "site": "s", "capacity": 1, "buffer": 1, "capabilities": [{"step": "weld", "time": 5}]},
]
PRODUCT = [{"id": "P", "routing": [{"capabilities": ["cut"]}, {"capabilities": ["weld"]}]}]


def test_a_full_buffer_blocks_the_upstream_machine_until_room_frees(twin) -> None:
    # A cuts in 1 min, B welds in 5 with room for one waiting part. o0: A 0-1, B 1-6. o1: A 1-2,
    # waits at B. o2: A 2-3, B's buffer is full: A holds it, blocked 3-6, until B starts o1 at 6.
    # o3: A 6-7, blocked 7-11 until B starts o2. B then works back to back until 21.
    scenario = twin.build(LINE, PRODUCT, [{"product": "P"}] * 4)
    run = twin.simulate(scenario)
    assert run.brief("BLOCKED") == [("BLOCKED", 3.0, 6.0, 0, -1), ("BLOCKED", 7.0, 11.0, 0, -1)]
    assert [(r.start, r.end) for r in run.log("PROCESS") if r.resource == 1] == [
        (1.0, 6.0),
        (6.0, 11.0),
        (11.0, 16.0),
        (16.0, 21.0),
    ]
    assert [(r.start, r.end) for r in run.log("PROCESS") if r.resource == 0] == [
        (0.0, 1.0),
        (1.0, 2.0),
        (2.0, 3.0),
        (6.0, 7.0),
    ]
    assert run.completed() == [6.0, 11.0, 16.0, 21.0]


def test_without_a_buffer_limit_nothing_blocks(twin) -> None:
    unlimited = [dict(LINE[0]), {k: v for k, v in LINE[1].items() if k != "buffer"}]
    run = twin.simulate(twin.build(unlimited, PRODUCT, [{"product": "P"}] * 4))
    assert run.brief("BLOCKED") == []
    assert run.completed() == [6.0, 11.0, 16.0, 21.0]


def test_a_free_alternative_machine_takes_the_part_instead_of_blocking(twin) -> None:
    machines = [*LINE, {"id": "C", "site": "s", "capabilities": [{"step": "weld", "time": 50}]}]
    run = twin.simulate(twin.build(machines, PRODUCT, [{"product": "P"}] * 4))
    assert run.brief("BLOCKED") == []
    assert any(r.resource == 2 for r in run.log("PROCESS")), "the slow welder gets work when B is full"


def test_blocked_time_shows_in_the_utilisation_states(twin) -> None:
    from twin_app.analysis.utilisation import STATES, state_durations

    scenario = twin.build(LINE, PRODUCT, [{"product": "P"}] * 4)
    run = twin.simulate(scenario)
    durations = state_durations(run.collector.result(scenario, run.sim.layout))
    assert durations[0, STATES.index("blocked")] == 7.0
