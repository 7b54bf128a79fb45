"""Reading a phone number back digit by digit in natural groups (CB3).

Swedes say numbers in groups: "noll sju noll, ett två tre, fyra fem, sex sju" for
070-123 45 67. So: the area code (a Swedish trunk prefix ``0`` number), then the subscriber
number in pairs from the right with a leading three if the count is odd (7 digits:
``123 45 67``; 6: ``12 34 56``; 8: ``12 34 56 78``). A short silence prompt separates groups.

Area codes: ``08`` (Stockholm) and mobile ``07x``; the 3-digit codes listed below; every other
``0``-number is taken to have a 4-digit code (``0480`` Kalmar) — the rest of the Swedish plan.
``+46``/``0046`` becomes ``0``. Numbers that do not start with ``0`` (internal extensions,
foreign numbers) are read in pairs/triples the same way with no area-code group.

Digits are read with "ett" for 1 (a digit named as a number is neuter, Q11).
"""

from __future__ import annotations

from vaxel.speech.catalogue import PAUSE, Language
from vaxel.speech.numbers import Gender, cardinal

__all__ = ["MAX_DIGITS", "group_digits", "normalise_digits", "phone_number"]

MAX_DIGITS = 20

_THREE_DIGIT_AREA_CODES = frozenset(
    [
        "011",
        "013",
        "016",
        "018",
        "019",
        "021",
        "023",
        "026",
        "031",
        "033",
        "035",
        "036",
        "040",
        "042",
        "044",
        "046",
        "054",
        "060",
        "063",
        "090",
    ]
)


def normalise_digits(number: str) -> str:
    """The digits of ``number`` with ``+46``/``0046`` turned into ``0`` and separators dropped.

    Accepts spaces, ``-``, ``(``, ``)`` and ``.`` as separators; raises ``ValueError`` on any
    other character, on no digits, or on more than ``MAX_DIGITS`` digits (a keyed-in number
    is untrusted).
    """
    stripped = number.strip()
    international = stripped.startswith("+")
    if international:
        stripped = stripped[1:]
    digits = "".join(ch for ch in stripped if ch not in " -().")
    if not digits:
        raise ValueError("phone number is empty; ask the caller to key it in again")
    if not digits.isascii() or not digits.isdigit():
        raise ValueError(f"phone number {number!r} must contain only digits and separators")
    if len(digits) > MAX_DIGITS:
        raise ValueError(f"phone number has {len(digits)} digits; at most {MAX_DIGITS}")
    if international:
        digits = "00" + digits
    if digits.startswith("00460"):  # "+46 (0)8-…": the bracketed trunk zero written out
        digits = digits[4:]
    elif digits.startswith("0046"):
        digits = "0" + digits[4:]
    return digits


def _subscriber_groups(digits: str) -> list[str]:
    groups: list[str] = []
    rest = digits
    while len(rest) > 3:
        groups.insert(0, rest[-2:])
        rest = rest[:-2]
    if rest:
        groups.insert(0, rest)
    return groups


def group_digits(number: str) -> tuple[str, ...]:
    """The spoken groups of ``number``: ``"070-1234567"`` → ``("070", "123", "45", "67")``."""
    digits = normalise_digits(number)
    if digits.startswith("00") or not digits.startswith("0"):
        return tuple(_subscriber_groups(digits))
    if digits.startswith("08"):
        code_len = 2
    elif digits.startswith("07") or digits[:3] in _THREE_DIGIT_AREA_CODES:
        code_len = 3
    else:
        code_len = 4
    code, subscriber = digits[:code_len], digits[code_len:]
    return (code, *_subscriber_groups(subscriber))


def phone_number(number: str, language: Language | str = Language.SV) -> tuple[str, ...]:
    """Prompt ids reading ``number`` back digit by digit, groups separated by a pause (CB3)."""
    lang = Language(language)
    out: list[str] = []
    for i, group in enumerate(group_digits(number)):
        if i:
            out.append(f"{lang.value}/{PAUSE}")
        for digit in group:
            out.extend(cardinal(int(digit), Gender.NEUTER, lang))
    return tuple(out)
