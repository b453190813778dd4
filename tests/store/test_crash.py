"""A run killed mid-way (SIGKILL, no chance to clean up) leaves a readable database: the run
is reported 'incomplete' and every batch committed before the kill is there, whole."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np

from twin_app.model.events import EventBatch, RunEnd, RunInfo
from twin_app.store.results_db import ResultsStore

WRITER_SCRIPT = textwrap.dedent(
    """
    import sys, time
    import numpy as np
    from twin_app.io.scenario_file import load_scenario
    from twin_app.model.events import EVENT_DTYPE, ORDER_DTYPE, EventBatch, RunInfo
    from twin_app.store.results_db import ResultsStore

    scenario = load_scenario(sys.argv[2])
    store = ResultsStore(sys.argv[1])
    info = RunInfo("killed-run", scenario.name, 7, 0, 1e9, 0.0)
    writer = store.writer(scenario, info, {"purpose": "kill test"})
    writer.on_start(info)
    batch = 0
    while True:
        events = np.zeros(100, dtype=EVENT_DTYPE)
        events["job"] = np.arange(100 * batch, 100 * batch + 100)
        orders = np.zeros(1, dtype=ORDER_DTYPE)
        orders["order"], orders["completed"] = batch, np.nan
        writer.on_batch(EventBatch(float(batch), events, orders))
        print(batch, flush=True)
        batch += 1
        time.sleep(0.005)
    """
)


def test_sigkill_mid_run_leaves_a_readable_incomplete_run(tmp_path: Path, tiny_path: Path, tiny) -> None:
    db = tmp_path / "results.sqlite"
    script = tmp_path / "writer.py"
    script.write_text(WRITER_SCRIPT)
    process = subprocess.Popen(
        [sys.executable, str(script), str(db), str(tiny_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        committed = -1
        while committed < 20:
            line = process.stdout.readline()
            assert line, f"writer died early: {process.stderr.read() if process.stderr else ''}"
            committed = int(line)
            if committed == 3:
                # While the writer process lives, another process sees the run as running.
                with ResultsStore(db) as reader:
                    assert reader.load_run("killed-run")["status"] == "running"
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.kill()
        process.wait(10)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
    assert process.returncode == -signal.SIGKILL

    with ResultsStore(db) as store:
        run = store.load_run("killed-run")
        assert run["status"] == "incomplete"
        assert run["finished_at"] is None
        assert run["settings"] == {"purpose": "kill test"}
        assert [r["status"] for r in store.list_runs()] == ["incomplete"]
        events = store.load_events("killed-run")
        assert len(events) >= 2100  # batches 0..20 were reported committed before the kill
        assert len(events) % 100 == 0  # and no batch is there in part
        assert events["job"].tolist() == list(range(len(events)))
        orders = store.load_orders("killed-run")
        assert orders["order"].tolist() == list(range(len(events) // 100))
        assert run["sim_time"] == len(events) // 100 - 1

        # The database is sound and takes the next run.
        info = RunInfo("next-run", tiny.name, 8, 0, 10.0, 0.0)
        writer = store.writer(tiny, info, {})
        writer.on_start(info)
        writer.on_batch(EventBatch(5.0, events[:10]))
        writer.on_end(RunEnd(10.0, "completed"))
        assert store.load_run("next-run")["status"] == "completed"
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    with ResultsStore(db) as store:
        assert np.array_equal(store.load_events("next-run"), events[:10])
