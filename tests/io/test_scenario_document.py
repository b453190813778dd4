"""The editor's document: a hand-written file survives load and save unchanged, edits by path
change only their field, problems come with the CLI's words at their place, and a CSV order
book stays a link."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from twin_app.cli import main
from twin_app.io.json_path import positions, with_ids
from twin_app.io.scenario_document import MISSING, ScenarioDocument
from twin_app.io.scenario_file import load_scenario


def test_every_sample_saves_back_to_the_same_bytes(sample_path: Path, tmp_path: Path) -> None:
    document = ScenarioDocument.load(sample_path)
    assert document.validate().ok, document.validate().report()
    target = tmp_path / sample_path.name
    document.save(target)
    assert target.read_bytes() == sample_path.read_bytes()


def test_an_edit_by_id_changes_that_field_only(tiny_path: Path, tmp_path: Path) -> None:
    copy = tmp_path / "tiny.json"
    shutil.copy(tiny_path, copy)
    document = ScenarioDocument.load(copy)
    assert document.set("machines[A-asm].capacity", 3) == MISSING  # tiny leaves it at its default
    assert document.set("machines[A-mill].cost.idle", 0.75) == 0.5
    document.save()

    before, after = load_scenario(tiny_path), load_scenario(copy)
    machines = list(before.machines)
    machines[0] = dataclasses.replace(machines[0], cost=dataclasses.replace(machines[0].cost, idle=0.75))
    machines[1] = dataclasses.replace(machines[1], capacity=3)
    assert after == dataclasses.replace(before, machines=tuple(machines))
    original, saved = json.loads(tiny_path.read_text()), json.loads(copy.read_text())
    assert list(saved) == list(original)  # the user's key order
    assert list(saved["machines"][1]) == [*original["machines"][1], "capacity"]  # new fields go last
    assert [list(m) for m in saved["machines"]][::2] == [list(m) for m in original["machines"]][::2]


def test_removing_and_inserting_give_back_what_undo_needs(tiny_path: Path) -> None:
    document = ScenarioDocument.load(tiny_path)
    original = json.loads(json.dumps(document.data))
    where = document.key_position("machines[A-mill].failures")
    assert document.set("machines[A-mill].failures", MISSING)["mtbf"]["mean"] == 600
    assert document.get("machines[A-mill].failures") is MISSING
    removed = document.remove("machines", 1)
    assert removed["id"] == "A-asm"
    assert any("assemble" in p.message for p in document.validate().problems)  # nothing else assembles
    document.insert("machines", 1, removed)
    document.set("machines[A-mill].failures", original["machines"][0]["failures"], at=where)
    assert json.dumps(document.data) == json.dumps(original)
    assert document.validate().ok


def test_a_bad_value_is_reported_at_its_place_with_the_cli_message(
    tiny_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = ScenarioDocument.load(tiny_path)
    document.set("machines[B-cell].speed", -1)
    document.set("lanes[0].vehicles", "two")
    validation = document.validate()
    assert not validation.ok and validation.scenario is None
    assert set(validation.by_place) == {"machines[2].speed", "lanes[0].vehicles"}

    document.save(tmp_path / "bad.json")  # the document writes what it holds; the editor asks first
    assert main(["validate", str(tmp_path / "bad.json")]) != 0
    printed = capsys.readouterr()
    for problems in validation.by_place.values():
        assert str(problems[0]) in printed.out + printed.err
    assert "must be a whole number" in str(validation.by_place["lanes[0].vehicles"][0])


def test_an_order_book_stays_a_link_and_its_orders_are_validated(tiny_path: Path, tmp_path: Path) -> None:
    data: dict[str, Any] = json.loads(tiny_path.read_text())
    data["demand"]["order_book"] = "orders.csv"
    (tmp_path / "orders.csv").write_text("id,customer,product,quantity,release\nX-1,shop,kit,2,5\n")
    path = tmp_path / "with_book.json"
    path.write_text(json.dumps(data, indent=2) + "\n")

    document = ScenarioDocument.load(path)
    scenario = document.validate().scenario
    assert scenario is not None and scenario.demand.orders[-1].id == "X-1"  # the book was read
    document.set("run.seed", 9)
    document.save()
    saved = json.loads(path.read_text())
    assert saved["demand"]["order_book"] == "orders.csv"
    assert saved["demand"]["orders"] == data["demand"]["orders"]  # the book's orders not inlined
    assert load_scenario(path).run.seed == 9

    (tmp_path / "orders.csv").write_text("id,customer,product,quantity,release\nX-1,shop,kitt,2,5\n")
    document.set("run.seed", 10)  # a new revision: checked again, with the book as it is now
    assert any("kitt" in p.message for p in document.validate().problems)


def test_positions_and_ids_name_the_same_place(tiny_path: Path) -> None:
    data = ScenarioDocument.load(tiny_path).data
    assert positions(data, "machines[B-cell].failures.mtbf") == "machines[2].failures.mtbf"
    assert with_ids(data, "machines[2].failures.mtbf") == "machines[B-cell].failures.mtbf"
    stream = data["demand"]["streams"][0]
    name = stream.get("id", stream["customer"])
    assert with_ids(data, "demand.streams[0].interarrival") == f"demand.streams[{name}].interarrival"


def test_a_file_that_is_not_json_cannot_be_a_document(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"format_version": 2,\n  "owners": [}\n')
    from twin_app.errors import ScenarioError

    with pytest.raises(ScenarioError) as caught:
        ScenarioDocument.load(path)
    assert caught.value.problems[0].place.startswith("line 2")
