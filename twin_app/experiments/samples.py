"""Per-replication KPI samples of design points, aligned for pairing, and their summaries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from twin_app.experiments.kpi_paths import flatten
from twin_app.experiments.paired import Estimate, estimate
from twin_app.experiments.tasks import TaskResult

Samples = dict[str, list[float | None]]
"""KPI path -> one value per replication (None where that replication had none or failed)."""


def point_samples(results: Mapping[tuple[int, int], TaskResult], point: int, replications: Sequence[int]) -> Samples:
    """The KPI samples of one point, indexed like ``replications`` (failed tasks give None)."""
    flats = []
    for r in replications:
        result = results.get((point, r))
        flats.append(flatten(result.kpis) if result is not None and result.ok else {})
    paths: list[str] = []
    seen: set[str] = set()
    for flat in flats:
        for path in flat:
            if path not in seen:
                seen.add(path)
                paths.append(path)
    return {path: [flat.get(path) for flat in flats] for path in paths}


def estimates(samples: Samples) -> dict[str, Estimate]:
    """Mean and 95% CI of every KPI of a point."""
    return {path: estimate(values) for path, values in samples.items()}


def mean_curves(results: Sequence[TaskResult]) -> dict[str, Any]:
    """The replications' WIP curves and lead-time quantiles averaged (Welch's averaging)."""
    curves = [r.curves for r in results if r.ok and r.curves]
    out: dict[str, Any] = {}
    wips = [c["wip"] for c in curves if c.get("wip")]
    if wips and all(len(w) == len(wips[0]) for w in wips):
        out["wip_edges"] = curves[0]["wip_edges"]
        out["wip"] = np.mean(np.array(wips, dtype=float), axis=0).tolist()
    quantiles = [c["lead_time_quantiles"] for c in curves if c.get("lead_time_quantiles")]
    if quantiles:
        out["lead_time_quantiles"] = np.mean(np.array(quantiles, dtype=float), axis=0).tolist()
    return out


def bottleneck_shares(results: Sequence[TaskResult]) -> list[tuple[str, float, float]]:
    """Mean sole and shifting bottleneck shares per resource over the replications, largest first."""
    totals: dict[str, list[float]] = {}
    ok = [r for r in results if r.ok]
    for result in ok:
        for entry in (result.kpis.get("bottleneck") or {}).get("ranking") or []:
            share = totals.setdefault(str(entry.get("resource")), [0.0, 0.0])
            share[0] += float(entry.get("sole") or 0.0)
            share[1] += float(entry.get("shifting") or 0.0)
    n = max(len(ok), 1)
    ranked = [(name, sole / n, shifting / n) for name, (sole, shifting) in totals.items()]
    return sorted(ranked, key=lambda item: -(item[1] + item[2]))
