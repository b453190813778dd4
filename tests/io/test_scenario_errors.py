"""Broken scenario files are reported at the right place with a useful message.

Each case breaks the tiny scenario the way people break hand-written files (or writes raw
text), loads it like a user's file, and checks that the ScenarioError names the expected
place and says something specific about it. A problem that points at the wrong place, or
only says "invalid", sends the user hunting through the file.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from twin_app.errors import Problem

Data = dict[str, Any]


@dataclass(frozen=True)
class Case:
    """One malformed file: how to make it, and the problem it must produce."""

    name: str
    build: Callable[[Data], Any]
    """Changes the tiny data in place and returns None, or returns the file content to use."""
    place: str
    fragment: str
    """Text that str(problem) must contain (message or hint)."""
    files: dict[str, str] = field(default_factory=dict)


def _set(path: str, value: Any) -> Callable[[Data], None]:
    """A mutation setting the value at a dotted path like 'machines.0.speed'."""

    def mutate(data: Data) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        node[int(last) if last.isdigit() else last] = value

    return mutate


def _drop(path: str) -> Callable[[Data], None]:
    """A mutation removing the key at a dotted path."""

    def mutate(data: Data) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        del node[last]

    return mutate


def _raw_number(path: str, literal: str) -> Callable[[Data], str]:
    """File text with the value at ``path`` written as a raw literal (NaN, Infinity, 1e400)."""

    def build(data: Data) -> str:
        _set(path, "@@MARK@@")(data)
        return json.dumps(data, indent=2).replace('"@@MARK@@"', literal)

    return build


def _both(*mutations: Callable[[Data], Any]) -> Callable[[Data], None]:
    def mutate(data: Data) -> None:
        for mutation in mutations:
            mutation(data)

    return mutate


HEADER = "id,customer,product,quantity,release,due,price\n"

CASES = [
    # --- pass 1: JSON syntax, and what JSON itself cannot hold --------------------------------
    Case(
        "json-trailing-comma",
        lambda d: '{\n  "format_version": 1,\n  "owners": [\n    {"id": "a",}\n  ]\n}',
        "line 4, column 16",
        "invalid JSON",
    ),
    Case(
        "json-missing-comma",
        lambda d: '{"format_version": 1, "name": "x" "owners": []}',
        "line 1, column 35",
        "Expecting ',' delimiter",
    ),
    Case("json-empty-file", lambda d: "", "line 1, column 1", "invalid JSON"),
    Case("top-level-list", lambda d: [d], "", "one JSON object"),
    Case("top-level-number", lambda d: "42", "", "one JSON object"),
    Case("nan", _raw_number("machines.0.speed", "NaN"), "machines[0].speed", "NaN is not a number JSON allows"),
    Case("infinity", _raw_number("run.horizon", "Infinity"), "run.horizon", "Infinity is not a number JSON allows"),
    Case(
        "overflowing-number",
        _raw_number("lanes.0.cost_per_unit", "1e400"),
        "lanes[0].cost_per_unit",
        "not a finite number",
    ),
    Case("newer-format", _set("format_version", 3), "format_version", "newer than the 2 this program reads"),
    # --- pass 2: structure ---------------------------------------------------------------------
    Case("missing-id", _drop("owners.0.id"), "owners[0]", "missing field 'id'"),
    Case("missing-machines", _drop("machines"), "(top level)", "missing field 'machines'"),
    Case("missing-format-version", _drop("format_version"), "(top level)", "missing field 'format_version'"),
    Case("missing-failure-mttr", _drop("machines.0.failures.mttr"), "machines[0].failures", "missing field 'mttr'"),
    Case(
        "unknown-field-typo", _set("machines.0.sped", 2), "machines[0]", "unknown field 'sped' (did you mean 'speed'?)"
    ),
    Case("unknown-top-level-field", _set("lane", []), "(top level)", "did you mean 'lanes'?"),
    Case("unknown-field-no-match", _set("owners.0.zzz", 1), "owners[0]", "allowed here: id, name, kind"),
    # --- pass 2: types -------------------------------------------------------------------------
    Case("text-for-number", _set("machines.0.speed", "fast"), "machines[0].speed", 'must be a number, got "fast"'),
    Case("quoted-number", _set("run.horizon", "2880"), "run.horizon", "must be a number"),
    Case("bool-for-number", _set("machines.2.capacity", True), "machines[2].capacity", "must be a whole number"),
    Case("fraction-for-whole", _set("lanes.0.vehicles", 1.5), "lanes[0].vehicles", "must be a whole number, got 1.5"),
    Case("number-for-text", _set("owners.0.name", 5), "owners[0].name", "must be text, got 5"),
    Case("object-for-list", _set("sites", {"id": "x"}), "sites", "must be a list"),
    Case(
        "text-for-list",
        _set("products.0.routing.0.capabilities", "mill"),
        "products[0].routing[0].capabilities",
        "must be a list",
    ),
    Case("list-for-object", _set("platform", ["push"]), "platform", "must be an object"),
    Case("null-for-text", _set("sites.0.owner", None), "sites[0].owner", "must be text, got null"),
    Case(
        "text-for-bool",
        _set("machines.2.capabilities.1.per_unit", "yes"),
        "machines[2].capabilities[1].per_unit",
        "true or false",
    ),
    Case("empty-id", _set("customers.0.id", ""), "customers[0].id", "must not be empty"),
    Case("empty-routing", _set("products.0.routing", []), "products[0].routing", "needs at least 1 entry"),
    Case(
        "window-of-three",
        _set("machines.1.shifts.windows", [[1, 2, 3]]),
        "machines[1].shifts.windows[0]",
        "has 3 entries, at most 2",
    ),
    Case(
        "choice-typo",
        _set("lanes.0.departure.policy", "whenfull"),
        "lanes[0].departure.policy",
        "did you mean 'when_full'?",
    ),
    Case("sequencing-unknown", _set("platform.sequencing", "lifo"), "platform.sequencing", "is not one of"),
    # --- pass 2: ranges ------------------------------------------------------------------------
    Case("zero-speed", _set("machines.0.speed", 0), "machines[0].speed", "must be >= 1e-06, got 0"),
    Case("negative-capacity", _set("machines.0.capacity", -1), "machines[0].capacity", "must be > 0"),
    Case("zero-vehicle-capacity", _set("lanes.0.vehicle_capacity", 0), "lanes[0].vehicle_capacity", "must be > 0"),
    Case("zero-shift-period", _set("machines.1.shifts.period", 0), "machines[1].shifts.period", "must be >= 0.0166667"),
    Case(
        "negative-time",
        _set("machines.1.capabilities.0.time", -4),
        "machines[1].capabilities[0].time",
        "cannot be negative",
    ),
    Case("negative-price", _set("demand.orders.0.price", -5), "demand.orders[0].price", "must be >= 0"),
    Case("fee-of-one", _set("platform.fee", 1), "platform.fee", "must be < 1"),
    Case(
        "probability-above-one", _set("demand.streams.0.mix.kit", 1.5), 'demand.streams[0].mix["kit"]', "must be <= 1"
    ),
    # --- pass 2: distributions -----------------------------------------------------------------
    Case(
        "unknown-distribution",
        _set("machines.0.capabilities.0.time", {"dist": "exponentail", "mean": 6}),
        "machines[0].capabilities[0].time",
        "did you mean 'exponential'?",
    ),
    Case(
        "missing-parameter", _set("lanes.0.transit", {"dist": "normal", "mean": 30}), "lanes[0].transit", "missing 'sd'"
    ),
    Case(
        "extra-parameter",
        _set("machines.0.failures.mtbf", {"dist": "exponential", "mean": 600, "sd": 5}),
        "machines[0].failures.mtbf",
        "unknown 'sd'",
    ),
    Case(
        "low-above-high",
        _set("machines.2.capabilities.1.time", {"dist": "uniform", "low": 3, "high": 1}),
        "machines[2].capabilities[1].time",
        "'high' must be >= 'low'",
    ),
    Case(
        "negative-mean",
        _set("lanes.0.transit", {"dist": "normal", "mean": -30, "sd": 5}),
        "lanes[0].transit",
        "'mean' must be > 0",
    ),
    Case(
        "erlang-fractional-k",
        _set("lanes.1.transit", {"dist": "erlang", "k": 1.5, "mean": 4}),
        "lanes[1].transit",
        "'k' must be a whole number",
    ),
    Case(
        "distribution-without-dist",
        _set("machines.0.setup.frame.cover", {"mean": 5}),
        'machines[0].setup["frame"]["cover"]',
        "needs a 'dist' key",
    ),
    Case(
        "text-for-time",
        _set("machines.1.capabilities.0.time", "4 min"),
        "machines[1].capabilities[0].time",
        "expected a number or an object",
    ),
    # --- pass 3: meaning -----------------------------------------------------------------------
    Case(
        "mix-not-one",
        _set("demand.streams.0.mix", {"kit": 0.5, "frame": 0.3}),
        "demand.streams[0].mix",
        "probabilities sum to 0.8, not 1",
    ),
    Case(
        "unknown-owner",
        _set("sites.0.owner", "acmee"),
        "sites[0].owner",
        "unknown owner 'acmee' (did you mean 'acme'?)",
    ),
    Case("unknown-site", _set("machines.0.site", "acme1"), "machines[0].site", "did you mean 'acme-1'?"),
    Case(
        "unknown-lane-end",
        _set("lanes.1.destination", "shopp"),
        "lanes[1].destination",
        "unknown site or customer 'shopp'",
    ),
    Case("unknown-lane-owner", _set("lanes.0.owner", "truck-co"), "lanes[0].owner", "did you mean 'truckco'?"),
    Case(
        "unknown-product-in-mix",
        _set("demand.streams.0.mix", {"kits": 0.7, "frame": 0.3}),
        'demand.streams[0].mix["kits"]',
        "unknown product 'kits' (did you mean 'kit'?)",
    ),
    Case(
        "unknown-bom-product",
        _set("products.2.bom.1.product", "cvr"),
        "products[2].bom[1].product",
        "unknown product 'cvr'",
    ),
    Case(
        "unknown-customer",
        _set("demand.orders.0.customer", "shops"),
        "demand.orders[0].customer",
        "did you mean 'shop'?",
    ),
    Case(
        "unknown-capability",
        _set("products.0.routing.0.capabilities", ["milling"]),
        "products[0].routing[0].capabilities[0]",
        "did you mean 'mill'?",
    ),
    Case(
        "step-no-machine-can-do",
        _set("products.0.routing.0.capabilities", ["weld"]),
        "products[0].routing[0].capabilities[0]",
        "no machine can do step 'weld'",
    ),
    Case(
        "unknown-setup-family",
        _set("machines.0.setup", {"frme": {"cover": 5}}),
        'machines[0].setup["frme"]',
        "did you mean 'frame'?",
    ),
    Case("duplicate-machine-id", _set("machines.1.id", "A-mill"), "machines[1].id", "duplicate id 'A-mill'"),
    Case("duplicate-owner-id", _set("owners.2.id", "acme"), "owners[2].id", "duplicate id 'acme'"),
    Case("site-and-customer-same-id", _set("customers.0.id", "acme-1"), "customers", "is both a site and a customer"),
    Case(
        "bom-cycle",
        _set("products.0.bom", [{"product": "kit"}]),
        "products[0].bom",
        "bill-of-materials cycle frame -> kit -> frame",
    ),
    Case(
        "assembly-step-out-of-range",
        _set("products.2.assembly_step", 3),
        "products[2].assembly_step",
        "step 3 does not exist",
    ),
    Case(
        "rework-ahead",
        _set(
            "products.1.routing",
            [{"capabilities": ["mill"], "rework": {"probability": 0.1, "back_to": 1}}, {"capabilities": ["paint"]}],
        ),
        "products[1].routing[0].rework.back_to",
        "goes back, not ahead",
    ),
    Case(
        "shift-window-reversed",
        _set("machines.1.shifts.windows", [[1320, 360]]),
        "machines[1].shifts.windows[0]",
        "start < end <= period",
    ),
    Case(
        "shift-window-past-period",
        _set("machines.1.shifts.windows", [[360, 1500]]),
        "machines[1].shifts.windows[0]",
        "start < end <= period (1440)",
    ),
    Case(
        "shift-windows-overlap",
        _set("machines.1.shifts.windows", [[0, 600], [500, 900]]),
        "machines[1].shifts.windows[1]",
        "must not overlap",
    ),
    Case(
        "shift-without-windows",
        _set("machines.1.shifts.windows", []),
        "machines[1].shifts.windows",
        "at least one window",
    ),
    Case(
        "timetable-without-times",
        _drop("lanes.1.departure.times"),
        "lanes[1].departure",
        "a timetable needs 'period' and 'times'",
    ),
    Case(
        "timetable-without-period",
        _drop("lanes.1.departure.period"),
        "lanes[1].departure",
        "a timetable needs 'period' and 'times'",
    ),
    Case(
        "timetable-time-past-period",
        _set("lanes.1.departure.times", [0, 500]),
        "lanes[1].departure.times",
        "must be < period",
    ),
    Case(
        "times-without-timetable",
        _set("lanes.1.departure.policy", "on_demand"),
        "lanes[1].departure",
        "only used by the timetable policy",
    ),
    Case(
        "when-full-without-capacity",
        _drop("lanes.0.vehicle_capacity"),
        "lanes[0].vehicle_capacity",
        "'when_full' needs a vehicle_capacity",
    ),
    Case("lane-to-itself", _set("lanes.1.destination", "acme-1"), "lanes[1].destination", "two different places"),
    Case(
        "unreachable-sites",
        lambda d: d.update(lanes=d["lanes"][1:]),
        "products[2].bom[0]",
        "component 'frame' made at {bolt-1} cannot reach assembly at {acme-1}",
    ),
    Case("warmup-beyond-horizon", _set("run.warmup", 2880), "run.warmup", "must be shorter than horizon"),
    Case("endless-without-horizon", _drop("run.horizon"), "run.horizon", "never end"),
    Case("no-demand", _set("demand", {}), "demand", "no demand"),
    Case(
        "lead-time-without-lead",
        _set("demand.streams.0.due", {"rule": "lead_time"}),
        "demand.streams[0].due.lead",
        "needs 'lead'",
    ),
    Case("due-before-release", _set("demand.orders.0.due", 5), "demand.orders[0].due", "due before release"),
    # --- the CSV order book --------------------------------------------------------------------
    Case("csv-missing-file", _set("demand.order_book", "missing.csv"), "demand.order_book", "not found"),
    Case(
        "csv-text-quantity",
        _set("demand.order_book", "orders.csv"),
        "orders.csv line 3, column 'quantity'",
        "'many' is not a number",
        {"orders.csv": HEADER + "a,shop,kit,1,0,,\nb,shop,kit,many,0,,\n"},
    ),
    Case(
        "csv-unknown-product",
        _set("demand.order_book", "orders.csv"),
        "orders.csv line 2, column 'product'",
        "unknown product 'kti' (did you mean 'kit'?)",
        {"orders.csv": HEADER + "a,shop,kti,1,0,,\n"},
    ),
    Case(
        "csv-unknown-customer",
        _set("demand.order_book", "orders.csv"),
        "orders.csv line 2, column 'customer'",
        "unknown customer 'shp'",
        {"orders.csv": HEADER + "a,shp,kit,1,0,,\n"},
    ),
    Case(
        "csv-zero-quantity",
        _set("demand.order_book", "orders.csv"),
        "orders.csv line 2, column 'quantity'",
        "must be at least 1",
        {"orders.csv": HEADER + "a,shop,kit,0,0,,\n"},
    ),
    Case(
        "csv-due-before-release",
        _set("demand.order_book", "orders.csv"),
        "orders.csv line 2, column 'due'",
        "before release",
        {"orders.csv": HEADER + "a,shop,kit,1,50,10,\n"},
    ),
    Case(
        "csv-duplicate-id",
        _set("demand.order_book", "orders.csv"),
        "orders.csv line 3, column 'id'",
        "duplicate order id 'a' (also on line 2)",
        {"orders.csv": HEADER + "a,shop,kit,1,0,,\na,shop,kit,2,0,,\n"},
    ),
    Case(
        "csv-id-also-in-scenario",
        _set("demand.order_book", "orders.csv"),
        "orders.csv line 2, column 'id'",
        "also in the scenario's demand.orders",
        {"orders.csv": HEADER + "rush-1,shop,kit,1,0,,\n"},
    ),
    Case(
        "csv-short-row",
        _set("demand.order_book", "orders.csv"),
        "orders.csv line 2",
        "has 3 cells but the header has 7",
        {"orders.csv": HEADER + "a,shop,kit\n"},
    ),
    Case(
        "csv-unknown-column",
        _set("demand.order_book", "orders.csv"),
        "orders.csv line 1, column 'quantiy'",
        "did you mean 'quantity'?",
        {"orders.csv": "id,customer,product,quantiy,quantity,release\na,shop,kit,1,1,0\n"},
    ),
    Case(
        "csv-missing-column",
        _set("demand.order_book", "orders.csv"),
        "orders.csv line 1",
        "missing column 'release'",
        {"orders.csv": "id,customer,product,quantity\na,shop,kit,1\n"},
    ),
    Case(
        "csv-decimal-comma",
        _set("demand.order_book", "orders.csv"),
        "orders.csv line 2, column 'price'",
        "use a point as the decimal separator",
        {"orders.csv": HEADER + 'a,shop,kit,1,0,,"12,5"\n'},
    ),
]


def _show(problems: tuple[Problem, ...]) -> str:
    return "\n".join(f"  {p.place!r}: {p}" for p in problems)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_malformed_file_is_reported_at_its_place(case: Case, tiny_data: Data, load_problems) -> None:
    content = case.build(tiny_data)
    problems = load_problems(tiny_data if content is None else content, case.files)
    matching = [p for p in problems if p.place == case.place and case.fragment in str(p)]
    assert matching, f"expected {case.place!r} with {case.fragment!r}; got:\n{_show(problems)}"


def test_the_table_covers_many_distinct_mistakes() -> None:
    assert len(CASES) >= 30
    assert len({case.name for case in CASES}) == len(CASES)


def test_every_problem_of_a_broken_file_says_how_to_fix_it(tiny_data: Data, load_problems) -> None:
    """A user reading the list should never be left with only 'this is wrong'."""
    for case in CASES:
        if case.name.startswith("json-") or case.name.startswith("top-level"):
            continue
        data = json.loads(json.dumps(tiny_data))
        content = case.build(data)
        for problem in load_problems(data if content is None else content, case.files):
            assert problem.hint, f"{case.name}: {problem} has no hint"


def test_all_type_problems_in_one_file_are_reported_together(tiny_data: Data, load_problems) -> None:
    _both(
        _drop("owners.0.id"),
        _set("machines.0.speed", "fast"),
        _set("machines.0.sped", 2),
        _set("machines.1.capacity", 0),
        _set("lanes.0.transit", {"dist": "gaussian", "mean": 3}),
        _set("run.seed", -1),
    )(tiny_data)
    places = {p.place for p in load_problems(tiny_data)}
    assert places >= {
        "owners[0]",
        "machines[0].speed",
        "machines[0]",
        "machines[1].capacity",
        "lanes[0].transit",
        "run.seed",
    }


def test_all_meaning_problems_in_one_file_are_reported_together(tiny_data: Data, load_problems) -> None:
    _both(
        _set("sites.0.owner", "acmee"),
        _set("demand.streams.0.mix", {"kit": 0.5, "frame": 0.3}),
        _set("machines.2.id", "A-mill"),
        _set("products.2.assembly_step", 4),
        _set("run.warmup", 5000),
        _set("lanes.1.departure.times", [0, 900]),
    )(tiny_data)
    problems = load_problems(tiny_data)
    assert {p.place for p in problems} >= {
        "sites[0].owner",
        "demand.streams[0].mix",
        "machines[2].id",
        "products[2].assembly_step",
        "run.warmup",
        "lanes[1].departure.times",
    }


def test_non_finite_numbers_are_reported_together_with_type_problems(tiny_data: Data, load_problems) -> None:
    _set("owners.0.name", 7)(tiny_data)
    text = _raw_number("machines.0.speed", "NaN")(tiny_data)
    places = {p.place for p in load_problems(text)}
    assert places >= {"machines[0].speed", "owners[0].name"}


def test_order_book_problems_come_with_the_scenario_problems(tiny_data: Data, load_problems) -> None:
    _set("demand.order_book", "orders.csv")(tiny_data)
    _set("sites.0.owner", "nobody")(tiny_data)
    problems = load_problems(tiny_data, {"orders.csv": HEADER + "a,shop,kit,x,0,,\nb,nobody,kit,1,0,,\n"})
    places = [p.place for p in problems]
    assert "orders.csv line 2, column 'quantity'" in places
    assert "orders.csv line 3, column 'customer'" in places
    assert "sites[0].owner" in places


def test_a_numbered_report_lists_every_problem(tiny_data: Data, load_problems) -> None:
    from twin_app.errors import ScenarioError

    _set("sites.0.owner", "x")(tiny_data)
    _set("run.warmup", 9999)(tiny_data)
    problems = load_problems(tiny_data)
    report = ScenarioError("s.json", problems).report()
    assert report.startswith("s.json: 2 problems:")
    assert "  1. sites[0].owner: unknown owner 'x'" in report
    assert "  2. run.warmup:" in report
