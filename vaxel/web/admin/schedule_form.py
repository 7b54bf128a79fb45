"""The opening-hours editor's form (Q1–Q3, ADM1): a flat view of a stored schedule document.

:class:`ScheduleForm` holds the values as the admin typed them — weekly hours per day group,
holiday handling, special dates, dates every year and every month, the closed message —
built from a stored document (to show) or from a posted form (to keep the input when it is
refused), and turns back into the document :func:`vaxel.schedule.schedule_from_dict` reads;
validation stays in the schedule model and
:class:`~vaxel.runtime.configuration.Configuration`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData

from vaxel.core.errors import ConfigError
from vaxel.schedule.model import WEEKDAYS
from vaxel.web.i18n import language

__all__ = ["ScheduleForm", "day_names"]

DAY_NAMES = {
    "sv": ("mån", "tis", "ons", "tor", "fre", "lör", "sön"),
    "en": ("mon", "tue", "wed", "thu", "fri", "sat", "sun"),
}
"""Weekdays as the form shows them, by UI language (issue 9 §13). The schedule model reads
either language, so the admin may type either; stored documents use the English ones."""
CLOSED = {"sv": "stängt", "en": "closed"}


def day_names(text: str, lang: str) -> str:
    """``text`` with every weekday written in ``lang`` ("mon-thu" → "mån-tor" in Swedish,
    "måndag" → "mon" in English); words that are no weekday ("sista") stay as typed."""

    def rename(match: re.Match[str]) -> str:
        index = WEEKDAYS.get(match.group(0)[:3])
        return match.group(0) if index is None else DAY_NAMES[lang][index]

    return re.sub(r"[a-zåäö]+", rename, text.lower())


def _hours_text(value: Any) -> str:
    """``["08:00-12:00", "13:00-16:30"]`` → ``"08:00-12:00, 13:00-16:30"``; closed → "stängt"
    (or "closed" in English)."""
    if value in ("closed", "stängt", None) or value == []:
        return CLOSED.get(language(), "stängt")
    if isinstance(value, str):
        return value
    return ", ".join(str(item) for item in value)


def _hours_value(text: str) -> str | list[str]:
    parts = [part.strip() for part in re.split(r"[,;]", text) if part.strip()]
    if not parts or parts[0].lower() in ("stängt", "closed"):
        return "closed"
    return parts


@dataclass
class ScheduleForm:
    """The edit form's values as text, in the order the admin sees them."""

    schedule_id: str
    name: str = ""
    closed_message: str = ""
    weekly: list[tuple[str, str]] = field(default_factory=list)
    """(day group, hours): ("mån-tor", "08:00-16:30")."""
    exceptions: list[tuple[str, str, str, str]] = field(default_factory=list)
    """(date, hours, name, message) of special dates."""
    yearly: list[tuple[str, str, str]] = field(default_factory=list)
    """(MM-DD, hours, name) of dates every year."""
    closed_on_public: bool = True
    eves: str = "closed"
    half_days: bool = False
    half_day_close: str = "14:00"
    holiday_message: str = ""
    monthly: list[tuple[str, str]] = field(default_factory=list)
    """(rule, hours) of days every month: "15" (the 15th), "sista fre", "1 mån"."""

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> ScheduleForm:
        holidays = document.get("holidays") or {}
        return cls(
            schedule_id=str(document.get("id", "")),
            name=str(document.get("name", "")),
            closed_message=str(document.get("closed_message") or ""),
            weekly=[
                (day_names(str(k), _shown()), _hours_text(v))
                for k, v in (document.get("weekly") or {}).items()
            ],
            exceptions=[
                (
                    str(item.get("date", "")),
                    _hours_text(item.get("hours", "closed")),
                    str(item.get("name", "")),
                    str(item.get("message") or ""),
                )
                for item in document.get("exceptions") or ()
            ],
            yearly=[
                (
                    str(item.get("date", "")),
                    _hours_text(item.get("hours", "closed")),
                    str(item.get("name", "")),
                )
                for item in document.get("yearly") or ()
            ],
            closed_on_public=bool(holidays.get("closed_on_public", True)),
            eves=str(holidays.get("eves", "closed")),
            half_days=bool(holidays.get("half_days", False)),
            half_day_close=str(holidays.get("half_day_close", "14:00")),
            holiday_message=str(holidays.get("message") or ""),
            monthly=[
                (_monthly_text(item), _hours_text(item.get("hours", "closed")))
                for item in document.get("monthly") or ()
            ],
        )

    @classmethod
    def from_form(cls, schedule_id: str, form: FormData) -> ScheduleForm:
        def texts(name: str) -> list[str]:
            return [str(value).strip() for value in form.getlist(name)]

        def rows(*names: str) -> list[tuple[str, ...]]:
            columns = [texts(name) for name in names]
            length = max((len(column) for column in columns), default=0)
            padded = [column + [""] * (length - len(column)) for column in columns]
            return [row for row in zip(*padded, strict=True) if any(row)]

        return cls(
            schedule_id=schedule_id,
            name=str(form.get("name", "")).strip(),
            closed_message=str(form.get("closed_message", "")).strip(),
            weekly=[(r[0], r[1]) for r in rows("weekly_days", "weekly_hours")],
            exceptions=[
                (r[0], r[1], r[2], r[3])
                for r in rows(
                    "exception_date", "exception_hours", "exception_name", "exception_message"
                )
            ],
            yearly=[(r[0], r[1], r[2]) for r in rows("yearly_date", "yearly_hours", "yearly_name")],
            closed_on_public=form.get("closed_on_public") is not None,
            eves=str(form.get("eves", "closed")),
            half_days=form.get("half_days") is not None,
            half_day_close=str(form.get("half_day_close", "14:00")).strip() or "14:00",
            holiday_message=str(form.get("holiday_message", "")).strip(),
            monthly=[(r[0], r[1]) for r in rows("monthly_rule", "monthly_hours")],
        )

    def document(self) -> dict[str, Any]:
        """The schedule document :func:`schedule_from_dict` reads (not yet validated)."""
        monthly = [
            _monthly_rule(rule, f"monthly[{index}]") | {"hours": _hours_value(hours)}
            for index, (rule, hours) in enumerate(self.monthly)
        ]
        holidays: dict[str, Any] = {
            "closed_on_public": self.closed_on_public,
            "eves": self.eves,
            "half_days": self.half_days,
            "half_day_close": self.half_day_close,
        }
        if self.holiday_message:
            holidays["message"] = self.holiday_message
        document: dict[str, Any] = {
            "id": self.schedule_id,
            "name": self.name or self.schedule_id,
            "weekly": {day_names(days, "en"): _hours_value(hours) for days, hours in self.weekly},
            "holidays": holidays,
        }
        if monthly:
            document["monthly"] = monthly
        yearly = [
            {"date": day, "hours": _hours_value(hours)} | ({"name": name} if name else {})
            for day, hours, name in self.yearly
        ]
        if yearly:
            document["yearly"] = yearly
        exceptions = []
        for day, hours, name, message in self.exceptions:
            item: dict[str, Any] = {"date": day, "hours": _hours_value(hours)}
            if name:
                item["name"] = name
            if message:
                item["message"] = message
            exceptions.append(item)
        if exceptions:
            document["exceptions"] = exceptions
        if self.closed_message:
            document["closed_message"] = self.closed_message
        return document


def _monthly_text(item: Mapping[str, Any]) -> str:
    """A monthly rule as the form writes it: "15", "sista fre", "2 tis"."""
    if "day" in item:
        return str(item["day"])
    nth = item.get("nth")
    shown = _shown()
    nth_text = ("sista" if shown == "sv" else "last") if nth in (-1, "last", "sista") else str(nth)
    return f"{nth_text} {day_names(str(item.get('weekday', '')), shown)}".strip()


def _shown() -> str:
    """The language the form writes day names in: the UI's."""
    lang = language()
    return lang if lang in DAY_NAMES else "sv"


def _monthly_rule(text: str, field_name: str) -> dict[str, Any]:
    """ "15" → the 15th; "sista fre" / "last fri" → the last Friday; "2 tis" → the second
    Tuesday (the model checks the numbers and the weekday)."""
    parts = text.lower().replace(":a", "").replace(":e", "").split()
    if len(parts) == 1 and parts[0].isdecimal():
        return {"day": int(parts[0])}
    if len(parts) == 2:
        nth, weekday = parts
        if nth in ("sista", "last"):
            return {"weekday": day_names(weekday, "en"), "nth": "last"}
        if nth.isdecimal():
            return {"weekday": day_names(weekday, "en"), "nth": int(nth)}
    raise ConfigError(field_name, "day-of-month", value=text)
