"""The console's three-party conference (issue 16 §3 "a three-party conference", OP3):
the machine's steps at explicit times, the switch's side (the three legs in one mix of
their own, left before the two talk on) and the refusals, which change nothing. The wire,
with Chromium and baresip robots hearing each other, is
tests/web/test_browser_operator_conference.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.telephony.test_call_announce import asking_karin
from tests.telephony.test_console_consult import FakeCall, FakeSwitch, leg
from vaxel.core.errors import DomainError, IllegalTransition
from vaxel.media.player import Comfort
from vaxel.telephony.call import CallMachine, CallState
from vaxel.telephony.call_events import (
    Bridge,
    HangUpParty,
    Party,
    PartyLeft,
    PhoneAnswered,
    PhonesRung,
    ReportContactEnded,
)
from vaxel.telephony.console_conference import ConsoleConferences
from vaxel.telephony.console_consult import ConsoleConsults
from vaxel.telephony.consult_events import (
    CONSULT,
    ConferenceStarted,
    ConsultDropped,
    ConsultedLeft,
    ConsultJoined,
    ConsultOver,
    ConsultStarted,
    DropConsulted,
    JoinConference,
    JoinConsulted,
    TakeCallersSeat,
)

T = "exempelby"


def in_conference() -> CallMachine:
    call = asking_karin()
    call.handle(PhoneAnswered(CONSULT, "karin-desk"), 108.0)
    assert call.handle(ConferenceStarted(), 110.0) == [JoinConference()]
    assert call.state is CallState.CONFERENCE
    assert call.next_deadline() is None  # nothing rings out in a conference
    return call


def test_a_conference_only_once_the_person_answered() -> None:
    call = asking_karin()
    with pytest.raises(IllegalTransition):
        call.handle(ConferenceStarted(), 105.0)  # Karin still rings
    assert call.state is CallState.CONSULTING


def test_she_leaves_and_the_caller_and_the_person_talk_on() -> None:
    call = in_conference()
    assert call.handle(ConsultJoined(), 130.0) == [
        ReportContactEnded(),
        JoinConsulted(),
        ConsultOver("joined"),
    ]
    assert call.state is CallState.TRANSFERRED
    call = in_conference()  # her phone hanging up is the same
    assert call.handle(PartyLeft(Party.AGENT), 130.0)[:2] == [ReportContactEnded(), JoinConsulted()]
    assert call.state is CallState.TRANSFERRED


def test_the_person_hanging_up_or_back_gives_her_the_caller_again() -> None:
    for event in (ConsultedLeft(), ConsultDropped()):
        call = in_conference()
        actions = call.handle(event, 130.0)
        assert DropConsulted() in actions and actions[-1] == Bridge()
        assert ReportContactEnded() not in actions  # the contact is still hers
        assert call.state is CallState.BRIDGED


def test_the_caller_hanging_up_leaves_her_and_the_person_in_a_call_of_two() -> None:
    call = in_conference()
    assert call.handle(PartyLeft(Party.CALLER), 130.0) == [
        TakeCallersSeat(),  # the person's leg is the call's other party from here
        ConsultOver("caller-left"),
        Bridge(),
    ]
    assert call.state is CallState.BRIDGED  # still her contact: no queue call offered her
    assert call.handle(PartyLeft(Party.CALLER), 150.0) == [
        ReportContactEnded(),  # then either hanging up ends it, and her wrap-up starts
        HangUpParty(Party.AGENT),
    ]
    assert call.state is CallState.ENDED


@dataclass
class MixingMedia:
    """The media backend's calls, as the switch would make them."""

    done: list[tuple[Any, ...]] = field(default_factory=list)

    def __getattr__(self, name: str) -> Any:
        return lambda *args, **kwargs: self.done.append((name, *args))


def conferencing() -> tuple[ConsoleConferences, ConsoleConsults, FakeSwitch, Any]:
    switch = FakeSwitch({"c1": FakeCall()})
    switch.media = MixingMedia()  # type: ignore[assignment]
    switch.index = type("Index", (), {"drop_leg": lambda self, leg: None})()  # type: ignore[attr-defined]
    consults = ConsoleConsults(switch, lambda: 200.0)  # type: ignore[arg-type]
    consults.start(T, "kristina", "c1", "1005", "Karin Carlsson")
    call = switch.calls["c1"]
    call.caller, call.agent, call.consulted = leg("caller"), leg("her"), leg("karin")
    call.machine.handle(PhoneAnswered(CONSULT, "karin-desk"), 104.0)
    media = switch.media

    class Bridging:
        def bridge(self, c: Any) -> None:
            media.bridge(c.caller.endpoint.endpoint_id, c.agent.endpoint.endpoint_id)

    switch.bridging = Bridging()  # type: ignore[attr-defined]
    switch.end_leg = lambda c, gone, event: media.done.append(("end_leg", gone))  # type: ignore[attr-defined]

    def step(c: Any, event: Any) -> None:  # the switch carries the machine's actions out
        for action in c.machine.handle(event, 110.0):
            if isinstance(action, Bridge):
                switch.bridging.bridge(c)  # type: ignore[attr-defined]
            elif not isinstance(action, ReportContactEnded):
                consults.carry_out(c, action)

    switch.step = step  # type: ignore[method-assign]
    return ConsoleConferences(switch), consults, switch, call  # type: ignore[arg-type]


def test_alt_k_mixes_the_three_and_the_card_says_conference() -> None:
    conferences, consults, switch, call = conferencing()
    conferences.start(T, "kristina", "c1")
    room = "exempelby/console-conference/c1"
    joined = [d for d in switch.media.done if d[0] == "join_room"]
    assert [(d[1], d[2]) for d in joined] == [("caller", room), ("karin", room), ("her", room)]
    assert ("set_comfort", "caller", Comfort.SILENCE) in switch.media.done  # no music
    assert conferences.on(T, "kristina", "c1")
    view = consults.view("c1")
    assert view is not None and view["state"] == "conference" and view["on"]
    with pytest.raises(DomainError) as twice:
        conferences.start(T, "kristina", "c1")
    assert twice.value.code == "conference-on"
    switch.media.done.clear()
    conferences.leave(T, "kristina", "c1")  # Alt+L: out of the mix, then bridged
    names = [d[0] for d in switch.media.done]
    assert names[:3] == ["leave_room"] * 3
    assert ("bridge", "caller", "karin") in switch.media.done
    assert call.state is CallState.TRANSFERRED and call.agent.endpoint.endpoint_id == "karin"
    with pytest.raises(DomainError) as none:
        conferences.leave(T, "kristina", "c1")
    assert none.value.code == "conference-none"


def test_the_caller_leaving_seats_the_person_with_her() -> None:
    conferences, _consults, switch, call = conferencing()
    conferences.start(T, "kristina", "c1")
    switch.step(call, PartyLeft(Party.CALLER))
    assert call.caller.endpoint.endpoint_id == "karin" and call.consulted is None
    assert ("release", "caller") in switch.media.done  # the caller's leg is let go
    assert switch.media.done[-1] == ("bridge", "karin", "her")  # she and Karin talk
    assert call.state is CallState.BRIDGED


@pytest.mark.parametrize(
    ("tenant", "agent", "answered", "code"),
    [
        ("annanstad", "kristina", True, "conference-no-consult"),
        (T, "anna", True, "conference-no-consult"),
        (T, "kristina", False, "conference-not-answered"),
    ],
)
def test_a_refused_conference_changes_nothing(
    tenant: str, agent: str, answered: bool, code: str
) -> None:
    switch = FakeSwitch({"c1": FakeCall()})
    conferences = ConsoleConferences(switch)  # type: ignore[arg-type]
    with pytest.raises(DomainError) as refused:
        conferences.start(T, "kristina", "c1")  # no consultation at all
    assert refused.value.code == "conference-no-consult"
    switch.step(switch.calls["c1"], ConsultStarted(20.0))
    switch.calls["c1"].machine.handle(PhonesRung(CONSULT, ("karin-desk",)), 10.5)
    if answered:
        switch.calls["c1"].machine.handle(PhoneAnswered(CONSULT, "karin-desk"), 11.0)
    steps = list(switch.steps)
    with pytest.raises(DomainError) as refused:
        conferences.start(tenant, agent, "c1")
    assert refused.value.code == code
    assert switch.steps == steps  # nothing asked of the machine
    assert not conferences.on(tenant, agent, "c1")
