"""Read-only answers of the engine's queries (Q5-Q9, Q21, CB8). Pure snapshots."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from vaxel.acd.model import AgentState, CallbackStatus, Channel, ContactState

__all__ = [
    "AgentView",
    "CallbackContext",
    "CallbackView",
    "ContactView",
    "QueueHours",
    "QueueStatus",
    "WaitingView",
]


@dataclass(frozen=True, slots=True)
class QueueStatus:
    """What an agent or wallboard sees of a queue (Q21)."""

    queue_id: str
    name: str
    open: bool
    closed_reason: str
    waiting: int
    longest_wait_s: float
    agents_logged_in: int
    agents_ready: int
    standby_active: bool
    pending_callbacks: int
    logged_in_agents: tuple[str, ...] = ()
    """Q21: who else is logged in to the queue, in login order."""


@dataclass(frozen=True, slots=True)
class WaitingView:
    """What a waiting caller is told (Q5, Q8, Q9, CB5)."""

    contact_id: str
    queue_id: str
    position: int
    estimated_wait_s: float | None
    agents_available: int
    agents_logged_in: int
    callback_offer_allowed: bool


@dataclass(frozen=True, slots=True)
class AgentView:
    agent_id: str
    state: AgentState
    queue_ids: tuple[str, ...]
    standby: bool
    pause_reason: str
    contact_id: str
    unanswered_in_row: int
    answered_today: int


@dataclass(frozen=True, slots=True)
class ContactView:
    contact_id: str
    queue_id: str
    channel: Channel
    state: ContactState
    priority: int
    caller_number: str
    caller_data: Mapping[str, str]
    agent_id: str
    arrived_at: float
    classification: str
    note: str
    history: tuple[str, ...] = field(default=())
    answered_at: float = 0.0
    """When an agent answered; 0 while not answered (the wait ends there)."""
    dialled_number: str = ""
    """The number the caller dialled (OP2); "" for a callback, a chat or unknown."""


@dataclass(frozen=True, slots=True)
class CallbackView:
    """One row of the callback list with the CB8 columns."""

    contact_id: str
    queue_id: str
    queue_name: str
    number: str
    arrived_at: float
    interval_id: str
    eligible_at: float
    caller_data: Mapping[str, str]
    agents_tried: tuple[str, ...]
    status: CallbackStatus
    attempts: int
    last_note: str


@dataclass(frozen=True, slots=True)
class QueueHours:
    """A running queue as the opening-hours machine sees it."""

    tenant_id: str
    queue_id: str
    schedule_id: str
    open: bool
    closed_reason: str


@dataclass(frozen=True, slots=True)
class CallbackContext:
    """What the callback list shows beside its rows (CB8): queue names, attempt limits,
    agent names and which agent works which callback now."""

    queue_names: Mapping[str, str]
    max_attempts: Mapping[str, int]
    agent_names: Mapping[str, str]
    in_progress: Mapping[str, str]
