"""The compare table a user reads: sections that answer the question (service, money, per
owner, per sharing rule), bottlenecks with lanes, and --kpis to pick what to see."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from twin_app.cli import main
from twin_app.experiments.compare import CompareResult, compare


@pytest.fixture(scope="module")
def result() -> CompareResult:
    """tiny.json as a format 2 file sharing by full cost, against itself with a slower mill."""
    import tempfile

    data = json.loads((Path(__file__).resolve().parents[1] / "data" / "tiny.json").read_text(encoding="utf-8"))
    data["format_version"] = 2
    data["platform"].update(sharing="full_cost", fee=0)
    slower = json.loads(json.dumps(data))
    slower["machines"][0]["speed"] = 0.8
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for name, content in (("base.json", data), ("slower.json", slower)):
            path = Path(folder) / name
            path.write_text(json.dumps(content), encoding="utf-8")
            paths.append(path)
        return compare(paths, replications=3, until=2000.0, workers=1)


def test_the_default_table_is_in_sections_and_shows_each_rules_profit_once(result: CompareResult) -> None:
    text = result.table()
    headings = [
        "Service",
        "Money (the whole network)",
        "Logistics, CO2 and energy",
        "Cost per unit by component",
        "Per owner, under each scenario's own sharing rule",
        "Profit per owner under each sharing rule"
        " (the scenarios' own rule, full_cost, gives the profit per owner above)",
    ]
    lines = text.splitlines()
    positions = [lines.index(h) for h in headings]
    assert positions == sorted(positions)
    owner_rows = lines[positions[4] : positions[5]]
    assert any(line.startswith("Profit: acme") for line in owner_rows)
    assert any(line.startswith(("NPV: acme", "ROI: acme")) for line in owner_rows)
    rule_rows = [line.split(":")[0] for line in lines[positions[5] + 1 :] if line.startswith("Profit (")]
    assert {"Profit (shapley)", "Profit (equal)", "Profit (processing_time)"} <= set(rule_rows)
    assert "Profit (full_cost)" not in rule_rows  # the same numbers as "Profit: <owner>" above
    assert "NPV (shapley)" not in text and "--kpis rules_npv" in text
    assert "Bottlenecks (active period method, machines and lanes together" in text


def test_kpis_picks_sections_kpis_and_prefixes(result: CompareResult) -> None:
    npv = result.table(kpis=["rules_npv"])
    assert "NPV (shapley): acme" in npv and "NPV (full_cost): acme" in npv
    assert "NPV and ROI per owner under each sharing rule" in npv  # ROI rows: owners who bought machines
    assert "Lead time mean" not in npv and "Bottlenecks" not in npv
    one = result.table(kpis=["lead_time.mean", "profit.by_rule.equal"])
    rows = [line for line in one.splitlines() if "no significant difference" in line or "significantly" in line]
    assert rows[0].startswith("Lead time mean (min)")
    assert all(r.startswith(("Profit (equal): ", "profit.by_rule.equal.")) for r in rows[1:]) and len(rows) >= 3


def test_an_unknown_kpis_selector_is_refused_before_anything_runs(tiny_file, capsys) -> None:
    code = main(["compare", str(tiny_file), str(tiny_file), "--kpis", "money,profit.by_rle", "--no-db"])
    assert code == 2
    err = capsys.readouterr().err
    assert "--kpis 'profit.by_rle' is neither a section" in err and "did you mean 'profit.by_rule." in err
    assert "Traceback" not in err
