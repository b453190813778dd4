"""The names the views show for machines, units, owners, sites and lanes: the same everywhere.

A scenario gives every object an id and optionally a human name. The views used to mix them
(the utilisation chart said "5-axis mill", the bottleneck chart "M07.2"); now each view asks
:class:`Names` for a label. Rule: the object's ``name`` if it has one, else its id; a machine
unit adds ".k" to its machine's label when the machine has several units; a vehicle is
"lane label /k". Labels are not unique by themselves (two owners may call a machine the same),
so tool tips still carry the id.

Generated networks name their owners but not their sites and machines, whose ids start with
the owner's id ("o0-00-s", "o0-00-m0" of owner "o0-00", "Nord Fertigung 1"), and lanes by their
ends ("o0-00-s~hub-0"): shown as ids, the map, Gantt and Bottlenecks named owners by id while
the KPI view named them by name (the trial). Such an unnamed object reads with its owner's
label in place of the owner's id: the site of an owner with one site is the owner's label
("Nord Fertigung 1"), a machine "Nord Fertigung 1 m0", and a lane whose id is its two ends
joined, one of them such a site, is labelled with the ends' labels ("Nord Fertigung 1 ↔ Nord
cross-dock").
"""

from __future__ import annotations

from dataclasses import dataclass

from twin_app.model.layout import Layout
from twin_app.model.scenario import Scenario


def _label(obj: object) -> str:
    return str(getattr(obj, "name", "") or getattr(obj, "id", ""))


def _after_owner(obj_id: str, owner_id: str) -> str | None:
    """What follows the owner's id in ``obj_id`` (separators stripped), or None if ``obj_id``
    does not start with it followed by a separator."""
    if not owner_id or not obj_id.startswith(owner_id) or len(obj_id) == len(owner_id):
        return None
    if obj_id[len(owner_id)].isalnum():  # "acme" is not the owner of "acmeworks-1"
        return None
    return obj_id[len(owner_id) :].lstrip("-_.:/ ~")


def site_label(site_id: str, name: str, owner_id: str, owner_label: str | None, owner_sites: int) -> str:
    """A site's label (the module docstring's rule): its name, else the owner's label in place of
    the owner's id that starts its id, else its id. ``owner_sites``: how many sites the owner has.
    (Also for the editor's map, which works on the document's JSON.)"""
    if name:
        return name
    rest = _after_owner(site_id, owner_id)
    if rest is None or not owner_label:
        return site_id
    return owner_label if owner_sites == 1 or not rest else f"{owner_label} {rest}"


def site_labels(scenario: Scenario, owners: dict[str, str]) -> dict[str, str]:
    """Each site's label by id (the module docstring's rule)."""
    per_owner: dict[str, int] = {}
    for site in scenario.sites:
        per_owner[site.owner] = per_owner.get(site.owner, 0) + 1
    return {s.id: site_label(s.id, s.name, s.owner, owners.get(s.owner), per_owner[s.owner]) for s in scenario.sites}


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
        owners = owner_labels(scenario)
        sites = site_labels(scenario, owners)
        site_owner = {site.id: site.owner for site in scenario.sites}
        machine = tuple(_machine_label(m, site_owner.get(m.site, ""), owners) for m in scenario.machines)
        derived = {site.id for site in scenario.sites if sites[site.id] != _label(site)}
        nodes = {**sites, **{c.id: _label(c) for c in scenario.customers}}
        lane = tuple(_lane_label(lane, nodes, derived) for lane in scenario.lanes)
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
            owner=tuple(owners[o.id] for o in scenario.owners),
            site=tuple(sites[s.id] for s in scenario.sites),
            lane=lane,
        )

    def owner_of(self, index: int) -> str:
        """Label of owner ``index`` ('(no owner)' for -1 or out of range)."""
        return self.owner[index] if 0 <= index < len(self.owner) else "(no owner)"


def _machine_label(machine: object, owner_id: str, owners: dict[str, str]) -> str:
    if getattr(machine, "name", ""):
        return _label(machine)
    rest = _after_owner(str(getattr(machine, "id", "")), owner_id)
    if not rest or owner_id not in owners:
        return _label(machine)
    return f"{owners[owner_id]} {rest}"


def _lane_label(lane: object, nodes: dict[str, str], derived: set[str]) -> str:
    """A lane's name, else its id; or its ends' labels when its id is just its ends joined and
    one end's id carries its owner's id (``derived``: a site labelled with its owner's label). A
    hand-written network's lane ids stay (shorter than two site names: the demo's would be 68
    characters wide in the Gantt's rows)."""
    lane_id, origin, destination = (str(getattr(lane, k, "")) for k in ("id", "origin", "destination"))
    if getattr(lane, "name", ""):
        return _label(lane)
    joined = lane_id.startswith(origin) and lane_id.endswith(destination)
    middle = lane_id[len(origin) : len(lane_id) - len(destination)] if joined else ""
    if not joined or not (0 < len(middle) <= 3) or any(ch.isalnum() for ch in middle):
        return lane_id
    if origin not in derived and destination not in derived:
        return lane_id
    arrow = "↔" if getattr(lane, "bidirectional", True) else "→"
    return f"{nodes.get(origin, origin)} {arrow} {nodes.get(destination, destination)}"
