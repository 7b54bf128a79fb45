"""Opening hours, exceptions, Swedish holidays and eves, temporary closures (Q1–Q3). Pure."""

from vaxel.schedule.calendar import Calendar, TemporaryClosure, UnknownSchedule, closure_from_dict
from vaxel.schedule.holidays_se import HolidayKind, SwedishDay, swedish_day
from vaxel.schedule.hours import ScheduleState, day_hours, next_change, state_at, week_hours
from vaxel.schedule.model import (
    DateException,
    DayHours,
    EvePolicy,
    HolidayPolicy,
    Interval,
    MonthlyRule,
    Schedule,
    YearlyRule,
    schedule_from_dict,
)

__all__ = [
    "Calendar",
    "DateException",
    "DayHours",
    "EvePolicy",
    "HolidayKind",
    "HolidayPolicy",
    "Interval",
    "MonthlyRule",
    "Schedule",
    "ScheduleState",
    "SwedishDay",
    "TemporaryClosure",
    "UnknownSchedule",
    "YearlyRule",
    "closure_from_dict",
    "day_hours",
    "next_change",
    "schedule_from_dict",
    "state_at",
    "swedish_day",
    "week_hours",
]
