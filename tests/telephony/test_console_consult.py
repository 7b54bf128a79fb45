"""The console's announced transfer refuses before anything changes, and keeps what the
card shows (issue 16 §3, OP3, PBX8): a call that is not this operator's connected call, a
number her class bars or that does not route, a second consultation, connecting before
the person answered. The transfer on the wire, with Chromium and robot phones, is in
tests/web/test_browser_operator_consult.py; the machine's steps in test_call_announce.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest

from tests.telephony.test_console_transfer import FakeDialer, FakeInDialog, FakeInternal
from vaxel.core.errors import DomainError
from vaxel.telephony.call import CallMachine
from vaxel.telephony.call_events import AgentConnected, PhoneAnswered, PhonesRung
from vaxel.telephony.call_states import CallState
from vaxel.telephony.console_consult import ConsoleConsults
from vaxel.telephony.consult_events import (
    CONSULT,
    ConsultDropped,
    ConsultJoined,
    ConsultOver,
    ConsultSentOn,
    ConsultStarted,
    TalkToConsulted,
)

T = "exempelby"


@dataclass
class FakeCall:
    """A queue call the operator 'kristina' talks in, with a real call machine."""

    call_id: str = "c1"
    tenant_id: str = T
    machine: CallMachine = field(default_factory=CallMachine)
    caller: object | None = "caller-leg"
    agent: object | None = "her-leg"
    consulted: object | None = None
    transfers: int = 0
    session: None = None
    attempts: dict[str, Any] = field(default_factory=dict)
    guests: list[Any] = field(default_factory=list)
    dialled: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.machine.handle(PhonesRung("kristina", ("desk",)), 1.0)
        self.machine.handle(PhoneAnswered("kristina", "desk"), 2.0)
        self.machine.handle(AgentConnected(whisper=False), 2.1)

    @property
    def state(self) -> CallState:
        return self.machine.state

    @property
    def agent_id(self) -> str:
        return self.machine.agent_id


def leg(endpoint_id: str) -> Any:
    return SimpleNamespace(endpoint=SimpleNamespace(endpoint_id=endpoint_id))


@dataclass
class FakeMedia:
    bridged: list[tuple[str, str]] = field(default_factory=list)

    def stop_playback(self, endpoint_id: str) -> None:
        pass

    def bridge(self, a: str, b: str) -> None:
        self.bridged.append((a, b))


@dataclass
class FakeSwitch:
    calls: dict[str, Any]
    media: FakeMedia = field(default_factory=FakeMedia)
    dialer: FakeDialer = field(default_factory=FakeDialer)
    in_dialog: FakeInDialog = field(default_factory=FakeInDialog)
    internal: FakeInternal = field(default_factory=FakeInternal)
    steps: list[Any] = field(default_factory=list)
    rung: list[Any] = field(default_factory=list)
    rung_at: list[Any] = field(default_factory=list)

    def step(self, call: Any, event: Any) -> None:
        self.steps.append(event)
        call.machine.handle(event, 10.0)

    def ring(self, call: Any, offer: str, targets: list[Any], from_user: str, role: str) -> None:
        self.rung.append((offer, from_user, role))
        self.rung_at.append(targets)
        call.machine.handle(PhonesRung(offer, ("karin-desk",)), 10.0)


def consults(call: FakeCall | None = None) -> tuple[ConsoleConsults, FakeSwitch, list[float]]:
    switch = FakeSwitch({"c1": call or FakeCall()})
    now = [100.0]
    return ConsoleConsults(switch, lambda: now[0], lambda tenant: 20.0), switch, now  # type: ignore[arg-type]


def test_karin_is_rung_under_her_extension_and_the_card_shows_both_legs_with_times() -> None:
    calls, switch, now = consults()
    woken: list[str] = []
    calls.start(T, "kristina", "c1", "1005", "Karin Carlsson")
    assert switch.dialer.asked == [(T, "1005", "1011")]  # her extension's class of service
    assert switch.steps == [ConsultStarted(20.0)]  # rung for the tenant's recall time
    assert switch.rung == [(CONSULT, "1011", "consult")]  # Karin sees who asks
    now[0] = 104.0
    assert calls.view("c1") == {
        "number": "1005",
        "name": "Karin Carlsson",
        "state": "ringing",
        "status": 0,
        "on": True,
        "caller_held_s": 4,
        "person_s": 4,
        "conference_s": 0,  # no conference (Alt+K) made of it
        "guests": [],  # nobody earlier in a conference (§46)
    }
    call = switch.calls["c1"]
    call.agent, call.consulted = leg("her"), leg("karin")
    assert call.machine.handle(PhoneAnswered(CONSULT, "karin-desk"), 104.0) == [TalkToConsulted()]
    calls.changed = woken.append  # the live hub's wake: her card follows at once
    calls.carry_out(call, TalkToConsulted())
    assert switch.media.bridged == [("her", "karin")]  # she talks with Karin
    assert woken == [T]
    now[0] = 110.0
    view = calls.view("c1")
    assert view is not None
    assert (view["state"], view["caller_held_s"], view["person_s"]) == ("talking", 10, 6)
    with pytest.raises(DomainError) as refused:  # one consultation at a time
        calls.start(T, "kristina", "c1", "1006")
    assert refused.value.code == "console-consulting"
    calls.connect(T, "kristina", "c1")
    assert switch.steps[-1] == ConsultJoined()
    calls.carry_out(call, ConsultOver("joined"))
    now[0] = 200.0
    view = calls.view("c1")
    assert view is not None and (view["state"], view["on"], view["person_s"]) == (
        "joined",
        False,
        6,  # the times stop when it ended
    )
    calls.forget("c1")  # the call is over: nothing is kept
    assert calls.view("c1") is None


def test_back_is_allowed_while_karin_rings_and_connecting_sends_the_caller_on() -> None:
    calls, switch, _ = consults()
    calls.start(T, "kristina", "c1", "1005")
    switch.dialer.directory = SimpleNamespace(extension_of_agent=lambda tenant, agent: None)  # type: ignore[attr-defined]
    with pytest.raises(DomainError) as refused:  # no extension of hers to ring back
        calls.connect(T, "kristina", "c1")
    assert refused.value.code == "console-not-answered"
    assert switch.calls["c1"].state is CallState.CONSULTING  # nothing changed
    calls.back(T, "kristina", "c1")
    assert switch.steps[-1] == ConsultDropped()
    assert switch.calls["c1"].state is CallState.BRIDGED
    # semi-attended (issue 16 §3): F3 while Karin rings — the caller waits for her, and
    # unanswered is rung back to the operator's extension after the recall time
    calls.start(T, "kristina", "c1", "1005")
    her = SimpleNamespace(extension="1011")
    switch.dialer.directory = SimpleNamespace(extension_of_agent=lambda tenant, agent: her)  # type: ignore[attr-defined]
    calls.connect(T, "kristina", "c1")
    assert switch.steps[-1] == ConsultSentOn("1011", "1005", 20.0)
    assert switch.calls["c1"].state is CallState.TRANSFERRING


@pytest.mark.parametrize(
    ("call", "agent", "number", "code"),
    [
        (None, "kristina", "1005", "console-no-call"),
        (FakeCall(tenant_id="annanstad"), "kristina", "1005", "console-no-call"),
        (FakeCall(), "anna", "1005", "console-no-call"),
        (FakeCall(transfers=20), "kristina", "1005", "console-transfers"),
        (FakeCall(), "kristina", "0900123456", "console-barred"),
        (FakeCall(), "kristina", "12", "console-number"),
        (FakeCall(), "kristina", "9999", "console-no-route"),
    ],
)
def test_a_refused_consultation_changes_nothing(
    call: FakeCall | None, agent: str, number: str, code: str
) -> None:
    switch = FakeSwitch({"c1": call} if call is not None else {})
    calls = ConsoleConsults(switch, lambda: 0.0)  # type: ignore[arg-type]
    with pytest.raises(DomainError) as refused:
        calls.start(T, agent, "c1", number)
    assert refused.value.code == code
    assert switch.steps == [] and switch.rung == []
    assert call is None or call.state is CallState.BRIDGED
    assert calls.view("c1") is None
    with pytest.raises(DomainError) as nothing:
        calls.back(T, agent, "c1")
    assert nothing.value.code == "console-no-consult"
    with pytest.raises(DomainError) as nothing:
        calls.connect(T, agent, "c1")
    assert nothing.value.code == "console-no-consult"


def test_a_persons_short_number_of_the_plan_rings_every_device_of_theirs() -> None:
    """Olle's 4601 is no phone of the tenant's (issue 16 §3, PBX1): his desk phone and
    mobile ring at once, as his devices, not the number dialled out."""
    calls, switch, _now = consults()
    calls.start(T, "kristina", "c1", "4601", "Olle")
    assert switch.dialer.asked == [], "not dialled as a phone's or an outside number"
    assert switch.rung == [(CONSULT, "1011", "consult")]
    assert [uri for uri, _where, _how in switch.rung_at[0]] == [
        "sip:3102@127.0.0.1",
        "sip:0701@127.0.0.1",
    ]
