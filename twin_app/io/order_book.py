"""Order books: explicit orders in a CSV file a planner keeps in a spreadsheet.

A scenario names the file in ``demand.order_book`` (relative to the scenario file); the
reader appends its orders to ``demand.orders``. The file has a header row naming the columns
``id, customer, product, quantity, release, due, price`` in any order (``due`` and ``price``
may be left out, or left empty in a row). Column names are matched without regard to case
or surrounding spaces; a file saved by a spreadsheet with a byte-order mark, or with ``;``
or tab as the separator, is read too.

Every bad row or cell is reported with the file, line and column
(``orders.csv line 5, column 'quantity'``), all of them at once, so a planner can fix the
whole sheet in one go.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
from collections.abc import Iterable, Sequence
from pathlib import Path

from twin_app.errors import Problem, ScenarioError
from twin_app.io.csv_cells import safe_cell, unescape_cell
from twin_app.io.input_file import InputFileError, read_input_text
from twin_app.io.output_path import write_output
from twin_app.model.scenario import OrderSpec, Scenario
from twin_app.model.suggest import did_you_mean

COLUMNS: tuple[str, ...] = ("id", "customer", "product", "quantity", "release", "due", "price")
"""The columns of an order book, in the order :func:`write_order_book` writes them."""
REQUIRED: tuple[str, ...] = ("id", "customer", "product", "quantity", "release")
"""Columns a book must have; ``due`` and ``price`` are optional."""


def read_order_book(scenario: Scenario, path: Path) -> Scenario:
    """``scenario`` with the orders of the CSV file at ``path`` appended to ``demand.orders``.

    Customers and products must exist in ``scenario``; order ids must be unique across the
    book and the scenario's own orders. Raises ScenarioError listing every problem.
    """
    path = Path(path)
    try:
        text = read_input_text(path, encoding="utf-8-sig")
    except FileNotFoundError:
        problem = Problem(
            "demand.order_book",
            f"order book {str(path)!r} not found",
            "the path is relative to the scenario file; check the name and folder",
        )
        raise ScenarioError(str(path), [problem]) from None
    except InputFileError as error:
        raise ScenarioError(str(path), [Problem("demand.order_book", f"the order book {error}")]) from None
    orders, problems = _parse(text, path.name, scenario)
    if problems:
        raise ScenarioError(str(path), problems)
    demand = dataclasses.replace(scenario.demand, orders=(*scenario.demand.orders, *orders))
    return dataclasses.replace(scenario, demand=demand)


def write_order_book(orders: Iterable[OrderSpec], path: Path) -> None:
    """Write ``orders`` as a CSV order book that :func:`read_order_book` reads back equal.

    Written atomically (a crash never leaves half a file); an order without a due date gets
    an empty ``due`` cell; an id that would start a spreadsheet formula gets an apostrophe
    in front (see :mod:`twin_app.io.csv_cells`), which the reader takes off.
    """
    path = Path(path)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for order in orders:
        writer.writerow(
            [
                safe_cell(order.id),
                safe_cell(order.customer),
                safe_cell(order.product),
                order.quantity,
                _number(order.release),
                "" if order.due is None else _number(order.due),
                _number(order.price),
            ]
        )
    write_output(path, buffer.getvalue(), "order book")


def _number(value: float) -> str:
    """Shortest text that reads back as exactly ``value`` (``10`` rather than ``10.0``)."""
    return str(int(value)) if float(value).is_integer() and abs(value) < 2**53 else repr(float(value))


def _cell(value: str) -> str:
    """A cell quoted for a message, cut short: a message shows the offending cell, no more."""
    return repr(value if len(value) <= 40 else value[:37] + "...")


def _delimiter(header_line: str) -> str:
    """The separator a spreadsheet used: the most frequent of comma, semicolon and tab."""
    return max((",", ";", "\t"), key=header_line.count)


def _parse(text: str, name: str, scenario: Scenario) -> tuple[list[OrderSpec], list[Problem]]:
    """The orders written in ``text`` (the file ``name``) and the problems of its rows."""
    problems: list[Problem] = []
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    if not first:
        problems.append(Problem(f"{name} line 1", "the order book is empty", "add a header row: " + ", ".join(COLUMNS)))
        return [], problems
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(first))
    header: list[str] | None = None
    columns: dict[str, int] = {}
    orders: list[OrderSpec] = []
    first_line_of: dict[str, int] = {order.id: 0 for order in scenario.demand.orders}
    customers = sorted(customer.id for customer in scenario.customers)
    products = sorted(product.id for product in scenario.products)
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if header is None:
                header = [cell.strip().lower() for cell in row]
                columns = _read_header(header, f"{name} line {line}", problems)
                if any(column not in columns for column in REQUIRED):
                    return [], problems  # rows cannot be read without knowing their columns
                continue
            order = _read_row(row, header, columns, name, line, customers, products, problems)
            if order is None:
                continue
            if order.id in first_line_of:
                seen = first_line_of[order.id]
                where = "in the scenario's demand.orders" if seen == 0 else f"on line {seen}"
                problems.append(
                    Problem(
                        f"{name} line {line}, column 'id'",
                        f"duplicate order id {order.id!r} (also {where})",
                        "give each order its own id",
                    )
                )
                continue
            first_line_of[order.id] = line
            orders.append(order)
    except csv.Error as error:
        problems.append(Problem(f"{name} line {reader.line_num}", f"not valid CSV: {error}", "fix the quoting there"))
    return orders, problems


def _read_header(header: Sequence[str], where: str, problems: list[Problem]) -> dict[str, int]:
    """Column name -> index, reporting unknown, repeated and missing columns.

    A first line that names no column at all is not quoted back: the file is probably not an
    order book, and its content is nobody's business in an error message.
    """
    columns: dict[str, int] = {}
    if not any(column in COLUMNS for column in header):
        problems.append(
            Problem(
                where,
                "missing columns " + ", ".join(repr(m) for m in REQUIRED) + ": the first row is not a header row",
                "add a header row naming "
                + ", ".join(REQUIRED)
                + " (due and price are optional), and check that demand.order_book names the order book",
            )
        )
        return columns
    for index, column in enumerate(header):
        if column in columns:
            problems.append(Problem(f"{where}, column {_cell(column)}", "column appears twice", "keep one of them"))
        elif column in COLUMNS:
            columns[column] = index
        else:
            hint = did_you_mean(column, COLUMNS).removeprefix("; ")
            problems.append(
                Problem(
                    f"{where}, column {_cell(column)}",
                    "unknown column",
                    hint or "the columns are " + ", ".join(COLUMNS),
                )
            )
    missing = [column for column in REQUIRED if column not in columns]
    if missing:
        problems.append(
            Problem(
                where,
                "missing column" + ("s " if len(missing) > 1 else " ") + ", ".join(repr(m) for m in missing),
                "the header row must name " + ", ".join(REQUIRED) + " (due and price are optional)",
            )
        )
    return columns


def _read_row(
    row: Sequence[str],
    header: Sequence[str],
    columns: dict[str, int],
    name: str,
    line: int,
    customers: Sequence[str],
    products: Sequence[str],
    problems: list[Problem],
) -> OrderSpec | None:
    """The order on one line, or None after reporting each bad cell of it."""
    if len(row) != len(header):
        problems.append(
            Problem(
                f"{name} line {line}",
                f"has {len(row)} cells but the header has {len(header)}",
                "check for a missing or extra separator; put a cell with a decimal comma in quotes",
            )
        )
        return None
    cells = {column: unescape_cell(row[index].strip()) for column, index in columns.items()}
    before = len(problems)

    def at(column: str) -> str:
        return f"{name} line {line}, column {column!r}"

    def text(column: str, known: Sequence[str] | None, what: str) -> str:
        value = cells[column]
        if not value:
            problems.append(Problem(at(column), "empty", f"write the {what} id"))
        elif known is not None and value not in known:
            hint = did_you_mean(value, known).removeprefix("; ")
            problems.append(
                Problem(at(column), f"unknown {what} {_cell(value)}", hint or f"use one of the scenario's {what}s")
            )
        return value

    def number(column: str, whole: bool = False) -> float | None:
        value = cells.get(column, "")
        if not value:
            return None
        try:
            parsed = float(value)
        except ValueError:
            hint = "use a point as the decimal separator" if "," in value else "write a number, e.g. 12.5"
            problems.append(Problem(at(column), f"{_cell(value)} is not a number", hint))
            return None
        if not math.isfinite(parsed):
            problems.append(Problem(at(column), f"{_cell(value)} is not a finite number", "write a number, e.g. 12.5"))
            return None
        if whole and not parsed.is_integer():
            problems.append(
                Problem(at(column), f"{_cell(value)} is not a whole number", "write a whole number, e.g. 3")
            )
            return None
        return parsed

    order_id = text("id", None, "order")
    customer = text("customer", customers, "customer")
    product = text("product", products, "product")
    quantity = number("quantity", whole=True)
    release = number("release")
    due = number("due")
    price = number("price")
    if quantity is None and not cells["quantity"]:
        problems.append(Problem(at("quantity"), "empty", "write how many units, e.g. 1"))
    elif quantity is not None and quantity < 1:
        problems.append(Problem(at("quantity"), f"must be at least 1, got {cells['quantity']}", "change the value"))
    if release is None and not cells["release"]:
        problems.append(Problem(at("release"), "empty", "write the release time, e.g. 0"))
    elif release is not None and release < 0:
        problems.append(Problem(at("release"), f"must be >= 0, got {cells['release']}", "change the value"))
    if price is not None and price < 0:
        problems.append(Problem(at("price"), f"must be >= 0, got {cells['price']}", "change the value"))
    if due is not None and release is not None and due < release:
        problems.append(Problem(at("due"), f"due {due:g} is before release {release:g}", "set due >= release"))
    if len(problems) > before or quantity is None or release is None:
        return None
    return OrderSpec(
        id=order_id,
        customer=customer,
        product=product,
        quantity=int(quantity),
        release=release,
        due=due,
        price=0.0 if price is None else price,
    )
