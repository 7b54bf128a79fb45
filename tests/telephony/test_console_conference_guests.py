"""Console conferences past three (issue 16, spec §46 "Koppla upp konferenssamtal"): the
machine's steps at explicit times — asking one more from the conference while the others
talk on, adding them, going back, each party leaving — and the switch's side: the guests'
legs in the mix, her leg out of it while she asks, and the tenant's limit of parties,
refused in Swedish's code with nothing changed. The wire (robots hearing each other) is
tests/web/test_browser_operator_conference.py."""

from __future__ import annotations

import pytest

from tests.telephony.test_console_conference import conferencing, in_conference
from tests.telephony.test_console_consult import leg
from vaxel.core.errors import DomainError
from vaxel.pbx.console_conference import ConsoleConferenceSettings
from vaxel.telephony.call import CallMachine, CallState
from vaxel.telephony.call_events import (
    CancelPhone,
    HangUpParty,
    Hear,
    Party,
    PartyLeft,
    PhoneAnswered,
    PhonesRung,
    ReportContactEnded,
    Sound,
)
from vaxel.telephony.consult_events import (
    CONSULT,
    ConferenceStarted,
    ConsultDropped,
    ConsultedLeft,
    ConsultFromConference,
    ConsultJoined,
    ConsultOver,
    ConsultStarted,
    DropConsulted,
    GuestLeft,
    GuestTakesSeat,
    GuestToConsulted,
    JoinConference,
    LeaveRoom,
    TalkToConsulted,
)

T = "exempelby"


def asking_maria() -> CallMachine:
    """A conference of three (caller, Karin, her); at 120 s she asks Maria from it."""
    call = in_conference()
    assert call.handle(ConsultStarted(20.0), 120.0) == [
        ConsultFromConference(),  # Karin stays in the mix with the caller, as a guest
        Hear(Party.AGENT, Sound.RINGBACK),  # no music for the caller: they talk on
    ]
    assert (call.state, call.guests, call.next_deadline()) == (CallState.CONSULTING, 1, 140.0)
    call.handle(PhonesRung(CONSULT, ("maria-desk",)), 120.5)
    return call


def of_four() -> CallMachine:
    call = asking_maria()
    assert call.handle(PhoneAnswered(CONSULT, "maria-desk"), 125.0) == [TalkToConsulted()]
    assert call.handle(ConferenceStarted(), 130.0) == [JoinConference()]  # Alt+K again
    assert (call.state, call.guests) == (CallState.CONFERENCE, 1)
    return call


def test_asked_from_the_conference_and_unanswered_she_is_back_in_it() -> None:
    call = asking_maria()
    assert call.on_timer(139.9) == []
    assert call.on_timer(140.0) == [
        CancelPhone(CONSULT, "maria-desk"),
        DropConsulted(),
        ConsultOver("no-answer"),
        GuestToConsulted(),  # Karin is the conference's person again
        JoinConference(),  # her leg back in the mix
    ]
    assert (call.state, call.guests) == (CallState.CONFERENCE, 0)
    call = asking_maria()  # F4 while Maria talks is the same
    call.handle(PhoneAnswered(CONSULT, "maria-desk"), 125.0)
    actions = call.handle(ConsultDropped(), 126.0)
    assert actions[-2:] == [GuestToConsulted(), JoinConference()]
    assert ReportContactEnded() not in actions and call.state is CallState.CONFERENCE


def test_she_leaves_a_conference_of_four_and_the_three_talk_on_until_one_is_left() -> None:
    call = of_four()
    assert call.handle(ConsultJoined(), 140.0) == [  # Alt+L
        ReportContactEnded(),  # her contact ends: wrap-up
        LeaveRoom(),  # Maria stays in the mix as a guest, her leg is hung up
        ConsultOver("joined"),
    ]
    assert (call.state, call.guests) == (CallState.TRANSFERRED, 2)
    assert call.handle(PartyLeft(Party.CALLER), 150.0) == [GuestTakesSeat()]  # Karin's seat
    assert (call.state, call.guests) == (CallState.TRANSFERRED, 1)
    assert call.handle(GuestLeft(), 160.0) == [HangUpParty(Party.CALLER)]  # alone: hung up
    assert call.state is CallState.ENDED


def test_any_party_leaving_a_conference_of_four_leaves_the_rest_talking() -> None:
    call = of_four()  # the caller hangs up: Karin takes the caller's seat
    assert call.handle(PartyLeft(Party.CALLER), 140.0) == [GuestTakesSeat(alone=False)]
    assert (call.state, call.guests) == (CallState.CONFERENCE, 0)
    call = of_four()  # Maria (the conference's person) hangs up: Karin is it again
    assert call.handle(ConsultedLeft(), 140.0) == [
        DropConsulted(),
        ConsultOver("hung-up"),
        GuestToConsulted(),
    ]
    assert (call.state, call.guests) == (CallState.CONFERENCE, 0)
    call = of_four()  # Karin (a guest) hangs up
    assert call.handle(GuestLeft(), 140.0) == []
    assert (call.state, call.guests) == (CallState.CONFERENCE, 0)
    call = of_four()  # her phone hangs up: as Alt+L
    assert call.handle(PartyLeft(Party.AGENT), 140.0)[:2] == [ReportContactEnded(), LeaveRoom()]
    assert call.state is CallState.TRANSFERRED


def test_while_she_asks_the_last_guest_leaving_puts_the_caller_on_music() -> None:
    call = asking_maria()
    assert call.handle(GuestLeft(), 125.0) == [Hear(Party.CALLER, Sound.MUSIC)]
    assert (call.state, call.guests) == (CallState.CONSULTING, 0)
    call = asking_maria()  # the caller hangs up: Karin takes the seat, alone: music
    assert call.handle(PartyLeft(Party.CALLER), 125.0) == [
        GuestTakesSeat(alone=True),
        Hear(Party.CALLER, Sound.MUSIC),
    ]


def test_the_switch_moves_the_legs_and_refuses_past_the_limit() -> None:
    conferences, consults, switch, call = conferencing()
    conferences.start(T, "kristina", "c1")  # caller, Karin, her
    switch.media.done.clear()
    consults.start(T, "kristina", "c1", "1003", "Maria Johansson")  # Shift+Enter on Maria
    assert [g.endpoint.endpoint_id for g in call.guests] == ["karin"] and call.consulted is None
    assert ("leave_room", "her") in switch.media.done  # she steps out; they talk on
    assert ("leave_room", "caller") not in switch.media.done
    assert ("leave_room", "karin") not in switch.media.done
    view = consults.view("c1")
    assert view is not None and view["guests"] == ["Karin Carlsson"]
    assert view["name"] == "Maria Johansson" and view["state"] == "ringing"
    call.consulted = leg("maria")  # Maria's phone answered
    call.machine.handle(PhoneAnswered(CONSULT, "karin-desk"), 125.0)
    conferences.max_parties = lambda tenant_id: 3  # a tenant allowing three only
    with pytest.raises(DomainError) as full:
        conferences.start(T, "kristina", "c1")
    assert full.value.code == "console-conference-full" and full.value.params["most"] == 3
    assert call.state is CallState.CONSULTED  # nothing changed
    conferences.max_parties = lambda tenant_id: 4
    switch.media.done.clear()
    conferences.start(T, "kristina", "c1")  # Alt+K: four in the mix
    room = "exempelby/console-conference/c1"
    joined = [(d[1], d[2]) for d in switch.media.done if d[0] == "join_room"]
    assert joined == [("caller", room), ("maria", room), ("her", room)]  # Karin is in
    view = consults.view("c1")
    assert view is not None and view["state"] == "conference"
    assert view["guests"] == ["Karin Carlsson"] and view["name"] == "Maria Johansson"
    consults.max_parties = lambda tenant_id: 4
    with pytest.raises(DomainError) as full:
        consults.start(T, "kristina", "c1", "1004", "Johan Nilsson")
    assert full.value.code == "console-conference-full"
    assert call.state is CallState.CONFERENCE and len(call.guests) == 1
    switch.media.done.clear()
    conferences.leave(T, "kristina", "c1")  # Alt+L: the three talk on, in the mix
    assert [g.endpoint.endpoint_id for g in call.guests] == ["karin", "maria"]
    assert call.agent is None and call.state is CallState.TRANSFERRED
    assert not [d for d in switch.media.done if d[0] == "bridge"]
    assert ("leave_room", "caller") not in switch.media.done


def test_the_tenant_s_limit_is_read_within_its_range() -> None:
    assert ConsoleConferenceSettings.of({"max_parties": 4}).max_parties == 4
    for unusable in ({"max_parties": 2}, {"max_parties": 21}, {"max_parties": "8"}, None):
        assert ConsoleConferenceSettings.of(unusable).max_parties == 6  # the default
