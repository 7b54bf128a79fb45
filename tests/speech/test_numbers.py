"""Swedish number grammar (Q11): gender agreement, compounds, ordinals, singular/plural."""

from __future__ import annotations

import pytest

from tests.speech._render import say
from vaxel.speech import Gender, cardinal, count_noun, ordinal

COMMON, NEUTER = Gender.COMMON, Gender.NEUTER


@pytest.mark.parametrize(
    ("n", "gender", "expected"),
    [
        (0, NEUTER, "noll"),
        (1, NEUTER, "ett"),  # nummer ett, ett samtal
        (1, COMMON, "en"),  # en minut
        (11, COMMON, "elva"),  # 11 has no gender
        (20, COMMON, "tjugo"),
        (21, COMMON, "tjugoen"),  # tjugoen minuter
        (21, NEUTER, "tjugoett"),  # nummer tjugoett
        (22, NEUTER, "tjugotvå"),
        (38, NEUTER, "trettioåtta"),
        (91, COMMON, "nittioen"),
        (99, NEUTER, "nittionio"),
        (100, NEUTER, "hundra"),
        (101, COMMON, "hundra en"),
        (101, NEUTER, "hundra ett"),
        (121, COMMON, "hundra tjugoen"),
        (200, NEUTER, "tvåhundra"),
        (999, NEUTER, "niohundra nittionio"),
        (1000, NEUTER, "tusen"),
        (1001, COMMON, "tusen en"),
        (2000, NEUTER, "två tusen"),
        (21_000, COMMON, "tjugoett tusen"),  # thousands are counted in the neuter
        (121_321, COMMON, "hundra tjugoett tusen trehundra tjugoen"),
    ],
)
def test_swedish_cardinals_agree_with_gender(n: int, gender: Gender, expected: str) -> None:
    assert say(cardinal(n, gender)) == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "zero"),
        (1, "one"),
        (21, "twenty-one"),
        (100, "one hundred"),
        (121, "one hundred twenty-one"),
        (1000, "one thousand"),
        (2005, "two thousand five"),
    ],
)
def test_english_cardinals_ignore_gender(n: int, expected: str) -> None:
    assert say(cardinal(n, COMMON, "en"), "en") == expected
    assert cardinal(n, COMMON, "en") == cardinal(n, NEUTER, "en")


@pytest.mark.parametrize(
    ("n", "sv", "en"),
    [
        (1, "första", "first"),
        (2, "andra", "second"),
        (3, "tredje", "third"),
        (12, "tolfte", "twelfth"),
        (20, "tjugonde", "twentieth"),
        (21, "tjugoförsta", "twenty-first"),
        (22, "tjugoandra", "twenty-second"),
        (32, "trettioandra", "thirty-second"),
        (100, "hundrade", "one hundredth"),
        (101, "hundra första", "one hundred first"),
        (300, "trehundrade", "three hundredth"),
    ],
)
def test_ordinals(n: int, sv: str, en: str) -> None:
    assert say(ordinal(n)) == sv
    assert say(ordinal(n, "en"), "en") == en


@pytest.mark.parametrize(
    ("n", "expected"),
    [(1, "en minut"), (2, "två minuter"), (21, "tjugoen minuter"), (0, "noll minuter")],
)
def test_minutes_take_common_gender_and_plural(n: int, expected: str) -> None:
    assert say(count_noun(n, "minute", "minutes", COMMON)) == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [(1, "one minute"), (2, "two minutes"), (21, "twenty-one minutes")],
)
def test_english_minutes_plural(n: int, expected: str) -> None:
    assert say(count_noun(n, "minute", "minutes", COMMON, "en"), "en") == expected


@pytest.mark.parametrize("n", [-1, 1_000_000])
def test_cardinal_out_of_range_is_refused(n: int) -> None:
    with pytest.raises(ValueError, match="outside"):
        cardinal(n)


@pytest.mark.parametrize("n", [0, 1000])
def test_ordinal_out_of_range_is_refused(n: int) -> None:
    with pytest.raises(ValueError, match="outside"):
        ordinal(n)


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError):
        cardinal(1, language="de")
