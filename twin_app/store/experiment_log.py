"""Experiments (compare, sweep) in the results database, written as their tasks finish.

An experiment is one ``experiments`` row (its kind, its spec as canonical JSON and that
spec's hash, its status and, when done, its summary); each finished task is one ``runs``
row linked to it by ``experiment_id`` and ``point``, with its KPIs and summary curves and no
event log. The row is written the moment the task's result arrives, one transaction each,
so a sweep that is killed keeps every finished task and ``--resume`` picks up the rest.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import sqlite3
import uuid
from pathlib import Path
from typing import Any

from twin_app.errors import StoreError
from twin_app.store.results_db import ResultsStore, _connect, _dumps, _now_iso, _pid_alive, _store_error

KINDS = ("compare", "sweep")


def spec_hash(spec: dict[str, Any]) -> str:
    """sha256 of a spec's canonical JSON: the same experiment asked again has the same hash."""
    return hashlib.sha256(json.dumps(spec, sort_keys=True, separators=(",", ":")).encode("utf-8")).hexdigest()


class ExperimentLog:
    """Records experiments and their task runs; reads them back for history and resume."""

    def __init__(self, path: str | Path) -> None:
        self._path = Path(path)
        ResultsStore(self._path).close()  # create or migrate the file first
        try:
            self._db = _connect(self._path)
            self._db.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.Error as error:
            raise _store_error(self._path, "open", error) from None

    @property
    def path(self) -> Path:
        return self._path

    def _execute(self, sql: str, params: list[Any]) -> None:
        try:
            with self._db.atomic():
                self._db.execute(sql, params)
        except sqlite3.Error as error:
            raise _store_error(self._path, "write to", error) from None

    def _query(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        try:
            cursor = self._db.execute(sql, params or [])
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        except sqlite3.Error as error:
            raise _store_error(self._path, "read", error) from None

    # --- writing ---------------------------------------------------------------------------
    def start(self, kind: str, name: str, spec: dict[str, Any]) -> str:
        """Record a new experiment as 'running' and return its id."""
        if kind not in KINDS:
            raise ValueError(f"experiment kind must be one of {KINDS}, got {kind!r}")
        experiment_id = f"{kind[0]}{uuid.uuid4().hex[:11]}"
        self._execute(
            "INSERT INTO experiments (id, kind, name, spec_hash, spec_json, status, started_at, writer_pid,"
            " writer_host) VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?)",
            [experiment_id, kind, name, spec_hash(spec), _dumps(spec), _now_iso(), os.getpid(), socket.gethostname()],
        )
        return experiment_id

    def reopen(self, experiment_id: str) -> None:
        """Mark an unfinished experiment as running again in this process (``--resume``)."""
        self._execute(
            "UPDATE experiments SET status = 'running', finished_at = NULL, writer_pid = ?, writer_host = ?"
            " WHERE id = ?",
            [os.getpid(), socket.gethostname(), experiment_id],
        )

    def record_task(
        self,
        experiment_id: str,
        point: int,
        replication: int,
        seed: int,
        scenario: tuple[str, str, str],
        result: dict[str, Any],
    ) -> str:
        """Store one finished task as a runs row; ``scenario`` is (name, hash, canonical JSON).

        ``result`` holds status, message, kpis, curves, run_id, horizon, warmup and settings.
        """
        run_id = result.get("run_id") or uuid.uuid4().hex[:12]
        name, digest, text = scenario
        now = _now_iso()
        self._execute(
            "INSERT OR REPLACE INTO runs (id, scenario_name, scenario_hash, scenario_json, seed, replication, horizon,"
            " warmup, settings_json, status, message, started_at, finished_at, sim_time, kpis_json, writer_pid,"
            " writer_host, experiment_id, point, curves_json, events_kept)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
            [
                run_id,
                name,
                digest,
                text,
                int(seed),
                int(replication),
                result.get("horizon"),
                float(result.get("warmup") or 0.0),
                _dumps(result.get("settings") or {}),
                result["status"] if result["status"] in ("completed", "stopped", "failed") else "failed",
                result.get("message", ""),
                now,
                now,
                float((result.get("kpis") or {}).get("window", {}).get("end") or 0.0),
                _dumps(result.get("kpis") or {}),
                os.getpid(),
                socket.gethostname(),
                experiment_id,
                int(point),
                _dumps(result.get("curves") or {}),
            ],
        )
        return run_id

    def finish(self, experiment_id: str, status: str, summary: dict[str, Any]) -> None:
        """Store the experiment's final status and its summary (what ``show`` prints again)."""
        self._execute(
            "UPDATE experiments SET status = ?, finished_at = ?, summary_json = ? WHERE id = ?",
            [status, _now_iso(), _dumps(summary), experiment_id],
        )

    def delete(self, experiment_id: str) -> int:
        """Remove an experiment and its task runs; returns how many task runs went with it."""
        self.load(experiment_id)  # raises StoreError naming the database if there is none
        try:
            with self._db.atomic():
                count = self._db.execute("SELECT count(*) FROM runs WHERE experiment_id = ?", [experiment_id])
                removed = int(count.fetchone()[0])
                self._db.execute("DELETE FROM runs WHERE experiment_id = ?", [experiment_id])
                self._db.execute("DELETE FROM experiments WHERE id = ?", [experiment_id])
        except sqlite3.Error as error:
            raise _store_error(self._path, "write to", error) from None
        return removed

    # --- reading ---------------------------------------------------------------------------
    def resumable(self, kind: str, spec: dict[str, Any]) -> str | None:
        """The newest experiment of this kind with exactly this spec that no live process is
        writing, if any (a completed one too: resuming it runs nothing and reports it again)."""
        rows = self._query(
            "SELECT * FROM experiments WHERE kind = ? AND spec_hash = ? ORDER BY started_at DESC",
            [kind, spec_hash(spec)],
        )
        for row in rows:
            if not _alive(row):
                return str(row["id"])
        return None

    def task_rows(self, experiment_id: str) -> list[dict[str, Any]]:
        """The experiment's task runs (KPIs and curves parsed), by point and replication."""
        rows = self._query(
            "SELECT id, point, replication, seed, status, message, kpis_json, curves_json, scenario_name, settings_json"
            " FROM runs WHERE experiment_id = ? ORDER BY point, replication",
            [experiment_id],
        )
        for row in rows:
            row["run_id"] = row.pop("id")
            row["kpis"] = json.loads(row.pop("kpis_json") or "{}")
            row["curves"] = json.loads(row.pop("curves_json") or "{}")
            row["settings"] = json.loads(row.pop("settings_json") or "{}")
        return rows

    def experiments(self) -> list[dict[str, Any]]:
        """Every experiment, newest first, without its spec and summary."""
        rows = self._query(
            "SELECT e.id, e.kind, e.name, e.status, e.started_at, e.finished_at, e.writer_pid, e.writer_host,"
            " (SELECT count(*) FROM runs r WHERE r.experiment_id = e.id) AS tasks"
            " FROM experiments e ORDER BY e.started_at DESC"
        )
        for row in rows:
            if row["status"] == "running" and not _alive(row):
                row["status"] = "incomplete"
        return rows

    def load(self, experiment_id: str) -> dict[str, Any]:
        """One experiment with its spec and summary parsed."""
        rows = self._query("SELECT * FROM experiments WHERE id = ?", [experiment_id])
        if not rows:
            raise StoreError(f"{self._path}: no experiment with id {experiment_id!r}; 'twin-app history' lists them")
        row = rows[0]
        if row["status"] == "running" and not _alive(row):
            row["status"] = "incomplete"
        row["spec"] = json.loads(row.pop("spec_json"))
        summary = row.pop("summary_json")
        row["summary"] = json.loads(summary) if summary else None
        return row

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> ExperimentLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _alive(row: dict[str, Any]) -> bool:
    """Whether the process recording a 'running' experiment is still there (this host only)."""
    if row.get("status") != "running":
        return False
    pid, host = row.get("writer_pid"), row.get("writer_host")
    if pid is None or host != socket.gethostname():
        return False
    return int(pid) != os.getpid() and _pid_alive(int(pid))
