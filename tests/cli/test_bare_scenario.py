"""`twin-app FILE.json`: a scenario file alone opens the desktop app on it (as `twin-app gui
FILE.json`), or with no display runs it headless (as `twin-app` alone does the demo); the
commands and their errors are as they were."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from twin_app import cli


@pytest.fixture(autouse=True)
def private_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs store results in the user data folder by default: keep the tests out of the real one."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


def test_a_scenario_file_alone_opens_the_app_on_it(tiny_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import twin_app.gui.app

    opened: list[Path | None] = []
    monkeypatch.setattr(cli, "_has_display", lambda: True)
    monkeypatch.setattr(cli, "_gui_problem", lambda: None)
    monkeypatch.setattr(twin_app.gui.app, "run_app", lambda path=None: opened.append(path) or 0)
    assert cli.main([str(tiny_path)]) == 0
    assert opened == [tiny_path]
    assert cli.main([]) == 0  # no file: the demo, as before
    assert opened[-1] is None


def test_without_a_display_a_scenario_file_alone_runs_headless(
    tiny_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert cli.main([str(tiny_path)]) == 0
    captured = capsys.readouterr()
    assert f"No display found: running {tiny_path} headless" in captured.err
    assert "Orders completed" in captured.out


def test_a_bare_file_that_is_not_json_is_a_message_not_a_traceback(tmp_path: Path, tiny_path: Path) -> None:
    truncated = tmp_path / "trunc.json"
    text = tiny_path.read_text(encoding="utf-8")
    truncated.write_text(text[: len(text) // 2], encoding="utf-8")
    environment = {"PATH": "/usr/bin:/bin", "XDG_DATA_HOME": str(tmp_path / "data"), "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "twin_app.cli", str(truncated)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert "No display found: running" in done.stderr and "invalid JSON" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert "invalid choice" not in done.stderr


def test_the_commands_and_a_mistyped_command_are_as_before(tiny_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["validate", str(tiny_path)]) == 0
    assert "ok:" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exited:
        cli.main(["valdate"])  # not a file: argparse lists the commands
    assert exited.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main([str(tiny_path), "--seed", "3"])  # a file alone only: options go with a command
