"""Estimates over replications, and paired differences between scenarios.

Compared scenarios run with the same replication seeds (common random numbers): replication
``r`` of scenario A and of scenario B see the same random streams wherever the scenarios are
the same. The difference B - A is then estimated from the per-replication differences
``D_r = B_r - A_r`` with a Student-t interval (the paired-t confidence interval of Law,
*Simulation Modeling and Analysis*, section 10.2.1): its variance is
``Var(A) + Var(B) - 2 Cov(A, B)``, smaller than the sum whenever CRN makes A and B move
together. "Significant" means the interval excludes zero.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from twin_app.analysis.stats import mean_ci

CONFIDENCE = 0.95


@dataclass(frozen=True, slots=True)
class Estimate:
    """A KPI's mean over replications with the half-width of its 95% confidence interval."""

    mean: float | None
    half_width: float | None
    n: int

    def to_dict(self) -> dict[str, Any]:
        return {"mean": self.mean, "ci95": self.half_width, "n": self.n}


@dataclass(frozen=True, slots=True)
class Difference:
    """A paired difference (scenario minus baseline) with its 95% confidence interval."""

    mean: float | None
    half_width: float | None
    n: int
    relative: float | None
    """The difference as a fraction of the baseline's mean (None when that mean is 0)."""

    @property
    def significant(self) -> bool:
        """Whether the 95% interval excludes zero (never with fewer than two pairs)."""
        if self.mean is None or self.half_width is None or self.n < 2:
            return False
        return abs(self.mean) > self.half_width

    @property
    def low(self) -> float | None:
        return None if self.mean is None or self.half_width is None else self.mean - self.half_width

    @property
    def high(self) -> float | None:
        return None if self.mean is None or self.half_width is None else self.mean + self.half_width

    def to_dict(self) -> dict[str, Any]:
        return {
            "mean": self.mean,
            "ci95": self.half_width,
            "n": self.n,
            "relative": self.relative,
            "significant": self.significant,
        }


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def estimate(values: Sequence[float | None]) -> Estimate:
    """Mean and 95% CI half-width of the replications that have a number."""
    present = [v for v in values if v is not None]
    if not present:
        return Estimate(None, None, 0)
    mean, half = mean_ci(present, CONFIDENCE)
    return Estimate(_finite(mean), _finite(half), len(present))


def paired_difference(baseline: Sequence[float | None], other: Sequence[float | None]) -> Difference:
    """The paired difference ``other - baseline`` over the replications both have a number for.

    ``baseline[r]`` and ``other[r]`` must come from the same replication seed.
    """
    if len(baseline) != len(other):
        raise ValueError(f"paired samples differ in length: {len(baseline)} and {len(other)}")
    pairs = [(a, b) for a, b in zip(baseline, other, strict=True) if a is not None and b is not None]
    if not pairs:
        return Difference(None, None, 0, None)
    differences = [b - a for a, b in pairs]
    if all(d == 0.0 for d in differences):
        mean, half = 0.0, 0.0 if len(differences) > 1 else math.nan  # identical runs: no spread at all
    else:
        mean, half = mean_ci(differences, CONFIDENCE)
    base_mean = math.fsum(a for a, _ in pairs) / len(pairs)
    relative = mean / abs(base_mean) if base_mean != 0 else None
    return Difference(_finite(mean), _finite(half), len(pairs), relative if relative is None else _finite(relative))
