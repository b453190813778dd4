"""Run overrides and background replications without Qt: the CLI's numbers, a clean cancel."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from twin_app.errors import TwinError
from twin_app.experiments.replications import BackgroundReplications, summary
from twin_app.experiments.run_overrides import RunOverrides
from twin_app.experiments.runner import run_replication, run_replications, summarise
from twin_app.store.results_db import ResultsStore

SAMPLES = Path(__file__).resolve().parents[2] / "sample_networks"


def test_overrides_make_the_run_the_cli_flags_make(tiny):
    overrides = RunOverrides(seed=3, horizon=1440.0, warmup=60.0, mode="pull", sequencing="spt")
    run = overrides.apply(tiny)
    assert (run.run.seed, run.run.horizon, run.run.warmup) == (3, 1440.0, 60.0)
    assert (run.platform.mode, run.platform.sequencing, run.platform.assignment) == (
        "pull",
        "spt",
        tiny.platform.assignment,
    )
    assert overrides.cli_args(tiny) == [
        "--seed", "3", "--until", "1440", "--warmup", "60", "--mode", "pull", "--rule", "spt",
    ]  # fmt: skip
    assert RunOverrides(seed=tiny.run.seed).apply(tiny) is tiny  # the scenario's own value changes nothing
    with pytest.raises(TwinError, match="warm-up"):
        RunOverrides(warmup=3000.0).apply(tiny, "tiny.json")
    with pytest.raises(TwinError, match="assignment rule 'nope' is unknown"):
        RunOverrides(assignment="nope").apply(tiny)


def test_background_replications_give_the_cli_summary(tiny, tmp_path):
    scenario = RunOverrides(horizon=1440.0).apply(tiny)
    background = BackgroundReplications(scenario, 3, database=tmp_path / "r.sqlite", workers=2)
    background.start()
    assert background.join(120)
    first = run_replication(scenario, replication=0)
    replications = run_replications(scenario, 3, workers=1, curves=True)
    cli = summarise(replications)
    ours = summary(first, background.finished())
    assert ours.pop("run_ids")[0] == first.run_id
    assert ours == cli
    # each carries its WIP and lead-time curves, so the app's report averages all of them
    finished = sorted(background.finished(), key=lambda r: r.replication)
    assert [r.curves for r in finished] == [r.curves for r in replications[1:]]
    assert all(r.curves["wip"] for r in finished)
    with ResultsStore(tmp_path / "r.sqlite") as store:
        runs = store.list_runs()
    assert sorted((r["replication"], r["status"]) for r in runs) == [(1, "completed"), (2, "completed")]
    assert {r["settings"]["origin"] for r in runs} == {"desktop"}  # the app started them, not the CLI


def test_a_run_records_what_started_it_and_from_which_file(tiny, tmp_path):
    from twin_app.experiments.live_record import desktop_origin, origin_text, scenario_label

    scenario = RunOverrides(horizon=720.0).apply(tiny)
    database = tmp_path / "r.sqlite"
    origin = desktop_origin(Path("asset_light.json"), edited=True)
    background = BackgroundReplications(scenario, 2, database=database, workers=1, origin=origin)
    background.start()
    assert background.join(120)
    run_replication(scenario, database=database)  # as twin-app run does
    with ResultsStore(database) as store:
        settings = {r["replication"]: r["settings"] for r in store.list_runs()}
    assert origin_text(settings[1]) == "the app" and origin_text(settings[0]) == "the CLI"
    assert scenario_label("Asset-light", settings[1]) == "asset_light.json (edited): Asset-light"
    assert scenario_label("Asset-light", settings[0]) == "Asset-light"
    assert scenario_label("Asset-light", desktop_origin(Path("asset_light.json"), False)) == (
        "asset_light.json: Asset-light"
    )


def test_cancel_stores_the_replication_under_way_as_stopped_and_starts_no_other(tmp_path):
    from twin_app.io.scenario_file import load_scenario

    scenario = RunOverrides(horizon=200_000.0).apply(load_scenario(SAMPLES / "cloud_factory_demo.json"))
    database = tmp_path / "r.sqlite"
    background = BackgroundReplications(scenario, 6, database=database, workers=1)
    background.start()
    deadline = time.monotonic() + 120
    while not _rows(database):  # the first replication has begun
        assert time.monotonic() < deadline, "no replication started"
        time.sleep(0.1)
    background.cancel()
    assert background.join(120)
    rows = _rows(database)
    assert [r["status"] for r in rows] == ["stopped"]
    assert rows[0]["kpis"] is not None and rows[0]["sim_time"] < 200_000.0
    assert [r.status for r in background.finished()] == ["stopped"]
    assert not background.progress().running


def _rows(database):
    if not database.exists():
        return []
    with ResultsStore(database) as store:
        return store.list_runs()
