"""Dispatch decisions that calibration runs showed going wrong: regressions pinned down."""

from __future__ import annotations


def test_push_does_not_count_an_off_shift_machine_as_free(twin) -> None:
    # Two identical idle machines; M1 (first in the file) is off shift until 100. Earliest
    # completion must send the order to M2, which can start now, not to M1.
    machines = [
        {
            "id": "M1",
            "site": "s",
            "capabilities": [{"step": "cut", "time": 5}],
            "shifts": {"period": 1000, "windows": [[100, 1000]]},
        },
        {"id": "M2", "site": "s", "capabilities": [{"step": "cut", "time": 5}]},
    ]
    products = [{"id": "P", "routing": [{"capabilities": ["cut"]}]}]
    run = twin.simulate(twin.build(machines, products, [{"product": "P"}]))
    assert run.brief("PROCESS") == [("PROCESS", 0.0, 5.0, 1, 0)]
    assert run.completed() == [5.0]


def test_pull_machine_works_locally_while_pulled_parts_travel(twin) -> None:
    # P is cut at S (0-1) and painted at T, 50 minutes away. T's painter pulls P at 1 and, while
    # P's part travels (1-51), paints the local orders released at 5, 6 and 7 instead of idling.
    sites = [{"id": "S", "owner": "o"}, {"id": "T", "owner": "o"}]
    machines = [
        {"id": "A", "site": "S", "capabilities": [{"step": "cut", "time": 1}]},
        {"id": "B", "site": "T", "capabilities": [{"step": "paint", "time": 10}]},
    ]
    lanes = [{"id": "L", "origin": "S", "destination": "T", "transit": 50}]
    products = [
        {"id": "P", "routing": [{"capabilities": ["cut"]}, {"capabilities": ["paint"]}]},
        {"id": "Q", "routing": [{"capabilities": ["paint"]}]},
    ]
    orders = [{"product": "P"}] + [{"product": "Q", "release": r} for r in (5, 6, 7)]
    run = twin.simulate(twin.build(machines, products, orders, sites=sites, lanes=lanes, platform={"mode": "pull"}))
    painter = [(r.start, r.end, r.order) for r in run.log("PROCESS") if r.resource == 1]
    assert painter == [(5.0, 15.0, 1), (15.0, 25.0, 2), (25.0, 35.0, 3), (51.0, 61.0, 0)]
    assert run.completed() == [61.0, 15.0, 25.0, 35.0]
