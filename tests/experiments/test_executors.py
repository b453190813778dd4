"""Where tasks run: the same numbers everywhere, and a dead worker loses only its own task."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from twin_app.experiments.executors import Backend, execute, run_on_client
from twin_app.experiments.tasks import Task, TaskResult, run_task
from twin_app.io.scenario_file import load_scenario


@pytest.fixture
def tasks(tiny_file: Path) -> list[Task]:
    scenario = load_scenario(tiny_file, run={"horizon": 1500.0})
    slower = scenario.with_changes(name="other")  # a second point (same model, another label)
    return [Task(p, r, s, 11) for p, s in enumerate((scenario, slower)) for r in range(3)]


def _numbers(results: list[TaskResult]) -> dict[tuple[int, int], dict]:
    assert all(r.ok for r in results), [r.message for r in results]
    return {r.key: r.kpis for r in sorted(results, key=lambda r: r.key)}


def test_local_processes_give_the_numbers_of_a_sequential_run(tasks: list[Task]) -> None:
    sequential = _numbers(list(execute(tasks, Backend(workers=1))))
    parallel = _numbers(list(execute(tasks, Backend(workers=2))))
    assert parallel == sequential
    assert len(sequential) == 6
    assert sequential[(0, 0)] != sequential[(0, 1)]  # replications differ from each other


def test_a_dask_cluster_gives_the_numbers_of_a_sequential_run(tasks: list[Task]) -> None:
    from distributed import Client, LocalCluster

    sequential = _numbers(list(execute(tasks, Backend(workers=1))))
    cluster = LocalCluster(processes=False, n_workers=2, threads_per_worker=1, dashboard_address=None)
    with cluster, Client(cluster) as client:
        on_cluster = _numbers(list(run_on_client(client, tasks)))
    assert on_cluster == sequential


def die_on_the_second_replication(task: Task) -> TaskResult:
    """A task runner whose (point 0, replication 1) kills its worker process, every time."""
    if task.key == (0, 1):
        os._exit(3)
    return run_task(task)


def test_a_task_that_kills_its_worker_fails_alone_and_every_other_result_is_kept(tasks: list[Task]) -> None:
    results = list(execute(tasks, Backend(workers=2), runner=die_on_the_second_replication))
    by_key = {r.key: r for r in results}
    assert len(results) == 6 and len(by_key) == 6
    assert by_key[(0, 1)].status == "failed" and "died twice" in by_key[(0, 1)].message
    expected = _numbers([run_task(t) for t in tasks if t.key != (0, 1)])
    assert _numbers([r for r in results if r.key != (0, 1)]) == expected


def test_an_unreachable_scheduler_is_a_clear_error() -> None:
    from twin_app.errors import TwinError
    from twin_app.experiments.executors import dask_client

    with pytest.raises(TwinError, match="cannot reach the Dask scheduler within 10 s"):
        dask_client("tcp://127.0.0.1:9", workers=1)


@pytest.mark.parametrize("address", ["", "foo", "http://localhost:8786"])
def test_a_malformed_scheduler_address_is_named_at_once(address: str) -> None:
    from twin_app.errors import TwinError
    from twin_app.experiments.executors import dask_client

    with pytest.raises(TwinError, match="is not a scheduler address"):
        dask_client(address, workers=1)
