"""Family batching: a unit keeps working on the family it is set up for while such work waits."""

from __future__ import annotations

import pytest

MACHINE = {
    "id": "M",
    "site": "s",
    "capabilities": [{"step": "cut", "time": 5}],
    "setup": {"A": {"B": 10}, "B": {"A": 10}},
}
PRODUCTS = [
    {"id": "a", "family": "A", "routing": [{"capabilities": ["cut"]}]},
    {"id": "b", "family": "B", "routing": [{"capabilities": ["cut"]}]},
]
BOOK = [{"product": p} for p in ("a", "b", "a", "b")]


@pytest.mark.parametrize("mode", ["push", "pull"])
def test_batching_saves_changeovers(twin, mode) -> None:
    # FIFO alone alternates A, B, A, B: three 10-minute changeovers, done at 50. Batching takes
    # the second A first (A, A, B, B): one changeover, done at 30.
    fifo = twin.simulate(twin.build([MACHINE], PRODUCTS, BOOK, platform={"mode": mode}))
    batched = twin.simulate(twin.build([MACHINE], PRODUCTS, BOOK, platform={"mode": mode, "batch_families": True}))
    assert len(fifo.log("SETUP")) == 3 and max(fifo.completed()) == 50.0
    assert len(batched.log("SETUP")) == 1 and max(batched.completed()) == 30.0
    assert batched.completed() == [5.0, 25.0, 10.0, 30.0]  # orders 0 and 2 (family A) first


def test_batching_follows_the_rule_within_a_family(twin) -> None:
    # EDD within family A: the A order due first goes first, even though it arrived later.
    book = [
        {"product": "a", "due": 500},
        {"product": "a", "due": 100},
        {"product": "b", "due": 50},
    ]
    run = twin.simulate(twin.build([MACHINE], PRODUCTS, book, platform={"sequencing": "edd", "batch_families": True}))
    # EDD starts with b (due 50) 0-5; no B waits, so EDD again: a@100 after a changeover, 5-20;
    # then a@500 with no changeover, 20-25.
    assert run.completed() == [25.0, 20.0, 5.0]
