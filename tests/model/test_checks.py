"""Meaning checks on scenario objects (as the app's editor builds them, not only files).

The GUI changes a loaded scenario in memory and must tell the user at once when the change
makes it inconsistent: each check names the place and the fix.
"""

from __future__ import annotations

from dataclasses import replace

from twin_app.errors import Problem
from twin_app.model.checks import check_scenario
from twin_app.model.distributions import Constant
from twin_app.model.scenario import BomItem, Capability, Departure, Machine, Scenario, Shifts, Step


def _at(problems: list[Problem], place: str) -> list[str]:
    return [str(problem) for problem in problems if problem.place == place]


def test_consistent_scenario_has_no_problems(tiny: Scenario) -> None:
    assert check_scenario(tiny) == []


def test_removing_the_only_lane_between_owners_breaks_consolidation(tiny: Scenario) -> None:
    problems = check_scenario(replace(tiny, lanes=tiny.lanes[1:]))
    assert _at(problems, "products[2].bom[0]") == [
        "products[2].bom[0]: component 'frame' made at {bolt-1} cannot reach assembly at {acme-1} "
        "(add a lane between those sites)"
    ]


def test_consecutive_steps_at_unconnected_sites(tiny: Scenario) -> None:
    """A mandatory step only one site can do, after a step only an unconnected site can do."""
    painter = replace(tiny.machines[2], capabilities=(Capability("paint", Constant(1.0)),))
    miller = replace(tiny.machines[0], capabilities=(Capability("mill", Constant(1.0)),))
    frame = replace(tiny.products[0], routing=(Step(("mill",)), Step(("paint",))))
    scenario = replace(
        tiny,
        machines=(miller, tiny.machines[1], painter),
        products=(frame, *tiny.products[1:]),
        lanes=tiny.lanes[1:],
    )
    problems = check_scenario(scenario)
    assert any(
        p.place == "products[0].routing[1]" and "cannot travel from {acme-1}" in p.message and p.hint for p in problems
    )


def test_self_containing_product_is_a_cycle(tiny: Scenario) -> None:
    kit = replace(tiny.products[2], bom=(BomItem("kit"),))
    problems = check_scenario(replace(tiny, products=(*tiny.products[:2], kit)))
    assert "bill-of-materials cycle kit -> kit" in " ".join(_at(problems, "products[2].bom"))


def test_capability_listed_twice_on_a_machine(tiny: Scenario) -> None:
    machine = tiny.machines[1]
    doubled = replace(machine, capabilities=machine.capabilities * 2)
    problems = check_scenario(replace(tiny, machines=(tiny.machines[0], doubled, tiny.machines[2])))
    assert _at(problems, "machines[1].capabilities[1].step") == [
        "machines[1].capabilities[1].step: step 'assemble' listed twice (keep one entry)"
    ]


def test_touching_shift_windows_are_fine_overlapping_are_not(tiny: Scenario) -> None:
    def with_windows(*windows: tuple[float, float]) -> list[Problem]:
        machine = replace(tiny.machines[1], shifts=Shifts(1440.0, windows))
        return check_scenario(replace(tiny, machines=(tiny.machines[0], machine, tiny.machines[2])))

    assert with_windows((0.0, 480.0), (480.0, 960.0)) == []
    assert _at(with_windows((0.0, 500.0), (480.0, 960.0)), "machines[1].shifts.windows[1]")


def test_unused_departure_settings_are_flagged(tiny: Scenario) -> None:
    """'times' on an on-demand lane do nothing; the user meant a timetable."""
    lane = replace(tiny.lanes[1], departure=Departure("on_demand", period=480.0, times=(0.0,)))
    problems = check_scenario(replace(tiny, lanes=(tiny.lanes[0], lane)))
    assert "only used by the timetable policy" in " ".join(_at(problems, "lanes[1].departure"))
    lane = replace(tiny.lanes[1], departure=Departure("on_demand", max_wait=10.0))
    problems = check_scenario(replace(tiny, lanes=(tiny.lanes[0], lane)))
    assert "only used by the when_full policy" in " ".join(_at(problems, "lanes[1].departure.max_wait"))


def test_setup_to_an_unknown_family(tiny: Scenario) -> None:
    machine = replace(tiny.machines[0], setup={"frame": {"kits": Constant(2.0)}})
    problems = check_scenario(replace(tiny, machines=(machine, *tiny.machines[1:])))
    assert _at(problems, 'machines[0].setup["frame"]["kits"]') == [
        "machines[0].setup[\"frame\"][\"kits\"]: no product has family 'kits' (did you mean 'kit'?)"
    ]


def test_stream_starting_after_the_horizon_never_orders(tiny: Scenario) -> None:
    stream = replace(tiny.demand.streams[0], start=5000.0)
    problems = check_scenario(replace(tiny, demand=replace(tiny.demand, streams=(stream,))))
    assert "never orders" in " ".join(_at(problems, "demand.streams[0].start"))


def test_unknown_reference_without_a_close_match_lists_the_known_ids(tiny: Scenario) -> None:
    machine = Machine(id="X", site="zzz", capabilities=(Capability("mill", Constant(1.0)),))
    problems = check_scenario(replace(tiny, machines=(*tiny.machines, machine)))
    assert _at(problems, "machines[3].site") == ["machines[3].site: unknown site 'zzz' (known sites: acme-1, bolt-1)"]


def test_every_meaning_problem_has_a_fix(tiny: Scenario) -> None:
    broken = replace(
        tiny,
        lanes=(replace(tiny.lanes[0], destination="bolt-1", owner="nobody"), tiny.lanes[1]),
        run=replace(tiny.run, warmup=9999.0),
        demand=replace(tiny.demand, streams=(replace(tiny.demand.streams[0], mix={"kit": 0.2}),)),
    )
    problems = check_scenario(broken)
    assert len(problems) >= 4
    assert all(problem.hint for problem in problems), problems
