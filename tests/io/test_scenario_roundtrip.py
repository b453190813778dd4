"""Saving a scenario and reading it back gives the same scenario.

Users open a sample, change it in the app and save; if writing lost or altered anything
(a distribution, a default, an order), the saved network would quietly differ from the one
they looked at.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from twin_app.io.scenario_file import (
    dumps_scenario,
    load_scenario,
    loads_scenario,
    save_scenario,
    scenario_from_data,
    scenario_to_data,
)
from twin_app.model.distributions import Erlang, Exponential, Lognormal, Normal, Triangular, Uniform
from twin_app.model.scenario import FORMAT_VERSION


def test_tiny_round_trips_through_text(tiny_path: Path) -> None:
    scenario = load_scenario(tiny_path)
    assert loads_scenario(dumps_scenario(scenario)) == scenario


def test_sample_round_trips_through_text(sample_path: Path) -> None:
    scenario = load_scenario(sample_path)
    again = loads_scenario(dumps_scenario(scenario), source=str(sample_path), base_dir=sample_path.parent)
    assert again == scenario


def test_there_are_sample_networks_to_open(root: Path) -> None:
    """The app opens a sample by default; an empty sample_networks/ folder is a broken install."""
    assert sorted((root / "sample_networks").glob("*.json")), "no sample networks in sample_networks/"


def test_save_then_load_from_disk_is_equal(tiny_path: Path, tmp_path: Path) -> None:
    scenario = load_scenario(tiny_path)
    target = tmp_path / "copy.json"
    save_scenario(scenario, target)
    assert load_scenario(target) == scenario
    assert not list(tmp_path.glob("*.tmp")), "the atomic save left its temporary file behind"


def test_written_file_keeps_what_the_user_wrote(tiny_path: Path) -> None:
    """Distributions stay in their file form; defaults are not spelled out; version first."""
    data = scenario_to_data(load_scenario(tiny_path))
    assert next(iter(data)) == "format_version"
    assert data["format_version"] == FORMAT_VERSION
    assert data["machines"][0]["capabilities"][0]["time"] == {"dist": "exponential", "mean": 6.0}
    assert data["machines"][1]["capabilities"][0]["time"] == 4.0
    assert data["demand"]["streams"][0]["quantity"] == {
        "dist": "empirical",
        "values": [1.0, 2.0, 5.0],
        "weights": [5.0, 3.0, 1.0],
    }
    assert "speed" not in data["machines"][0], "a default value was written out"


def test_every_distribution_kind_survives_a_round_trip(tiny_source: dict[str, Any]) -> None:
    data = json.loads(json.dumps(tiny_source))
    kinds = [
        ({"dist": "exponential", "mean": 5}, Exponential(5.0)),
        ({"dist": "uniform", "low": 1, "high": 2}, Uniform(1.0, 2.0)),
        ({"dist": "triangular", "low": 1, "mode": 2, "high": 4}, Triangular(1.0, 2.0, 4.0)),
        ({"dist": "normal", "mean": 5, "sd": 1}, Normal(5.0, 1.0)),
        ({"dist": "lognormal", "mean": 5, "sd": 1}, Lognormal(5.0, 1.0)),
        ({"dist": "erlang", "k": 3, "mean": 6}, Erlang(3.0, 6.0)),
    ]
    for form, expected in kinds:
        data["machines"][1]["capabilities"][0]["time"] = form
        scenario = scenario_from_data(data)
        assert scenario.machines[1].capabilities[0].time == expected
        assert loads_scenario(dumps_scenario(scenario)) == scenario


def test_order_book_orders_are_inlined_and_survive_saving(tiny_source: dict[str, Any], tmp_path: Path) -> None:
    """Orders read from a CSV become part of the scenario; the saved file is self-contained."""
    data = json.loads(json.dumps(tiny_source))
    data["demand"]["order_book"] = "books/orders.csv"
    (tmp_path / "books").mkdir()
    (tmp_path / "books" / "orders.csv").write_text(
        "id,customer,product,quantity,release,due,price\nb-1,shop,frame,4,30,400,99.5\n", encoding="utf-8"
    )
    (tmp_path / "scenario.json").write_text(json.dumps(data), encoding="utf-8")
    scenario = load_scenario(tmp_path / "scenario.json")
    assert [order.id for order in scenario.demand.orders] == ["rush-1", "b-1"]
    assert scenario.demand.order_book == ""
    saved = tmp_path / "elsewhere.json"
    save_scenario(scenario, saved)
    assert load_scenario(saved) == scenario


def test_schema_key_is_accepted_and_not_written_back(tiny_source: dict[str, Any]) -> None:
    data = {"$schema": "../assets/scenario.schema.json", **json.loads(json.dumps(tiny_source))}
    scenario = scenario_from_data(data)
    assert scenario == scenario_from_data(tiny_source)
    assert "$schema" not in scenario_to_data(scenario)
