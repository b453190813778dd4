"""``twin-app validate``: the headless way to check scenario files before a run.

A planner runs it on a file they edited: a good file gets a one-line summary, a bad one the
numbered list of every problem and a failing exit code (so scripts and CI stop), and never a
Python traceback.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from twin_app.cli import main


def test_valid_file_prints_summary_and_exits_zero(tiny_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tiny_path)]) == 0
    out = capsys.readouterr().out
    assert out.strip() == (f"{tiny_path}: ok: 3 owners, 2 sites, 3 machines, 2 lanes, 3 products")


def test_bad_file_prints_numbered_problems_and_exits_one(
    tiny_source: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(json.dumps(tiny_source))
    data["sites"][0]["owner"] = "acmee"
    data["run"]["warmup"] = 5000
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    assert main(["validate", str(bad)]) == 1
    out = capsys.readouterr().out
    assert f"{bad}: 2 problems:" in out
    assert "  1. sites[0].owner: unknown owner 'acmee' (did you mean 'acme'?)" in out
    assert "  2. run.warmup: warm-up 5000 must be shorter than horizon 2880" in out


def test_several_files_are_all_checked(tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    assert main(["validate", str(bad), str(tiny_path)]) == 1
    out = capsys.readouterr().out
    assert "line 1, column 2: invalid JSON" in out
    assert f"{tiny_path}: ok:" in out


def test_missing_file_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.json"
    assert main(["validate", str(missing)]) == 1
    assert f"{missing}: 1 problem:\n  1. file not found (check the path)" in capsys.readouterr().out


def test_command_line_never_shows_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format_version": 1, "owners": "acme", "speed": NaN}', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "twin_app.cli", "validate", str(bad)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    assert "owners: must be a list" in result.stdout
    assert "speed: NaN is not a number JSON allows" in result.stdout
