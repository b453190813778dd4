"""`twin-app run` takes the scenario validator from the cache file instead of building it again.

The subprocess tests run under ``PYTHONDONTWRITEBYTECODE``, where the cache is neither written
nor read, so nothing else shows that the command a user types gets the start-up the cache was
made for. Here the command runs in this process, as a new process would (nothing in memory),
with building the validator made impossible: it can only succeed by reading the file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic_core import SchemaValidator

from twin_app import cli
from twin_app.io import schema_cache

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.json"


@pytest.fixture
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty cache folder where bytecode may be written, and results kept out of the user's folder."""
    folder = tmp_path / "__pycache__"
    monkeypatch.setattr(schema_cache, "_FOLDER", folder)
    monkeypatch.setattr(schema_cache.sys, "dont_write_bytecode", False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    schema_cache.scenario_validator.cache_clear()
    yield folder
    schema_cache.scenario_validator.cache_clear()


def _run(capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    """The KPIs `twin-app run` prints for the tiny network's first day (without the run's own id)."""
    assert cli.main(["run", str(TINY), "--until", "1440", "--no-db", "--json"]) == 0
    kpis = json.loads(capsys.readouterr().out)
    kpis.pop("run_ids")
    return kpis


def _count_builds(monkeypatch: pytest.MonkeyPatch) -> list[SchemaValidator]:
    """Every validator built from here on, in order (building still works)."""
    built: list[SchemaValidator] = []
    build = schema_cache._build

    def counting() -> SchemaValidator:
        built.append(build())
        return built[-1]

    monkeypatch.setattr(schema_cache, "_build", counting)
    return built


def test_the_first_run_builds_and_stores_the_validator_and_the_next_one_reads_it(
    cache_folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    built = _count_builds(monkeypatch)
    first = _run(capsys)
    assert len(built) == 1, "with no cache file, the first run builds the validator"
    assert [path.name for path in cache_folder.glob("*.pickle")] == [
        schema_cache.cache_path(schema_cache.cache_key()).name
    ], "and stores it under the current key"

    schema_cache.scenario_validator.cache_clear()  # a new process: nothing in memory
    second = _run(capsys)
    assert len(built) == 1, "the second run read the validator from the file instead of building it"
    assert second == first, "and read the scenario the same way"


def test_a_run_with_a_current_cache_file_never_builds_the_validator(
    cache_folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    schema_cache.scenario_validator()  # an earlier process left the file
    schema_cache.scenario_validator.cache_clear()

    def refuse() -> SchemaValidator:
        raise AssertionError("the validator was built again: the cache file was not read")

    monkeypatch.setattr(schema_cache, "_build", refuse)
    kpis = _run(capsys)
    assert kpis["orders_completed"] > 0
