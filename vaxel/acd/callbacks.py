"""Callback rules as pure functions: when a callback becomes eligible (CB2, CB11) and
whether a waiting caller may be offered one right now (CB5).

The engine keeps callback contacts in the ordinary queue model (CH1, CB12); this module only
answers the time and offer questions, in Europe/Stockholm local time.
"""

from __future__ import annotations

from datetime import timedelta

from vaxel.acd.model import CallbackSettings, parse_clock
from vaxel.core.clock import from_local, to_local
from vaxel.core.errors import DomainError

__all__ = ["callback_offer_allowed", "interval_start"]


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
        raise DomainError(f"callback interval {interval_id!r} is not one of the queue's intervals")
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
