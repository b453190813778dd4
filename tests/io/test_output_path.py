"""Every output path a user can type gets a clear answer, and a write never leaves half a file."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from twin_app.io.output_path import OutputPathError, check_output_path, open_output, write_output


@pytest.mark.parametrize("name", ["", "   "])
def test_an_empty_name_is_refused(name: str) -> None:
    with pytest.raises(OutputPathError, match=r"-o: the file name is empty"):
        check_output_path(name, "-o")


def test_a_folder_is_refused_with_a_file_name_to_use(tmp_path: Path) -> None:
    with pytest.raises(OutputPathError, match=r"is a folder; give a file name inside it"):
        check_output_path(tmp_path, "-o")


def test_a_path_under_a_file_names_the_file_in_the_way(tmp_path: Path) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_text("mine")
    with pytest.raises(OutputPathError, match=r"notes.txt is a file, not a folder"):
        check_output_path(blocker / "deeper" / "out.json", "-o")
    assert blocker.read_text() == "mine"


def test_a_read_only_file_is_left_alone(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("keep me")
    target.chmod(0o444)
    with pytest.raises(OutputPathError, match=r"read-only; give another name, or make it writable"):
        write_output(target, "new", "-o")
    assert target.read_text() == "keep me"


def test_a_nul_byte_is_refused() -> None:
    with pytest.raises(OutputPathError, match=r"NUL byte"):
        check_output_path("out\0.json", "-o")


def test_missing_folders_are_created(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "out.json"
    assert write_output(target, "{}", "-o") == target
    assert target.read_text() == "{}"


def test_a_symlink_stays_a_link_and_its_target_gets_the_content(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_output(link, "new", "-o")
    assert link.is_symlink()
    assert real.read_text() == "new"


def test_a_fifo_is_written_into_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    write_output(fifo, b"hello", "-o")
    reader.join(timeout=10)
    assert received == [b"hello"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_database_cannot_be_a_pipe(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OutputPathError, match=r"--db .*is a pipe or device"):
        check_output_path(fifo, "--db", streams=False)


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old")
    with pytest.raises(RuntimeError), open_output(target, "--csv", newline="") as stream:
        stream.write("half")
        raise RuntimeError("the exporter failed")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_a_replaced_file_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")
    target.chmod(0o640)
    write_output(target, "new", "-o")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert target.read_text() == "new"
