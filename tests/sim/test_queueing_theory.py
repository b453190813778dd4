"""The twin against queueing theory (tests/data/benchmarks/queueing_reference.md).

Each model is written as an ordinary scenario (Poisson orders, exponential or constant
machine times, FIFO, no setups or failures), run for independent replications, and each
reference value (L, W, Wq, utilisation) must lie inside the twin's 95% confidence interval,
whose half-width must be at most 5% of the value. The reference values are read from the
machine-readable block of the reference file, not copied here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from twin_app.analysis.queueing import queueing_summary
from twin_app.analysis.stats import mean_ci
from twin_app.experiments.runner import run_replications
from twin_app.io.scenario_file import scenario_from_data

BENCHMARKS = Path(__file__).resolve().parents[1] / "data" / "benchmarks"

pytestmark = pytest.mark.slow

WARMUP = 10_000.0


def reference() -> dict[str, Any]:
    text = (BENCHMARKS / "queueing_reference.md").read_text(encoding="utf-8")
    block = re.search(r"```json\n(.*?)```", text, re.DOTALL)
    assert block is not None, "machine-readable block missing from queueing_reference.md"
    return json.loads(block.group(1))


def exponential(mean: float) -> dict[str, Any]:
    return {"dist": "exponential", "mean": mean}


def scenario(
    stations: list[dict[str, Any]],
    routing: list[dict[str, Any]],
    arrival_rate: float,
    horizon: float,
    mode: str = "pull",
) -> Any:
    """One site, one customer, Poisson arrivals of one product with ``routing``."""
    machines = []
    for station in stations:
        for copy in range(station.get("servers", 1)):
            machines.append(
                {
                    "id": f"{station['id']}-{copy}" if station.get("servers", 1) > 1 else station["id"],
                    "site": "floor",
                    "capabilities": [{"step": station["id"], "time": station["time"]}],
                }
            )
    data = {
        "format_version": 1,
        "name": "queueing model",
        "owners": [{"id": "shop"}],
        "sites": [{"id": "floor", "owner": "shop"}],
        "machines": machines,
        "products": [{"id": "job", "family": "all", "routing": routing}],
        "customers": [{"id": "world"}],
        "demand": {
            "streams": [{"customer": "world", "interarrival": exponential(1 / arrival_rate), "mix": {"job": 1}}]
        },
        "platform": {"mode": mode, "sequencing": "fifo"},
        "run": {"horizon": horizon, "warmup": WARMUP, "seed": 5},
    }
    return scenario_from_data(data, "queueing model")


def replicate(model: Any, replications: int) -> dict[str, tuple[float, float]]:
    results = run_replications(model, replications, measure=queueing_summary, workers=2)
    names = results[0].kpis.keys()
    return {name: mean_ci([r.kpis[name] for r in results]) for name in names}


def assert_matches(measured: dict[str, tuple[float, float]], name: str, expected: float) -> None:
    mean, half = measured[name]
    assert abs(mean - expected) <= half, f"{name}: reference {expected} outside {mean:.4f} ± {half:.4f}"
    assert half <= 0.05 * expected, f"{name}: half-width {half:.4f} is more than 5% of {expected}"


def test_mm1_single_machine() -> None:
    ref = reference()["mm1"]
    model = scenario(
        [{"id": "m", "time": exponential(1 / ref["mu"])}],
        [{"capabilities": ["m"]}],
        ref["lam"],
        horizon=WARMUP + 100_000,
    )
    measured = replicate(model, 10)
    for name, key in (("L", "L"), ("W", "W"), ("Wq[m]", "Wq"), ("utilisation[m]", "rho"), ("L[m]", "L")):
        assert_matches(measured, name, ref[key])


def test_mm3_pooled_queue_in_pull_mode() -> None:
    ref = reference()["mm3"]
    model = scenario(
        [{"id": "m", "servers": ref["c"], "time": exponential(1 / ref["mu"])}],
        [{"capabilities": ["m"]}],
        ref["lam"],
        horizon=WARMUP + 30_000,
    )
    assert len(model.machines) == ref["c"], "three interchangeable machines sharing one pooled queue"
    # Wq of the pooled queue varies most between replications: 20 keep its CI within 5%
    measured = replicate(model, 20)
    for name, key in (("L", "L"), ("W", "W"), ("Wq[m]", "Wq"), ("utilisation[m]", "rho"), ("L[m]", "L")):
        assert_matches(measured, name, ref[key])


def test_md1_constant_service_halves_the_queue() -> None:
    ref = reference()["md1"]
    model = scenario([{"id": "m", "time": ref["D"]}], [{"capabilities": ["m"]}], ref["lam"], horizon=WARMUP + 60_000)
    measured = replicate(model, 10)
    for name, key in (("L", "L"), ("W", "W"), ("Wq[m]", "Wq"), ("utilisation[m]", "rho")):
        assert_matches(measured, name, ref[key])


def test_tandem_line_behaves_as_two_independent_mm1() -> None:
    ref = reference()["tandem"]
    stations = [{"id": f"s{i}", "time": exponential(1 / mu)} for i, mu in enumerate(ref["mu"])]
    model = scenario(
        stations, [{"capabilities": ["s0"]}, {"capabilities": ["s1"]}], ref["lam"], horizon=WARMUP + 100_000
    )
    measured = replicate(model, 10)
    assert_matches(measured, "L", ref["L_total"])
    assert_matches(measured, "W", ref["W_total"])
    for i in range(2):
        assert_matches(measured, f"L[s{i}]", ref["L"][i])
        assert_matches(measured, f"Wq[s{i}]", ref["Wq"][i])
        assert_matches(measured, f"utilisation[s{i}]", ref["rho"][i])


def test_open_jackson_network_with_rework() -> None:
    ref = reference()["jackson3"]
    # Node 1 -> node 2 with p 0.7 (else straight to node 3); node 3 -> back to node 1 with p 0.1.
    stations = [
        {"id": f"n{i}", "servers": c, "time": exponential(1 / mu)}
        for i, (mu, c) in enumerate(zip(ref["mu"], ref["c"], strict=True))
    ]
    routing = [
        {"capabilities": ["n0"]},
        {"capabilities": ["n1"], "probability": ref["P"][0][1]},
        {"capabilities": ["n2"], "rework": {"probability": ref["P"][2][0], "back_to": 0}},
    ]
    model = scenario(stations, routing, ref["gamma"][0], horizon=WARMUP + 100_000)
    measured = replicate(model, 10)
    assert_matches(measured, "L", ref["L_network"])
    assert_matches(measured, "W", ref["W_per_job"])
    assert_matches(measured, "L[n0]", ref["L"][0])
    assert_matches(measured, "L[n1]", ref["L"][1])
    assert_matches(measured, "Wq[n0]", ref["Wq_per_visit"][0])
    assert_matches(measured, "Wq[n1]", ref["Wq_per_visit"][1])
    assert_matches(measured, "L[n2]", ref["L"][2])
    assert_matches(measured, "Wq[n2]", ref["Wq_per_visit"][2])
    for i in range(3):
        assert_matches(measured, f"utilisation[n{i}]", ref["rho"][i])
