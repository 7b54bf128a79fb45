"""Conference rooms (PBX6): settings validated, the PIN asked by DTMF with bounded attempts,
the idle reminder, the participant limit, the host's mute and the live list."""

from __future__ import annotations

import pytest

from vaxel.core.errors import ConfigError, DomainError, IllegalTransition
from vaxel.pbx.conference import (
    ConferenceEntry,
    ConferenceRoom,
    Digit,
    EntryState,
    HangUp,
    Join,
    LiveRoom,
    Participant,
    Phrase,
    Say,
    phrase,
)

ROOM = ConferenceRoom("r1", "demo", "7000", "Ledningsgruppen", pin="2468", max_participants=3)


def key(entry: ConferenceEntry, digits: str, now: float = 1.0, occupancy: int = 0) -> list:
    out: list = []
    for digit in digits:
        out += entry.handle(Digit(digit), now, occupancy)
    return out


def test_the_right_pin_joins_and_the_first_one_in_hears_they_are_alone() -> None:
    entry = ConferenceEntry(ROOM)
    assert entry.start(0.0, occupancy=0) == [Say((phrase(Phrase.ENTER_PIN),))]
    assert phrase(Phrase.ENTER_PIN) == "sv/conference/ange-pin"
    assert key(entry, "2468#") == [Join(alone=True), Say((phrase(Phrase.ALONE),))]
    assert entry.state is EntryState.JOINED and entry.next_deadline() is None
    assert key(entry, "5") == []  # keys in the room are not the entry's


def test_a_wrong_pin_is_refused_and_the_third_ends_the_call() -> None:
    entry = ConferenceEntry(ROOM, pin_attempts=3)
    entry.start(0.0, occupancy=1)
    wrong = [Say((phrase(Phrase.WRONG_PIN), phrase(Phrase.ENTER_PIN)))]
    assert key(entry, "1111#") == wrong
    assert key(entry, "24680#") == wrong  # a longer code is not the PIN either
    assert key(entry, "#") == [HangUp((phrase(Phrase.WRONG_PIN), phrase(Phrase.GOODBYE)))]
    assert entry.state is EntryState.ENDED
    with pytest.raises(IllegalTransition):
        key(entry, "1")


def test_star_starts_the_pin_again() -> None:
    entry = ConferenceEntry(ROOM)
    entry.start(0.0, occupancy=1)
    assert key(entry, "99*") == [Say((phrase(Phrase.ENTER_PIN),))]
    assert key(entry, "2468#", occupancy=1) == [Join(alone=False), Say(())]


def test_nothing_keyed_asks_once_more_then_says_goodbye() -> None:
    entry = ConferenceEntry(ROOM, idle_s=10.0)
    entry.start(0.0, occupancy=0)
    assert entry.next_deadline() == 10.0
    assert entry.on_timer(5.0) == []
    assert entry.on_timer(10.0) == [Say((phrase(Phrase.ENTER_PIN),))]
    key(entry, "2", now=12.0)
    assert entry.next_deadline() == 22.0  # a key keeps the caller in
    assert entry.on_timer(22.0) == [Say((phrase(Phrase.ENTER_PIN),))]
    assert entry.on_timer(32.0) == [HangUp((phrase(Phrase.GOODBYE),))]


def test_a_room_without_pin_joins_at_once_unless_full() -> None:
    open_room = ConferenceRoom("r2", "demo", "7001", "Öppet rum", max_participants=2)
    assert ConferenceEntry(open_room).start(0.0, occupancy=1) == [Join(alone=False), Say(())]
    assert ConferenceEntry(open_room).start(0.0, occupancy=2) == [HangUp((phrase(Phrase.FULL),))]
    assert open_room.pin_matches("")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"number": "70a"}, "number"),
        ({"name": " "}, "name"),
        ({"name": "x" * 81}, "name"),
        ({"pin": "12"}, "pin"),
        ({"pin": "12ab"}, "pin"),
        ({"max_participants": 1}, "max_participants"),
        ({"max_participants": 101}, "max_participants"),
    ],
)
def test_bad_settings_name_the_field(changes: dict, field: str) -> None:
    settings = {"room_id": "r", "tenant_id": "t", "number": "7000", "name": "Rum", **changes}
    with pytest.raises(ConfigError) as raised:
        ConferenceRoom(**settings)
    assert raised.value.field == field


def test_the_live_room_keeps_the_limit_and_the_host_mutes() -> None:
    live = LiveRoom(ROOM)
    for index in range(3):
        live.joined(Participant(f"c{index}", f"070{index}", joined_at=100.0 - index))
    with pytest.raises(DomainError) as full:
        live.joined(Participant("c9", "0709", joined_at=101.0))
    assert full.value.code == "conference-full"
    assert live.set_muted("c1", True).muted
    assert [p.participant_id for p in live.listing()] == ["c2", "c1", "c0"]
    assert live.left("c1") is not None and live.left("c1") is None
    with pytest.raises(DomainError) as gone:
        live.set_muted("c1", False)
    assert gone.value.code == "conference-no-participant"
