"""The call machine's camp-on steps (issue 16 §3, OP4), with explicit time: a camped call is
a park without an orbit — music, rung onward at once when the busy extension is free
(``RingParked``), and rung back to the operator after the tenant's wait when it is not."""

from __future__ import annotations

import pytest

from vaxel.core.errors import IllegalTransition
from vaxel.telephony.call import CallMachine, CallState
from vaxel.telephony.call_events import (
    RECALL,
    AgentConnected,
    Bridge,
    CancelPhone,
    HangUpParty,
    Party,
    PartyLeft,
    PhoneAnswered,
    PhonesRung,
    ReportContactEnded,
    Sound,
    Unbridge,
)
from vaxel.telephony.call_park import RECALL_RING_S
from vaxel.telephony.park_events import CallParked, LeaveOrbit, RingBack, RingParked
from vaxel.telephony.requeue_events import ReportTakenBack

WAIT_S = 120.0


def camped(at: float = 100.0) -> CallMachine:
    """Kristina's queue call, camped on a busy extension: rung back at her 1011."""
    call = CallMachine()
    call.handle(PhonesRung("kristina", ("desk",)), 10.0)
    call.handle(PhoneAnswered("kristina", "desk"), 12.0)
    call.handle(AgentConnected(whisper=False), 12.1)
    assert call.handle(CallParked("1011", WAIT_S, "1011"), at) == [
        ReportContactEnded(),  # she is free for the next call (wrap-up)
        Unbridge(Sound.MUSIC, Party.CALLER),
        HangUpParty(Party.AGENT),
    ]
    return call


def test_the_free_extension_rings_and_its_answer_connects_the_caller() -> None:
    call = camped()
    assert call.handle(RingParked("1005"), 130.0) == [RingBack("1005")]
    assert call.state is CallState.RECALLING
    assert call.next_deadline() == 130.0 + RECALL_RING_S
    call.handle(PhonesRung(RECALL, ("karin-desk",)), 130.1)
    assert call.handle(PhoneAnswered(RECALL, "karin-desk"), 134.0) == [
        LeaveOrbit(),
        Bridge(),
        ReportTakenBack("1005"),  # Karin's extension answered: the ACD refuses, not hers
    ]
    assert call.state is CallState.TRANSFERRED
    assert call.next_deadline() is None


def test_waiting_longer_than_the_setting_rings_the_operator_who_camped_it() -> None:
    call = camped(at=100.0)
    assert call.next_deadline() == 100.0 + WAIT_S
    assert call.on_timer(219.9) == []
    assert call.on_timer(220.0) == [RingBack("1011")]  # her phone, the caller on music
    assert call.state is CallState.RECALLING


def test_an_unanswered_ring_of_the_extension_goes_back_to_waiting_never_dropped() -> None:
    call = camped(at=100.0)
    call.handle(RingParked("1005"), 130.0)
    call.handle(PhonesRung(RECALL, ("karin-desk",)), 130.1)
    assert call.on_timer(130.0 + RECALL_RING_S) == [CancelPhone(RECALL, "karin-desk")]
    assert call.state is CallState.PARKED  # camp_on.py then rings the operator at once
    assert call.handle(RingParked("1011"), 161.0) == [RingBack("1011")]


def test_the_caller_hanging_up_ends_the_camped_call() -> None:
    call = camped()
    assert call.handle(PartyLeft(Party.CALLER), 150.0) == [LeaveOrbit()]
    assert call.state is CallState.ENDED
    with pytest.raises(IllegalTransition):
        call.handle(RingParked("1005"), 151.0)


def test_only_a_waiting_call_may_be_rung_onward() -> None:
    call = CallMachine()
    with pytest.raises(IllegalTransition):
        call.handle(RingParked("1005"), 1.0)
