"""Event handlers for agents (Q21-Q25, Q28): profiles, log in/out, ready, pause, answer,
decline, wrap-up, picking a contact. Validate first, then change state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vaxel.acd import dispatch, overflow
from vaxel.acd.commands import Command
from vaxel.acd.events import (
    AgentAnswered,
    AgentConfigured,
    AgentDeclined,
    AgentLoggedIn,
    AgentLoggedOut,
    AgentPaused,
    AgentReady,
    AgentRemoved,
    ContactPicked,
    OfferPickedUp,
    WrapUpCancelled,
)
from vaxel.acd.model import AgentState, ContactState
from vaxel.acd.state import AgentRec, ContactRec, TenantRec
from vaxel.core.errors import DomainError, IllegalTransition

if TYPE_CHECKING:
    from vaxel.acd.engine import Engine

__all__ = [
    "agent_answered",
    "agent_configured",
    "agent_declined",
    "agent_logged_in",
    "agent_logged_out",
    "agent_paused",
    "agent_ready",
    "agent_removed",
    "contact_picked",
    "wrap_up_cancelled",
]


def agent_configured(
    engine: Engine, tenant: TenantRec, event: AgentConfigured, now: float, out: list[Command]
) -> None:
    profile = event.profile
    agent = tenant.agents.get(profile.agent_id)
    if agent is None:
        tenant.agents[profile.agent_id] = AgentRec(profile)
        return
    dispatch.unindex(tenant, agent)
    agent.profile = profile
    dispatch.refresh_ready(tenant, agent)
    # ADM2: a queue no longer permitted is left at once — except the one whose contact the
    # agent is talking to right now; that call is finished first.
    talking_in = _busy_queue(tenant, agent) if agent.state is AgentState.BUSY else ""
    revoked = tuple(
        q for q in agent.queue_ids if q not in profile.permitted_queues and q != talking_in
    )
    if revoked:
        dispatch.logout(engine, tenant, agent, revoked, now, out, "permission_removed")
    dispatch.dispatch_agent(engine, tenant, agent, now, out)


def agent_removed(
    engine: Engine, tenant: TenantRec, event: AgentRemoved, now: float, out: list[Command]
) -> None:
    agent = engine.agent(tenant, event.agent_id)
    if agent.state is not AgentState.LOGGED_OUT:
        raise IllegalTransition(
            "agent", agent.state.value, "AgentRemoved (log the agent out first)"
        )
    del tenant.agents[event.agent_id]


def agent_logged_in(
    engine: Engine, tenant: TenantRec, event: AgentLoggedIn, now: float, out: list[Command]
) -> None:
    """Q21: only to queues the profile permits; logging in again adds queues. From logged
    out: ready, or paused with the event's ``pause_reason`` (issue 15)."""
    agent = engine.agent(tenant, event.agent_id)
    if not event.queue_ids:
        raise DomainError("AgentLoggedIn needs at least one queue", code="login-needs-queue")
    for queue_id in event.queue_ids:
        engine.queue(tenant, queue_id)
        if queue_id not in agent.profile.permitted_queues:
            raise DomainError(
                f"agent {event.agent_id!r} may not log in to queue {queue_id!r}; "
                "add it to the profile's permitted_queues",
                code="queue-not-permitted-login",
                agent=event.agent_id,
                queue=queue_id,
            )
    new = [q for q in dict.fromkeys(event.queue_ids) if q not in agent.queue_ids]
    agent.queue_ids.extend(new)
    agent.standby = event.standby
    for queue_id in new:
        tenant.queues[queue_id].members[agent.agent_id] = None
    if agent.state is AgentState.LOGGED_OUT and event.pause_reason:
        agent.unanswered = 0
        agent.pause_reason = event.pause_reason
        dispatch.set_state(tenant, agent, AgentState.PAUSED, out, event.pause_reason)
    elif agent.state is AgentState.LOGGED_OUT:
        agent.unanswered = 0
        dispatch.make_ready(engine, tenant, agent, now, out)
    else:
        dispatch.refresh_ready(tenant, agent)
        dispatch.dispatch_agent(engine, tenant, agent, now, out)
    for queue_id in new:
        overflow.check_queue(engine, tenant, tenant.queues[queue_id], now, out)


def agent_logged_out(
    engine: Engine, tenant: TenantRec, event: AgentLoggedOut, now: float, out: list[Command]
) -> None:
    agent = engine.agent(tenant, event.agent_id)
    if agent.state is AgentState.LOGGED_OUT:
        raise IllegalTransition("agent", agent.state.value, "AgentLoggedOut")
    for queue_id in event.queue_ids:
        if queue_id not in agent.queue_ids:
            raise DomainError(
                f"agent {event.agent_id!r} is not logged in to queue {queue_id!r}",
                code="not-logged-in-to-queue",
                agent=event.agent_id,
                queue=queue_id,
            )
    leaving_all = not event.queue_ids or set(event.queue_ids) >= set(agent.queue_ids)
    if agent.state is AgentState.BUSY and (
        leaving_all or _busy_queue(tenant, agent) in event.queue_ids
    ):
        raise IllegalTransition(
            "agent", agent.state.value, "AgentLoggedOut (finish the contact first)"
        )
    dispatch.logout(engine, tenant, agent, event.queue_ids, now, out, "logged_out")


def _busy_queue(tenant: TenantRec, agent: AgentRec) -> str:
    contact = tenant.contacts.get(agent.contact_id)
    return contact.queue_id if contact is not None else ""


def agent_ready(
    engine: Engine, tenant: TenantRec, event: AgentReady, now: float, out: list[Command]
) -> None:
    agent = engine.agent(tenant, event.agent_id)
    if agent.state not in (AgentState.PAUSED, AgentState.WRAP_UP):
        raise IllegalTransition("agent", agent.state.value, "AgentReady")
    dispatch.make_ready(engine, tenant, agent, now, out)


def agent_paused(
    engine: Engine, tenant: TenantRec, event: AgentPaused, now: float, out: list[Command]
) -> None:
    """Q24: pause with a reason code, from ready or wrap-up (or change the code while paused)."""
    agent = engine.agent(tenant, event.agent_id)
    if agent.state not in (AgentState.READY, AgentState.WRAP_UP, AgentState.PAUSED):
        raise IllegalTransition("agent", agent.state.value, "AgentPaused")
    agent.pause_reason = event.reason_code
    agent.contact_id = ""
    dispatch.set_state(tenant, agent, AgentState.PAUSED, out, event.reason_code)


def _offered_to(
    engine: Engine, tenant: TenantRec, agent_id: str, contact_id: str, step: str
) -> tuple[AgentRec, ContactRec]:
    agent = engine.agent(tenant, agent_id)
    contact = engine.contact(tenant, contact_id)
    if contact.state is not ContactState.OFFERED or agent_id not in contact.offered_to:
        raise IllegalTransition(
            "contact", f"{contact.state.value} (not offered to {agent_id})", step
        )
    return agent, contact


def agent_answered(
    engine: Engine, tenant: TenantRec, event: AgentAnswered, now: float, out: list[Command]
) -> None:
    agent, contact = _offered_to(engine, tenant, event.agent_id, event.contact_id, "AgentAnswered")
    dispatch.answer(engine, tenant, contact, agent, now, out)


def agent_declined(
    engine: Engine, tenant: TenantRec, event: AgentDeclined, now: float, out: list[Command]
) -> None:
    """A decline counts as an unanswered offer (Q23)."""
    agent, contact = _offered_to(engine, tenant, event.agent_id, event.contact_id, "AgentDeclined")
    dispatch.retract(engine, tenant, contact, [agent], now, out, "declined", missed=True)
    dispatch.after_return(engine, tenant, contact, now, out)
    dispatch.dispatch_agent(engine, tenant, agent, now, out)


def wrap_up_cancelled(
    engine: Engine, tenant: TenantRec, event: WrapUpCancelled, now: float, out: list[Command]
) -> None:
    """Q22: the agent ends wrap-up early."""
    agent = engine.agent(tenant, event.agent_id)
    if agent.state is not AgentState.WRAP_UP:
        raise IllegalTransition("agent", agent.state.value, "WrapUpCancelled")
    dispatch.wrap_up_ended(engine, tenant, agent, now, out)


def contact_picked(
    engine: Engine, tenant: TenantRec, event: ContactPicked, now: float, out: list[Command]
) -> None:
    """Q28/CB8: a ready agent takes a specific waiting contact; never one already offered
    or in progress, so no two agents work the same callback."""
    agent = engine.agent(tenant, event.agent_id)
    contact = engine.contact(tenant, event.contact_id)
    if agent.state not in (AgentState.READY, AgentState.PAUSED, AgentState.WRAP_UP):
        raise IllegalTransition("agent", agent.state.value, "ContactPicked")
    if contact.state is not ContactState.WAITING:
        raise IllegalTransition("contact", contact.state.value, "ContactPicked")
    if contact.queue_id not in agent.queue_ids:
        raise DomainError(
            f"agent {event.agent_id!r} is not logged in to queue {contact.queue_id!r}",
            code="not-logged-in-to-queue",
            agent=event.agent_id,
            queue=contact.queue_id,
        )
    queue = tenant.queues[contact.queue_id]
    dispatch.offer(engine, tenant, queue, contact, [agent], now, out)
    dispatch.answer(engine, tenant, contact, agent, now, out)


def offer_picked_up(
    engine: Engine, tenant: TenantRec, event: OfferPickedUp, now: float, out: list[Command]
) -> None:
    """Call pickup (issue 14): a logged-in agent, ready or paused, answers from their own
    phone a contact ringing another agent's. The ringing agents' offers are withdrawn (not
    missed: Q23 counts nothing against them) and the picker answers it, as if offered."""
    contact = engine.contact(tenant, event.contact_id)
    picker = engine.agent(tenant, event.agent_id)
    if contact.state is not ContactState.OFFERED:
        raise IllegalTransition("contact", contact.state.value, "OfferPickedUp")
    if picker.state not in (AgentState.READY, AgentState.PAUSED):
        raise IllegalTransition("agent", picker.state.value, "OfferPickedUp")
    rung = [tenant.agents[a] for a in contact.offered_to]
    dispatch.retract(engine, tenant, contact, rung, now, out, "picked_up", missed=False)
    contact.state, contact.offered_to = ContactState.OFFERED, [picker.agent_id]
    picker.contact_id = contact.contact_id
    dispatch.answer(engine, tenant, contact, picker, now, out)
    contact.history.append(f"{now:.3f} picked up from {', '.join(a.agent_id for a in rung)}")
    for agent in rung:
        dispatch.dispatch_agent(engine, tenant, agent, now, out)
