"""What a user can type or a stranger's scenario can hold never hangs the CLI, prints a
traceback, reads files it should not, or writes raw control characters to the terminal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from twin_app import cli


@pytest.fixture(autouse=True)
def private_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs store results in the user data folder by default: keep the tests out of the real one."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        ("--until", "nan", "not a finite number"),
        ("--until", "inf", "not a finite number"),
        ("--until", "-5", "must be > 0"),
        ("--until", "1e12", "MAX_TIME"),
        ("--seed", "-1", "must be from 0"),
        ("--seed", str(2**63), "MAX_SEED"),
        ("--replications", "0", "must be from 1"),
        ("--replications", "1000000", "MAX_REPLICATIONS"),
    ],
)
def test_impossible_run_options_are_refused_before_running(
    option: str, value: str, words: str, tiny_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main(["run", str(tiny_path), option, value, "--no-db"])
    assert caught.value.code == 2
    error = capsys.readouterr().err
    assert f"argument {option}: " in error and words in error


def test_a_horizon_that_releases_too_many_orders_is_refused(
    tiny_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["run", str(tiny_path), "--until", "1e9", "--no-db"]) == 2
    error = capsys.readouterr().err
    assert "with --until 1e+09" in error and "demand.streams[0].interarrival" in error
    assert "MAX_EXPECTED_ORDERS" in error


def test_names_cannot_send_escape_codes_to_the_terminal(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(tiny_path.read_text(encoding="utf-8"))
    data["name"] = "\x1b[2J\x1b[31mred\u202e"
    path = tmp_path / "escapes.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert cli.main(["run", str(path), "--until", "300", "--no-db"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out
    assert "\\x1b[31mred\\u202e" in out


def test_an_order_book_outside_the_scenario_folder_needs_the_flag(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "orders.csv").write_text(
        "id,customer,product,quantity,release\nb-1,shop,kit,1,0\n", encoding="utf-8"
    )
    folder = tmp_path / "scenario"
    folder.mkdir()
    data = json.loads(tiny_path.read_text(encoding="utf-8"))
    data["demand"]["order_book"] = "../shared/orders.csv"
    path = folder / "scenario.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert cli.main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert 'demand.order_book: the order book "../shared/orders.csv" is outside the scenario\'s folder' in out
    assert "--allow-outside-files" in out
    assert cli.main(["validate", str(path), "--allow-outside-files"]) == 0


def test_a_file_named_as_order_book_is_not_quoted_back(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "secrets.txt").write_text("TOPSECRET:x:0:0:/bin/bash\nalice:hunter2\n", encoding="utf-8")
    data = json.loads(tiny_path.read_text(encoding="utf-8"))
    data["demand"]["order_book"] = "secrets.txt"
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert cli.main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "not a header row" in out
    assert "TOPSECRET" not in out and "hunter2" not in out


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_a_device_as_scenario_is_a_message(device: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["validate", device]) == 1
    assert "1 problem" in capsys.readouterr().out


def test_a_nul_byte_in_the_scenario_path_is_a_message(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["validate", "scen\0ario.json"]) == 1
    assert "NUL byte" in capsys.readouterr().out


def test_gui_without_a_display_says_so_instead_of_aborting(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(cli.sys, "platform", "linux")
    assert cli.main(["gui"]) == 2
    assert "no display found" in capsys.readouterr().err


def test_kpis_that_overflow_are_null_in_json(
    tiny_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from twin_app.experiments import runner

    original = runner.summarise

    def overflowing(results):  # type: ignore[no-untyped-def]
        kpis = original(results)
        kpis["cost"] = {"total": float("inf"), "per_order": float("nan")}
        return kpis

    monkeypatch.setattr(runner, "summarise", overflowing)
    assert cli.main(["run", str(tiny_path), "--until", "300", "--no-db", "--json"]) == 0
    kpis = json.loads(capsys.readouterr().out)
    assert kpis["cost"] == {"total": None, "per_order": None}
