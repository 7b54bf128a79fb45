"""The read models — contacts, callbacks and callback attempts — written in the journal's
transaction (issue 10 §1): the tables the lists, reports and the REST API read, projected
from each event and the commands it produced, after the engine applied it. A read model is
thus never ahead of the journal, nor behind it once the transaction commits."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, update

from vaxel.acd.commands import (
    Command,
    ConnectContact,
    DialCallback,
    MarkCallbackFailed,
    NotifyCallbackCreated,
    OverflowToNumber,
    RejectBusy,
)
from vaxel.acd.engine import Engine as AcdEngine
from vaxel.acd.events import (
    AgentConfigured,
    CallbackAttemptEnded,
    CallbackClosed,
    CallbackRequeued,
    ContactAbandoned,
    ContactEnded,
    ContactTakenBack,
    Event,
    QueueConfigured,
)
from vaxel.acd.model import CallbackStatus, Channel
from vaxel.core.errors import VaxelError
from vaxel.store import tables
from vaxel.store.repositories import ensure_tenant, upsert

__all__ = ["project"]


def project(
    connection: Connection, acd: AcdEngine, event: Event, commands: list[Command], now: float
) -> None:
    """Bring the read models up to date with ``event`` and its ``commands``, in the
    journal's transaction (``connection``), after ``acd`` applied the event."""
    if isinstance(event, (QueueConfigured, AgentConfigured)):
        ensure_tenant(connection, event.tenant_id)
    touched: dict[tuple[str, str], None] = {}
    contact_id = getattr(event, "contact_id", "")
    if contact_id:
        touched[(event.tenant_id, contact_id)] = None
    for command in commands:
        touched[(command.tenant_id, getattr(command, "contact_id", ""))] = None
    for tenant_id, cid in touched:
        if cid:
            _project_contact(connection, acd, tenant_id, cid, commands, event, now)
    _project_attempts(connection, acd, event, commands, now)


def _project_attempts(
    connection: Connection, acd: AcdEngine, event: Event, commands: list[Command], now: float
) -> None:
    """The callback attempt history (CB10, CB11): a row per dial, then how it went."""
    attempts = tables.callback_attempts
    for command in commands:
        if isinstance(command, DialCallback):
            upsert(
                connection,
                attempts,
                {
                    "tenant_id": command.tenant_id,
                    "contact_id": command.contact_id,
                    "attempt": command.attempt,
                },
                {"agent_id": command.agent_id, "started_at": now},
            )
    if not isinstance(event, (CallbackAttemptEnded, CallbackClosed, CallbackRequeued)):
        return
    row = acd.callback_row(event.tenant_id, event.contact_id)
    if row is None or row.attempts < 1:
        return
    values: dict[str, Any]
    if isinstance(event, CallbackAttemptEnded):
        values = {"call_result": event.outcome}
    elif isinstance(event, CallbackClosed):
        requeued = row.status is CallbackStatus.REQUEUED
        values = {
            "outcome": event.outcome,
            "note": event.note,
            "closed_at": now,
            "next_at": row.eligible_at if requeued else None,
        }
    else:
        values = {"requeued_by": event.actor, "requeued_at": now}
    connection.execute(
        update(attempts)
        .where(
            attempts.c.tenant_id == event.tenant_id,
            attempts.c.contact_id == event.contact_id,
            attempts.c.attempt == row.attempts,
        )
        .values(**values)
    )


def _project_contact(
    connection: Connection,
    acd: AcdEngine,
    tenant_id: str,
    contact_id: str,
    commands: list[Command],
    event: Event,
    now: float,
) -> None:
    try:
        view = acd.contact_view(tenant_id, contact_id)
    except VaxelError:
        return
    values: dict[str, Any] = {
        "queue_id": view.queue_id,
        "channel": view.channel.value,
        "caller_number": view.caller_number,
        "caller_data": dict(view.caller_data),
        "status": view.state.value,
        "arrived_at": view.arrived_at,
        "agent_id": view.agent_id or None,
        "classification": view.classification or None,
        "note": view.note or None,
    }
    for command in commands:
        if getattr(command, "contact_id", None) != contact_id:
            continue
        if isinstance(command, ConnectContact):
            values["answered_at"] = now
        if isinstance(command, (OverflowToNumber, RejectBusy, MarkCallbackFailed)):
            values["ended_at"] = now
    if isinstance(event, (ContactEnded, ContactAbandoned, CallbackClosed)) and (
        event.contact_id == contact_id
    ):
        values["ended_at"] = now
    if isinstance(event, (CallbackRequeued, ContactTakenBack)) and event.contact_id == contact_id:
        values["ended_at"] = None  # a failed callback back in the list, a call taken back
    upsert(connection, tables.contacts, {"tenant_id": tenant_id, "contact_id": contact_id}, values)
    if view.channel is Channel.CALLBACK or any(
        isinstance(c, (NotifyCallbackCreated, DialCallback, MarkCallbackFailed))
        and c.contact_id == contact_id
        for c in commands
    ):
        _project_callback(connection, acd, tenant_id, contact_id)


def _project_callback(
    connection: Connection, acd: AcdEngine, tenant_id: str, contact_id: str
) -> None:
    row = acd.callback_row(tenant_id, contact_id)
    if row is None:
        return
    upsert(
        connection,
        tables.callbacks,
        {"tenant_id": tenant_id, "contact_id": contact_id},
        {
            "queue_id": row.queue_id,
            "number": row.number,
            "interval_id": row.interval_id,
            "caller_data": dict(row.caller_data),
            "status": row.status.value,
            "requested_at": row.arrived_at,
            "eligible_at": row.eligible_at,
            "attempts": row.attempts,
            "agents_tried": list(row.agents_tried),
            "last_note": row.last_note,
        },
    )
