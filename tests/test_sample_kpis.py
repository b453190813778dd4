"""The sample networks' measured numbers (sample_networks/README.md, the conclusions in README.md,
the last sentence of each description) are what scripts/sample_kpis.py computes today, and the
comparisons their prose makes still hold."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _script():
    spec = importlib.util.spec_from_file_location("sample_kpis", ROOT / "scripts" / "sample_kpis.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_the_samples_numbers_are_up_to_date(capsys) -> None:
    """About a minute: every sample runs its replications. When it fails, run
    ``python scripts/sample_kpis.py`` and commit what it writes."""
    assert _script().main(["--check"]) == 0, capsys.readouterr().err


def test_the_claims_are_checked_against_the_numbers() -> None:
    """Made-up results that bear out every claim; then the hub turns punctual, and the script
    refuses to write its prose, naming that claim alone."""
    script = _script()
    fake = {name: _fake() for name in (*script.NAMES, "demo_long")}
    fake["asset_heavy"].update(on_time_rate=0.99, lead_time={"mean": 200.0})
    fake["asset_heavy"]["profit"]["by_owner"]["bikeworks"] = 5.0
    fake["asset_light"]["cost"]["per_unit"] = 90.0
    fake["asset_light"]["co2"]["transport"] = 150.0
    fake["logistics_hub"].update(on_time_rate=0.8)
    fake["logistics_hub"]["logistics"].update(cost={"per_unit": 5.0}, co2_per_unit=0.5)
    fake["data_sharing_hidden"]["lead_time"] = {"mean": 900.0}
    fake["tiers_direct"]["lead_time"] = {"mean": 200.0}
    script.check_claims(fake)
    fake["logistics_hub"]["on_time_rate"] = 1.0
    with pytest.raises(script.ClaimFailed, match=r"no longer true: the hub is late more often \("):
        script.check_claims(fake)


def _fake() -> dict:
    """The KPIs the claims read, equal in every sample."""
    return {
        "on_time_rate": 0.9,
        "lead_time": {"mean": 300.0},
        "cost": {"per_unit": 100.0, "per_unit_by_component": {"transport": 10.0}},
        "co2": {"per_unit": 1.0, "transport": 100.0},
        "throughput": {"units_per_time_unit": 0.1},
        "window": {"length": 1000.0},
        "profit": {"by_owner": {"bikeworks": 1.0}},
        "logistics": {"cost": {"per_unit": 10.0}, "co2_per_unit": 1.0},
    }
