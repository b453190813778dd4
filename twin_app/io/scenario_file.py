"""Scenario files: JSON a person can write by hand, read into validated model objects.

Reading happens in three passes, each collecting *all* its problems before raising one
:class:`~twin_app.errors.ScenarioError`: JSON syntax (with line and column), structure and
types (every field, against the model's type hints), then meaning (references, cycles,
reachability; :mod:`twin_app.model.checks`). Only a file that passes all three becomes a
:class:`~twin_app.model.scenario.Scenario`.
"""

from __future__ import annotations

import dataclasses
import json
import math
import types
import typing
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from twin_app.errors import Problem, ScenarioError
from twin_app.model.checks import check_scenario
from twin_app.model.scenario import FORMAT_VERSION, Scenario
from twin_app.model.suggest import did_you_mean


@cache
def _adapter() -> TypeAdapter[Scenario]:
    return TypeAdapter(Scenario)


def load_scenario(path: str | Path) -> Scenario:
    """The scenario in the file at ``path``; raises ScenarioError naming every problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(str(path), [Problem("", "file not found", "check the path")]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioError(str(path), [Problem("", f"cannot read the file: {error}")]) from None
    return loads_scenario(text, source=str(path), base_dir=path.parent)


def loads_scenario(text: str, source: str = "<text>", base_dir: Path | None = None) -> Scenario:
    """The scenario written in ``text``; ``source`` names it in error messages and
    ``base_dir`` is where a referenced order-book CSV is looked for."""
    data = _parse_json(text, source)
    return scenario_from_data(data, source, base_dir)


def scenario_from_data(data: Any, source: str = "<data>", base_dir: Path | None = None) -> Scenario:
    """The scenario in already-parsed JSON ``data`` (dicts, lists, numbers, strings)."""
    if not isinstance(data, dict):
        raise ScenarioError(source, [Problem("", "the file must hold one JSON object {...} at the top")])
    version = data.get("format_version")
    if isinstance(version, int) and not isinstance(version, bool) and version > FORMAT_VERSION:
        raise ScenarioError(
            source,
            [
                Problem(
                    "format_version",
                    f"the file is format {version}, newer than the {FORMAT_VERSION} this program reads",
                    "update Cloud Factory Twin, or save the file from the version that wrote it",
                )
            ],
        )
    try:
        scenario = _adapter().validate_python(data)
    except ValidationError as error:
        raise ScenarioError(source, _problems_from_validation(error)) from None
    if scenario.demand.order_book:
        from twin_app.io.order_book import read_order_book

        scenario = read_order_book(scenario, (base_dir or Path.cwd()) / scenario.demand.order_book)
    problems = check_scenario(scenario)
    if problems:
        raise ScenarioError(source, problems)
    return scenario


def scenario_to_data(scenario: Scenario) -> dict[str, Any]:
    """The JSON-ready form of ``scenario``; fields left at their defaults are omitted."""
    data: dict[str, Any] = _adapter().dump_python(scenario, mode="json", exclude_defaults=True)
    data["format_version"] = FORMAT_VERSION
    ordered = {"format_version": FORMAT_VERSION}
    ordered.update({k: v for k, v in data.items() if k != "format_version"})
    return ordered


def dumps_scenario(scenario: Scenario) -> str:
    """The scenario as indented JSON text."""
    return json.dumps(scenario_to_data(scenario), indent=2, ensure_ascii=False) + "\n"


def save_scenario(scenario: Scenario, path: str | Path) -> None:
    """Write ``scenario`` to ``path`` atomically (a crash never leaves half a file)."""
    path = Path(path)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(dumps_scenario(scenario), encoding="utf-8")
    temporary.replace(path)


def scenario_json_schema() -> dict[str, Any]:
    """JSON Schema of the file format, generated from the model (shipped in assets/)."""
    schema = _adapter().json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Cloud Factory Twin scenario"
    return schema


# ---------------------------------------------------------------------------------------------
# Pass 1: JSON syntax
# ---------------------------------------------------------------------------------------------


class _NonFiniteNumber(ValueError):
    pass


def _reject_constant(name: str) -> float:
    raise _NonFiniteNumber(name)


def _parse_json(text: str, source: str) -> Any:
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise ScenarioError(
            source,
            [Problem(f"line {error.lineno}, column {error.colno}", f"invalid JSON: {error.msg}", "fix the syntax there")],
        ) from None
    except _NonFiniteNumber as error:
        raise ScenarioError(
            source, [Problem("", f"invalid JSON: {error} is not a number JSON allows", "write a finite number")]
        ) from None
    except RecursionError:
        raise ScenarioError(source, [Problem("", "invalid JSON: nested too deeply")]) from None


# ---------------------------------------------------------------------------------------------
# Pass 2: structure and types, translated from pydantic's errors into ours
# ---------------------------------------------------------------------------------------------

_TYPE_WORDS = {
    "string_type": "text",
    "float_type": "a number",
    "float_parsing": "a number",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "tuple_type": "a list [...]",
    "list_type": "a list [...]",
    "dict_type": "an object {...}",
    "dataclass_type": "an object {...}",
    "model_type": "an object {...}",
    "finite_number": "a finite number",
}
_BOUNDS = {"greater_than": ">", "greater_than_equal": ">=", "less_than": "<", "less_than_equal": "<="}


def _problems_from_validation(error: ValidationError) -> list[Problem]:
    problems: list[Problem] = []
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        kind = item["type"]
        given = item.get("input")
        ctx = item.get("ctx") or {}
        if kind == "missing":
            field_name = loc[-1]
            problems.append(Problem(place(loc[:-1]) or "(top level)", f"missing field {field_name!r}", "add it"))
        elif kind in ("unexpected_keyword_argument", "extra_forbidden"):
            field_name = str(loc[-1])
            known = _field_names_at(loc[:-1])
            hint = did_you_mean(field_name, known)
            hint = hint.removeprefix("; ") if hint else (
                "allowed here: " + ", ".join(known) if known else "remove it"
            )
            problems.append(Problem(place(loc[:-1]) or "(top level)", f"unknown field {field_name!r}", hint))
        elif kind in _BOUNDS:
            bound = next(iter(ctx.values()))
            problems.append(
                Problem(place(loc), f"must be {_BOUNDS[kind]} {bound:g}, got {_show(given)}", "change the value")
            )
        elif kind == "literal_error":
            expected = str(ctx.get("expected", ""))
            choices = [c.strip().strip("'") for c in expected.replace(" or ", ",").split(",") if c.strip()]
            hint = did_you_mean(str(given), choices).removeprefix("; ") or f"use one of {expected}"
            problems.append(Problem(place(loc), f"{_show(given)} is not allowed", hint))
        elif kind == "too_short":
            problems.append(
                Problem(place(loc), f"needs at least {ctx.get('min_length', 1)} item(s)", "add the missing entries")
            )
        elif kind == "distribution":
            problems.append(Problem(place(loc), item["msg"], "write a number or a distribution object"))
        elif kind in _TYPE_WORDS:
            problems.append(Problem(place(loc), f"must be {_TYPE_WORDS[kind]}, got {_show(given)}", "change the value"))
        else:
            problems.append(Problem(place(loc), item["msg"]))
    return _without_noise(problems)


def _without_noise(problems: list[Problem]) -> list[Problem]:
    """Drop what pydantic reports as a consequence of another problem: the other branch of an
    optional field (X | None), and 'too short' on a list whose items were rejected."""
    seen: set[tuple[str, str]] = set()
    kept = []
    for problem in problems:
        key = (problem.place, problem.message)
        if key in seen or "should be None" in problem.message:
            continue
        if problem.message.startswith("needs at least") and any(
            other.place.startswith(problem.place + "[") for other in problems
        ):
            continue
        seen.add(key)
        kept.append(problem)
    return kept


def _show(value: Any) -> str:
    text = json.dumps(value) if _is_jsonable(value) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _is_jsonable(value: Any) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return not (isinstance(value, float) and not math.isfinite(value))


def place(loc: Sequence[str | int]) -> str:
    """``('machines', 3, 'setup', 'A', 'B')`` -> ``machines[3].setup["A"]["B"]``.

    Keys of mappings (setup families, product mixes) are quoted; union branch names that
    pydantic inserts are dropped.
    """
    text = ""
    expected: Any = Scenario
    for segment in loc:
        inner = _unwrap(expected)
        if isinstance(segment, int):
            text += f"[{segment}]"
            args = typing.get_args(inner)
            expected = args[0] if args else Any
        elif typing.get_origin(inner) is dict:
            text += f'["{segment}"]'
            expected = typing.get_args(inner)[1]
        elif dataclasses.is_dataclass(inner) and segment in _hints(inner):  # type: ignore[arg-type]
            text += f".{segment}" if text else str(segment)
            expected = _hints(inner)[segment]  # type: ignore[arg-type]
        elif not dataclasses.is_dataclass(inner) or "[" in str(segment) or segment in ("float", "int", "str"):
            continue  # a union branch label, not a place in the file
        else:
            text += f".{segment}" if text else str(segment)
            expected = Any
    return text


def _field_names_at(loc: Sequence[str | int]) -> list[str]:
    expected: Any = Scenario
    for segment in loc:
        inner = _unwrap(expected)
        if isinstance(segment, int):
            args = typing.get_args(inner)
            expected = args[0] if args else Any
        elif typing.get_origin(inner) is dict:
            expected = typing.get_args(inner)[1]
        elif dataclasses.is_dataclass(inner) and segment in _hints(inner):  # type: ignore[arg-type]
            expected = _hints(inner)[segment]  # type: ignore[arg-type]
    inner = _unwrap(expected)
    return [f.name for f in dataclasses.fields(inner)] if dataclasses.is_dataclass(inner) else []


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _unwrap(hint: Any) -> Any:
    """Strip Annotated and Optional to the type that has fields or items."""
    while True:
        origin = typing.get_origin(hint)
        if origin is typing.Annotated:
            hint = typing.get_args(hint)[0]
        elif origin in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(hint) if a is not type(None)]
            hint = options[0]
        else:
            return hint
