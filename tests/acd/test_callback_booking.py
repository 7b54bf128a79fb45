"""Callback windows inside opening hours (CB2, Q1; issue 9 §5): a pure function of the
queue's intervals, its schedule and ``now``, in Stockholm time."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from vaxel.acd.callbacks import CallbackRefused, bookable_start, callback_windows
from vaxel.acd.model import CallbackInterval, CallbackSettings
from vaxel.core.clock import from_local
from vaxel.schedule import schedule_from_dict

SETTINGS = CallbackSettings(
    enabled=True,
    intervals=(CallbackInterval("fm", "08:00", "12:00"), CallbackInterval("em", "13:00", "16:00")),
    schedule_id="kontorstid",
)
OFFICE = schedule_from_dict(
    {
        "id": "kontorstid",
        "weekly": {"mon-thu": ["08:00-16:30"], "fri": ["08:00-15:00"]},
        "holidays": {"closed_on_public": True, "eves": "closed"},
    }
)


def at(text: str) -> float:
    return from_local(datetime.fromisoformat(text))


def test_the_windows_skip_closed_days_and_are_cut_to_the_opening_hours() -> None:
    friday_morning = at("2027-01-15 09:30")
    windows = callback_windows(SETTINGS, OFFICE, friday_morning, days=4)
    assert [(w.interval_id, w.day.isoformat()) for w in windows] == [
        ("fm", "2027-01-15"),
        ("em", "2027-01-15"),
        ("fm", "2027-01-18"),  # Saturday and Sunday are closed: nothing offered
        ("em", "2027-01-18"),
    ]
    fm, em = windows[0], windows[1]
    assert fm.start == friday_morning and fm.end == at("2027-01-15 12:00")  # under way: now
    assert em.start == at("2027-01-15 13:00")
    assert em.end == at("2027-01-15 15:00")  # Friday closes at 15, not at the interval's 16


def test_a_public_holiday_offers_nothing_and_without_hours_every_day_does() -> None:
    new_years_eve = at("2026-12-30 17:00")  # closed on the eve and on New Year's Day
    days = {w.day for w in callback_windows(SETTINGS, OFFICE, new_years_eve, days=6)}
    assert days == {date(2027, 1, 4)}  # the eve, the holiday and the weekend offer nothing
    always = {w.day for w in callback_windows(SETTINGS, None, new_years_eve, days=3)}
    assert always == {date(2026, 12, 31), date(2027, 1, 1)}  # 30 Dec's intervals are over


def test_a_booking_on_a_closed_day_is_refused_and_without_a_day_the_next_window_is_taken() -> None:
    friday_evening = at("2027-01-15 17:00")
    with pytest.raises(CallbackRefused) as refused:
        bookable_start(SETTINGS, OFFICE, "kundtjanst", "em", date(2027, 1, 16), friday_evening)
    assert refused.value.code == "interval-closed"
    monday = bookable_start(SETTINGS, OFFICE, "kundtjanst", "fm", None, friday_evening)
    assert monday == at("2027-01-18 08:00")
    as_soon_as_open = bookable_start(SETTINGS, OFFICE, "kundtjanst", "", None, friday_evening)
    assert as_soon_as_open == at("2027-01-18 08:00")
    open_now = at("2027-01-18 10:00")
    assert bookable_start(SETTINGS, OFFICE, "kundtjanst", "", None, open_now) == open_now
    with pytest.raises(CallbackRefused) as unknown:
        bookable_start(SETTINGS, OFFICE, "kundtjanst", "natt", None, open_now)
    assert unknown.value.code == "unknown-interval"
