"""Swedish public holidays, de facto eves and half days, from the ``holidays`` package.

Categories: *public* (röda dagar: nyårsdagen, långfredagen, …), *de facto* eves
(midsommarafton, julafton, nyårsafton — not law, but everyone closes) and the half days that
the package lists in its *bank* category as "(from 2pm)" (trettondagsafton, skärtorsdagen,
valborgsmässoafton, dagen före Kristi himmelfärd, …). Sundays are not holidays here: the
package counts every Sunday by default, which the weekly rules already cover.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache

import holidays

__all__ = ["HolidayKind", "SwedishDay", "swedish_day"]


class HolidayKind(StrEnum):
    PUBLIC = "public"
    EVE = "eve"
    HALF_DAY = "half_day"


@dataclass(frozen=True, slots=True)
class SwedishDay:
    kind: HolidayKind
    name: str


@lru_cache(maxsize=64)
def _year(year: int) -> dict[date, SwedishDay]:
    def load(category: str) -> dict[date, str]:
        found = holidays.country_holidays(
            "SE", years=year, categories=(category,), include_sundays=False, language="sv"
        )
        return {day: str(name) for day, name in found.items()}

    days: dict[date, SwedishDay] = {}
    for day, name in load("bank").items():
        days[day] = SwedishDay(HolidayKind.HALF_DAY, name)
    for day, name in load("de_facto").items():
        days[day] = SwedishDay(HolidayKind.EVE, name)
    for day, name in load("public").items():
        days[day] = SwedishDay(HolidayKind.PUBLIC, name)
    return days


def swedish_day(day: date) -> SwedishDay | None:
    """The holiday, eve or half day falling on ``day``, or None for an ordinary day."""
    return _year(day.year).get(day)
