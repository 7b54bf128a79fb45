"""Swedish (and English) number grammar as prompt sequences (Q11).

Swedish numbers ending in "one" agree with the noun's gender: "en minut", "tjugoen
minuter" (common) but "ett samtal", "nummer ett", "nummer tjugoett" (neuter; a number
named as a number is neuter). English has no gender, so ``gender`` is ignored for "en".

Composition, chosen so a handful of files cover 0-999 999 and compounds sound natural:

- 0-99 are whole files ("tjugotre" is one word, not "tjugo" + "tre").
- hundreds: ``100`` ... ``900`` then the rest: 121 = "hundra" + "tjugoen". We say "hundra",
  not "etthundra", because that is how callers hear numbers spoken; 200 is "tvåhundra".
- thousands: the count of thousands (neuter, "ett" is never said: 1000 is just "tusen",
  2000 = "två" + "tusen") then the rest.
- ordinals 1-999: 1-99 whole ("tjugoförsta"), round hundreds whole ("hundrade"), others the
  cardinal hundreds then the ordinal rest: 101 = "hundra" + "första".
"""

from __future__ import annotations

from enum import Enum

from vaxel.speech.catalogue import Language, prompt_id

__all__ = [
    "MAX_CARDINAL",
    "MAX_ORDINAL",
    "Gender",
    "cardinal",
    "count_noun",
    "ordinal",
]

MAX_CARDINAL = 999_999
MAX_ORDINAL = 999


class Gender(Enum):
    """Grammatical gender of the counted noun (Q11)."""

    COMMON = "en"  # en minut, en handläggare
    NEUTER = "ett"  # ett samtal, nummer ett


def _below_hundred(n: int, gender: Gender, lang: Language) -> str:
    if lang is Language.SV and n % 10 == 1 and n != 11:
        return prompt_id(lang, "num", f"{n}-{gender.value}")
    return prompt_id(lang, "num", n)


def cardinal(
    n: int, gender: Gender = Gender.NEUTER, language: Language | str = Language.SV
) -> tuple[str, ...]:
    """Prompt ids that say the whole number ``n`` (0 ... 999 999) in ``gender`` (Q11).

    Raises ``ValueError`` outside the range: callers cap what they announce first.
    """
    lang = Language(language)
    if not 0 <= n <= MAX_CARDINAL:
        raise ValueError(f"cardinal {n} is outside 0..{MAX_CARDINAL}; cap it before speaking")
    thousands, rest = divmod(n, 1000)
    parts: list[str] = []
    if thousands:
        if thousands > 1 or lang is Language.EN:
            parts.extend(cardinal(thousands, Gender.NEUTER, lang))
        parts.append(prompt_id(lang, "num", 1000))
        if rest == 0:
            return tuple(parts)
    hundreds, below = divmod(rest, 100)
    if hundreds:
        parts.append(prompt_id(lang, "num", hundreds * 100))
        if below == 0:
            return tuple(parts)
    parts.append(_below_hundred(below, gender, lang))
    return tuple(parts)


def ordinal(n: int, language: Language | str = Language.SV) -> tuple[str, ...]:
    """Prompt ids that say the ordinal of ``n`` (1 ... 999): "första", "tjugoandra" (Q11)."""
    lang = Language(language)
    if not 1 <= n <= MAX_ORDINAL:
        raise ValueError(f"ordinal {n} is outside 1..{MAX_ORDINAL}")
    hundreds, below = divmod(n, 100)
    if below == 0:
        return (prompt_id(lang, "ord", n),)
    prefix = (prompt_id(lang, "num", hundreds * 100),) if hundreds else ()
    return (*prefix, prompt_id(lang, "ord", below))


def count_noun(
    n: int,
    singular: str,
    plural: str,
    gender: Gender,
    language: Language | str = Language.SV,
) -> tuple[str, ...]:
    """``n`` followed by the singular or plural noun prompt: "en minut", "två minuter".

    ``singular``/``plural`` are phrase slugs (``"minute"``, ``"minutes"``). Only exactly one
    takes the singular, in both languages ("21 minuter", "twenty-one minutes").
    """
    lang = Language(language)
    noun = singular if n == 1 else plural
    return (*cardinal(n, gender, lang), prompt_id(lang, "phrase", noun))
