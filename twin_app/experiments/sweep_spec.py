"""Sweep specs: a base scenario, factors as paths into it, and a design of points.

A spec is a JSON file::

    {
      "base": "logistics_direct.json",
      "design": "factorial",
      "factors": {
        "lanes[*].vehicles": [2, 4, 6],
        "lanes[*].departure.policy": ["on_demand", "when_full"]
      },
      "replications": 5,
      "objective": "min cost.per_unit",
      "pareto": ["min cost.per_unit", "max on_time_rate"]
    }

- ``base``: the scenario file, relative to the spec's folder.
- A factor's **path** walks the scenario file: ``platform.assignment``,
  ``machines[M07].capacity`` (a list element by its ``id``; a demand stream without an id by
  its customer), ``lanes[*].vehicles`` (every element), ``demand.streams[0].interarrival.mean``
  (by position). Every name is checked against the scenario format, so a typo is an error
  with a suggestion, before anything runs.
- ``design``: ``factorial`` (every combination of the levels), ``points`` (a list of points
  under ``"points"``, each a mapping from path to value) or ``lhs`` (a Latin hypercube of
  ``"samples"`` points over numeric ranges ``{"min": a, "max": b, "integer": false}``, from
  ``scipy.stats.qmc``, seeded by the spec's seed).
- ``replications``, ``seed``, ``until``, ``warmup``: as for compare (defaults: 5, the base
  scenario's seed, its horizon and warm-up).
- ``objective``: ``"min KPI"`` or ``"max KPI"``; ``pareto``: two such objectives.

Every point's scenario is validated before the sweep starts; a level the scenario format
does not accept is reported with the factor, the level and the validator's message.
"""

from __future__ import annotations

import copy
import itertools
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from twin_app.errors import Problem, ScenarioError, TwinError
from twin_app.io.json_path import parse_path, targets
from twin_app.model.limits import MAX_REPLICATIONS
from twin_app.model.suggest import did_you_mean

DESIGNS = ("factorial", "points", "lhs")
SPEC_KEYS = (
    "$schema",
    "name",
    "base",
    "design",
    "factors",
    "points",
    "samples",
    "replications",
    "seed",
    "until",
    "warmup",
    "objective",
    "pareto",
)
TIE = 1e-9
"""Relative difference below which two objective values are a tie (floating-point noise)."""
MAX_POINTS = 10_000
"""A design larger than this is refused: it is almost always a mistake in the levels."""


@dataclass(frozen=True, slots=True)
class Objective:
    """A KPI to minimise or maximise."""

    goal: Literal["min", "max"]
    kpi: str

    def better(self, a: float, b: float) -> bool:
        """Whether value ``a`` is better than ``b`` by more than rounding noise (1e-9 relative):
        two points that differ only in the last digits of a float are a tie."""
        tolerance = TIE * max(abs(a), abs(b), 1e-300)
        return a < b - tolerance if self.goal == "min" else a > b + tolerance


@dataclass(frozen=True, slots=True)
class Factor:
    """A path into the scenario and its levels (or, for lhs, its numeric range)."""

    path: str
    levels: tuple[Any, ...] = ()
    low: float | None = None
    high: float | None = None
    integer: bool = False


@dataclass(frozen=True)
class SweepSpec:
    """A checked sweep spec; ``points`` are the factor values of each design point."""

    source: str
    name: str
    base: Path
    base_data: dict[str, Any]
    design: str
    factors: tuple[Factor, ...]
    points: tuple[dict[str, Any], ...]
    replications: int
    seed: int | None
    until: float | None
    warmup: float | None
    objective: Objective | None
    pareto: tuple[Objective, Objective] | None
    base_shown: str | None = None
    """How results name the base (the desktop's "asset_light.json (edited)" for its scratch
    copy of an edited scenario); None: the base file's path."""

    def key(self) -> dict[str, Any]:
        """What makes two sweeps the same experiment (for ``--resume``)."""
        return {
            "base": self.base_data,
            "points": list(self.points),
            "seed": self.seed,
            "until": self.until,
            "warmup": self.warmup,
        }


def _suggest(word: str, choices: Any) -> str:
    """ "did you mean 'x'?" for the closest choice, or "" (a hint of its own, not a sentence tail)."""
    return did_you_mean(word, choices).lstrip("; ")


def _spec_error(source: str, place: str, message: str, hint: str = "") -> ScenarioError:
    return ScenarioError(source, [Problem(place, message, hint)])


def load_spec(path: str | Path) -> SweepSpec:
    """Read and check a sweep spec file (raises ScenarioError naming the place and the fix)."""
    path = Path(path)
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise TwinError(f"{path}: cannot read the sweep spec ({error})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise _spec_error(
            source, f"line {error.lineno}, column {error.colno}", f"not valid JSON: {error.msg}"
        ) from None
    return parse_spec(data, source, path.parent)


def parse_spec(data: Any, source: str, folder: Path) -> SweepSpec:
    """Check a spec already parsed from JSON; ``folder`` is where ``base`` is relative to."""
    from twin_app.io.scenario_file import read_text

    if not isinstance(data, dict):
        raise _spec_error(source, "", "a sweep spec must be a JSON object", "see docs/experiments.md")
    for key in data:
        if key not in SPEC_KEYS:
            raise _spec_error(source, key, "unknown key", _suggest(key, SPEC_KEYS) or f"use {', '.join(SPEC_KEYS)}")
    base_name = data.get("base")
    if not isinstance(base_name, str) or not base_name:
        raise _spec_error(source, "base", "the base scenario file is missing", 'add "base": "scenario.json"')
    base = (folder / base_name).resolve()
    try:
        base_data = json.loads(read_text(base))
    except ScenarioError:
        raise
    except (OSError, ValueError) as error:
        raise _spec_error(source, "base", f"cannot read the base scenario {base} ({error})") from None
    design = data.get("design", "factorial")
    if design not in DESIGNS:
        raise _spec_error(source, "design", f"unknown design {design!r}", _suggest(str(design), DESIGNS))
    factors = _factors(data, source, design, base_data)
    points = _points(data, source, design, factors, base_data)
    if not points:
        raise _spec_error(source, "factors", "the design has no points", "give each factor at least one level")
    if len(points) > MAX_POINTS:
        raise _spec_error(
            source,
            "factors",
            f"the design has {len(points):,} points, over {MAX_POINTS:,}",
            "use fewer levels, or design 'lhs' with a number of samples",
        )
    replications = _positive_int(data.get("replications", 5), source, "replications")
    if not 2 <= replications <= MAX_REPLICATIONS:
        raise _spec_error(
            source,
            "replications",
            f"must be from 2 (for a confidence interval) to {MAX_REPLICATIONS:,}, got {replications}",
        )
    seed = data.get("seed")
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 2**63):
        raise _spec_error(source, "seed", f"must be a whole number from 0 to 2^63 - 1, got {seed!r}")
    objective = _objective(data.get("objective"), source, "objective")
    pareto = data.get("pareto")
    pair = None
    if pareto is not None:
        if not isinstance(pareto, list) or len(pareto) != 2:
            raise _spec_error(
                source, "pareto", "must list two objectives", 'e.g. ["min cost.per_unit", "max on_time_rate"]'
            )
        first, second = (_objective(p, source, f"pareto[{i}]") for i, p in enumerate(pareto))
        assert first is not None and second is not None
        pair = (first, second)
    return SweepSpec(
        source,
        str(data.get("name") or Path(source).stem),
        base,
        base_data,
        design,
        factors,
        tuple(points),
        replications,
        seed,
        _minutes(data.get("until"), source, "until"),
        _minutes(data.get("warmup"), source, "warmup"),
        objective,
        pair,
    )


def _positive_int(value: Any, source: str, place: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise _spec_error(source, place, f"must be a whole number >= 1, got {value!r}")
    return value


def _minutes(value: Any, source: str, place: str) -> float | None:
    if value is None:
        return None
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value) or value < 0:
        raise _spec_error(source, place, f"must be a number of minutes >= 0, got {value!r}")
    return float(value)


def _objective(value: Any, source: str, place: str) -> Objective | None:
    if value is None:
        return None
    parts = value.split() if isinstance(value, str) else []
    if len(parts) != 2 or parts[0] not in ("min", "max"):
        raise _spec_error(source, place, f"must be 'min KPI' or 'max KPI', got {value!r}", 'e.g. "min cost.per_unit"')
    return Objective(parts[0], parts[1])  # type: ignore[arg-type]


def _factors(data: dict[str, Any], source: str, design: str, base: dict[str, Any]) -> tuple[Factor, ...]:
    raw = data.get("factors")
    if design == "points":
        if raw is not None:
            raise _spec_error(
                source, "factors", "a 'points' design lists its points, not factors", 'use "points": [...]'
            )
        listed = data.get("points")
        if not isinstance(listed, list) or not listed or not all(isinstance(p, dict) for p in listed):
            raise _spec_error(source, "points", "must be a list of objects mapping paths to values")
        paths: list[str] = []
        for point in listed:
            paths.extend(p for p in point if p not in paths)
        for path in paths:
            check_path(path, base, source, f"points: {path}")
        return tuple(Factor(path) for path in paths)
    if not isinstance(raw, dict) or not raw:
        raise _spec_error(
            source, "factors", "must map at least one path to its levels", 'e.g. {"lanes[*].vehicles": [2, 4]}'
        )
    factors = []
    for path, levels in raw.items():
        place = f"factors[{path!r}]"
        check_path(path, base, source, place)
        if design == "lhs":
            if not isinstance(levels, dict) or not {"min", "max"} <= set(levels):
                raise _spec_error(source, place, "an lhs factor needs a numeric range", '{"min": 1, "max": 6}')
            low, high = levels["min"], levels["max"]
            numbers = all(
                isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in (low, high)
            )
            if not numbers or not low < high:
                raise _spec_error(source, place, f"min must be a number below max, got {low!r} and {high!r}")
            integer = bool(levels.get("integer", False))
            if integer and math.floor(high) - math.ceil(low) < 1:
                raise _spec_error(
                    source,
                    place,
                    f"the range {low!r} to {high!r} holds fewer than two whole numbers",
                    "widen the range, or drop the factor",
                )
            factors.append(Factor(path, low=float(low), high=float(high), integer=integer))
        else:
            if not isinstance(levels, list) or not levels:
                raise _spec_error(source, place, "levels must be a non-empty list", "e.g. [2, 4, 6]")
            factors.append(Factor(path, tuple(levels)))
    return tuple(factors)


def _points(
    data: dict[str, Any], source: str, design: str, factors: tuple[Factor, ...], base: dict[str, Any]
) -> list[dict[str, Any]]:
    if design == "points":
        return [dict(p) for p in data["points"]]
    if design == "factorial":
        return [
            dict(zip((f.path for f in factors), combo, strict=True))
            for combo in itertools.product(*(f.levels for f in factors))
        ]
    samples = _positive_int(data.get("samples", 10), source, "samples")
    from scipy.stats import qmc

    seed = data.get("seed") if isinstance(data.get("seed"), int) else 0
    unit = qmc.LatinHypercube(d=len(factors), seed=seed).random(samples)
    points = []
    for row in unit:
        point: dict[str, Any] = {}
        for factor, u in zip(factors, row, strict=True):
            assert factor.low is not None and factor.high is not None
            if factor.integer:  # each whole number of [low, high] gets the same share of the strata
                first, last = math.ceil(factor.low), math.floor(factor.high)
                point[factor.path] = min(last, first + int(float(u) * (last - first + 1)))
            else:
                point[factor.path] = factor.low + float(u) * (factor.high - factor.low)
        points.append(point)
    return points


# --- paths (the syntax and the walk: twin_app.io.json_path, shared with the scenario editor) ---
def check_path(path: str, base: dict[str, Any], source: str, place: str) -> None:
    """Raise ScenarioError unless ``path`` names a field of the scenario format that exists here."""
    try:
        segments = parse_path(path)
    except ValueError as error:
        raise _spec_error(source, place, f"not a path: {error}", "write e.g. lanes[van-1].vehicles") from None
    schema = _schema()
    node: Any = schema
    walked = ""
    for name, selectors in segments:
        node = _resolve(schema, node)
        properties = _properties(schema, node)
        if properties is not None and name not in properties:
            extra = node.get("additionalProperties") if isinstance(node, dict) else None
            if not isinstance(extra, dict):
                hint = _suggest(name, properties) or f"fields here: {', '.join(sorted(properties))}"
                raise _spec_error(
                    source, place, f"the scenario format has no field {name!r} at {walked or 'the top'}", hint
                )
            node = extra
        elif properties is not None:
            node = properties[name]
        walked = f"{walked}.{name}" if walked else name
        for _ in selectors:
            node = _resolve(schema, node)
            items = node.get("items") if isinstance(node, dict) else None
            if items is None:
                raise _spec_error(source, place, f"{walked} is not a list, so it takes no [...]", "drop the brackets")
            node = items
    try:  # the list elements the selectors name must exist; missing objects on the way are made
        targets(copy.deepcopy(base), segments, create=True)
    except LookupError as error:
        raise _spec_error(source, place, str(error.args[0]), error.args[1] if len(error.args) > 1 else "") from None


def _resolve(schema: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _properties(schema: dict[str, Any], node: Any) -> dict[str, Any] | None:
    """The fields an object node allows (anyOf/oneOf branches merged), or None if not an object."""
    node = _resolve(schema, node)
    if not isinstance(node, dict):
        return None
    merged: dict[str, Any] = dict(node.get("properties") or {})
    for key in ("anyOf", "oneOf", "allOf"):
        for branch in node.get(key) or []:
            branch_properties = _properties(schema, branch)
            if branch_properties:
                for name, value in branch_properties.items():
                    merged.setdefault(name, value)
    if merged:
        return merged
    return {} if node.get("type") == "object" else None


_SCHEMA: dict[str, Any] | None = None


def _schema() -> dict[str, Any]:
    global _SCHEMA
    if _SCHEMA is None:
        from twin_app.io.scenario_file import scenario_json_schema

        _SCHEMA = scenario_json_schema()
    return _SCHEMA


def apply(base: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of the base scenario data with each path set to its value."""
    data = copy.deepcopy(base)
    for path, value in values.items():
        for container, key in targets(data, parse_path(path), create=True):
            container[key] = copy.deepcopy(value)
    return data
