"""Shared fixtures. Qt runs offscreen in every test (set before anything imports Qt)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# `pytest --hypothesis-profile=soak` (e.g. on tests/cli/test_fuzz_scenarios.py): 10,000 random
# examples per property that does not fix its own count (README, "Fuzzing").
settings.register_profile("soak", max_examples=10_000, deadline=None)

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SAMPLES = ROOT / "sample_networks"
BENCHMARKS = DATA / "benchmarks"


@pytest.fixture
def tiny_path() -> Path:
    """A small hand-written scenario that uses nearly every feature of the format."""
    return DATA / "tiny.json"


@pytest.fixture
def tiny(tiny_path: Path):
    from twin_app.io.scenario_file import load_scenario

    return load_scenario(tiny_path)
