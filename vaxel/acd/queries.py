"""Read-only queries: queue status, waiting position and estimate, views (Q5-Q9, Q21, CB8).

Position (Q5-Q7). The pool of a contact is its own queue plus every queue that shares at
least one logged-in agent with it: those agents will serve the pool's contacts in service
order (queue priority, contact priority, order time). The position is

    1 + #{waiting contacts in the pool served before this one AND placed in line before it}

Counting only contacts placed in line earlier (order time, then sequence) is what makes Q6
hold by construction: a later arrival, whatever its priority, never adds to anyone's count,
and contacts only ever leave. The price: with mixed priorities two contacts can share a
position (a later high-priority caller and an earlier normal one are both "number one" -
each is truthfully first among those that were there before it). With equal priorities the
positions are exactly 1..n. Callbacks count once their interval has started (CB12).
These functions scan; they serve announcements, not the hot path.
"""

from __future__ import annotations

from collections.abc import Callable

from vaxel.acd.callbacks import callback_offer_allowed
from vaxel.acd.estimation import WaitEstimator, WaitSituation
from vaxel.acd.model import AgentState, CallbackStatus, ContactState
from vaxel.acd.routing import eligible
from vaxel.acd.state import AgentRec, ContactRec, QueueRec, TenantRec
from vaxel.acd.views import AgentView, CallbackView, ContactView, QueueStatus, WaitingView
from vaxel.core.errors import IllegalTransition

__all__ = [
    "agent_view",
    "callback_list",
    "contact_view",
    "pool_queues",
    "position",
    "queue_status",
    "waiting_view",
]


def queue_status(tenant: TenantRec, queue: QueueRec, now: float) -> QueueStatus:
    count = len(queue.entries)
    queue_id = queue.config.queue_id
    pending = sum(
        1
        for c in tenant.callbacks.values()
        if c.queue_id == queue_id and c.state is ContactState.PENDING
    )
    first = next(iter(queue.entries.values())) if count else now
    return QueueStatus(
        queue_id=queue.config.queue_id,
        name=queue.config.display_name,
        open=queue.is_open,
        closed_reason=queue.closed_reason
        if not queue.schedule_open
        else ("auto_close" if queue.auto_closed else ""),
        waiting=count,
        longest_wait_s=now - first,
        agents_logged_in=len(queue.members),
        agents_ready=len(queue.ready),
        standby_active=queue.standby_active,
        pending_callbacks=pending,
        logged_in_agents=tuple(queue.members),
    )


def pool_queues(tenant: TenantRec, queue: QueueRec) -> list[QueueRec]:
    """Q7: this queue and every queue sharing a logged-in agent with it."""
    seen: dict[str, QueueRec] = {queue.config.queue_id: queue}
    for agent_id in queue.members:
        for queue_id in tenant.agents[agent_id].queue_ids:
            if queue_id not in seen:
                seen[queue_id] = tenant.queues[queue_id]
    return list(seen.values())


def _service_key(queue: QueueRec, contact: ContactRec) -> tuple[int, int, float, int]:
    return (-queue.config.priority, -contact.priority, contact.order_at, contact.seq)


def position(tenant: TenantRec, contact: ContactRec) -> int:
    """The Q5-Q7 position (see the module docstring for the definition and why)."""
    queue = tenant.queues[contact.queue_id]
    mine = _service_key(queue, contact)
    placed = (contact.order_at, contact.seq)
    ahead = 0
    for pool_queue in pool_queues(tenant, queue):
        for contact_id in pool_queue.entries:
            other = tenant.contacts[contact_id]
            if other is contact:
                continue
            if (other.order_at, other.seq) < placed and _service_key(pool_queue, other) < mine:
                ahead += 1
    return ahead + 1


def _overtaking(tenant: TenantRec, queue: QueueRec, able: list[AgentRec]) -> tuple[str, ...]:
    """Queues of higher priority served by these agents: their new contacts go first (Q17),
    which the wait estimate must allow for (Q8)."""
    mine = queue.config.priority
    found = {
        queue_id
        for agent in able
        for queue_id in agent.queue_ids
        if tenant.queues[queue_id].config.priority > mine
    }
    return tuple(sorted(found))


def waiting_view(
    tenant: TenantRec, contact: ContactRec, now: float, estimator: WaitEstimator | None
) -> WaitingView:
    """What the caller is told: position, estimated wait (Q8), agents available (Q9), and
    whether a callback may be offered now (CB5)."""
    if contact.state not in (ContactState.WAITING, ContactState.OFFERED):
        raise IllegalTransition("contact", contact.state.value, "waiting_view")
    queue = tenant.queues[contact.queue_id]
    pos = position(tenant, contact)
    able: list[AgentRec] = [
        tenant.agents[a]
        for a in queue.members
        if tenant.agents[a].state is not AgentState.PAUSED
        and eligible(tenant.agents[a], contact, queue, now)
    ]
    available = sum(1 for a in able if a.agent_id in queue.ready)
    estimate = None
    if estimator is not None:
        estimate = estimator.estimate(
            WaitSituation(
                queue_id=queue.config.queue_id,
                now=now,
                ahead=pos - 1,
                agents=len(able),
                busy_agents_elapsed=tuple(
                    now - a.busy_since for a in able if a.state is AgentState.BUSY
                ),
                waited_s=max(0.0, now - contact.entered_at),
                overtaking_queues=_overtaking(tenant, queue, able),
            )
        )
    average = queue.answered_wait_sum / queue.answered_count if queue.answered_count else None
    offer_allowed = callback_offer_allowed(
        queue.config.callback,
        waiting=len(queue.entries),
        estimated_wait_s=estimate,
        average_wait_s=average,
        now=now,
    )
    return WaitingView(
        contact_id=contact.contact_id,
        queue_id=queue.config.queue_id,
        position=pos,
        estimated_wait_s=estimate,
        agents_available=available,
        agents_logged_in=len(queue.members),
        callback_offer_allowed=offer_allowed,
    )


def agent_view(
    agent: AgentRec, today_of: Callable[[float], int], now: float | None = None
) -> AgentView:
    """``answered_today`` counts the Stockholm day of ``now`` (of the last answer if None)."""
    answered = agent.answered_today
    if now is not None and agent.answered_day != today_of(now):
        answered = 0
    return AgentView(
        agent_id=agent.agent_id,
        state=agent.state,
        queue_ids=tuple(agent.queue_ids),
        standby=agent.standby,
        pause_reason=agent.pause_reason,
        contact_id=agent.contact_id,
        unanswered_in_row=agent.unanswered,
        answered_today=answered,
    )


def contact_view(contact: ContactRec) -> ContactView:
    return ContactView(
        contact_id=contact.contact_id,
        queue_id=contact.queue_id,
        channel=contact.channel,
        state=contact.state,
        priority=contact.priority,
        caller_number=contact.caller_number,
        caller_data=dict(contact.caller_data),
        agent_id=contact.agent_id,
        arrived_at=contact.arrived_at,
        classification=contact.classification,
        note=contact.note,
        history=tuple(contact.history),
        answered_at=contact.answered_at,
        dialled_number=contact.dialled_number,
    )


def callback_list(tenant: TenantRec, queue_ids: tuple[str, ...] | None) -> list[CallbackView]:
    """CB8: every callback of the given queues (all if None), oldest first."""
    rows = [
        callback_view(tenant, contact)
        for contact in tenant.callbacks.values()
        if queue_ids is None or contact.queue_id in queue_ids
    ]
    rows.sort(key=lambda row: (row.arrived_at, row.contact_id))
    return rows


def callback_view(tenant: TenantRec, contact: ContactRec) -> CallbackView:
    """One row of the callback list (CB8 columns)."""
    queue = tenant.queues.get(contact.queue_id)
    status = contact.callback_status
    if contact.state is ContactState.CONNECTED:
        status = CallbackStatus.IN_PROGRESS
    return CallbackView(
        contact_id=contact.contact_id,
        queue_id=contact.queue_id,
        queue_name=queue.config.display_name if queue is not None else contact.queue_id,
        number=contact.caller_number,
        arrived_at=contact.arrived_at,
        interval_id=contact.interval_id,
        eligible_at=contact.eligible_at,
        caller_data=dict(contact.caller_data),
        agents_tried=tuple(contact.agents_tried),
        status=status,
        attempts=contact.attempts,
        last_note=contact.last_note,
    )
