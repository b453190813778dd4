"""The shipped JSON Schema is current and accepts the files the program accepts.

Editors autocomplete and underline scenario files from assets/scenario.schema.json; a stale
schema would flag valid fields as errors or offer fields the program rejects.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema
import pytest

from twin_app.io.scenario_file import scenario_json_schema


def _make_schema_script(root: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_schema", root / "scripts" / "make_schema.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = scenario_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_shipped_schema_equals_the_generated_one(root: Path, schema_path: Path) -> None:
    expected = _make_schema_script(root).schema_text()
    assert schema_path.read_text(encoding="utf-8") == expected, "stale: run python scripts/make_schema.py"


def test_make_schema_check_mode_reports_up_to_date(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _make_schema_script(root).main(["--check"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_schema_validates_tiny(tiny_source: dict[str, Any], validator: jsonschema.protocols.Validator) -> None:
    assert list(validator.iter_errors(tiny_source)) == []


def test_schema_validates_sample(sample_path: Path, validator: jsonschema.protocols.Validator) -> None:
    data = json.loads(sample_path.read_text(encoding="utf-8"))
    assert [error.message for error in validator.iter_errors(data)] == []


def test_schema_allows_the_schema_key(tiny_source: dict[str, Any], validator: jsonschema.protocols.Validator) -> None:
    assert validator.is_valid({"$schema": "../assets/scenario.schema.json", **tiny_source})


def test_schema_flags_what_editors_should_underline(
    tiny_source: dict[str, Any], validator: jsonschema.protocols.Validator
) -> None:
    broken = json.loads(json.dumps(tiny_source))
    broken["machines"][0]["sped"] = 2
    broken["machines"][1]["capabilities"][0]["time"] = {"dist": "exponential", "mean": 4, "sd": 1}
    broken["platform"]["mode"] = "shove"
    paths = {tuple(error.absolute_path) for error in validator.iter_errors(broken)}
    assert ("machines", 0) in paths
    assert ("machines", 1, "capabilities", 0, "time") in paths
    assert ("platform", "mode") in paths


def test_schema_describes_fields_for_autocompletion() -> None:
    """Hovering a field in an editor shows what it means (taken from the model's notes)."""
    schema = scenario_json_schema()
    machine = schema["$defs"]["Machine"]["properties"]
    assert "divided by the speed" in machine["speed"]["description"]
    assert machine["setup_default"] == {
        "$ref": "#/$defs/Time",
        "default": 0.0,
        "description": machine["setup_default"]["description"],
    }
    assert "exponential" in json.dumps(schema["$defs"]["Time"])
