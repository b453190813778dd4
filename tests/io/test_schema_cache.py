"""The scenario validator kept between processes reads files exactly as a freshly built one."""

from __future__ import annotations

import json
import pickle
from pathlib import Path
from types import FunctionType, MethodType

import pytest
from pydantic import TypeAdapter, ValidationError

from twin_app.io import schema_cache
from twin_app.model.scenario import Scenario

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "sample_networks").glob("*.json"))


@pytest.fixture
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(schema_cache, "_FOLDER", tmp_path)
    monkeypatch.setattr(schema_cache.sys, "dont_write_bytecode", False)
    schema_cache.scenario_validator.cache_clear()
    yield tmp_path
    schema_cache.scenario_validator.cache_clear()


def _data(path: Path) -> str:
    data = json.loads(path.read_text())
    data.pop("$schema", None)
    return json.dumps(data)


def test_a_cached_validator_reads_every_sample_as_a_fresh_one(cache_folder: Path) -> None:
    fresh = TypeAdapter(Scenario)
    schema_cache.scenario_validator()  # builds and stores it
    schema_cache.scenario_validator.cache_clear()
    cached = schema_cache.scenario_validator()  # read back from the file
    assert list(cache_folder.glob("scenario_validator.*.pickle"))
    for path in SAMPLES:
        if "order_book" in path.read_text():
            continue  # (its orders come from a CSV beside it; the JSON alone is the same case)
        text = _data(path)
        assert cached.validate_json(text, strict=True) == fresh.validate_json(text, strict=True), path.name


def test_a_cached_validator_reports_the_same_problems(cache_folder: Path) -> None:
    schema_cache.scenario_validator()
    schema_cache.scenario_validator.cache_clear()
    cached = schema_cache.scenario_validator()
    bad = json.loads(_data(SAMPLES[0]))
    bad["machines"][0]["speed"] = "fast"
    bad["owners"][0]["colour"] = 3
    with pytest.raises(ValidationError) as from_cache:
        cached.validate_json(json.dumps(bad), strict=True)
    with pytest.raises(ValidationError) as from_fresh:
        TypeAdapter(Scenario).validate_json(json.dumps(bad), strict=True)
    assert from_cache.value.errors() == from_fresh.value.errors()


def test_a_corrupt_or_stale_file_is_built_again(cache_folder: Path) -> None:
    path = schema_cache.cache_path(schema_cache.cache_key())
    path.write_bytes(b"not a pickle")
    schema_cache.scenario_validator()
    assert pickle.loads(path.read_bytes())[0] == schema_cache.cache_key()  # replaced by a good one
    stale = cache_folder / "scenario_validator.00000000.pickle"
    stale.write_bytes(pickle.dumps(("an older model", None)))
    path.unlink()
    schema_cache.scenario_validator.cache_clear()
    schema_cache.scenario_validator()
    assert [p.name for p in cache_folder.glob("*.pickle")] == [path.name]  # the older key's file goes


def test_nothing_is_written_where_bytecode_is_not(cache_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schema_cache.sys, "dont_write_bytecode", True)
    schema_cache.scenario_validator()
    assert not list(cache_folder.iterdir())


def test_the_key_covers_every_module_the_schema_is_made_of() -> None:
    """A class or function of another twin module in the schema would not be in the key: a
    change to it would leave a stale validator in the cache."""
    keyed = {module.__name__ for module in schema_cache.SCHEMA_MODULES}
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list | tuple):
            for value in node:
                walk(value)
        elif isinstance(node, type | FunctionType | MethodType):
            found.add(getattr(node, "__module__", "") or "")

    walk(TypeAdapter(Scenario).core_schema)
    assert {name for name in found if name.startswith("twin_app")} <= keyed
