"""Opening hours, Swedish holidays and DST (Q1, Q3)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vaxel.core.clock import from_local
from vaxel.core.errors import ConfigError
from vaxel.schedule import day_hours, next_change, schedule_from_dict, state_at, swedish_day

OFFICE = {
    "id": "kontor",
    "name": "Kontorstid",
    "weekly": {"mon-thu": ["08:00-12:00", "13:00-16:30"], "fri": ["08:00-15:00"]},
    "closed_message": "sv/stangt",
}


def at(text: str) -> float:
    """Local Stockholm wall time 'YYYY-MM-DD HH:MM' as epoch seconds."""
    return from_local(datetime.fromisoformat(text))


def test_weekly_rules_with_lunch_closed() -> None:
    office = schedule_from_dict(OFFICE)
    assert state_at(office, at("2026-11-23 08:00")).open  # Monday
    assert not state_at(office, at("2026-11-23 12:30")).open
    assert state_at(office, at("2026-11-27 14:59")).open  # Friday
    assert not state_at(office, at("2026-11-27 15:00")).open
    closed = state_at(office, at("2026-11-28 10:00"))  # Saturday
    assert (closed.open, closed.reason, closed.message) == (False, "weekly", "sv/stangt")


@pytest.mark.parametrize(
    ("day", "name"),
    [
        ("2026-06-19", "Midsommarafton"),
        ("2026-04-03", "Långfredagen"),
        ("2026-04-06", "Annandag påsk"),
        ("2026-05-14", "Kristi himmelsfärdsdag"),
        ("2026-12-24", "Julafton"),
        ("2027-03-26", "Långfredagen"),
        ("2027-06-25", "Midsommarafton"),
    ],
)
def test_swedish_holidays_and_eves_close_an_office(day: str, name: str) -> None:
    office = schedule_from_dict(OFFICE)
    hours = day_hours(office, date.fromisoformat(day))
    assert hours.intervals == ()
    assert hours.name == name


def test_all_saints_day_2026_is_a_saturday_holiday() -> None:
    assert swedish_day(date(2026, 10, 31)).name == "Alla helgons dag"  # type: ignore[union-attr]


def test_sundays_are_not_holidays_but_weekly_rules_decide() -> None:
    assert swedish_day(date(2026, 11, 22)) is None
    open_sundays = schedule_from_dict({"id": "s", "weekly": {"sön": ["10:00-14:00"]}})
    assert state_at(open_sundays, at("2026-11-22 11:00")).open


def test_half_days_close_at_fourteen_when_enabled() -> None:
    office = schedule_from_dict({**OFFICE, "holidays": {"half_days": True}})
    thursday = at("2026-04-02 13:59")  # Skärtorsdagen
    assert state_at(office, thursday).open
    closed = state_at(office, at("2026-04-02 14:00"))
    assert (closed.open, closed.reason) == (False, "half_day")
    without = schedule_from_dict(OFFICE)
    assert state_at(without, at("2026-04-02 15:00")).open


def test_holiday_policy_can_keep_a_queue_open() -> None:
    support = schedule_from_dict(
        {
            "id": "jour",
            "weekly": {"mon-sun": ["00:00-24:00"]},
            "holidays": {"closed_on_public": False, "eves": "normal"},
        }
    )
    assert state_at(support, at("2026-12-24 12:00")).open
    assert state_at(support, at("2026-12-25 03:00")).open


def test_exceptions_beat_holidays_and_monthly_and_yearly_rules() -> None:
    office = schedule_from_dict(
        {
            **OFFICE,
            "monthly": [{"weekday": "fri", "nth": "last", "hours": ["08:00-12:00"]}],
            "yearly": [{"date": "11-26", "hours": "closed", "name": "Personaldag"}],
            "exceptions": [
                {"date": "2026-12-24", "hours": ["09:00-12:00"], "name": "Julafton-jour"},
                {"date": "2027-11-29", "hours": "closed", "message": "sv/flytt"},
            ],
        }
    )
    assert day_hours(office, date(2026, 11, 27)).reason == "monthly"  # last Friday
    assert not state_at(office, at("2026-11-27 13:00")).open
    assert state_at(office, at("2026-11-20 13:00")).open  # an earlier Friday
    assert day_hours(office, date(2026, 11, 26)).name == "Personaldag"
    assert state_at(office, at("2026-12-24 10:00")).open
    far = state_at(office, at("2027-11-29 10:00"))  # entered a year ahead (Q1)
    assert (far.open, far.reason, far.message) == (False, "exception", "sv/flytt")


def test_daylight_saving_days_open_at_local_office_hours() -> None:
    office = schedule_from_dict({"id": "o", "weekly": {"mon-sun": ["08:00-17:00"]}})
    # 2026-03-29: clocks go 02:00 → 03:00; local 08:00 is 06:00 UTC (CEST).
    opening = next_change(office, at("2026-03-29 01:00"))
    assert opening == datetime.fromisoformat("2026-03-29T06:00:00+00:00").timestamp()
    # 2026-10-25: clocks go 03:00 → 02:00; local 08:00 is 07:00 UTC (CET).
    opening = next_change(office, at("2026-10-25 00:30"))
    assert opening == datetime.fromisoformat("2026-10-25T07:00:00+00:00").timestamp()
    closing = next_change(office, opening + 1)  # type: ignore[operator]
    assert closing == datetime.fromisoformat("2026-10-25T16:00:00+00:00").timestamp()


def test_next_change_skips_a_holiday_weekend() -> None:
    office = schedule_from_dict(OFFICE)
    # Closing before Easter 2026 (Thursday 16:30) → next open is Tuesday after Annandag påsk.
    closing = next_change(office, at("2026-04-02 10:00"))
    assert closing == at("2026-04-02 12:00")
    reopening = next_change(office, at("2026-04-02 16:31"))
    assert reopening == at("2026-04-07 08:00")


def test_always_open_has_no_next_change() -> None:
    always = schedule_from_dict(
        {
            "id": "a",
            "weekly": {"mon-sun": ["00:00-24:00"]},
            "holidays": {"closed_on_public": False, "eves": "normal"},
        }
    )
    assert next_change(always, at("2026-11-23 10:00")) is None


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=400 * 24 * 3600))
def test_next_change_is_the_first_change(offset: int) -> None:
    office = schedule_from_dict({**OFFICE, "holidays": {"half_days": True}})
    now = at("2026-01-01 00:00") + offset
    change = next_change(office, now)
    assert change is not None and change > now
    before = state_at(office, now).open
    assert state_at(office, change).open != before
    assert state_at(office, change - 1).open == before
    # nothing flips in between: sample the interval
    step = (change - now) / 20
    assert all(state_at(office, now + i * step).open == before for i in range(20))


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"id": "x", "weekly": {"funday": ["08:00-16:00"]}}, "weekly.funday"),
        ({"id": "x", "weekly": {"mon": ["16:00-08:00"]}}, "weekly.mon[0]"),
        ({"id": "x", "weekly": {"mon": ["25:00-26:00"]}}, "weekly.mon[0]"),
        ({"id": "x", "weekly": {"mon": ["08:00-12:00", "11:00-13:00"]}}, "weekly.mon"),
        ({"id": "x", "exceptions": [{"date": "2026-13-01"}]}, "exceptions[0].date"),
        ({"id": "x", "monthly": [{"day": 32}]}, "monthly[0].day"),
        ({"id": "x", "yearly": [{"date": "02-30"}]}, "yearly[0].date"),
        ({"id": "x", "holidays": {"eves": "sometimes"}}, "holidays.eves"),
        ({"id": "x", "opening": {}}, "opening"),
        ({"weekly": {}}, "id"),
    ],
)
def test_invalid_schedules_name_the_field(data: dict[str, object], field: str) -> None:
    with pytest.raises(ConfigError) as error:
        schedule_from_dict(data)
    assert error.value.field == field
