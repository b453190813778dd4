"""A scenario file as the user wrote it, edited field by field, checked and written back.

The scenario editor works on a :class:`ScenarioDocument`, not on the validated
:class:`~twin_app.model.scenario.Scenario`: the document holds the file's parsed JSON as it
was loaded (the key order, the fields left at their defaults, a ``$schema`` line, the link to
a CSV order book), so saving a file changes only what the user changed. Loading and saving a
hand-written sample without edits gives the same bytes.

- **Edits** go by path, in the sweep specs' syntax (:mod:`twin_app.io.json_path`):
  ``doc.set("machines[M07].capacity", 2)``, ``doc.insert("lanes", 3, {...})``,
  ``doc.remove("sites", 0)``. Each returns what it replaced, so an undo step can put it back;
  :data:`MISSING` stands for a field that is not in the file (setting it removes the field).
- **Validation** runs the whole document through the reader every command line tool uses
  (:func:`~twin_app.io.scenario_file.scenario_from_data`), so the editor shows exactly the
  CLI's messages; :class:`Validation` keys them by place (``machines[3].speed``).
- **Saving** is atomic (:func:`~twin_app.io.output_path.write_output`) and keeps the file's
  layout: two-space or any other indent, or one list item per line (the large generated
  sample). A referenced order book stays a reference: its orders are read to validate and to
  run, never inlined into the file. The link is relative to the scenario's folder and is kept
  as written, so after *Save As* into another folder validation says when the book is not
  found there.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from twin_app.errors import Problem, ScenarioError
from twin_app.io.json_path import parse_path, targets
from twin_app.io.scenario_file import read_text, scenario_from_data, scenario_to_data
from twin_app.model.scenario import Scenario


class _Missing:
    """The value of a field that is not in the file."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __deepcopy__(self, memo: dict[int, Any]) -> _Missing:
        return self


MISSING: Any = _Missing()
"""A field absent from the file: what :meth:`ScenarioDocument.get` returns for it, and the
value that makes :meth:`ScenarioDocument.set` remove it."""


@dataclass(frozen=True)
class Validation:
    """The outcome of checking a document: the scenario, or every problem (never both)."""

    source: str
    scenario: Scenario | None
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return self.scenario is not None

    @cached_property
    def by_place(self) -> dict[str, list[Problem]]:
        """The problems grouped by the place they name (``""`` for the file as a whole)."""
        grouped: dict[str, list[Problem]] = {}
        for problem in self.problems:
            grouped.setdefault(problem.place, []).append(problem)
        return grouped

    def report(self) -> str:
        """The numbered list of problems, word for word what ``twin-app validate`` prints."""
        return ScenarioError(self.source, self.problems).report() if self.problems else f"{self.source}: valid"


class ScenarioDocument:
    """The editable JSON of one scenario file (see the module docstring)."""

    def __init__(self, data: dict[str, Any], path: Path | None = None, text: str | None = None) -> None:
        self._data = data
        self.path = Path(path) if path is not None else None
        self._style = _Style.of(text)
        self.revision = 0
        """Counts the edits; validation is cached per revision."""
        self._validation: tuple[int, Path | None, Validation] | None = None

    # -- making one ------------------------------------------------------------------------------

    @classmethod
    def load(cls, path: str | Path) -> ScenarioDocument:
        """The document in the file at ``path``; raises ScenarioError when it is unreadable,
        not JSON, or not a JSON object (a file with wrong values loads, to be fixed in the editor)."""
        path = Path(path)
        text = read_text(path)
        return cls(_parse_object(text, str(path)), path, text)

    @classmethod
    def from_scenario(cls, scenario: Scenario, path: Path | None = None) -> ScenarioDocument:
        """A document of a scenario built in memory (fields at their defaults left out)."""
        return cls(scenario_to_data(scenario), path)

    # -- reading -----------------------------------------------------------------------------------

    @property
    def data(self) -> dict[str, Any]:
        """The document's JSON; read it, never change it (edit through :meth:`set` and co.)."""
        return self._data

    @property
    def source(self) -> str:
        """How messages name the document: its file, or ``<unsaved>``."""
        return str(self.path) if self.path is not None else "<unsaved>"

    def get(self, path: str) -> Any:
        """The value at ``path`` (a copy), or MISSING when the field or an element on the way is absent."""
        try:
            found = targets(self._data, parse_path(path), create=False)
        except LookupError:
            return MISSING
        if len(found) != 1:
            return MISSING
        container, key = found[0]
        return copy.deepcopy(container[key]) if key in container else MISSING

    def peek(self, path: str) -> Any:
        """The value at ``path`` itself, not a copy (MISSING when absent): cheap, for reading a
        large list; never change what it returns."""
        try:
            found = targets(self._data, parse_path(path), create=False)
        except LookupError:
            return MISSING
        if len(found) != 1:
            return MISSING
        container, key = found[0]
        return container.get(key, MISSING)

    # -- editing -----------------------------------------------------------------------------------

    def set(self, path: str, value: Any, *, at: int | None = None) -> Any:
        """Set the field at ``path`` (objects missing on the way are made); MISSING removes it.
        A field new to its object goes last, or to key position ``at`` (undoing a removal puts
        it back where it was: see :meth:`key_position`). Returns the value it had (MISSING if
        none). Raises LookupError for a list element that does not exist and ValueError for a
        path that is not one place."""
        container, key = self._one(path, create=value is not MISSING)
        old = container.get(key, MISSING) if container is not None else MISSING
        if value is MISSING:
            if container is not None:
                container.pop(key, None)
        elif at is not None and key not in container:
            items = list(container.items())
            items.insert(at, (key, copy.deepcopy(value)))
            container.clear()
            container.update(items)
        else:
            container[key] = copy.deepcopy(value)
        self._changed()
        return old

    def key_position(self, path: str) -> int | None:
        """Where the field at ``path`` stands among its object's keys (None if absent)."""
        try:
            container, key = self._one(path, create=False)
        except (LookupError, ValueError):
            return None
        if container is None or key not in container:
            return None
        return list(container).index(key)

    def insert(self, path: str, index: int, value: Any) -> None:
        """Insert ``value`` into the list at ``path`` before ``index`` (the list is made if missing)."""
        container, key = self._one(path, create=True)
        items = container.setdefault(key, [])
        if not isinstance(items, list):
            raise ValueError(f"{path} is not a list")
        items.insert(index, copy.deepcopy(value))
        self._changed()

    def remove(self, path: str, index: int) -> Any:
        """Remove and return the element at ``index`` of the list at ``path``."""
        container, key = self._one(path, create=False)
        items = container.get(key) if container is not None else None
        if not isinstance(items, list) or not 0 <= index < len(items):
            raise LookupError(f"{path} has no element {index}")
        removed = items.pop(index)
        self._changed()
        return removed

    def _one(self, path: str, create: bool) -> tuple[Any, str]:
        segments = parse_path(path)
        if any(s == "*" for _, selectors in segments for s in selectors):
            raise ValueError(f"{path}: [*] names many places; edit one at a time")
        try:
            found = targets(self._data, segments, create=create)
        except LookupError:
            if create:
                raise
            return None, ""
        if len(found) != 1:
            raise ValueError(f"{path} names {len(found)} places")
        return found[0]

    def _changed(self) -> None:
        self.revision += 1

    # -- checking ----------------------------------------------------------------------------------

    def validate(self) -> Validation:
        """Check the whole document as ``twin-app validate`` would (cached until the next edit).

        A referenced order book is read from the document's folder (the current folder for
        an unsaved document)."""
        if self._validation is not None and self._validation[:2] == (self.revision, self.path):
            return self._validation[2]
        base = self.path.parent if self.path is not None else None
        try:
            scenario = scenario_from_data(self._data, self.source, base)
            result = Validation(self.source, scenario, ())
        except ScenarioError as error:
            result = Validation(self.source, None, error.problems)
        self._validation = (self.revision, self.path, result)
        return result

    def known_to_read_as(self, scenario: Scenario) -> None:
        """Record that the document as it is now reads as ``scenario``, which the caller has
        just read from the same file: :meth:`validate` then answers without reading it again
        (the desktop opening the large network checked it twice, ~1 s each on a busy machine)."""
        self._validation = (self.revision, self.path, Validation(self.source, scenario, ()))

    # -- writing -----------------------------------------------------------------------------------

    def dumps(self) -> str:
        """The document as text, laid out as the file it came from."""
        return self._style.dumps(self._data)

    def save(self, path: str | Path | None = None) -> Path:
        """Write the document atomically to ``path`` (default: where it came from) and make that
        its path. Writes whatever the document holds, valid or not (the caller decides whether
        to ask first). Raises OutputPathError for a path that cannot be written."""
        from twin_app.io.output_path import write_output

        target = Path(path) if path is not None else self.path
        if target is None:
            raise ValueError("the document has no file yet: give a path")
        written = write_output(target, self.dumps(), "scenario file")
        self.path = target
        return written


def _parse_object(text: str, source: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise ScenarioError(source, [Problem(where, f"invalid JSON: {error.msg}", "fix the syntax there")]) from None
    except (RecursionError, ValueError) as error:
        raise ScenarioError(source, [Problem("", f"invalid JSON: {error}")]) from None
    if not isinstance(data, dict):
        raise ScenarioError(
            source, [Problem("", "the file must hold one JSON object {...} at the top", "wrap the scenario in { }")]
        )
    return data


@dataclass(frozen=True, slots=True)
class _Style:
    """How a file is laid out, so it is written back the same way."""

    indent: str | None
    """The indent of nested lines; None: one list item per line, unindented keys."""
    ascii_only: bool
    final_newline: bool

    @classmethod
    def of(cls, text: str | None) -> _Style:
        if text is None:
            return cls("  ", False, True)
        lines = text.splitlines()
        indent: str | None = "  "
        if len(lines) > 1 and lines[0].strip() == "{":
            second = lines[1]
            stripped = second.lstrip(" \t")
            indent = second[: len(second) - len(stripped)] or None
        ascii_only = "\\u" in text and text.isascii()
        return cls(indent, ascii_only, text.endswith("\n"))

    def dumps(self, data: dict[str, Any]) -> str:
        if self.indent is None:
            text = _rows(data, self.ascii_only)
        else:
            text = json.dumps(data, indent=self.indent, ensure_ascii=self.ascii_only)
        return text + ("\n" if self.final_newline else "")


def _rows(data: dict[str, Any], ascii_only: bool) -> str:
    """Keys unindented, each list item compact on its own line (scripts/generate_large_network.py)."""

    def compact(value: Any) -> str:
        return json.dumps(value, ensure_ascii=ascii_only, separators=(",", ":"))

    parts = ["{"]
    items = list(data.items())
    for index, (key, value) in enumerate(items):
        comma = "," if index < len(items) - 1 else ""
        if isinstance(value, list) and value:
            rows = ",\n  ".join(compact(item) for item in value)
            parts.append(f"{json.dumps(key)}: [\n  {rows}\n]{comma}")
        else:
            parts.append(f"{json.dumps(key)}: {compact(value)}{comma}")
    parts.append("}")
    return "\n".join(parts)
