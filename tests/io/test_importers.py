"""Benchmark importers: every shared JSSP/FJSP instance becomes a scenario with exactly the
published size and processing-time statistics, survives a save/load round trip, and a broken
instance file is reported with its line, so validation against known optima starts from the
right data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from twin_app.cli import main
from twin_app.errors import ScenarioError
from twin_app.io.importers import import_fjsp, import_jssp
from twin_app.io.scenario_file import load_scenario, save_scenario
from twin_app.model.scenario import Scenario

BENCHMARKS = Path(__file__).resolve().parents[1] / "data" / "benchmarks"
BEST_KNOWN = json.loads((BENCHMARKS / "best_known.json").read_text(encoding="utf-8"))
JSSP = sorted(BEST_KNOWN["jssp"])
FJSP = sorted(BEST_KNOWN["fjsp"])


def _times_by_step(scenario: Scenario) -> dict[str, list[float]]:
    """Step name -> the processing times of every machine that can do it."""
    times: dict[str, list[float]] = {}
    for machine in scenario.machines:
        for capability in machine.capabilities:
            times.setdefault(capability.step, []).append(capability.time.mean)
    return times


def _operations(scenario: Scenario) -> list[str]:
    return [name for product in scenario.products for step in product.routing for name in step.capabilities]


def test_every_jssp_and_fjsp_instance_is_in_the_shared_folder() -> None:
    assert len(JSSP) == 20 and len(FJSP) == 10
    for name in JSSP:
        assert (BENCHMARKS / BEST_KNOWN["jssp"][name]["file"]).is_file()
    for name in FJSP:
        assert (BENCHMARKS / BEST_KNOWN["fjsp"][name]["file"]).is_file()


@pytest.mark.parametrize("name", JSSP)
def test_jssp_instance_matches_published_statistics(name: str) -> None:
    facts = BEST_KNOWN["jssp"][name]
    scenario = import_jssp(BENCHMARKS / facts["file"])
    times = _times_by_step(scenario)
    operations = _operations(scenario)
    assert scenario.name == name
    assert len(scenario.products) == len(scenario.demand.orders) == facts["n_jobs"]
    assert len(scenario.machines) == facts["n_machines"]
    assert len(operations) == facts["n_operations"]
    assert all(len(times[op]) == 1 for op in operations)  # one machine per operation
    assert sum(times[op][0] for op in operations) == facts["total_processing_time"]
    # machines M00.. sort in file order; jobs are orders in file order, all released at 0
    assert [m.id for m in scenario.machines] == sorted(m.id for m in scenario.machines)
    assert scenario.machines[0].id == "M00"
    assert [o.id for o in scenario.demand.orders] == [p.id for p in scenario.products]
    assert all(o.release == 0 and o.quantity == 1 for o in scenario.demand.orders)
    assert scenario.platform.mode == "pull" and scenario.platform.sequencing == "fifo"
    assert scenario.run.horizon is None and scenario.run.seed == 1


def test_jssp_first_job_of_ft06_reads_as_the_readme_example() -> None:
    scenario = import_jssp(BENCHMARKS / "jssp" / "ft06.txt")
    where = {cap.step: (m.id, cap.time.mean) for m in scenario.machines for cap in m.capabilities}
    first_job = [where[step.capabilities[0]] for step in scenario.products[0].routing]
    assert first_job[:3] == [("M02", 1.0), ("M00", 3.0), ("M01", 6.0)]


@pytest.mark.parametrize("name", FJSP)
def test_fjsp_instance_matches_published_statistics(name: str) -> None:
    facts = BEST_KNOWN["fjsp"][name]
    scenario = import_fjsp(BENCHMARKS / facts["file"])
    times = _times_by_step(scenario)
    operations = _operations(scenario)
    assert scenario.name == name
    assert len(scenario.products) == len(scenario.demand.orders) == facts["n_jobs"]
    assert len(scenario.machines) == facts["n_machines"]  # declared, including unused ones
    assert len(operations) == facts["n_operations"]
    assert sum(len(times[op]) for op in operations) == facts["n_alternatives"]
    assert sum(min(times[op]) for op in operations) == facts["sum_min_processing_time"]
    used = sorted(int(m.id[1:]) for m in scenario.machines if not m.capabilities[0].step.startswith("idle-"))
    assert used == facts["machines_referenced"]
    assert scenario.machines[0].id == "M01"


def test_fjsp_unused_machines_stay_idle_and_the_description_says_so() -> None:
    scenario = import_fjsp(BENCHMARKS / "fjsp" / "mk06.fjs")
    idle = [m for m in scenario.machines if m.capabilities[0].step.startswith("idle-")]
    assert [m.id for m in idle] == ["M11", "M12", "M13", "M14", "M15"]
    assert set(_operations(scenario)).isdisjoint(c.step for m in idle for c in m.capabilities)
    assert "M11, M12, M13, M14, M15" in scenario.description


@pytest.mark.parametrize(("kind", "name"), [("jssp", "ta01"), ("jssp", "ft06"), ("fjsp", "mk01"), ("fjsp", "mk10")])
def test_imported_scenario_survives_save_and_load(kind: str, name: str, tmp_path: Path) -> None:
    importer = import_jssp if kind == "jssp" else import_fjsp
    scenario = importer(BENCHMARKS / BEST_KNOWN[kind][name]["file"])
    path = tmp_path / f"{name}.json"
    save_scenario(scenario, path)
    assert load_scenario(path) == scenario


@pytest.mark.parametrize(("kind", "file"), [("jssp", "jssp/la01.txt"), ("fjsp", "fjsp/mk08.fjs")])
def test_cli_import_writes_a_file_validate_accepts(
    kind: str, file: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "instance.json"
    assert main(["import", kind, str(BENCHMARKS / file), "-o", str(out)]) == 0
    assert out.is_file()
    assert main(["validate", str(out)]) == 0
    assert "ok:" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("kind", "text", "line", "words"),
    [
        ("jssp", "2 2\n0 3 1 4\n0 3 1\n", "line 3", "wrong count of numbers"),
        ("jssp", "2 2\n0 3 1 4\n0 3 x 4\n", "line 3", "whole number"),
        ("jssp", "2 2\n0 3 2 4\n0 3 1 4\n", "line 2", "machine index 2 out of range"),
        ("jssp", "2 2\n0 3 1 4\n", "line 2", "declares 2 jobs"),
        ("jssp", "2 2 2\n0 3 1 4\n0 3 1 4\n", "line 1", "header"),
        ("jssp", "2 2\n0 3 1 4\n0 3.5 1 4\n", "line 3", "whole number"),
        ("fjsp", "1 2 1\n2 1 1 5 1 3 4\n", "line 2", "machine index 3 out of range"),
        ("fjsp", "1 2 1\n2 1 0 5 1 2 4\n", "line 2", "machine index 0 out of range"),
        ("fjsp", "1 2 1\n2 1 1 5 2 2 4\n", "line 2", "wrong count of numbers"),
        ("fjsp", "1 2 1\n2 1 1 5 1 2 4 9\n", "line 2", "wrong count of numbers"),
        ("fjsp", "2 2 1\n\n1 1 1 5\n1 2 1 5 2\n", "line 4", "wrong count of numbers"),
        ("fjsp", "1 2 1\n1 0\n", "line 2", "at least 1"),
    ],
)
def test_malformed_instance_names_file_and_line(kind: str, text: str, line: str, words: str, tmp_path: Path) -> None:
    path = tmp_path / f"broken.{'txt' if kind == 'jssp' else 'fjs'}"
    path.write_text(text, encoding="utf-8")
    importer = import_jssp if kind == "jssp" else import_fjsp
    with pytest.raises(ScenarioError) as caught:
        importer(path)
    report = caught.value.report()
    assert str(path) in report
    assert f"{line}:" in report
    assert words in report


def test_missing_instance_file_is_a_scenario_error(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="file not found"):
        import_jssp(tmp_path / "nope.txt")


def test_cli_import_of_broken_file_exits_2_with_the_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.txt"
    path.write_text("1 2\n0 3 5 4\n", encoding="utf-8")
    assert main(["import", "jssp", str(path), "-o", str(tmp_path / "out.json")]) == 2
    assert "line 2" in capsys.readouterr().err
    assert not (tmp_path / "out.json").exists()
