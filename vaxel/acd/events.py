"""Input events of the ACD engine: facts in the past tense (STYLE.md rule 4).

Everything that changes the engine's state arrives as one of these, config included (Q20),
so the journal of ``(event, now)`` pairs rebuilds the engine exactly. Each event carries its
``tenant_id`` (tenancy, DESIGN.md) and an optional ``actor`` (who did it) for tracing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from vaxel.acd.model import AgentProfile, Channel, QueueConfig

__all__ = [
    "AgentAnswered",
    "AgentConfigured",
    "AgentDeclined",
    "AgentLoggedIn",
    "AgentLoggedOut",
    "AgentPaused",
    "AgentReady",
    "AgentRemoved",
    "CallbackAttemptEnded",
    "CallbackClosed",
    "CallbackRequested",
    "CallbackRequeued",
    "CallerDataEntered",
    "ContactAbandoned",
    "ContactArrived",
    "ContactClassified",
    "ContactEnded",
    "ContactPicked",
    "ContactRequeued",
    "ContactTakenBack",
    "Event",
    "OfferPickedUp",
    "QueueClosed",
    "QueueConfigured",
    "QueueOpened",
    "QueueRemoved",
    "TimerTick",
    "WrapUpCancelled",
]


def _need(value: str, name: str, event: object) -> None:
    if not value:
        raise ValueError(f"{type(event).__name__}.{name} must not be empty")


@dataclass(frozen=True, slots=True)
class QueueConfigured:
    """A queue was created or changed; contacts already waiting stay where they are (Q20)."""

    config: QueueConfig
    actor: str = "system"

    @property
    def tenant_id(self) -> str:
        return self.config.tenant_id


@dataclass(frozen=True, slots=True)
class QueueRemoved:
    """A queue was removed. Refused while contacts wait in it or agents are logged in."""

    tenant_id: str
    queue_id: str
    actor: str = "system"


@dataclass(frozen=True, slots=True)
class AgentConfigured:
    """An agent profile was created or changed (skills, language, permitted queues)."""

    profile: AgentProfile
    actor: str = "system"

    @property
    def tenant_id(self) -> str:
        return self.profile.tenant_id


@dataclass(frozen=True, slots=True)
class AgentRemoved:
    """An agent profile was removed. Refused unless the agent is logged out."""

    tenant_id: str
    agent_id: str
    actor: str = "system"


@dataclass(frozen=True, slots=True)
class QueueOpened:
    """The schedule (evaluated outside the engine) opened the queue (Q1)."""

    tenant_id: str
    queue_id: str
    actor: str = "schedule"


@dataclass(frozen=True, slots=True)
class QueueClosed:
    """The queue closed: night (Q3) or a temporary closure (Q2). New arrivals go to the
    CLOSED overflow rule or get busy; contacts already waiting are still served."""

    tenant_id: str
    queue_id: str
    reason: str = "schedule"
    message_prompt: str = ""
    actor: str = "schedule"


@dataclass(frozen=True, slots=True)
class ContactArrived:
    """A contact of any channel entered a queue (CH1).

    ``target_agent_id`` queues it privately for one agent (Q17, CH5). ``skills`` maps a
    wanted skill to the minimum level (Q15).
    """

    tenant_id: str
    contact_id: str
    queue_id: str
    channel: Channel = Channel.CALL
    priority: int = 0
    skills: Mapping[str, int] = field(default_factory=dict)
    language: str = ""
    caller_number: str = ""
    caller_data: Mapping[str, str] = field(default_factory=dict)
    target_agent_id: str = ""
    actor: str = "system"
    dialled_number: str = ""
    """The number the caller dialled (OP2: whom they want), kept so a restart keeps it."""

    def __post_init__(self) -> None:
        _need(self.tenant_id, "tenant_id", self)
        _need(self.contact_id, "contact_id", self)
        _need(self.queue_id, "queue_id", self)


@dataclass(frozen=True, slots=True)
class CallerDataEntered:
    """The caller keyed in data while queued (Q13); merged into the contact's caller data."""

    tenant_id: str
    contact_id: str
    data: Mapping[str, str]
    actor: str = "caller"


@dataclass(frozen=True, slots=True)
class ContactAbandoned:
    """The caller hung up (or the chat/e-mail was withdrawn) before an agent took it.

    ``callback_number`` is the number a callback on abandon (``create_on_abandon``) may
    dial, as the tenant's dial policy decided it from the caller id: ``""`` when the policy
    refuses it (a satellite or premium-rate caller id), so no callback is created. ``None``
    only in journals written before the policy decided (issue 10 §11): the caller number."""

    tenant_id: str
    contact_id: str
    actor: str = "caller"
    callback_number: str | None = None


@dataclass(frozen=True, slots=True)
class AgentLoggedIn:
    """The agent logged in to these queues (Q21); ``standby`` makes them passive (Q25).
    A ``pause_reason`` logs a logged-out agent in paused with it, not ready: her phone
    could ring no call (issue 15), so no offer may be made in this step."""

    tenant_id: str
    agent_id: str
    queue_ids: tuple[str, ...]
    standby: bool = False
    actor: str = "agent"
    pause_reason: str = ""


@dataclass(frozen=True, slots=True)
class AgentLoggedOut:
    """The agent logged out of these queues; empty ``queue_ids`` means all of them."""

    tenant_id: str
    agent_id: str
    queue_ids: tuple[str, ...] = ()
    actor: str = "agent"


@dataclass(frozen=True, slots=True)
class AgentReady:
    """The agent is ready for work again (ends a pause, Q24)."""

    tenant_id: str
    agent_id: str
    actor: str = "agent"


@dataclass(frozen=True, slots=True)
class AgentPaused:
    """The agent paused with a reason code (Q24)."""

    tenant_id: str
    agent_id: str
    reason_code: str = ""
    actor: str = "agent"


@dataclass(frozen=True, slots=True)
class AgentAnswered:
    """The agent answered (accepted) a contact offered to them."""

    tenant_id: str
    agent_id: str
    contact_id: str
    actor: str = "agent"


@dataclass(frozen=True, slots=True)
class AgentDeclined:
    """The agent rejected an offer; counts as unanswered (Q23)."""

    tenant_id: str
    agent_id: str
    contact_id: str
    actor: str = "agent"


@dataclass(frozen=True, slots=True)
class ContactEnded:
    """The conversation of a connected contact ended; the agent goes to wrap-up (Q22)."""

    tenant_id: str
    contact_id: str
    actor: str = "system"


@dataclass(frozen=True, slots=True)
class WrapUpCancelled:
    """The agent ended wrap-up early (Q22)."""

    tenant_id: str
    agent_id: str
    actor: str = "agent"


@dataclass(frozen=True, slots=True)
class ContactClassified:
    """The agent set a classification code and note on a contact they answered (Q26)."""

    tenant_id: str
    contact_id: str
    agent_id: str
    code: str
    note: str = ""
    actor: str = "agent"


@dataclass(frozen=True, slots=True)
class OfferPickedUp:
    """While the contact rang another agent's phone, this agent took it from their own
    phone (call pickup, issue 14): they answered it; the ringing agent missed nothing."""

    tenant_id: str
    agent_id: str
    contact_id: str
    actor: str = "agent"


@dataclass(frozen=True, slots=True)
class ContactPicked:
    """The agent picked a specific waiting contact (Q28) or callback from the list (CB8)."""

    tenant_id: str
    agent_id: str
    contact_id: str
    actor: str = "agent"


@dataclass(frozen=True, slots=True)
class CallbackRequested:
    """A callback was requested from the IVR (CB1) or an external source via the API (CB7).

    ``interval_id`` names one of the queue's intervals (CB2); empty means as soon as
    possible. ``from_contact_id`` names the live contact that chose a callback instead of
    waiting; it leaves the queue. The engine assigns the callback contact's id.
    """

    tenant_id: str
    queue_id: str
    number: str
    interval_id: str = ""
    caller_data: Mapping[str, str] = field(default_factory=dict)
    from_contact_id: str = ""
    actor: str = "caller"
    eligible_at: float | None = None
    """When the edge already fixed the start inside opening hours (the API, issue 9 §5);
    None: the interval's next start (:func:`vaxel.acd.callbacks.interval_start`)."""

    def __post_init__(self) -> None:
        _need(self.number, "number", self)


@dataclass(frozen=True, slots=True)
class CallbackAttemptEnded:
    """Telephony reports how the dial-out went: ``answered`` or ``no_answer`` (CB9)."""

    tenant_id: str
    contact_id: str
    outcome: str
    actor: str = "telephony"

    def __post_init__(self) -> None:
        if self.outcome not in ("answered", "no_answer"):
            raise ValueError("CallbackAttemptEnded.outcome must be 'answered' or 'no_answer'")


@dataclass(frozen=True, slots=True)
class CallbackClosed:
    """The agent closed the callback case: ``done`` or ``unanswered``, with a note (CB10)."""

    tenant_id: str
    contact_id: str
    agent_id: str
    outcome: str
    note: str
    actor: str = "agent"

    def __post_init__(self) -> None:
        if self.outcome not in ("done", "unanswered"):
            raise ValueError("CallbackClosed.outcome must be 'done' or 'unanswered'")


@dataclass(frozen=True, slots=True)
class CallbackRequeued:
    """A supervisor put a failed callback back in the list for a new round of attempts
    (CB11): it waits again from now, and max attempts count afresh from here."""

    tenant_id: str
    contact_id: str
    actor: str = "supervisor"


@dataclass(frozen=True, slots=True)
class ContactRequeued:
    """A call the agent transferred came back and whoever transferred it did not take it
    back: it waits again in the queue it came from, before every new caller (issue 16 §3,
    spec §50–52). Its ``reason`` ("no-answer", "busy" …) is kept in its history."""

    tenant_id: str
    contact_id: str
    reason: str = ""
    actor: str = "telephony"


@dataclass(frozen=True, slots=True)
class ContactTakenBack:
    """The agent who transferred, parked or camped a call answered its recall: the contact
    she had is hers again, connected, without counting as answered twice (issue 16 §3,
    spec §49–52)."""

    tenant_id: str
    contact_id: str
    agent_id: str
    actor: str = "telephony"


@dataclass(frozen=True, slots=True)
class TimerTick:
    """Time passed: fire every timer due at ``now``. Journaled like any other event."""

    tenant_id: str = ""
    actor: str = "system"


Event = (
    QueueConfigured
    | QueueRemoved
    | AgentConfigured
    | AgentRemoved
    | QueueOpened
    | QueueClosed
    | ContactArrived
    | CallerDataEntered
    | ContactAbandoned
    | AgentLoggedIn
    | AgentLoggedOut
    | AgentReady
    | AgentPaused
    | AgentAnswered
    | AgentDeclined
    | ContactEnded
    | WrapUpCancelled
    | ContactClassified
    | ContactPicked
    | OfferPickedUp
    | CallbackRequested
    | CallbackAttemptEnded
    | CallbackClosed
    | CallbackRequeued
    | ContactRequeued
    | ContactTakenBack
    | TimerTick
)
