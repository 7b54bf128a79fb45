"""What a caller hears about an absent person (DIR3, PBX5): the sequence and its coverage."""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import given
from hypothesis import strategies as st

from vaxel.speech import absent_person, catalogue, extension_name, missing_prompts, return_time
from vaxel.speech.presence import SPOKEN_REASONS

TODAY = date(2026, 3, 2)  # a Monday
NAME = ("tenant/exempelby/namn/karin",)


def spoken(sequence: tuple[str, ...], language: str = "sv") -> str:
    texts = catalogue(language)
    return " ".join(texts.get(pid, f"<{pid}>") for pid in sequence)


def test_karin_is_in_a_meeting_until_half_past_two() -> None:
    sequence = absent_person(NAME, "mote", datetime(2026, 3, 2, 14, 30), TODAY)
    assert sequence[0] == NAME[0]
    assert spoken(sequence[1:]) == (
        "är på möte till klockan fjorton trettio "
        "Tryck noll för att komma till växeln. Tryck ett för att lämna ett meddelande."
    )


def test_the_return_day_is_said_when_it_is_not_today() -> None:
    tomorrow = return_time(datetime(2026, 3, 3, 8, 0), TODAY)
    assert spoken(tomorrow) == "till i morgon klockan åtta"
    thursday = return_time(datetime(2026, 3, 5, 8, 5), TODAY)
    assert spoken(thursday) == "till torsdag klockan åtta noll fem"
    later = return_time(datetime(2026, 3, 21, 8, 0), TODAY)
    assert spoken(later) == "till den tjugoförsta mars"
    assert spoken(return_time(datetime(2026, 3, 21, 8, 0), TODAY, "en"), "en") == (
        "until the twenty-first of March"
    )


def test_gone_for_the_day_has_its_own_verb_and_own_reasons_a_generic_one() -> None:
    assert spoken(absent_person((), "gatt-for-dagen", None, TODAY, voicemail=False)) == (
        "har gått för dagen Tryck noll för att komma till växeln."
    )
    assert spoken(absent_person((), "eget-skal", None, TODAY, operator=False)) == (
        "är inte på plats Tryck ett för att lämna ett meddelande."
    )


def test_a_person_without_a_recorded_name_is_read_by_extension() -> None:
    assert spoken(extension_name("2041")) == "anknytning två noll fyra ett"


@given(
    st.sampled_from([*SPOKEN_REASONS, "custom"]),
    st.datetimes(datetime(2026, 3, 2), datetime(2027, 3, 2)) | st.none(),
    st.booleans(),
    st.booleans(),
    st.sampled_from(["sv", "en"]),
)
def test_every_presence_sequence_is_in_the_catalogue(
    reason: str, until: datetime | None, operator: bool, voicemail: bool, language: str
) -> None:
    sequence = absent_person(
        extension_name("1234", language),
        reason,
        until,
        TODAY,
        operator=operator,
        voicemail=voicemail,
        language=language,
    )
    assert missing_prompts(sequence, language) == ()
