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


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.int16, np.uint8])
def test_unique_sorted_of_integers_is_numpys_unique(dtype: type) -> None:
    """Integers over a small range are counted, not sorted: the same values and dtype, for
    dense and sparse ranges, negative values and one value."""
    rng = np.random.default_rng(5)
    cases = [rng.integers(0, 60, 1000), rng.integers(0, 100_000, 50), np.array([7]), np.array([0, 0, 0])]
    if np.dtype(dtype).kind == "i":
        cases.append(rng.integers(-40, 40, 500))
    for values in cases:
        values = values.astype(dtype)
        unique = unique_sorted(values)
        assert unique.dtype == values.dtype and np.array_equal(unique, np.unique(values))


def test_take_rows_is_numpys_indexing() -> None:
    """Rows of a structured array taken as raw records: the same rows (bytes and dtype) as
    numpy's own indexing, by mask and by positions; a plain array goes through numpy."""
    from twin_app.analysis.arrays import take_rows
    from twin_app.model.events import ORDER_DTYPE

    rng = np.random.default_rng(9)
    orders = np.zeros(500, dtype=ORDER_DTYPE)
    for name in ORDER_DTYPE.names:
        orders[name] = rng.integers(0, 1000, len(orders))
    mask, positions = rng.random(len(orders)) < 0.4, rng.integers(0, len(orders), 300)
    for index in (mask, positions, np.zeros(0, dtype=np.int64)):
        taken = take_rows(orders, index)
        assert taken.dtype == orders.dtype and taken.tobytes() == orders[index].tobytes()
    plain = rng.random(50)
    assert np.array_equal(take_rows(plain, plain > 0.5), plain[plain > 0.5])


def test_events_copied_as_records_are_the_events_copied_field_by_field() -> None:
    """A slice of events written through ``as_records`` (as the collector and the Gantt's store
    do) holds the same events, field for field, as numpy's own structured assignment."""
    from twin_app.analysis.arrays import as_records
    from twin_app.model.events import EVENT_DTYPE

    rng = np.random.default_rng(4)
    events = np.zeros(700, dtype=EVENT_DTYPE)
    for name in EVENT_DTYPE.names:
        events[name] = rng.integers(-5, 10_000, len(events))
    by_fields, by_records = np.zeros(1000, dtype=EVENT_DTYPE), np.zeros(1000, dtype=EVENT_DTYPE)
    by_fields[200:900] = events
    as_records(by_records)[200:900] = as_records(events)
    for name in EVENT_DTYPE.names:
        np.testing.assert_array_equal(by_records[name], by_fields[name])
    assert as_records(events).base is not None and np.shares_memory(as_records(events), events)  # a view, no copy


def test_stable_argsort_is_numpys_stable_argsort() -> None:
    from twin_app.analysis.arrays import stable_argsort

    rng = np.random.default_rng(5)
    for keys in [
        rng.integers(-5, 200, 3000),
        rng.integers(0, 3, 1000).astype(np.int32),
        rng.integers(-(2**20), 2**20, 500),
        np.array([], dtype=np.int64),
        rng.random(100),
    ]:
        assert np.array_equal(stable_argsort(keys), np.argsort(keys, kind="stable"))
