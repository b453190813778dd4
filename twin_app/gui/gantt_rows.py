"""The Gantt chart's rows: machine units grouped by owner and site, then lane vehicles.

:func:`row_plan` decides which display row each resource is on (one row per vehicle, or one
per lane for all its vehicles), what each row is called (:class:`~twin_app.gui.names.Names`)
and the owner bands the chart draws behind them. Plain Python and numpy: no Qt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from twin_app.gui.names import Names
from twin_app.model.layout import Layout


@dataclass(frozen=True, slots=True)
class RowGroup:
    """Consecutive display rows of one owner (machines) or of the lane vehicles."""

    first: int
    end: int
    owner: int
    label: str
    vehicles: bool


def row_order(layout: Layout) -> list[int]:
    """Resource indices in display order: machine units by owner, site, machine, unit; then
    vehicles in layout order (grouped by their lane's owner as far as consecutive)."""
    units = [(i, r) for i, r in enumerate(layout.resources) if r.kind == "machine"]

    def big(v: int) -> int:  # unknown (-1) owners and sites go last
        return v if v >= 0 else 1 << 30

    units.sort(key=lambda ir: (big(ir[1].owner), big(ir[1].site), ir[1].machine, ir[1].unit, ir[0]))
    vehicles = [i for i, r in enumerate(layout.resources) if r.kind != "machine"]
    return [i for i, _ in units] + vehicles


@dataclass(frozen=True, slots=True)
class RowPlan:
    """The display rows of a layout: which row each resource is on, and what each row is."""

    row_of_resource: np.ndarray
    rows: list[int]
    """A representative resource per row (the row's resource, or a lane's first vehicle)."""
    names: list[str]
    row_owner: np.ndarray
    groups: list[RowGroup]


def _lane_name(layout: Layout, names: Names | None, lane: int, vehicle: int) -> str:
    if names is not None and 0 <= lane < len(names.lane):
        return names.lane[lane]
    name = layout.resources[vehicle].id
    base, sep, tail = name.rpartition("/")
    return base if sep and tail.isdigit() else name


def row_plan(layout: Layout, show_vehicles: bool = True, names: Names | None = None) -> RowPlan:
    """Rows of :func:`row_order`, labelled by ``names`` (ids without); with ``show_vehicles``
    off, one row per lane for all its vehicles."""
    order = row_order(layout)
    label = names.resource if names is not None else tuple(r.id for r in layout.resources)
    row_of_resource = np.full(len(layout.resources), -1, dtype=np.int32)
    if show_vehicles:
        rows = order
        row_names = [label[r] for r in rows]
        row_of_resource[np.array(rows, dtype=np.int64)] = np.arange(len(rows), dtype=np.int32)
    else:
        rows, row_names = [], []
        lane_row: dict[int, int] = {}
        count: dict[int, int] = {}
        for r in order:
            res = layout.resources[r]
            if res.kind == "machine" or res.lane < 0:
                row_of_resource[r] = len(rows)
                rows.append(r)
                row_names.append(label[r])
                continue
            if res.lane not in lane_row:
                lane_row[res.lane] = len(rows)
                rows.append(r)
                row_names.append(_lane_name(layout, names, res.lane, r))
            row_of_resource[r] = lane_row[res.lane]
            count[res.lane] = count.get(res.lane, 0) + 1
        for lane, row in lane_row.items():
            if count[lane] > 1:
                row_names[row] = f"{row_names[row]} ×{count[lane]}"
    row_owner = np.array([layout.resources[r].owner for r in rows], dtype=np.int32)
    return RowPlan(row_of_resource, list(rows), row_names, row_owner, row_groups(layout, rows, names))


def row_groups(layout: Layout, order: Sequence[int], names: Names | None = None) -> list[RowGroup]:
    """Owner bands over the display rows (a new band where the owner or machine/vehicle kind
    changes), labelled with the owners' names (ids without ``names``)."""
    owners = names.owner if names is not None else layout.owners
    groups: list[RowGroup] = []
    start = 0
    for pos in range(1, len(order) + 1):
        prev = layout.resources[order[pos - 1]]
        if pos < len(order):
            cur = layout.resources[order[pos]]
            if cur.owner == prev.owner and cur.kind == prev.kind:
                continue
        name = owners[prev.owner] if 0 <= prev.owner < len(owners) else "(no owner)"
        vehicles = prev.kind != "machine"
        groups.append(RowGroup(start, pos, prev.owner, f"{name} · lanes" if vehicles else name, vehicles))
        start = pos
    return groups
