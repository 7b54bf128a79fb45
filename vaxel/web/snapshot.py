"""What the workspace and the wallboard show, built from the engine for one tenant (ST1).

Pure functions over the engine's queries: a tenant's pages can only ever see the tenant
they were asked for, because the tenant id is the first thing every query takes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from vaxel.acd.engine import Engine
from vaxel.core.errors import VaxelError
from vaxel.web.i18n import N_, gettext

__all__ = ["CONTACT_STATES", "STATE_NAMES", "agent_panel", "state_names", "tenant_snapshot"]

STATE_NAMES = {
    "logged_out": N_("Utloggad"),
    "ready": N_("Ledig"),
    "offered": N_("Ringer"),
    "busy": N_("I samtal"),
    "wrap_up": N_("Efterarbete"),
    "paused": N_("Paus"),
}
"""Agent states in Swedish. The snapshot (shared by every page of a tenant, whatever its
language) carries these; a page translates them where it shows them (issue 4, ADM5)."""
CONTACT_STATES = {
    "pending": N_("Planerad"),
    "waiting": N_("Väntar"),
    "offered": N_("Erbjuden"),
    "connected": N_("Pågår"),
    "ended": N_("Avslutad"),
    "abandoned": N_("Avbruten"),
    "overflowed": N_("Vidarekopplad"),
    "failed": N_("Misslyckad"),
}
"""A contact's state in Swedish (the caller's earlier contacts on the contact card)."""


def state_names() -> dict[str, str]:
    """Agent state → name in the current language (the pages give live.js this table)."""
    return {state: gettext(name) for state, name in STATE_NAMES.items()}


def tenant_snapshot(
    engine: Engine,
    tenant_id: str,
    now: float,
    today: Mapping[str, tuple[int, int, int]] | None = None,
) -> dict[str, Any]:
    """Queues with waiting/longest wait/agents and, given ``today`` (answered, abandoned,
    answered within target per queue), today's service level; every agent with state and
    time in it."""
    try:
        tenant = engine.tenant(tenant_id)
    except VaxelError:
        return {"queues": [], "agents": []}
    queues: list[dict[str, Any]] = []
    for queue_id, record in tenant.queues.items():
        status = engine.queue_status(tenant_id, queue_id, now)
        queues.append(
            {
                "id": queue_id,
                "name": record.config.display_name,
                "open": status.open,
                "waiting": status.waiting,
                "longest_wait_s": round(status.longest_wait_s),
                "logged_in": status.agents_logged_in,
                "ready": status.agents_ready,
                "callbacks": status.pending_callbacks,
                **_today(today.get(queue_id, (0, 0, 0)) if today else (0, 0, 0)),
            }
        )
    agents = []
    for agent_id, agent in tenant.agents.items():
        since = agent.busy_since if agent.state.value in ("busy", "offered") else agent.idle_since
        agents.append(
            {
                "id": agent_id,
                "name": agent.profile.name,
                "state": agent.state.value,
                "state_name": STATE_NAMES.get(agent.state.value, agent.state.value),
                "pause_reason": agent.pause_reason,
                "queues": list(agent.queue_ids),
                "in_state_s": max(0, round(now - since)) if since else 0,
            }
        )
    totals = [sum(int(q[key]) for q in queues) for key in ("answered", "abandoned", "in_target")]
    overall = _today((totals[0], totals[1], totals[2]))
    return {"queues": queues, "agents": agents, "overall": overall}


def _today(figures: tuple[int, int, int]) -> dict[str, Any]:
    """Service level = answered within the target / (answered + abandoned), as a percent;
    "–" before the first contact of the day (a wallboard must not claim 100 % on nothing)."""
    answered, abandoned, in_target = figures
    handled = answered + abandoned
    level = f"{round(100 * in_target / handled)} %" if handled else "–"
    return {
        "answered": answered,
        "abandoned": abandoned,
        "in_target": in_target,
        "service_level": level,
    }


def agent_panel(engine: Engine, tenant_id: str, agent_id: str, now: float) -> dict[str, Any]:
    """The signed-in agent's own state and the queues they may log in to (Q21, ADM2)."""
    try:
        tenant = engine.tenant(tenant_id)
        record = tenant.agents[agent_id]
    except (VaxelError, KeyError):
        return {"known": False}
    view = engine.agent_view(tenant_id, agent_id, now)
    contact: dict[str, Any] | None = None
    if view.contact_id:
        with contextlib.suppress(VaxelError):
            c = engine.contact_view(tenant_id, view.contact_id)
            queue = tenant.queues.get(c.queue_id)
            contact = {
                "id": c.contact_id,
                "queue": queue.config.display_name if queue else c.queue_id,
                "channel": c.channel.value,
                "state": c.state.value,
                "caller_number": c.caller_number,
                "caller_data": dict(c.caller_data),
                "waited_s": max(0, round(now - c.arrived_at)),
                "classification": c.classification,
                "note": c.note,
            }
    permitted = [
        {"id": q, "name": tenant.queues[q].config.display_name, "in": q in view.queue_ids}
        for q in record.profile.permitted_queues
        if q in tenant.queues
    ]
    waiting = sorted(
        (
            {
                "id": c.contact_id,
                "queue": tenant.queues[c.queue_id].config.display_name,
                "caller_number": c.caller_number,
                "waited_s": max(0, round(now - c.arrived_at)),
            }
            for c in tenant.contacts.values()
            if c.state.value == "waiting"
            and c.queue_id in view.queue_ids
            and c.queue_id in tenant.queues
        ),
        key=lambda row: -int(str(row["waited_s"])),
    )[:20]
    return {
        "known": True,
        "waiting": waiting,
        "state": view.state.value,
        "state_name": STATE_NAMES.get(view.state.value, view.state.value),
        "pause_reason": view.pause_reason,
        "contact_id": view.contact_id,
        "answered_today": view.answered_today,
        "queues": permitted,
        "contact": contact,
    }
