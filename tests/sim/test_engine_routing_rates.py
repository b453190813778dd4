"""Probabilistic steps and rework loops over many orders: the rates match the scenario.

Orders arrive every 10 minutes and each visit takes 1 minute, so there is no queueing and
the counts are pure routing decisions. Tolerances are 4 binomial (or geometric) standard
deviations around the expected count.
"""

from __future__ import annotations

import math
from collections import Counter

N = 2000


def routed(twin, routing, seed=11):
    machines = [
        {"id": "MA", "site": "s", "capabilities": [{"step": "a", "time": 1}]},  # resource 0
        {"id": "MB", "site": "s", "capabilities": [{"step": "b", "time": 1}]},  # resource 1
    ]
    products = [{"id": "P", "routing": routing}]
    streams = [{"customer": "c", "interarrival": 10, "mix": {"P": 1}, "max_orders": N}]
    return twin.simulate(twin.build(machines, products, streams=streams), seed=seed)


def visits(run, resource):
    return Counter(r.order for r in run.log("WAIT") if r.resource == resource)


def test_optional_step_is_visited_with_its_probability(twin) -> None:
    p = 0.3
    run = routed(twin, [{"capabilities": ["a"]}, {"capabilities": ["b"], "probability": p}])
    assert len(run.orders) == N
    assert not any(math.isnan(c) for c in run.orders["completed"])
    assert sum(visits(run, 0).values()) == N  # the sure step: once per order
    b = visits(run, 1)
    assert max(b.values()) == 1  # an optional step is done at most once
    sd = math.sqrt(N * p * (1 - p))
    assert abs(len(b) - N * p) <= 4 * sd, (len(b), N * p, sd)


def test_skipped_step_costs_no_time(twin) -> None:
    run = routed(twin, [{"capabilities": ["a"]}, {"capabilities": ["b"], "probability": 0.5}])
    b = visits(run, 1)
    lead = run.orders["completed"] - run.orders["release"]
    for order, time in enumerate(lead):
        assert time == (2.0 if order in b else 1.0)


def test_probability_one_and_zero_are_exact(twin) -> None:
    run = routed(twin, [{"capabilities": ["a"], "probability": 1}, {"capabilities": ["b"], "probability": 0}])
    assert sum(visits(run, 0).values()) == N
    assert visits(run, 1) == Counter()


def test_rework_loop_repeats_steps_at_the_right_rate(twin) -> None:
    # b fails its check with p = 0.25 and sends the job back to a: reworks per order are
    # geometric (mean p/(1-p) = 1/3, variance p/(1-p)^2).
    p = 0.25
    run = routed(twin, [{"capabilities": ["a"]}, {"capabilities": ["b"], "rework": {"probability": p, "back_to": 0}}])
    a, b = visits(run, 0), visits(run, 1)
    assert a == b  # every rework goes back through a
    assert not any(math.isnan(c) for c in run.orders["completed"])
    reworks = sum(b.values()) - N
    mean, sd = N * p / (1 - p), math.sqrt(N * p / (1 - p) ** 2)
    assert abs(reworks - mean) <= 4 * sd, (reworks, mean, sd)
    # first-pass yield: orders through b exactly once ~ Binomial(N, 1 - p)
    first_pass = sum(1 for count in b.values() if count == 1)
    assert abs(first_pass - N * (1 - p)) <= 4 * math.sqrt(N * p * (1 - p))
    # each visit to a step is one WAIT and one PROCESS, in the order of the routing
    assert len(run.log("PROCESS")) == len(run.log("WAIT"))


def test_rework_back_to_the_same_step(twin) -> None:
    p = 0.2
    run = routed(twin, [{"capabilities": ["a"], "rework": {"probability": p, "back_to": 0}}, {"capabilities": ["b"]}])
    a, b = visits(run, 0), visits(run, 1)
    assert sum(b.values()) == N
    reworks = sum(a.values()) - N
    mean, sd = N * p / (1 - p), math.sqrt(N * p / (1 - p) ** 2)
    assert abs(reworks - mean) <= 4 * sd, (reworks, mean, sd)
    # lead time is exactly one minute per visit (no queueing)
    lead = run.orders["completed"] - run.orders["release"]
    assert [float(x) for x in lead] == [float(a[o] + 1) for o in range(N)]
