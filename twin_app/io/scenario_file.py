"""Scenario files: JSON a person can write by hand, read into validated model objects.

Reading happens in three passes, each collecting *all* its problems before raising one
:class:`~twin_app.errors.ScenarioError`: JSON syntax (with line and column), structure and
types (every field, against the model's type hints), then meaning (references, cycles,
reachability; :mod:`twin_app.model.checks`). Only a file that passes all three becomes a
:class:`~twin_app.model.scenario.Scenario`.

Types are checked strictly, as JSON writes them: ``"5"`` or ``true`` where a number belongs
is an error rather than a silent conversion, because in a hand-edited file it is a typo far
more often than an intention. A number written ``2.0`` still counts as the whole number 2.
A top-level ``"$schema"`` key (for editors' autocompletion) is accepted and ignored.

A referenced order book (``demand.order_book``) is read while loading; its orders become
part of ``demand.orders`` and ``order_book`` is cleared, so the in-memory scenario is
self-contained and saving it writes every order inline.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import itertools
import json
import math
import textwrap
import types
import typing
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from pydantic_core import ValidationError

from twin_app.errors import Problem, ScenarioError
from twin_app.io.input_file import InputFileError, read_input_text
from twin_app.io.migrations import migrate
from twin_app.io.schema_cache import scenario_validator
from twin_app.model import limits
from twin_app.model import scenario as scenario_module
from twin_app.model.checks import check_scenario
from twin_app.model.distributions import distribution_json_schema
from twin_app.model.scenario import FORMAT_VERSION, Scenario
from twin_app.model.suggest import did_you_mean

if typing.TYPE_CHECKING:
    from pydantic import TypeAdapter


@cache
def _adapter() -> TypeAdapter[Scenario]:
    """For writing a scenario and its JSON Schema (reading uses the cached validator)."""
    from pydantic import TypeAdapter

    return TypeAdapter(Scenario)


def read_text(path: Path) -> str:
    """The text of an input file; a missing, unreadable, binary or endless file (a folder,
    /dev/zero, a name with a NUL byte...) is a ScenarioError saying so."""
    source = str(path).replace("\0", "\\0")
    try:
        return read_input_text(path)
    except FileNotFoundError:
        raise ScenarioError(source, [Problem("", "file not found", "check the path")]) from None
    except InputFileError as error:
        raise ScenarioError(source, [Problem("", str(error))]) from None


def load_scenario(
    path: str | Path, *, allow_outside_files: bool = False, run: dict[str, Any] | None = None
) -> Scenario:
    """The scenario in the file at ``path``; raises ScenarioError naming every problem.

    An order book it names must lie in the scenario's folder (or below it) unless
    ``allow_outside_files``: a scenario from someone else must not read any file on disk.
    ``run`` overrides fields of the file's run settings (``{"horizon": 20160}`` for
    ``--until``) *before* validation, so the checks see the run that will actually be made:
    a file whose warm-up exceeds its own horizon loads when the override makes the run long
    enough.
    """
    path = Path(path)
    text = read_text(path)
    if not run:
        return loads_scenario(text, source=str(path), base_dir=path.parent, allow_outside_files=allow_outside_files)
    data = _parse_json(text, str(path))
    if isinstance(data, dict):
        settings = data.get("run")
        data = {**data, "run": {**(settings if isinstance(settings, dict) else {}), **run}}
    return scenario_from_data(data, str(path), path.parent, allow_outside_files=allow_outside_files)


def loads_scenario(
    text: str, source: str = "<text>", base_dir: Path | None = None, *, allow_outside_files: bool = False
) -> Scenario:
    """The scenario written in ``text``; ``source`` names it in error messages and
    ``base_dir`` is where a referenced order-book CSV is looked for."""
    data = _parse_json(text, source)
    return scenario_from_data(data, source, base_dir, allow_outside_files=allow_outside_files)


def scenario_from_data(
    data: Any, source: str = "<data>", base_dir: Path | None = None, *, allow_outside_files: bool = False
) -> Scenario:
    """The scenario in already-parsed JSON ``data`` (dicts, lists, numbers, strings).

    Data that is not pure JSON (tuples, model objects, as a program may build) is validated
    leniently instead of strictly. An order book is read from ``base_dir`` (default: the
    current folder) or below it, anywhere with ``allow_outside_files``. Raises ScenarioError
    with every problem found.
    """
    if not isinstance(data, dict):
        raise ScenarioError(
            source,
            [Problem("", "the file must hold one JSON object {...} at the top", "wrap the scenario in { }")],
        )
    data = migrate({key: value for key, value in data.items() if key != SCHEMA_KEY})
    try:
        prepared, non_finite, is_json = _prepare(data)
    except RecursionError:
        raise ScenarioError(source, [Problem("", "nested too deeply to be a scenario")]) from None
    version = prepared.get("format_version")
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
    problems = [Problem(place(loc), message, "write a finite number") for loc, message in non_finite]
    try:
        if is_json:
            scenario = scenario_validator().validate_json(json.dumps(prepared), strict=True)
        else:
            scenario = scenario_validator().validate_python(data)
    except ValidationError as error:
        flagged = {problem.place for problem in problems}
        problems += [p for p in _problems_from_validation(error) if p.place not in flagged]
        raise ScenarioError(source, problems) from None
    except RecursionError:
        raise ScenarioError(source, [Problem("", "nested too deeply to be a scenario")]) from None
    if problems:  # non-finite numbers in fields that also accept null
        raise ScenarioError(source, problems)
    if scenario.demand.order_book:
        scenario, problems = _with_order_book(scenario, base_dir or Path.cwd(), allow_outside_files)
    meaning = check_scenario(scenario) + _stream_id_problems(scenario)
    if problems:  # the book's orders are missing, so 'no demand' would only be noise
        meaning = [problem for problem in meaning if problem.place != "demand"]
    problems += meaning
    if problems:
        raise ScenarioError(source, problems)
    return scenario


def _stream_id_problems(scenario: Scenario) -> list[Problem]:
    """Demand streams must have distinct ids: an id names the stream's random numbers."""
    problems = []
    seen: dict[str, int] = {}
    for s, spec in enumerate(scenario.demand.streams):
        if spec.id is None:
            continue
        if spec.id in seen:
            problems.append(
                Problem(
                    f"demand.streams[{s}].id",
                    f"'{spec.id}' is already the id of demand.streams[{seen[spec.id]}]",
                    "give each stream its own id",
                )
            )
        seen.setdefault(spec.id, s)
    return problems


def _with_order_book(scenario: Scenario, base_dir: Path, allow_outside: bool) -> tuple[Scenario, list[Problem]]:
    """The scenario with the order book's orders inlined and ``order_book`` cleared, and the
    book's problems (reported together with the scenario's own)."""
    from twin_app.io.order_book import read_order_book

    problems: list[Problem] = []
    path = _order_book_path(scenario.demand.order_book, base_dir, allow_outside)
    if isinstance(path, Problem):
        problems = [path]
    else:
        try:
            scenario = read_order_book(scenario, path)
        except ScenarioError as error:
            problems = list(error.problems)
    demand = dataclasses.replace(scenario.demand, order_book="")
    return dataclasses.replace(scenario, demand=demand), problems


def _order_book_path(name: str, base_dir: Path, allow_outside: bool) -> Path | Problem:
    """Where the order book ``name`` is: relative to ``base_dir`` and inside it (symbolic
    links followed), or anywhere when ``allow_outside``; else the problem to report."""
    where = "demand.order_book"
    if "\0" in name:
        return Problem(where, "the file name contains a NUL byte", "write the name of a CSV file")
    path = base_dir / name
    if allow_outside:
        return path
    try:
        folder, resolved = base_dir.resolve(), path.resolve()
    except (OSError, RuntimeError) as error:  # a loop of symbolic links
        return Problem(where, f"cannot follow the path ({error.__class__.__name__})", "name the CSV file directly")
    if not resolved.is_relative_to(folder):
        return Problem(
            where,
            f"the order book {_show(name)} is outside the scenario's folder",
            "put it in the scenario's folder or below it (the path is relative to the scenario), "
            "or allow it explicitly with --allow-outside-files",
        )
    return path


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


def save_scenario(scenario: Scenario, path: str | Path, option: str = "scenario file") -> Path:
    """Write ``scenario`` to ``path`` atomically (a crash never leaves half a file) and
    return the path written; a path that cannot be written is an OutputPathError naming
    ``option`` (see :mod:`twin_app.io.output_path`)."""
    from twin_app.io.output_path import write_output

    return write_output(path, dumps_scenario(scenario), option)


def scenario_json_schema() -> dict[str, Any]:
    """JSON Schema of the file format, generated from the model (shipped in assets/).

    Editors use it for completion and inline checks: each field carries the description
    written under it in the model, and the time/distribution form is one shared definition.
    The schema checks structure and types only; the meaning checks need the reader.
    """
    schema = _adapter().json_schema()
    time_schema = distribution_json_schema()
    schema = _share_definition(schema, time_schema, "#/$defs/Time")
    schema["$defs"]["Time"] = time_schema
    for name, definition in schema["$defs"].items():
        cls = getattr(scenario_module, name, None)
        if isinstance(cls, type) and dataclasses.is_dataclass(cls):
            _describe_fields(definition, cls)
    _describe_fields(schema, Scenario)
    schema["properties"] = {
        SCHEMA_KEY: {"type": "string", "description": "where editors find this schema; ignored by the program"},
        **schema["properties"],
    }
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Cloud Factory Twin scenario"
    schema["description"] = (
        f"A cloud-factory network and its demand (format_version {FORMAT_VERSION}); see docs/scenario-format.md."
    )
    return {key: schema[key] for key in ("$schema", "title", "description", *sorted(set(schema) - _HEAD))}


_HEAD = {"$schema", "title", "description"}
_OWN = ("default", "title")


def _share_definition(node: Any, shared: dict[str, Any], reference: str) -> Any:
    """``node`` with every copy of ``shared`` replaced by a reference to one definition
    (keeping a field's own default and description next to the reference)."""
    if isinstance(node, dict) and {k: v for k, v in node.items() if k not in _OWN} == shared:
        own = {k: v for k, v in node.items() if k in _OWN}
        if isinstance(own.get("default"), dict) and set(own["default"]) == {"value"}:
            own["default"] = own["default"]["value"]  # a Constant default, written as its number
        return {"$ref": reference, **own}
    if isinstance(node, dict):
        return {key: _share_definition(value, shared, reference) for key, value in node.items()}
    if isinstance(node, list):
        return [_share_definition(value, shared, reference) for value in node]
    return node


def _describe_fields(definition: dict[str, Any], cls: type) -> None:
    """Add the docstring written under each field of ``cls`` as its schema description."""
    notes = _field_notes(cls)
    for name, prop in definition.get("properties", {}).items():
        prop.pop("title", None)
        if name in notes:
            prop["description"] = notes[name]


@cache
def _field_notes(cls: type) -> dict[str, str]:
    """The attribute docstrings of a dataclass (the string literal right after a field)."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    except (OSError, TypeError):
        return {}
    body = tree.body[0].body  # type: ignore[attr-defined]
    notes: dict[str, str] = {}
    for statement, following in itertools.pairwise(body):
        if (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            notes[statement.target.id] = " ".join(following.value.value.split())
    return notes


# ---------------------------------------------------------------------------------------------
# Pass 1: JSON syntax
# ---------------------------------------------------------------------------------------------


SCHEMA_KEY = "$schema"
"""Top-level key naming the JSON Schema for editors; the reader ignores it."""


@dataclasses.dataclass(frozen=True, slots=True)
class _NonFinite:
    """Stands for NaN/Infinity in parsed JSON until pass 2 reports where it was written."""

    name: str


def _parse_json(text: str, source: str) -> Any:
    try:
        return json.loads(text, parse_constant=_NonFinite)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise ScenarioError(source, [Problem(where, f"invalid JSON: {error.msg}", "fix the syntax there")]) from None
    except RecursionError:
        raise ScenarioError(source, [Problem("", "invalid JSON: nested too deeply")]) from None
    except ValueError as error:  # e.g. an integer with more digits than Python converts
        raise ScenarioError(source, [Problem("", f"invalid JSON: {error}")]) from None


_Loc = tuple[str | int, ...]


def _prepare(data: Any) -> tuple[Any, list[tuple[_Loc, str]], bool]:
    """``data`` made ready for strict validation, the places of non-finite numbers (NaN,
    Infinity, or a literal too large for a float) and whether the data is pure JSON.

    Non-finite numbers become null so pass 2 can still report everything else; whole-valued
    floats become ints (JSON does not tell ``2.0`` from ``2``).
    """
    non_finite: list[tuple[_Loc, str]] = []
    is_json = True

    def walk(value: Any, loc: _Loc) -> Any:
        nonlocal is_json
        if isinstance(value, _NonFinite):
            non_finite.append((loc, f"{value.name} is not a number JSON allows"))
            return None
        if isinstance(value, float):
            if not math.isfinite(value):
                non_finite.append((loc, f"{value} is not a finite number (too large, or not a number)"))
                return None
            return int(value) if value.is_integer() and abs(value) < 2**53 else value
        if value is None or isinstance(value, str | int):  # bool is an int
            return value
        if isinstance(value, list):
            return [walk(item, (*loc, index)) for index, item in enumerate(value)]
        if isinstance(value, dict):
            if not all(isinstance(key, str) for key in value):
                is_json = False
            return {key: walk(item, (*loc, key)) for key, item in value.items()}
        is_json = False  # tuples, model objects...: validated leniently as Python data
        return value

    prepared = walk(data, ())
    return prepared, non_finite, is_json


# ---------------------------------------------------------------------------------------------
# Pass 2: structure and types, translated from pydantic's errors into ours
# ---------------------------------------------------------------------------------------------

_TYPE_WORDS: dict[str, tuple[str, str]] = {
    # pydantic error type -> (what was expected, how to write it)
    "string_type": ("text", 'write it in double quotes, e.g. "A-mill"'),
    "float_type": ("a number", "write a number without quotes, e.g. 5 or 2.5"),
    "float_parsing": ("a number", "write a number without quotes, e.g. 5 or 2.5"),
    "int_type": ("a whole number", "write a whole number without quotes, e.g. 3"),
    "int_parsing": ("a whole number", "write a whole number without quotes, e.g. 3"),
    "int_from_float": ("a whole number", "write a whole number without quotes, e.g. 3"),
    "bool_type": ("true or false", "write true or false, without quotes"),
    "bool_parsing": ("true or false", "write true or false, without quotes"),
    "tuple_type": ("a list [...]", "write the entries in [ ]"),
    "list_type": ("a list [...]", "write the entries in [ ]"),
    "dict_type": ("an object {...}", 'write { "key": value, ... }'),
    "dataclass_type": ("an object {...}", 'write { "field": value, ... }'),
    "model_type": ("an object {...}", 'write { "field": value, ... }'),
    "finite_number": ("a finite number", "write a finite number"),
}
_BOUNDS = {"greater_than": ">", "greater_than_equal": ">=", "less_than": "<", "less_than_equal": "<="}
_LIMIT_VALUES = {value for name, value in vars(limits).items() if name.isupper()}
_DISTRIBUTION_HINT = "see 'Times and distributions' in docs/scenario-format.md"


def _problems_from_validation(error: ValidationError) -> list[Problem]:
    """Our problems for pydantic's errors: the place in the file, plain words, and a fix."""
    problems: list[Problem] = []
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        problems.append(_problem(loc, item["type"], item.get("input"), item.get("ctx") or {}, item["msg"]))
    return _without_noise(problems)


def _problem(loc: _Loc, kind: str, given: Any, ctx: dict[str, Any], raw_message: str) -> Problem:
    where = place(loc)
    if kind in ("missing", "missing_argument"):
        return Problem(place(loc[:-1]) or "(top level)", f"missing field {loc[-1]!r}", "add it")
    if kind in ("unexpected_keyword_argument", "extra_forbidden"):
        field_name = str(loc[-1])
        known = _field_names_at(loc[:-1])
        hint = did_you_mean(field_name, known).removeprefix("; ")
        if not hint:
            hint = "allowed here: " + ", ".join(known) if known else "remove it"
        return Problem(place(loc[:-1]) or "(top level)", f"unknown field {field_name!r}", hint)
    if kind in _BOUNDS:
        bound = next(iter(ctx.values()))
        hint = "change the value"
        if bound in _LIMIT_VALUES:
            hint += "; the limits and how to raise them: README, 'Limits'"
        return Problem(where, f"must be {_BOUNDS[kind]} {bound:g}, got {_show(given)}", hint)
    if kind == "literal_error":
        expected = str(ctx.get("expected", ""))
        choices = [c.strip().strip("'") for c in expected.replace(" or ", ",").split(",") if c.strip()]
        hint = did_you_mean(str(given), choices).removeprefix("; ")
        return Problem(where, f"{_show(given)} is not one of {expected}", hint or "use one of those")
    if kind == "too_short":
        return Problem(where, f"needs at least {ctx.get('min_length', 1)} entry", "add the missing entries")
    if kind == "too_long":
        return Problem(
            where,
            f"has {ctx.get('actual_length', 'too many')} entries, at most {ctx.get('max_length')} allowed",
            "remove the extra entries",
        )
    if kind == "string_too_short":
        return Problem(where, "must not be empty", "write an id")
    if kind == "distribution":
        # DistributionSpecError messages read 'what is wrong; did you mean ...; use one of ...'
        message, _, advice = raw_message.partition("; ")
        return Problem(where, message, advice or _DISTRIBUTION_HINT)
    if kind in _TYPE_WORDS:
        expected, how = _TYPE_WORDS[kind]
        return Problem(where, f"must be {expected}, got {_show(given)}", how)
    return Problem(where, raw_message)


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
    try:
        text = json.dumps(value) if _is_jsonable(value) else repr(value)
    except ValueError:  # an int with more digits than Python converts to text
        return "a number with thousands of digits"
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
