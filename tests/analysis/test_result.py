"""RunResult's shared look-ups: the kind column and the positions per kind, computed once and
equal to what a mask over the log gives; the window shares' shortcut; pickling."""

from __future__ import annotations

import pickle
from collections.abc import Callable

import numpy as np
import pytest

from twin_app.analysis.economics.work import _isin_sorted
from twin_app.analysis.result import RunResult
from twin_app.model.events import EventKind, Outcome

K = EventKind
ROWS = [
    (0, 5, K.WAIT, 0),
    (0, 5, K.PROCESS, 0, 1, 0, 0, 0, 1.0, 3.0),
    (2, 9, K.TRANSPORT, 2, 3, 0),
    (5, 5, Outcome.SCRAP, 0, 1, 0),
    (5, 7, K.SETUP, 1),
    (6, 8, K.DOWN, 1),
    (7, 9, K.PROCESS, 1, 2, 0),
]


def test_rows_of_are_the_masks_positions_and_computed_once(make_result: Callable[..., RunResult]) -> None:
    result = make_result(ROWS)
    assert result.kinds().flags.c_contiguous
    assert np.array_equal(result.kinds(), result.events["kind"])
    for kinds in [(K.PROCESS,), (K.PROCESS, K.SETUP, K.TRANSPORT), (Outcome.SCRAP, Outcome.REWORK), (K.BLOCKED,)]:
        expected = np.flatnonzero(np.isin(result.events["kind"], [int(k) for k in kinds]))
        assert np.array_equal(result.rows_of(*kinds), expected)
        assert np.array_equal(result.kind_mask(*kinds), np.isin(result.events["kind"], [int(k) for k in kinds]))
        assert result.rows_of(*reversed(kinds)) is result.rows_of(*kinds)  # one set of kinds, one array


def test_pickled_without_the_cache(make_result: Callable[..., RunResult]) -> None:
    result = make_result(ROWS)
    result.rows_of(K.PROCESS)
    copy = pickle.loads(pickle.dumps(result))
    assert copy._cache == {}
    assert np.array_equal(copy.rows_of(K.PROCESS), result.rows_of(K.PROCESS))


@pytest.mark.parametrize("window", [(0.0, 10.0), (0.0, 9.0), (1.0, 10.0), (2.5, 6.0), (5.0, 5.0)])
def test_window_fraction_shortcut_gives_the_formula(make_result: Callable[..., RunResult], window: tuple) -> None:
    # intervals, instants and an event that ends before it starts, inside and across the window
    start = np.array([0.0, 2.0, 5.0, 5.0, 9.0, 3.0, 1e-300, 0.1])
    end = np.array([5.0, 9.0, 5.0, 7.0, 9.0, 2.0, 2e-300, 0.1 + 1e-15])
    result = make_result(ROWS, start=window[0], end=window[1])
    lo = np.clip(start, result.start, result.end)
    hi = np.maximum(np.clip(end, result.start, result.end), lo)
    length = end - start
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(length > 0, (hi - lo) / np.where(length > 0, length, 1.0), 0.0)
    expected = np.where((length <= 0) & (start >= result.start) & (start <= result.end), 1.0, share)
    assert result.window_fraction_of(start, end).tobytes() == expected.tobytes()


def test_isin_sorted_is_numpys() -> None:
    rng = np.random.default_rng(3)
    values = rng.integers(-3, 60, 500)
    for ids in [np.arange(0, 50, 3), np.array([], dtype=np.int64), np.array([7]), np.array([-2, 4, 10**9])]:
        assert np.array_equal(_isin_sorted(values, ids), np.isin(values, ids))


def test_columns_are_the_logs_contiguous_and_copied_once(
    make_result: Callable[..., RunResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    result = make_result(ROWS)
    for name in result.events.dtype.names:
        column = result.column(name)
        assert column.flags.c_contiguous and column.tobytes() == result.events[name].copy().tobytes()
        assert result.column(name) is column
    # a log above the bound: the strided view itself, nothing kept
    monkeypatch.setattr("twin_app.analysis.result.COLUMNS_MAX_EVENTS", len(ROWS) - 1)
    large = make_result(ROWS)
    assert large.column("start").base is not None and not large.column("start").flags.c_contiguous
    assert [key for key in large._cache if key != ("column", "kind")] == []


def test_a_large_logs_positions_are_not_kept(
    make_result: Callable[..., RunResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("twin_app.analysis.result.COLUMNS_MAX_EVENTS", len(ROWS) - 1)
    large = make_result(ROWS)
    assert np.array_equal(large.rows_of(K.PROCESS), np.flatnonzero(large.events["kind"] == K.PROCESS))
    assert [key for key in large._cache if key != ("column", "kind")] == []
