"""Time as the core sees it: seconds since the Unix epoch (UTC), always passed in.

The core never reads a clock itself (STYLE.md rule 2). Adapters read the real time and pass
it as ``now``; the simulator advances a :class:`ManualClock`. Wall-clock questions (opening
hours, holidays) convert ``now`` to Europe/Stockholm with :func:`to_local`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

__all__ = ["STOCKHOLM", "Clock", "ManualClock", "from_local", "to_local"]

STOCKHOLM = ZoneInfo("Europe/Stockholm")


class Clock(Protocol):
    """Something that tells the current time in epoch seconds."""

    def now(self) -> float: ...


class ManualClock:
    """A clock moved by hand: for the simulator and for tests."""

    __slots__ = ("_now",)

    def __init__(self, start: float = 0.0) -> None:
        self._now = start

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> float:
        if seconds < 0:
            raise ValueError(f"time cannot go backwards (advance by {seconds})")
        self._now += seconds
        return self._now

    def set(self, when: float) -> None:
        if when < self._now:
            raise ValueError(f"time cannot go backwards ({when} < {self._now})")
        self._now = when


def to_local(now: float) -> datetime:
    """Epoch seconds as an aware datetime in Europe/Stockholm (DST-correct)."""
    return datetime.fromtimestamp(now, tz=STOCKHOLM)


def from_local(moment: datetime) -> float:
    """An aware or Stockholm-naive datetime as epoch seconds."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=STOCKHOLM)
    return moment.timestamp()
