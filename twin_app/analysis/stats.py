"""Confidence intervals over replications, without scipy.

The Student-t quantile is computed from the t distribution function, written with the
regularised incomplete beta function (a Lentz continued fraction) and inverted by bisection,
so it is accurate to ~1e-10 for any degrees of freedom and confidence level.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 400):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return h


def _betainc(a: float, b: float, x: float) -> float:
    """Regularised incomplete beta function I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    front = math.exp(log_front)
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    """P(T <= t) for Student's t with ``df`` degrees of freedom."""
    if df <= 0:
        raise ValueError(f"degrees of freedom must be positive, got {df}")
    tail = 0.5 * _betainc(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t >= 0 else tail


def t_quantile(p: float, df: float) -> float:
    """The p-quantile of Student's t with ``df`` degrees of freedom (0 < p < 1)."""
    if not 0.0 < p < 1.0:
        raise ValueError(f"probability must be in (0, 1), got {p}")
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    if df == 1:
        return math.tan(math.pi * (p - 0.5))  # Cauchy, exact
    if df == 2:
        return (2.0 * p - 1.0) / math.sqrt(2.0 * p * (1.0 - p))  # exact
    lo, hi = 0.0, 1.0
    while t_cdf(hi, df) < p:
        lo, hi = hi, hi * 2.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-12 * max(1.0, hi):
            break
    return 0.5 * (lo + hi)


def mean_ci(values: Sequence[float], confidence: float = 0.95) -> tuple[float, float]:
    """Mean of ``values`` and the half width of its Student-t confidence interval.

    With fewer than two values the half width is NaN (no spread to estimate); with none the
    mean is NaN too.
    """
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    data = [float(v) for v in values]
    n = len(data)
    if n == 0:
        return math.nan, math.nan
    mean = math.fsum(data) / n
    if n < 2:
        return mean, math.nan
    variance = math.fsum((v - mean) ** 2 for v in data) / (n - 1)
    half = t_quantile(0.5 + confidence / 2.0, n - 1) * math.sqrt(variance / n)
    return mean, half


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _finite_or_none(value: float) -> float | None:
    return value if math.isfinite(value) else None


def summarise_replications(kpis: Sequence[dict[str, Any]], confidence: float = 0.95) -> dict[str, Any]:
    """Combine the KPI dictionaries of several replications into one of the same shape.

    Each numeric leaf becomes ``{"mean": m, "ci95": half width}`` over the replications that
    have a number there (``None`` entries, e.g. no lead time in a replication, are left
    out; NaN/undefined results become ``None``). Other leaves (names, lists such as a
    ranking) are kept when every replication agrees and otherwise become the list of the
    replications' values. ``confidence`` sets the level reported under "ci95".
    """
    return _merge(list(kpis), confidence) if kpis else {}


def _merge(values: list[Any], confidence: float) -> Any:
    present = [v for v in values if v is not None]
    if not present:
        return None
    if all(isinstance(v, dict) for v in present):
        keys: list[str] = []
        for v in present:
            keys.extend(k for k in v if k not in keys)
        return {k: _merge([v.get(k) for v in present], confidence) for k in keys}
    if all(_is_number(v) for v in present):
        mean, half = mean_ci(present, confidence)
        return {"mean": _finite_or_none(mean), "ci95": _finite_or_none(half)}
    if all(v == present[0] for v in present):
        return present[0]
    return list(values)
