"""Presence from a person's calendar (spec §41): meetings become "Möte", days off "Ledig",
overlaps are one absence, private and all-day events as the tenant chooses, and a presence
set by hand still wins (DIR3)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from vaxel.directory.calendar_presence import CalendarRules, CalendarSpan, calendar_presences
from vaxel.directory.presence import Presence, current_presence

Z = ZoneInfo("Europe/Stockholm")
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=Z)


def _at(hour: float, day: int = 7) -> datetime:
    return datetime(2026, 12, day, tzinfo=Z) + timedelta(hours=hour)


def test_meetings_and_days_off_become_presence_until_they_end() -> None:
    spans = [
        CalendarSpan(_at(10), _at(11.5), summary="Bygglovsmöte"),
        CalendarSpan(_at(0, 8), _at(0, 9), out_of_office=True, all_day=True),
        CalendarSpan(_at(7), _at(8), summary="redan över"),
    ]
    presences = calendar_presences(spans, CalendarRules(), NOW)
    assert [(p.reason_id, p.since, p.until, p.text) for p in presences] == [
        ("mote", _at(10), _at(11.5), ""),
        ("ledig", _at(0, 8), _at(0, 9), ""),
    ]
    assert all(p.source == "calendar" and p.set_by == "calendar" for p in presences)
    assert current_presence(presences, _at(10.5)).reason_id == "mote"  # type: ignore[union-attr]
    assert current_presence(presences, _at(12)) is None  # back at 11:30


def test_overlapping_spans_are_one_absence_and_a_day_off_wins() -> None:
    spans = [
        CalendarSpan(_at(9), _at(10)),
        CalendarSpan(_at(10), _at(11)),  # touching: one
        CalendarSpan(_at(10.5), _at(17), out_of_office=True),
    ]
    (only,) = calendar_presences(spans, CalendarRules(), NOW)
    assert (only.reason_id, only.since, only.until) == ("ledig", _at(9), _at(17))


def test_private_and_all_day_events_count_only_when_the_tenant_wants() -> None:
    spans = [
        CalendarSpan(_at(13), _at(14), private=True, summary="Läkarbesök"),
        CalendarSpan(_at(0, 8), _at(0, 9), all_day=True, summary="Utbildningsdag"),
    ]
    assert len(calendar_presences(spans, CalendarRules(), NOW)) == 2
    assert (
        calendar_presences(spans, CalendarRules(include_private=False, include_all_day=False), NOW)
        == ()
    )
    shown = calendar_presences(spans, CalendarRules(show_subject=True), NOW)
    assert [p.text for p in shown] == ["", "Utbildningsdag"]  # a private subject never shows


def test_a_person_who_opted_out_gets_none() -> None:
    assert (
        calendar_presences([CalendarSpan(_at(10), _at(11))], CalendarRules(), NOW, opted_out=True)
        == ()
    )


def test_a_presence_set_by_hand_outranks_the_calendar() -> None:
    (meeting,) = calendar_presences([CalendarSpan(_at(10), _at(12))], CalendarRules(), NOW)
    lunch = Presence("lunch", since=_at(11), until=_at(11.75), set_by="karin")
    assert current_presence([meeting, lunch], _at(11.5)).reason_id == "lunch"  # type: ignore[union-attr]
    assert current_presence([meeting, lunch], _at(11.8)).reason_id == "mote"  # type: ignore[union-attr]
