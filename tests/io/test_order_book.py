"""CSV order books: what a planner exports from a spreadsheet becomes the scenario's orders.

Reading must accept what spreadsheets write (any column order, capitalised headers, a
byte-order mark, semicolons, empty optional cells) and reject every bad cell by line and
column; writing must give a file that reads back to the same orders.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from twin_app.errors import ScenarioError
from twin_app.io.order_book import read_order_book, write_order_book
from twin_app.model.scenario import OrderSpec, Scenario


def _write(tmp_path: Path, text: str, name: str = "orders.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def _problems(scenario: Scenario, path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        read_order_book(scenario, path)
    assert caught.value.source == str(path)
    return [str(problem) for problem in caught.value.problems]


def test_orders_are_appended_after_the_scenario_orders(tiny: Scenario, tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "id,customer,product,quantity,release,due,price\nA-1,shop,kit,2,0,300,240\nA-2,shop,frame,1,15.5,,\n",
    )
    scenario = read_order_book(tiny, path)
    assert scenario.demand.orders == (
        tiny.demand.orders[0],
        OrderSpec("A-1", "shop", "kit", 2, 0.0, 300.0, 240.0),
        OrderSpec("A-2", "shop", "frame", 1, 15.5, None, 0.0),
    )
    assert scenario.machines == tiny.machines and scenario.demand.streams == tiny.demand.streams


def test_spreadsheet_exports_are_read(tiny: Scenario, tmp_path: Path) -> None:
    """Excel: byte-order mark, ';' separators, capitalised headers, columns reordered, no due/price."""
    path = _write(
        tmp_path, "Release; Quantity ;ID;Customer;Product\r\n\r\n5;3;X-9;shop;cover\r\n", encoding="utf-8-sig"
    )
    orders = read_order_book(tiny, path).demand.orders[1:]
    assert orders == (OrderSpec("X-9", "shop", "cover", 3, 5.0, None, 0.0),)


def test_every_bad_cell_is_reported_with_line_and_column(tiny: Scenario, tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "id,customer,product,quantity,release,due,price\n"
        "ok-1,shop,kit,1,0,,\n"
        ",shp,kti,x,-1,,\n"
        "b,shop,kit,1.5,nan,10,-1\n",
    )
    problems = _problems(tiny, path)
    assert problems == [
        "orders.csv line 3, column 'id': empty (write the order id)",
        "orders.csv line 3, column 'customer': unknown customer 'shp' (did you mean 'shop'?)",
        "orders.csv line 3, column 'product': unknown product 'kti' (did you mean 'kit'?)",
        "orders.csv line 3, column 'quantity': 'x' is not a number (write a number, e.g. 12.5)",
        "orders.csv line 3, column 'release': must be >= 0, got -1 (change the value)",
        "orders.csv line 4, column 'quantity': '1.5' is not a whole number (write a whole number, e.g. 3)",
        "orders.csv line 4, column 'release': 'nan' is not a finite number (write a number, e.g. 12.5)",
        "orders.csv line 4, column 'price': must be >= 0, got -1 (change the value)",
    ]


def test_empty_file_and_missing_header_are_reported(tiny: Scenario, tmp_path: Path) -> None:
    assert _problems(tiny, _write(tmp_path, "\n\n")) == [
        "orders.csv line 1: the order book is empty (add a header row: id, customer, product, quantity, release, "
        "due, price)"
    ]
    problems = _problems(tiny, _write(tmp_path, "a-1,shop,kit,1,0\n"))
    assert any("missing columns 'id', 'customer', 'product', 'quantity', 'release'" in p for p in problems)


def test_repeated_column_is_reported(tiny: Scenario, tmp_path: Path) -> None:
    problems = _problems(tiny, _write(tmp_path, "id,customer,product,quantity,release,id\na,shop,kit,1,0,b\n"))
    assert problems == ["orders.csv line 1, column 'id': column appears twice (keep one of them)"]


def test_missing_file_names_the_order_book_setting(tiny: Scenario, tmp_path: Path) -> None:
    problems = _problems(tiny, tmp_path / "gone.csv")
    assert len(problems) == 1
    assert problems[0].startswith("demand.order_book: order book ")
    assert "relative to the scenario file" in problems[0]


def test_written_book_reads_back_to_the_same_orders(tiny: Scenario, tmp_path: Path) -> None:
    orders = (
        OrderSpec("n-1", "shop", "kit", 2, 0.0, None, 0.0),
        OrderSpec("n-2", "shop", "frame", 7, 12.25, 99.125, 1234.5),
        OrderSpec('odd, "quoted" id', "shop", "cover", 1, 1 / 3, 2 / 3, 0.1),
    )
    path = tmp_path / "export.csv"
    write_order_book(orders, path)
    assert path.read_text(encoding="utf-8").splitlines()[:2] == [
        "id,customer,product,quantity,release,due,price",
        "n-1,shop,kit,2,0,,0",
    ]
    assert read_order_book(tiny, path).demand.orders[1:] == orders


def test_export_of_the_scenario_orders_reads_back_into_an_empty_demand(tiny: Scenario, tmp_path: Path) -> None:
    from dataclasses import replace

    path = tmp_path / "book.csv"
    write_order_book(tiny.demand.orders, path)
    without_orders = replace(tiny, demand=replace(tiny.demand, orders=()))
    assert read_order_book(without_orders, path) == tiny


def test_ids_that_would_start_a_spreadsheet_formula_are_written_as_text(tiny: Scenario, tmp_path: Path) -> None:
    orders = tuple(
        OrderSpec(order_id, "shop", "kit", 1, 0.0, None, 0.0)
        for order_id in ('=HYPERLINK("http://x","y")', "+1+cmd|' /C calc'!A0", "-2", "@SUM(A1)", "'plain")
    )
    path = tmp_path / "export.csv"
    write_order_book(orders, path)
    cells = [line.split(",")[0] for line in path.read_text(encoding="utf-8").splitlines()[1:]]
    assert all(not cell.lstrip('"').startswith(("=", "+", "-", "@")) for cell in cells)
    assert read_order_book(tiny, path).demand.orders[1:] == orders
