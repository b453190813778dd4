"""sweep(): the best point, the Pareto front, the same numbers on any backend, and --resume."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from twin_app.experiments.paired import Estimate
from twin_app.experiments.sweep import pareto_front, sweep
from twin_app.experiments.sweep_spec import Objective
from twin_app.store.experiment_log import ExperimentLog


@pytest.fixture
def spec(tmp_path: Path, tiny_file: Path) -> Path:
    data = {
        "base": str(tiny_file),
        "factors": {"machines[A-mill].speed": [0.8, 1.6], "lanes[L1].vehicles": [1, 3]},
        "replications": 2,
        "seed": 5,
        "until": 1500,
        "objective": "min lead_time.mean",
        "pareto": ["min cost.per_unit", "max on_time_rate"],
    }
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _means(result) -> list[dict[str, float | None]]:
    return [{k: e.mean for k, e in est.items()} for est in result.estimates]


def test_the_best_point_is_the_lowest_mean_and_is_tested_against_the_runner_up(spec: Path) -> None:
    result = sweep(spec, workers=1)
    lead = [est["lead_time.mean"].mean for est in result.estimates]
    assert result.best == min(range(4), key=lambda i: lead[i])
    assert result.runner_up == sorted(range(4), key=lambda i: lead[i])[1]
    assert result.best_vs_runner_up is not None and result.best_vs_runner_up.n == 2
    assert result.best_vs_runner_up.mean == pytest.approx(lead[result.runner_up] - lead[result.best])
    assert result.points[result.best].values["machines[A-mill].speed"] == 1.6  # the faster mill wins
    assert set(result.front) <= set(range(4)) and result.front
    assert f"Best point for min Lead time mean (min): #{result.best + 1}" in result.table()


def test_a_sweep_on_local_processes_gives_the_numbers_of_a_sequential_run(spec: Path) -> None:
    assert _means(sweep(spec, workers=2)) == _means(sweep(spec, workers=1))


def test_pareto_front_keeps_exactly_the_undominated_points() -> None:
    def est(cost: float, on_time: float) -> dict[str, Estimate]:
        return {"cost": Estimate(cost, 1.0, 3), "ot": Estimate(on_time, 0.1, 3)}

    points = [est(10, 0.9), est(12, 0.95), est(11, 0.85), est(9, 0.8), est(12, 0.95)]
    front = pareto_front((Objective("min", "cost"), Objective("max", "ot")), points)
    assert front == (0, 1, 3, 4)  # point 2 is beaten by point 0 on both; ties (1, 4) both stay


def test_a_killed_sweep_resumes_with_the_finished_tasks_kept(spec: Path, tmp_path: Path) -> None:
    database = tmp_path / "results.sqlite"
    first = sweep(spec, workers=1, database=database)
    assert first.experiment_id is not None
    with ExperimentLog(database) as log:
        rows = log.task_rows(first.experiment_id)
    assert len(rows) == 8
    # As if the process had been killed after six tasks: two rows missing, status left 'running'.
    conn = sqlite3.connect(database)
    with conn:
        conn.execute("DELETE FROM runs WHERE experiment_id = ? AND point = 3", [first.experiment_id])
        conn.execute(
            "UPDATE experiments SET status = 'running', writer_pid = 999999999, summary_json = NULL WHERE id = ?",
            [first.experiment_id],
        )
    conn.close()
    with ExperimentLog(database) as log:
        assert [e["status"] for e in log.experiments()] == ["incomplete"]
    resumed = sweep(spec, workers=1, database=database, resume=True)
    assert resumed.experiment_id == first.experiment_id
    assert _means(resumed) == _means(first)
    with ExperimentLog(database) as log:
        after = log.task_rows(first.experiment_id)
        assert log.load(first.experiment_id)["status"] == "completed"
    kept = {(r["point"], r["replication"]): r["run_id"] for r in rows if r["point"] != 3}
    assert {(r["point"], r["replication"]): r["run_id"] for r in after if r["point"] != 3} == kept
    assert len(after) == 8


def test_points_equal_but_for_rounding_noise_are_a_tie() -> None:
    def est(cost: float) -> dict[str, Estimate]:
        return {"cost": Estimate(cost, 1.0, 3), "ot": Estimate(0.9, 0.1, 3)}

    front = pareto_front((Objective("min", "cost"), Objective("max", "ot")), [est(100.0), est(100.0 - 2e-11), est(101)])
    assert front == (0, 1)


def test_an_objective_that_is_not_a_kpi_is_refused_before_anything_runs(spec: Path) -> None:
    from twin_app.errors import TwinError

    data = json.loads(spec.read_text())
    data["objective"] = "min cost.per_unt"
    with pytest.raises(TwinError, match=r"objective 'cost.per_unt' is not a KPI .*did you mean 'cost.per_unit'"):
        sweep(data, workers=1)


def test_a_spec_given_as_a_dict_runs_like_its_file(spec: Path) -> None:
    assert _means(sweep(json.loads(spec.read_text()), workers=1)) == _means(sweep(spec, workers=1))
