"""Small scenarios for the experiment tests: the tiny network, and M/M/1 queues."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"


def mm1_data(arrival_rate: float, horizon: float = 40_000.0, warmup: float = 2_000.0) -> dict[str, Any]:
    """One exponential server (mean 1 min) fed by Poisson orders: an M/M/1 queue."""
    return {
        "format_version": 1,
        "name": f"M/M/1 rho {arrival_rate:g}",
        "owners": [{"id": "shop"}],
        "sites": [{"id": "floor", "owner": "shop"}],
        "machines": [
            {
                "id": "server",
                "site": "floor",
                "capabilities": [{"step": "work", "time": {"dist": "exponential", "mean": 1}}],
            }
        ],
        "products": [{"id": "job", "family": "all", "routing": [{"capabilities": ["work"]}]}],
        "customers": [{"id": "world"}],
        "demand": {
            "streams": [
                {
                    "id": "arrivals",
                    "customer": "world",
                    "interarrival": {"dist": "exponential", "mean": 1 / arrival_rate},
                    "mix": {"job": 1},
                }
            ]
        },
        "platform": {"mode": "pull", "sequencing": "fifo"},
        "run": {"horizon": horizon, "warmup": warmup, "seed": 3},
    }


@pytest.fixture
def mm1():
    """``mm1(arrival_rate, horizon=..., warmup=...)``: the data of an M/M/1 scenario."""
    return mm1_data


@pytest.fixture
def tiny_file() -> Path:
    return DATA / "tiny.json"


@pytest.fixture
def write_json(tmp_path: Path):
    def write(name: str, data: Any) -> Path:
        path = tmp_path / name
        path.write_text(json.dumps(data), encoding="utf-8")
        return path

    return write


@pytest.fixture
def session():
    """A live run session (the desktop app's, without Qt), closed after the test."""
    from twin_app.experiments.session import RunSession

    s = RunSession()
    yield s
    s.close()
