"""The automatic attendant switches itself on at high load (issue 16, spec §70: "vid akuta
händelser som medför hög belastning på telefonisterna"): the rule, pure, with explicit
``now``.

A tenant's :class:`LoadRule` watches one operator queue and one flow switch (the
``telefonistmeny`` switch that puts a menu before that queue). Rules kept here:
- Off by default. On, the rule switches the menu **on** when the queue's longest wait
  reaches ``wait_s`` or ``waiting`` callers wait (either mark; 0: that mark unused).
- It switches **off** only what it switched on itself, once the load is below the lower
  mark — half of each mark — and the switch has been on ``min_on_s`` at least: between
  the marks nothing changes, so the menu does not flap.
- Someone's hand wins. A switch an operator or admin switched on stays on until someone
  switches it off; one switched off by hand while the load is high stays off until the
  load has fallen below the lower mark once (a new rush may switch it on again). A
  scheduled window is left alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from vaxel.core.errors import DomainError

__all__ = [
    "AUTO_ACTOR",
    "LOAD_RULE_SETTINGS",
    "Load",
    "LoadRule",
    "LoadRuleError",
    "Move",
    "SwitchSeen",
    "decide",
]

LOAD_RULE_SETTINGS = "auto-attendant"
"""The tenant's settings kind: :meth:`LoadRule.stored`."""
AUTO_ACTOR = "automatik"
"""Who the audit log and the switch's "changed by" name when the rule switched it."""
SWITCH = "telefonistmeny"
MAX_WAIT_S, MAX_WAITING = 3600, 500
MIN_ON_S, MAX_ON_S = 60, 7200


class LoadRuleError(DomainError):
    """A rule refused; ``code`` names the limit (the web words it in Swedish)."""


@dataclass(frozen=True, slots=True)
class LoadRule:
    """A tenant's rule: on/off, the queue watched, the marks and the least time on."""

    enabled: bool = False
    queue_id: str = ""
    wait_s: int = 120
    """On when the longest wait reaches this (10–3,600 s; 0: not used)."""
    waiting: int = 0
    """On when this many wait (1–500; 0: not used)."""
    min_on_s: int = 300
    """Switched on by the rule, on at least this long (60–7,200 s)."""
    switch: str = SWITCH

    def __post_init__(self) -> None:
        if self.wait_s and not 10 <= self.wait_s <= MAX_WAIT_S:
            raise LoadRuleError(f"wait mark {self.wait_s}", code="auto-attendant-wait")
        if not 0 <= self.waiting <= MAX_WAITING:
            raise LoadRuleError(f"waiting mark {self.waiting}", code="auto-attendant-waiting")
        if not MIN_ON_S <= self.min_on_s <= MAX_ON_S:
            raise LoadRuleError(f"least time on {self.min_on_s}", code="auto-attendant-min-on")
        if self.enabled and not (self.wait_s or self.waiting):
            raise LoadRuleError("no mark", code="auto-attendant-no-mark")
        if self.enabled and not self.queue_id:
            raise LoadRuleError("no queue", code="auto-attendant-queue")
        if len(self.queue_id) > 64:
            raise LoadRuleError("queue id too long", code="auto-attendant-queue")

    @classmethod
    def of(cls, stored: object) -> LoadRule:
        """From the tenant's stored settings; anything unusable is the default (off)."""
        if not isinstance(stored, Mapping):
            return cls()
        try:
            return cls(
                enabled=stored.get("enabled") is True,
                queue_id=str(stored.get("queue_id", "")),
                wait_s=_whole(stored.get("wait_s"), 120),
                waiting=_whole(stored.get("waiting"), 0),
                min_on_s=_whole(stored.get("min_on_s"), 300),
            )
        except LoadRuleError:
            return cls()

    def stored(self) -> dict[str, object]:
        return {
            "enabled": self.enabled,
            "queue_id": self.queue_id,
            "wait_s": self.wait_s,
            "waiting": self.waiting,
            "min_on_s": self.min_on_s,
        }


def _whole(value: object, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


@dataclass(frozen=True, slots=True)
class Load:
    """The watched queue now: callers waiting and the longest wait."""

    waiting: int
    longest_wait_s: float


@dataclass(frozen=True, slots=True)
class SwitchSeen:
    """The switch now: on (switched, not a window), who changed it last and when, and
    whether a scheduled window is set."""

    on: bool
    changed_by: str
    changed_at: float
    window: bool = False


class Move(Enum):
    ON = "on"
    OFF = "off"


def high(rule: LoadRule, load: Load) -> bool:
    """At or past a mark."""
    return bool(
        (rule.wait_s and load.longest_wait_s >= rule.wait_s)
        or (rule.waiting and load.waiting >= rule.waiting)
    )


def calm(rule: LoadRule, load: Load) -> bool:
    """Below the lower mark (half of each mark used)."""
    return not (
        (rule.wait_s and load.longest_wait_s >= rule.wait_s / 2)
        or (rule.waiting and load.waiting >= max(1, rule.waiting // 2))
    )


def decide(
    rule: LoadRule, load: Load, switch: SwitchSeen, rush_since: float | None, now: float
) -> tuple[Move | None, float | None]:
    """What the rule does now, and since when the load has not been calm (``rush_since``,
    None while calm: the caller keeps it between calls)."""
    rush = None if calm(rule, load) else (now if rush_since is None else rush_since)
    if not rule.enabled or switch.window:
        return None, rush
    by_rule = switch.changed_by == AUTO_ACTOR
    if switch.on:
        done = by_rule and rush is None and now - switch.changed_at >= rule.min_on_s
        return (Move.OFF if done else None), rush
    by_hand = switch.changed_by not in ("", AUTO_ACTOR)  # "": never switched
    by_hand_in_rush = by_hand and rush is not None and switch.changed_at >= rush
    if high(rule, load) and not by_hand_in_rush:
        return Move.ON, rush
    return None, rush
