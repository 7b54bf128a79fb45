"""The call machine's park and recall (issue 14, OP3) and pickup, with explicit time."""

from __future__ import annotations

import pytest

from vaxel.core.errors import IllegalTransition
from vaxel.telephony.call import CallMachine, CallState
from vaxel.telephony.call_events import (
    CALLEE,
    RECALL,
    TRANSFER,
    AgentConnected,
    Bridge,
    CancelPhone,
    HangUpParty,
    NoRoute,
    Party,
    PartyLeft,
    PhoneAnswered,
    PhoneFailed,
    PhonesRung,
    ReleasePhones,
    ReportContactEnded,
    ReportRingOutcome,
    Sound,
    TransferOrdered,
    Unbridge,
)
from vaxel.telephony.call_park import RECALL_RING_S
from vaxel.telephony.park_events import (
    CallParked,
    CallPickedUp,
    LeaveOrbit,
    ParkRetrieved,
    RingBack,
)


def talking() -> CallMachine:
    call = CallMachine()
    call.handle(PhonesRung("karin", ("desk",)), 10.0)
    call.handle(PhoneAnswered("karin", "desk"), 12.0)
    call.handle(AgentConnected(whisper=False), 12.1)
    return call


def internal_call() -> CallMachine:
    """A call between two extensions: rung as the TRANSFER offer, no ACD contact."""
    call = CallMachine()
    call.handle(TransferOrdered("1002"), 0.0)
    call.handle(PhonesRung(TRANSFER, ("ext-1002",)), 0.1)
    call.handle(PhoneAnswered(TRANSFER, "ext-1002"), 3.0)
    return call


def test_parking_an_acd_call_ends_the_contact_and_plays_music_to_the_caller() -> None:
    call = talking()
    assert call.handle(CallParked("1001", recall_s=60.0), 100.0) == [
        ReportContactEnded(),
        Unbridge(Sound.MUSIC, Party.CALLER),
        HangUpParty(Party.AGENT),
    ]
    assert call.state is CallState.PARKED
    assert call.next_deadline() == 160.0
    # the parker's leg ending after our BYE changes nothing
    assert call.handle(PartyLeft(Party.AGENT), 100.2) == []
    assert call.state is CallState.PARKED


def test_parking_an_internal_call_has_no_contact_to_end() -> None:
    call = internal_call()
    assert call.handle(CallParked("1002", recall_s=45.0), 10.0) == [
        Unbridge(Sound.MUSIC, Party.CALLER),
        HangUpParty(Party.AGENT),
    ]


def test_anyone_retrieving_the_orbit_is_bridged_and_the_recall_timer_stops() -> None:
    call = internal_call()
    call.handle(CallParked("1002", recall_s=60.0), 10.0)
    assert call.on_timer(69.9) == []  # not yet
    assert call.handle(ParkRetrieved(), 30.0) == [LeaveOrbit(), Bridge()]
    assert call.state is CallState.TRANSFERRED
    assert call.next_deadline() is None
    # and it may be parked again
    call.handle(CallParked("1003", recall_s=60.0), 40.0)
    assert call.next_deadline() == 100.0


def test_unretrieved_the_call_rings_back_whoever_parked_it_and_bridges_the_answer() -> None:
    call = internal_call()
    call.handle(CallParked("1002", recall_s=60.0), 10.0)
    assert call.on_timer(70.0) == [RingBack("1002")]
    assert call.state is CallState.RECALLING
    assert call.next_deadline() == 70.0 + RECALL_RING_S
    call.handle(PhonesRung(RECALL, ("desk", "soft")), 70.1)
    assert call.handle(PhoneAnswered(RECALL, "soft"), 75.0) == [
        CancelPhone(RECALL, "desk"),
        LeaveOrbit(),
        Bridge(),
    ]
    assert call.state is CallState.TRANSFERRED


def test_a_recall_nobody_answers_puts_the_call_back_in_its_orbit() -> None:
    call = internal_call()
    call.handle(CallParked("1002", recall_s=60.0), 10.0)
    call.on_timer(70.0)
    call.handle(PhonesRung(RECALL, ("desk",)), 70.1)
    assert call.on_timer(70.0 + RECALL_RING_S) == [CancelPhone(RECALL, "desk")]
    assert call.state is CallState.PARKED
    assert call.next_deadline() == 160.0  # another recall_s in the orbit
    assert call.handle(PhoneFailed(RECALL, "desk", 487), 100.1) == [ReleasePhones(RECALL)]
    assert call.state is CallState.PARKED


def test_a_declined_or_unroutable_recall_also_waits_on_in_the_orbit() -> None:
    call = internal_call()
    call.handle(CallParked("1002", recall_s=60.0), 10.0)
    call.on_timer(70.0)
    call.handle(PhonesRung(RECALL, ("desk",)), 70.1)
    assert call.handle(PhoneFailed(RECALL, "desk", 603), 72.0) == [ReleasePhones(RECALL)]
    assert (call.state, call.next_deadline()) == (CallState.PARKED, 132.0)
    call.on_timer(132.0)
    assert call.handle(NoRoute(RECALL), 132.0) == []  # the parker's phone is gone
    assert (call.state, call.next_deadline()) == (CallState.PARKED, 192.0)


def test_after_a_recall_nobody_answers_the_next_rings_the_operator() -> None:
    """OP3: the recall rings whoever parked the call; unanswered (or the parker's phone
    gone), the next recall rings the operator, and keeps ringing the operator."""
    call = internal_call()
    call.handle(CallParked("1002", recall_s=60.0, fallback="4000"), 10.0)
    assert call.on_timer(70.0) == [RingBack("1002")]
    call.handle(PhonesRung(RECALL, ("desk",)), 70.1)
    call.on_timer(70.0 + RECALL_RING_S)  # the parker did not answer
    call.handle(PhoneFailed(RECALL, "desk", 487), 100.1)
    assert call.on_timer(160.0) == [RingBack("4000")]
    assert call.handle(NoRoute(RECALL), 160.0) == []  # the operator's phone is not there
    assert call.on_timer(220.0) == [RingBack("4000")]
    without = internal_call()
    without.handle(CallParked("1002", recall_s=60.0), 10.0)
    without.on_timer(70.0)
    without.handle(NoRoute(RECALL), 70.0)
    assert without.on_timer(130.0) == [RingBack("1002")]  # no operator: the parker again


def test_retrieving_while_the_recall_rings_cancels_the_recall() -> None:
    call = internal_call()
    call.handle(CallParked("1002", recall_s=60.0), 10.0)
    call.on_timer(70.0)
    call.handle(PhonesRung(RECALL, ("desk",)), 70.1)
    assert call.handle(ParkRetrieved(), 71.0) == [
        CancelPhone(RECALL, "desk"),
        LeaveOrbit(),
        Bridge(),
    ]
    # the parker answering a moment later is too late: hung up, never half-open
    actions = call.handle(PhoneAnswered(RECALL, "desk"), 71.1)
    assert [type(a).__name__ for a in actions] == ["HangUpPhone"]


@pytest.mark.parametrize("recalling", [False, True])
def test_a_parked_caller_hanging_up_frees_the_orbit(recalling: bool) -> None:
    call = internal_call()
    call.handle(CallParked("1002", recall_s=60.0), 10.0)
    expected: list[object] = [LeaveOrbit()]
    if recalling:
        call.on_timer(70.0)
        call.handle(PhonesRung(RECALL, ("desk",)), 70.1)
        expected = [CancelPhone(RECALL, "desk"), LeaveOrbit()]
    assert call.handle(PartyLeft(Party.CALLER), 80.0) == expected
    assert call.state is CallState.ENDED


def test_only_a_talking_call_is_parked_and_only_a_parked_one_retrieved() -> None:
    with pytest.raises(IllegalTransition):
        CallMachine().handle(CallParked("1001", recall_s=60.0), 0.0)  # still in the IVR
    with pytest.raises(IllegalTransition):
        talking().handle(ParkRetrieved(), 0.0)
    with pytest.raises(ValueError):
        CallParked("", recall_s=60.0)


def test_a_ringing_internal_call_picked_up_cancels_the_callee_and_bridges_the_picker() -> None:
    call = CallMachine(internal=True)
    call.handle(PhonesRung(CALLEE, ("desk", "soft"), ring_s=20.0), 0.0)
    assert call.handle(CallPickedUp(), 4.0) == [
        CancelPhone(CALLEE, "desk"),
        CancelPhone(CALLEE, "soft"),
        ReportRingOutcome(200),  # answered: no forwarding, no next step
        Bridge(),
    ]
    assert call.state is CallState.TRANSFERRED
    assert call.next_deadline() is None
    # the cancelled phones' 487s are no declines
    assert call.handle(PhoneFailed(CALLEE, "desk", 487), 4.1) == []
    with pytest.raises(IllegalTransition):
        call.handle(CallPickedUp(), 5.0)  # only a ringing call is picked up
