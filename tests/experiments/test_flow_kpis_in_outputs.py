"""Issue 10's KPIs reach every output of a comparison: --json (the rows), the text table and
the HTML report carry trips, fill rate, fleet cost, transport CO2, energy, scrap and returns."""

from __future__ import annotations

import json
from pathlib import Path

from twin_app.experiments.compare import compare
from twin_app.experiments.html_report import render_report

TINY = Path(__file__).resolve().parents[1] / "data" / "tiny.json"


def _flows(tmp_path: Path) -> Path:
    """tiny.json with lanes by the km, machines drawing power, a machine that scraps, and
    kits taken back (covers remanufactured by a teardown on the mill)."""
    data = json.loads(TINY.read_text(encoding="utf-8"))
    data["format_version"] = 2
    data["platform"]["fee"] = 0
    for lane in data["lanes"]:
        lane.update(cost_per_km=1.0, vehicle_cost_per_day=100, co2_per_km_empty=0.2, co2_per_km_full=0.3)
    for site in data["sites"]:
        site.update(energy_price=0.2, grid_co2=0.4)
    for machine in data["machines"]:
        machine["power"] = {"busy": 10, "idle": 2}
    data["machines"][0]["yield_rate"] = 0.9
    data["products"].append({"id": "teardown", "routing": [{"capabilities": ["mill"]}]})
    data["products"][2]["take_back"] = {"share": 0.5, "delay": 120, "process": "teardown", "replaces": "cover"}
    path = tmp_path / "flows.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_json_table_and_report_carry_the_flow_kpis(tmp_path: Path) -> None:
    path = _flows(tmp_path)
    result = compare([path, path], replications=2, until=2880.0, workers=1)
    means = {row["kpi"]: row["flows (1) mean"] for row in result.rows()}
    for kpi in (
        "logistics.trips",
        "logistics.fill_rate",
        "logistics.cost.total",
        "logistics.co2_per_unit",
        "co2.transport",
        "co2.production",
        "energy.kwh",
        "quality.scrap_rate",
        "circular.return_rate",
    ):
        assert means[kpi] and means[kpi] > 0, kpi
    labels = ("Trips", "Fill rate", "Fleet cost (incl. fixed)", "Transport CO2 per unit (kg)", "Energy (kWh)")
    table = result.table()
    html = render_report(result)
    for label in (*labels, "Scrap rate", "Return rate"):
        assert label in table and label in html, label
