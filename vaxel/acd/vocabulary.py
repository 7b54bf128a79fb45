"""The ACD's domain vocabulary as enums: channels, strategies, the states of agents,
contacts and callbacks, and what overflow and unanswered offers lead to (CH1, Q14-Q25).

Their values are what the journal, the snapshots and the API carry, so a value is never
renamed; :mod:`vaxel.acd.model` builds the configuration on them and re-exports them.
"""

from __future__ import annotations

from enum import Enum

__all__ = [
    "AgentState",
    "CallbackStatus",
    "Channel",
    "ContactState",
    "OverflowAction",
    "OverflowTrigger",
    "Strategy",
    "UnansweredAction",
]


class Channel(Enum):
    """Every kind of work shares one queue model (CH1)."""

    CALL = "call"
    CALLBACK = "callback"
    EMAIL = "email"
    SMS = "sms"
    CHAT = "chat"


class Strategy(Enum):
    """How a queue picks among ready agents (Q14)."""

    RING_ALL = "ring_all"
    """Offer to ``QueueConfig.ring_count`` agents at once (0 = all); first answer wins."""
    ROUND_ROBIN = "round_robin"
    LONGEST_IDLE = "longest_idle"
    LINEAR = "linear"
    FEWEST_CALLS = "fewest_calls"
    RANDOM = "random"
    SKILLS = "skills"
    """Best skill level for the wanted skills first, then longest idle (Q15)."""


class AgentState(Enum):
    """Agent states (Q21-Q25). Stand-by is a flag on a logged-in agent, not a state."""

    LOGGED_OUT = "logged_out"
    READY = "ready"
    OFFERED = "offered"
    BUSY = "busy"
    WRAP_UP = "wrap_up"
    PAUSED = "paused"


class ContactState(Enum):
    """Life of a contact in the ACD."""

    PENDING = "pending"
    """A callback waiting for its interval to start (CB2); not yet in the queue order."""
    WAITING = "waiting"
    OFFERED = "offered"
    CONNECTED = "connected"
    ENDED = "ended"
    ABANDONED = "abandoned"
    OVERFLOWED = "overflowed"
    """Left the ACD: sent to an external number or rejected busy (Q18, Q19)."""
    FAILED = "failed"
    """A callback that reached its max attempts unanswered (CB11)."""


class CallbackStatus(Enum):
    """The CB8 list status column."""

    UNHANDLED = "unhandled"
    REQUEUED = "requeued"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    FAILED = "failed"


class OverflowTrigger(Enum):
    """When a contact leaves its queue for somewhere else (Q18)."""

    MAX_LENGTH = "max_length"
    MAX_WAIT = "max_wait"
    NO_AGENTS = "no_agents"
    CLOSED = "closed"


class OverflowAction(Enum):
    QUEUE = "queue"
    NUMBER = "number"
    BUSY = "busy"


class UnansweredAction(Enum):
    """What happens after too many consecutive unanswered offers (Q23)."""

    PAUSE = "pause"
    LOGOUT = "logout"
