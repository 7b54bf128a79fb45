"""Queue and callback announcements as prompt-id sequences (Q5, Q8, Q9, CB1-CB3).

Each builder returns a ``tuple[str, ...]`` of catalogue ids for the media layer to play in
order; ``language`` is ``"sv"`` (default) or ``"en"``. Wordings:

- ``position(2)``: "Du är nummer två i kön"; ``position(2, repeated=True)``: "Nu är du nummer
  två" (Q5: a repeat gives only the position). "nummer" takes the neuter: "nummer ett".
- ``estimated_wait(s)`` (Q8), rounded by ``WaitRounding`` (defaults):
  under 60 s "mindre än en minut"; up to 15 min whole minutes rounded *up* (a caller told
  three minutes who waits four feels misled; one told four who waits three does not);
  above that up to 30 min in 5-minute steps, rounded up; above 30 min "mer än trettio minuter".
- ``calls_ahead(n)``: "Det är ett samtal före dig" / "Det är inga samtal före dig".
- ``agents_available(n)`` (Q9): "Det finns två lediga handläggare", "en ledig handläggare",
  "inga lediga handläggare"; returns ``()`` when ``n < minimum`` (the queue's suppression).
- ``time_of_day(10, 30)``: "klockan tio trettio"; ``time_interval``: "mellan klockan tio och
  tolv" (CB2 intervals).
- ``callback_offer()`` (CB1): "… Tryck 1 för att bli uppringd. Du behåller din plats i kön."
- ``callback_booked(start, end)`` (CB2): "Tack. Vi ringer upp dig mellan klockan tio och tolv".
- ``callback_confirm(number)`` (CB3): "Vi ringer dig på nummer noll sju noll … Tryck 1 om det
  stämmer, 2 för att ange ett annat nummer."
"""

from __future__ import annotations

from dataclasses import dataclass

from vaxel.core.errors import ConfigError
from vaxel.speech.catalogue import Language, prompt_id
from vaxel.speech.numbers import Gender, cardinal, count_noun
from vaxel.speech.phone import phone_number

__all__ = [
    "WaitRounding",
    "agents_available",
    "callback_booked",
    "callback_choice",
    "callback_confirm",
    "callback_offer",
    "calls_ahead",
    "estimated_wait",
    "position",
    "rounded_wait_minutes",
    "time_interval",
    "time_of_day",
]


_MAX_CAP_MIN = 999


@dataclass(frozen=True, slots=True)
class WaitRounding:
    """How an estimated wait is rounded before it is spoken (Q8).

    ``fine_up_to_min``: whole minutes up to this; ``step_min``: coarser step above it;
    ``cap_min``: above this the caller hears "mer än <cap> minuter".
    """

    fine_up_to_min: int = 15
    step_min: int = 5
    cap_min: int = 30

    def __post_init__(self) -> None:
        if self.fine_up_to_min < 1:
            raise ConfigError("fine_up_to_min", "minutes-min", min=1)
        if self.step_min < 1:
            raise ConfigError("step_min", "minutes-min", min=1)
        if self.cap_min < self.fine_up_to_min:
            raise ConfigError("cap_min", "not-below", other="fine_up_to_min")
        if self.cap_min > _MAX_CAP_MIN:
            raise ConfigError("cap_min", "minutes-max", max=_MAX_CAP_MIN)


def _phrase(lang: Language, slug: str) -> str:
    return prompt_id(lang, "phrase", slug)


def position(
    n: int, repeated: bool = False, language: Language | str = Language.SV
) -> tuple[str, ...]:
    """The caller's queue position ``n`` (1 = next), Q5."""
    lang = Language(language)
    if n < 1:
        raise ValueError(f"queue position {n} must be at least 1")
    number = cardinal(n, Gender.NEUTER, lang)
    if repeated:
        return (_phrase(lang, "now-you-are-number"), *number)
    return (_phrase(lang, "you-are-number"), *number, _phrase(lang, "in-queue"))


def rounded_wait_minutes(seconds: float, rounding: WaitRounding = WaitRounding()) -> int | None:
    """The minutes to announce for ``seconds`` of estimated wait (Q8).

    0 means "less than one minute"; ``None`` means "more than ``cap_min`` minutes", which is
    also what an infinite estimate (no agents logged in, see ``QueueLengthEstimator``) gives.
    """
    if seconds != seconds or seconds < 0:
        raise ValueError(f"estimated wait {seconds} s must be a non-negative number")
    if seconds < 60:
        return 0
    if seconds > _MAX_CAP_MIN * 60:  # beyond any cap; also keeps inf out of the arithmetic
        return None
    whole = -(-int(seconds * 1000) // 60_000)  # ceil, robust to float noise below 1 ms
    if whole <= rounding.fine_up_to_min:
        return whole
    stepped = -(-whole // rounding.step_min) * rounding.step_min
    if stepped > rounding.cap_min:
        return None
    return stepped


def estimated_wait(
    seconds: float,
    language: Language | str = Language.SV,
    rounding: WaitRounding = WaitRounding(),
) -> tuple[str, ...]:
    """ "Beräknad väntetid är tre minuter" for an estimate of ``seconds`` (Q8)."""
    lang = Language(language)
    minutes = rounded_wait_minutes(seconds, rounding)
    head = _phrase(lang, "estimated-wait-is")
    if minutes == 0:
        return (head, _phrase(lang, "less-than-one-minute"))
    if minutes is None:
        return (
            head,
            _phrase(lang, "more-than"),
            *count_noun(rounding.cap_min, "minute", "minutes", Gender.COMMON, lang),
        )
    return (head, *count_noun(minutes, "minute", "minutes", Gender.COMMON, lang))


def calls_ahead(n: int, language: Language | str = Language.SV) -> tuple[str, ...]:
    """ "Det är ett samtal före dig": ``n`` calls (including callbacks, CB12) ahead (Q5)."""
    lang = Language(language)
    if not 0 <= n <= 999_999:
        raise ValueError(f"calls ahead {n} must be in 0..999999")
    if lang is Language.SV:
        count = (_phrase(lang, "no-plural"),) if n == 0 else cardinal(n, Gender.NEUTER, lang)
        return (_phrase(lang, "there-is"), *count, _phrase(lang, "calls-ahead-of-you"))
    if n == 1:
        return (_phrase(lang, "there-is"), *cardinal(1, Gender.NEUTER, lang),
                _phrase(lang, "call-ahead-of-you"))  # fmt: skip
    count = (_phrase(lang, "no-plural"),) if n == 0 else cardinal(n, Gender.NEUTER, lang)
    return (_phrase(lang, "there-are"), *count, _phrase(lang, "calls-ahead-of-you"))


def agents_available(
    n: int, minimum: int = 0, language: Language | str = Language.SV
) -> tuple[str, ...]:
    """ "Det finns två lediga handläggare" (Q9); ``()`` when ``n < minimum`` (suppressed)."""
    lang = Language(language)
    if not 0 <= n <= 999_999:
        raise ValueError(f"available agents {n} must be in 0..999999")
    if n < minimum:
        return ()
    noun = _phrase(lang, "available-agent" if n == 1 else "available-agents")
    count = (_phrase(lang, "no-plural"),) if n == 0 else cardinal(n, Gender.COMMON, lang)
    if lang is Language.SV:
        return (_phrase(lang, "there-are"), *count, noun)
    verb = _phrase(lang, "there-is" if n == 1 else "there-are")
    return (verb, *count, noun)


def _clock(hour: int, minute: int, lang: Language) -> tuple[str, ...]:
    if not 0 <= hour <= 23 or not 0 <= minute <= 59:
        raise ValueError(f"time {hour}:{minute:02d} is not a valid 24-hour clock time")
    spoken = cardinal(hour, Gender.NEUTER, lang)  # "klockan ett" (neuter)
    if minute == 0:
        return spoken
    if minute < 10:  # "tio noll fem" / "ten oh five"
        zero = (prompt_id(lang, "num", 0),) if lang is Language.SV else (_phrase(lang, "oh"),)
        return (*spoken, *zero, *cardinal(minute, Gender.NEUTER, lang))
    return (*spoken, *cardinal(minute, Gender.NEUTER, lang))


def time_of_day(
    hour: int, minute: int = 0, language: Language | str = Language.SV
) -> tuple[str, ...]:
    """ "klockan tio trettio" / "ten thirty", 24-hour clock as Swedish services speak it."""
    lang = Language(language)
    spoken = _clock(hour, minute, lang)
    if lang is Language.SV:
        return (_phrase(lang, "oclock"), *spoken)
    if minute == 0:
        return (*spoken, _phrase(lang, "oclock"))
    return spoken


def time_interval(
    start: tuple[int, int], end: tuple[int, int], language: Language | str = Language.SV
) -> tuple[str, ...]:
    """ "mellan klockan tio och tolv" for a callback interval (CB2); times are (hour, minute)."""
    lang = Language(language)
    if lang is Language.SV:
        return (
            _phrase(lang, "between"),
            *time_of_day(*start, language=lang),
            _phrase(lang, "and"),
            *_clock(*end, lang),
        )
    return (
        _phrase(lang, "between"),
        *_clock(*start, lang),
        _phrase(lang, "and"),
        *time_of_day(*end, language=lang),
    )


def callback_confirm(number: str, language: Language | str = Language.SV) -> tuple[str, ...]:
    """ "Vi ringer dig på nummer 070-123 45 67. Tryck 1 om det stämmer, 2 …" (CB3)."""
    lang = Language(language)
    return (
        prompt_id(lang, "callback", "we-will-call-number"),
        *phone_number(number, lang),
        prompt_id(lang, "callback", "confirm-number"),
    )


def callback_offer(language: Language | str = Language.SV) -> tuple[str, ...]:
    """The offer to hang up and be called back, keeping one's place (CB1, CB12)."""
    return (prompt_id(Language(language), "callback", "offer"),)


def callback_choice(
    key: int,
    start: tuple[int, int],
    end: tuple[int, int],
    language: Language | str = Language.SV,
) -> tuple[str, ...]:
    """ "Mellan klockan tio och tolv, tryck ett." — one interval of the choice (CB2)."""
    lang = Language(language)
    return (
        *time_interval(start, end, lang),
        prompt_id(lang, "callback", "press"),
        *cardinal(key, Gender.NEUTER, lang),
    )


def callback_booked(
    start: tuple[int, int], end: tuple[int, int], language: Language | str = Language.SV
) -> tuple[str, ...]:
    """ "Tack. Vi ringer upp dig mellan klockan tio och tolv. Hej då." (CB2)."""
    lang = Language(language)
    return (
        prompt_id(lang, "callback", "booked"),
        *time_interval(start, end, lang),
        prompt_id(lang, "callback", "goodbye"),
    )
