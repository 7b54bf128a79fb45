"""Response schemas of the REST API (STYLE rule 9: API schemas apart from tables and domain
objects). They make the OpenAPI document at ``/api/docs`` describe every field."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from vaxel.core.clock import to_local
from vaxel.store import CallbackRecord, ContactRecord
from vaxel.store.callback_history import AttemptRecord

__all__ = [
    "AgentOut",
    "CallbackAttempt",
    "CallbackDetail",
    "CallbackOut",
    "ContactDetail",
    "ContactOut",
    "EventOut",
    "QueueOut",
    "attempt_out",
    "callback_out",
    "contact_out",
]


class AgentOut(BaseModel):
    id: str
    name: str
    state: str = Field(description="logged_out, ready, offered, busy, wrap_up or paused")
    pause_reason: str = Field("", description="The reason code while paused")
    queues: list[str] = Field(description="Queues the agent is logged in to")
    in_state_s: int = Field(description="Seconds in the current state")


class QueueOut(BaseModel):
    id: str
    name: str
    open: bool
    waiting: int = Field(description="Contacts waiting now")
    longest_wait_s: int = Field(description="The longest wait now, in seconds")
    logged_in: int = Field(description="Agents logged in to the queue")
    ready: int = Field(description="Agents ready for a contact")
    callbacks: int = Field(description="Callback requests not yet handled")
    answered: int = Field(description="Answered today (Stockholm day)")
    abandoned: int = Field(description="Abandoned today")
    short_abandoned: int = Field(
        0, description="Of those abandoned, hung up before the short-abandon threshold"
    )
    in_target: int = Field(description="Answered today within the service-level target")
    waiting_past_target: int = Field(0, description="Waiting now, already past the target")
    service_level: str = Field(
        description='Today\'s service level, e.g. "85 %"; "–" before any: in target / '
        "(answered + abandoned - short abandons + waiting past target)"
    )


class ContactOut(BaseModel):
    id: str
    queue: str
    channel: str = Field(description="call, callback, email, sms or chat")
    caller_number: str
    status: str
    arrived_at: float = Field(description="Unix time")
    answered_at: float | None
    ended_at: float | None
    agent: str | None = Field(description="The agent who handled it")
    classification: str | None


class ContactDetail(ContactOut):
    caller_data: dict[str, str] = Field(description="What the caller entered (IVR, form)")
    note: str | None


class CallbackOut(BaseModel):
    id: str
    queue: str
    number: str
    status: str
    requested_at: datetime = Field(description="ISO 8601 with offset")
    eligible_at: datetime = Field(description="When it may be called at the earliest")
    attempts: int
    agents_tried: list[str]
    last_note: str


class CallbackDetail(CallbackOut):
    interval: str = Field(description="The callback interval asked for, or empty")
    data: dict[str, str] = Field(description="The form's fields")


class CallbackAttempt(BaseModel):
    """One attempt of a callback as the API shows it (times ISO 8601 with offset)."""

    attempt: int
    agent_id: str
    started_at: datetime
    call_result: str = Field(description="answered / no_answer when Växel dialled; else empty")
    outcome: str = Field(description="done / unanswered once closed; empty while in progress")
    note: str
    closed_at: datetime | None
    next_at: datetime | None = Field(description="when an unanswered callback is tried again")
    requeued_by: str
    requeued_at: datetime | None


class EventOut(BaseModel):
    """One line of ``GET /api/v1/events`` (documentation only: the stream is SSE)."""

    type: str = Field(
        description="The event's name, e.g. ContactArrived, AgentReady, PresenceChanged"
    )
    time: float = Field(description="Unix time it was applied")
    seq: int | None = Field(None, description="Its journal sequence number (not PresenceChanged)")
    actor: str = ""
    effects: list[dict[str, Any]] = Field(
        default_factory=list, description="Commands it produced: type and ids"
    )
    person_id: str | None = Field(None, description="PresenceChanged: whose presence")
    reason_id: str | None = Field(
        None, description="PresenceChanged: the reason now in force; null when in again"
    )
    until: str | None = Field(
        None, description="PresenceChanged: return time (ISO 8601); null: tills vidare or in"
    )


def contact_out(c: ContactRecord, *, detail: bool = False) -> ContactOut:
    values: dict[str, Any] = {
        "id": c.contact_id,
        "queue": c.queue_id,
        "channel": c.channel,
        "caller_number": c.caller_number,
        "status": c.status,
        "arrived_at": c.arrived_at,
        "answered_at": c.answered_at,
        "ended_at": c.ended_at,
        "agent": c.agent_id,
        "classification": c.classification,
    }
    if detail:
        return ContactDetail(**values, caller_data=dict(c.caller_data), note=c.note)
    return ContactOut(**values)


def callback_out(r: CallbackRecord, *, detail: bool = False) -> CallbackOut:
    values: dict[str, Any] = {
        "id": r.contact_id,
        "queue": r.queue_id,
        "number": r.number,
        "status": r.status,
        "requested_at": to_local(r.requested_at),
        "eligible_at": to_local(r.eligible_at),
        "attempts": r.attempts,
        "agents_tried": list(r.agents_tried),
        "last_note": r.last_note,
    }
    if detail:
        return CallbackDetail(**values, interval=r.interval_id, data=dict(r.caller_data))
    return CallbackOut(**values)


def attempt_out(a: AttemptRecord) -> CallbackAttempt:
    return CallbackAttempt(
        attempt=a.attempt,
        agent_id=a.agent_id,
        started_at=to_local(a.started_at),
        call_result=a.call_result,
        outcome=a.outcome,
        note=a.note,
        closed_at=_local(a.closed_at),
        next_at=_local(a.next_at),
        requeued_by=a.requeued_by,
        requeued_at=_local(a.requeued_at),
    )


def _local(epoch: float | None) -> datetime | None:
    return to_local(epoch) if epoch is not None else None
