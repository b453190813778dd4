"""Random times: a constant or a distribution, as the scenario file writes them.

In a file a time is either a plain number (a constant) or an object with a ``dist`` key, e.g.
``{"dist": "exponential", "mean": 5}``. Every distribution is non-negative: normal and
lognormal are truncated at zero by redrawing. Sampling goes through :func:`sampler`, which
draws from an explicit ``numpy.random.Generator`` in blocks, because one numpy call per value
costs more than the whole rest of an event in the simulation.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from twin_app.model.limits import MAX_COEFFICIENT_OF_VARIATION, MAX_NUMBER, MAX_TIME, MIN_GAMMA_SHAPE

_BLOCK = 512


class DistributionSpecError(ValueError):
    """A distribution written wrongly; the message says which parameter and why."""


@dataclass(frozen=True, slots=True)
class Distribution:
    """Base of all time distributions: a mean, a sampler and the file form."""

    kind: ClassVar[str] = ""

    @property
    def mean(self) -> float:
        raise NotImplementedError

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``size`` independent values, all >= 0."""
        raise NotImplementedError

    def to_json(self) -> Any:
        """The form written to a scenario file (a number for a constant)."""
        names: tuple[str, ...] = self.__slots__  # type: ignore[attr-defined]
        fields = {name: getattr(self, name) for name in names}
        return {"dist": self.kind, **{k: list(v) if isinstance(v, tuple) else v for k, v in fields.items()}}


@dataclass(frozen=True, slots=True)
class Constant(Distribution):
    kind: ClassVar[str] = "constant"
    value: float

    @property
    def mean(self) -> float:
        return self.value

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return np.full(size, self.value)

    def to_json(self) -> Any:
        return self.value


@dataclass(frozen=True, slots=True)
class Exponential(Distribution):
    kind: ClassVar[str] = "exponential"
    mean_value: float

    @property
    def mean(self) -> float:
        return self.mean_value

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.exponential(self.mean_value, size)

    def to_json(self) -> Any:
        return {"dist": self.kind, "mean": self.mean_value}


@dataclass(frozen=True, slots=True)
class Uniform(Distribution):
    kind: ClassVar[str] = "uniform"
    low: float
    high: float

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.uniform(self.low, self.high, size)


@dataclass(frozen=True, slots=True)
class Triangular(Distribution):
    kind: ClassVar[str] = "triangular"
    low: float
    mode: float
    high: float

    @property
    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        if self.low == self.high:
            return np.full(size, self.low)
        return rng.triangular(self.low, self.mode, self.high, size)


def _redraw_negatives(values: np.ndarray, again: Callable[[int], np.ndarray]) -> np.ndarray:
    """Truncate at zero by redrawing the negative values (keeps the shape above zero)."""
    negative = values < 0
    while negative.any():
        values[negative] = again(int(negative.sum()))
        negative = values < 0
    return values


@dataclass(frozen=True, slots=True)
class Normal(Distribution):
    """Normal with the given mean and sd, truncated at zero (the mean shown is before truncation)."""

    kind: ClassVar[str] = "normal"
    mean_value: float
    sd: float

    @property
    def mean(self) -> float:
        return self.mean_value

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return _redraw_negatives(
            rng.normal(self.mean_value, self.sd, size),
            lambda n: rng.normal(self.mean_value, self.sd, n),
        )

    def to_json(self) -> Any:
        return {"dist": self.kind, "mean": self.mean_value, "sd": self.sd}


@dataclass(frozen=True, slots=True)
class Lognormal(Distribution):
    """Lognormal given by the mean and sd of the time itself (not of its logarithm)."""

    kind: ClassVar[str] = "lognormal"
    mean_value: float
    sd: float

    @property
    def mean(self) -> float:
        return self.mean_value

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        sigma2 = math.log1p((self.sd / self.mean_value) ** 2)
        mu = math.log(self.mean_value) - sigma2 / 2
        return rng.lognormal(mu, math.sqrt(sigma2), size)

    def to_json(self) -> Any:
        return {"dist": self.kind, "mean": self.mean_value, "sd": self.sd}


@dataclass(frozen=True, slots=True)
class Gamma(Distribution):
    """Gamma with a shape and a mean; an Erlang-k is a gamma with integer shape k."""

    kind: ClassVar[str] = "gamma"
    shape: float
    mean_value: float

    @property
    def mean(self) -> float:
        return self.mean_value

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.gamma(self.shape, self.mean_value / self.shape, size)

    def to_json(self) -> Any:
        return {"dist": self.kind, "shape": self.shape, "mean": self.mean_value}


@dataclass(frozen=True, slots=True)
class Erlang(Gamma):
    kind: ClassVar[str] = "erlang"

    def to_json(self) -> Any:
        return {"dist": self.kind, "k": int(self.shape), "mean": self.mean_value}


@dataclass(frozen=True, slots=True)
class Empirical(Distribution):
    """Values observed on the shop floor, drawn with the given weights (equal by default)."""

    kind: ClassVar[str] = "empirical"
    values: tuple[float, ...]
    weights: tuple[float, ...]

    @property
    def mean(self) -> float:
        p = self.probabilities()
        return float(np.dot(np.asarray(self.values), p))

    def probabilities(self) -> np.ndarray:
        """The weights scaled to sum to 1 (scaled by the largest first, so no sum overflows)."""
        weights = np.asarray(self.weights, dtype=float)
        weights = weights / weights.max()
        return weights / weights.sum()

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.choice(np.asarray(self.values), size=size, p=self.probabilities())

    def to_json(self) -> Any:
        return {"dist": self.kind, "values": list(self.values), "weights": list(self.weights)}


def sampler(distribution: Distribution, rng: np.random.Generator) -> Callable[[], float]:
    """A zero-argument function giving the next value, drawn from ``rng`` in blocks.

    The sequence of values depends only on the distribution and the generator, so the same
    seed gives the same times. Constants skip the generator entirely.
    """
    if isinstance(distribution, Constant):
        return itertools.repeat(float(distribution.value)).__next__
    # The next block is drawn when a call finds the last one used up, as a buffer refilled on
    # demand would be; the iterator's own ``__next__`` costs a third of a Python function's call.
    blocks = iter(lambda: distribution.draw(rng, _BLOCK).tolist(), None)
    return itertools.chain.from_iterable(blocks).__next__


# ---------------------------------------------------------------------------------------------
# Reading the file form
# ---------------------------------------------------------------------------------------------

# For each kind: the parameters it takes, and a check of them returning an error message or "".
_KINDS: dict[str, tuple[tuple[str, ...], Callable[..., str]]] = {
    "constant": (("value",), lambda value: "" if value >= 0 else "'value' must be >= 0"),
    "exponential": (("mean",), lambda mean: "" if mean > 0 else "'mean' must be > 0"),
    "uniform": (
        ("low", "high"),
        lambda low, high: "'low' must be >= 0" if low < 0 else ("'high' must be >= 'low'" if high < low else ""),
    ),
    "triangular": (
        ("low", "mode", "high"),
        lambda low, mode, high: (
            "'low' must be >= 0" if low < 0 else ("" if low <= mode <= high else "need low <= mode <= high")
        ),
    ),
    "normal": (
        ("mean", "sd"),
        lambda mean, sd: "'mean' must be > 0" if mean <= 0 else ("'sd' must be >= 0" if sd < 0 else ""),
    ),
    "lognormal": (
        ("mean", "sd"),
        lambda mean, sd: (
            "'mean' must be > 0"
            if mean <= 0
            else (
                "'sd' must be >= 0"
                if sd < 0
                else (
                    f"'sd' must be at most {MAX_COEFFICIENT_OF_VARIATION:g} x 'mean' "
                    "(the MAX_COEFFICIENT_OF_VARIATION limit)"
                    if sd > MAX_COEFFICIENT_OF_VARIATION * mean
                    else ""
                )
            )
        ),
    ),
    "gamma": (
        ("shape", "mean"),
        lambda shape, mean: (
            "'shape' must be > 0"
            if shape <= 0
            else (
                f"'shape' must be at least {MIN_GAMMA_SHAPE:g} (the MIN_GAMMA_SHAPE limit)"
                if shape < MIN_GAMMA_SHAPE
                else ("'mean' must be > 0" if mean <= 0 else "")
            )
        ),
    ),
    "erlang": (
        ("k", "mean"),
        lambda k, mean: (
            "'k' must be a whole number >= 1" if k < 1 or k != int(k) else ("'mean' must be > 0" if mean <= 0 else "")
        ),
    ),
}
DISTRIBUTION_KINDS: tuple[str, ...] = (*_KINDS, "empirical")


def _is_number(value: object) -> bool:
    """A finite int or float (not a bool); an int of any size counts (bounds are checked apart)."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


def _too_large(value: float, limit: float = MAX_TIME) -> bool:
    """Whether ``value`` exceeds ``limit`` (exact for ints too large for a float)."""
    return abs(value) > limit


def parse_distribution(raw: object) -> Distribution:
    """The distribution a file writes as ``raw``; raises DistributionSpecError saying why not."""
    if _is_number(raw):
        if raw < 0:  # type: ignore[operator]
            raise DistributionSpecError(f"a time cannot be negative (got {_short(raw)})")
        if _too_large(raw):  # type: ignore[arg-type]
            raise DistributionSpecError(f"a time must be at most {MAX_TIME:g} (the MAX_TIME limit), got {_short(raw)}")
        return Constant(float(raw))  # type: ignore[arg-type]
    if isinstance(raw, Distribution):
        return raw
    if not isinstance(raw, Mapping):
        raise DistributionSpecError(
            f'expected a number or an object like {{"dist": "exponential", "mean": 5}}, got {raw!r}'
        )
    kind = raw.get("dist")
    if kind is None:
        raise DistributionSpecError("a distribution object needs a 'dist' key, one of " + ", ".join(DISTRIBUTION_KINDS))
    if kind not in DISTRIBUTION_KINDS:
        from twin_app.model.suggest import did_you_mean

        raise DistributionSpecError(
            f"unknown distribution {kind!r}{did_you_mean(str(kind), DISTRIBUTION_KINDS)}; "
            f"use one of {', '.join(DISTRIBUTION_KINDS)}"
        )
    if kind == "empirical":
        return _parse_empirical(raw)
    names, check = _KINDS[kind]
    extra = sorted(set(raw) - {"dist", *names})
    missing = [name for name in names if name not in raw]
    if extra or missing:
        parts = []
        if missing:
            parts.append("missing " + ", ".join(repr(m) for m in missing))
        if extra:
            parts.append("unknown " + ", ".join(repr(e) for e in extra))
        raise DistributionSpecError(f"{kind} takes {', '.join(names)}: {'; '.join(parts)}")
    values = [raw[name] for name in names]
    for name, value in zip(names, values, strict=True):
        if not _is_number(value):
            raise DistributionSpecError(f"{kind} '{name}' must be a number, got {_short(value)}")
        if _too_large(value):
            raise DistributionSpecError(
                f"{kind} '{name}' must be at most {MAX_TIME:g} (the MAX_TIME limit), got {_short(value)}"
            )
    problem = check(*values)
    if problem:
        raise DistributionSpecError(f"{kind}: {problem}")
    return _build(kind, [float(v) for v in values])


def _build(kind: str, v: list[float]) -> Distribution:
    match kind:
        case "constant":
            return Constant(v[0])
        case "exponential":
            return Exponential(v[0])
        case "uniform":
            return Uniform(v[0], v[1])
        case "triangular":
            return Triangular(v[0], v[1], v[2])
        case "normal":
            return Normal(v[0], v[1])
        case "lognormal":
            return Lognormal(v[0], v[1])
        case "gamma":
            return Gamma(v[0], v[1])
        case _:
            return Erlang(v[0], v[1])


def _parse_empirical(raw: Mapping[str, Any]) -> Empirical:
    extra = sorted(set(raw) - {"dist", "values", "weights"})
    if extra:
        raise DistributionSpecError(f"empirical takes values and weights; unknown {', '.join(map(repr, extra))}")
    values = raw.get("values")
    if not isinstance(values, list) or not values or not all(_is_number(v) for v in values):
        raise DistributionSpecError("empirical 'values' must be a non-empty list of numbers")
    if any(v < 0 for v in values):
        raise DistributionSpecError("empirical 'values' cannot be negative")
    if any(_too_large(v) for v in values):
        raise DistributionSpecError(f"empirical 'values' must be at most {MAX_TIME:g} (the MAX_TIME limit)")
    weights = raw.get("weights", [1.0] * len(values))
    if not isinstance(weights, list) or len(weights) != len(values) or not all(_is_number(w) for w in weights):
        raise DistributionSpecError("empirical 'weights' must be a list of numbers, one per value")
    if any(w < 0 for w in weights) or not any(w > 0 for w in weights):
        raise DistributionSpecError("empirical 'weights' must be >= 0 and not all zero")
    if any(_too_large(w, MAX_NUMBER) for w in weights):
        raise DistributionSpecError(f"empirical 'weights' must be at most {MAX_NUMBER:g} (the MAX_NUMBER limit)")
    return Empirical(tuple(float(v) for v in values), tuple(float(w) for w in weights))


def _short(value: object) -> str:
    """``value`` for a message, cut short (a 5,000-digit number is not worth printing)."""
    try:
        text = repr(value)
    except ValueError:  # an int with more digits than Python converts to text
        return "a number with thousands of digits"
    return text if len(text) <= 40 else text[:37] + "..."


def distribution_json_schema() -> dict[str, Any]:
    """JSON Schema of the file form, for editors' autocompletion."""
    number = {"type": "number"}
    variants: list[dict[str, Any]] = [{"type": "number", "minimum": 0, "description": "a constant time"}]
    for kind, (names, _check) in _KINDS.items():
        variants.append(
            {
                "type": "object",
                "properties": {"dist": {"const": kind}, **{name: number for name in names}},
                "required": ["dist", *names],
                "additionalProperties": False,
            }
        )
    variants.append(
        {
            "type": "object",
            "properties": {
                "dist": {"const": "empirical"},
                "values": {"type": "array", "items": number, "minItems": 1},
                "weights": {"type": "array", "items": number},
            },
            "required": ["dist", "values"],
            "additionalProperties": False,
        }
    )
    return {"description": "a time: a number, or a distribution object with a 'dist' key", "anyOf": variants}
