"""What a caller hears on reaching an absent person (DIR3, PBX5), as a prompt sequence.

"Karin Carlsson är på möte till klockan fjorton trettio. Tryck noll för att komma till
växeln. Tryck ett för att lämna ett meddelande."

- The name comes first as the caller's side chose it (prompt ids: the person's recorded
  name, a generated one, or the extension read digit by digit after "anknytning").
- The reason brings its own verb ("är på möte", "har gått för dagen"); a tenant's own
  reason, which has no recording, is read as "är inte på plats".
- The return time is read as :func:`~vaxel.speech.announce.time_of_day` reads times:
  today "till klockan fjorton trettio"; tomorrow "till i morgon klockan åtta"; within the
  week "till måndag klockan åtta"; later "till den tjugoförsta mars". No return time
  (until further notice) adds nothing.
- Then the offer, each part configurable per tenant: 0 for the operator, 1 for voicemail.

Times are local wall-clock times, given in (the caller's side converts from UTC).
"""

from __future__ import annotations

from datetime import date, datetime

from vaxel.speech.announce import time_of_day
from vaxel.speech.catalogue import Language, prompt_id
from vaxel.speech.numbers import Gender, cardinal, ordinal

__all__ = [
    "SPOKEN_REASONS",
    "absent_person",
    "extension_name",
    "presence_offer",
    "presence_reason",
    "return_time",
]

SPOKEN_REASONS = (
    "mote",
    "lunch",
    "tillfalligt-ute",
    "gatt-for-dagen",
    "ledig",
    "sjuk",
    "tjansteresa",
    "kurs",
    "semester",
)
"""The default reasons (vaxel.directory.presence.DEFAULT_REASONS) that have a recording;
any other is read as "är inte på plats"."""
OTHER_REASON = "other"


def _presence(lang: Language, slug: str | int) -> str:
    return prompt_id(lang, "presence", slug)


def extension_name(extension: str, language: Language | str = Language.SV) -> tuple[str, ...]:
    """ "anknytning två noll fyra ett": a person with no recorded name, by their number."""
    lang = Language(language)
    if not extension.isdigit() or len(extension) > 10:
        raise ValueError(f"extension {extension[:12]!r} must be 1 to 10 digits")
    digits = [pid for d in extension for pid in cardinal(int(d), Gender.NEUTER, lang)]
    return (_presence(lang, "extension"), *digits)


def presence_reason(reason_id: str, language: Language | str = Language.SV) -> tuple[str, ...]:
    """ "är på möte" — the verb and the reason of an absence."""
    lang = Language(language)
    slug = reason_id if reason_id in SPOKEN_REASONS else OTHER_REASON
    return (_presence(lang, f"reason-{slug}"),)


def return_time(
    until: datetime, today: date, language: Language | str = Language.SV
) -> tuple[str, ...]:
    """ "till klockan fjorton trettio" (today), "till i morgon klockan åtta", "till måndag
    klockan åtta" (within the week), "till den tjugoförsta mars" (later)."""
    lang = Language(language)
    days = (until.date() - today).days
    clock = time_of_day(until.hour, until.minute, lang)
    if days <= 0:
        return (_presence(lang, "until"), *clock)
    if days == 1:
        return (_presence(lang, "until-tomorrow"), *clock)
    if days < 7:
        return (_presence(lang, "until"), _presence(lang, f"weekday-{until.isoweekday()}"),
                *_at(lang), *clock)  # fmt: skip
    if lang is Language.SV:
        return (_presence(lang, "until"), _presence(lang, "the"), *ordinal(until.day, lang),
                _presence(lang, f"month-{until.month}"))  # fmt: skip
    return (_presence(lang, "until"), _presence(lang, "the"), *ordinal(until.day, lang),
            _presence(lang, "of"), _presence(lang, f"month-{until.month}"))  # fmt: skip


def _at(lang: Language) -> tuple[str, ...]:
    return () if lang is Language.SV else (_presence(lang, "at"),)


def presence_offer(
    operator: bool = True, voicemail: bool = True, language: Language | str = Language.SV
) -> tuple[str, ...]:
    """ "Tryck noll för att komma till växeln. Tryck ett för att lämna ett meddelande." """
    lang = Language(language)
    out: list[str] = []
    if operator:
        out.append(_presence(lang, "press-0-operator"))
    if voicemail:
        out.append(_presence(lang, "press-1-voicemail"))
    return tuple(out)


def absent_person(
    name: tuple[str, ...],
    reason_id: str,
    until: datetime | None,
    today: date,
    *,
    operator: bool = True,
    voicemail: bool = True,
    language: Language | str = Language.SV,
) -> tuple[str, ...]:
    """The whole sequence: name, reason, return time (if any), then the offer."""
    lang = Language(language)
    spoken_until = () if until is None else return_time(until, today, lang)
    return (
        *name,
        *presence_reason(reason_id, lang),
        *spoken_until,
        *presence_offer(operator, voicemail, lang),
    )
