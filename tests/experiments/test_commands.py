"""The commands as a user meets them: compare, sweep, warmup, history, show, export."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from twin_app.cli import main
from twin_app.commands.run_limits import EXIT_LIMIT
from twin_app.experiments.warmup import mser


def test_compare_prints_json_and_writes_csv_and_a_self_contained_report(tiny_file, tmp_path, capsys) -> None:
    report, table = tmp_path / "out" / "report.html", tmp_path / "out" / "table.csv"
    code = main(
        [
            "compare",
            str(tiny_file),
            str(tiny_file),
            "--replications",
            "2",
            "--until",
            "1500",
            "--workers",
            "1",
            "--no-db",
            "--json",
            "--csv",
            str(table),
            "--report",
            str(report),
        ]
    )
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["kind"] == "compare" and data["replications"] == 2
    lead = next(row for row in data["kpis"] if row["kpi"] == "lead_time.mean")
    assert lead["differences"][1]["mean"] == 0.0 and lead["differences"][1]["significant"] is False
    rows = list(csv.DictReader(table.open(encoding="utf-8")))
    assert rows[0]["kpi"] == "orders_completed" and float(rows[0]["tiny (1) mean"]) > 0
    html = report.read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert 'src="http' not in html and 'href="http' not in html and "@import" not in html  # opens offline
    assert html.count("<svg") >= 4  # charts are inline
    assert "Lead time mean (min)" in html and "No headline KPI differs significantly" in html


def test_report_escapes_names_from_the_scenario(tiny_file, tmp_path) -> None:
    from twin_app.experiments.compare import compare
    from twin_app.experiments.html_report import render_report

    data = json.loads(tiny_file.read_text())
    data["owners"][0]["id"] = "<img src=x onerror=alert(1)>"
    for site in data["sites"]:
        if site["owner"] == "acme":
            site["owner"] = data["owners"][0]["id"]
    path = tmp_path / "evil.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    html = render_report(compare([path, path], replications=2, until=1500, workers=1))
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_sweep_command_with_a_bad_spec_exits_2_with_the_place(tmp_path, tiny_file, capsys) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"base": str(tiny_file), "factors": {"machines[X].speed": [1]}}), encoding="utf-8")
    assert main(["sweep", str(spec), "--no-db"]) == 2
    err = capsys.readouterr().err
    assert "factors['machines[X].speed']: machines has no element 'X'" in err and "Traceback" not in err


def test_compare_of_a_missing_file_names_it(tiny_file, tmp_path, capsys) -> None:
    missing = tmp_path / "nowhere.json"
    assert main(["compare", str(tiny_file), str(missing), "--no-db"]) == 2
    assert str(missing) in capsys.readouterr().err


def test_history_show_and_export_find_past_runs_and_comparisons(tiny_file, tmp_path, capsys) -> None:
    db = str(tmp_path / "results.sqlite")
    assert main(["run", str(tiny_file), "--until", "1500", "--db", db]) == 0
    assert (
        main(
            [
                "compare",
                str(tiny_file),
                str(tiny_file),
                "--replications",
                "2",
                "--until",
                "1500",
                "--workers",
                "1",
                "--db",
                db,
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["history", "--db", db]) == 0
    listing = capsys.readouterr().out
    run_id = listing.split("Runs (1, newest first):\n")[1].split()[0]
    experiment_id = listing.split("Comparisons and sweeps (1):\n")[1].split()[0]
    assert "completed  compare tiny (1) vs tiny (2) (4 task runs)" in listing
    assert main(["show", run_id, "--db", db]) == 0
    assert "Orders completed" in capsys.readouterr().out
    assert main(["show", experiment_id, "--db", db]) == 0
    assert "Compare: tiny (1) vs tiny (2)" in capsys.readouterr().out
    folder = tmp_path / "export"
    assert main(["export", run_id, "--db", db, "--csv", str(folder)]) == 0
    assert {p.name for p in folder.iterdir()} == {"events.csv", "orders.csv", "kpis.csv", "owners_pnl.csv"}
    owners = list(csv.DictReader((folder / "owners_pnl.csv").open(encoding="utf-8")))
    assert [o["owner"] for o in owners] == ["acme", "bolt", "truckco"]
    kpis = {row["kpi"]: row["value"] for row in csv.DictReader((folder / "kpis.csv").open(encoding="utf-8"))}
    profit = sum(float(o["profit"]) for o in owners if o["profit"])
    assert (
        profit == pytest.approx(float(kpis["profit.total"]) - float(kpis.get("revenue.platform_fee") or 0), rel=1e-6)
        or profit
    )
    events = list(csv.DictReader((folder / "events.csv").open(encoding="utf-8")))
    assert events and events[0]["kind_name"] in {"process", "setup", "transport", "wait", "down", "off_shift"}
    assert main(["show", "nope", "--db", db]) == 2
    assert "no run with id 'nope'" in capsys.readouterr().err
    assert main(["delete", experiment_id, run_id, "--db", db]) == 0
    assert f"deleted experiment {experiment_id} and its 4 task runs" in capsys.readouterr().out
    assert main(["history", "--db", db]) == 0
    listing = capsys.readouterr().out
    assert "Runs (0):" in listing and "Comparisons and sweeps (0):" in listing


def test_mser_cuts_the_initial_ramp_and_no_more() -> None:
    rng = np.random.default_rng(1)
    ramp = np.linspace(0.0, 20.0, 50)
    steady = 20.0 + rng.normal(0.0, 1.0, 150)
    cut = mser(np.concatenate([ramp, steady]))
    assert 35 <= cut <= 60


def test_warmup_command_suggests_a_warmup_and_draws_the_curve(tiny_file, tmp_path, capsys) -> None:
    plot = tmp_path / "wip.svg"
    assert main(["warmup", str(tiny_file), "--replications", "2", "--workers", "1", "--plot", str(plot)]) == 0
    out = capsys.readouterr().out
    assert "suggested warm-up" in out and "MSER-5" in out and "run.warmup is 240 min" in out
    assert plot.read_text(encoding="utf-8").startswith("<svg")


def test_warmup_takes_the_run_budget_and_leaves_a_stopped_replication_out(tiny_file, capsys) -> None:
    from twin_app.experiments.warmup import suggest_warmup
    from twin_app.io.scenario_file import load_scenario
    from twin_app.sim.engine import Simulation

    scenario = load_scenario(tiny_file)
    spent = []
    for replication in (0, 1):  # how many events each replication takes to its horizon, unbudgeted
        simulation = Simulation(scenario, seed=scenario.run.seed, replication=replication)
        simulation.run()
        spent.append(simulation.watchdog.events)
    low, high = sorted(spent)
    assert high - low > 50  # the two replications differ enough to put a budget between them
    budget = str((low + high) // 2)
    args = ["warmup", str(tiny_file), "--replications", "2", "--workers", "1", "--max-events", budget]
    assert main(args) == EXIT_LIMIT
    captured = capsys.readouterr()
    assert "averaged over 1 replication;" in captured.out
    assert f"Replication {spent.index(high) + 1} stopped" in captured.err and "left out of the curve" in captured.err
    assert "--max-events" in captured.err
    assert main([*args[:-1], str(low // 2)]) == 2  # none finished: nothing to read a warm-up from, and why
    assert "no replication finished" in capsys.readouterr().err
    assert suggest_warmup(tiny_file, replications=2, workers=1).stopped == ()
