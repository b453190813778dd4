"""Named suppliers on a product step (issue 10 item 6): a required supplier is the only one
that may do the step, in push and pull; a preferred one gets the step whenever one of its
machines can be reached from where the part is, and the others only otherwise."""

from __future__ import annotations

import pytest

OWNERS = [{"id": "a"}, {"id": "b"}, {"id": "truck", "kind": "logistics"}]
SITES = [{"id": "sa", "owner": "a"}, {"id": "sb", "owner": "b"}]
MACHINES = [
    {"id": "A", "site": "sa", "capabilities": [{"step": "mill", "time": 5}, {"step": "drill", "time": 4}]},  # 0
    {"id": "B", "site": "sb", "capabilities": [{"step": "drill", "time": 9}]},  # resource 1
]
LANE = {"id": "L", "origin": "sa", "destination": "sb", "transit": 10, "owner": "truck", "bidirectional": False}


def _run(twin, suppliers: dict, mode: str, lanes: list[dict]):
    products = [
        {"id": "X", "routing": [{"capabilities": ["mill"]}, {"capabilities": ["drill"], "suppliers": suppliers}]}
    ]
    scenario = twin.build(
        MACHINES, products, [{"product": "X"}] * 2, owners=OWNERS, sites=SITES, lanes=lanes, platform={"mode": mode}
    )
    return [(r.resource, r.operation) for r in twin.simulate(scenario).log("PROCESS") if r.operation == 1]


@pytest.mark.parametrize("mode", ["push", "pull"])
def test_a_required_supplier_does_the_step_even_when_another_machine_is_free_and_faster(twin, mode) -> None:
    assert (0, 1) in _run(twin, {}, mode, [LANE])  # free to choose, A drills (in 4, where the part is)
    assert _run(twin, {"required": ["b"]}, mode, [LANE]) == [(1, 1), (1, 1)]  # shipped to B


@pytest.mark.parametrize("mode", ["push", "pull"])
def test_a_preferred_supplier_gets_the_step_when_reachable_and_others_otherwise(twin, mode) -> None:
    assert _run(twin, {"preferred": ["b"]}, mode, [LANE]) == [(1, 1), (1, 1)]
    # without the lane B cannot be reached from A's site: A drills instead (required would fail)
    assert _run(twin, {"preferred": ["b"]}, mode, []) == [(0, 1), (0, 1)]
