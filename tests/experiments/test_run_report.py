"""`twin-app run --report`: one scenario's replications in the client report, by the compare report's code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from twin_app import cli
from twin_app.errors import TwinError


@pytest.fixture(autouse=True)
def private_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


def test_run_report_shows_the_same_means_and_intervals_as_the_json(tiny_path, tmp_path, capsys) -> None:
    report = tmp_path / "out" / "tiny.html"
    args = ["run", str(tiny_path), "--until", "1440", "--replications", "3", "--no-db"]
    assert cli.main([*args, "--json", "--report", str(report)]) == 0
    kpis = json.loads(capsys.readouterr().out)
    html = report.read_text(encoding="utf-8")
    assert "replications report" in html and "<h2>Key figures</h2>" in html
    assert "<script" not in html.lower() and html.count("<svg") >= 3  # self-contained, with its charts
    completed = kpis["orders_completed"]
    assert f"<td>Orders completed</td><td>{completed['mean']:,.1f} ± " in html  # the CLI's mean, in the table
    assert "Profit and loss by owner" in html and "Lead time and work in progress" in html
    assert "twin-app run " in html and "--replications 3" in html  # how to reproduce it
    assert "paired" not in html.split("<h2>Assumptions")[0].split("<h2>Key figures</h2>")[1].split("</p>")[0]


def test_run_report_with_a_bad_path_fails_before_the_run(tiny_path, tmp_path, capsys) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert cli.main(["run", str(tiny_path), "--no-db", "--report", str(blocker / "r.html")]) != 0
    err = capsys.readouterr().err
    assert "--report" in err and "is a file, not a folder" in err and "Traceback" not in err


def test_replications_result_matches_the_cli_summary(tiny) -> None:
    from twin_app.experiments.run_report import replications_result
    from twin_app.experiments.runner import run_replications, summarise, with_horizon

    scenario = with_horizon(tiny, 1440.0)
    results = run_replications(scenario, 2, workers=1, curves=True)
    summary = summarise(results)
    result = replications_result(scenario, results, source="tiny.json")
    row = result.kpi("lead_time.mean")
    assert row.estimates[0].mean == pytest.approx(summary["lead_time"]["mean"]["mean"])
    assert row.estimates[0].half_width == pytest.approx(summary["lead_time"]["mean"]["ci95"])
    assert result.replications == 2 and result.names == (tiny.name,)
    assert result.curves[0]["wip"] and result.curves[0]["lead_time_quantiles"]  # the report's charts
    with pytest.raises(TwinError, match="no replications"):
        replications_result(scenario, [])
