"""Callback rules as pure functions: when a callback becomes eligible (CB2, CB11), which
intervals may be booked within the queue's opening hours (CB2, Q1, issue 9 §5), and whether
a waiting caller may be offered one right now (CB5).

The engine keeps callback contacts in the ordinary queue model (CH1, CB12); this module only
answers the time and offer questions, in Europe/Stockholm local time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from vaxel.acd.model import CallbackSettings, parse_clock
from vaxel.core.clock import from_local, to_local
from vaxel.core.errors import DomainError
from vaxel.schedule import Interval, Schedule, day_hours, next_change, state_at

__all__ = [
    "BOOKING_HORIZON_DAYS",
    "CallbackRefused",
    "CallbackWindow",
    "bookable_start",
    "callback_offer_allowed",
    "callback_windows",
    "interval_start",
]

BOOKING_HORIZON_DAYS = 14
"""How far ahead a callback may be booked: two weeks cover any run of Swedish holidays."""


class CallbackRefused(DomainError):
    """A callback cannot be booked as asked. ``code`` is stable for clients and translation:
    ``unknown-interval`` (no such interval in the queue), ``interval-closed`` (the interval
    lies outside opening hours on the day asked, or on every day ahead), ``queue-closed``
    (the queue does not open within the booking horizon)."""

    def __init__(self, code: str, queue_id: str, interval_id: str = "", day: date | None = None):
        self.code = code
        self.queue_id = queue_id
        self.interval_id = interval_id
        self.day = day
        when = f" on {day.isoformat()}" if day else ""
        super().__init__(f"queue {queue_id!r}: callback interval {interval_id!r}{when}: {code}")


@dataclass(frozen=True, slots=True)
class CallbackWindow:
    """One bookable occurrence of a callback interval: the part of the interval on a local
    ``day`` that lies inside opening hours; ``start`` is ``now`` for one under way."""

    interval_id: str
    day: date
    start: float
    end: float


_ALL_DAY = (Interval(time(0, 0), None),)


def _instant(day: date, minutes: int) -> float:
    return from_local(datetime.combine(day, time(0, 0)) + timedelta(minutes=minutes))


def _minutes(moment: time | None) -> int:
    return 24 * 60 if moment is None else moment.hour * 60 + moment.minute


def callback_windows(
    settings: CallbackSettings,
    schedule: Schedule | None,
    now: float,
    days: int = BOOKING_HORIZON_DAYS,
) -> list[CallbackWindow]:
    """The queue's callback intervals on the next ``days`` local days, each cut to the
    opening hours of ``schedule`` (None: open all day), earliest first. A day on which the
    interval and the hours do not meet — a weekend, a holiday, after a half day's close —
    offers nothing; an interval already over today is left out."""
    today = to_local(now).date()
    windows = []
    for offset in range(days):
        day = today + timedelta(days=offset)
        hours = day_hours(schedule, day).intervals if schedule is not None else _ALL_DAY
        for interval in settings.intervals:
            first = parse_clock(interval.start, "start")
            last = parse_clock(interval.end, "end")
            for open_hours in hours:
                start = max(first, _minutes(open_hours.start))
                end = min(last, _minutes(open_hours.end))
                if start >= end:
                    continue
                begins, ends = _instant(day, start), _instant(day, end)
                if ends > now:
                    windows.append(
                        CallbackWindow(interval.interval_id, day, max(begins, now), ends)
                    )
    return sorted(windows, key=lambda w: (w.start, w.interval_id))


def bookable_start(
    settings: CallbackSettings,
    schedule: Schedule | None,
    queue_id: str,
    interval_id: str,
    day: date | None,
    now: float,
) -> float:
    """When a callback booked now may first be worked, inside opening hours (issue 9 §5).

    No interval: now if the queue is open, else when it next opens. An interval: its first
    window (on ``day`` when given); refused when that interval is closed then."""
    if not interval_id:
        if schedule is None or state_at(schedule, now).open:
            return now
        opens = next_change(schedule, now)
        if opens is None or opens - now > BOOKING_HORIZON_DAYS * 86400:
            raise CallbackRefused("queue-closed", queue_id)
        return opens
    if all(i.interval_id != interval_id for i in settings.intervals):
        raise CallbackRefused("unknown-interval", queue_id, interval_id, day)
    for window in callback_windows(settings, schedule, now):
        if window.interval_id == interval_id and (day is None or window.day == day):
            return window.start
    raise CallbackRefused("interval-closed", queue_id, interval_id, day)


def interval_start(settings: CallbackSettings, interval_id: str, now: float) -> float:
    """When a callback for ``interval_id`` may first be worked (CB2).

    Inside the interval today: now. Before it: its start today. After it: its start
    tomorrow (a caller choosing 10-12 at 15:00 means tomorrow). Empty id: as soon as possible.
    """
    if not interval_id:
        return now
    for interval in settings.intervals:
        if interval.interval_id == interval_id:
            start = parse_clock(interval.start, "start")
            end = parse_clock(interval.end, "end")
            break
    else:
        raise DomainError(
            f"callback interval {interval_id!r} is not one of the queue's intervals",
            code="unknown-callback-interval",
            interval=interval_id,
        )
    local = to_local(now)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
    minute_now = local.hour * 60 + local.minute + local.second / 60
    if minute_now < start:
        return from_local(midnight + timedelta(minutes=start))
    if minute_now < end:
        return now
    return from_local(midnight + timedelta(days=1, minutes=start))


def callback_offer_allowed(
    settings: CallbackSettings,
    *,
    waiting: int,
    estimated_wait_s: float | None,
    average_wait_s: float | None,
    now: float,
) -> bool:
    """Whether the caller may be offered a callback now (CB5; CB6 forced always offers)."""
    if not settings.enabled:
        return False
    rules = settings.offer_rules
    if rules.between is not None:
        local = to_local(now)
        minute_now = local.hour * 60 + local.minute
        start = parse_clock(rules.between[0], "between[0]")
        end = parse_clock(rules.between[1], "between[1]")
        if not start <= minute_now < end:
            return False
    if settings.forced or rules.always:
        return True
    if rules.more_waiting_than is not None and waiting > rules.more_waiting_than:
        return True
    if (
        rules.estimated_wait_over_s is not None
        and estimated_wait_s is not None
        and estimated_wait_s > rules.estimated_wait_over_s
    ):
        return True
    return (
        rules.average_wait_over_s is not None
        and average_wait_s is not None
        and average_wait_s > rules.average_wait_over_s
    )
