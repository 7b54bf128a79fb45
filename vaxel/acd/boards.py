"""Named views of a tenant for the pages and the API (issue 12 §2): plain data out.

Adapters ask the contact center for these through
:class:`~vaxel.acd.ports.ContactCenterPort` (the wallboard's board, an agent's panel, the
callback list's context, the queues' opening-hours state) and never run code against the
engine themselves, so a tenant's engine could answer them from another process. Each
function reads the engine once and returns dicts, lists and frozen dataclasses that share
nothing with it; the runtime calls them while no event changes the engine. Names for people
(agent states in Swedish or English) are the web's to add.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from vaxel.acd.engine import Engine
from vaxel.acd.model import Channel, ContactState
from vaxel.acd.views import CallbackContext, QueueHours
from vaxel.core.errors import VaxelError
from vaxel.stats import ServiceLevelCounts, waiting_past_target

__all__ = [
    "agent_panel",
    "callback_context",
    "queue_hours",
    "service_level_targets",
    "tenant_board",
]


def queue_hours(engine: Engine) -> list[QueueHours]:
    """Every running queue of every tenant, with the schedule that opens and closes it."""
    return [
        QueueHours(t, q, r.config.schedule_id, r.schedule_open, r.closed_reason)
        for t, tenant in engine.tenants.items()
        for q, r in tenant.queues.items()
    ]


def callback_context(engine: Engine, tenant_id: str) -> CallbackContext:
    try:
        tenant = engine.tenant(tenant_id)
    except VaxelError:
        return CallbackContext({}, {}, {}, {})
    return CallbackContext(
        {q: r.config.display_name for q, r in tenant.queues.items()},
        {q: r.config.callback.max_attempts for q, r in tenant.queues.items()},
        {a: r.profile.name or a for a, r in tenant.agents.items()},
        {c: a.agent_id for a in tenant.agents.values() for c in (a.contact_id,) if c},
    )


def tenant_board(
    engine: Engine,
    tenant_id: str,
    now: float,
    today: Mapping[str, ServiceLevelCounts] | None = None,
    day_start: float = 0.0,
) -> dict[str, Any]:
    """Queues with waiting/longest wait/agents by state and today's service level against
    the queue's goal: ``today`` (the store's answered/abandoned counts per queue since
    ``day_start``) plus the callers of the day still waiting past the queue's target now
    (vaxel/stats/service_level.py defines the level); every agent with state and time in
    it. ``at`` is ``now``: a live page counts the times on from it, so the board need not
    be rebuilt for the clock (ST1). Agent states are ids; the web names them."""
    try:
        tenant = engine.tenant(tenant_id)
    except VaxelError:
        return {"queues": [], "agents": [], "at": now}
    queued: dict[str, list[float]] = {q: [] for q in tenant.queues}
    for contact in tenant.contacts.values():
        if (
            contact.state in (ContactState.WAITING, ContactState.OFFERED)
            and contact.channel is not Channel.CALLBACK
            and contact.arrived_at >= day_start
        ):
            queued.setdefault(contact.queue_id, []).append(contact.arrived_at)
    figures: dict[str, ServiceLevelCounts] = {}
    by_state: dict[str, dict[str, int]] = {q: {} for q in tenant.queues}
    who: dict[str, list[str]] = {q: [] for q in tenant.queues}
    for agent in tenant.agents.values():
        for queue_id in agent.queue_ids:
            counts = by_state.setdefault(queue_id, {})
            counts[agent.state.value] = counts.get(agent.state.value, 0) + 1
            who.setdefault(queue_id, []).append(agent.profile.name or agent.profile.agent_id)
    queues: list[dict[str, Any]] = []
    for queue_id, record in tenant.queues.items():
        status = engine.queue_status(tenant_id, queue_id, now)
        config = record.config
        counts = by_state[queue_id]
        late = waiting_past_target(queued[queue_id], now, config.service_level_s)
        figures[queue_id] = replace(
            today.get(queue_id, ServiceLevelCounts()) if today else ServiceLevelCounts(),
            waiting_past_target=late,
        )
        queues.append(
            {
                "id": queue_id,
                "name": config.display_name,
                "open": status.open,
                "waiting": status.waiting,
                "longest_wait_s": round(status.longest_wait_s),
                "logged_in": status.agents_logged_in,
                "ready": status.agents_ready,
                "busy": counts.get("busy", 0) + counts.get("offered", 0),
                "wrap_up": counts.get("wrap_up", 0),
                "paused": counts.get("paused", 0),
                "callbacks": status.pending_callbacks,
                "who": ", ".join(sorted(who.get(queue_id, ()))),
                "target_s": round(config.service_level_s),
                "short_abandon_s": round(config.short_abandon_s),
                **_today(figures[queue_id], config.service_level_goal),
            }
        )
    agents = []
    for agent_id, agent in tenant.agents.items():
        since = {"busy": agent.busy_since, "offered": agent.offered_since}.get(
            agent.state.value, agent.idle_since
        )
        agents.append(
            {
                "id": agent_id,
                "name": agent.profile.name,
                "state": agent.state.value,
                "pause_reason": agent.pause_reason,
                "queues": list(agent.queue_ids),
                "in_state_s": max(0, round(now - since)) if since else 0,
            }
        )
    goals = {record.config.service_level_goal for record in tenant.queues.values()}
    # Each queue counted "in time" against its own target, so the sums make a true overall
    # level; a single goal is shown only when every queue shares it.
    total = sum(figures.values(), ServiceLevelCounts())
    overall = _today(total, goals.pop() if len(goals) == 1 else None)
    return {"queues": queues, "agents": agents, "overall": overall, "at": now}


def service_level_targets(
    engine: Engine, tenant_id: str
) -> tuple[dict[str, float], dict[str, float]]:
    """Each queue's own service-level target and short-abandon threshold in seconds (ST1)."""
    try:
        tenant = engine.tenant(tenant_id)
    except VaxelError:
        return {}, {}
    configs = {q: record.config for q, record in tenant.queues.items()}
    return (
        {q: config.service_level_s for q, config in configs.items()},
        {q: config.short_abandon_s for q, config in configs.items()},
    )


def _today(figures: ServiceLevelCounts, goal: float | None) -> dict[str, Any]:
    """The counts and the level as a percent; "–" while nothing counts yet (a wallboard
    must not claim 100 % on nothing). ``below_goal`` colours the figure on the wallboard."""
    level = figures.level
    return {
        "answered": figures.answered,
        "abandoned": figures.abandoned,
        "short_abandoned": figures.short_abandoned,
        "in_target": figures.in_target,
        "waiting_past_target": figures.waiting_past_target,
        "service_level": f"{round(100 * level)} %" if level is not None else "–",
        "goal": f"{round(100 * goal)} %" if goal is not None else "",
        "below_goal": goal is not None and figures.below(goal),
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
                "dialled_number": c.dialled_number,
                # The wait ends at the answer: the card must not count the talk as waiting.
                "waited_s": max(0, round((c.answered_at or now) - c.arrived_at)),
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
        "pause_reason": view.pause_reason,
        "contact_id": view.contact_id,
        "answered_today": view.answered_today,
        "queues": permitted,
        "contact": contact,
    }
