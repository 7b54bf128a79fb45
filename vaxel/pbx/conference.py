"""Conference rooms (PBX6): a room's settings, a caller's way in, who is in and what the host
may do.

A room belongs to a tenant and has a short number in its numbering plan
(``TargetKind.CONFERENCE``, ref = ``room_id``), an optional PIN, a host (a directory person,
who mutes and removes participants from the web) and a participant limit (at least 20 are
mixed, ``vaxel.media.mixer``).

The way in (:class:`ConferenceEntry`; its states are :class:`EntryState`):
- No PIN: the caller joins at once. With a PIN: "Ange PIN-kod följt av fyrkant"; digits up to
  ``#`` (``*`` starts again; digits past ``MAX_KEYED`` are ignored). Right: join. Wrong: "Fel
  PIN-kod" and asked again; after ``pin_attempts`` wrong tries: "Hej då" and hang up.
- Nothing keyed for ``idle_s``: asked once more, then goodbye.
- A full room: "Konferensen är full" and hang up; the first one in hears "Du är ensam i
  konferensen" (so silence is never a mystery).
Sans-I/O: ``now`` comes in, commands come out; ``next_deadline()`` says when to call
:meth:`ConferenceEntry.on_timer`. The PIN is compared in constant time (``hmac``); it is
stored readable because the host hands it out, like a meeting code.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Protocol

from vaxel.core.errors import ConfigError, DomainError, IllegalTransition
from vaxel.pbx.pin_entry import MAX_KEYED, Digit, Say

__all__ = [
    "DEFAULT_PARTICIPANTS",
    "MAX_PARTICIPANTS",
    "ConferenceControl",
    "ConferenceEntry",
    "ConferenceRoom",
    "Digit",
    "EntryCommand",
    "EntryState",
    "HangUp",
    "Join",
    "LiveRoom",
    "Participant",
    "Phrase",
    "Say",
    "phrase",
]

DEFAULT_PARTICIPANTS = 20
MAX_PARTICIPANTS = 100
"""The mixer's ceiling (``vaxel.media.mixer.MAX_PARTICIPANTS``)."""
PIN_DIGITS = (4, 12)
MAX_NAME = 80
_NUMBER = re.compile(r"[0-9]{2,10}")
_PIN = re.compile(r"[0-9]{4,12}")


class Phrase(StrEnum):
    ENTER_PIN = "ange-pin"  # "Ange PIN-kod följt av fyrkant."
    WRONG_PIN = "fel-pin"  # "Fel PIN-kod."
    GOODBYE = "hej-da"  # "Hej då."
    FULL = "full"  # "Konferensen är full. Försök igen senare."
    ALONE = "ensam"  # "Du är ensam i konferensen."
    JOINED = "valkommen"  # "Välkommen till konferensen."


def phrase(item: Phrase, language: str = "sv") -> str:
    """The prompt id of a phrase (texts in ``vaxel/prompts/demo_texts.yaml``)."""
    return f"{'en' if language == 'en' else 'sv'}/conference/{item.value}"


@dataclass(frozen=True, slots=True)
class ConferenceRoom:
    """A room's settings; validated on creation (``ConfigError`` names the field)."""

    room_id: str
    tenant_id: str
    number: str
    name: str
    pin: str = ""
    """Empty: no PIN asked."""
    host_person_id: str = ""
    max_participants: int = DEFAULT_PARTICIPANTS

    def __post_init__(self) -> None:
        if not _NUMBER.fullmatch(self.number):
            raise ConfigError("number", "extension-number", value=self.number[:20])
        if not self.name.strip():
            raise ConfigError("name", "required-text")
        if len(self.name) > MAX_NAME:
            raise ConfigError("name", "too-long", max=MAX_NAME, length=len(self.name))
        if self.pin and not _PIN.fullmatch(self.pin):
            raise ConfigError("pin", "conference-pin", min=PIN_DIGITS[0], max=PIN_DIGITS[1])
        if not 2 <= self.max_participants <= MAX_PARTICIPANTS:
            raise ConfigError(
                "max_participants",
                "whole-number-range",
                min=2,
                max=MAX_PARTICIPANTS,
                value=self.max_participants,
            )

    def pin_matches(self, keyed: str) -> bool:
        return not self.pin or hmac.compare_digest(self.pin.encode(), keyed.encode())


# -- the way in -----------------------------------------------------------------------------


class EntryState(StrEnum):
    PIN = "pin"
    JOINED = "joined"
    ENDED = "ended"


@dataclass(frozen=True, slots=True)
class Join:
    """Put the caller into the room's mix; ``alone``: nobody else is in yet."""

    alone: bool


@dataclass(frozen=True, slots=True)
class HangUp:
    after: tuple[str, ...]
    """Prompts to play before hanging up."""


EntryCommand = Say | Join | HangUp


class ConferenceEntry:
    """One caller's way into a room; ``occupancy`` is how many are in it at each step."""

    def __init__(
        self, room: ConferenceRoom, *, pin_attempts: int = 3, idle_s: float = 10.0
    ) -> None:
        self.room = room
        self.pin_attempts = pin_attempts
        self.idle_s = idle_s
        self.state = EntryState.PIN
        self.wrong_pins = 0
        self._keyed = ""
        self._deadline: float | None = None
        self._reminded = False

    def next_deadline(self) -> float | None:
        return self._deadline if self.state is EntryState.PIN else None

    def start(self, now: float, occupancy: int) -> list[EntryCommand]:
        if not self.room.pin:
            return self._join(occupancy)
        return self._ask(now, (phrase(Phrase.ENTER_PIN),))

    def handle(self, event: Digit, now: float, occupancy: int) -> list[EntryCommand]:
        if self.state is EntryState.JOINED:
            return []  # keys pressed in the room are not the entry's business
        if self.state is EntryState.ENDED:
            raise IllegalTransition("conference-entry", self.state, "digit")
        self._reminded = False
        digit = event.digit
        if digit == "*":
            self._keyed = ""
            return self._ask(now, (phrase(Phrase.ENTER_PIN),))
        if digit != "#":
            if digit.isdigit() and len(self._keyed) < MAX_KEYED:
                self._keyed += digit
            self._deadline = now + self.idle_s
            return []
        keyed, self._keyed = self._keyed, ""
        if self.room.pin_matches(keyed):
            return self._join(occupancy)
        self.wrong_pins += 1
        if self.wrong_pins >= self.pin_attempts:
            return self._end(phrase(Phrase.WRONG_PIN), phrase(Phrase.GOODBYE))
        return self._ask(now, (phrase(Phrase.WRONG_PIN), phrase(Phrase.ENTER_PIN)))

    def on_timer(self, now: float) -> list[EntryCommand]:
        if self.state is not EntryState.PIN or self._deadline is None or now < self._deadline:
            return []
        if self._reminded:
            return self._end(phrase(Phrase.GOODBYE))
        self._reminded = True
        self._keyed = ""
        return self._ask(now, (phrase(Phrase.ENTER_PIN),))

    def _ask(self, now: float, prompts: tuple[str, ...]) -> list[EntryCommand]:
        self._deadline = now + self.idle_s
        return [Say(prompts)]

    def _join(self, occupancy: int) -> list[EntryCommand]:
        if occupancy >= self.room.max_participants:
            return self._end(phrase(Phrase.FULL))
        self.state = EntryState.JOINED
        self._deadline = None
        alone = occupancy == 0
        return [Join(alone), Say((phrase(Phrase.ALONE),) if alone else ())]

    def _end(self, *prompts: str) -> list[EntryCommand]:
        self.state = EntryState.ENDED
        self._deadline = None
        return [HangUp(tuple(prompts))]


# -- who is in -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Participant:
    """One caller in a room, as the host sees it."""

    participant_id: str
    """The call's id in telephony (what the host's mute and remove name)."""
    caller: str
    """The number presented (may be empty: withheld)."""
    joined_at: float
    """Epoch seconds."""
    muted: bool = False
    name: str = ""
    """The directory's name for the caller's number, when known."""


@dataclass(slots=True)
class LiveRoom:
    """Who is in one room now; held by the runtime, read by the host's page."""

    room: ConferenceRoom
    participants: dict[str, Participant] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.participants)

    def joined(self, participant: Participant) -> None:
        if (
            participant.participant_id not in self.participants
            and len(self.participants) >= self.room.max_participants
        ):
            raise DomainError(
                f"room {self.room.room_id} is full",
                code="conference-full",
                room=self.room.room_id,
                max=self.room.max_participants,
            )
        self.participants[participant.participant_id] = participant

    def left(self, participant_id: str) -> Participant | None:
        return self.participants.pop(participant_id, None)

    def set_muted(self, participant_id: str, muted: bool) -> Participant:
        current = self._get(participant_id)
        updated = self.participants[participant_id] = replace(current, muted=muted)
        return updated

    def _get(self, participant_id: str) -> Participant:
        participant = self.participants.get(participant_id)
        if participant is None:
            raise DomainError(
                f"{participant_id} is not in room {self.room.room_id}",
                code="conference-no-participant",
                room=self.room.room_id,
                participant=participant_id,
            )
        return participant

    def listing(self) -> list[Participant]:
        """Participants in the order they joined."""
        return sorted(self.participants.values(), key=lambda item: item.joined_at)


class ConferenceControl(Protocol):
    """What the host's page asks of the rooms' calls (telephony implements it)."""

    def participants(self, tenant_id: str, room_id: str) -> list[Participant]: ...

    def set_muted(self, tenant_id: str, room_id: str, participant_id: str, muted: bool) -> None: ...

    def remove(self, tenant_id: str, room_id: str, participant_id: str) -> None: ...
