"""The names the views show for machines, units, owners, sites and lanes: the same everywhere.

A scenario gives every object an id and optionally a human name. The views used to mix them
(the utilisation chart said "5-axis mill", the bottleneck chart "M07.2"); now each view asks
:class:`Names` for a label. Rule: the object's ``name`` if it has one, else its id; a machine
unit adds ".k" to its machine's label when the machine has several units; a vehicle is
"lane label /k". Labels are not unique by themselves (two owners may call a machine the same),
so tool tips still carry the id.
"""

from __future__ import annotations

from dataclasses import dataclass

from twin_app.model.layout import Layout
from twin_app.model.scenario import Scenario


def _label(obj: object) -> str:
    return str(getattr(obj, "name", "") or getattr(obj, "id", ""))


def owner_labels(scenario: Scenario) -> dict[str, str]:
    """Each owner's label by id (the views' rule), for views that key owners by id (compare)."""
    return {owner.id: _label(owner) for owner in scenario.owners}


@dataclass(frozen=True, slots=True)
class Names:
    """Display labels by index: ``machine[m]``, ``resource[r]`` (units then vehicles), ``owner[o]``,
    ``site[s]``, ``lane[l]``."""

    machine: tuple[str, ...]
    resource: tuple[str, ...]
    owner: tuple[str, ...]
    site: tuple[str, ...]
    lane: tuple[str, ...]

    @classmethod
    def build(cls, scenario: Scenario, layout: Layout) -> Names:
        machine = tuple(_label(m) for m in scenario.machines)
        lane = tuple(_label(lane) for lane in scenario.lanes)
        resource = []
        for r in layout.resources:
            if r.kind == "machine" and 0 <= r.machine < len(machine):
                base = machine[r.machine]
                several = scenario.machines[r.machine].capacity > 1
                resource.append(f"{base}.{r.unit + 1}" if several else base)
            elif 0 <= r.lane < len(lane):
                several = scenario.lanes[r.lane].vehicles > 1
                resource.append(f"{lane[r.lane]} /{r.unit + 1}" if several else lane[r.lane])
            else:
                resource.append(r.id)
        return cls(
            machine=machine,
            resource=tuple(resource),
            owner=tuple(_label(o) for o in scenario.owners),
            site=tuple(_label(s) for s in scenario.sites),
            lane=lane,
        )

    def owner_of(self, index: int) -> str:
        """Label of owner ``index`` ('(no owner)' for -1 or out of range)."""
        return self.owner[index] if 0 <= index < len(self.owner) else "(no owner)"
