"""The run budget on the command line: a run that reaches a limit prints why and where, keeps its
partial KPIs as a 'stopped' run and exits 3; bad limit values are refused by the parser."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from twin_app import cli
from twin_app.commands.run_limits import EXIT_LIMIT, parse_size
from twin_app.store.results_db import ResultsStore


@pytest.fixture
def storm(tmp_path: Path) -> Path:
    """Orders at t = 0 through a zero-time rework loop of p = 0.999: valid, and an event storm."""
    data = {
        "format_version": 1,
        "name": "storm",
        "owners": [{"id": "o"}],
        "sites": [{"id": "s", "owner": "o"}],
        "machines": [{"id": "press", "site": "s", "capabilities": [{"step": "x", "time": 0}]}],
        "products": [
            {
                "id": "gear",
                "family": "f",
                "routing": [{"capabilities": ["x"], "rework": {"probability": 0.999, "back_to": 0}}],
            }
        ],
        "customers": [{"id": "c"}],
        "demand": {"orders": [{"id": f"o{i}", "customer": "c", "product": "gear", "release": 0} for i in range(20)]},
        "run": {"horizon": 100},
    }
    path = tmp_path / "storm.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_run_at_its_event_budget_says_where_and_is_stored_stopped(
    storm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "results.sqlite"
    code = cli.main(["run", str(storm), "--max-events", "2000", "--db", str(database), "--json"])
    out, err = capsys.readouterr()
    assert code == EXIT_LIMIT
    assert "the event budget is spent: 2,000 events" in err
    assert "machines[0] 'press' at products[0] 'gear'.routing[0]" in err
    assert "stored as 'stopped'" in err and "Traceback" not in err
    (run_id,) = json.loads(out)["run_ids"]
    with ResultsStore(database) as store:
        run = store.load_run(run_id)
    assert run["status"] == "stopped" and "event budget" in run["message"]
    assert run["kpis"] is not None  # the partial run's KPIs


def test_no_progress_at_one_instant_stops_every_replication(storm: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["run", str(storm), "--no-db", "--replications", "2", "--max-events-at-instant", "3000"])
    err = capsys.readouterr().err
    assert code == EXIT_LIMIT
    assert err.count("no progress in simulated time") == 2
    assert "replication 1 of 2" in err and "replication 2 of 2" in err
    assert "stored" not in err  # --no-db: nothing was stored


def test_raised_limits_let_the_run_finish(storm: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["run", str(storm), "--no-db", "--max-memory", "none", "--max-events", "10000000"]) == 0
    assert "Orders completed             20" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("option", "value"),
    [("--max-memory", "3MB"), ("--max-memory", "lots"), ("--max-events", "0"), ("--max-events-at-instant", "-1")],
)
def test_bad_limits_are_refused_before_running(
    storm: Path, option: str, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["run", str(storm), "--no-db", option, value])
    assert exit_info.value.code == 2
    assert option in capsys.readouterr().err


def test_memory_sizes_read_as_people_write_them() -> None:
    assert parse_size("4GB") == parse_size("4G") == parse_size("4 GiB") == 4 * 1024**3
    assert parse_size("512mb") == 512 * 1024**2
    assert parse_size("1.5GB") == int(1.5 * 1024**3)
    assert parse_size("none") is None


def test_compare_on_worker_processes_names_the_runs_its_budget_stopped(
    storm: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "storm2.json"
    other.write_text(storm.read_text(encoding="utf-8"), encoding="utf-8")
    arguments = ["compare", str(storm), str(other), "--replications", "2", "--workers", "2", "--no-db"]
    cli.main([*arguments, "--max-events", "2000"])
    out = capsys.readouterr().out
    assert "4 failed replications (left out)" in out
    assert out.count("the event budget is spent: 2,000 events") == 4
    assert "storm2 replication 2: stopped at t = 0" in out
