"""A three-party conference from the operator console (issue 16 §3 "a three-party
conference", OP3): while she asks a person first and they have answered, she joins the
caller, the person and herself in one mix; she leaves and the two talk on.

The console, not her phone, orders it (third-party call control, PBX9): the three legs of
the announced transfer (``console_consult.py``) leave their bridge and the caller's music
and are put in a room of the media engine's conference mixer of their own
(``<tenant>/console-conference/<call>``, never shared with a conference room's number),
all hearing the conference's join tone. The call machine's steps are ``call_announce.py``
(CONFERENCE): she leaves (or hangs up) and the person takes her seat with the caller; the
person hanging up gives her the caller back; the caller hanging up leaves her and the
person in an ordinary call of two. Refusals change nothing: no consultation on
('conference-no-consult'), the person not answered yet ('conference-not-answered'), a
conference on already ('conference-on'), leaving none ('conference-none'). Runs on the
event loop.
"""

from __future__ import annotations

import logging
from typing import Protocol

from vaxel.core.errors import DomainError
from vaxel.media.backend import JoinTone, MediaBackend, MediaError
from vaxel.media.player import Comfort
from vaxel.telephony.call_announce import STATES
from vaxel.telephony.call_events import CallEvent
from vaxel.telephony.call_index import CallIndex
from vaxel.telephony.call_states import CallState
from vaxel.telephony.calls import Call, Leg
from vaxel.telephony.consult_events import ConferenceStarted, ConsultJoined

__all__ = ["ConferenceSwitch", "ConsoleConferences", "join", "leave_all", "room_of", "seat_person"]

log = logging.getLogger(__name__)


class ConferenceSwitch(Protocol):
    """What a console conference needs of the switch."""

    calls: dict[str, Call]
    media: MediaBackend
    index: CallIndex

    def step(self, call: Call, event: CallEvent) -> None: ...


def room_of(call: Call) -> str:
    """The mixer's room: the call's own."""
    return f"{call.tenant_id}/console-conference/{call.call_id}"


def _legs(call: Call) -> list[Leg]:
    return [leg for leg in (call.caller, call.consulted, call.agent) if leg is not None]


def join(media: MediaBackend, call: Call) -> bool:
    """Caller, person and operator into one mix (the caller's music stops); False when the
    mixer refused: as before, she talks with the person and the caller hears music."""
    room = room_of(call)
    try:
        for leg in _legs(call):
            endpoint = leg.endpoint.endpoint_id
            media.stop_playback(endpoint)
            media.set_comfort(endpoint, Comfort.SILENCE)
            media.join_room(endpoint, room, tone=JoinTone.JOIN)
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


class ConsoleConferences:
    def __init__(self, switch: ConferenceSwitch) -> None:
        self.switch = switch

    def start(self, tenant_id: str, agent_id: str, contact_id: str) -> None:
        """Join caller, person and operator (Alt+K)."""
        call = self._consultation(tenant_id, agent_id, contact_id)
        if call.state is CallState.CONFERENCE:
            raise DomainError("a conference is on already", code="conference-on")
        if call.state is not CallState.CONSULTED:
            raise DomainError("the person has not answered", code="conference-not-answered")
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
