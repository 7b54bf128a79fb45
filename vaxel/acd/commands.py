"""Output commands and notifications of the ACD engine: imperative (STYLE.md rule 4).

Adapters carry them out: telephony rings phones and bridges legs, channels deliver e-mail and
chat, the web pushes state changes. Each carries ``tenant_id`` so no adapter mixes tenants.
"""

from __future__ import annotations

from dataclasses import dataclass

from vaxel.acd.model import AgentState

__all__ = [
    "CancelOffer",
    "Command",
    "ConnectContact",
    "DialCallback",
    "MarkCallbackFailed",
    "NotifyAgentState",
    "NotifyCallbackCreated",
    "NotifyQueueState",
    "NotifyStandby",
    "OfferContact",
    "OverflowToNumber",
    "OverflowToQueue",
    "RejectBusy",
]


@dataclass(frozen=True, slots=True)
class OfferContact:
    """Ring/present the contact to this agent until ``expires_at`` (Q14)."""

    tenant_id: str
    contact_id: str
    agent_id: str
    queue_id: str
    expires_at: float


@dataclass(frozen=True, slots=True)
class CancelOffer:
    """Stop ringing this agent: someone else answered, the caller left, or it timed out."""

    tenant_id: str
    contact_id: str
    agent_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class ConnectContact:
    """Bridge the contact to the agent who answered (whisper first if the queue has one)."""

    tenant_id: str
    contact_id: str
    agent_id: str
    queue_id: str


@dataclass(frozen=True, slots=True)
class DialCallback:
    """Ring the agent's phone, then dial the customer and bridge (CB9)."""

    tenant_id: str
    contact_id: str
    agent_id: str
    agent_phone: str
    number: str
    attempt: int


@dataclass(frozen=True, slots=True)
class OverflowToQueue:
    """The contact moved to another queue (Q18); the caller stays connected."""

    tenant_id: str
    contact_id: str
    from_queue_id: str
    to_queue_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class OverflowToNumber:
    """Transfer the contact out to an external number (Q18, Q19)."""

    tenant_id: str
    contact_id: str
    queue_id: str
    number: str
    reason: str


@dataclass(frozen=True, slots=True)
class RejectBusy:
    """Give the caller busy: the queue is full or closed and has no alternative (Q19)."""

    tenant_id: str
    contact_id: str
    queue_id: str
    reason: str
    message_prompt: str = ""


@dataclass(frozen=True, slots=True)
class NotifyAgentState:
    """An agent's state changed (for the wallboard and the agent's own UI, Q21-Q25)."""

    tenant_id: str
    agent_id: str
    state: AgentState
    reason: str = ""


@dataclass(frozen=True, slots=True)
class NotifyQueueState:
    """A queue opened or closed (schedule Q1-Q3 or auto-close Q19)."""

    tenant_id: str
    queue_id: str
    open: bool
    reason: str


@dataclass(frozen=True, slots=True)
class NotifyStandby:
    """Stand-by agents of a queue were activated or released (Q25)."""

    tenant_id: str
    queue_id: str
    active: bool
    agent_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NotifyCallbackCreated:
    """A callback contact exists now (CB1, CB5 abandonment, CB7), eligible from ``eligible_at``."""

    tenant_id: str
    contact_id: str
    queue_id: str
    number: str
    eligible_at: float


@dataclass(frozen=True, slots=True)
class MarkCallbackFailed:
    """A callback reached its max attempts unanswered (CB11)."""

    tenant_id: str
    contact_id: str
    queue_id: str
    attempts: int


Command = (
    OfferContact
    | CancelOffer
    | ConnectContact
    | DialCallback
    | OverflowToQueue
    | OverflowToNumber
    | RejectBusy
    | NotifyAgentState
    | NotifyQueueState
    | NotifyStandby
    | NotifyCallbackCreated
    | MarkCallbackFailed
)
