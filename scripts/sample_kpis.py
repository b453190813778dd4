"""Measure the sample networks and write the numbers where people read them.

The measured numbers of sample_networks/README.md (between the ``sample-kpis`` markers), the
conclusions paragraph of the top-level README.md (between the ``sample-conclusions`` markers)
and the last sentence of each sample's description all come from this script, so they cannot
drift from what the twin computes. Every sample runs REPLICATIONS replications of its own
horizon (same seeds as ``twin-app run FILE --replications 3``); the demo also runs three weeks
to show it has settled. The script also checks the claims the prose makes (heavy with batching
is the fastest, light is cheaper per unit...) and stops if one no longer holds.

Usage: ``python scripts/sample_kpis.py`` (rewrite), ``--check`` (exit 1 when anything is stale;
tests/test_sample_kpis.py runs it), ``--workers N`` (processes; the numbers do not depend on it).
About a minute on 2 cores; the large network is not measured here (see its README section).
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from twin_app.experiments.runner import run_replications, summarise
from twin_app.io.scenario_file import load_scenario

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_networks"
SAMPLE_README = SAMPLES / "README.md"
MAIN_README = ROOT / "README.md"
REPLICATIONS = 3
WEEK = 10080.0
NAMES = (
    "cloud_factory_demo",
    "asset_heavy",
    "asset_heavy_no_batching",
    "asset_light",
    "asset_light_no_batching",
    "logistics_direct",
    "logistics_hub",
    "circular_scooters",
    "data_sharing_live",
    "data_sharing_hidden",
    "tiers_via_tier1",
    "tiers_direct",
)
RULES = ("full_cost", "full_cost_proportional", "processing_time", "equal", "shapley")
DEMO_LONG = 3 * WEEK
MARKERS = {
    "readme": ("<!-- sample-kpis:begin (written by scripts/sample_kpis.py) -->", "<!-- sample-kpis:end -->"),
    "conclusions": (
        "<!-- sample-conclusions:begin (written by scripts/sample_kpis.py) -->",
        "<!-- sample-conclusions:end -->",
    ),
}
MEASURED = " Measured ("
"""Where the generated sentence of a description starts."""


class ClaimFailed(RuntimeError):
    """A sentence the README makes is no longer true of the numbers."""


# --- measuring --------------------------------------------------------------------------------
def measure(workers: int) -> dict[str, dict[str, Any]]:
    """Mean KPIs of every sample (and ``demo_long``: the demo over three weeks)."""
    results: dict[str, dict[str, Any]] = {}
    for name in NAMES:
        scenario = load_scenario(SAMPLES / f"{name}.json")
        results[name] = _means(summarise(run_replications(scenario, REPLICATIONS, workers=workers)))
    demo = load_scenario(SAMPLES / "cloud_factory_demo.json")
    longer = demo.with_changes(run=replace(demo.run, horizon=DEMO_LONG))
    results["demo_long"] = _means(summarise(run_replications(longer, REPLICATIONS, workers=workers)))
    return results


def _means(node: Any) -> Any:
    """A summary with each {mean, ci95} replaced by its mean."""
    if isinstance(node, dict):
        if set(node) >= {"mean", "ci95"}:
            return node["mean"]
        return {key: _means(value) for key, value in node.items()}
    return node


# --- formatting -------------------------------------------------------------------------------
def money(value: float | None) -> str:
    if value is None:
        return "-"
    if abs(value) >= 1e5:
        return f"{value / 1e6:,.2f}M"
    return f"{value:,.0f}"


def pct(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{100 * value:.{digits}f}%"


def num(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def weekly(k: dict[str, Any], value: float | None) -> float | None:
    """A window amount as an amount per week."""
    length = k["window"]["length"]
    return None if value is None or not length else value * WEEK / length


def busiest(k: dict[str, Any]) -> tuple[str, float]:
    machines = {r: u for r, u in k["utilisation"]["by_resource"].items() if u is not None and _is_machine(k, r)}
    name = max(machines, key=lambda r: machines[r])
    return name, machines[name]


def _is_machine(k: dict[str, Any], resource: str) -> bool:
    return resource in k["queue_length"]["by_resource"]


def co2_per_unit(k: dict[str, Any]) -> float | None:
    """CO2 (transport and production) per unit delivered."""
    return k["co2"]["per_unit"]


def transport_co2_per_unit(k: dict[str, Any]) -> float | None:
    units = k["throughput"]["units_per_time_unit"] * k["window"]["length"]
    return k["co2"]["transport"] / units if units else None


# --- the README section -----------------------------------------------------------------------
def readme_section(r: dict[str, dict[str, Any]]) -> str:
    lines = [
        f"Means over {REPLICATIONS} replications of each file's own horizon (`twin-app run FILE --replications "
        f"{REPLICATIONS}`), observed after the warm-up; money per week; cost and CO2 per unit delivered.",
        "",
        "| file | orders/day | lead time | on time | busiest machine | cost/unit | CO2/unit | lateness cost | profit |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name in NAMES:
        k = r[name]
        machine, share = busiest(k)
        lines.append(
            f"| `{name}.json` | {num(k['throughput']['per_day'], 1)} | {num(k['lead_time']['mean'])} min "
            f"| {pct(k['on_time_rate'])} | {machine} {num(share, 2)} | {num(k['cost']['per_unit'], 1)} "
            f"| {num(co2_per_unit(k), 2)} | {money(weekly(k, k['lateness']['cost']))} "
            f"| {money(weekly(k, k['profit']['total']))} |"
        )
    lines += ["", *_decision(r), "", *_rules(r), "", *_demo(r), "", *_logistics(r), "", *_flows(r)]
    return "\n".join(lines)


VARIANTS = ("asset_heavy", "asset_heavy_no_batching", "asset_light", "asset_light_no_batching")


def _decision(r: dict[str, dict[str, Any]]) -> list[str]:
    lines = [
        "### BikeWorks' decision: heavy or light, with or without family batching",
        "",
        "Same demand, prices, contracts and platform fee in all four; NPV, payback and ROI over "
        f"{r['asset_heavy']['investment']['planning_years']:.0f} years at BikeWorks' 8% (the window's cash flows "
        "scaled to a year, `investment.method` in the KPIs).",
        "",
        "| file | lead time | on time | cost/unit | CO2/unit | network profit | BikeWorks profit | BikeWorks NPV "
        "| payback | ROI |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name in VARIANTS:
        k = r[name]
        inv = k["investment"]
        bw = "bikeworks"
        lines.append(
            f"| `{name}.json` | {num(k['lead_time']['mean'])} min | {pct(k['on_time_rate'])} "
            f"| {num(k['cost']['per_unit'], 1)} | {num(co2_per_unit(k), 2)} | {money(weekly(k, k['profit']['total']))} "
            f"| {money(weekly(k, k['profit']['by_owner'][bw]))} | {money(inv['npv']['by_owner'][bw])} "
            f"| {_years(inv['payback_years']['by_owner'][bw])} | {pct(inv['roi']['by_owner'][bw])} |"
        )
    return lines


def _years(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} y"


def _rules(r: dict[str, dict[str, Any]]) -> list[str]:
    lines = ["### What each sharing rule gives (profit per week)", ""]
    for name in ("asset_heavy", "asset_light"):
        k = r[name]
        owners = list(k["profit"]["by_owner"])
        lines += [
            f"`{name}.json`:",
            "",
            "| rule | " + " | ".join(owners) + " |",
            "|---|" + "---|" * len(owners),
        ]
        for rule in RULES:
            by = k["profit"]["by_rule"][rule]["by_owner"]
            mark = " (default)" if rule == "full_cost" else ""
            lines.append(f"| {rule}{mark} | " + " | ".join(money(weekly(k, by[o])) for o in owners) + " |")
        lines.append("")
    return lines[:-1]


def _demo(r: dict[str, dict[str, Any]]) -> list[str]:
    k, long = r["cloud_factory_demo"], r["demo_long"]
    fair = k["fairness"]
    lines = [
        "### The demo's partners",
        "",
        f"Settled: over one week {num(k['lead_time']['mean'])} min lead time, {pct(k['on_time_rate'])} on time, "
        f"WIP {num(k['wip']['mean'])}; over three weeks {num(long['lead_time']['mean'])} min, "
        f"{pct(long['on_time_rate'])}, WIP {num(long['wip']['mean'])} (a week's lead time is a little short: orders "
        f"still open at its end are not counted). Owners losing money: {losers(k)}; Gini of the partners' margins "
        f"{num(fair['gini_margin'], 2)}; owners that would earn more alone: "
        f"{_better_alone(k)}.",
        "",
        "| owner | utilisation | revenue | profit | margin | NPV (5 y) | stand-alone |",
        "|---|---|---|---|---|---|---|",
    ]
    util = k["utilisation"]["by_owner"]
    for owner, profit in k["profit"]["by_owner"].items():
        lines.append(
            f"| {owner} | {pct(util.get(owner)) if util.get(owner) is not None else '-'} "
            f"| {money(weekly(k, k['revenue']['by_owner'][owner]))} | {money(weekly(k, profit))} "
            f"| {pct(fair['margin']['by_owner'][owner])} | {money(k['investment']['npv']['by_owner'][owner])} "
            f"| {money(weekly(k, fair['stand_alone']['by_owner'][owner]))} |"
        )
    return lines


def _better_alone(k: dict[str, Any]) -> str:
    names = [owner for owner, flag in k["fairness"]["better_alone"]["by_owner"].items() if flag]
    return ", ".join(names) if names else "none"


def _logistics(r: dict[str, dict[str, Any]]) -> list[str]:
    lines = [
        "### Direct shipping or a hub",
        "",
        "Trips and empty km per week; fleet cost per unit with the fleet's fixed costs (leases, drivers);"
        " transport CO2 from the vehicle-km driven, by load, empty returns included.",
        "",
        "| file | lead time | on time | trips | fill | empty km | fleet cost/unit | transport CO2/unit "
        "| top bottleneck | lateness cost | profit |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name in ("logistics_direct", "logistics_hub"):
        k = r[name]
        logistics = k["logistics"]
        lines.append(
            f"| `{name}.json` | {num(k['lead_time']['mean'])} min | {pct(k['on_time_rate'])} "
            f"| {num(weekly(k, logistics['trips']))} | {num(logistics['fill_rate'], 2)} "
            f"| {num(weekly(k, logistics['empty_km']))} | {num(logistics['cost']['per_unit'], 1)} "
            f"| {num(logistics['co2_per_unit'], 2)} | {top_bottleneck(k)} "
            f"| {money(weekly(k, k['lateness']['cost']))} | {money(weekly(k, k['profit']['total']))} |"
        )
    return lines


def top_bottleneck(k: dict[str, Any]) -> str:
    """The resource or lane most often the top bottleneck over the replications."""
    top = k["bottleneck"]["resource"]
    if isinstance(top, list):
        named = [name for name in top if name]
        return max(named, key=named.count) if named else "-"
    return top or "-"


def _flows(r: dict[str, dict[str, Any]]) -> list[str]:
    """Circular flows, data sharing and supplier tiers."""
    c = r["circular_scooters"]
    circ = c["circular"]
    lines = [
        "### Take-back and remanufacturing",
        "",
        "`circular_scooters.json` (three weeks after a one-week warm-up; units and money per week): drive units "
        "of returned scooters remanufactured by ReDrive replace new ones.",
        "",
        "| return rate | units returned | remanufactured | recycled | reused | remanufactured share "
        "| return-flow cost | cost avoided | CO2 of remanufacturing | CO2 avoided |",
        "|---|---|---|---|---|---|---|---|---|---|",
        f"| {pct(circ['return_rate'])} | {num(weekly(c, circ['returned']))} | {num(weekly(c, circ['remanufactured']))} "
        f"| {num(weekly(c, circ['recycled']))} | {num(weekly(c, circ['reused']))} "
        f"| {pct(circ['remanufactured_share'])} | {money(weekly(c, circ['cost']))} "
        f"| {money(weekly(c, circ['cost_avoided']))} | {num(weekly(c, circ['co2']))} kg "
        f"| {num(weekly(c, circ['co2_avoided']))} kg |",
        "",
        "### What live data is worth",
        "",
        "Busy share of each workshop's machines; Ostwerk and Südteile share no data in the hidden variant, "
        "Westcut a snapshot every 8 hours.",
        "",
        "| file | lead time | on time | WIP | Nordfräs | Ostwerk | Südteile | Westcut | profit |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name in ("data_sharing_live", "data_sharing_hidden"):
        k = r[name]
        util = k["utilisation"]["by_owner"]
        lines.append(
            f"| `{name}.json` | {num(k['lead_time']['mean'])} min | {pct(k['on_time_rate'])} "
            f"| {num(k['wip']['mean'], 1)} "
            + "".join(f"| {pct(util[w])} " for w in ("w1", "w2", "w3", "w4"))
            + f"| {money(weekly(k, k['profit']['total']))} |"
        )
    lines += [
        "",
        "### A tier-2 supplier through tier 1 or straight to the OEM",
        "",
        "Profit per week per tier (0 VeloWerk, 1 FrameCo, 2 ChipWorks) under the default sharing rule.",
        "",
        "| file | lead time | on time | cost/unit | transport CO2/unit | tier 0 | tier 1 | tier 2 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name in ("tiers_via_tier1", "tiers_direct"):
        k = r[name]
        tiers = k["tiers"]
        lines.append(
            f"| `{name}.json` | {num(k['lead_time']['mean'])} min | {pct(k['on_time_rate'])} "
            f"| {num(k['cost']['per_unit'], 1)} | {num(k['logistics']['co2_per_unit'], 2)} "
            + "".join(f"| {num(weekly(k, tiers[t]['profit']))} " for t in ("0", "1", "2"))
            + "|"
        )
    return lines


# --- claims, conclusions and descriptions -----------------------------------------------------
def check_claims(r: dict[str, dict[str, Any]]) -> None:
    """The comparisons the prose states; ClaimFailed names the first that is no longer true."""
    heavy, heavy_fifo, light, light_fifo = (r[n] for n in VARIANTS)
    claims = {
        "heavy with batching is the most punctual variant": heavy["on_time_rate"]
        >= max(v["on_time_rate"] for v in (heavy_fifo, light, light_fifo)),
        "batching helps the heavy lines": heavy["lead_time"]["mean"] < heavy_fifo["lead_time"]["mean"],
        "light is cheaper per unit": light["cost"]["per_unit"] < heavy["cost"]["per_unit"],
        "light emits more transport CO2 per unit": transport_co2_per_unit(light) > transport_co2_per_unit(heavy),  # type: ignore[operator]
        "BikeWorks earns more heavy (with batching) than light": heavy["profit"]["by_owner"]["bikeworks"]
        > light["profit"]["by_owner"]["bikeworks"],
        "the hub is cheaper per unit to transport": r["logistics_hub"]["logistics"]["cost"]["per_unit"]
        < r["logistics_direct"]["logistics"]["cost"]["per_unit"],
        "the hub emits less transport CO2 per unit": r["logistics_hub"]["logistics"]["co2_per_unit"]
        < r["logistics_direct"]["logistics"]["co2_per_unit"],
        "the hub is late more often": r["logistics_hub"]["on_time_rate"] < r["logistics_direct"]["on_time_rate"],
        "no demo owner loses money": losers(r["cloud_factory_demo"]) == "none",
        "hidden data makes the platform slower": r["data_sharing_hidden"]["lead_time"]["mean"]
        > r["data_sharing_live"]["lead_time"]["mean"],
        "the direct tier-2 route is faster": r["tiers_direct"]["lead_time"]["mean"]
        < r["tiers_via_tier1"]["lead_time"]["mean"],
    }
    failed = [claim for claim, holds in claims.items() if not holds]
    if failed:
        raise ClaimFailed("no longer true: " + "; ".join(failed) + " (rewrite the prose in scripts/sample_kpis.py)")


def _more(a: float, b: float) -> str:
    return f"{100 * (a / b - 1):+.0f}%"


def _less(a: float, b: float) -> str:
    return f"{100 * (1 - a / b):.0f}%"


def losers(k: dict[str, Any]) -> str:
    """The owners losing money, by id ('none' if none)."""
    names = [owner for owner, profit in k["profit"]["by_owner"].items() if profit < 0]
    return ", ".join(names) if names else "none"


def conclusions(r: dict[str, dict[str, Any]]) -> str:
    heavy, heavy_fifo, light = r["asset_heavy"], r["asset_heavy_no_batching"], r["asset_light"]
    direct, hub = r["logistics_direct"], r["logistics_hub"]
    bw = "bikeworks"
    return (
        "**What the samples show** (measured by `scripts/sample_kpis.py`, which writes these numbers). "
        f"Dedicated lines only pay under mass customisation if they batch families: without batching "
        f"the heavy lines spend their time in changeovers ({pct(heavy_fifo['on_time_rate'])} on time, "
        f"{money(weekly(heavy_fifo, heavy_fifo['lateness']['cost']))} a week in penalties); with it they are the "
        f"fastest set-up ({num(heavy['lead_time']['mean'])} min, {pct(heavy['on_time_rate'])} on time) and BikeWorks "
        f"earns {money(weekly(heavy, heavy['profit']['by_owner'][bw]))} a week (NPV "
        f"{money(heavy['investment']['npv']['by_owner'][bw])} over five years) against "
        f"{money(weekly(light, light['profit']['by_owner'][bw]))} in the light network, where it shares the work. "
        f"The light network is cheaper per unit ({num(light['cost']['per_unit'], 1)} vs "
        f"{num(heavy['cost']['per_unit'], 1)}), more profitable for the network as a whole and needs little "
        f"capital, but it is slower ({num(light['lead_time']['mean'])} min, {pct(light['on_time_rate'])} on time) "
        f"and its parts travel between workshops: "
        f"{_more(transport_co2_per_unit(light), transport_co2_per_unit(heavy))} transport CO2 "  # type: ignore[arg-type]
        f"per unit. A consolidation hub cuts the fleet's cost per unit from "
        f"{num(direct['logistics']['cost']['per_unit'], 1)} to {num(hub['logistics']['cost']['per_unit'], 1)} "
        f"and transport CO2 per unit by {_less(hub['logistics']['co2_per_unit'], direct['logistics']['co2_per_unit'])}"
        f" (fewer, fuller trips: fill {num(hub['logistics']['fill_rate'], 2)} against "
        f"{num(direct['logistics']['fill_rate'], 2)}, and fewer empty returns), and pays for it in punctuality "
        f"({pct(hub['on_time_rate'])} on time against {pct(direct['on_time_rate'])}, "
        f"{money(weekly(hub, hub['lateness']['cost']))} a week in penalties). Who earns what depends on the "
        "sharing rule: see the tables in sample_networks/README.md."
    )


def descriptions(r: dict[str, dict[str, Any]]) -> dict[str, str]:
    """The generated last sentence of each sample's description."""
    out: dict[str, str] = {}
    for name in NAMES:
        k = r[name]
        machine, share = busiest(k)
        text = (
            f"Measured ({REPLICATIONS} replications, scripts/sample_kpis.py): {num(k['throughput']['per_day'], 1)} "
            f"orders/day, lead time {num(k['lead_time']['mean'])} min, {pct(k['on_time_rate'])} on time, "
            f"cost {num(k['cost']['per_unit'], 1)} per unit, CO2 {num(co2_per_unit(k), 2)} per unit, "
            f"busiest machine {machine} at {pct(share)}"
        )
        if "bikeworks" in k["profit"]["by_owner"]:
            text += (
                f"; BikeWorks earns {money(weekly(k, k['profit']['by_owner']['bikeworks']))} a week "
                f"(NPV {money(k['investment']['npv']['by_owner']['bikeworks'])} over five years)"
            )
        if name.startswith("asset_light"):
            heavy = r[name.replace("light", "heavy")]
            extra = _more(transport_co2_per_unit(k), transport_co2_per_unit(heavy))  # type: ignore[arg-type]
            text += f"; transport CO2 per unit {extra} against the heavy lines"
        if name.startswith("logistics"):
            logistics = k["logistics"]
            text += (
                f"; {num(weekly(k, logistics['trips']))} trips a week at fill {num(logistics['fill_rate'], 2)}, "
                f"fleet cost {num(logistics['cost']['per_unit'], 1)} and transport CO2 "
                f"{num(logistics['co2_per_unit'], 2)} per unit; top bottleneck {top_bottleneck(k)}"
            )
        text += f"; owners losing money: {losers(k)}"
        out[name] = text + "."
    return out


# --- writing ----------------------------------------------------------------------------------
def replaced(text: str, key: str, body: str) -> str:
    begin, end = MARKERS[key]
    head, found, rest = text.partition(begin)
    if not found or end not in rest:
        raise SystemExit(f"the {key} markers are missing: {begin} ... {end}")
    return head + begin + "\n" + body + "\n" + end + rest.split(end, 1)[1]


def with_description(text: str, sentence: str) -> str:
    data = json.loads(text)
    description = data["description"]
    cut = description.find(MEASURED)
    if cut < 0:
        cut = description.find(" Measured:")
    data["description"] = (description[:cut] if cut >= 0 else description) + " " + sentence
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def outputs(r: dict[str, dict[str, Any]]) -> dict[Path, str]:
    """Every file the script writes, with its new text."""
    files = {
        SAMPLE_README: replaced(SAMPLE_README.read_text(encoding="utf-8"), "readme", readme_section(r)),
        MAIN_README: replaced(MAIN_README.read_text(encoding="utf-8"), "conclusions", conclusions(r)),
    }
    for name, sentence in descriptions(r).items():
        path = SAMPLES / f"{name}.json"
        files[path] = with_description(path.read_text(encoding="utf-8"), sentence)
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when anything is stale")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (2)")
    args = parser.parse_args(argv)
    results = measure(args.workers)
    check_claims(results)
    stale = []
    for path, text in outputs(results).items():
        old = path.read_text(encoding="utf-8")
        if old == text:
            continue
        if args.check:
            stale.append(path)
            diff = difflib.unified_diff(old.splitlines(), text.splitlines(), str(path), "measured", lineterm="", n=0)
            print("\n".join(list(diff)[:40]), file=sys.stderr)
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    if stale:
        print("stale: run python scripts/sample_kpis.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
