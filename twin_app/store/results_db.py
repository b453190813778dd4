"""The results database: every run, its event log, its orders and its KPIs, in SQLite.

One file (by default in the user's data folder) holds the run history the GUI lists and
compares. Layout:

- ``runs``: one row per run (scenario as canonical JSON plus its sha256, seed, settings,
  status, times, KPIs as JSON).
- ``events``: the run's EVENT_DTYPE records, one row each, in emission order.
- ``orders``: the latest ORDER_DTYPE record of each order of the run (upserted).

Durability: the file uses WAL journaling; a :class:`StoreWriter` commits the run row when the
run starts and each event batch in one transaction, so a crash (even SIGKILL) loses at most
the batch being written. A run whose status is still 'running' but whose writer is gone
(process died, writer dropped without ``on_end``) is reported as 'incomplete'.

Schema versions live in ``PRAGMA user_version``; :data:`MIGRATIONS` maps each version to the
function that builds it from the previous one. Before migrating an existing file a backup
copy is written next to it (``<name>.v<old>-<timestamp>.bak``).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import json
import math
import os
import socket
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import platformdirs
from sqlite_utils import Database

from twin_app.errors import StoreError
from twin_app.io.scenario_file import scenario_to_data
from twin_app.model.events import EVENT_DTYPE, ORDER_DTYPE, EventBatch, RunEnd, RunInfo
from twin_app.model.scenario import Scenario

APP_NAME = "cloud-factory-twin"
STATUSES = ("running", "completed", "stopped", "failed")
"""Statuses stored in runs.status; reads may also report 'incomplete' (see module doc)."""

_SQL_TYPES = {"f": "REAL", "i": "INTEGER", "u": "INTEGER"}
EVENT_COLUMNS = tuple(EVENT_DTYPE.names or ())
ORDER_COLUMNS = tuple(ORDER_DTYPE.names or ())


def _q(name: str) -> str:
    """Quote an identifier ('order' and 'end' are SQL keywords)."""
    return '"' + name.replace('"', '""') + '"'


def _columns_sql(dtype: np.dtype) -> str:
    return ", ".join(f"{_q(name)} {_SQL_TYPES[dtype[name].kind]}" for name in dtype.names or ())


# --- migrations ---------------------------------------------------------------------------
def _migrate_to_1(db: Database) -> None:
    """Version 1: runs, events, orders."""
    db.execute(
        """CREATE TABLE runs (
            id TEXT PRIMARY KEY,
            scenario_name TEXT NOT NULL DEFAULT '',
            scenario_hash TEXT NOT NULL,
            scenario_json TEXT NOT NULL,
            seed INTEGER NOT NULL,
            replication INTEGER NOT NULL DEFAULT 0,
            horizon REAL,
            warmup REAL NOT NULL DEFAULT 0,
            settings_json TEXT NOT NULL DEFAULT '{}',
            status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'stopped', 'failed')),
            message TEXT NOT NULL DEFAULT '',
            started_at TEXT NOT NULL,
            finished_at TEXT,
            sim_time REAL NOT NULL DEFAULT 0,
            kpis_json TEXT,
            writer_pid INTEGER,
            writer_host TEXT
        )"""
    )
    db.execute(f"CREATE TABLE events (run_id TEXT NOT NULL REFERENCES runs(id), {_columns_sql(EVENT_DTYPE)})")
    db.execute("CREATE INDEX events_run_id ON events (run_id)")
    db.execute(
        f"CREATE TABLE orders (run_id TEXT NOT NULL REFERENCES runs(id), {_columns_sql(ORDER_DTYPE)},"
        f" PRIMARY KEY (run_id, {_q('order')}))"
    )
    db.execute("CREATE INDEX runs_scenario_hash ON runs (scenario_hash)")


def _migrate_to_2(db: Database) -> None:
    """Version 2: experiments (compare, sweep) and their task runs.

    A task run is a ``runs`` row with ``experiment_id`` and ``point`` set: its KPIs and its
    summary curves (WIP over time, lead-time quantiles) are kept, its event log is not
    (``events_kept`` 0), because a task returns its KPIs from wherever it ran.
    """
    db.execute("ALTER TABLE runs ADD COLUMN experiment_id TEXT")
    db.execute("ALTER TABLE runs ADD COLUMN point INTEGER")
    db.execute("ALTER TABLE runs ADD COLUMN curves_json TEXT")
    db.execute("ALTER TABLE runs ADD COLUMN events_kept INTEGER NOT NULL DEFAULT 1")
    db.execute("CREATE INDEX runs_experiment ON runs (experiment_id, point, replication)")
    db.execute(
        """CREATE TABLE experiments (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('compare', 'sweep')),
            name TEXT NOT NULL DEFAULT '',
            spec_hash TEXT NOT NULL,
            spec_json TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'stopped', 'failed')),
            started_at TEXT NOT NULL,
            finished_at TEXT,
            summary_json TEXT,
            writer_pid INTEGER,
            writer_host TEXT
        )"""
    )
    db.execute("CREATE INDEX experiments_spec ON experiments (kind, spec_hash)")


MIGRATIONS: dict[int, Callable[[Database], None]] = {1: _migrate_to_1, 2: _migrate_to_2}
"""Version -> function that upgrades a database of version - 1 to it (run in a transaction)."""


def schema_version() -> int:
    """The newest schema version this program writes."""
    return max(MIGRATIONS)


# --- helpers ------------------------------------------------------------------------------
def default_database_path() -> Path:
    """Where the run history lives unless the user picks another file (folder created)."""
    folder = platformdirs.user_data_path(APP_NAME, appauthor=False)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(
            f"{folder}: cannot create the data folder ({error}); choose a database file with --db"
        ) from None
    return folder / "results.sqlite"


def scenario_json(scenario: Scenario) -> str:
    """Canonical JSON of a scenario (sorted keys, no spaces): what the hash is taken of."""
    return json.dumps(scenario_to_data(scenario), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def scenario_hash(scenario: Scenario) -> str:
    """sha256 of the canonical scenario JSON: equal scenarios have equal hashes."""
    return hashlib.sha256(scenario_json(scenario).encode("utf-8")).hexdigest()


def _json_safe(value: Any) -> Any:
    """NaN/inf to None and numpy scalars to Python, so the JSON is strict."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _dumps(value: Any) -> str:
    return json.dumps(_json_safe(value), allow_nan=False, ensure_ascii=False)


def _now_iso() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="milliseconds")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


_LIVE_WRITERS: weakref.WeakValueDictionary[str, StoreWriter] = weakref.WeakValueDictionary()
"""Run ids whose writer, in this process, has started and not yet ended."""
_LIVE_LOCK = threading.Lock()

LOCK_PATIENCE = 30.0
"""Seconds to keep trying to open a database another process holds locked."""


def _connect(path: Path) -> Database:
    """Open a connection that can be handed between threads (one user at a time)."""
    conn = sqlite3.connect(str(path), timeout=30.0, check_same_thread=False)
    return Database(conn, execute_plugins=False)


def _store_error(path: Path, action: str, error: BaseException) -> StoreError:
    text = str(error)
    if isinstance(error, sqlite3.DatabaseError) and ("not a database" in text or "malformed" in text):
        hint = "the file is damaged or is not a results database: move it away or choose another file with --db"
    elif "readonly" in text or "read-only" in text or "unable to open" in text or isinstance(error, OSError):
        hint = "check that the file and its folder exist and are writable, or choose another file with --db"
    elif "locked" in text:
        hint = "another program holds the database locked: close it and try again"
    elif "disk" in text or "full" in text:
        hint = "free some disk space and try again"
    else:
        hint = "choose another database file with --db if this keeps happening"
    return StoreError(f"{path}: cannot {action} the results database ({text}); {hint}")


# --- the store ----------------------------------------------------------------------------
class ResultsStore:
    """An open results database. Methods raise :class:`~twin_app.errors.StoreError`.

    Use one store per thread for reading; each :class:`StoreWriter` opens its own connection
    so a run can be written from the simulation's thread while the GUI reads.
    """

    def __init__(self, path: str | Path) -> None:
        self._path = Path(path)
        self._lock = threading.RLock()
        existed = self._path.exists() and self._path.stat().st_size > 0
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise _store_error(self._path, "create the folder of", error) from None
        try:
            self._db = _connect(self._path)
        except (sqlite3.Error, OSError) as error:
            raise _store_error(self._path, "open", error) from None
        try:
            self._when_unlocked(lambda: self._prepare_schema(existed))
        except StoreError:
            self._db.close()
            raise
        except (sqlite3.Error, OSError) as error:
            self._db.close()
            raise _store_error(self._path, "open", error) from None

    def _when_unlocked(self, action: Callable[[], None]) -> None:
        """WAL mode, then ``action``, retried while another process holds the file locked.

        Switching a new file to WAL needs it alone, and SQLite answers 'database is locked' at
        once, without waiting its busy timeout, when several processes open the same new file
        together (20 replications at once lost one in ~1 run in 10): wait and try again, up to
        :data:`LOCK_PATIENCE` seconds."""
        deadline = time.monotonic() + LOCK_PATIENCE
        pause = 0.01
        while True:
            try:
                if str(self._db.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                    self._db.enable_wal()
                action()
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
                with contextlib.suppress(sqlite3.Error):
                    self._db.conn.rollback()
                time.sleep(pause)
                pause = min(pause * 2, 0.25)

    def _prepare_schema(self, existed: bool) -> None:
        """Check the schema version and migrate, under the database's write lock.

        Several processes may open a new file at once (parallel replications, sweeps): the
        version is read and the tables are made inside one ``BEGIN IMMEDIATE`` transaction,
        so exactly one of them migrates and the others then see the new version.
        """
        latest = schema_version()
        found = self._read_version()
        if found == latest:
            return  # the common case, without taking the write lock
        if existed and 0 < found < latest:
            self._backup(found)  # before the lock: SQLite cannot copy a file its copier holds locked
        conn = self._db.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = self._read_version()
            if version > latest:
                raise StoreError(
                    f"{self._path}: the results database has schema version {version}, newer than this program's "
                    f"{latest}; update Cloud Factory Twin or choose another file with --db"
                )
            if version < latest:
                self._migrate(version, latest)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def _read_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    @property
    def path(self) -> Path:
        return self._path

    def _backup(self, version: int) -> Path:
        stamp = _dt.datetime.now(_dt.UTC).strftime("%Y%m%dT%H%M%S%f")
        target = self._path.with_name(f"{self._path.name}.v{version}-{stamp}.bak")
        copy = sqlite3.connect(str(target))
        try:
            self._db.conn.backup(copy)
        finally:
            copy.close()
        return target

    def _migrate(self, version: int, latest: int) -> None:
        for target in range(version + 1, latest + 1):
            step = MIGRATIONS.get(target)
            if step is None:
                raise StoreError(
                    f"{self._path}: no migration to schema version {target}; this is a bug, please report it"
                )
            step(self._db)  # inside the caller's BEGIN IMMEDIATE transaction
            self._db.execute(f"PRAGMA user_version = {int(target)}")

    # --- writing ---------------------------------------------------------------------------
    def writer(
        self, scenario: Scenario, info: RunInfo, settings: dict[str, Any], *, hold_status: bool = False
    ) -> StoreWriter:
        """A RunObserver that records the run ``info`` of ``scenario`` into this database.

        With ``hold_status`` the run stays 'running' after its end until :meth:`complete_run`
        stores the final status together with the KPIs, so a process killed in between leaves
        an 'incomplete' run, never a 'completed' one without KPIs.
        """
        return StoreWriter(self._path, scenario, info, settings, hold_status=hold_status)

    def complete_run(self, run_id: str, status: str, message: str, kpis: dict[str, Any]) -> None:
        """Store a run's KPIs and its final status in one transaction."""
        if status not in STATUSES or status == "running":
            status = "failed"
        with self._lock:
            self._require(run_id)
            try:
                with self._db.atomic():
                    self._db.execute(
                        "UPDATE runs SET kpis_json = ?, status = ?, message = ? WHERE id = ?",
                        [_dumps(kpis), status, message, run_id],
                    )
            except sqlite3.Error as error:
                raise _store_error(self._path, "write to", error) from None

    def save_kpis(self, run_id: str, kpis: dict[str, Any]) -> None:
        """Store (replace) the KPI dictionary of a run."""
        with self._lock:
            self._require(run_id)
            try:
                self._db.execute("UPDATE runs SET kpis_json = ? WHERE id = ?", [_dumps(kpis), run_id])
            except sqlite3.Error as error:
                raise _store_error(self._path, "write to", error) from None

    def delete_run(self, run_id: str) -> None:
        """Remove a run and everything recorded for it."""
        with self._lock:
            self._require(run_id)
            try:
                with self._db.atomic():
                    for table in ("events", "orders"):
                        self._db.execute(f"DELETE FROM {table} WHERE run_id = ?", [run_id])
                    self._db.execute("DELETE FROM runs WHERE id = ?", [run_id])
            except sqlite3.Error as error:
                raise _store_error(self._path, "write to", error) from None

    # --- reading ---------------------------------------------------------------------------
    def _require(self, run_id: str) -> dict[str, Any]:
        rows = self._query("SELECT * FROM runs WHERE id = ?", [run_id])
        if not rows:
            raise StoreError(f"{self._path}: no run with id {run_id!r}; list the runs to see which ids exist")
        return rows[0]

    def _query(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        try:
            cursor = self._db.execute(sql, params or [])
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        except sqlite3.Error as error:
            raise _store_error(self._path, "read", error) from None

    @staticmethod
    def _public(row: dict[str, Any]) -> dict[str, Any]:
        """A runs row as callers see it: live status, parsed JSON."""
        row = dict(row)
        if row["status"] == "running" and not _writer_alive(row):
            row["status"] = "incomplete"
        kpis = row.pop("kpis_json", None)
        row["kpis"] = json.loads(kpis) if kpis else None
        row["settings"] = json.loads(row.pop("settings_json") or "{}")
        return row

    def list_runs(self) -> list[dict[str, Any]]:
        """Every run, newest first, without the scenario text (see :meth:`load_run`)."""
        with self._lock:
            rows = self._query("SELECT * FROM runs ORDER BY started_at DESC, id")
        out = []
        for row in rows:
            row.pop("scenario_json", None)
            out.append(self._public(row))
        return out

    def load_run(self, run_id: str) -> dict[str, Any]:
        """A run's row (status, settings, scenario_json...) with its KPIs under "kpis"."""
        with self._lock:
            return self._public(self._require(run_id))

    def load_scenario(self, run_id: str) -> Scenario:
        """The scenario a run was made with."""
        from twin_app.io.scenario_file import scenario_from_data

        row = self.load_run(run_id)
        return scenario_from_data(json.loads(row["scenario_json"]), source=f"{self._path} run {run_id}")

    def load_events(self, run_id: str) -> np.ndarray:
        """The run's events as EVENT_DTYPE records in the order they were written."""
        columns = ", ".join(_q(c) for c in EVENT_COLUMNS)
        return self._load_array(f"SELECT {columns} FROM events WHERE run_id = ? ORDER BY rowid", run_id, EVENT_DTYPE)

    def load_orders(self, run_id: str) -> np.ndarray:
        """The latest record of each of the run's orders, sorted by order id."""
        columns = ", ".join(_q(c) for c in ORDER_COLUMNS)
        sql = f"SELECT {columns} FROM orders WHERE run_id = ? ORDER BY {_q('order')}"
        return self._load_array(sql, run_id, ORDER_DTYPE)

    def _load_array(self, sql: str, run_id: str, dtype: np.dtype) -> np.ndarray:
        with self._lock:
            self._require(run_id)
            try:
                rows = self._db.execute(sql, [run_id]).fetchall()
            except sqlite3.Error as error:
                raise _store_error(self._path, "read", error) from None
        try:
            return np.fromiter(rows, dtype=dtype, count=len(rows))  # fast path: no NULLs
        except (TypeError, ValueError):
            pass
        out = np.empty(len(rows), dtype=dtype)
        if rows:
            for name, column in zip(dtype.names or (), zip(*rows, strict=True), strict=True):
                if dtype[name].kind == "f":
                    out[name] = np.array(column, dtype=np.float64)  # NULL (stored NaN) -> NaN
                else:
                    out[name] = column
        return out

    def close(self) -> None:
        """Close the connection (a checkpoint folds the WAL back into the file)."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> ResultsStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _writer_alive(row: dict[str, Any]) -> bool:
    """Whether a 'running' row still has a writer: one live in this process, or (written by
    another process on this host) that process still exists. Rows from other hosts cannot be
    checked and are trusted."""
    with _LIVE_LOCK:
        if row["id"] in _LIVE_WRITERS:
            return True
    pid, host = row.get("writer_pid"), row.get("writer_host")
    if pid is None or host != socket.gethostname():
        return host not in (None, socket.gethostname())
    if pid == os.getpid():
        return False  # written from this process, but its writer is gone
    return _pid_alive(int(pid))


class StoreWriter:
    """Records one run into the database as its batches arrive (a RunObserver).

    Opens its own connection on ``on_start`` (on the simulation's thread) and closes it on
    ``on_end``. Each batch is one transaction: events with executemany, orders upserted
    (latest record per order wins). Raises :class:`~twin_app.errors.StoreError` if the
    database cannot be written.
    """

    def __init__(
        self, path: Path, scenario: Scenario, info: RunInfo, settings: dict[str, Any], *, hold_status: bool = False
    ) -> None:
        self._path = path
        self._hold_status = hold_status
        self._scenario = scenario
        """Written as canonical JSON in :meth:`on_start`, on the simulation's side: for the large
        network that is a third of a second the desktop app's Run button would otherwise spend."""
        self._info = info
        self._settings = _dumps(settings)
        self._db: Database | None = None
        self._events_sql = (
            f"INSERT INTO events (run_id, {', '.join(_q(c) for c in EVENT_COLUMNS)}) "
            f"VALUES (?, {', '.join('?' for _ in EVENT_COLUMNS)})"
        )
        self._orders_sql = (
            f"INSERT OR REPLACE INTO orders (run_id, {', '.join(_q(c) for c in ORDER_COLUMNS)}) "
            f"VALUES (?, {', '.join('?' for _ in ORDER_COLUMNS)})"
        )

    @property
    def run_id(self) -> str:
        return self._info.run_id

    def on_start(self, info: RunInfo) -> None:
        self._info = info
        text = scenario_json(self._scenario)
        try:
            self._db = _connect(self._path)
            self._db.execute("PRAGMA journal_mode = WAL")
            # In WAL mode NORMAL still survives any crash of the program (SIGKILL included);
            # only a power cut may lose the last batches, never corrupt the file.
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.table("runs").insert(
                {
                    "id": info.run_id,
                    "scenario_name": info.scenario_name or self._scenario.name,
                    "scenario_hash": hashlib.sha256(text.encode("utf-8")).hexdigest(),
                    "scenario_json": text,
                    "seed": int(info.seed),
                    "replication": int(info.replication),
                    "horizon": _json_safe(float(info.horizon)) if info.horizon is not None else None,
                    "warmup": float(info.warmup),
                    "settings_json": self._settings,
                    "status": "running",
                    "message": "",
                    "started_at": _now_iso(),
                    "sim_time": 0.0,
                    "writer_pid": os.getpid(),
                    "writer_host": socket.gethostname(),
                }
            )
        except sqlite3.IntegrityError:
            raise StoreError(
                f"{self._path}: a run with id {info.run_id!r} is already stored; give the run a new id"
            ) from None
        except sqlite3.Error as error:
            raise _store_error(self._path, "write to", error) from None
        with _LIVE_LOCK:
            _LIVE_WRITERS[info.run_id] = self

    def on_batch(self, batch: EventBatch) -> None:
        db = self._require_open()
        run_id = self._info.run_id
        try:
            with db.atomic():
                if len(batch.events):
                    db.conn.executemany(self._events_sql, _rows(run_id, batch.events))
                if len(batch.orders):
                    db.conn.executemany(self._orders_sql, _rows(run_id, batch.orders))
                db.conn.execute("UPDATE runs SET sim_time = ? WHERE id = ?", [float(batch.now), run_id])
        except sqlite3.Error as error:
            raise _store_error(self._path, "write to", error) from None

    def on_end(self, end: RunEnd) -> None:
        db = self._require_open()
        status = end.status if end.status in STATUSES and end.status != "running" else "failed"
        if self._hold_status:
            status = "running"  # the caller stores the final status with the KPIs
        try:
            db.execute(
                "UPDATE runs SET status = ?, message = ?, finished_at = ?, sim_time = ? WHERE id = ?",
                [status, end.message, _now_iso(), float(end.now), self._info.run_id],
            )
        except sqlite3.Error as error:
            raise _store_error(self._path, "write to", error) from None
        finally:
            with _LIVE_LOCK:
                _LIVE_WRITERS.pop(self._info.run_id, None)
            db.close()
            self._db = None

    def _require_open(self) -> Database:
        if self._db is None:
            raise StoreError(f"{self._path}: the run {self._info.run_id!r} is not being recorded (on_start not called)")
        return self._db


def _rows(run_id: str, records: np.ndarray) -> list[tuple[Any, ...]]:
    """Table rows of structured records: NaN stays NaN (SQLite stores it as NULL)."""
    return [(run_id, *row) for row in records.tolist()]
