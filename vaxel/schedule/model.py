"""Schedule configuration as data (Q1–Q3): weekly, monthly and yearly rules, date exceptions,
Swedish holiday policy. Built from plain dicts (what JSON/YAML gives) by
:func:`schedule_from_dict`; every problem is a :class:`ConfigError` naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from enum import StrEnum
from itertools import pairwise
from typing import Any

from vaxel.core.errors import ConfigError
from vaxel.core.limits import ID_LENGTH, NAME_LENGTH, check_length

__all__ = [
    "WEEKDAYS",
    "DateException",
    "DayHours",
    "EvePolicy",
    "HolidayPolicy",
    "Interval",
    "MonthlyRule",
    "Schedule",
    "YearlyRule",
    "parse_time",
    "schedule_from_dict",
]

# Swedish and English weekday keys, Monday = 0 (date.weekday()).
WEEKDAYS: dict[str, int] = {
    "mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6,
    "mån": 0, "tis": 1, "ons": 2, "tor": 3, "fre": 4, "lör": 5, "sön": 6,
}  # fmt: skip

MIDNIGHT = time(0, 0)


@dataclass(frozen=True, slots=True)
class Interval:
    """An open interval within one local day; ``end`` of ``None`` means until midnight."""

    start: time
    end: time | None

    def __post_init__(self) -> None:
        if self.end is not None and self.end <= self.start:
            raise ConfigError("end", "after-start-at", start=f"{self.start:%H:%M}")

    def contains(self, moment: time) -> bool:
        return self.start <= moment and (self.end is None or moment < self.end)


@dataclass(frozen=True, slots=True)
class DayHours:
    """A day's opening hours and why: ``reason`` is weekly, monthly, yearly, exception,
    holiday, eve or half_day. ``message`` is the closed-message prompt id, if any (Q3)."""

    intervals: tuple[Interval, ...]
    reason: str
    name: str = ""
    message: str | None = None


class EvePolicy(StrEnum):
    """How the de facto holiday eves (Midsommarafton, Julafton, Nyårsafton) are treated."""

    CLOSED = "closed"
    HALF_DAY = "half_day"
    NORMAL = "normal"


@dataclass(frozen=True, slots=True)
class HolidayPolicy:
    """Swedish holidays (the ``holidays`` package, categories public + de facto).

    ``half_days``: the days before some holidays (Trettondagsafton, Skärtorsdagen,
    Valborgsmässoafton, dagen före Kristi himmelfärd, Allhelgonaafton, …) close at
    ``half_day_close`` ("från kl. 14"), as most Swedish public offices do.
    """

    closed_on_public: bool = True
    eves: EvePolicy = EvePolicy.CLOSED
    half_days: bool = False
    half_day_close: time = time(14, 0)
    message: str | None = None


@dataclass(frozen=True, slots=True)
class MonthlyRule:
    """Hours on a day of every month: ``day`` 1–31, or ``weekday`` with ``nth`` (1–5, or -1 for
    the last, e.g. the last Friday). Empty ``intervals`` means closed."""

    intervals: tuple[Interval, ...]
    day: int | None = None
    weekday: int | None = None
    nth: int | None = None

    def matches(self, day: date) -> bool:
        if self.day is not None:
            return day.day == self.day
        if self.weekday is None or self.nth is None or day.weekday() != self.weekday:
            return False
        if self.nth > 0:
            return (day.day - 1) // 7 + 1 == self.nth
        return _days_in_month(day) - day.day < 7


@dataclass(frozen=True, slots=True)
class YearlyRule:
    """Hours on one calendar date every year (e.g. 6 June). Empty ``intervals``: closed."""

    month: int
    day: int
    intervals: tuple[Interval, ...]
    name: str = ""


@dataclass(frozen=True, slots=True)
class DateException:
    """Hours on one date (closed if no intervals), entered as far ahead as needed (Q1)."""

    day: date
    intervals: tuple[Interval, ...]
    name: str = ""
    message: str | None = None


@dataclass(frozen=True, slots=True)
class Schedule:
    """Named opening hours referenced by queues; different queues may use different ones."""

    schedule_id: str
    name: str
    weekly: Mapping[int, tuple[Interval, ...]]
    monthly: tuple[MonthlyRule, ...] = ()
    yearly: tuple[YearlyRule, ...] = ()
    exceptions: Mapping[date, DateException] = field(default_factory=dict)
    holidays: HolidayPolicy = HolidayPolicy()
    closed_message: str | None = None


def _days_in_month(day: date) -> int:
    following = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return (following - date(day.year, day.month, 1)).days


def parse_time(text: Any, field_name: str) -> time:
    """``"08:00"`` → time; ``"24:00"`` is accepted only as an end (returned as midnight)."""
    if not isinstance(text, str):
        raise ConfigError(field_name, "time-format", value=text)
    parts = text.strip().split(":")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise ConfigError(field_name, "time-format", value=text)
    hour, minute = int(parts[0]), int(parts[1])
    if (hour, minute) == (24, 0):
        return MIDNIGHT
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise ConfigError(field_name, "time-of-day", value=text)
    return time(hour, minute)


def _intervals(data: Any, field_name: str) -> tuple[Interval, ...]:
    """``["08:00-12:00", "13:00-16:30"]`` or ``"closed"`` → sorted, non-overlapping intervals."""
    if data in ("closed", "stängt", None):
        return ()
    if isinstance(data, str):
        data = [data]
    if not isinstance(data, Sequence):
        raise ConfigError(field_name, "interval-list")
    result: list[Interval] = []
    for index, item in enumerate(data):
        where = f"{field_name}[{index}]"
        if not isinstance(item, str) or "-" not in item:
            raise ConfigError(where, "interval-format", value=item)
        start_text, end_text = item.split("-", 1)
        start = parse_time(start_text, where)
        end = parse_time(end_text, where)
        if end == MIDNIGHT:
            interval = Interval(start, None)
        elif end <= start:
            raise ConfigError(where, "interval-backwards", value=end_text.strip())
        else:
            interval = Interval(start, end)
        result.append(interval)
    result.sort(key=lambda iv: iv.start)
    for before, after in pairwise(result):
        if before.end is None or before.end > after.start:
            raise ConfigError(field_name, "intervals-overlap")
    return tuple(result)


def _date(text: Any, field_name: str) -> date:
    try:
        return date.fromisoformat(str(text))
    except ValueError:
        raise ConfigError(field_name, "date", value=text) from None


def _weekday(key: Any, field_name: str) -> int:
    index = WEEKDAYS.get(str(key).strip().lower()[:3])
    if index is None:
        names = "mon tue wed thu fri sat sun (or mån tis ons tor fre lör sön)"
        raise ConfigError(field_name, "weekday", value=key, allowed=names)
    return index


def _int(value: Any, field_name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(field_name, "whole-number-range", min=low, max=high, value=value)
    return value


def _known_keys(data: Mapping[str, Any], allowed: set[str], field_name: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ConfigError(
            f"{field_name}.{unknown[0]}" if field_name else unknown[0],
            "unknown-setting",
            allowed=", ".join(sorted(allowed)),
        )


def schedule_from_dict(data: Mapping[str, Any]) -> Schedule:
    """Build a :class:`Schedule` from plain data; raises ConfigError naming the field."""
    if not isinstance(data, Mapping):
        raise ConfigError("schedule", "mapping")
    _known_keys(
        data,
        {"id", "name", "weekly", "monthly", "yearly", "exceptions", "holidays", "closed_message"},
        "",
    )
    schedule_id = data.get("id")
    if not isinstance(schedule_id, str) or not schedule_id:
        raise ConfigError("id", "schedule-id")
    check_length("id", schedule_id, ID_LENGTH)
    check_length("name", str(data.get("name", "")), NAME_LENGTH)
    weekly_data = data.get("weekly", {})
    if not isinstance(weekly_data, Mapping):
        raise ConfigError("weekly", "weekly")
    weekly: dict[int, tuple[Interval, ...]] = {}
    for key, value in weekly_data.items():
        for part in str(key).split(","):
            day_range = part.strip()
            days = _weekday_range(day_range, f"weekly.{key}")
            for day in days:
                weekly[day] = _intervals(value, f"weekly.{key}")
    monthly = tuple(
        _monthly(item, f"monthly[{i}]")
        for i, item in enumerate(_list(data.get("monthly", []), "monthly"))
    )
    yearly = tuple(
        _yearly(item, f"yearly[{i}]")
        for i, item in enumerate(_list(data.get("yearly", []), "yearly"))
    )
    exceptions: dict[date, DateException] = {}
    for i, item in enumerate(_list(data.get("exceptions", []), "exceptions")):
        exception = _exception(item, f"exceptions[{i}]")
        if exception.day in exceptions:
            raise ConfigError(f"exceptions[{i}].date", "given-twice", value=str(exception.day))
        exceptions[exception.day] = exception
    return Schedule(
        schedule_id=schedule_id,
        name=str(data.get("name", schedule_id)),
        weekly=weekly,
        monthly=monthly,
        yearly=yearly,
        exceptions=exceptions,
        holidays=_holiday_policy(data.get("holidays", {}), "holidays"),
        closed_message=_optional_str(data.get("closed_message"), "closed_message"),
    )


def _weekday_range(text: str, field_name: str) -> list[int]:
    if "-" in text:
        first, last = (_weekday(p, field_name) for p in text.split("-", 1))
        if last < first:
            raise ConfigError(field_name, "weekday-range-backwards", value=text)
        return list(range(first, last + 1))
    return [_weekday(text, field_name)]


def _list(value: Any, field_name: str) -> Sequence[Any]:
    if not isinstance(value, Sequence) or isinstance(value, str):
        raise ConfigError(field_name, "list")
    return value


def _optional_str(value: Any, field_name: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise ConfigError(field_name, "prompt-id")


def _monthly(item: Any, where: str) -> MonthlyRule:
    if not isinstance(item, Mapping):
        raise ConfigError(where, "mapping")
    _known_keys(item, {"day", "weekday", "nth", "hours"}, where)
    hours = _intervals(item.get("hours", "closed"), f"{where}.hours")
    if "day" in item:
        return MonthlyRule(hours, day=_int(item["day"], f"{where}.day", 1, 31))
    if "weekday" in item and "nth" in item:
        nth = item["nth"]
        nth = -1 if nth in ("last", "sista") else _int(nth, f"{where}.nth", 1, 5)
        return MonthlyRule(hours, weekday=_weekday(item["weekday"], f"{where}.weekday"), nth=nth)
    raise ConfigError(where, "monthly-rule")


def _yearly(item: Any, where: str) -> YearlyRule:
    if not isinstance(item, Mapping):
        raise ConfigError(where, "mapping")
    _known_keys(item, {"date", "hours", "name"}, where)
    text = str(item.get("date", ""))
    try:
        month_text, day_text = text.split("-")
        probe = date(2024, int(month_text), int(day_text))  # a leap year admits 02-29
    except ValueError:
        raise ConfigError(f"{where}.date", "month-day", value=text) from None
    check_length(f"{where}.name", str(item.get("name", "")), NAME_LENGTH)
    return YearlyRule(
        probe.month,
        probe.day,
        _intervals(item.get("hours", "closed"), f"{where}.hours"),
        name=str(item.get("name", "")),
    )


def _exception(item: Any, where: str) -> DateException:
    if not isinstance(item, Mapping):
        raise ConfigError(where, "mapping")
    _known_keys(item, {"date", "hours", "name", "message"}, where)
    check_length(f"{where}.name", str(item.get("name", "")), NAME_LENGTH)
    return DateException(
        day=_date(item.get("date"), f"{where}.date"),
        intervals=_intervals(item.get("hours", "closed"), f"{where}.hours"),
        name=str(item.get("name", "")),
        message=_optional_str(item.get("message"), f"{where}.message"),
    )


def _holiday_policy(item: Any, where: str) -> HolidayPolicy:
    if not isinstance(item, Mapping):
        raise ConfigError(where, "mapping")
    _known_keys(item, {"closed_on_public", "eves", "half_days", "half_day_close", "message"}, where)
    closed = item.get("closed_on_public", True)
    half = item.get("half_days", False)
    for name, value in (("closed_on_public", closed), ("half_days", half)):
        if not isinstance(value, bool):
            raise ConfigError(f"{where}.{name}", "true-or-false")
    try:
        eves = EvePolicy(item.get("eves", "closed"))
    except ValueError:
        raise ConfigError(f"{where}.eves", "eve-policy") from None
    close = parse_time(item.get("half_day_close", "14:00"), f"{where}.half_day_close")
    return HolidayPolicy(
        closed, eves, half, close, _optional_str(item.get("message"), f"{where}.message")
    )
