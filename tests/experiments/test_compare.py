"""compare(): self-comparison, queueing theory, what cannot be paired, precision, bad input."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path

import pytest

from twin_app.errors import ScenarioError, TwinError
from twin_app.experiments.compare import compare

UNTIL = 2000.0


def test_a_scenario_compared_with_itself_differs_by_exactly_zero(tiny_file: Path) -> None:
    result = compare([tiny_file, tiny_file], replications=3, until=UNTIL, workers=1)
    assert len(result.kpis) > 30 and not result.left_out and not result.failed
    for row in result.kpis:
        diff = row.differences[1]
        assert diff is not None
        if diff.mean is None:  # a KPI no replication had (e.g. a carrier's utilisation)
            continue
        assert diff.mean == 0.0 and not diff.significant, row.path
    assert result.names == ("tiny (1)", "tiny (2)")
    assert "no significant difference" in result.table()


@pytest.mark.slow
def test_paired_interval_of_two_mm1_queues_contains_the_theoretical_difference(write_json, mm1) -> None:
    low = write_json("rho05.json", mm1(0.5, horizon=20_000))
    high = write_json("rho07.json", mm1(0.7, horizon=20_000))
    result = compare([low, high], replications=8, workers=2)
    w = result.kpi("lead_time.mean")
    theory = 1 / (1 - 0.7) - 1 / (1 - 0.5)  # W = 1 / (mu - lambda) with mu = 1
    diff = w.differences[1]
    assert diff is not None and diff.low is not None and diff.high is not None
    assert diff.low <= theory <= diff.high
    assert diff.significant
    # Common random numbers make the paired interval narrower than the two separate ones combined.
    separate = math.hypot(w.estimates[0].half_width or 0.0, w.estimates[1].half_width or 0.0)
    assert diff.half_width is not None and diff.half_width < separate


def test_kpis_that_cannot_be_paired_are_named_and_the_rest_compared(tiny_file: Path, write_json) -> None:
    data = json.loads(tiny_file.read_text())
    other = copy.deepcopy(data)
    other["owners"].append({"id": "newco", "name": "New Co"})
    other["sites"].append({"id": "new-1", "owner": "newco", "x": 5, "y": 5})
    other["machines"].append(
        {"id": "N-mill", "site": "new-1", "capabilities": [{"step": "mill", "time": 6}], "cost": {"running": 1}}
    )
    a = write_json("a.json", data)
    b = write_json("b.json", other)
    result = compare([a, b], replications=2, until=UNTIL, workers=1)
    assert "profit.by_owner.newco" in result.left_out
    assert "utilisation.by_resource.N-mill" in result.left_out
    assert result.kpi("profit.by_owner.acme").differences[1] is not None
    assert "profit.by_owner.newco" in result.by_owner[1] and "profit.by_owner.newco" not in result.by_owner[0]
    assert "owners newco" in result.table()


def test_a_scenario_that_fails_validation_is_named(tiny_file: Path, write_json) -> None:
    bad = json.loads(tiny_file.read_text())
    bad["machines"][2]["speed"] = -1
    path = write_json("broken.json", bad)
    with pytest.raises(ScenarioError) as caught:
        compare([tiny_file, path], replications=2, until=UNTIL, workers=1)
    assert str(path) in str(caught.value) and "machines[2].speed" in str(caught.value)


def test_a_run_no_longer_than_its_warmup_is_refused_before_anything_runs(tiny_file: Path) -> None:
    with pytest.raises(TwinError, match=r"run.warmup: warm-up 240 must be shorter than horizon 200") as caught:
        compare([tiny_file, tiny_file], replications=2, until=200.0, workers=1)
    assert str(caught.value).count(str(tiny_file)) == 2  # every failing file is named


def test_a_file_whose_warmup_exceeds_its_horizon_runs_when_until_makes_it_long_enough(tiny_file, write_json) -> None:
    data = json.loads(tiny_file.read_text())
    data["run"]["warmup"] = 3000  # longer than its own horizon of 2880
    path = write_json("long_warmup.json", data)
    result = compare([path, path], replications=2, until=4000.0, workers=1)
    assert result.warmup == 3000 and result.kpi("orders_completed").estimates[0].mean


def test_precision_adds_replications_until_the_target_or_the_cap(tiny_file: Path, write_json) -> None:
    data = json.loads(tiny_file.read_text())
    slower = copy.deepcopy(data)
    slower["machines"][0]["capabilities"][0]["time"]["mean"] = 7
    a, b = write_json("a.json", data), write_json("b.json", slower)
    capped = compare(
        [a, b],
        replications=2,
        until=UNTIL,
        precision=0.001,
        precision_kpis=["lead_time.mean"],
        max_replications=4,
        workers=1,
    )
    assert capped.precision is not None and not capped.precision.met
    assert capped.replications == 4 and capped.kpi("lead_time.mean").estimates[0].n == 4
    loose = compare(
        [a, b],
        replications=2,
        until=UNTIL,
        precision=0.9,
        precision_kpis=["lead_time.mean"],
        max_replications=4,
        workers=1,
    )
    assert loose.precision is not None and loose.precision.met and loose.replications == 2
    achieved = loose.precision.achieved["lead_time.mean"]
    assert achieved is not None and achieved <= 0.9


def test_result_serialises_and_reads_back(tiny_file: Path) -> None:
    from twin_app.experiments.compare import CompareResult

    result = compare([tiny_file, tiny_file], replications=2, until=UNTIL, workers=1)
    again = CompareResult.from_dict(json.loads(json.dumps(result.to_dict())))
    assert again.table() == result.table()
    rows = result.rows()
    assert rows[0]["kpi"] == "orders_completed" and "tiny (1) mean" in rows[0]


def test_a_precision_kpi_that_does_not_exist_is_refused_before_anything_runs(tiny_file: Path) -> None:
    with pytest.raises(TwinError, match=r"precision KPI 'cost.per_unt' is not a KPI .*did you mean 'cost.per_unit'"):
        compare([tiny_file, tiny_file], replications=2, precision=0.05, precision_kpis=["cost.per_unt"], workers=1)


def test_replications_needed_is_the_smallest_count_whose_t_interval_is_narrow_enough() -> None:
    from twin_app.analysis.stats import t_quantile
    from twin_app.experiments.compare import replications_needed

    s = 2.0  # the standard deviation behind a half-width after 3 replications
    half = t_quantile(0.975, 2) * s / math.sqrt(3)
    m = replications_needed(half, 3, target=1.0, cap=1000)
    assert t_quantile(0.975, m - 1) * s / math.sqrt(m) <= 1.0 < t_quantile(0.975, m - 2) * s / math.sqrt(m - 1)
    assert m == 18  # not the 3 * (half / 1.0)^2 = 74 of the t(2)-based shortcut
    assert replications_needed(half, 3, target=1e-6, cap=50) == 50
