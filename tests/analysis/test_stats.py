"""Student-t quantiles and confidence intervals over replications."""

from __future__ import annotations

import math

import pytest

from twin_app.analysis.stats import mean_ci, summarise_replications, t_quantile

# Two-sided 95 % (0.975 quantile) values from any statistics table.
T975 = {
    1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262,
    10: 2.228, 12: 2.179, 15: 2.131, 20: 2.086, 25: 2.060, 30: 2.042, 40: 2.021, 60: 2.000,
    120: 1.980, 100000: 1.960,
}  # fmt: skip


@pytest.mark.parametrize(("df", "expected"), sorted(T975.items()))
def test_t_quantile_matches_the_table(df: int, expected: float) -> None:
    assert t_quantile(0.975, df) == pytest.approx(expected, abs=1e-3)


def test_other_levels_and_symmetry() -> None:
    assert t_quantile(0.995, 4) == pytest.approx(4.604, abs=1e-3)
    assert t_quantile(0.95, 7) == pytest.approx(1.895, abs=1e-3)
    assert t_quantile(0.9995, 3) == pytest.approx(12.924, abs=1e-3)
    assert t_quantile(0.025, 10) == pytest.approx(-t_quantile(0.975, 10))
    assert t_quantile(0.5, 3) == 0.0


def test_mean_ci_of_five_values() -> None:
    mean, half = mean_ci([1, 2, 3, 4, 5])
    # sd = sqrt(2.5), standard error sqrt(0.5), t(0.975, 4) = 2.7764.
    assert mean == 3
    assert half == pytest.approx(2.776445 * math.sqrt(0.5), rel=1e-5)


def test_mean_ci_needs_two_values_for_a_width() -> None:
    assert math.isnan(mean_ci([4.0])[1]) and mean_ci([4.0])[0] == 4.0
    assert all(math.isnan(x) for x in mean_ci([]))
    with pytest.raises(ValueError, match="confidence"):
        mean_ci([1, 2], confidence=1.5)


def test_summarise_replications_keeps_the_shape() -> None:
    runs = [
        {"throughput": {"per_day": 10.0}, "lead_time": {"mean": 5.0}, "events": 100, "bottleneck": {"resource": "M0"}},
        {"throughput": {"per_day": 12.0}, "lead_time": {"mean": None}, "events": 110, "bottleneck": {"resource": "M0"}},
        {"throughput": {"per_day": 14.0}, "lead_time": {"mean": 7.0}, "events": 120, "bottleneck": {"resource": "M1"}},
    ]
    summary = summarise_replications(runs)
    assert summary["throughput"]["per_day"]["mean"] == pytest.approx(12.0)
    assert summary["throughput"]["per_day"]["ci95"] == pytest.approx(4.303 * 2 / math.sqrt(3), abs=1e-2)
    assert summary["lead_time"]["mean"]["mean"] == pytest.approx(6.0)  # the None is left out
    assert summary["events"]["mean"] == pytest.approx(110)
    assert summary["bottleneck"]["resource"] == ["M0", "M0", "M1"]  # they disagree: all kept
    assert summarise_replications(runs[:2])["bottleneck"]["resource"] == "M0"
    single = summarise_replications(runs[:1])
    assert single["events"] == {"mean": 100.0, "ci95": None}
