"""The twin against public scheduling benchmarks (tests/data/benchmarks).

- Job shop: every instance, imported and run in pull mode under deterministic non-delay
  semantics, reproduces the appendix makespans of dispatch_rule_results.md *exactly* for
  every rule, and every schedule passes a feasibility check written here independently of
  the engine (it reads the instance file itself).
- Flexible job shop mk01-mk10: with a random free capable machine (SPT: the fastest free
  one), each rule's set mean over 5 seeds lands within 3% of the published rule means
  (Table 2), and the twin's best built-in policy beats the best published rule mean.

Reference numbers are parsed from the markdown tables, not copied here.
"""

from __future__ import annotations

import dataclasses
import itertools
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from twin_app.analysis.collector import EventCollector
from twin_app.io.importers import import_fjsp, import_jssp
from twin_app.model.events import EventKind
from twin_app.model.layout import Layout
from twin_app.model.scenario import Scenario
from twin_app.sim.engine import Simulation

BENCHMARKS = Path(__file__).resolve().parents[1] / "data" / "benchmarks"
RULE_COLUMNS = {"SPT": "spt", "MWKR": "mwkr", "MOPNR": "mopnr", "FDD/MWKR": "fdd_mwkr", "FIFO": "fifo"}
FJSP_COLUMNS = {"FIFO": "fifo", "MOR (=MOPNR)": "mopnr", "SPT": "spt", "MWKR": "mwkr"}


def _table_after(heading: str) -> list[list[str]]:
    text = (BENCHMARKS / "dispatch_rule_results.md").read_text(encoding="utf-8")
    section = text[text.index(heading) :]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    table = []
    for line in rows:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if set("".join(cells)) <= set("-: "):
            continue
        table.append(cells)
        if cells[0] == "mean" or (table and len(table) > 1 and cells[0] == "ta10" and "Appendix" in heading):
            break
    return table


@cache
def appendix() -> dict[str, dict[str, int]]:
    """{instance: {rule: makespan}} from the appendix of deterministic non-delay values."""
    header, *rows = _table_after("## Appendix")
    values = {}
    for row in rows:
        values[row[0]] = {RULE_COLUMNS[name]: int(row[i]) for i, name in enumerate(header) if name in RULE_COLUMNS}
    return values


@cache
def published_fjsp_means() -> dict[str, float]:
    header, *rows = _table_after("## Table 2")
    mean_row = next(row for row in rows if row[0] == "mean")
    return {FJSP_COLUMNS[name]: float(mean_row[i]) for i, name in enumerate(header) if name in FJSP_COLUMNS}


def run_events(scenario: Scenario, rule: str, assignment: str = "earliest_completion", seed: int = 1) -> np.ndarray:
    platform = dataclasses.replace(scenario.platform, mode="pull", sequencing=rule, assignment=assignment)
    collector = EventCollector()
    Simulation(scenario.with_changes(platform=platform), seed=seed, observers=[collector]).run()
    events = collector.events
    return events[events["kind"] == EventKind.PROCESS]


def read_jssp(path: Path) -> list[list[tuple[int, int]]]:
    """The instance as jobs of (machine, time) operations, read straight from the file."""
    lines = path.read_text().split("\n")
    n_jobs, _n_machines = map(int, lines[0].split())
    jobs = []
    for line in lines[1 : 1 + n_jobs]:
        numbers = list(map(int, line.split()))
        jobs.append(list(zip(numbers[0::2], numbers[1::2], strict=True)))
    return jobs


def assert_feasible(process: np.ndarray, scenario: Scenario, allowed: dict[tuple[int, int], dict[str, int]]) -> None:
    """Each operation once, on an allowed machine for its time, in job order, and one at a
    time per machine. ``allowed[(job, op)]`` maps machine id -> processing time."""
    machine_of = [scenario.machines[r.machine].id for r in Layout.build(scenario).resources]
    assert len(process) == len(allowed), "every operation is processed exactly once"
    seen = set()
    by_job: dict[int, list[tuple[int, float, float]]] = {}
    by_machine: dict[str, list[tuple[float, float]]] = {}
    for record in process:
        key = (int(record["job"]), int(record["operation"]))
        assert key not in seen, f"operation {key} processed twice"
        seen.add(key)
        machine = machine_of[record["resource"]]
        assert machine in allowed[key], f"operation {key} ran on {machine}, not allowed"
        duration = float(record["end"] - record["start"])
        assert duration == pytest.approx(allowed[key][machine]), f"operation {key} took {duration}"
        by_job.setdefault(key[0], []).append((key[1], float(record["start"]), float(record["end"])))
        by_machine.setdefault(machine, []).append((float(record["start"]), float(record["end"])))
    for job, operations in by_job.items():
        operations.sort()
        for (_a, _s, end), (_b, start, _e) in itertools.pairwise(operations):
            assert start >= end - 1e-9, f"job {job} starts an operation before the previous one ended"
    for machine, intervals in by_machine.items():
        intervals.sort()
        for (_s, end), (start, _e) in itertools.pairwise(intervals):
            assert start >= end - 1e-9, f"{machine} does two operations at once"


JSSP_INSTANCES = sorted(path.stem for path in (BENCHMARKS / "jssp").glob("*.txt"))


@pytest.mark.parametrize("instance", JSSP_INSTANCES)
def test_job_shop_reproduces_non_delay_makespans_exactly(instance: str) -> None:
    path = BENCHMARKS / "jssp" / f"{instance}.txt"
    scenario = import_jssp(path)
    jobs = read_jssp(path)
    allowed = {(j, o): {f"M{m:02d}": p} for j, ops in enumerate(jobs) for o, (m, p) in enumerate(ops)}
    for rule, expected in appendix()[instance].items():
        process = run_events(scenario, rule)
        assert_feasible(process, scenario, allowed)
        assert float(process["end"].max()) == expected, f"{instance} {rule}"


def test_appendix_covers_every_instance_and_rule() -> None:
    assert sorted(appendix()) == JSSP_INSTANCES
    assert all(set(rules) == set(RULE_COLUMNS.values()) for rules in appendix().values())


def read_fjsp(path: Path) -> dict[tuple[int, int], dict[str, int]]:
    """(job, operation) -> {machine id: time}, read straight from the .fjs file."""
    lines = [line for line in path.read_text().split("\n") if line.strip()]
    n_jobs = int(lines[0].split()[0])
    allowed = {}
    for j, line in enumerate(lines[1 : 1 + n_jobs]):
        numbers = list(map(int, line.split()))
        position = 1
        for o in range(numbers[0]):
            k = numbers[position]
            pairs = numbers[position + 1 : position + 1 + 2 * k]
            allowed[(j, o)] = {f"M{m:02d}": p for m, p in zip(pairs[0::2], pairs[1::2], strict=True)}
            position += 1 + 2 * k
    return allowed


FJSP_INSTANCES = sorted(path.stem for path in (BENCHMARKS / "fjsp").glob("*.fjs"))
SEEDS = range(5)


@cache
def fjsp_set_mean(rule: str, assignment: str) -> float:
    """Mean over the instances of the mean makespan over SEEDS, checking every schedule."""
    means = []
    for instance in FJSP_INSTANCES:
        path = BENCHMARKS / "fjsp" / f"{instance}.fjs"
        scenario = import_fjsp(path)
        allowed = read_fjsp(path)
        spans = []
        for seed in SEEDS:
            process = run_events(scenario, rule, assignment, seed)
            assert_feasible(process, scenario, allowed)
            spans.append(float(process["end"].max()))
        means.append(np.mean(spans))
    return float(np.mean(means))


@pytest.mark.slow
@pytest.mark.parametrize("rule", ["fifo", "mopnr", "spt", "mwkr"])
def test_flexible_job_shop_rule_means_match_published(rule: str) -> None:
    assignment = "fastest" if rule == "spt" else "random"
    ours = fjsp_set_mean(rule, assignment)
    published = published_fjsp_means()[rule]
    assert abs(ours / published - 1) <= 0.03, f"{rule}: twin {ours:.2f} vs published {published:.2f}"


@pytest.mark.slow
def test_best_built_in_policy_beats_best_published_rule() -> None:
    best_published = min(published_fjsp_means().values())
    ours = min(fjsp_set_mean(rule, "earliest_completion") for rule in ("mwkr", "mopnr", "fifo"))
    assert ours < best_published, f"best twin policy {ours:.2f} vs best published rule mean {best_published:.2f}"
