"""Calls into conference rooms (PBX6): the way in by PIN, the room's mix, the host's actions.

A call to a room's number is answered like any inbound call (``switch.py``) and then belongs
here rather than to an IVR flow: its :class:`~vaxel.pbx.conference.ConferenceEntry` hears
the caller's keys and its deadline (the calls' one timer, ``timers.py``), and its commands
are carried out on the call — prompts to the caller, the media engine's room joined
(``MediaBackend.join_room``: the caller hears everyone else, never itself), or a hang-up
after a last prompt. Who is in which room is a :class:`~vaxel.pbx.conference.LiveRoom` per
room, which the host's page reads and acts on through :class:`ConferenceControl` (mute
mutes the caller's audio in the mix; remove hangs the call up). A call that ends, by
whichever side, leaves its room when it is forgotten (``left``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from vaxel.core.errors import DomainError
from vaxel.media.backend import MediaBackend, MediaError
from vaxel.media.player import Comfort
from vaxel.pbx.conference import (
    ConferenceEntry,
    ConferenceRoom,
    Digit,
    EntryCommand,
    EntryState,
    HangUp,
    Join,
    LiveRoom,
    Participant,
    Phrase,
    Say,
    phrase,
)
from vaxel.pbx.pin_guard import PinGuard

if TYPE_CHECKING:
    from vaxel.pbx.numbering import Target
    from vaxel.telephony.bridging import Bridging
    from vaxel.telephony.calls import Call
    from vaxel.telephony.directory import TelephonyDirectory
    from vaxel.telephony.internal import Caller

__all__ = ["ConferenceCalls", "ConferenceTargets"]

log = logging.getLogger(__name__)


def room_key(tenant_id: str, room_id: str) -> str:
    """The media engine's room id: rooms of two tenants never share a mix."""
    return f"{tenant_id}/{room_id}"


class ConferenceCalls:
    """The conference side of the switch; implements ``ConferenceControl`` for the web."""

    def __init__(
        self,
        media: MediaBackend,
        bridging: Bridging,
        clock: Callable[[], float],
        hang_up: Callable[[Call], None],
        settle: Callable[[Call], None],
    ) -> None:
        self.media = media
        self.bridging = bridging
        self.clock = clock
        self.hang_up = hang_up
        self._settle = settle
        self.rooms: dict[str, LiveRoom] = {}
        """By :func:`room_key`: the rooms someone is in."""
        self._calls: dict[str, Call] = {}
        """The calls in a room, by call id (the participant id)."""
        self.pin_guard = PinGuard(max_failures=20, window_s=600.0)
        """Wrong PINs per room across calls: each call ends after three, but callers can
        call again; past 20 in ten minutes the room takes no PIN until the oldest ages out."""

    # -- calls ----------------------------------------------------------------------------

    def start(self, call: Call, room: ConferenceRoom, caller: str) -> None:
        """An answered call to ``room``'s number: ask for the PIN, or join at once."""
        assert call.caller is not None
        entry = ConferenceEntry(room)
        call.conference = entry
        call.conference_caller = caller
        self.media.set_comfort(call.caller.endpoint.endpoint_id, Comfort.SILENCE)
        if not self._locked_out(call, entry):
            self._carry_out(call, entry.start(self.clock(), self._occupancy(room)))

    def digit(self, call: Call, digit: str) -> None:
        entry = call.conference
        if entry is None or call.ended:
            return
        if digit == "#" and entry.state is EntryState.PIN and self._locked_out(call, entry):
            return
        wrong = entry.wrong_pins
        self._carry_out(call, entry.handle(Digit(digit), self.clock(), self._occupancy(entry.room)))
        if entry.wrong_pins > wrong:
            self.pin_guard.failed(room_key(entry.room.tenant_id, entry.room.room_id), self.clock())

    def _locked_out(self, call: Call, entry: ConferenceEntry) -> bool:
        """Too many wrong PINs for the room lately: this caller is told "wrong PIN" and
        hung up, whatever it keyed (the lock tells a guesser nothing)."""
        room = entry.room
        key = room_key(room.tenant_id, room.room_id)
        if not room.pin or not self.pin_guard.refuses(key, self.clock()):
            return False
        log.warning("room %s: PIN refused, too many wrong PINs lately", key)
        call.conference = None  # its keys and timer reach no entry: it never joins
        goodbye = (phrase(Phrase.WRONG_PIN), phrase(Phrase.GOODBYE))
        self._carry_out(call, [HangUp(goodbye)])
        return True

    def timer(self, call: Call, now: float) -> None:
        entry = call.conference
        if entry is not None and not call.ended:
            self._carry_out(call, entry.on_timer(now))

    def left(self, call: Call) -> None:
        """The call is being forgotten: it leaves its room (the engine plays the tone)."""
        entry = call.conference
        if entry is None:
            return
        self._calls.pop(call.call_id, None)
        key = room_key(entry.room.tenant_id, entry.room.room_id)
        live = self.rooms.get(key)
        if live is not None and live.left(call.call_id) is not None and not live:
            del self.rooms[key]

    def _occupancy(self, room: ConferenceRoom) -> int:
        live = self.rooms.get(room_key(room.tenant_id, room.room_id))
        return len(live) if live is not None else 0

    def _carry_out(self, call: Call, commands: list[EntryCommand]) -> None:
        leg = call.caller
        if leg is None:
            return
        endpoint_id = leg.endpoint.endpoint_id
        for command in commands:
            if isinstance(command, Say):
                self.media.stop_playback(endpoint_id)
                if command.prompt_ids:
                    self.bridging.caller_hears(call, list(command.prompt_ids))
            elif isinstance(command, Join):
                self._join(call, endpoint_id)
            elif isinstance(command, HangUp):
                self.media.stop_playback(endpoint_id)
                if command.after:
                    self.bridging.caller_hears(call, list(command.after), then_hangup=True)
                else:
                    self.hang_up(call)
        self._settle(call)

    def _join(self, call: Call, endpoint_id: str) -> None:
        entry = call.conference
        assert entry is not None
        room = entry.room
        key = room_key(room.tenant_id, room.room_id)
        live = self.rooms.get(key)
        if live is None:
            live = self.rooms[key] = LiveRoom(room)
        try:
            live.joined(Participant(call.call_id, call.conference_caller, self.clock()))
            self.media.join_room(endpoint_id, key)
        except (DomainError, MediaError) as error:
            log.info("call %s cannot join room %s: %s", call.call_id, key, error)
            live.left(call.call_id)
            self.hang_up(call)
            return
        self._calls[call.call_id] = call

    # -- the host's actions (ConferenceControl) ---------------------------------------------

    def participants(self, tenant_id: str, room_id: str) -> list[Participant]:
        live = self.rooms.get(room_key(tenant_id, room_id))
        return live.listing() if live is not None else []

    def set_muted(self, tenant_id: str, room_id: str, participant_id: str, muted: bool) -> None:
        live, call = self._in_room(tenant_id, room_id, participant_id)
        live.set_muted(participant_id, muted)
        assert call.caller is not None
        self.media.set_muted(call.caller.endpoint.endpoint_id, muted)

    def remove(self, tenant_id: str, room_id: str, participant_id: str) -> None:
        _, call = self._in_room(tenant_id, room_id, participant_id)
        self.hang_up(call)

    def _in_room(self, tenant_id: str, room_id: str, participant_id: str) -> tuple[LiveRoom, Call]:
        live = self.rooms.get(room_key(tenant_id, room_id))
        call = self._calls.get(participant_id)
        if live is None or call is None or participant_id not in live.participants:
            raise DomainError(
                f"{participant_id} is not in room {room_id}",
                code="conference-no-participant",
                room=room_id,
                participant=participant_id,
            )
        return live, call


class ConferenceTargets:
    """``TargetKind.CONFERENCE`` of the numbering plan (PBX1; ref = the room's id): a
    caller, an extension of the tenant or a trunk's caller on a direct number, is answered
    (out of early media) and taken into the tenant's room (``internal.py``'s handler)."""

    def __init__(
        self,
        calls: ConferenceCalls,
        directory: TelephonyDirectory,
        answer: Callable[[Call], None],
    ) -> None:
        self.calls = calls
        self.directory = directory
        self.answer = answer
        """A caller still in early media answered: the room asks for a PIN (PBX6)."""

    def start(self, call: Call, target: Target, caller: Caller) -> None:
        room = next(
            (
                room
                for room in self.directory.conference_rooms.values()
                if room.tenant_id == call.tenant_id and room.room_id == target.ref
            ),
            None,
        )
        if room is None:  # the plan names a room that was removed since
            log.info("call %s: no conference room %s", call.call_id, target.ref)
            self.calls.hang_up(call)
            return
        self.answer(call)
        self.calls.start(call, room, caller.number)
