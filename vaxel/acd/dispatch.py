"""Shared transitions of the engine: offering, answering, queue entry with overflow, agent
state changes, thresholds (Q14-Q25, CH5). Called only after an event was validated.

Agent state machine (Q21-Q25)::

    LOGGED_OUT -login-> READY -offer-> OFFERED -answer-> BUSY -end-> WRAP_UP -timer/cancel-> READY
    OFFERED -timeout/decline-> READY (or PAUSED / LOGGED_OUT after X misses, Q23)
    READY/WRAP_UP -pause-> PAUSED -ready-> READY

Contact: WAITING -offer-> OFFERED -answer-> CONNECTED -end-> ENDED; WAITING/OFFERED may be
ABANDONED or OVERFLOWED; a callback waits as PENDING until its interval starts (CB2).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vaxel.acd import index, overflow
from vaxel.acd.commands import (
    CancelOffer,
    Command,
    ConnectContact,
    DialCallback,
    NotifyAgentState,
    OfferContact,
)
from vaxel.acd.model import (
    AgentState,
    CallbackStatus,
    Channel,
    ContactState,
    Strategy,
    UnansweredAction,
)
from vaxel.acd.routing import choose_agents, eligible
from vaxel.acd.state import AgentRec, ContactRec, QueueRec, TenantRec

if TYPE_CHECKING:
    from vaxel.acd.engine import Engine

__all__ = [
    "answer",
    "dispatch_agent",
    "dispatch_contact",
    "finish_work",
    "logout",
    "offer",
    "offer_timed_out",
    "retract",
    "set_state",
    "unindex",
    "wrap_up_ended",
]

# -- agents -------------------------------------------------------------------------------


def refresh_ready(tenant: TenantRec, agent: AgentRec) -> None:
    """Keep the per-queue ready maps in step with the agent (stand-by agents count only
    while their queue's stand-by is active, Q25)."""
    agent_id = agent.agent_id
    ready = agent.state is AgentState.READY
    for queue_id in agent.queue_ids:
        queue = tenant.queues[queue_id]
        if ready and (not agent.standby or queue.standby_active):
            queue.ready[agent_id] = None
            index.index_ready(tenant, queue, agent)
        elif queue.ready.pop(agent_id, 0) is None:
            index.unindex_ready(queue, agent)


def unindex(tenant: TenantRec, agent: AgentRec, queue_ids: list[str] | None = None) -> None:
    """Take the agent out of the ready indexes of these queues (all of theirs if None), e.g.
    before their skills change or they leave a queue."""
    agent_id = agent.agent_id
    for queue_id in agent.queue_ids if queue_ids is None else queue_ids:
        queue = tenant.queues[queue_id]
        queue.ready.pop(agent_id, None)
        index.unindex_ready(queue, agent)


def set_state(
    tenant: TenantRec, agent: AgentRec, state: AgentState, out: list[Command], reason: str = ""
) -> None:
    agent.state = state
    agent.state_seq += 1
    refresh_ready(tenant, agent)
    out.append(NotifyAgentState(tenant.tenant_id, agent.agent_id, state, reason))


def make_ready(
    engine: Engine, tenant: TenantRec, agent: AgentRec, now: float, out: list[Command]
) -> None:
    agent.contact_id = ""
    agent.pause_reason = ""
    agent.idle_since = now
    set_state(tenant, agent, AgentState.READY, out)
    dispatch_agent(engine, tenant, agent, now, out)


def finish_work(
    engine: Engine,
    tenant: TenantRec,
    agent: AgentRec,
    queue: QueueRec,
    now: float,
    out: list[Command],
) -> None:
    """After a contact: wrap-up for the queue's seconds, or straight back to ready (Q22)."""
    if queue.config.wrap_up_s > 0:
        set_state(tenant, agent, AgentState.WRAP_UP, out)
        engine.schedule(
            now + queue.config.wrap_up_s, "wrap", tenant.tenant_id, agent.agent_id, agent.state_seq
        )
    else:
        make_ready(engine, tenant, agent, now, out)


def wrap_up_ended(
    engine: Engine, tenant: TenantRec, agent: AgentRec, now: float, out: list[Command]
) -> None:
    make_ready(engine, tenant, agent, now, out)


def logout(
    engine: Engine,
    tenant: TenantRec,
    agent: AgentRec,
    queue_ids: tuple[str, ...],
    now: float,
    out: list[Command],
    reason: str = "",
) -> None:
    """Leave some or all queues (Q21); an offer from a left queue goes back to its queue."""
    leaving = [q for q in agent.queue_ids if not queue_ids or q in queue_ids]
    unindex(tenant, agent, leaving)
    for queue_id in leaving:
        tenant.queues[queue_id].members.pop(agent.agent_id, None)
    agent.queue_ids = [q for q in agent.queue_ids if q not in leaving]
    if agent.state is AgentState.OFFERED and agent.contact_id:
        contact = tenant.contacts[agent.contact_id]
        if contact.queue_id in leaving or not agent.queue_ids:
            # Out of the queues first, so the contact is not offered straight back.
            retract(engine, tenant, contact, [agent], now, out, "agent_logged_out", missed=False)
            after_return(engine, tenant, contact, now, out)
    if not agent.queue_ids:
        agent.standby = False
        agent.contact_id = ""
        agent.pause_reason = ""
        set_state(tenant, agent, AgentState.LOGGED_OUT, out, reason)
    for queue_id in leaving:
        overflow.evacuate_if_no_agents(engine, tenant, tenant.queues[queue_id], now, out)
        overflow.check_queue(engine, tenant, tenant.queues[queue_id], now, out)


# -- offering and answering --------------------------------------------------------------


def offer(
    engine: Engine,
    tenant: TenantRec,
    queue: QueueRec,
    contact: ContactRec,
    agents: list[AgentRec],
    now: float,
    out: list[Command],
) -> None:
    contact.state = ContactState.OFFERED
    contact.offered_to = [a.agent_id for a in agents]
    contact.offer_seq += 1
    expires = now + queue.config.offer_timeout_s
    if queue.config.strategy is Strategy.ROUND_ROBIN:
        queue.rr_last = agents[0].agent_id
    for agent in agents:
        agent.contact_id = contact.contact_id
        agent.offered_since = now
        set_state(tenant, agent, AgentState.OFFERED, out)
        out.append(
            OfferContact(
                tenant.tenant_id, contact.contact_id, agent.agent_id, queue.config.queue_id, expires
            )
        )
    engine.schedule(expires, "offer", tenant.tenant_id, contact.contact_id, contact.offer_seq)


def retract(
    engine: Engine,
    tenant: TenantRec,
    contact: ContactRec,
    agents: list[AgentRec],
    now: float,
    out: list[Command],
    reason: str,
    *,
    missed: bool,
) -> None:
    """Stop ringing these agents. A miss counts toward auto-pause/logout (Q23) and moves the
    agent to the back of the idle order so the next offer tries someone else."""
    for agent in agents:
        out.append(CancelOffer(tenant.tenant_id, contact.contact_id, agent.agent_id, reason))
        contact.offered_to.remove(agent.agent_id)
        agent.contact_id = ""
        if not missed:
            set_state(tenant, agent, AgentState.READY, out)
            continue
        agent.unanswered += 1
        agent.idle_since = now
        limit = agent.profile.max_unanswered
        if limit and agent.unanswered >= limit:
            agent.unanswered = 0
            if agent.profile.unanswered_action is UnansweredAction.LOGOUT:
                logout(engine, tenant, agent, (), now, out, "unanswered_offers")
            else:
                agent.pause_reason = "unanswered_offers"
                set_state(tenant, agent, AgentState.PAUSED, out, "unanswered_offers")
        else:
            set_state(tenant, agent, AgentState.READY, out)
    if not contact.offered_to and contact.state is ContactState.OFFERED:
        contact.state = ContactState.WAITING


def answer(
    engine: Engine,
    tenant: TenantRec,
    contact: ContactRec,
    agent: AgentRec,
    now: float,
    out: list[Command],
) -> None:
    """First to answer wins; the others stop ringing (Q14 ring-all)."""
    queue = tenant.queues[contact.queue_id]
    others = [tenant.agents[a] for a in contact.offered_to if a != agent.agent_id]
    for other in others:
        out.append(
            CancelOffer(tenant.tenant_id, contact.contact_id, other.agent_id, "answered_elsewhere")
        )
        other.contact_id = ""
        set_state(tenant, other, AgentState.READY, out)
    contact.offered_to = []
    contact.state = ContactState.CONNECTED
    contact.agent_id = agent.agent_id
    contact.answered_at = now
    engine.remove_waiting(queue, contact)
    waited = now - contact.entered_at
    queue.answered_wait_sum += waited
    queue.answered_count += 1
    if engine.estimator is not None:
        engine.estimator.record_answer(queue.config.queue_id, waited, now)
    today = engine.today_of(now)
    if agent.answered_day != today:
        agent.answered_day = today
        agent.answered_today = 0
    agent.answered_today += 1
    agent.unanswered = 0
    agent.busy_since = now
    agent.contact_id = contact.contact_id
    set_state(tenant, agent, AgentState.BUSY, out)
    contact.history.append(f"{now:.3f} answered by {agent.agent_id}")
    if contact.channel is Channel.CALLBACK:
        contact.attempts += 1
        if agent.agent_id not in contact.agents_tried:
            contact.agents_tried.append(agent.agent_id)
        contact.callback_status = CallbackStatus.IN_PROGRESS
        out.append(
            DialCallback(
                tenant.tenant_id,
                contact.contact_id,
                agent.agent_id,
                agent.profile.phone,
                contact.caller_number,
                contact.attempts,
            )
        )
    else:
        out.append(
            ConnectContact(
                tenant.tenant_id, contact.contact_id, agent.agent_id, queue.config.queue_id
            )
        )
    for other in others:
        dispatch_agent(engine, tenant, other, now, out)
    overflow.check_queue(engine, tenant, queue, now, out)


def offer_timed_out(
    engine: Engine, tenant: TenantRec, contact: ContactRec, now: float, out: list[Command]
) -> None:
    agents = [tenant.agents[a] for a in contact.offered_to]
    retract(engine, tenant, contact, agents, now, out, "timeout", missed=True)
    after_return(engine, tenant, contact, now, out)
    for agent in agents:
        dispatch_agent(engine, tenant, agent, now, out)


def after_return(
    engine: Engine, tenant: TenantRec, contact: ContactRec, now: float, out: list[Command]
) -> None:
    """A contact back in WAITING: overflow if overdue (Q18), else offer it again."""
    if contact.state is ContactState.WAITING and not overflow.overflow_if_overdue(
        engine, tenant, contact, now, out
    ):
        dispatch_contact(engine, tenant, contact, now, out)


def dispatch_contact(
    engine: Engine, tenant: TenantRec, contact: ContactRec, now: float, out: list[Command]
) -> bool:
    """Offer a waiting contact to the agents its queue's strategy picks, if any are ready."""
    if contact.state is not ContactState.WAITING:
        return False
    queue = tenant.queues[contact.queue_id]
    if not queue.ready:
        return False
    agents = tenant.agents
    config = queue.config
    if config.sticky_window_s and contact.caller_number:
        last = tenant.last_handler.get(contact.caller_number)
        if (
            last is not None
            and now - last[1] <= config.sticky_window_s
            and last[0] in queue.ready
            and eligible(agents[last[0]], contact, queue, now)
        ):
            offer(engine, tenant, queue, contact, [agents[last[0]]], now, out)
            return True
    answered, agent = index.indexed_choice(tenant, queue, contact)
    if answered:
        # The common case needs no scan of the ready agents (see vaxel.acd.index).
        if agent is None:
            return False
        offer(engine, tenant, queue, contact, [agent], now, out)
        return True
    pool: dict[str, None] = queue.ready
    for skill in contact.skills:
        having = index.ready_with_skill(tenant, queue, skill)
        if not having:
            return False
        if len(having) < len(pool):
            pool = having
    candidates = [agents[a] for a in pool if eligible(agents[a], contact, queue, now)]
    if not candidates:
        return False
    today = engine.today_of(now) if config.strategy is Strategy.FEWEST_CALLS else -1
    chosen = choose_agents(queue, contact, candidates, engine.rng, today)
    offer(engine, tenant, queue, contact, chosen, now, out)
    return True


def dispatch_agent(
    engine: Engine, tenant: TenantRec, agent: AgentRec, now: float, out: list[Command]
) -> bool:
    """Give a ready agent the first contact in service order across their queues: queue
    priority (Q17), then contact priority, then arrival."""
    if agent.state is not AgentState.READY:
        return False
    best: tuple[int, tuple[int, float, int, str]] | None = None
    best_queue: QueueRec | None = None
    agent_id = agent.agent_id
    contacts = tenant.contacts
    profile = agent.profile
    for queue_id in agent.queue_ids:
        queue = tenant.queues[queue_id]
        if agent_id not in queue.ready or not queue.buckets:
            continue
        rank = -queue.config.priority
        if best is not None and rank > best[0]:
            continue
        for (skills, language, target), bucket in queue.buckets.items():
            if language and not profile.speaks(language):
                continue
            if any(profile.skills.get(skill, -1) < level for skill, level in skills):
                continue
            for item in bucket:
                if best is not None and (rank, item) >= best:
                    break
                contact = contacts[item[3]]
                if contact.state is ContactState.WAITING and (
                    not target or eligible(agent, contact, queue, now)
                ):
                    best = (rank, item)
                    best_queue = queue
                    break
    if best is None or best_queue is None:
        return False
    offer(engine, tenant, best_queue, contacts[best[1][3]], [agent], now, out)
    return True
