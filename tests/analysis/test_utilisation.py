"""State durations, utilisation over time and queue lengths on hand-built event logs."""

from __future__ import annotations

import numpy as np
import pytest

from twin_app.analysis.result import RunResult
from twin_app.analysis.utilisation import (
    BLOCKED,
    BUSY,
    DOWN,
    IDLE,
    OFF_SHIFT,
    SETUP,
    STATES,
    mean_queue_length,
    owner_state_durations,
    queue_length_over_time,
    state_durations,
    utilisation_over_time,
)
from twin_app.model.events import EVENT_DTYPE, ORDER_DTYPE, EventKind

P, S, T, D, OFF, W, B = (int(k) for k in EventKind)  # PROCESS, SETUP, TRANSPORT, DOWN, OFF_SHIFT, WAIT, BLOCKED


def test_states_are_in_the_documented_column_order() -> None:
    assert STATES == ("busy", "setup", "idle", "blocked", "down", "off_shift")
    assert (BUSY, SETUP, IDLE, BLOCKED, DOWN, OFF_SHIFT) == (0, 1, 2, 3, 4, 5)


def test_breakdown_during_an_operation_counts_as_down_not_busy(make_result) -> None:
    # M0: setup 0-10, an operation 10-50 paused by a breakdown 20-30, off shift 45-60,
    # blocked 50-55 (hidden by the shift) and 60-65.
    result = make_result(
        [(0, 10, S, 0), (10, 50, P, 0), (20, 30, D, 0), (45, 60, OFF, 0), (50, 55, B, 0), (60, 65, B, 0)],
        end=100,
    )
    d = state_durations(result)
    assert d[0, SETUP] == pytest.approx(10)
    assert d[0, BUSY] == pytest.approx(25)  # 10-20 and 30-45
    assert d[0, DOWN] == pytest.approx(10)
    assert d[0, OFF_SHIFT] == pytest.approx(15)
    assert d[0, BLOCKED] == pytest.approx(5)
    assert d[0, IDLE] == pytest.approx(35)
    assert d.sum(axis=1) == pytest.approx([100, 100, 100])
    assert d[1, IDLE] == pytest.approx(100)  # M1 never did anything


def test_intervals_are_clipped_to_the_observation_window(make_result) -> None:
    # Window 20-80 (warm-up 20): an operation 0-30 counts 10, one 70-120 counts 10.
    result = make_result([(0, 30, P, 1), (70, 120, P, 1), (0, 15, D, 1), (85, 90, D, 1)], start=20, end=80)
    d = state_durations(result)
    assert d[1, BUSY] == pytest.approx(20)
    assert d[1, DOWN] == pytest.approx(0)
    assert d[1, IDLE] == pytest.approx(40)


def test_a_vehicle_is_busy_while_it_carries(make_result) -> None:
    result = make_result([(10, 40, T, 2), (30, 60, T, 2)], end=100)
    d = state_durations(result)
    assert d[2, BUSY] == pytest.approx(50)  # two loads overlap 30-40: the truck is busy 10-60
    assert d[2, IDLE] == pytest.approx(50)


def test_waits_do_not_change_the_state_of_the_resource(make_result) -> None:
    result = make_result([(0, 50, W, 0)], end=100)
    assert state_durations(result)[0, IDLE] == pytest.approx(100)


def test_owner_durations_sum_the_owners_machine_units(make_result) -> None:
    result = make_result([(0, 10, P, 0), (0, 30, P, 1), (0, 50, T, 2)], end=100)
    owners = owner_state_durations(result)
    assert owners.shape == (4, 6)
    assert owners[1, BUSY] == pytest.approx(10)  # acme: M0
    assert owners[2, BUSY] == pytest.approx(30)  # bolt: M1
    assert owners[3].sum() == 0  # the truck is not a machine unit
    assert owners[0].sum() == 0  # the platform owns no machine


def _brute_force_states(events: np.ndarray, n: int, start: int, end: int) -> np.ndarray:
    """Resolve the state of each resource at the middle of every unit of time, by priority."""
    out = np.zeros((n, 6))
    priority = [(D, DOWN), (OFF, OFF_SHIFT), (S, SETUP), (P, BUSY), (T, BUSY), (B, BLOCKED)]
    for r in range(n):
        mine = events[events["resource"] == r]
        for t in range(start, end):
            mid = t + 0.5
            state = IDLE
            open_kinds = {int(e["kind"]) for e in mine if e["start"] <= mid < e["end"]}
            for kind, candidate in priority:
                if kind in open_kinds:
                    state = candidate
                    break
            out[r, state] += 1
    return out


def test_state_durations_match_a_brute_force_resolution(make_result) -> None:
    rng = np.random.default_rng(3)
    rows = []
    for _ in range(300):
        a = int(rng.integers(-20, 200))
        rows.append((a, a + int(rng.integers(0, 30)), int(rng.choice([P, S, D, OFF, B, W])), int(rng.integers(0, 2))))
    for _ in range(40):
        a = int(rng.integers(-20, 200))
        rows.append((a, a + int(rng.integers(0, 30)), T, 2))
    result = make_result(rows, start=10, end=170)
    expected = _brute_force_states(result.events, 3, 10, 170)
    assert state_durations(result) == pytest.approx(expected)


def test_utilisation_over_time_splits_machine_time_into_bins(make_result) -> None:
    result = make_result([(0, 50, P, 0), (25, 75, P, 1), (0, 100, T, 2)], end=100)
    edges, fractions = utilisation_over_time(result, bins=4)
    assert edges == pytest.approx([0, 25, 50, 75, 100])
    assert fractions[:, BUSY] == pytest.approx([0.5, 1.0, 0.5, 0.0])  # vehicles are not counted
    assert fractions[:, IDLE] == pytest.approx([0.5, 0.0, 0.5, 1.0])
    assert fractions.sum(axis=1) == pytest.approx(np.ones(4))


def test_utilisation_over_time_within_a_bin_and_by_state(make_result) -> None:
    result = make_result([(10, 20, D, 0), (5, 15, S, 1)], start=0, end=40)
    _, fractions = utilisation_over_time(result, bins=2)
    assert fractions[0, DOWN] == pytest.approx(10 / 40)  # 10 of 2 units x 20
    assert fractions[0, SETUP] == pytest.approx(10 / 40)
    assert fractions[1].tolist() == pytest.approx([0, 0, 1, 0, 0, 0])


def test_queue_length_is_a_step_function_of_the_waits(make_result) -> None:
    result = make_result([(0, 30, W, 0), (10, 20, W, 0), (15, 40, W, 1)], start=5, end=35)
    times, lengths = queue_length_over_time(result)
    assert times.tolist() == [5, 10, 15, 20, 30]
    assert lengths.tolist() == [1, 2, 3, 2, 1]
    times, lengths = queue_length_over_time(result, resource=1)
    assert times.tolist() == [5, 15]
    assert lengths.tolist() == [0, 1]


def test_mean_queue_length_is_the_time_average_over_the_window(make_result) -> None:
    result = make_result([(0, 30, W, 0), (10, 20, W, 0), (15, 40, W, 1)], start=5, end=35)
    assert mean_queue_length(result) == pytest.approx([35 / 30, 20 / 30, 0])


def test_a_million_overlapping_events_partition_each_resources_time(small_scenario, small_layout) -> None:
    # Speed is measured by `twin-app bench`, not here; this checks the vectorised sweep keeps
    # every state's time on a large, heavily overlapping log.
    rng = np.random.default_rng(1)
    n = 1_000_000
    events = np.zeros(n, dtype=EVENT_DTYPE)
    events["start"] = rng.uniform(0, 1e5, n)
    events["end"] = events["start"] + rng.exponential(5, n)
    events["kind"] = rng.choice([P, S, D, OFF, B, W], n)
    events["resource"] = rng.integers(0, 2, n)
    result = RunResult(small_scenario, small_layout, events, np.empty(0, dtype=ORDER_DTYPE), 100, 1e5)
    d = state_durations(result)
    assert d[:2].sum(axis=1) == pytest.approx([1e5 - 100] * 2)
    _edges, fractions = utilisation_over_time(result)
    assert fractions.sum(axis=1) == pytest.approx(np.ones(len(fractions)))
    assert (mean_queue_length(result)[:2] > 0).all()


def test_step_function_is_the_sort_and_search_it_replaced(make_result) -> None:
    """The distinct times and counts from one pass over the sorted end points: the same arrays
    as unique_sorted and a search per distinct time (ties, -0.0 and intervals across the window)."""
    from twin_app.analysis.arrays import unique_sorted
    from twin_app.analysis.utilisation import step_function

    def searched(result, lo, hi):
        lo, hi = np.clip(lo, result.start, result.end), np.clip(hi, result.start, result.end)
        keep = hi > lo
        lo, hi = lo[keep], hi[keep]
        times = np.concatenate([lo, hi])
        delta = np.concatenate([np.ones(len(lo), dtype=np.int64), -np.ones(len(hi), dtype=np.int64)])
        order = np.argsort(times, kind="stable")
        times, delta = times[order], delta[order]
        count = np.cumsum(delta)
        unique = unique_sorted(times)
        values = count[np.searchsorted(times, unique, side="right") - 1] if len(times) else count
        inside = unique < result.end
        unique, values = unique[inside], values[inside]
        if len(unique) == 0 or unique[0] > result.start:
            unique, values = np.concatenate([[result.start], unique]), np.concatenate([[0], values])
        return unique.astype(np.float64), values.astype(np.int64)

    rng = np.random.default_rng(7)
    lo = rng.integers(-4, 40, 300) / 2
    hi = lo + rng.integers(0, 6, 300) / 2
    lo[:3] = -0.0
    for start, end in [(0.0, 20.0), (3.0, 12.5), (0.0, 0.0)]:
        result = make_result([], start=start, end=end)
        for a, b in [(lo, hi), (lo[:0], hi[:0]), (hi, lo)]:
            got, expected = step_function(result, a, b), searched(result, a, b)
            assert got[0].tobytes() == expected[0].tobytes() and got[1].tobytes() == expected[1].tobytes()


@pytest.mark.parametrize("shape", ["disjoint", "touching", "overlapping", "shuffled", "two layers"])
def test_one_layer_without_overlaps_gives_the_sweeps_segments(make_result, monkeypatch, shape: str) -> None:
    """Intervals of one layer that never overlap on a resource are cut without the sweep's sort:
    the same arrays (values, dtypes, order) as the sweep, and the sweep wherever they overlap."""
    from twin_app.analysis import utilisation

    rng = np.random.default_rng(sum(map(ord, shape)))
    rows = []
    for resource in range(3):  # M0, M1 and the truck
        t = float(rng.integers(0, 3))
        for _ in range(40):
            length = float(rng.integers(0 if shape != "disjoint" else 1, 4))
            kind = EventKind.TRANSPORT if resource == 2 else EventKind.PROCESS
            if shape == "two layers" and rng.random() < 0.2:
                kind = EventKind.SETUP if resource < 2 else EventKind.DOWN
            rows.append((t, t + length, kind, resource))
            gap = rng.integers(0, 3) if shape != "overlapping" else rng.integers(-2, 3)
            t = max(t + length + float(gap), 0.0) if shape != "touching" else t + length
    rows.sort(key=lambda row: row[1])  # the log's order: by end
    if shape == "shuffled":
        rng.shuffle(rows)
    result = make_result(rows, start=1.0, end=100.0)
    cut = utilisation._disjoint_segments
    taken: list[bool] = []

    def recorded(*args):
        taken.append(cut(*args) is not None)
        return cut(*args)

    monkeypatch.setattr(utilisation, "_disjoint_segments", recorded)
    fast = utilisation.state_segments(result)
    assert taken == ([True] if shape in ("disjoint", "touching") else [False] if shape != "two layers" else [])
    monkeypatch.setattr(utilisation, "_disjoint_segments", lambda *args: None)
    swept = utilisation.state_segments(make_result(rows, start=1.0, end=100.0))
    assert len(fast[0]) > 20
    for a, b in zip(fast, swept, strict=True):
        assert a.dtype == b.dtype and a.tobytes() == b.tobytes()
