"""The prompt catalogue covers every id a builder can return (Q5, Q8, Q9, Q11, CB1-CB3)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vaxel.speech import (
    MAX_CARDINAL,
    MAX_ORDINAL,
    Gender,
    WaitRounding,
    agents_available,
    callback_booked,
    callback_confirm,
    callback_offer,
    calls_ahead,
    cardinal,
    catalogue,
    estimated_wait,
    missing_prompts,
    ordinal,
    position,
    time_interval,
    time_of_day,
)

LANGUAGES = ("sv", "en")
ID_SHAPE = re.compile(r"^(sv|en)/(num|ord|phrase|callback|pause|presence|pbx)/[a-z0-9-]+$")
languages = st.sampled_from(LANGUAGES)


def assert_covered(sequence: tuple[str, ...], language: str) -> None:
    assert sequence, "a builder returned nothing to play"
    assert missing_prompts(sequence, language) == ()


@pytest.mark.parametrize("language", LANGUAGES)
def test_ids_are_filesystem_safe_and_of_their_language(language: str) -> None:
    texts = catalogue(language)
    for pid in texts:
        assert ID_SHAPE.match(pid), pid
        assert pid.startswith(f"{language}/")


@pytest.mark.parametrize("language", LANGUAGES)
def test_only_the_pause_is_silent(language: str) -> None:
    silent = [pid for pid, text in catalogue(language).items() if not text.strip()]
    assert silent == [f"{language}/pause/group"]


def test_fixed_queue_and_callback_phrases_are_there_in_swedish() -> None:
    texts = set(catalogue("sv").values())
    for phrase in [
        "Du är nummer",
        "i kön",
        "Beräknad väntetid är",
        "minuter",
        "Det är",
        "samtal före dig",
        "lediga handläggare",
        "mindre än en minut",
        "Vi ringer dig på nummer",
        "Tryck 1 om det stämmer, 2 för att ange ett annat nummer.",
    ]:
        assert phrase in texts, phrase
    assert any("Tryck 1 för att bli uppringd" in t for t in texts)


def test_both_languages_have_the_same_callback_prompts() -> None:
    def names(language: str) -> set[str]:
        return {pid.split("/", 1)[1] for pid in catalogue(language) if "/callback/" in pid}

    assert names("sv") == names("en")


def test_missing_prompts_reports_unknown_ids_once_in_order() -> None:
    seq = ("sv/num/2", "sv/num/1", "sv/nope", "sv/num/1-en", "sv/nope", "en/num/1")
    assert missing_prompts(seq) == ("sv/num/1", "sv/nope", "en/num/1")


def test_missing_prompts_against_the_files_actually_present() -> None:
    present = {"sv/phrase/you-are-number", "sv/num/2"}
    assert missing_prompts(position(2), available=present) == ("sv/phrase/in-queue",)


def test_catalogue_is_read_only() -> None:
    texts = catalogue()
    with pytest.raises(TypeError):
        texts["sv/num/2"] = "tre"  # type: ignore[index]


@given(st.integers(0, MAX_CARDINAL), st.sampled_from(list(Gender)), languages)
def test_every_cardinal_is_covered(n: int, gender: Gender, language: str) -> None:
    assert_covered(cardinal(n, gender, language), language)


def test_every_number_up_to_999_is_covered_exhaustively() -> None:
    for language in LANGUAGES:
        for gender in Gender:
            for n in range(1000):
                assert_covered(cardinal(n, gender, language), language)
        for n in range(1, MAX_ORDINAL + 1):
            assert_covered(ordinal(n, language), language)


@given(st.integers(1, MAX_CARDINAL), st.booleans(), languages)
def test_every_position_is_covered(n: int, repeated: bool, language: str) -> None:
    assert_covered(position(n, repeated, language), language)


@given(
    st.floats(0, allow_nan=False),
    st.integers(1, 60),
    st.integers(1, 30),
    st.integers(0, 300),
    languages,
)
def test_every_wait_is_covered(
    seconds: float, fine: int, step: int, extra_cap: int, language: str
) -> None:
    rounding = WaitRounding(fine_up_to_min=fine, step_min=step, cap_min=fine + extra_cap)
    assert_covered(estimated_wait(seconds, language, rounding), language)


@given(st.integers(0, MAX_CARDINAL), st.integers(0, 5), languages)
def test_every_count_is_covered(n: int, minimum: int, language: str) -> None:
    assert_covered(calls_ahead(n, language), language)
    if n >= minimum:
        assert_covered(agents_available(n, minimum, language), language)


@given(st.integers(0, 23), st.integers(0, 59), st.integers(0, 23), st.integers(0, 59), languages)
def test_every_time_is_covered(h1: int, m1: int, h2: int, m2: int, language: str) -> None:
    assert_covered(time_of_day(h1, m1, language), language)
    assert_covered(time_interval((h1, m1), (h2, m2), language), language)
    assert_covered(callback_booked((h1, m1), (h2, m2), language), language)
    assert_covered(callback_offer(language), language)


@given(
    st.text(alphabet="0123456789 -", min_size=1, max_size=20).filter(
        lambda s: any(c.isdigit() for c in s)
    ),
    languages,
)
def test_every_phone_number_is_covered(number: str, language: str) -> None:
    assert_covered(callback_confirm(number, language), language)
