"""The results database: round trips, statuses, schema versions, migrations and errors."""

from __future__ import annotations

import gc
import json
import sqlite3
import threading
from pathlib import Path

import numpy as np
import pytest

from twin_app.errors import StoreError
from twin_app.model.events import EventBatch, RunEnd
from twin_app.store import results_db
from twin_app.store.results_db import ResultsStore, default_database_path, scenario_hash


def _record(store, tiny, info, events, orders, status="completed"):
    writer = store.writer(tiny, info, {"dispatch": "push", "batch": 250})
    writer.on_start(info)
    half = len(events) // 2
    writer.on_batch(EventBatch(100.0, events[:half], orders[:1]))
    writer.on_batch(EventBatch(200.0, events[half:], orders))
    writer.on_end(RunEnd(now=2880.0, status=status, message="done"))
    return writer


def test_events_and_orders_round_trip_exactly(store, tiny, run_info, random_events, some_orders) -> None:
    events = random_events(5000)
    _record(store, tiny, run_info(), events, some_orders)
    loaded = store.load_events("run-1")
    assert loaded.dtype == events.dtype
    assert np.array_equal(loaded, events)
    orders = store.load_orders("run-1")
    assert orders["order"].tolist() == [1, 2]
    assert np.isnan(orders["completed"][0])  # an open order stays open
    assert orders[1].tolist() == some_orders[1].tolist()


def test_an_order_record_is_replaced_by_its_later_record(store, tiny, run_info, some_orders) -> None:
    info = run_info()
    writer = store.writer(tiny, info, {})
    writer.on_start(info)
    writer.on_batch(EventBatch(1.0, orders=some_orders))
    delivered = some_orders[:1].copy()
    delivered["completed"] = 150.0
    writer.on_batch(EventBatch(2.0, orders=delivered))
    writer.on_end(RunEnd(3.0, "completed"))
    assert store.load_orders("run-1")["completed"].tolist() == [150.0, 99.25]


def test_run_row_and_kpis(store, tiny, run_info, random_events, some_orders) -> None:
    _record(store, tiny, run_info(), random_events(10), some_orders, status="stopped")
    store.save_kpis("run-1", {"throughput": {"per_day": 12.5}, "lead_time": {"mean": float("nan")}})
    run = store.load_run("run-1")
    assert run["status"] == "stopped" and run["message"] == "done"
    assert (run["seed"], run["replication"], run["warmup"], run["sim_time"]) == (7, 2, 240.0, 2880.0)
    assert run["scenario_name"] == "Tiny"
    assert run["scenario_hash"] == scenario_hash(tiny)
    assert run["settings"] == {"dispatch": "push", "batch": 250}
    assert run["kpis"] == {"throughput": {"per_day": 12.5}, "lead_time": {"mean": None}}
    assert run["finished_at"] >= run["started_at"]
    assert scenario_hash(store.load_scenario("run-1")) == scenario_hash(tiny)
    listed = store.list_runs()
    assert [r["id"] for r in listed] == ["run-1"]
    assert "scenario_json" not in listed[0]


def test_scenario_hash_is_the_same_for_equal_scenarios_only(tiny) -> None:
    assert scenario_hash(tiny) == scenario_hash(tiny.with_changes())
    assert scenario_hash(tiny) != scenario_hash(tiny.with_changes(name="Another"))


def test_a_running_run_is_running_while_its_writer_lives(store, tiny, run_info, random_events) -> None:
    info = run_info()
    writer = store.writer(tiny, info, {})
    writer.on_start(info)
    writer.on_batch(EventBatch(50.0, random_events(10)))
    assert store.list_runs()[0]["status"] == "running"
    assert store.load_run("run-1")["sim_time"] == 50.0
    del writer
    gc.collect()
    run = store.load_run("run-1")
    assert run["status"] == "incomplete"  # the writer is gone without telling how it ended
    assert run["finished_at"] is None
    assert len(store.load_events("run-1")) == 10


def test_a_run_is_written_from_the_simulation_thread_while_read_here(store, tiny, run_info, random_events) -> None:
    info = run_info()
    writer = store.writer(tiny, info, {})
    events = random_events(3000)
    started = threading.Event()

    def simulate() -> None:
        writer.on_start(info)
        started.set()
        for i in range(30):
            writer.on_batch(EventBatch(float(i), events[100 * i : 100 * (i + 1)]))
        writer.on_end(RunEnd(30.0, "completed"))

    thread = threading.Thread(target=simulate)
    thread.start()
    started.wait(5)
    while thread.is_alive():
        assert len(store.load_events("run-1")) % 100 == 0  # a batch is all or nothing
    thread.join()
    assert store.load_run("run-1")["status"] == "completed"
    assert np.array_equal(store.load_events("run-1"), events)


def test_new_database_has_the_schema_version_and_wal(store, db_path) -> None:
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == results_db.schema_version()
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"runs", "events", "orders"} <= tables
    finally:
        conn.close()
    assert not list(db_path.parent.glob("*.bak"))  # nothing to back up in a new file


def test_migration_backs_up_the_file_first(db_path, tiny, run_info, random_events, some_orders, monkeypatch) -> None:
    with ResultsStore(db_path) as store:
        _record(store, tiny, run_info(), random_events(20), some_orders)

    def add_notes(db) -> None:
        db.execute("ALTER TABLE runs ADD COLUMN notes TEXT NOT NULL DEFAULT ''")

    old = results_db.schema_version()
    monkeypatch.setitem(results_db.MIGRATIONS, old + 1, add_notes)
    with ResultsStore(db_path) as store:
        run = store.load_run("run-1")
        assert run["notes"] == "" and run["status"] == "completed"
        assert len(store.load_events("run-1")) == 20
    backups = list(db_path.parent.glob(f"results.sqlite.v{old}-*.bak"))
    assert len(backups) == 1
    backup = sqlite3.connect(backups[0])
    try:
        assert backup.execute("PRAGMA user_version").fetchone()[0] == old
        assert backup.execute("SELECT id FROM runs").fetchall() == [("run-1",)]
        assert backup.execute("SELECT count(*) FROM events").fetchone()[0] == 20
    finally:
        backup.close()
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == old + 1
    conn.close()


def test_a_failed_migration_leaves_the_old_version(db_path, monkeypatch) -> None:
    ResultsStore(db_path).close()

    def broken(db) -> None:
        db.execute("ALTER TABLE runs ADD COLUMN notes TEXT")
        db.execute("ALTER TABLE nowhere ADD COLUMN x TEXT")

    old = results_db.schema_version()
    monkeypatch.setitem(results_db.MIGRATIONS, old + 1, broken)
    with pytest.raises(StoreError, match="no such table"):
        ResultsStore(db_path)
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == old
    columns = [row[1] for row in conn.execute("PRAGMA table_info(runs)")]
    conn.close()
    assert "notes" not in columns  # the half-done migration was rolled back
    assert list(db_path.parent.glob("*.bak"))


def test_a_database_from_a_newer_program_is_refused(db_path) -> None:
    ResultsStore(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(StoreError, match="schema version 99, newer") as caught:
        ResultsStore(db_path)
    assert str(db_path) in str(caught.value)
    assert "update Cloud Factory Twin" in str(caught.value)


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"these are my notes, not a database\n" * 200)
    with pytest.raises(StoreError) as caught:
        ResultsStore(path)
    message = str(caught.value)
    assert str(path) in message
    assert "not a results database" in message and "--db" in message
    assert path.read_bytes().startswith(b"these are my notes")  # never overwritten


def test_a_location_that_cannot_hold_a_database(tmp_path: Path) -> None:
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="writable") as caught:
        ResultsStore(blocker / "results.sqlite")
    assert str(blocker / "results.sqlite") in str(caught.value)
    folder = tmp_path / "a-folder"
    folder.mkdir()
    with pytest.raises(StoreError, match="writable"):
        ResultsStore(folder)


def test_unknown_and_duplicate_run_ids(store, tiny, run_info, some_orders) -> None:
    with pytest.raises(StoreError, match="no run with id 'nope'"):
        store.load_events("nope")
    _record(store, tiny, run_info(), _no_events(), some_orders)
    again = store.writer(tiny, run_info(), {})
    with pytest.raises(StoreError, match="already stored"):
        again.on_start(run_info())


def _no_events() -> np.ndarray:
    from twin_app.model.events import empty_events

    return empty_events()


def test_delete_run_removes_everything(store, tiny, run_info, random_events, some_orders) -> None:
    _record(store, tiny, run_info("a"), random_events(10), some_orders)
    _record(store, tiny, run_info("b"), random_events(10), some_orders)
    store.delete_run("a")
    assert [r["id"] for r in store.list_runs()] == ["b"]
    assert len(store.load_events("b")) == 10
    with pytest.raises(StoreError):
        store.load_orders("a")


def test_default_database_path_is_in_the_user_data_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    path = default_database_path()
    assert path == tmp_path / "data" / "cloud-factory-twin" / "results.sqlite"
    assert path.parent.is_dir()


def test_kpis_are_stored_as_strict_json(store, tiny, run_info, some_orders) -> None:
    _record(store, tiny, run_info(), _no_events(), some_orders)
    store.save_kpis("run-1", {"x": np.float64(1.5), "y": [float("inf"), np.int64(3)]})
    raw = sqlite3.connect(store.path).execute("SELECT kpis_json FROM runs").fetchone()[0]
    assert json.loads(raw) == {"x": 1.5, "y": [None, 3]}
