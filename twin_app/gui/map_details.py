"""The network map's details: what a clicked site or customer is, as rich text, and what a
hovered one (or cluster) is, as a tool tip.

Plain functions of the map model and the run's names, so the panel and the tip read the same
figures the map draws (utilisation, mean queue, parts waiting now, each machine's states).
"""

from __future__ import annotations

import html

import numpy as np

from twin_app.gui import theme
from twin_app.gui.map_labels import node_name
from twin_app.gui.map_model import Clusters, MapModel
from twin_app.gui.view import RunContext


def details_placeholder() -> str:
    """What the panel says before a site is clicked."""
    return (
        f'<p style="color:{theme.colors.muted}">Click a site on the map to see its owner, machines, '
        "their state breakdown and queue.</p>"
    )


def node_details(model: MapModel, run: RunContext, node: int, owner_color: str) -> str:
    """The panel for network node ``node``: a customer's lanes, or a site's owner, utilisation,
    queue (mean and now) and each machine with its state breakdown."""
    muted = theme.colors.muted
    if node >= model.n_sites:
        customer = model.scenario.customers[node - model.n_sites]
        lanes = [
            run.names.lane[i]
            for i, lane in enumerate(model.scenario.lanes)
            if customer.id in (lane.origin, lane.destination)
        ]
        return (
            f"<h3>{html.escape(customer.name or customer.id)}</h3><p>Customer <b>{html.escape(customer.id)}</b></p>"
            f"<p>Lanes: {html.escape(', '.join(lanes) or 'none')}</p>"
        )
    site = model.scenario.sites[node]
    owner_i = int(model.node_owner[node])
    color = owner_color
    util = model.utilisation[node]
    rows = []
    for m, machine in enumerate(model.scenario.machines):
        if machine.site != site.id:
            continue
        first = model.layout.machine_first_unit[m]
        units = range(first, first + machine.capacity)
        state_text, util_text = "-", "-"
        if model.resource_states is not None and len(model.resource_states) > first:
            s = model.resource_states[list(units)].sum(axis=0)
            total = s.sum()
            if total > 0:
                working = total - s[5]
                util_text = f"{s[0] / working * 100:.0f} %" if working > 0 else "-"
                state_text = " ".join(
                    f'<span style="color:{theme.state_color(k)}">&#9632;</span>{s[i] / total * 100:.0f}'
                    for i, k in enumerate(theme.MACHINE_STATES)
                    if s[i] / total >= 0.005
                )
        caps = ", ".join(c.step for c in machine.capabilities)
        rows.append(
            f"<tr><td><b>{html.escape(run.names.machine[m])}</b>"
            f'<br><span style="color:{muted}">{html.escape(caps)} &middot; x{machine.capacity}</span></td>'
            f'<td align="right">{util_text}</td><td>{state_text}</td></tr>'
        )
    util_text = f"{util * 100:.0f} %" if np.isfinite(util) else "-"
    kind = model.scenario.owners[owner_i].kind.replace("_", " ") if owner_i >= 0 else ""
    waiting = model.live.node_queue[node] if model.live is not None else 0.0
    legend = " ".join(
        f'<span style="color:{theme.state_color(k)}">&#9632;</span>{theme.STATE_LABELS[k]}'
        for k in theme.MACHINE_STATES
    )
    return (
        f'<h3 style="margin-bottom:2px">{html.escape(run.names.site[node])}</h3>'
        f'<p style="margin-top:0"><span style="color:{color}">&#9679;</span> '
        f"{html.escape(run.names.owner_of(owner_i))} "
        f'<span style="color:{muted}">({html.escape(kind)})</span></p>'
        f"<p>Utilisation <b>{util_text}</b> &middot; queue <b>{model.queue[node]:.1f}</b> waiting (mean), "
        f"<b>{waiting:.0f}</b> now</p>"
        f'<table width="100%" cellspacing="0" cellpadding="3"><tr style="color:{muted}">'
        f"<td>Machine</td><td align='right'>Util.</td><td>States (%)</td></tr>{''.join(rows)}</table>"
        f'<p style="color:{muted}; font-size:8pt">{legend}</p>'
    )


def hover_tip(model: MapModel, run: RunContext | None, clusters: Clusters, c: int) -> str:
    """The tool tip of cluster ``c``: how many sites, owners and machines it holds, or its only
    node's name, owner, utilisation and queue."""
    members = np.flatnonzero(clusters.of_node == c)
    if len(members) > 1:
        owners = len({int(o) for o in model.node_owner[members] if o >= 0})
        return f"{len(members)} sites of {owners} owners, {int(clusters.machines[c])} machine units (click to zoom)"
    node = int(members[0])
    name = node_name(model, run, node)
    if node >= model.n_sites:
        return f"Customer {name}"
    owner = model.node_owner[node]
    owner_name = run.names.owner_of(int(owner)) if run is not None else "?"
    util = model.utilisation[node]
    util_text = f"{util * 100:.0f} %" if np.isfinite(util) else "no machines"
    waiting = model.live.node_queue[node] if model.live is not None else 0.0
    return f"{name} ({owner_name})\nutilisation {util_text}\nqueue {model.queue[node]:.1f} mean, {waiting:.0f} now"
