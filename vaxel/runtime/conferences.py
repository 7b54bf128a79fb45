"""Conference rooms as the admin keeps them and the host runs them (PBX6).

Rooms are stored per tenant (``vaxel.store.pbx_conference``); a saved or removed room is
announced to ``listeners`` so the composition root can give telephony the rooms it answers
(the next call finds the room; callers already in it stay). Rules checked before storing:
the settings are a valid :class:`~vaxel.pbx.conference.ConferenceRoom` (number, name, PIN,
limit), and the number is no other room's on the node.

The host's actions (list, mute, remove) go to the running calls through a
:class:`~vaxel.pbx.conference.ConferenceControl` (telephony's), carried out on the event
loop by ``on_loop``: a web handler runs on a worker thread. Without telephony the list is
empty and an action on a participant finds nobody.
"""

from __future__ import annotations

import concurrent.futures
import re
from collections.abc import Callable

from vaxel.core.errors import ConfigError, DomainError, NotFound
from vaxel.pbx.conference import (
    DEFAULT_PARTICIPANTS,
    ConferenceControl,
    ConferenceRoom,
    Participant,
)
from vaxel.pbx.voicemail import is_guessable_pin
from vaxel.store.pbx_conference import ConferenceStore, RoomNumberTaken

__all__ = ["ConferenceService", "UnknownConferenceRoom"]

_ROOM_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
LOOP_WAIT_S = 5.0


class UnknownConferenceRoom(NotFound):
    kind = "conference room"
    code = "unknown-conference-room"


class ConferenceService:
    def __init__(self, store: ConferenceStore) -> None:
        self.store = store
        self.control: ConferenceControl | None = None
        """Telephony's rooms, once it runs (the root sets it)."""
        self.on_loop: Callable[[Callable[[], object]], object] = lambda action: action()
        """Runs an action on the event loop and returns its result (the root sets it)."""
        self.listeners: list[Callable[[], None]] = []

    # -- rooms --------------------------------------------------------------------------

    def rooms(self, tenant_id: str) -> list[ConferenceRoom]:
        return self.store.rooms(tenant_id)

    def room(self, tenant_id: str, room_id: str) -> ConferenceRoom:
        room = self.store.room(tenant_id, room_id)
        if room is None:
            raise UnknownConferenceRoom(room_id, tenant_id)
        return room

    def save(
        self,
        tenant_id: str,
        room_id: str,
        *,
        number: str,
        name: str,
        pin: str = "",
        host_person_id: str = "",
        max_participants: int | str = DEFAULT_PARTICIPANTS,
    ) -> ConferenceRoom:
        """Add or change a room; ``ConfigError`` names the field that is wrong."""
        if not _ROOM_ID.fullmatch(room_id):
            raise ConfigError("room_id", "id-format")
        try:
            limit = int(max_participants)
        except ValueError:
            raise ConfigError(
                "max_participants", "whole-number", value=str(max_participants)[:20]
            ) from None
        room = ConferenceRoom(
            room_id,
            tenant_id,
            number.strip().replace(" ", "").replace("-", ""),
            name.strip(),
            pin.strip(),
            host_person_id.strip()[:64],
            limit,
        )
        if room.pin and is_guessable_pin(room.pin, room.number):  # the guard's figure (task R)
            raise ConfigError("pin", "conference-pin-guessable")
        try:
            self.store.save(room)
        except RoomNumberTaken:
            raise ConfigError("number", "conference-number-taken", value=room.number) from None
        self._changed()
        return room

    def delete(self, tenant_id: str, room_id: str) -> None:
        if not self.store.delete(tenant_id, room_id):
            raise UnknownConferenceRoom(room_id, tenant_id)
        self._changed()

    def by_number(self) -> dict[str, ConferenceRoom]:
        """Every tenant's rooms by number: what telephony answers."""
        return {room.number: room for room in self.store.all_rooms()}

    def _changed(self) -> None:
        for listener in self.listeners:
            listener()

    # -- the host's actions -------------------------------------------------------------

    def participants(self, tenant_id: str, room_id: str) -> list[Participant]:
        self.room(tenant_id, room_id)
        control = self.control
        if control is None:
            return []
        listing = self._run(lambda: control.participants(tenant_id, room_id))
        assert isinstance(listing, list)
        return listing

    def set_muted(self, tenant_id: str, room_id: str, participant_id: str, muted: bool) -> None:
        self.room(tenant_id, room_id)
        control = self._control(room_id, participant_id)
        self._run(lambda: control.set_muted(tenant_id, room_id, participant_id, muted))

    def remove(self, tenant_id: str, room_id: str, participant_id: str) -> None:
        self.room(tenant_id, room_id)
        control = self._control(room_id, participant_id)
        self._run(lambda: control.remove(tenant_id, room_id, participant_id))

    def _control(self, room_id: str, participant_id: str) -> ConferenceControl:
        if self.control is None:
            raise DomainError(
                "telephony is not running",
                code="conference-no-participant",
                room=room_id,
                participant=participant_id,
            )
        return self.control

    def _run(self, action: Callable[[], object]) -> object:
        result = self.on_loop(action)
        if isinstance(result, concurrent.futures.Future):
            return result.result(timeout=LOOP_WAIT_S)
        return result
