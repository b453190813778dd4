"""Paired differences and their verdicts, against hand-computed values."""

from __future__ import annotations

import math

import pytest

from twin_app.experiments.paired import estimate, paired_difference


def test_paired_difference_matches_a_hand_computed_t_interval() -> None:
    a = [10.0, 12.0, 11.0, 13.0]
    b = [12.0, 15.0, 13.0, 16.0]  # differences 2, 3, 2, 3: mean 2.5, sd 0.57735
    diff = paired_difference(a, b)
    half = 3.182446305284263 * 0.5773502691896258 / 2  # t(0.975, 3) * s / sqrt(4)
    assert diff.mean == pytest.approx(2.5)
    assert diff.half_width == pytest.approx(half, rel=1e-9)
    assert diff.relative == pytest.approx(2.5 / 11.5)
    assert diff.significant  # [1.58, 3.42] excludes 0


def test_pairing_is_sharper_than_the_separate_intervals_when_runs_move_together() -> None:
    a = [10.0, 20.0, 30.0, 40.0]
    b = [11.0, 21.5, 30.5, 41.0]
    separate = math.hypot(estimate(a).half_width or 0, estimate(b).half_width or 0)
    diff = paired_difference(a, b)
    assert diff.half_width is not None and diff.half_width < separate / 10
    assert diff.significant  # the separate intervals overlap entirely, the paired one does not


def test_identical_runs_give_zero_and_no_significant_difference() -> None:
    diff = paired_difference([5.0, 7.0, 6.0], [5.0, 7.0, 6.0])
    assert (diff.mean, diff.half_width, diff.significant) == (0.0, 0.0, False)


def test_replications_without_a_value_are_left_out_of_the_pairs() -> None:
    diff = paired_difference([1.0, None, 3.0, 4.0], [2.0, 5.0, None, 5.0])
    assert diff.n == 2 and diff.mean == pytest.approx(1.0)
    assert paired_difference([None], [1.0]).mean is None


def test_a_single_pair_is_never_significant() -> None:
    diff = paired_difference([1.0], [9.0])
    assert diff.mean == 8.0 and not diff.significant
