"""A conference from the operator console (issue 16 §3 "a three-party conference", OP3,
spec §46 "Koppla upp konferenssamtal"): while she asks a person first and they have
answered, she joins the caller, the person and herself in one mix; from it she may ask one
more (the others keep talking) and add them too, up to the tenant's limit of parties
(``MAX_PARTIES``, her included); she leaves and the others talk on.

The console, not her phone, orders it (third-party call control, PBX9): the three legs of
the announced transfer (``console_consult.py``) leave their bridge and the caller's music
and are put in a room of the media engine's conference mixer of their own
(``<tenant>/console-conference/<call>``, never shared with a conference room's number),
all hearing the conference's join tone. The call machine's steps are ``call_announce.py``
(CONFERENCE): she leaves (or hangs up) and the person takes her seat with the caller; the
person hanging up gives her the caller back; the caller hanging up leaves her and the
person in an ordinary call of two. Refusals change nothing: no consultation on
('conference-no-consult'), the person not answered yet ('conference-not-answered'), a
conference on already ('conference-on'), leaving none ('conference-none'), one more
than the limit ('console-conference-full'). The legs of the earlier people (guests) are
kept here: moved into and out of the call's seats as the machine says
(``call_conference.py``), let go when they hang up or the call is forgotten. Runs on the
event loop.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from vaxel.core.errors import DomainError
from vaxel.media.backend import JoinTone, MediaBackend, MediaError
from vaxel.media.player import Comfort
from vaxel.telephony.call_announce import STATES
from vaxel.telephony.call_conference import ASKING
from vaxel.telephony.call_events import CallEvent
from vaxel.telephony.call_index import CallIndex
from vaxel.telephony.call_states import CallState
from vaxel.telephony.calls import Call, Leg
from vaxel.telephony.consult_events import CONSULT, ConferenceStarted, ConsultJoined, GuestLeft
from vaxel.telephony.leg_events import HangUp, LegInput

__all__ = [
    "MAX_PARTIES",
    "ConferenceSwitch",
    "ConsoleConferences",
    "full",
    "join",
    "leave_all",
    "room_of",
    "seat_person",
]

log = logging.getLogger(__name__)
MAX_PARTIES = 6
"""Parties of a console conference, her included, when the tenant has no limit of its own."""


class ConferenceSwitch(Protocol):
    """What a console conference needs of the switch."""

    calls: dict[str, Call]
    media: MediaBackend
    index: CallIndex

    def step(self, call: Call, event: CallEvent) -> None: ...

    def end_leg(self, call: Call, leg: Leg, event: LegInput) -> None: ...


def room_of(call: Call) -> str:
    """The mixer's room: the call's own."""
    return f"{call.tenant_id}/console-conference/{call.call_id}"


def _legs(call: Call) -> list[Leg]:
    return [leg for leg in (call.caller, call.consulted, call.agent) if leg is not None]


def join(media: MediaBackend, call: Call) -> bool:
    """Caller, person and operator into one mix (the caller's music stops); False when the
    mixer refused: as before, she talks with the person and the caller hears music."""
    room, legs = room_of(call), _legs(call)
    try:
        for n, leg in enumerate(legs, 1):  # the tone once all are in (guests are already)
            endpoint = leg.endpoint.endpoint_id
            media.stop_playback(endpoint)
            media.set_comfort(endpoint, Comfort.SILENCE)
            media.join_room(endpoint, room, tone=JoinTone.JOIN if n == len(legs) else JoinTone.NONE)
    except MediaError as error:
        log.warning("console conference on %s: %s", call.call_id, error)
        leave_all(media, call)
        if call.agent is not None and call.consulted is not None:
            media.bridge(call.agent.endpoint.endpoint_id, call.consulted.endpoint.endpoint_id)
        if call.caller is not None:
            media.set_comfort(call.caller.endpoint.endpoint_id, Comfort.MUSIC)
        return False
    return True


def leave_all(media: MediaBackend, call: Call) -> None:
    """Every leg of the call out of the mix (those still in hear the leave tone); the
    machine's next action bridges whoever talks on."""
    for leg in _legs(call):
        media.leave_room(leg.endpoint.endpoint_id)


def seat_person(switch: ConferenceSwitch, call: Call) -> None:
    """The caller left the conference: the person's leg is the call's caller from here,
    talking with her leg (the machine's Bridge follows); the caller's leg is let go."""
    person, gone = call.consulted, call.caller
    if person is None:
        return
    leave_all(switch.media, call)
    if gone is not None:
        switch.index.drop_leg(gone)
        switch.media.release(gone.endpoint.endpoint_id)
    call.caller, call.consulted, person.role = person, None, "caller"


def full(call: Call, limit: int, *, adding: bool) -> bool:
    """The conference has ``limit`` parties (caller, her, its person and the guests) —
    one more may not be asked (``adding`` False) — or would have more with the person
    she asks now (``adding``)."""
    parties = 3 + len(call.guests)
    return parties > limit if adding else parties >= limit


def consulted_to_guests(switch: ConferenceSwitch, call: Call, dialer: object) -> None:
    """She asks one more: the conference's person stays in the mix as a guest (their
    ringing attempt is done with), her leg steps out of the mix to hear ringback."""
    person = call.consulted
    if person is not None:
        call.consulted = None
        call.guests.append(person)
        attempt = call.attempts.pop(CONSULT, None)
        forget = getattr(dialer, "forget", None)
        if attempt is not None and forget is not None:
            forget(attempt)
    if call.agent is not None:
        switch.media.leave_room(call.agent.endpoint.endpoint_id)


def guest_to_consulted(call: Call) -> None:
    """The guest who joined last is the conference's person again."""
    if call.guests and call.consulted is None:
        call.consulted = call.guests.pop()


def guest_takes_seat(switch: ConferenceSwitch, call: Call, *, alone: bool) -> None:
    """The caller left: the first guest is the call's caller (out of the mix if alone)."""
    if not call.guests:
        return
    gone, guest = call.caller, call.guests.pop(0)
    if gone is not None:
        switch.index.drop_leg(gone)
        switch.media.release(gone.endpoint.endpoint_id)
    call.caller, guest.role = guest, "caller"
    if alone:
        switch.media.leave_room(guest.endpoint.endpoint_id)


def leave_room(switch: ConferenceSwitch, call: Call) -> None:
    """She leaves: the person she asked joins the mix as a guest; her leg is hung up."""
    person, her = call.consulted, call.agent
    if person is not None:
        switch.media.stop_playback(person.endpoint.endpoint_id)
        switch.media.set_comfort(person.endpoint.endpoint_id, Comfort.SILENCE)
        switch.media.join_room(person.endpoint.endpoint_id, room_of(call), tone=JoinTone.JOIN)
        call.consulted = None
        call.guests.append(person)
    if her is not None:
        call.agent = None
        switch.index.drop_leg(her)
        switch.media.leave_room(her.endpoint.endpoint_id)
        switch.end_leg(call, her, HangUp())
        switch.media.release(her.endpoint.endpoint_id)


def guest_left(switch: ConferenceSwitch, call: Call, leg: Leg) -> bool:
    """A guest's leg ended: out of the call (the machine told); False: not a guest."""
    if leg not in call.guests:
        return False
    call.guests.remove(leg)
    switch.index.drop_leg(leg)
    switch.media.release(leg.endpoint.endpoint_id)
    if not call.guests and call.state in ASKING and call.caller is not None:
        switch.media.leave_room(call.caller.endpoint.endpoint_id)  # alone: music follows
    if not call.ended:
        switch.step(call, GuestLeft())
    return True


def guests_forgotten(switch: ConferenceSwitch, call: Call) -> None:
    """The call is over: any guest still on is hung up and let go."""
    for leg in call.guests:
        switch.index.drop_leg(leg)
        switch.end_leg(call, leg, HangUp())
        switch.media.release(leg.endpoint.endpoint_id)
    call.guests.clear()


class ConsoleConferences:
    def __init__(
        self,
        switch: ConferenceSwitch,
        max_parties: Callable[[str], int] = lambda tenant_id: MAX_PARTIES,
    ) -> None:
        self.switch = switch
        self.max_parties = max_parties
        """A tenant's limit of parties, her included (``pbx-console-conference``)."""

    def start(self, tenant_id: str, agent_id: str, contact_id: str) -> None:
        """Join caller, person and operator (Alt+K)."""
        call = self._consultation(tenant_id, agent_id, contact_id)
        if call.state is CallState.CONFERENCE:
            raise DomainError("a conference is on already", code="conference-on")
        if call.state is not CallState.CONSULTED:
            raise DomainError("the person has not answered", code="conference-not-answered")
        limit = self.max_parties(tenant_id)
        if full(call, limit, adding=True):
            raise DomainError("full", code="console-conference-full", most=limit)
        self.switch.step(call, ConferenceStarted())

    def leave(self, tenant_id: str, agent_id: str, contact_id: str) -> None:
        """She leaves (Alt+L, Alt+K again): the caller and the person talk on."""
        call = self.switch.calls.get(contact_id)
        if (
            call is None
            or call.tenant_id != tenant_id
            or call.agent_id != agent_id
            or call.state is not CallState.CONFERENCE
        ):
            raise DomainError("no conference", code="conference-none")
        self.switch.step(call, ConsultJoined())

    def on(self, tenant_id: str, agent_id: str, contact_id: str) -> bool:
        call = self.switch.calls.get(contact_id)
        return (
            call is not None
            and call.tenant_id == tenant_id
            and call.agent_id == agent_id
            and call.state is CallState.CONFERENCE
        )

    def _consultation(self, tenant_id: str, agent_id: str, contact_id: str) -> Call:
        call = self.switch.calls.get(contact_id)
        if (
            call is None
            or call.tenant_id != tenant_id
            or call.agent_id != agent_id
            or call.state not in STATES
        ):
            raise DomainError("no consultation", code="conference-no-consult")
        return call
