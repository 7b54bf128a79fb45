"""The voicemail phone menu (PBX4): PIN entry, play, repeat, delete, next, greetings."""

from __future__ import annotations

import pytest

from vaxel.core.errors import IllegalTransition
from vaxel.pbx.voicemail import GreetingKind, Message, VoicemailLimits
from vaxel.pbx.voicemail_menu import (
    CheckPin,
    DeleteMessage,
    Digit,
    HangUp,
    MarkHeard,
    MenuState,
    PinChecked,
    PlaybackDone,
    PlayGreetingDraft,
    PlayMessage,
    RecordGreeting,
    RecordingDone,
    SaveGreeting,
    Say,
    VoicemailMenu,
)


def _message(message_id: str, at: float, *, heard: bool = False) -> Message:
    return Message(message_id, "t1", "karin", "0701234567", at, 12.0, heard)


MESSAGES = (_message("old", 10.0, heard=True), _message("b", 30.0), _message("a", 20.0))


def _keys(menu: VoicemailMenu, digits: str, now: float = 1.0) -> list[object]:
    out: list[object] = []
    for digit in digits:
        out += menu.handle(Digit(digit), now)
    return out


def test_own_extension_opens_the_menu_with_the_counts() -> None:
    menu = VoicemailMenu()
    commands = menu.start(0.0, own_messages=MESSAGES)
    assert menu.state is MenuState.MAIN
    (say,) = commands
    assert isinstance(say, Say)
    assert say.prompt_ids == (
        "sv/voicemail/du-har",
        "sv/num/2",
        "sv/voicemail/nya",
        "sv/num/1-ett",
        "sv/voicemail/sparade",
        "sv/voicemail/meddelanden",
        "sv/voicemail/huvudmeny",
    )


def test_new_messages_play_first_oldest_first_then_next_repeat_delete() -> None:
    menu = VoicemailMenu()
    menu.start(0.0, own_messages=MESSAGES)
    played = _keys(menu, "1")
    assert isinstance(played[0], PlayMessage) and played[0].message_id == "a"
    assert played[0].intro[0] == "sv/voicemail/meddelande-fran"
    assert MarkHeard("a") in played
    assert menu.handle(PlaybackDone(), 2.0) == [Say(("sv/voicemail/efter-meddelande",))]
    again = _keys(menu, "1")
    assert isinstance(again[0], PlayMessage) and again[0].message_id == "a"
    nxt = _keys(menu, "9")
    assert isinstance(nxt[0], PlayMessage) and nxt[0].message_id == "b"
    deleted = _keys(menu, "7")
    assert deleted[0] == DeleteMessage("b")
    assert isinstance(deleted[2], PlayMessage) and deleted[2].message_id == "old"
    assert MarkHeard("old") not in deleted  # heard already
    at_end = _keys(menu, "#")
    assert at_end[0] == Say(("sv/voicemail/inga-fler",))
    assert menu.state is MenuState.MAIN
    assert [m.message_id for m in menu.messages] == ["a", "old"]


def test_from_elsewhere_mailbox_and_pin_then_three_wrong_pins_end_the_call() -> None:
    menu = VoicemailMenu(limits=VoicemailLimits(pin_attempts=3))
    assert menu.start(0.0, own_messages=None) == [Say(("sv/voicemail/ange-brevlada",))]
    assert _keys(menu, "2041#") == [Say(("sv/voicemail/ange-kod",))]
    assert _keys(menu, "1234#") == [CheckPin("2041", "1234")]
    assert menu.state is MenuState.CHECKING
    assert _keys(menu, "5") == []  # ignored while checking
    menu.handle(PinChecked(ok=False), 1.0)
    for _ in range(2):
        assert menu.state is MenuState.MAILBOX
        _keys(menu, "2041#1111#")
        last = menu.handle(PinChecked(ok=False), 1.0)
    assert last[-1] == HangUp()
    assert menu.state is MenuState.ENDED


def test_right_pin_opens_the_mailbox() -> None:
    menu = VoicemailMenu()
    menu.start(0.0, own_messages=None)
    _keys(menu, "2041#1234#")
    commands = menu.handle(PinChecked(ok=True, messages=MESSAGES), 1.0)
    assert menu.state is MenuState.MAIN
    assert isinstance(commands[0], Say)


def test_record_a_greeting_review_and_save() -> None:
    menu = VoicemailMenu(limits=VoicemailLimits(max_greeting_s=30.0))
    menu.start(0.0, own_messages=())
    (record,) = _keys(menu, "3")
    assert isinstance(record, RecordGreeting)
    assert record.kind is GreetingKind.PRESENCE and record.max_s == 30.0
    assert record.intro[-1] == "sv/voicemail/ton"
    (draft,) = menu.handle(RecordingDone(4.2), 5.0)
    assert isinstance(draft, PlayGreetingDraft)
    saved = _keys(menu, "1")
    assert saved[0] == SaveGreeting(GreetingKind.PRESENCE)
    assert menu.state is MenuState.MAIN


def test_idle_reminds_once_then_says_goodbye() -> None:
    menu = VoicemailMenu(idle_s=10.0)
    menu.start(0.0, own_messages=())
    assert menu.next_deadline() == 10.0
    assert menu.on_timer(5.0) == []
    assert menu.on_timer(10.0) == [Say(("sv/voicemail/inga-meddelanden", "sv/voicemail/huvudmeny"))]
    assert menu.next_deadline() == 20.0
    assert menu.on_timer(20.0)[-1] == HangUp()


def test_an_input_the_state_does_not_take_raises() -> None:
    menu = VoicemailMenu()
    menu.start(0.0, own_messages=())
    with pytest.raises(IllegalTransition):
        menu.handle(RecordingDone(1.0), 1.0)


def test_star_ends_and_an_unknown_choice_is_said() -> None:
    menu = VoicemailMenu()
    menu.start(0.0, own_messages=())
    assert _keys(menu, "5") == [Say(("sv/voicemail/ogiltigt-val", "sv/voicemail/huvudmeny"))]
    assert _keys(menu, "*")[-1] == HangUp()


def test_four_records_the_owners_name_heard_back_again_or_kept_then_saved() -> None:
    """Key 4 records the owner's NAME (4f), asked for as a name, reviewed as a greeting is:
    2 records again, ``*`` keeps whatever was there (nothing saved), 1 saves it."""
    menu = VoicemailMenu(language="sv", limits=VoicemailLimits(max_greeting_s=30.0))
    menu.start(0.0, own_messages=())
    (record,) = _keys(menu, "4")
    assert record == RecordGreeting(
        GreetingKind.NAME, 30.0, ("sv/voicemail/spela-in-namn", "sv/voicemail/ton")
    )
    assert menu.state is MenuState.RECORDING
    (draft,) = menu.handle(RecordingDone(1.5), 3.0)
    assert draft == PlayGreetingDraft(GreetingKind.NAME, ("sv/voicemail/halsning-val",))
    (again,) = _keys(menu, "2")
    assert isinstance(again, RecordGreeting) and again.kind is GreetingKind.NAME
    menu.handle(RecordingDone(1.2), 6.0)
    kept = _keys(menu, "*")
    assert not any(isinstance(c, SaveGreeting) for c in kept) and menu.state is MenuState.MAIN
    _keys(menu, "4")
    menu.handle(RecordingDone(1.4), 9.0)
    saved = _keys(menu, "1")
    assert saved[0] == SaveGreeting(GreetingKind.NAME)
    assert saved[1] == Say(("sv/voicemail/halsning-sparad", "sv/voicemail/huvudmeny"))
    english = VoicemailMenu(language="en")
    english.start(0.0, own_messages=())
    (asked,) = _keys(english, "4")
    assert isinstance(asked, RecordGreeting) and asked.intro[0] == "en/voicemail/spela-in-namn"
