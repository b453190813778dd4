"""The table ``twin-app run`` prints shows the money: cost per unit, the platform fee, lateness
cost, owners losing money, and profit, margin and NPV per owner under the sharing rule."""

from __future__ import annotations

from twin_app.experiments.report import format_kpis


def test_run_table_lists_money_by_owner_most_profitable_first() -> None:
    kpis = {
        "cost": {"total": 650.0, "per_unit": 650.0},
        "revenue": {"total": 1000.0, "platform_fee": 100.0},
        "lateness": {"cost": 95.0},
        "profit": {"total": 325.0, "by_owner": {"hub": 75.0, "acme": 142.86, "bolt": 71.43, "truckco": 35.71}},
        "fairness": {"partners_losing": 0, "margin": {"by_owner": {"acme": 0.3226, "hub": 0.75}}},
        "investment": {"planning_years": 5, "npv": {"by_owner": {"acme": 12345.0}}},
        "sharing": {"rule": "full_cost"},
    }
    text = format_kpis(kpis)
    assert "Lateness cost (penalties)    95" in text
    assert "  platform fee               100" in text
    section = text[text.index("Money by owner (sharing rule full_cost; NPV over 5 years)") :].splitlines()
    assert [line.split()[0] for line in section[2:]] == ["acme", "hub", "bolt", "truckco"]
    assert section[2].split() == ["acme", "143", "32.3%", "12,345"]
    assert section[5].split() == ["truckco", "36", "-", "-"]
