"""The active period method on event logs whose bottlenecks can be worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from twin_app.analysis.bottleneck import active_periods, analyse_bottlenecks, ranking
from twin_app.model.events import EventKind

P, S, T, D, OFF, W, B = (int(k) for k in EventKind)


def strip(analysis) -> list[tuple[float, float, int, bool]]:
    return [
        (float(a), float(b), int(r), bool(s))
        for a, b, r, s in zip(
            analysis.strip_start, analysis.strip_end, analysis.strip_resource, analysis.strip_shifting, strict=True
        )
    ]


def test_work_setup_and_repair_are_active_waiting_and_off_shift_are_not(make_result) -> None:
    result = make_result(
        [
            (0, 10, P, 0), (10, 12, S, 0), (12, 20, D, 0),  # one active period 0-20
            (30, 35, P, 0),  # a second one after idling
            (0, 40, P, 1), (10, 20, OFF, 1),  # work paused off shift: 0-10 and 20-40
            (50, 60, P, 1), (60, 65, B, 1), (65, 70, P, 1),  # blocked splits it: 50-60, 65-70
            (0, 100, T, 2),  # a vehicle driving all along
        ],
        end=100,
    )  # fmt: skip
    res, start, end = active_periods(result)
    assert list(zip(res.tolist(), start.tolist(), end.tolist(), strict=True)) == [
        (0, 0, 20),
        (0, 30, 35),
        (1, 0, 10),
        (1, 20, 40),
        (1, 50, 60),
        (1, 65, 70),
        (2, 0, 100),
    ]
    analysis = analyse_bottlenecks(result)
    assert analysis.resources.tolist() == [0, 1, 2]
    assert analysis.mean_active_period == pytest.approx([12.5, (10 + 20 + 10 + 5) / 4, 100])
    assert ranking(analysis)[0][:2] == (2, 1.0)  # the vehicle never stops: the sole bottleneck


def test_roser_handover_overlap_is_a_shifting_bottleneck(make_result) -> None:
    # M0 active 0-40, M1 active 30-100 (longer). M0 is the bottleneck until M1 starts, M1
    # from 30 on; their periods overlap 30-40: a shift, counted for both.
    analysis = analyse_bottlenecks(make_result([(0, 40, P, 0), (30, 100, P, 1)], end=100))
    assert strip(analysis) == [(0, 30, 0, False), (30, 40, 1, True), (40, 100, 1, False)]
    assert analysis.sole_share == pytest.approx([0.30, 0.60, 0])
    assert analysis.shifting_share == pytest.approx([0.10, 0.10, 0])


def test_roser_alternating_long_active_periods(make_result) -> None:
    # Two machines take turns with long active periods: M0 0-50, M1 40-90, M0 again 80-140.
    # M0's first period (50) ties with M1's (50) and started first, so it holds until 50;
    # M1 then leads until M0's longer second period (60) starts at 80.
    analysis = analyse_bottlenecks(make_result([(0, 50, P, 0), (40, 90, P, 1), (80, 140, P, 0)], end=140))
    assert strip(analysis) == [
        (0, 40, 0, False),
        (40, 50, 0, True),
        (50, 80, 1, False),
        (80, 90, 0, True),
        (90, 140, 0, False),
    ]
    assert analysis.sole_share * 140 == pytest.approx([90, 30, 0])
    assert analysis.shifting_share * 140 == pytest.approx([20, 20, 0])
    assert analysis.mean_active_period == pytest.approx([55, 50, 0])
    assert ranking(analysis) == [
        (0, pytest.approx(90 / 140), pytest.approx(20 / 140)),
        (1, 30 / 140, 20 / 140),
        (2, 0.0, 0.0),
    ]


def test_a_shorter_period_inside_a_longer_one_never_leads(make_result) -> None:
    analysis = analyse_bottlenecks(make_result([(0, 100, P, 0), (20, 30, P, 1), (60, 90, S, 1)], end=100))
    assert strip(analysis) == [(0, 100, 0, False)]
    assert analysis.sole_share == pytest.approx([1.0, 0.0, 0.0])
    assert analysis.shifting_share == pytest.approx([0.0, 0.0, 0.0])
    assert ranking(analysis)[0][0] == 0


def test_no_bottleneck_while_no_machine_is_active(make_result) -> None:
    analysis = analyse_bottlenecks(make_result([(0, 50, P, 0), (60, 70, D, 1)], end=100))
    assert strip(analysis) == [(0, 50, 0, False), (60, 70, 1, False)]
    assert analysis.sole_share == pytest.approx([0.5, 0.1, 0.0])
    assert analysis.shifting_share == pytest.approx([0.0, 0.0, 0.0])


def test_periods_are_clipped_to_the_window(make_result) -> None:
    # M0's period 0-60 counts as 40-60 (20) in a window from 40; M1's 50-70 (20) ties with it
    # and started later, so M0 leads until 60.
    analysis = analyse_bottlenecks(make_result([(0, 60, P, 0), (50, 70, P, 1)], start=40, end=80))
    assert analysis.mean_active_period == pytest.approx([20, 20, 0])
    assert strip(analysis) == [(40, 50, 0, False), (50, 60, 0, True), (60, 70, 1, False)]
    assert analysis.sole_share * 40 == pytest.approx([10, 10, 0])
    assert analysis.shifting_share * 40 == pytest.approx([10, 10, 0])


def test_no_activity_means_no_bottleneck(make_result) -> None:
    analysis = analyse_bottlenecks(make_result([(0, 10, W, 0)], end=100))
    assert len(analysis.strip_start) == 0
    assert analysis.sole_share.tolist() == [0.0, 0.0, 0.0]
    assert [r for r, _, _ in ranking(analysis)] == [0, 1, 2]


def test_a_lane_whose_trips_and_empty_returns_run_back_to_back_is_the_bottleneck(make_result) -> None:
    # The truck (resource 2) drives 0-30 loaded, 30-60 back empty, 60-90 loaded: one active
    # period of 90. The machines work 0-20 and 40-55: shorter periods inside it never lead.
    truck = [(0, 30, T, 2, 3, 0, 1, -1, 5.0), (30, 60, T, 2, 3, -1, -1, -1), (60, 90, T, 2, 3, 1, 2, -1, 5.0)]
    analysis = analyse_bottlenecks(make_result([(0, 20, P, 0), (40, 55, P, 1), *truck], end=100))
    assert strip(analysis) == [(0, 90, 2, False)]
    assert ranking(analysis)[0] == (2, pytest.approx(0.9), 0.0)


def test_many_random_periods_partition_the_active_time(make_result) -> None:
    rng = np.random.default_rng(5)
    rows = []
    for r in (0, 1):
        t = 0.0
        for _ in range(400):
            t += float(rng.exponential(3))
            length = float(rng.exponential(4))
            rows.append((t, t + length, P, r))
            t += length
    result = make_result(rows, end=3000)
    analysis = analyse_bottlenecks(result)
    pieces = analysis.strip_end - analysis.strip_start
    assert np.all(pieces > 0)
    assert np.all(analysis.strip_start[1:] >= analysis.strip_end[:-1])  # in time order, no overlaps
    # The strip covers exactly the time at least one machine is active.
    res, start, end = active_periods(result)
    grid = np.linspace(0, 3000, 30001)[:-1] + 0.05
    any_active = np.zeros(len(grid), dtype=bool)
    for a, b in zip(start, end, strict=True):
        any_active |= (grid >= a) & (grid < b)
    in_strip = np.zeros(len(grid), dtype=bool)
    for a, b in zip(analysis.strip_start, analysis.strip_end, strict=True):
        in_strip |= (grid >= a) & (grid < b)
    assert np.array_equal(any_active, in_strip)
    # Each strip piece's machine holds the longest active period at that moment.
    length = end - start
    for a, b, r in zip(analysis.strip_start, analysis.strip_end, analysis.strip_resource, strict=True):
        mid = 0.5 * (a + b)
        covering = (start <= mid) & (mid < end)
        assert length[covering & (res == r)].max() == pytest.approx(length[covering].max())
    # Sole time of all machines adds up to the strip's sole pieces.
    sole_pieces = pieces[~analysis.strip_shifting].sum()
    assert analysis.sole_share.sum() * 3000 == pytest.approx(sole_pieces)


def test_distinct_times_are_unique_and_searchsorted() -> None:
    from twin_app.analysis.arrays import unique_sorted
    from twin_app.analysis.bottleneck import _distinct_times

    rng = np.random.default_rng(11)
    start = rng.integers(0, 50, 400).astype(float) / 4
    end = start + rng.integers(0, 9, 400) / 4
    for a, b in [(start, end), (start[:0], end[:0]), (np.array([0.0, -0.0, 2.0]), np.array([1.0, 0.0, np.nan]))]:
        times, lo, hi = _distinct_times(a, b)
        expected = unique_sorted(np.concatenate([a, b]))
        assert times.tobytes() == expected.tobytes()
        assert np.array_equal(lo, np.searchsorted(expected, a)) and np.array_equal(hi, np.searchsorted(expected, b))
