"""Fixtures for the results-store tests: a temporary database and a recorded run."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from twin_app.model.events import EVENT_DTYPE, ORDER_DTYPE, RunInfo
from twin_app.store.results_db import ResultsStore


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "results.sqlite"


@pytest.fixture
def store(db_path: Path) -> Iterator[ResultsStore]:
    opened = ResultsStore(db_path)
    yield opened
    opened.close()


@pytest.fixture
def run_info() -> Callable[[str], RunInfo]:
    def make(run_id: str = "run-1") -> RunInfo:
        return RunInfo(run_id=run_id, scenario_name="Tiny", seed=7, replication=2, horizon=2880.0, warmup=240.0)

    return make


@pytest.fixture
def random_events() -> Callable[[int, int], np.ndarray]:
    """Events with every column filled with distinct values (seeded)."""

    def make(count: int, seed: int = 0) -> np.ndarray:
        rng = np.random.default_rng(seed)
        events = np.zeros(count, dtype=EVENT_DTYPE)
        events["start"] = rng.uniform(0, 1000, count)
        events["end"] = events["start"] + rng.exponential(5, count)
        events["kind"] = rng.integers(0, 7, count)
        events["resource"] = rng.integers(0, 6, count)
        events["owner"] = rng.integers(-1, 3, count)
        events["order"] = rng.integers(-1, 2**40, count)
        events["job"] = rng.integers(-1, 10**6, count)
        events["operation"] = rng.integers(-1, 5, count)
        events["quantity"] = rng.uniform(0, 20, count)
        events["cost"] = rng.uniform(0, 100, count)
        return events

    return make


@pytest.fixture
def some_orders() -> np.ndarray:
    return np.array(
        [
            (1, 0, 2, 3.0, 10.0, 200.0, float("nan"), 500.0),
            (2, 0, 0, 1.0, 12.5, 300.0, 99.25, 120.0),
        ],
        dtype=ORDER_DTYPE,
    )
