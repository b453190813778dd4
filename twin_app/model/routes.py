"""Route tables of a large network, one origin at a time, only for the origins a run asks about.

A network's route tables (:class:`~twin_app.model.network.Network`: transit time, cost and CO2
per unit, first lane and first node of the fastest route between every two nodes) hold n x n
entries: 13 GB for 20,000 sites, and as many shortest-path searches. Up to
:data:`DENSE_NODES` nodes they are plain numpy arrays, computed at once (fast to index, at most
32 MB). Above, each table is a :class:`LazyTable`: indexing it computes the routes from the
origins asked about (one search each, the same search and the same numbers as the full table)
and keeps only the destinations they reach. The engine asks about the nodes where parts are and
the machines that can take them, so a run touches a small part of the table; a network without
lanes keeps one entry per origin.

A lazy table answers the indexing the engine uses: ``t[i, j]``, ``t[rows, j]``, ``t[i]``,
``t[rows]`` (a block of full rows) and ``t[rows][:, columns]``.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np

DENSE_NODES = 1_000
"""Most nodes for which the route tables are full n x n arrays (5 tables, 32 MB at 1,000)."""

DENSE_ROW_CELLS = 1 << 22
"""Cells of full rows a lazy table set keeps for fast indexing (per table; the least recently
used rows are dropped first): 4M cells, 32 MB of transit times."""

Row = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]
"""The routes from one origin: the destinations it reaches (sorted node indices), then at each
the transit time, cost per unit, CO2 per unit, first lane and first node."""

_FILLS: tuple[tuple[Any, type], ...] = (
    (np.inf, np.float64),
    (np.inf, np.float64),
    (np.inf, np.float64),
    (-1, np.int32),
    (-1, np.int32),
)
"""Value where no route leads, and dtype, of each table (transit, cost, CO2, lane, node)."""

_DIAGONAL: tuple[Any, ...] = (0.0, 0.0, 0.0, -1, -1)
"""Value of each table from a node to itself."""


class LazyRoutes:
    """The routes of a network computed per origin on first use (see the module docstring)."""

    def __init__(self, n: int, routes_from: Callable[[int], Row]) -> None:
        self.n = n
        self._routes_from = routes_from
        self._sparse: dict[int, Row] = {}
        self._dense: OrderedDict[int, tuple[np.ndarray, ...]] = OrderedDict()
        self._dense_rows = max(16, DENSE_ROW_CELLS // max(n, 1))

    def tables(self) -> tuple[LazyTable, ...]:
        """transit, cost_per_unit, co2_per_unit, next_lane, next_node."""
        return tuple(LazyTable(self, field) for field in range(5))

    @property
    def origins_computed(self) -> int:
        """Origins whose routes have been searched so far."""
        return len(self._sparse)

    def sparse(self, origin: int) -> Row:
        row = self._sparse.get(origin)
        if row is None:
            row = self._sparse[origin] = self._routes_from(origin)
        return row

    def dense(self, origin: int) -> tuple[np.ndarray, ...]:
        """The full rows of the five tables from ``origin`` (kept while recently used)."""
        rows = self._dense.get(origin)
        if rows is not None:
            self._dense.move_to_end(origin)
            return rows
        targets, *values = self.sparse(origin)
        built = []
        for field, (fill, dtype) in enumerate(_FILLS):
            row = np.full(self.n, fill, dtype=dtype)
            row[origin] = _DIAGONAL[field]
            row[targets] = values[field]
            built.append(row)
        rows = self._dense[origin] = tuple(built)
        if len(self._dense) > self._dense_rows:
            self._dense.popitem(last=False)
        return rows

    def value(self, field: int, origin: int, destination: int) -> Any:
        """One entry, from the origin's reached destinations (no full row built)."""
        if origin == destination:
            return _DIAGONAL[field]
        targets, *values = self.sparse(origin)
        position = int(np.searchsorted(targets, destination))
        if position < len(targets) and targets[position] == destination:
            return values[field][position]
        return _FILLS[field][0]


class LazyTable:
    """One route table of a :class:`LazyRoutes`, indexed like the n x n array it stands for."""

    def __init__(self, routes: LazyRoutes, field: int) -> None:
        self._routes = routes
        self._field = field
        self.dtype = np.dtype(_FILLS[field][1])
        self.shape = (routes.n, routes.n)

    def __getitem__(self, key: Any) -> Any:
        routes, field = self._routes, self._field
        if not isinstance(key, tuple):
            if np.ndim(key) == 0:
                return routes.dense(int(key))[field]
            return np.stack([routes.dense(int(i))[field] for i in np.asarray(key).ravel()])
        rows, columns = key
        if isinstance(rows, slice):
            rows = np.arange(routes.n)[rows]
        if np.ndim(rows) == 0:
            return routes.dense(int(rows))[field][columns]
        rows = np.asarray(rows)
        if np.ndim(columns) == 0:  # one destination from many origins: no full rows needed
            column = int(columns)
            values = [routes.value(field, int(i), column) for i in rows.ravel()]
            return np.array(values, dtype=self.dtype).reshape(rows.shape)
        return np.stack([routes.dense(int(i))[field][columns] for i in rows.ravel()])
