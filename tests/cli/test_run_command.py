"""`twin-app run` and the no-argument start, as a user meets them on a terminal."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from twin_app import cli, samples
from twin_app.store.results_db import ResultsStore

DOCUMENTED_KEYS = {
    "orders_completed",
    "makespan",
    "throughput",
    "lead_time",
    "on_time_rate",
    "utilisation",
    "bottleneck",
    "cost",
    "events",
}


@pytest.fixture(autouse=True)
def private_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs store results in the user data folder by default: keep the tests out of the real one."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


def test_json_output_has_the_documented_keys(tiny_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["run", str(tiny_path), "--until", "1440", "--no-db", "--json"]) == 0
    kpis = json.loads(capsys.readouterr().out)
    assert set(kpis) >= DOCUMENTED_KEYS
    assert kpis["orders_completed"] > 0
    assert kpis["lead_time"]["p95"] >= kpis["lead_time"]["p50"] > 0


def test_replications_give_mean_and_confidence_interval(tiny_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["run", str(tiny_path), "--until", "1440", "--no-db", "--json", "--replications", "3"]) == 0
    kpis = json.loads(capsys.readouterr().out)
    assert kpis["replications"] == 3
    assert set(kpis["throughput"]["per_day"]) == {"mean", "ci95"}
    assert kpis["throughput"]["per_day"]["ci95"] > 0, "independent replications differ"


def test_overrides_change_the_dispatch(tiny_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cli.main(["run", str(tiny_path), "--until", "1440", "--no-db", "--mode", "pull", "--rule", "spt"])
    assert "pull / earliest_completion / spt" in capsys.readouterr().out


def test_a_bad_rule_is_a_clear_error(tiny_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["run", str(tiny_path), "--rule", "fastest-first"]) == 2
    error = capsys.readouterr().err
    assert "--rule 'fastest-first' is not a sequencing rule" in error and "mwkr" in error


def test_results_are_stored_and_read_back(tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    database = tmp_path / "results.sqlite"
    assert cli.main(["run", str(tiny_path), "--until", "1440", "--db", str(database), "--json"]) == 0
    (run_id,) = json.loads(capsys.readouterr().out)["run_ids"]
    store = ResultsStore(database)
    run = store.load_run(run_id)
    assert run["status"] == "completed"
    assert len(store.load_events(run_id)) > 0
    assert run["kpis"]["orders_completed"] > 0
    store.close()


def test_a_bad_scenario_exits_non_zero_without_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format_version": 1, "owners": []}')
    done = subprocess.run(
        [sys.executable, "-m", "twin_app.cli", "run", str(bad), "--no-db"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "bad.json" in done.stderr and "owners" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_without_a_display_the_app_runs_the_demo_headless(
    tiny_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr(samples, "DEFAULT_SAMPLE", tiny_path)
    assert cli.main([]) == 0
    captured = capsys.readouterr()
    assert "No display found" in captured.err
    assert "Orders completed" in captured.out


def test_the_x11_check_stays_out_of_the_way_offscreen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert cli._gui_problem() is None
    monkeypatch.delenv("QT_QPA_PLATFORM")
    monkeypatch.delenv("DISPLAY", raising=False)
    assert cli._gui_problem() is None


def test_a_run_in_the_callers_process_gives_the_collector_back(
    tiny_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`twin-app run` keeps what the file made out of the collector's passes, and as a whole
    process leaves it so to the exit; a caller in the same process gets its collector back."""
    import gc

    thresholds = gc.get_threshold()
    assert cli.main(["run", str(tiny_path), "--until", "1440", "--no-db", "--json"]) == 0
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == thresholds
    assert '"orders_completed"' in capsys.readouterr().out


def test_a_run_as_the_whole_process_prints_the_same_kpis(tiny_path: Path) -> None:
    command = [sys.executable, "-m", "twin_app.cli", "run", str(tiny_path), "--until", "1440", "--no-db", "--json"]
    whole = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True).stdout
    code = "import sys; from twin_app import cli; raise SystemExit(cli.main(sys.argv[1:]))"
    called = subprocess.run([sys.executable, "-c", code, *command[3:]], capture_output=True, text=True, timeout=120)
    assert called.returncode == 0, called.stderr
    assert _kpis_but_run_ids(whole) == _kpis_but_run_ids(called.stdout)


def _kpis_but_run_ids(stdout: str) -> dict:
    return json.loads(stdout[stdout.index("{") :]) | {"run_ids": None}
