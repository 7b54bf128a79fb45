"""The mailbox's rules (PBX4): PIN digits, a hang-up at the tone is no message, the limit,
and which greeting a caller hears (the presence one while the person is away)."""

from __future__ import annotations

import pytest

from vaxel.core.errors import DomainError
from vaxel.pbx.voicemail import (
    GreetingKind,
    Mailbox,
    MailboxFull,
    VoicemailLimits,
    check_pin,
    check_room,
    greeting_to_play,
    is_message,
)

BOTH = frozenset(GreetingKind)


@pytest.mark.parametrize("pin", ["4711", "12345670"])
def test_a_pin_is_four_to_eight_digits(pin: str) -> None:
    assert check_pin(pin) == pin


@pytest.mark.parametrize("pin", ["", "123", "123456789", "12a4", " 1234", "١٢٣٤"])
def test_other_pins_are_refused_by_code(pin: str) -> None:
    with pytest.raises(DomainError) as refused:
        check_pin(pin)
    assert refused.value.code == "voicemail-pin-digits"


@pytest.mark.parametrize("pin", ["0000", "7777", "1234", "0123", "7890", "9876", "3210", "4567890"])
def test_a_pin_a_guesser_tries_first_is_refused(pin: str) -> None:
    """10 wrong PINs an hour keep a random PIN for weeks, not 1234 (task R)."""
    with pytest.raises(DomainError) as refused:
        check_pin(pin, "2041")
    assert refused.value.code == "voicemail-pin-guessable"


def test_the_mailbox_s_own_number_is_no_pin() -> None:
    for pin in ("2041", "46102041"):
        with pytest.raises(DomainError):
            check_pin(pin, "+46 10 2041" if len(pin) > 4 else "2041")
    assert check_pin("4711", "2041") == "4711"
    assert check_pin("1235", "2041") == "1235"


def test_greeting_heard() -> None:
    box = Mailbox("t", "karin", "2041")
    assert greeting_to_play(box, absent=True) is None, "the standard greeting"
    personal = Mailbox("t", "karin", "2041", greetings=frozenset({GreetingKind.PERSONAL}))
    assert greeting_to_play(personal, absent=True) is GreetingKind.PERSONAL
    both = Mailbox("t", "karin", "2041", greetings=BOTH)
    assert greeting_to_play(both, absent=True) is GreetingKind.PRESENCE
    assert greeting_to_play(both, absent=False) is GreetingKind.PERSONAL


def test_limits() -> None:
    limits = VoicemailLimits(min_message_s=1.0, max_messages=2)
    assert not is_message(0.4, limits) and is_message(1.0, limits)
    box = Mailbox("t", "karin", "2041")
    check_room(1, box, limits)
    with pytest.raises(MailboxFull) as full:
        check_room(2, box, limits)
    assert full.value.code == "voicemail-full" and full.value.params["max"] == 2
