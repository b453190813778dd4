"""The in-memory collector keeps every event of a long run and the latest order records."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from twin_app.analysis.collector import EventCollector
from twin_app.model.events import EVENT_DTYPE, ORDER_DTYPE, EventBatch, RunEnd, RunInfo

INFO = RunInfo(run_id="r1", scenario_name="Hand-checked network", seed=7, replication=0, horizon=1000, warmup=100)


def numbered_events(first: int, count: int) -> np.ndarray:
    events = np.zeros(count, dtype=EVENT_DTYPE)
    events["job"] = np.arange(first, first + count)
    events["start"] = events["job"]
    events["end"] = events["job"] + 1
    return events


def order_record(order: int, completed: float) -> np.ndarray:
    record = np.zeros(1, dtype=ORDER_DTYPE)
    record["order"], record["release"], record["completed"] = order, order, completed
    return record


def test_every_event_of_many_batches_is_kept_in_order() -> None:
    collector = EventCollector()
    collector.on_start(INFO)
    rng = np.random.default_rng(0)
    total = 0
    for batch_number in range(3000):
        count = int(rng.integers(0, 60))
        collector.on_batch(EventBatch(now=float(batch_number), events=numbered_events(total, count)))
        total += count
    events = collector.events
    assert len(events) == total
    assert events["job"].tolist() == list(range(total))
    assert collector.now == 2999
    # Capacity grew by doubling: a power of two times the first block, less than twice the need.
    assert collector.capacity >= total
    assert collector.capacity < 2 * max(total, 1024)
    assert (collector.capacity // 1024) & (collector.capacity // 1024 - 1) == 0


def test_a_view_taken_earlier_is_not_changed_by_later_batches() -> None:
    collector = EventCollector()
    collector.on_batch(EventBatch(1.0, numbered_events(0, 10)))
    early = collector.events
    for i in range(50):
        collector.on_batch(EventBatch(2.0 + i, numbered_events(10 + 100 * i, 100)))
    assert early["job"].tolist() == list(range(10))
    assert not early.flags.writeable  # nobody edits the log behind the collector's back


def test_orders_keep_the_latest_record_per_id_sorted_by_id() -> None:
    collector = EventCollector()
    collector.on_batch(EventBatch(1.0, orders=np.concatenate([order_record(5, np.nan), order_record(2, np.nan)])))
    assert collector.orders["order"].tolist() == [2, 5]
    collector.on_batch(EventBatch(2.0, orders=np.concatenate([order_record(5, 40.0), order_record(9, np.nan)])))
    collector.on_batch(EventBatch(3.0, orders=np.concatenate([order_record(9, 50.0), order_record(9, 55.0)])))
    orders = collector.orders
    assert orders["order"].tolist() == [2, 5, 9]
    assert np.isnan(orders["completed"][0])
    assert orders["completed"][1:].tolist() == [40.0, 55.0]


def test_status_and_result_window() -> None:
    collector = EventCollector()
    assert collector.status == "idle" and collector.info is None
    collector.on_start(INFO)
    assert collector.status == "running" and collector.info == INFO
    collector.on_batch(EventBatch(500.0, numbered_events(0, 3)))
    collector.on_end(RunEnd(now=600.0, status="stopped", message="stopped by the user"))
    assert (collector.status, collector.now, collector.message) == ("stopped", 600.0, "stopped by the user")


def test_result_observes_from_the_warm_up_to_now(small_scenario, small_layout) -> None:
    collector = EventCollector()
    collector.on_start(INFO)
    collector.on_batch(EventBatch(700.0, numbered_events(0, 5), order_record(1, np.nan)))
    result = collector.result(small_scenario, small_layout)
    assert (result.start, result.end) == (100.0, 700.0)
    assert len(result.events) == 5 and len(result.orders) == 1
    assert collector.result(small_scenario, small_layout, start=0.0).start == 0.0


def test_wrong_dtype_is_refused() -> None:
    with pytest.raises(ValueError, match="wrong dtypes"):
        EventCollector().on_batch(EventBatch(1.0, events=np.zeros(3)))


def test_reading_while_another_thread_appends() -> None:
    collector = EventCollector()
    done = threading.Event()

    def produce() -> None:
        for i in range(2000):
            collector.on_batch(EventBatch(float(i), numbered_events(10 * i, 10)))
        done.set()

    worker = threading.Thread(target=produce)
    worker.start()
    while not done.is_set():
        snapshot = collector.events
        assert snapshot["job"].tolist() == list(range(len(snapshot)))
    worker.join()
    assert len(collector.events) == 20000


def test_batches_are_kept_byte_for_byte_across_growth() -> None:
    """Batches are copied as raw records (not field by field): what the collector hands out is
    every batch's rows, bytes and all, in order, however often its buffer grew."""
    rng = np.random.default_rng(11)
    collector = EventCollector()
    sent = []
    for size in (1, 700, 1500, 5000, 3):
        rows = np.zeros(size, dtype=EVENT_DTYPE)
        for name in EVENT_DTYPE.names:
            rows[name] = rng.integers(0, 200, size)
        rows["start"] = rng.random(size)
        sent.append(rows)
        collector.on_batch(EventBatch(float(size), rows, np.zeros(0, dtype=ORDER_DTYPE)))
    assert collector.events.tobytes() == np.concatenate(sent).tobytes()


def test_views_stay_whole_whether_the_buffer_grew_in_place_or_was_copied() -> None:
    """The buffer grows in place only while no view of it is out: every view taken between
    batches (some growths in place, some copies) keeps its rows, bytes and all."""
    collector = EventCollector()
    views, total = [], 0
    for step in range(40):
        count = 97 * (step + 1)
        collector.on_batch(EventBatch(float(step), numbered_events(total, count)))
        total += count
        if step % 3 == 0:  # a reader now and then: the next growth must copy
            views.append(collector.events)
    for view in views:
        assert view["job"].tolist() == list(range(len(view)))
    assert collector.events["job"].tolist() == list(range(total))


def test_latest_orders_by_a_table_are_the_sorts() -> None:
    """The latest record per id by a table over the ids (the run's 0, 1, 2 ...) is what the
    stable sort by id gives, bytes and all; ids outside a small range take the sort."""
    from twin_app.analysis.collector import latest_orders

    def by_sort(records: np.ndarray) -> np.ndarray:
        order = np.argsort(records["order"], kind="stable")
        ids = records["order"][order]
        last = np.ones(len(order), dtype=bool)
        last[:-1] = ids[1:] != ids[:-1]
        return records[order[last]]

    rng = np.random.default_rng(3)
    for ids in (rng.integers(0, 300, 1000), rng.integers(0, 5, 50), np.array([7]), rng.integers(-3, 10**7, 200)):
        records = np.zeros(len(ids), dtype=ORDER_DTYPE)
        records["order"], records["completed"] = ids, rng.random(len(ids))
        assert latest_orders(records).tobytes() == by_sort(records).tobytes()


def test_a_buffer_beyond_the_in_place_bound_is_copied_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("twin_app.analysis.collector._IN_PLACE_MAX_BYTES", 4096 * EVENT_DTYPE.itemsize)
    collector = EventCollector()
    total = 0
    for step in range(30):
        collector.on_batch(EventBatch(float(step), numbered_events(total, 500)))
        total += 500
    assert collector.events["job"].tolist() == list(range(total))
