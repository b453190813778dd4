"""Each dispatch rule picks what a person expects on small hand-made examples.

Assignment examples are checked on both paths (loop and numpy) and through :func:`choose`.
Sequencing examples sort hand-made waiting operations by :func:`sequencing.static_key`, then by
job index, which is how the engine orders a queue.
"""

from __future__ import annotations

import numpy as np
import pytest

from twin_app.dispatch import assignment, sequencing
from twin_app.dispatch.assignment import Candidates, Weights

NOW = 100.0


def _candidates(
    ready: list[float],
    transit: list[float],
    work: list[float],
    cost: list[float] | None = None,
    unreliability: list[float] | None = None,
) -> Candidates:
    n = len(work)
    return Candidates(
        ready=np.array(ready, dtype=float),
        arrival=NOW + np.array(transit, dtype=float),
        work=np.array(work, dtype=float),
        cost=np.array(cost if cost is not None else [0.0] * n, dtype=float),
        unreliability=np.array(unreliability if unreliability is not None else [0.0] * n, dtype=float),
    )


DEFAULT_WEIGHTS = Weights()


def _every_path(rule: str, candidates: Candidates, weights: Weights = DEFAULT_WEIGHTS) -> int:
    """The pick, after checking that the loop, numpy and automatic paths all make it."""
    loop = assignment.choose_loop(rule, NOW, candidates, weights)
    assert assignment.choose_numpy(rule, NOW, candidates, weights) == loop
    assert assignment.choose(rule, NOW, candidates, weights) == loop
    return loop


# --- assignment ---------------------------------------------------------------------------------


def test_earliest_completion_counts_transport() -> None:
    # A is faster (5 vs 8) but its part needs 20 to get there: done at 125; B is done at 110.
    near_slow_far_fast = _candidates(ready=[NOW, NOW], transit=[20.0, 2.0], work=[5.0, 8.0])
    assert _every_path("earliest_completion", near_slow_far_fast) == 1
    assert _every_path("fastest", near_slow_far_fast) == 0


def test_earliest_completion_counts_queued_work() -> None:
    # A has 30 of work queued (ready at 130): done at 135; idle B is done at 110.
    busy_fast_idle_slow = _candidates(ready=[NOW + 30.0, NOW], transit=[0.0, 0.0], work=[5.0, 10.0])
    assert _every_path("earliest_completion", busy_fast_idle_slow) == 1


def test_earliest_completion_overlaps_transport_with_queued_work() -> None:
    # The part travels while the queue drains: start = max(arrival, ready), not the sum.
    # A: max(110, 115) + 5 = 120; B: max(100, 100) + 21 = 121.
    candidates = _candidates(ready=[NOW + 15.0, NOW], transit=[10.0, 0.0], work=[5.0, 21.0])
    assert _every_path("earliest_completion", candidates) == 0


def test_cheapest_counts_transport_cost() -> None:
    # The cost the engine passes is running cost + transport cost: A runs cheaply (10) but
    # shipping there costs 15 (25 in all); B costs 20 to run and nothing to ship.
    running, transport = [10.0, 20.0], [15.0, 0.0]
    cost = [r + t for r, t in zip(running, transport, strict=True)]
    candidates = _candidates(ready=[NOW, NOW], transit=[0.0, 0.0], work=[10.0, 10.0], cost=cost)
    assert _every_path("cheapest", candidates) == 1


def test_least_loaded_takes_the_machine_with_least_committed_work() -> None:
    candidates = _candidates(ready=[NOW + 12.0, NOW + 3.0, NOW + 7.0], transit=[0.0, 50.0, 0.0], work=[1.0, 9.0, 1.0])
    assert _every_path("least_loaded", candidates) == 1


def test_fastest_ignores_transport_and_queue() -> None:
    candidates = _candidates(ready=[NOW + 100.0, NOW], transit=[100.0, 0.0], work=[4.0, 5.0])
    assert _every_path("fastest", candidates) == 0


def test_ties_go_to_the_first_candidate() -> None:
    tied = _candidates(ready=[NOW, NOW, NOW], transit=[0.0, 0.0, 0.0], work=[5.0, 5.0, 5.0], cost=[1.0, 1.0, 1.0])
    for rule in ("earliest_completion", "fastest", "cheapest", "least_loaded", "weighted"):
        assert _every_path(rule, tied) == 0


def test_weighted_normalises_each_criterion_by_its_largest_value() -> None:
    # Completion (from now): A 10, B 20 -> 0.5, 1.0.  Cost: A 1000, B 500 -> 1.0, 0.5.
    # Raw sums would let the big cost numbers decide (B); normalised, equal weights tie at 1.5
    # (first wins: A), and a slightly larger completion weight makes A clearly better.
    candidates = _candidates(ready=[NOW, NOW], transit=[0.0, 0.0], work=[10.0, 20.0], cost=[1000.0, 500.0])
    assert _every_path("weighted", candidates, Weights(completion=1.0, cost=1.0)) == 0
    assert _every_path("weighted", candidates, Weights(completion=1.1, cost=1.0)) == 0
    assert _every_path("weighted", candidates, Weights(completion=1.0, cost=1.1)) == 1
    # Scaling one criterion's units (cost in cents) must not change the decision.
    cents = _candidates(ready=[NOW, NOW], transit=[0.0, 0.0], work=[10.0, 20.0], cost=[100000.0, 50000.0])
    assert _every_path("weighted", cents, Weights(completion=1.1, cost=1.0)) == 0
    assert _every_path("weighted", cents, Weights(completion=1.0, cost=1.1)) == 1


def test_weighted_counts_unreliability_unscaled() -> None:
    candidates = _candidates(ready=[NOW, NOW], transit=[0.0, 0.0], work=[10.0, 10.5], unreliability=[0.3, 0.0])
    assert _every_path("weighted", candidates, Weights(completion=1.0)) == 0
    assert _every_path("weighted", candidates, Weights(completion=1.0, reliability=1.0)) == 1


def test_weighted_with_all_zero_criteria_does_not_divide_by_zero() -> None:
    candidates = _candidates(ready=[NOW, NOW], transit=[0.0, 0.0], work=[0.0, 0.0], unreliability=[0.2, 0.1])
    assert _every_path("weighted", candidates, Weights(completion=1.0, cost=1.0, load=1.0, reliability=1.0)) == 1


def test_random_needs_a_generator() -> None:
    candidates = _candidates(ready=[NOW] * 3, transit=[0.0] * 3, work=[1.0] * 3)
    with pytest.raises(ValueError, match="random generator"):
        assignment.choose("random", NOW, candidates)


def test_random_is_reproducible_with_the_same_seed_and_covers_every_candidate() -> None:
    candidates = _candidates(ready=[NOW] * 5, transit=[0.0] * 5, work=[1.0] * 5)

    def picks(seed: int) -> list[int]:
        rng = np.random.default_rng(seed)
        return [assignment.choose("random", NOW, candidates, rng=rng) for _ in range(200)]

    assert picks(7) == picks(7)
    assert picks(7) != picks(8)
    assert set(picks(7)) == set(range(5))


def test_a_single_candidate_is_chosen_without_scoring() -> None:
    one = _candidates(ready=[NOW], transit=[0.0], work=[1.0])
    for rule in assignment.RULES:
        assert assignment.choose(rule, NOW, one) == 0


def test_unknown_assignment_rule_is_refused_on_both_paths() -> None:
    candidates = _candidates(ready=[NOW, NOW], transit=[0.0, 0.0], work=[1.0, 2.0])
    for path in (assignment.choose_loop, assignment.choose_numpy, assignment.choose):
        with pytest.raises(ValueError, match="unknown assignment rule 'soonest'"):
            path("soonest", NOW, candidates)


# --- sequencing (static rules) ------------------------------------------------------------------

# Hand-made waiting operations: job index -> what the static key needs.
# job  ready  processing  due  remaining work  remaining ops  done work
OPERATIONS = {
    0: dict(ready=5.0, processing=8.0, due=60.0, remaining_work=20.0, remaining_operations=3, done_work=0.0),
    1: dict(ready=1.0, processing=3.0, due=90.0, remaining_work=40.0, remaining_operations=2, done_work=30.0),
    2: dict(ready=3.0, processing=6.0, due=40.0, remaining_work=6.0, remaining_operations=1, done_work=4.0),
    3: dict(ready=1.0, processing=3.0, due=60.0, remaining_work=40.0, remaining_operations=3, done_work=6.0),
}


def _order(rule: str, operations: dict[int, dict[str, float]] = OPERATIONS) -> list[int]:
    """Job indices in the order the rule serves them (smallest key first, ties by job index)."""
    return sorted(operations, key=lambda job: (sequencing.static_key(rule, **operations[job]), job))


def test_fifo_serves_by_ready_time_ties_by_job_index() -> None:
    assert _order("fifo") == [1, 3, 2, 0]


def test_spt_serves_the_shortest_processing_first() -> None:
    assert _order("spt") == [1, 3, 2, 0]
    assert sequencing.static_key("spt", 0.0, 7.5, 0.0, 7.5, 1, 0.0) == 7.5


def test_edd_serves_the_earliest_due_date_first() -> None:
    assert _order("edd") == [2, 0, 3, 1]


def test_mwkr_serves_the_most_work_remaining_first() -> None:
    assert _order("mwkr") == [1, 3, 0, 2]


def test_mopnr_serves_the_most_operations_remaining_first() -> None:
    assert _order("mopnr") == [0, 3, 1, 2]


def test_fdd_mwkr_serves_the_smallest_done_plus_this_over_remaining_first() -> None:
    # job 0: (0 + 8) / 20 = 0.4; job 1: (30 + 3) / 40 = 0.825; job 2: (4 + 6) / 6 = 1.67;
    # job 3: (6 + 3) / 40 = 0.225.
    assert _order("fdd_mwkr") == [3, 0, 1, 2]
    assert sequencing.static_key("fdd_mwkr", **OPERATIONS[0]) == pytest.approx(0.4)
    assert sequencing.static_key("fdd_mwkr", 0.0, 2.0, 0.0, 0.0, 0, 5.0) == 0.0  # nothing left: no division


def test_static_ties_go_to_the_lowest_job_index() -> None:
    same = dict(ready=2.0, processing=4.0, due=50.0, remaining_work=10.0, remaining_operations=2, done_work=1.0)
    for rule in sequencing.STATIC_RULES:
        assert _order(rule, {7: same, 2: same, 5: same}) == [2, 5, 7]


def test_unknown_static_rule_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown static sequencing rule 'lifo'"):
        sequencing.static_key("lifo", **OPERATIONS[0])


# --- sequencing (dynamic rules) -----------------------------------------------------------------


def test_cr_takes_the_smallest_slack_per_remaining_work() -> None:
    # (due - now) / remaining: A 50/10 = 5, B 30/20 = 1.5 (most critical), C -5/5 = -1 (late: first).
    processing, due = np.array([2.0, 2.0, 2.0]), NOW + np.array([50.0, 30.0, -5.0])
    remaining = np.array([10.0, 20.0, 5.0])
    jobs = np.array([0, 1, 2])
    assert sequencing.pick_dynamic("cr", NOW, processing, due, remaining, jobs) == 2
    assert sequencing.pick_dynamic("cr", NOW, processing[:2], due[:2], remaining[:2], jobs[:2]) == 1


def test_atc_prefers_short_urgent_work() -> None:
    # Both have no slack left: ATC is 1/p, so the shorter one goes first; with plenty of
    # slack the urgent (due now) one goes first even though it is longer.
    jobs = np.array([0, 1])
    urgent = NOW + np.array([0.0, 0.0])
    assert sequencing.pick_dynamic("atc", NOW, np.array([9.0, 3.0]), urgent, np.array([9.0, 3.0]), jobs) == 1
    relaxed = NOW + np.array([5.0, 1000.0])
    assert sequencing.pick_dynamic("atc", NOW, np.array([5.0, 3.0]), relaxed, np.array([5.0, 3.0]), jobs) == 0
