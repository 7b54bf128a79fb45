"""Which hours apply on a day, and whether a schedule is open at an instant (Q1, Q3).

Precedence, most specific first: a date exception, then Swedish holidays (public holiday,
de facto eve, half day), then yearly rules, then monthly rules, then the weekly rule.
Temporary closures (Q2) sit above all of these and live in :mod:`vaxel.schedule.calendar`.
All reasoning is in Europe/Stockholm local time; instants are epoch seconds, so the days
when clocks change (last Sunday of March and October) come out right.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from vaxel.core.clock import STOCKHOLM, to_local
from vaxel.schedule.holidays_se import HolidayKind, swedish_day
from vaxel.schedule.model import DayHours, EvePolicy, Interval, Schedule

__all__ = ["ScheduleState", "day_hours", "next_change", "state_at", "week_hours"]

# How far next_change looks ahead before it says "never" (an always-open or never-open schedule).
HORIZON_DAYS = 400


@dataclass(frozen=True, slots=True)
class ScheduleState:
    """Open or closed at an instant, why, and the closed message prompt (Q3)."""

    open: bool
    reason: str
    name: str = ""
    message: str | None = None


def day_hours(schedule: Schedule, day: date) -> DayHours:
    """The opening hours on a local date, with the rule that decided them."""
    exception = schedule.exceptions.get(day)
    if exception is not None:
        return DayHours(exception.intervals, "exception", exception.name, exception.message)
    policy = schedule.holidays
    holiday = swedish_day(day)
    if holiday is not None:
        message = policy.message or schedule.closed_message
        if holiday.kind is HolidayKind.PUBLIC and policy.closed_on_public:
            return DayHours((), "holiday", holiday.name, message)
        if holiday.kind is HolidayKind.EVE and policy.eves is EvePolicy.CLOSED:
            return DayHours((), "eve", holiday.name, message)
        half_day = (holiday.kind is HolidayKind.HALF_DAY and policy.half_days) or (
            holiday.kind is HolidayKind.EVE and policy.eves is EvePolicy.HALF_DAY
        )
        if half_day:
            return DayHours(
                _cut(_base_hours(schedule, day).intervals, policy.half_day_close),
                "half_day",
                holiday.name,
                message,
            )
    return _base_hours(schedule, day)


def _base_hours(schedule: Schedule, day: date) -> DayHours:
    for rule in schedule.yearly:
        if (rule.month, rule.day) == (day.month, day.day):
            return DayHours(rule.intervals, "yearly", rule.name)
    for monthly in schedule.monthly:
        if monthly.matches(day):
            return DayHours(monthly.intervals, "monthly")
    return DayHours(schedule.weekly.get(day.weekday(), ()), "weekly")


def _cut(intervals: tuple[Interval, ...], close: time) -> tuple[Interval, ...]:
    """The part of each interval before ``close`` ("från kl. 14": closed from 14:00)."""
    kept = []
    for interval in intervals:
        if interval.start >= close:
            continue
        end = close if interval.end is None or interval.end > close else interval.end
        kept.append(Interval(interval.start, end))
    return tuple(kept)


def state_at(schedule: Schedule, now: float) -> ScheduleState:
    """Open or closed at ``now`` (epoch seconds)."""
    local = to_local(now)
    hours = day_hours(schedule, local.date())
    moment = local.time().replace(tzinfo=None)
    if any(interval.contains(moment) for interval in hours.intervals):
        return ScheduleState(True, hours.reason, hours.name)
    message = hours.message or schedule.closed_message
    return ScheduleState(False, hours.reason, hours.name, message)


def _boundaries(schedule: Schedule, day: date) -> list[float]:
    """Instants on ``day`` where the open/closed state may flip, in epoch seconds."""
    points: list[float] = [_instant(day, time(0, 0))]
    for interval in day_hours(schedule, day).intervals:
        points.append(_instant(day, interval.start))
        if interval.end is not None:
            points.append(_instant(day, interval.end))
    return points


def _instant(day: date, moment: time) -> float:
    """Local wall time → epoch seconds. A time that does not exist (02:30 on the spring-forward
    night) maps to the first instant after the gap; an ambiguous one to its first occurrence."""
    naive = datetime.combine(day, moment)
    aware = naive.replace(tzinfo=STOCKHOLM, fold=0)
    back = datetime.fromtimestamp(aware.timestamp(), tz=STOCKHOLM).replace(tzinfo=None)
    if back != naive:  # in the gap: move to the end of the gap
        aware = naive.replace(tzinfo=STOCKHOLM, fold=1)
    return aware.timestamp()


def next_change(schedule: Schedule, now: float) -> float | None:
    """The first instant after ``now`` at which :func:`state_at` gives another open/closed
    answer, or None if nothing changes within about a year (always open or always closed)."""
    current = state_at(schedule, now).open
    start_day = to_local(now).date()
    for offset in range(HORIZON_DAYS):
        day = start_day + timedelta(days=offset)
        for point in sorted(_boundaries(schedule, day)):
            if point > now and state_at(schedule, point).open != current:
                return point
    return None


def week_hours(schedule: Schedule, monday: date) -> list[tuple[date, DayHours]]:
    """The seven days from ``monday`` with their hours (for the admin view)."""
    return [
        (monday + timedelta(days=i), day_hours(schedule, monday + timedelta(days=i)))
        for i in range(7)
    ]
