"""The PIN entry both phone menus begin with (PBX4, IVR4): what is kept of the keys, the
order of the questions and the count of wrong PINs."""

from __future__ import annotations

from vaxel.pbx.pin_entry import MAX_KEYED, CheckPin, PinEntry, PinStep


def test_the_number_then_the_pin_with_stars_and_overlong_input_ignored() -> None:
    entry = PinEntry(number_first=True, pin_attempts=3)
    assert [entry.key(d) for d in "20*41"] == [None] * 5
    assert entry.key("#") is PinStep.PIN
    for digit in "9" * (MAX_KEYED + 10):
        entry.key(digit)
    assert entry.key("#") == CheckPin("2041", "9" * MAX_KEYED)


def test_a_wrong_pin_starts_over_at_the_first_question_until_the_tries_are_spent() -> None:
    own_phone = PinEntry(number_first=False, pin_attempts=2)
    assert own_phone.key("1") is None
    assert own_phone.key("#") == CheckPin("", "1")
    assert own_phone.wrong() is False
    assert own_phone.step is PinStep.PIN
    elsewhere = PinEntry(number_first=True, pin_attempts=2)
    elsewhere.key("5")
    assert elsewhere.key("#") is PinStep.PIN
    elsewhere.key("7")
    assert elsewhere.wrong() is False
    assert elsewhere.step is PinStep.NUMBER
    elsewhere.key("6")
    assert elsewhere.key("#") is PinStep.PIN  # the half-keyed PIN was forgotten
    elsewhere.key("1")
    assert elsewhere.key("#") == CheckPin("6", "1")
    assert elsewhere.wrong() is True
