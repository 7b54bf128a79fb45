"""Presence set by a person's calendar (spec §41 "hänvisning kopplad till kalender", DIR3).

Rules:
- A calendar span marked busy becomes presence "Möte" (``mote``), one marked out of office
  (Outlook's OOF) "Ledig" (``ledig``), from its start to its end; the tenant may choose
  other reasons.
- Overlapping or touching spans are one absence; if any part is out of office, all of it is
  (a meeting inside a day off does not make the person look reachable).
- Private events and all-day events count unless the tenant turns them off; the subject is
  shown only when the tenant allows it and never for a private event.
- Calendar presence has its own source (``calendar``): a presence set by hand outranks it
  (:func:`vaxel.directory.presence.current_presence`), and a new poll replaces only the
  calendar's own presences — never what the person or an operator set.
- A person who opted out gets none.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from vaxel.directory.presence import Presence, PresenceSource

__all__ = ["CalendarRules", "CalendarSpan", "calendar_presences"]

MAX_PRESENCES = 200
"""Calendar presences kept per person and poll (a day of back-to-back 5-minute meetings)."""


@dataclass(frozen=True, slots=True)
class CalendarSpan:
    """Time a calendar marks as taken (aware datetimes), as the calendar adapter reads it."""

    start: datetime
    end: datetime
    out_of_office: bool = False
    private: bool = False
    all_day: bool = False
    summary: str = ""


@dataclass(frozen=True, slots=True)
class CalendarRules:
    """A tenant's choices for calendar-driven presence."""

    include_private: bool = True
    include_all_day: bool = True
    show_subject: bool = False
    busy_reason: str = "mote"
    away_reason: str = "ledig"


def _merged(spans: list[CalendarSpan]) -> list[CalendarSpan]:
    merged: list[CalendarSpan] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        last = merged[-1] if merged else None
        if last is not None and span.start <= last.end:
            merged[-1] = CalendarSpan(
                start=last.start,
                end=max(last.end, span.end),
                out_of_office=last.out_of_office or span.out_of_office,
                private=last.private and span.private,
                all_day=last.all_day and span.all_day,
                summary=last.summary if last.summary else span.summary,
            )
        else:
            merged.append(span)
    return merged


def calendar_presences(
    spans: Iterable[CalendarSpan],
    rules: CalendarRules,
    now: datetime,
    *,
    opted_out: bool = False,
) -> tuple[Presence, ...]:
    """The calendar presences of one person from ``now`` on, earliest first."""
    if opted_out:
        return ()
    kept = [
        s
        for s in spans
        if s.end > now
        and s.end > s.start
        and (rules.include_private or not s.private)
        and (rules.include_all_day or not s.all_day)
    ]
    presences = []
    for span in _merged(kept)[:MAX_PRESENCES]:
        subject = span.summary if rules.show_subject and not span.private else ""
        presences.append(
            Presence(
                reason_id=rules.away_reason if span.out_of_office else rules.busy_reason,
                since=span.start,
                until=span.end,
                text=subject[:200],
                set_by="calendar",
                source=PresenceSource.CALENDAR,
            )
        )
    return tuple(presences)
