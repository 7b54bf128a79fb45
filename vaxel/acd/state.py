"""The engine's mutable records (internal). Only the engine's step modules mutate them.

Indexes kept for the hot path: per queue the waiting contacts grouped by requirement, each
group a sorted list keyed ``(-priority, order_at, seq)``; an insertion-ordered map of queue
entries (oldest first, for longest-wait thresholds); the logged-in members; the agents ready
to be offered work (see also :mod:`vaxel.acd.index`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vaxel.acd.model import (
    AgentProfile,
    AgentState,
    CallbackStatus,
    Channel,
    ContactState,
    QueueConfig,
)

__all__ = ["AgentRec", "ContactRec", "QueueRec", "Requirement", "TenantRec"]

Requirement = tuple[tuple[tuple[str, int], ...], str, str]
"""(sorted wanted skills with levels, language, target agent) of a waiting contact."""


@dataclass(slots=True, eq=False)
class ContactRec:
    contact_id: str
    tenant_id: str
    queue_id: str
    channel: Channel
    priority: int
    skills: dict[str, int]
    language: str
    caller_number: str
    caller_data: dict[str, str]
    target_agent_id: str
    arrived_at: float
    order_at: float
    """The time that places the contact in service order (CB12: a callback's interval start)."""
    seq: int
    state: ContactState = ContactState.WAITING
    entered_at: float = 0.0
    entry_seq: int = 0
    offer_seq: int = 0
    offered_to: list[str] = field(default_factory=list)
    agent_id: str = ""
    answered_at: float = 0.0
    classification: str = ""
    note: str = ""
    hops: int = 0
    history: list[str] = field(default_factory=list)
    # callbacks (CB*)
    interval_id: str = ""
    eligible_at: float = 0.0
    attempts: int = 0
    attempts_before_round: int = 0
    """Attempts made before a supervisor requeued the failed callback (CB11 counts afresh)."""
    agents_tried: list[str] = field(default_factory=list)
    callback_status: CallbackStatus = CallbackStatus.UNHANDLED
    last_note: str = ""
    dialled_number: str = ""
    """The number the caller dialled (OP2), so the card shows whom they want after a restart."""
    handled_s: float | None = None
    """The sum of the stretches agents had it, once it first ended (None before): a contact
    taken back or requeued adds its next stretch to the same handling sample (Q8)."""

    @property
    def key(self) -> tuple[int, float, int]:
        return (-self.priority, self.order_at, self.seq)

    @property
    def requirement(self) -> Requirement:
        return (tuple(sorted(self.skills.items())), self.language, self.target_agent_id)


@dataclass(slots=True, eq=False)
class AgentRec:
    profile: AgentProfile
    state: AgentState = AgentState.LOGGED_OUT
    queue_ids: list[str] = field(default_factory=list)
    standby: bool = False
    pause_reason: str = ""
    contact_id: str = ""
    idle_since: float = 0.0
    busy_since: float = 0.0
    offered_since: float = 0.0
    """When the current offer started ringing: a wallboard's "Ringer" counts from here."""
    unanswered: int = 0
    answered_today: int = 0
    answered_day: int = -1
    state_seq: int = 0

    @property
    def agent_id(self) -> str:
        return self.profile.agent_id


@dataclass(slots=True, eq=False)
class QueueRec:
    config: QueueConfig
    members: dict[str, None] = field(default_factory=dict)
    ready: dict[str, None] = field(default_factory=dict)
    idle_heap: list[tuple[float, str, int]] | None = None
    """Ready agents by (idle_since, agent_id, state_seq), lazy; None until first needed."""
    skill_heaps: dict[str, dict[int, list[tuple[float, str, int]]]] = field(default_factory=dict)
    """Per skill and level, ready agents by (idle_since, agent_id, state_seq) (lazy)."""
    ready_by_skill: dict[str, dict[str, None]] = field(default_factory=dict)
    """Ready agents per skill they have: a skilled contact scans only the smallest set."""
    """(idle_since, agent_id, state_seq) of ready agents; stale entries dropped lazily."""
    buckets: dict[Requirement, list[tuple[int, float, int, str]]] = field(default_factory=dict)
    """Waiting contacts grouped by what they require of an agent, each group a list sorted
    by ``(-priority, order_at, seq, contact_id)``: a ready agent checks each group's
    requirement once instead of scanning contacts it cannot take."""
    entries: dict[str, float] = field(default_factory=dict)
    schedule_open: bool = True
    closed_reason: str = ""
    message_prompt: str = ""
    auto_closed: bool = False
    standby_active: bool = False
    rr_last: str = ""
    answered_wait_sum: float = 0.0
    answered_count: int = 0
    threshold_timer_at: float = -1.0

    @property
    def is_open(self) -> bool:
        return self.schedule_open and not self.auto_closed


@dataclass(slots=True, eq=False)
class TenantRec:
    tenant_id: str
    queues: dict[str, QueueRec] = field(default_factory=dict)
    agents: dict[str, AgentRec] = field(default_factory=dict)
    contacts: dict[str, ContactRec] = field(default_factory=dict)
    callbacks: dict[str, ContactRec] = field(default_factory=dict)
    last_handler: dict[str, tuple[str, float]] = field(default_factory=dict)
    """Q16: caller number -> (agent who last handled it, when), oldest first (bounded, see
    :mod:`vaxel.acd.retention`)."""
    finished: dict[str, float] = field(default_factory=dict)
    """Contact id -> when it left the ACD, oldest first: what :mod:`vaxel.acd.retention`
    forgets once it is old enough."""
