"""What the platform sees of each owner's machines when it estimates where work would be
done soonest (push assignment and where a kit is consolidated).

- ``live`` owners: the machines' state as it is now (the board itself);
- ``periodic`` owners: the state at their last snapshot, taken every ``share_period`` from
  time 0: what was running then counts down as time passes, but breakdowns, completions and
  work sent since are not seen until the next snapshot;
- ``none``: only the declared capacity: every machine looks free and empty.

Only the estimates read this view; the machines themselves work as they really are, so
``compare`` measures what sharing data is worth.
"""

from __future__ import annotations

from collections.abc import Generator

import numpy as np
import simpy

from twin_app.model.scenario import Scenario
from twin_app.sim.state import MachineBoard


class DataView:
    """The board as the platform sees it, for owners that do not share live data."""

    def __init__(self, env: simpy.Environment, scenario: Scenario, board: MachineBoard) -> None:
        self.env = env
        self.board = board
        owners = {owner.id: owner for owner in scenario.owners}
        site_owner = {site.id: owners.get(site.owner) for site in scenario.sites}
        machine_owner = [site_owner.get(m.site) for m in scenario.machines]
        mode = [owner.shares_data if owner is not None else "live" for owner in machine_owner]
        self.hidden = np.array([m != "live" for m in mode], dtype=bool)
        self.view = board.stack.copy()
        self.view[:4] = 0.0  # nothing running, queued or down: the declared capacity only
        periods: dict[float, list[int]] = {}
        for m, owner in enumerate(machine_owner):
            if owner is not None and mode[m] == "periodic":
                periods.setdefault(owner.share_period, []).append(m)
        for period, machines in sorted(periods.items()):
            env.process(self._snapshots(period, np.array(machines, dtype=np.int64)))

    @staticmethod
    def needed(scenario: Scenario) -> bool:
        """Whether any owner hides part of its state (else the board is the view)."""
        return any(owner.shares_data != "live" for owner in scenario.owners)

    def _snapshots(self, period: float, machines: np.ndarray) -> Generator[simpy.Event, object, None]:
        while True:
            self.view[:, machines] = self.board.stack[:, machines]
            yield self.env.timeout(period)

    def stack(self, machines: np.ndarray) -> np.ndarray:
        """The board's rows for ``machines`` as the platform sees them."""
        rows = self.board.stack.take(machines, axis=1)
        hidden = self.hidden[machines]
        if hidden.any():
            rows[:, hidden] = self.view[:, machines[hidden]]
        return rows
