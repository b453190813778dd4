"""Fixtures of the scenario-file tests: the tiny scenario as editable JSON data, the sample
networks, and a helper that loads a (broken) scenario written to a temporary folder."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from twin_app.errors import Problem, ScenarioError
from twin_app.io.scenario_file import load_scenario

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "tests" / "data" / "tiny.json"
SAMPLES = ROOT / "sample_networks"
SCHEMA = ROOT / "assets" / "scenario.schema.json"


def sample_files() -> list[Path]:
    """Every sample network shipped with the program (whatever exists right now)."""
    return sorted(SAMPLES.glob("*.json"))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrise ``sample_path`` over the sample networks, one test per file."""
    if "sample_path" in metafunc.fixturenames:
        files = sample_files()
        metafunc.parametrize("sample_path", files, ids=[path.name for path in files])


@pytest.fixture(scope="session")
def tiny_source() -> dict[str, Any]:
    """tests/data/tiny.json parsed once; never mutate it (use ``tiny_data`` or a deep copy)."""
    return json.loads(TINY.read_text(encoding="utf-8"))


@pytest.fixture
def tiny_data(tiny_source: dict[str, Any]) -> dict[str, Any]:
    """A fresh, editable copy of the tiny scenario's JSON data."""
    return copy.deepcopy(tiny_source)


@pytest.fixture
def schema_path() -> Path:
    """The shipped JSON Schema of scenario files."""
    return SCHEMA


@pytest.fixture
def root() -> Path:
    """The repository root."""
    return ROOT


LoadProblems = Callable[..., tuple[Problem, ...]]


@pytest.fixture
def load_problems(tmp_path: Path) -> LoadProblems:
    """Write a scenario (JSON data or raw text) and extra files to a temporary folder, load it
    like a user's file, and return the problems of the ScenarioError it must raise."""

    def load(content: Any, files: dict[str, str] | None = None) -> tuple[Problem, ...]:
        for name, text in (files or {}).items():
            (tmp_path / name).write_text(text, encoding="utf-8")
        path = tmp_path / "scenario.json"
        text = content if isinstance(content, str) else json.dumps(content, indent=2)
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ScenarioError) as caught:
            load_scenario(path)
        assert caught.value.source == str(path)
        assert caught.value.problems, "a ScenarioError must list at least one problem"
        return caught.value.problems

    return load
