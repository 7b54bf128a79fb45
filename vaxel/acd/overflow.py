"""Queue entry, overflow and thresholds (Q18, Q19, Q25, CH5, CB2): where an arriving
contact goes, when a waiting one leaves for elsewhere, and when a queue auto-closes or calls
in its stand-by agents (each with hysteresis). Called only after an event was validated.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vaxel.acd import dispatch, retention
from vaxel.acd.commands import (
    Command,
    NotifyQueueState,
    NotifyStandby,
    OverflowToNumber,
    OverflowToQueue,
    RejectBusy,
)
from vaxel.acd.model import (
    Channel,
    ContactState,
    OverflowAction,
    OverflowTarget,
    OverflowTrigger,
)
from vaxel.acd.state import ContactRec, QueueRec, TenantRec

if TYPE_CHECKING:
    from vaxel.acd.engine import Engine

__all__ = [
    "MAX_OVERFLOW_HOPS",
    "apply_target",
    "check_queue",
    "contact_timer",
    "enqueue",
    "evacuate_if_no_agents",
    "make_waiting",
    "overflow_if_overdue",
    "schedule_max_wait",
]

MAX_OVERFLOW_HOPS = 8
"""A contact bounced between queues more often than this gets busy (overflow loops)."""


def make_waiting(
    engine: Engine,
    tenant: TenantRec,
    queue: QueueRec,
    contact: ContactRec,
    now: float,
    out: list[Command],
) -> None:
    contact.queue_id = queue.config.queue_id
    contact.state = ContactState.WAITING
    engine.insert_waiting(queue, contact, now)
    if contact.target_agent_id:
        engine.schedule(
            now + queue.config.private_max_wait_s,
            "private",
            tenant.tenant_id,
            contact.contact_id,
            contact.entry_seq,
        )
    schedule_max_wait(engine, tenant, queue, contact)
    dispatch.dispatch_contact(engine, tenant, contact, now, out)
    check_queue(engine, tenant, queue, now, out)


def schedule_max_wait(
    engine: Engine, tenant: TenantRec, queue: QueueRec, contact: ContactRec
) -> None:
    """Q18: max wait applies per contact, also to those already waiting when config changes."""
    if contact.channel is Channel.CALLBACK:
        return
    limits = [
        r.max_wait_s
        for r in queue.config.overflow
        if r.trigger is OverflowTrigger.MAX_WAIT and r.applies_to(contact.channel)
    ]
    if limits:
        engine.schedule(
            contact.entered_at + min(limits),
            "max_wait",
            tenant.tenant_id,
            contact.contact_id,
            contact.entry_seq,
        )


def _rule_target(
    queue: QueueRec, trigger: OverflowTrigger, channel: Channel
) -> OverflowTarget | None:
    for rule in queue.config.overflow:
        if rule.trigger is trigger and rule.applies_to(channel):
            return rule.target
    return None


def enqueue(
    engine: Engine,
    tenant: TenantRec,
    queue: QueueRec,
    contact: ContactRec,
    now: float,
    out: list[Command],
) -> None:
    """A contact arrives at a queue: closed / no agents / full → overflow target (Q18, Q19)."""
    config = queue.config
    if not queue.is_open:
        target = _rule_target(queue, OverflowTrigger.CLOSED, contact.channel)
        if target is None and queue.auto_closed and config.auto_close is not None:
            target = config.auto_close.target
        apply_target(engine, tenant, queue, contact, target, "closed", now, out)
        return
    if not queue.members:
        target = _rule_target(queue, OverflowTrigger.NO_AGENTS, contact.channel)
        if target is not None:
            apply_target(engine, tenant, queue, contact, target, "no_agents", now, out)
            return
    for rule in config.overflow:
        if (
            rule.trigger is OverflowTrigger.MAX_LENGTH
            and rule.applies_to(contact.channel)
            and len(queue.entries) >= rule.max_length
        ):
            apply_target(engine, tenant, queue, contact, rule.target, "max_length", now, out)
            return
    make_waiting(engine, tenant, queue, contact, now, out)


def apply_target(
    engine: Engine,
    tenant: TenantRec,
    queue: QueueRec,
    contact: ContactRec,
    target: OverflowTarget | None,
    reason: str,
    now: float,
    out: list[Command],
) -> None:
    was_waiting = contact.contact_id in queue.entries
    engine.remove_waiting(queue, contact)
    contact.history.append(f"{now:.3f} overflow from {queue.config.queue_id}: {reason}")
    destination = None
    if target is not None and target.action is OverflowAction.QUEUE:
        destination = tenant.queues.get(target.queue_id)
    if target is not None and target.action is OverflowAction.NUMBER:
        contact.state = ContactState.OVERFLOWED
        retention.contact_finished(tenant, contact, now)
        out.append(
            OverflowToNumber(
                tenant.tenant_id, contact.contact_id, queue.config.queue_id, target.number, reason
            )
        )
    elif destination is not None and contact.hops < MAX_OVERFLOW_HOPS:
        contact.hops += 1
        out.append(
            OverflowToQueue(
                tenant.tenant_id,
                contact.contact_id,
                queue.config.queue_id,
                target.queue_id if target else "",
                reason,
            )
        )
        enqueue(engine, tenant, destination, contact, now, out)
    else:
        contact.state = ContactState.OVERFLOWED
        retention.contact_finished(tenant, contact, now)
        prompt = queue.message_prompt if not queue.schedule_open else ""
        out.append(
            RejectBusy(tenant.tenant_id, contact.contact_id, queue.config.queue_id, reason, prompt)
        )
    if was_waiting:
        check_queue(engine, tenant, queue, now, out)


def evacuate_if_no_agents(
    engine: Engine, tenant: TenantRec, queue: QueueRec, now: float, out: list[Command]
) -> None:
    """Q18 "no agent logged in" also moves contacts already waiting when the last agent
    leaves (callbacks stay: they wait for tomorrow's agents)."""
    if queue.members:
        return
    for contact_id in list(queue.entries):
        contact = tenant.contacts[contact_id]
        if contact.channel is Channel.CALLBACK or contact.state is not ContactState.WAITING:
            continue
        target = _rule_target(queue, OverflowTrigger.NO_AGENTS, contact.channel)
        if target is not None:
            apply_target(engine, tenant, queue, contact, target, "no_agents", now, out)


def overflow_if_overdue(
    engine: Engine, tenant: TenantRec, contact: ContactRec, now: float, out: list[Command]
) -> bool:
    if contact.state is not ContactState.WAITING or contact.channel is Channel.CALLBACK:
        return False
    queue = tenant.queues[contact.queue_id]
    waited = now - contact.entered_at
    for rule in queue.config.overflow:
        if (
            rule.trigger is OverflowTrigger.MAX_WAIT
            and rule.applies_to(contact.channel)
            and waited >= rule.max_wait_s
        ):
            apply_target(engine, tenant, queue, contact, rule.target, "max_wait", now, out)
            return True
    return False


def contact_timer(
    engine: Engine,
    tenant: TenantRec,
    contact: ContactRec,
    kind: str,
    now: float,
    out: list[Command],
) -> None:
    if kind == "max_wait":
        overflow_if_overdue(engine, tenant, contact, now, out)
    elif kind == "private":
        dispatch.dispatch_contact(engine, tenant, contact, now, out)
    elif kind == "callback_due" and contact.state is ContactState.PENDING:
        make_waiting(engine, tenant, tenant.queues[contact.queue_id], contact, now, out)


def check_queue(
    engine: Engine, tenant: TenantRec, queue: QueueRec, now: float, out: list[Command]
) -> None:
    """Auto-close/reopen (Q19) and stand-by activate/release (Q25), both with hysteresis."""
    config = queue.config
    auto, standby = config.auto_close, config.standby
    if auto is None and standby is None:
        if queue.standby_active:
            _set_standby(engine, tenant, queue, False, now, out)
        return
    count = len(queue.entries)
    first = next(iter(queue.entries.values())) if count else now
    longest = now - first
    wake: list[float] = []
    if auto is not None:
        if not queue.auto_closed:
            if (auto.close_at_length and count >= auto.close_at_length) or (
                auto.close_at_wait_s and count and longest >= auto.close_at_wait_s
            ):
                queue.auto_closed = True
                out.append(NotifyQueueState(tenant.tenant_id, config.queue_id, False, "auto_close"))
            elif auto.close_at_wait_s and count:
                wake.append(first + auto.close_at_wait_s)
        elif (not auto.close_at_length or count <= auto.reopen_below_length) and (
            not auto.close_at_wait_s or longest <= auto.reopen_below_wait_s
        ):
            queue.auto_closed = False
            out.append(NotifyQueueState(tenant.tenant_id, config.queue_id, True, "auto_reopen"))
    if standby is None:
        if queue.standby_active:
            _set_standby(engine, tenant, queue, False, now, out)
    elif not queue.standby_active:
        if (standby.activate_waiting and count >= standby.activate_waiting) or (
            standby.activate_wait_s and count and longest >= standby.activate_wait_s
        ):
            _set_standby(engine, tenant, queue, True, now, out)
        elif standby.activate_wait_s and count:
            wake.append(first + standby.activate_wait_s)
    elif (not standby.activate_waiting or count <= standby.release_waiting) and (
        not standby.activate_wait_s or longest <= standby.release_wait_s
    ):
        _set_standby(engine, tenant, queue, False, now, out)
    if wake:
        when = min(wake)
        if when != queue.threshold_timer_at:
            queue.threshold_timer_at = when
            engine.schedule(when, "threshold", tenant.tenant_id, config.queue_id, 0)


def _set_standby(
    engine: Engine, tenant: TenantRec, queue: QueueRec, active: bool, now: float, out: list[Command]
) -> None:
    queue.standby_active = active
    standby_agents = sorted(
        (tenant.agents[a] for a in queue.members if tenant.agents[a].standby),
        key=lambda a: a.agent_id,
    )
    for agent in standby_agents:
        dispatch.refresh_ready(tenant, agent)
    out.append(
        NotifyStandby(
            tenant.tenant_id,
            queue.config.queue_id,
            active,
            tuple(a.agent_id for a in standby_agents),
        )
    )
    if active:
        for agent in standby_agents:
            dispatch.dispatch_agent(engine, tenant, agent, now, out)
