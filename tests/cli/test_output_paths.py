"""Where the commands write: a path that cannot be written is one line saying so, before any work."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from twin_app import cli

ROOT = Path(__file__).resolve().parents[2]
FT06 = ROOT / "tests" / "data" / "benchmarks" / "jssp" / "ft06.txt"


def _blocked_paths(tmp_path: Path) -> dict[str, tuple[str, str]]:
    """Output paths a user might type that cannot be written, and the words of the answer."""
    read_only = tmp_path / "read_only.out"
    read_only.write_text("keep")
    read_only.chmod(0o444)
    a_file = tmp_path / "a_file"
    a_file.write_text("keep")
    return {
        "empty": ("", "the file name is empty"),
        "folder": (str(tmp_path), "is a folder"),
        "read-only": (str(read_only), "read-only"),
        "under a file": (str(a_file / "out"), "is a file, not a folder"),
    }


@pytest.mark.parametrize("case", ["empty", "folder", "read-only", "under a file"])
def test_import_to_a_path_it_cannot_write_says_why(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output, words = _blocked_paths(tmp_path)[case]
    assert cli.main(["import", "jssp", str(FT06), "-o", output]) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: -o") and words in error
    assert "Traceback" not in error
    assert (tmp_path / "read_only.out").read_text() == "keep"


@pytest.mark.parametrize("case", ["empty", "folder", "read-only", "under a file"])
def test_run_with_a_database_it_cannot_write_says_why(
    case: str, tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output, words = _blocked_paths(tmp_path)[case]
    assert cli.main(["run", str(tiny_path), "--until", "300", "--db", output]) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: --db") and words in error


def test_import_creates_missing_folders_and_keeps_a_symlink(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    real = tmp_path / "deep" / "er" / "ft06.json"
    assert cli.main(["import", "jssp", str(FT06), "-o", str(real)]) == 0
    link = tmp_path / "link.json"
    link.symlink_to(real)
    real.write_text("old")
    assert cli.main(["import", "jssp", str(FT06), "-o", str(link)]) == 0
    assert link.is_symlink()
    assert cli.main(["validate", str(real)]) == 0
    assert "6 machines" in capsys.readouterr().out


def test_a_database_cannot_be_a_fifo(tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "results.sqlite"
    os.mkfifo(fifo)
    assert cli.main(["run", str(tiny_path), "--until", "300", "--db", str(fifo)]) == 2
    assert "is a pipe or device" in capsys.readouterr().err


@pytest.mark.parametrize("case", ["empty", "folder", "read-only", "under a file"])
def test_capture_checks_its_output_before_running(
    case: str, tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output, words = _blocked_paths(tmp_path)[case]
    assert cli.main(["capture", str(tiny_path), "--until", "300", "-o", output]) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: -o") and words in error
