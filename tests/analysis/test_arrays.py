"""The analysis' own array helpers give numpy's numbers exactly (the KPIs must not move)."""

from __future__ import annotations

import numpy as np
import pytest

from twin_app.analysis.arrays import percentile, unique_sorted


@pytest.mark.parametrize("q", [0, 5, 33.3, 50, 95, 99.9, 100])
def test_percentile_is_numpys_to_the_bit(q: float) -> None:
    rng = np.random.default_rng(7)
    for size in (1, 2, 3, 10, 101, 1000):
        for values in (rng.exponential(100.0, size), rng.integers(0, 4, size).astype(float)):
            assert np.float64(percentile(values, q)).tobytes() == np.float64(np.percentile(values, q)).tobytes()


def test_percentile_leaves_its_input_alone() -> None:
    values = np.array([3.0, 1.0, 2.0])
    percentile(values, 50)
    assert values.tolist() == [3.0, 1.0, 2.0]


def test_unique_sorted_is_numpys_unique() -> None:
    values = np.random.default_rng(3).integers(0, 50, 1000).astype(float)
    assert np.array_equal(unique_sorted(values), np.unique(values))
