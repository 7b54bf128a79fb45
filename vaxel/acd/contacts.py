"""Event handlers for contacts and callbacks (CH1, Q13, Q18-Q19, Q26, CB*); the queues' own
are in :mod:`vaxel.acd.queue_steps`.

Each handler validates everything first (raising the typed error) and only then changes
state, so a rejected event leaves the engine untouched.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from vaxel.acd import dispatch, overflow, retention
from vaxel.acd.callbacks import interval_start
from vaxel.acd.commands import Command, MarkCallbackFailed, NotifyCallbackCreated
from vaxel.acd.events import (
    CallbackAttemptEnded,
    CallbackClosed,
    CallbackRequested,
    CallbackRequeued,
    CallerDataEntered,
    ContactAbandoned,
    ContactArrived,
    ContactClassified,
    ContactEnded,
)
from vaxel.acd.model import CallbackStatus, Channel, ContactState
from vaxel.acd.state import ContactRec, QueueRec, TenantRec
from vaxel.core.errors import DomainError, IllegalTransition

if TYPE_CHECKING:
    from vaxel.acd.engine import Engine

__all__ = [
    "callback_attempt_ended",
    "callback_closed",
    "callback_requested",
    "caller_data_entered",
    "contact_abandoned",
    "contact_arrived",
    "contact_classified",
    "contact_ended",
]

_QUEUED = (ContactState.WAITING, ContactState.OFFERED)


def contact_arrived(
    engine: Engine, tenant: TenantRec, event: ContactArrived, now: float, out: list[Command]
) -> None:
    queue = engine.queue(tenant, event.queue_id)
    if event.contact_id in tenant.contacts:
        raise DomainError(
            f"contact {event.contact_id!r} already exists in tenant {tenant.tenant_id!r}",
            code="contact-exists",
            contact=event.contact_id,
        )
    if event.target_agent_id:
        engine.agent(tenant, event.target_agent_id)
    contact = ContactRec(
        contact_id=event.contact_id,
        tenant_id=tenant.tenant_id,
        queue_id=event.queue_id,
        channel=event.channel,
        priority=event.priority,
        skills=dict(event.skills),
        language=event.language,
        caller_number=event.caller_number,
        caller_data=dict(event.caller_data),
        target_agent_id=event.target_agent_id,
        arrived_at=now,
        order_at=now,
        seq=engine.next_contact_seq(),
        dialled_number=event.dialled_number,
    )
    contact.history.append(f"{now:.3f} arrived in {event.queue_id} ({event.channel.value})")
    tenant.contacts[contact.contact_id] = contact
    if engine.estimator is not None:
        engine.estimator.record_arrival(event.queue_id, now)
    overflow.enqueue(engine, tenant, queue, contact, now, out)


def caller_data_entered(
    engine: Engine, tenant: TenantRec, event: CallerDataEntered, now: float, out: list[Command]
) -> None:
    """Q13: data keyed in while queued is shown to the agent."""
    contact = engine.contact(tenant, event.contact_id)
    if contact.state not in (*_QUEUED, ContactState.PENDING, ContactState.CONNECTED):
        raise IllegalTransition("contact", contact.state.value, "CallerDataEntered")
    contact.caller_data.update(event.data)


def contact_abandoned(
    engine: Engine, tenant: TenantRec, event: ContactAbandoned, now: float, out: list[Command]
) -> None:
    contact = engine.contact(tenant, event.contact_id)
    if contact.state not in (*_QUEUED, ContactState.PENDING):
        raise IllegalTransition("contact", contact.state.value, "ContactAbandoned")
    queue = tenant.queues[contact.queue_id]
    _leave_queue(engine, tenant, contact, "abandoned", now, out)
    contact.state = ContactState.ABANDONED
    retention.contact_finished(tenant, contact, now)
    if contact.channel is Channel.CALLBACK:
        contact.callback_status = CallbackStatus.FAILED
    elif engine.estimator is not None:
        engine.estimator.record_abandon(queue.config.queue_id, now - contact.entered_at, now)
    settings = queue.config.callback
    number = contact.caller_number if event.callback_number is None else event.callback_number
    if (
        settings.enabled
        and settings.create_on_abandon
        and number
        and contact.channel is Channel.CALL
    ):
        _create_callback(
            engine,
            tenant,
            queue,
            number,
            "",
            contact.caller_data,
            now,
            now,
            out,
            now,
        )
    overflow.check_queue(engine, tenant, queue, now, out)


def _leave_queue(
    engine: Engine,
    tenant: TenantRec,
    contact: ContactRec,
    reason: str,
    now: float,
    out: list[Command],
) -> None:
    """Take a queued contact out: stop ringing agents (they go back to ready) and unlist it."""
    agents = [tenant.agents[a] for a in contact.offered_to]
    dispatch.retract(engine, tenant, contact, agents, now, out, reason, missed=False)
    engine.remove_waiting(tenant.queues[contact.queue_id], contact)
    contact.entry_seq += 1
    contact.history.append(f"{now:.3f} {reason}")
    for agent in agents:
        dispatch.dispatch_agent(engine, tenant, agent, now, out)


def contact_ended(
    engine: Engine, tenant: TenantRec, event: ContactEnded, now: float, out: list[Command]
) -> None:
    contact = engine.contact(tenant, event.contact_id)
    if contact.state is not ContactState.CONNECTED:
        raise IllegalTransition("contact", contact.state.value, "ContactEnded")
    if contact.channel is Channel.CALLBACK:
        raise IllegalTransition(
            "contact", "callback in progress", "ContactEnded (close it with CallbackClosed, CB10)"
        )
    queue = tenant.queues[contact.queue_id]
    agent = tenant.agents[contact.agent_id]
    contact.state = ContactState.ENDED
    contact.history.append(f"{now:.3f} ended")
    stretch, again = now - contact.answered_at, contact.handled_s is not None
    contact.handled_s = (contact.handled_s or 0.0) + stretch  # taken back, requeued: one sample
    if engine.estimator is not None:
        engine.estimator.record_handled(queue.config.queue_id, stretch, now, again=again)
    if contact.caller_number:
        retention.handler_remembered(tenant, contact.caller_number, agent.agent_id, now)
    retention.contact_finished(tenant, contact, now)
    dispatch.finish_work(engine, tenant, agent, queue, now, out)


def contact_classified(
    engine: Engine, tenant: TenantRec, event: ContactClassified, now: float, out: list[Command]
) -> None:
    """Q26: only the agent who answered may classify, and only an answered contact."""
    contact = engine.contact(tenant, event.contact_id)
    engine.agent(tenant, event.agent_id)
    if contact.agent_id != event.agent_id or contact.state not in (
        ContactState.CONNECTED,
        ContactState.ENDED,
    ):
        raise DomainError(
            f"contact {event.contact_id!r} was not answered by agent {event.agent_id!r}; "
            "only the answering agent classifies it (Q26)",
            code="not-answering-agent",
            contact=event.contact_id,
        )
    if not event.code:
        raise DomainError("a classification needs a code (Q26)", code="classification-required")
    contact.classification = event.code
    contact.note = event.note


def callback_requested(
    engine: Engine, tenant: TenantRec, event: CallbackRequested, now: float, out: list[Command]
) -> None:
    """CB1/CB7: a callback contact waits in the queue from its interval start (CB2). A live
    contact converting to a callback keeps its place in line (CB12)."""
    queue = engine.queue(tenant, event.queue_id)
    settings = queue.config.callback
    if not settings.enabled:
        raise DomainError(
            f"queue {event.queue_id!r} does not take callbacks (enable callback.enabled)",
            code="callbacks-off",
            queue=event.queue_id,
        )
    eligible_at = interval_start(settings, event.interval_id, now)  # also checks the id
    if event.eligible_at is not None:
        eligible_at = max(event.eligible_at, now)
    source = None
    if event.from_contact_id:
        source = engine.contact(tenant, event.from_contact_id)
        if source.state not in _QUEUED:
            raise IllegalTransition("contact", source.state.value, "CallbackRequested")
    order_at = eligible_at
    data = dict(event.caller_data)
    if source is not None:
        source_queue = tenant.queues[source.queue_id]
        _leave_queue(engine, tenant, source, "converted to callback", now, out)
        source.state = ContactState.ENDED
        retention.contact_finished(tenant, source, now)
        if not event.interval_id:
            order_at = source.order_at
        data = {**source.caller_data, **data}
        overflow.check_queue(engine, tenant, source_queue, now, out)
    _create_callback(
        engine,
        tenant,
        queue,
        event.number,
        event.interval_id,
        data,
        eligible_at,
        order_at,
        out=out,
        now=now,
    )


def _create_callback(
    engine: Engine,
    tenant: TenantRec,
    queue: QueueRec,
    number: str,
    interval_id: str,
    caller_data: Mapping[str, str],
    eligible_at: float,
    order_at: float,
    out: list[Command],
    now: float,
) -> None:
    settings = queue.config.callback
    contact = ContactRec(
        contact_id=engine.ids.new_id("callback"),
        tenant_id=tenant.tenant_id,
        queue_id=queue.config.queue_id,
        channel=Channel.CALLBACK,
        priority=settings.priority,
        skills={},
        language="",
        caller_number=number,
        caller_data=dict(caller_data),
        target_agent_id="",
        arrived_at=now,
        order_at=order_at,
        seq=engine.next_contact_seq(),
        interval_id=interval_id,
        eligible_at=eligible_at,
    )
    contact.history.append(f"{now:.3f} callback requested")
    tenant.contacts[contact.contact_id] = contact
    tenant.callbacks[contact.contact_id] = contact
    out.append(
        NotifyCallbackCreated(
            tenant.tenant_id, contact.contact_id, queue.config.queue_id, number, eligible_at
        )
    )
    _wait_until(engine, tenant, queue, contact, eligible_at, now, out)


def _wait_until(
    engine: Engine,
    tenant: TenantRec,
    queue: QueueRec,
    contact: ContactRec,
    eligible_at: float,
    now: float,
    out: list[Command],
) -> None:
    contact.eligible_at = eligible_at
    if eligible_at <= now:
        overflow.make_waiting(engine, tenant, queue, contact, now, out)
        return
    contact.state = ContactState.PENDING
    contact.entry_seq += 1
    engine.schedule(
        eligible_at, "callback_due", tenant.tenant_id, contact.contact_id, contact.entry_seq
    )


def _callback_in_progress(
    engine: Engine, tenant: TenantRec, contact_id: str, step: str
) -> ContactRec:
    contact = engine.contact(tenant, contact_id)
    if contact.channel is not Channel.CALLBACK or contact.state is not ContactState.CONNECTED:
        raise IllegalTransition("callback", contact.state.value, step)
    return contact


def callback_attempt_ended(
    engine: Engine, tenant: TenantRec, event: CallbackAttemptEnded, now: float, out: list[Command]
) -> None:
    contact = _callback_in_progress(engine, tenant, event.contact_id, "CallbackAttemptEnded")
    contact.history.append(f"{now:.3f} attempt {contact.attempts}: {event.outcome}")


def callback_closed(
    engine: Engine, tenant: TenantRec, event: CallbackClosed, now: float, out: list[Command]
) -> None:
    """CB10: a note is mandatory; ``unanswered`` requeues after the retry delay until max
    attempts, then the callback fails (CB11)."""
    contact = _callback_in_progress(engine, tenant, event.contact_id, "CallbackClosed")
    if contact.agent_id != event.agent_id:
        raise DomainError(
            f"callback {event.contact_id!r} is worked by {contact.agent_id!r}, "
            f"not {event.agent_id!r}",
            code="callback-worked-by-other",
            contact=event.contact_id,
        )
    if not event.note.strip():
        raise DomainError(
            "closing a callback needs a short note of what happened (CB10)",
            code="callback-note-required",
        )
    queue = tenant.queues[contact.queue_id]
    agent = tenant.agents[contact.agent_id]
    settings = queue.config.callback
    contact.last_note = event.note
    contact.note = event.note
    contact.history.append(f"{now:.3f} closed {event.outcome} by {event.agent_id}: {event.note}")
    if engine.estimator is not None:
        engine.estimator.record_handled(queue.config.queue_id, now - contact.answered_at, now)
    contact.agent_id = ""
    if event.outcome == "done":
        contact.state = ContactState.ENDED
        contact.callback_status = CallbackStatus.DONE
        retention.contact_finished(tenant, contact, now)
    elif contact.attempts - contact.attempts_before_round >= settings.max_attempts:
        contact.state = ContactState.FAILED
        contact.callback_status = CallbackStatus.FAILED
        out.append(
            MarkCallbackFailed(
                tenant.tenant_id, contact.contact_id, queue.config.queue_id, contact.attempts
            )
        )
    else:
        contact.callback_status = CallbackStatus.REQUEUED
        retry_at = now + settings.retry_delay_s
        contact.order_at = retry_at
        _wait_until(engine, tenant, queue, contact, retry_at, now, out)
    dispatch.finish_work(engine, tenant, agent, queue, now, out)


def callback_requeued(
    engine: Engine, tenant: TenantRec, event: CallbackRequeued, now: float, out: list[Command]
) -> None:
    """CB11: a supervisor gives a failed callback a new round; it waits from now, behind
    those already waiting (CB12), and max attempts count from this round."""
    contact = engine.contact(tenant, event.contact_id)
    if contact.channel is not Channel.CALLBACK or contact.state is not ContactState.FAILED:
        raise IllegalTransition("callback", contact.state.value, "CallbackRequeued")
    queue = engine.queue(tenant, contact.queue_id)
    contact.attempts_before_round = contact.attempts
    contact.callback_status = CallbackStatus.REQUEUED
    contact.order_at = now
    contact.history.append(f"{now:.3f} requeued by {event.actor}")
    _wait_until(engine, tenant, queue, contact, now, now, out)
