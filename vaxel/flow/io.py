"""What goes into a flow session (facts) and what comes out (media and call commands)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from vaxel.core.dial_policy import DialPolicy

__all__ = [
    "AgentConnected",
    "CallInfo",
    "CallbackChoice",
    "CallerHungUp",
    "ConnectAgent",
    "DigitPressed",
    "EnterQueue",
    "FlowCommand",
    "FlowInput",
    "Hangup",
    "OpeningHours",
    "PlayPrompts",
    "PromptFinished",
    "QueueSituation",
    "QueueSituationChanged",
    "RequestCallback",
    "SendToVoicemail",
    "StartMusic",
    "StopMedia",
    "TimerTick",
    "TransferCall",
    "UpdateCallerData",
]


class OpeningHours(Protocol):
    """Answers schedule branches (Q3); the runtime adapts ``vaxel.schedule``."""

    def is_open(self, schedule_id: str, now: float) -> bool: ...


@dataclass(frozen=True, slots=True)
class CallInfo:
    caller_number: str = ""
    dialled_number: str = ""
    dial_policy: DialPolicy = field(default_factory=DialPolicy)
    """The tenant's dial policy: a callback is booked only to a number it allows (issue 10
    §11) — a barred caller id is never offered back, the caller is asked for another."""


@dataclass(frozen=True, slots=True)
class CallbackChoice:
    """One interval the caller may pick (CB2), from the queue's settings."""

    interval_id: str
    start: tuple[int, int]
    end: tuple[int, int]


@dataclass(frozen=True, slots=True)
class QueueSituation:
    """What the ACD engine says about this caller now (filled in by the runtime)."""

    position: int
    estimated_wait_s: float | None = None
    agents_available: int = 0
    callback_offer_allowed: bool = False
    callback_choices: tuple[CallbackChoice, ...] = ()


# -- inputs (facts) ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DigitPressed:
    digit: str

    def __post_init__(self) -> None:
        if len(self.digit) != 1 or self.digit not in "0123456789*#ABCD":
            raise ValueError(f"DigitPressed.digit must be one DTMF key, got {self.digit!r}")


@dataclass(frozen=True, slots=True)
class PromptFinished:
    """The last PlayPrompts finished playing."""


@dataclass(frozen=True, slots=True)
class TimerTick:
    """Time passed; due timeouts fire."""


@dataclass(frozen=True, slots=True)
class QueueSituationChanged:
    situation: QueueSituation


@dataclass(frozen=True, slots=True)
class AgentConnected:
    """An agent answered the queued caller."""


@dataclass(frozen=True, slots=True)
class CallerHungUp:
    pass


FlowInput = (
    DigitPressed
    | PromptFinished
    | TimerTick
    | QueueSituationChanged
    | AgentConnected
    | CallerHungUp
)


# -- commands ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlayPrompts:
    """Play these prompt files in order; a key press stops them only if ``interruptible``."""

    prompt_ids: tuple[str, ...]
    interruptible: bool = True


@dataclass(frozen=True, slots=True)
class StartMusic:
    """Music on hold (``music_id``) or ringback tone (``ringback``) until the next play (Q10)."""

    music_id: str = ""
    ringback: bool = False


@dataclass(frozen=True, slots=True)
class StopMedia:
    pass


@dataclass(frozen=True, slots=True)
class EnterQueue:
    queue_id: str
    caller_data: Mapping[str, str] = field(default_factory=dict)
    priority: int = 0


@dataclass(frozen=True, slots=True)
class UpdateCallerData:
    """Q13: data keyed while queued, for the agent's contact card."""

    queue_id: str
    data: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class RequestCallback:
    """CB1–CB3: the caller asked to be called back; ``from_queue`` means the live call leaves
    the queue."""

    queue_id: str
    number: str
    interval_id: str
    caller_data: Mapping[str, str]
    from_queue: bool


@dataclass(frozen=True, slots=True)
class ConnectAgent:
    """Bridge caller and agent after the whisper (Q12), which both hear."""

    whisper: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TransferCall:
    target: str


@dataclass(frozen=True, slots=True)
class SendToVoicemail:
    box: str


@dataclass(frozen=True, slots=True)
class Hangup:
    pass


FlowCommand = (
    PlayPrompts
    | StartMusic
    | StopMedia
    | EnterQueue
    | UpdateCallerData
    | RequestCallback
    | ConnectAgent
    | TransferCall
    | SendToVoicemail
    | Hangup
)
