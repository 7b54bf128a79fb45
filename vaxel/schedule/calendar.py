"""Temporary closures over many queues (Q2) on top of each queue's schedule (Q1, Q3).

A closure is an emergency or ad-hoc decision ("stängt p.g.a. driftstörning"), so it wins
over every schedule rule while it lasts. The calendar only answers questions; the runtime
turns changes into the ACD engine's QueueOpened/QueueClosed events and arms one timer at
:meth:`Calendar.next_change`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from vaxel.core.errors import ConfigError, NotFound
from vaxel.core.limits import SHORT_TEXT_LENGTH, check_length
from vaxel.schedule.hours import ScheduleState, next_change, state_at
from vaxel.schedule.model import Schedule

__all__ = ["Calendar", "TemporaryClosure", "UnknownSchedule", "closure_from_dict"]


class UnknownSchedule(NotFound):
    kind = "schedule"


@dataclass(frozen=True, slots=True)
class TemporaryClosure:
    """Closes ``queue_ids`` from ``start`` until ``end`` (None: until lifted), playing
    ``message`` (a prompt id) to callers (Q2)."""

    closure_id: str
    queue_ids: frozenset[str]
    start: float
    end: float | None
    message: str | None = None
    reason: str = ""

    def __post_init__(self) -> None:
        if not self.queue_ids:
            raise ConfigError("queue_ids", "closure-queues")
        if self.end is not None and self.end <= self.start:
            raise ConfigError("end", "after-start")
        check_length("reason", self.reason, SHORT_TEXT_LENGTH)

    def active(self, now: float) -> bool:
        return self.start <= now and (self.end is None or now < self.end)


def closure_from_dict(data: Mapping[str, Any]) -> TemporaryClosure:
    """From plain data: ``{"id", "queues": [...], "start", "end"?, "message"?, "reason"?}``
    with times in epoch seconds."""
    for key in ("id", "queues", "start"):
        if key not in data:
            raise ConfigError(key, "closure-required")
    queues = data["queues"]
    if isinstance(queues, str) or not isinstance(queues, Iterable):
        raise ConfigError("queues", "queue-list")
    try:
        start = float(data["start"])
        end = None if data.get("end") is None else float(data["end"])
    except (TypeError, ValueError):
        raise ConfigError("start", "epoch-seconds") from None
    return TemporaryClosure(
        str(data["id"]),
        frozenset(str(q) for q in queues),
        start,
        end,
        data.get("message"),
        str(data.get("reason", "")),
    )


class Calendar:
    """A tenant's schedules and temporary closures; answers per queue."""

    def __init__(
        self, schedules: Iterable[Schedule] = (), closures: Iterable[TemporaryClosure] = ()
    ) -> None:
        self._schedules = {s.schedule_id: s for s in schedules}
        self._closures = {c.closure_id: c for c in closures}

    def put_schedule(self, schedule: Schedule) -> None:
        self._schedules[schedule.schedule_id] = schedule

    def schedule(self, schedule_id: str) -> Schedule:
        try:
            return self._schedules[schedule_id]
        except KeyError:
            raise UnknownSchedule(schedule_id) from None

    def close(self, closure: TemporaryClosure) -> None:
        """Add a temporary closure (Q2); many queues close at once."""
        self._closures[closure.closure_id] = closure

    def replace_closures(self, closures: Iterable[TemporaryClosure]) -> None:
        """All closures at once, as an admin last saved them: one dropped before it began
        is gone from the calendar too."""
        self._closures = {c.closure_id: c for c in closures}

    def lift(self, closure_id: str, now: float) -> None:
        """End a closure early (it stays in the history with its real end)."""
        closure = self._closures.get(closure_id)
        if closure is None:
            raise NotFound(closure_id)
        self._closures[closure_id] = replace(closure, end=max(now, closure.start))

    def closures(self, now: float) -> list[TemporaryClosure]:
        """Closures active now or later, soonest first."""
        return sorted(
            (c for c in self._closures.values() if c.end is None or c.end > now),
            key=lambda c: (c.start, c.closure_id),
        )

    def queue_state(self, queue_id: str, schedule_id: str | None, now: float) -> ScheduleState:
        """Open/closed for a queue using ``schedule_id`` (None: always open unless closed)."""
        for closure in sorted(self._closures.values(), key=lambda c: c.closure_id):
            if queue_id in closure.queue_ids and closure.active(now):
                return ScheduleState(False, "closure", closure.reason, closure.message)
        if schedule_id is None:
            return ScheduleState(True, "always")
        return state_at(self.schedule(schedule_id), now)

    def next_change(self, queue_id: str, schedule_id: str | None, now: float) -> float | None:
        """The first instant after ``now`` at which :meth:`queue_state` flips for this queue."""
        current = self.queue_state(queue_id, schedule_id, now).open
        candidates: list[float] = []
        for closure in self._closures.values():
            if queue_id in closure.queue_ids:
                candidates += [t for t in (closure.start, closure.end) if t is not None and t > now]
        if schedule_id is not None:
            change = next_change(self.schedule(schedule_id), now)
            if change is not None:
                candidates.append(change)
        # A closure boundary may not flip the answer (the schedule is closed anyway), and the
        # schedule may flip while a closure holds: walk the candidates in order.
        probe = now
        for _ in range(1000):
            candidates = sorted(t for t in candidates if t > probe)
            if not candidates:
                return None
            probe = candidates[0]
            if self.queue_state(queue_id, schedule_id, probe).open != current:
                return probe
            if schedule_id is not None:
                later = next_change(self.schedule(schedule_id), probe)
                if later is not None:
                    candidates.append(later)
        return None
