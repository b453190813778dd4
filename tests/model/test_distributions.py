"""Random times: each distribution samples what its parameters promise.

A scenario's times drive every KPI: a distribution whose sample mean drifts from its stated
mean, or that yields a negative time, would bias lead times and utilisations silently.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from twin_app.model.distributions import (
    Constant,
    Distribution,
    DistributionSpecError,
    Empirical,
    Erlang,
    Exponential,
    Gamma,
    Lognormal,
    Normal,
    Triangular,
    Uniform,
    parse_distribution,
    sampler,
)

DRAWS = 20_000

# distribution, exact mean of what it samples, its file form
KINDS: list[tuple[Distribution, float, object]] = [
    (Constant(4.5), 4.5, 4.5),
    (Exponential(6.0), 6.0, {"dist": "exponential", "mean": 6.0}),
    (Uniform(0.5, 1.5), 1.0, {"dist": "uniform", "low": 0.5, "high": 1.5}),
    (Triangular(10.0, 20.0, 40.0), 70 / 3, {"dist": "triangular", "low": 10.0, "mode": 20.0, "high": 40.0}),
    (Normal(30.0, 5.0), 30.0, {"dist": "normal", "mean": 30.0, "sd": 5.0}),
    (Lognormal(7.0, 2.0), 7.0, {"dist": "lognormal", "mean": 7.0, "sd": 2.0}),
    (Gamma(2.5, 8.0), 8.0, {"dist": "gamma", "shape": 2.5, "mean": 8.0}),
    (Erlang(3.0, 9.0), 9.0, {"dist": "erlang", "k": 3, "mean": 9.0}),
    (
        Empirical((1.0, 2.0, 5.0), (5.0, 3.0, 1.0)),
        16 / 9,
        {"dist": "empirical", "values": [1.0, 2.0, 5.0], "weights": [5.0, 3.0, 1.0]},
    ),
]
IDS = [type(kind[0]).__name__ for kind in KINDS]


@pytest.mark.parametrize(("distribution", "mean", "form"), KINDS, ids=IDS)
def test_sample_mean_matches_the_stated_mean(distribution: Distribution, mean: float, form: object) -> None:
    values = distribution.draw(np.random.default_rng(20240), DRAWS)
    assert distribution.mean == pytest.approx(mean)
    standard_error = max(float(values.std()), 1e-12) / math.sqrt(DRAWS)
    assert abs(float(values.mean()) - mean) < 5 * standard_error + 1e-9


@pytest.mark.parametrize(("distribution", "mean", "form"), KINDS, ids=IDS)
def test_never_negative(distribution: Distribution, mean: float, form: object) -> None:
    assert float(distribution.draw(np.random.default_rng(7), DRAWS).min()) >= 0.0


def test_normal_close_to_zero_is_truncated_not_negative() -> None:
    values = Normal(1.0, 2.0).draw(np.random.default_rng(3), DRAWS)
    assert values.min() >= 0.0
    assert values.mean() > 1.0, "truncation at zero shifts the mean up; redrawing must not clip to 0"


def test_lognormal_has_the_stated_spread() -> None:
    values = Lognormal(7.0, 2.0).draw(np.random.default_rng(11), 200_000)
    assert float(values.std()) == pytest.approx(2.0, rel=0.03)


@pytest.mark.parametrize(("distribution", "mean", "form"), KINDS, ids=IDS)
def test_file_form_round_trips(distribution: Distribution, mean: float, form: object) -> None:
    assert distribution.to_json() == form
    assert parse_distribution(distribution.to_json()) == distribution


def test_empirical_weights_default_to_equal() -> None:
    assert parse_distribution({"dist": "empirical", "values": [2, 4]}) == Empirical((2.0, 4.0), (1.0, 1.0))


@pytest.mark.parametrize(
    ("form", "fragment"),
    [
        (-1, "cannot be negative"),
        ({"dist": "exponentail", "mean": 1}, "did you mean 'exponential'?"),
        ({"mean": 1}, "needs a 'dist' key"),
        ({"dist": "uniform", "low": 2, "high": 1}, "'high' must be >= 'low'"),
        ({"dist": "triangular", "low": 1, "mode": 5, "high": 3}, "low <= mode <= high"),
        ({"dist": "normal", "mean": 3}, "missing 'sd'"),
        ({"dist": "gamma", "shape": 0, "mean": 3}, "'shape' must be > 0"),
        ({"dist": "exponential", "mean": "5"}, "must be a number"),
        ({"dist": "empirical", "values": []}, "non-empty list"),
        ({"dist": "empirical", "values": [1, 2], "weights": [1]}, "one per value"),
        ("5", "expected a number or an object"),
    ],
)
def test_wrong_forms_say_what_is_wrong(form: object, fragment: str) -> None:
    with pytest.raises(DistributionSpecError) as caught:
        parse_distribution(form)
    assert fragment in str(caught.value)


def test_sampler_is_reproducible_and_follows_the_generator() -> None:
    """Same seed, same times (reproducible runs); the block buffer does not reorder draws."""
    distribution = Exponential(3.0)
    first = sampler(distribution, np.random.default_rng(5))
    second = sampler(distribution, np.random.default_rng(5))
    a = [first() for _ in range(1500)]
    assert a == [second() for _ in range(1500)]
    direct = distribution.draw(np.random.default_rng(5), 512).tolist()
    assert a[:512] == direct


def test_constant_sampler_does_not_touch_the_generator() -> None:
    """Common random numbers: making one time constant must not shift the others' streams."""
    rng = np.random.default_rng(9)
    state = rng.bit_generator.state
    next_value = sampler(Constant(2.0), rng)
    assert [next_value() for _ in range(3)] == [2.0, 2.0, 2.0]
    assert rng.bit_generator.state == state
