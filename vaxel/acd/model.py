"""Configuration of the ACD: queues and agent profiles (CH1, Q14-Q25), on the enums of
:mod:`vaxel.acd.vocabulary` (re-exported here).

Every config object is a frozen, slotted dataclass that validates itself on construction and
raises :class:`~vaxel.core.errors.ConfigError` naming the dotted field and what to do, so a
bad config never reaches the engine half-applied. Config reaches the engine as events
(``QueueConfigured``/``AgentConfigured``) so it is journaled with everything else (Q20).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from vaxel.acd.vocabulary import (
    AgentState,
    CallbackStatus,
    Channel,
    ContactState,
    OverflowAction,
    OverflowTrigger,
    Strategy,
    UnansweredAction,
)
from vaxel.core.errors import ConfigError
from vaxel.core.limits import ID_LENGTH, NAME_LENGTH, PHONE_NUMBER_LENGTH, check_length

__all__ = [
    "AgentProfile",
    "AgentState",
    "AutoClose",
    "CallbackInterval",
    "CallbackOfferRules",
    "CallbackSettings",
    "CallbackStatus",
    "Channel",
    "ContactState",
    "OverflowAction",
    "OverflowRule",
    "OverflowTarget",
    "OverflowTrigger",
    "QueueConfig",
    "StandbyThresholds",
    "Strategy",
    "UnansweredAction",
    "parse_clock",
]


def _require(cond: bool, path: str, rule: str, **params: Any) -> None:
    if not cond:
        raise ConfigError(path, rule, **params)


def parse_clock(text: str, path: str) -> int:
    """``"HH:MM"`` as minutes after midnight; ``"24:00"`` allowed as an end of day."""
    parts = text.split(":")
    ok = len(parts) == 2 and all(p.isdigit() and len(p) == 2 for p in parts)
    if ok:
        hours, minutes = int(parts[0]), int(parts[1])
        ok = minutes < 60 and (hours < 24 or (hours == 24 and minutes == 0))
        if ok:
            return hours * 60 + minutes
    raise ConfigError(path, "clock-time", value=text)


@dataclass(frozen=True, slots=True)
class OverflowTarget:
    """Where an overflowing contact goes: another queue, an external number, or busy."""

    action: OverflowAction
    queue_id: str = ""
    number: str = ""

    def __post_init__(self) -> None:
        if self.action is OverflowAction.QUEUE:
            _require(bool(self.queue_id), "queue_id", "overflow-queue")
        if self.action is OverflowAction.NUMBER:
            _require(bool(self.number), "number", "overflow-number")
        check_length("number", self.number, PHONE_NUMBER_LENGTH)


@dataclass(frozen=True, slots=True)
class OverflowRule:
    """One overflow rule (Q18). ``max_length``/``max_wait_s`` parametrise their triggers;
    ``channels`` limits the rule to some channels (Q18 "per channel"), empty means all."""

    trigger: OverflowTrigger
    target: OverflowTarget
    max_length: int = 0
    max_wait_s: float = 0.0
    channels: tuple[Channel, ...] = ()

    def applies_to(self, channel: Channel) -> bool:
        return not self.channels or channel in self.channels

    def __post_init__(self) -> None:
        if self.trigger is OverflowTrigger.MAX_LENGTH:
            _require(self.max_length > 0, "max_length", "max-length-rule")
        if self.trigger is OverflowTrigger.MAX_WAIT:
            _require(self.max_wait_s > 0, "max_wait_s", "max-wait-rule")


@dataclass(frozen=True, slots=True)
class AutoClose:
    """Close the queue at length X or longest wait Y; reopen below lower marks (Q19).

    The reopen marks must be lower than the close marks (hysteresis), otherwise the queue
    would flap open/closed with every arrival.
    """

    close_at_length: int = 0
    close_at_wait_s: float = 0.0
    reopen_below_length: int = 0
    reopen_below_wait_s: float = 0.0
    target: OverflowTarget = field(default_factory=lambda: OverflowTarget(OverflowAction.BUSY))

    def __post_init__(self) -> None:
        _require(
            self.close_at_length > 0 or self.close_at_wait_s > 0,
            "close_at_length",
            "auto-close-limit",
        )
        if self.close_at_length > 0:
            _require(
                0 <= self.reopen_below_length < self.close_at_length,
                "reopen_below_length",
                "reopen-below",
                other="close_at_length",
            )
        if self.close_at_wait_s > 0:
            _require(
                0 <= self.reopen_below_wait_s < self.close_at_wait_s,
                "reopen_below_wait_s",
                "reopen-below",
                other="close_at_wait_s",
            )


@dataclass(frozen=True, slots=True)
class StandbyThresholds:
    """Activate stand-by agents at waiting >= N or longest wait >= T; release below (Q25)."""

    activate_waiting: int = 0
    activate_wait_s: float = 0.0
    release_waiting: int = 0
    release_wait_s: float = 0.0

    def __post_init__(self) -> None:
        _require(
            self.activate_waiting > 0 or self.activate_wait_s > 0,
            "activate_waiting",
            "standby-limit",
        )
        if self.activate_waiting > 0:
            _require(
                0 <= self.release_waiting < self.activate_waiting,
                "release_waiting",
                "release-below",
                other="activate_waiting",
            )
        if self.activate_wait_s > 0:
            _require(
                0 <= self.release_wait_s < self.activate_wait_s,
                "release_wait_s",
                "release-below",
                other="activate_wait_s",
            )


@dataclass(frozen=True, slots=True)
class CallbackInterval:
    """A window the caller may pick for the callback (CB2), local Stockholm clock times."""

    interval_id: str
    start: str
    end: str
    prompt_id: str = ""

    def __post_init__(self) -> None:
        _require(bool(self.interval_id), "interval_id", "id-required")
        check_length("interval_id", self.interval_id, ID_LENGTH)
        start = parse_clock(self.start, "start")
        end = parse_clock(self.end, "end")
        _require(end > start, "end", "after-start")


@dataclass(frozen=True, slots=True)
class CallbackOfferRules:
    """When a waiting caller is offered a callback (CB5). Unset thresholds are off.

    Offered when ``always`` or any set threshold is exceeded, and (if set) the local clock
    is within ``between``.
    """

    always: bool = False
    more_waiting_than: int | None = None
    estimated_wait_over_s: float | None = None
    average_wait_over_s: float | None = None
    between: tuple[str, str] | None = None

    def __post_init__(self) -> None:
        if self.more_waiting_than is not None:
            _require(self.more_waiting_than >= 0, "more_waiting_than", "not-negative")
        if self.estimated_wait_over_s is not None:
            _require(self.estimated_wait_over_s >= 0, "estimated_wait_over_s", "not-negative")
        if self.average_wait_over_s is not None:
            _require(self.average_wait_over_s >= 0, "average_wait_over_s", "not-negative")
        if self.between is not None:
            start = parse_clock(self.between[0], "between[0]")
            end = parse_clock(self.between[1], "between[1]")
            _require(end > start, "between[1]", "after-start")


@dataclass(frozen=True, slots=True)
class CallbackSettings:
    """Callback behaviour of a queue (CB1-CB11, Q17)."""

    enabled: bool = False
    forced: bool = False
    """CB6: no live queueing, the caller can only leave a callback request."""
    offer_rules: CallbackOfferRules = field(default_factory=CallbackOfferRules)
    create_on_abandon: bool = False
    """CB5: a caller who hangs up while queued gets a callback entry."""
    intervals: tuple[CallbackInterval, ...] = ()
    retry_delay_s: float = 900.0
    max_attempts: int = 3
    priority: int = 0
    """Q17: callbacks may be given a higher priority than live callers."""
    schedule_id: str = ""
    """The opening hours (a schedule's id) that callbacks are offered and booked within
    (CB2, Q1): no interval on a closed day. Empty: the intervals alone decide."""

    def __post_init__(self) -> None:
        _require(self.retry_delay_s >= 0, "retry_delay_s", "not-negative")
        _require(self.max_attempts >= 1, "max_attempts", "at-least", min=1)
        seen: set[str] = set()
        for i, interval in enumerate(self.intervals):
            if interval.interval_id in seen:
                raise ConfigError(f"intervals[{i}].interval_id", "unique")
            seen.add(interval.interval_id)


@dataclass(frozen=True, slots=True)
class QueueConfig:
    """One queue of one tenant (Q14-Q20, CB*, CH5).

    ``priority`` orders queues that share agents: an agent takes work from a higher-priority
    queue first (Q17 priority queues). ``sticky_window_s`` > 0 enables sticky agent (Q16).
    ``private_max_wait_s`` bounds how long a contact aimed at one agent waits for that agent
    before any agent of the queue may take it (CH5).
    """

    tenant_id: str
    queue_id: str
    name: str = ""
    strategy: Strategy = Strategy.LONGEST_IDLE
    offer_timeout_s: float = 20.0
    ring_count: int = 0
    """For RING_ALL: how many agents ring at once; 0 means all eligible ready agents."""
    wrap_up_s: float = 0.0
    priority: int = 0
    linear_order: tuple[str, ...] = ()
    sticky_window_s: float = 0.0
    private_max_wait_s: float = 300.0
    overflow: tuple[OverflowRule, ...] = ()
    auto_close: AutoClose | None = None
    standby: StandbyThresholds | None = None
    callback: CallbackSettings = field(default_factory=CallbackSettings)
    service_level_s: float = 20.0
    """ST1: a contact answered within this many seconds counts toward the service level."""
    service_level_goal: float = 0.8
    """The share answered in time the wallboard measures against (80/20 by default)."""
    short_abandon_s: float = 5.0
    """ST1: a caller who hangs up sooner than this is left out of the service level (a
    wrong number is no missed target); see vaxel/stats/service_level.py."""
    schedule_id: str = ""
    """The schedule whose opening hours open and close the queue (Q1, Q3; issue 12 §1);
    empty: open at all hours, closed only by closures and by hand."""

    def __post_init__(self) -> None:
        _require(bool(self.tenant_id), "queue.tenant_id", "tenant-required")
        _require(self.service_level_s > 0, "queue.service_level_s", "positive-seconds")
        _require(
            0 < self.service_level_goal <= 1,
            "queue.service_level_goal",
            "share",
        )
        _require(self.short_abandon_s >= 0, "queue.short_abandon_s", "not-negative-seconds")
        _require(bool(self.queue_id), "queue.queue_id", "id-required")
        check_length("queue.queue_id", self.queue_id, ID_LENGTH)
        check_length("queue.name", self.name, NAME_LENGTH)
        check_length("queue.schedule_id", self.schedule_id, ID_LENGTH)
        _require(self.offer_timeout_s > 0, "queue.offer_timeout_s", "positive")
        _require(self.ring_count >= 0, "queue.ring_count", "not-negative-all")
        _require(self.wrap_up_s >= 0, "queue.wrap_up_s", "not-negative")
        _require(self.sticky_window_s >= 0, "queue.sticky_window_s", "not-negative")
        _require(self.private_max_wait_s > 0, "queue.private_max_wait_s", "positive")
        for i, rule in enumerate(self.overflow):
            if rule.target.action is OverflowAction.QUEUE and rule.target.queue_id == self.queue_id:
                raise ConfigError(f"queue.overflow[{i}].target.queue_id", "overflow-self")
        # Nested objects validated themselves; re-validate here only to add the path, so the
        # error names the field as the admin sees it (queue.overflow[1].max_wait_s).
        for name, obj in (
            ("auto_close", self.auto_close),
            ("standby", self.standby),
            ("callback", self.callback),
        ):
            if obj is not None:
                _revalidate(obj, f"queue.{name}")
        for i, rule in enumerate(self.overflow):
            _revalidate(rule, f"queue.overflow[{i}]")

    @property
    def display_name(self) -> str:
        return self.name or self.queue_id


def _revalidate(obj: object, prefix: str) -> None:
    post_init = getattr(obj, "__post_init__", None)
    if post_init is None:
        return
    try:
        post_init()
    except ConfigError as error:
        raise error.within(prefix) from None


@dataclass(frozen=True, slots=True)
class AgentProfile:
    """An agent: language, skills with levels, and the queues they may log in to (Q15, Q21).

    ``max_unanswered`` > 0 turns on Q23: after that many consecutive unanswered offers the
    agent is paused or logged out (``unanswered_action``).
    """

    tenant_id: str
    agent_id: str
    name: str = ""
    language: str = "sv"
    languages: tuple[str, ...] = ()
    """Extra languages the agent speaks besides ``language``."""
    skills: Mapping[str, int] = field(default_factory=dict)
    permitted_queues: tuple[str, ...] = ()
    phone: str = ""
    max_unanswered: int = 0
    unanswered_action: UnansweredAction = UnansweredAction.PAUSE

    def __post_init__(self) -> None:
        _require(bool(self.tenant_id), "agent.tenant_id", "tenant-required")
        _require(bool(self.agent_id), "agent.agent_id", "id-required")
        check_length("agent.agent_id", self.agent_id, ID_LENGTH)
        check_length("agent.name", self.name, NAME_LENGTH)
        check_length("agent.phone", self.phone, PHONE_NUMBER_LENGTH)
        _require(self.max_unanswered >= 0, "agent.max_unanswered", "not-negative-off")
        for skill, level in self.skills.items():
            _require(
                isinstance(level, int) and level >= 0,
                f"agent.skills.{skill}",
                "skill-level",
            )

    def speaks(self, language: str) -> bool:
        return not language or language == self.language or language in self.languages
