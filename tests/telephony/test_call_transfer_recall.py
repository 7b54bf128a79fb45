"""An agent's blind transfer of a queue caller that is not answered comes back to her
(issue 16 §3): the call machine's steps at explicit ``now``; the phones are in
tests/telephony/test_transfer_recall.py."""

from __future__ import annotations

from vaxel.telephony.call import CallMachine, CallState
from vaxel.telephony.call_events import (
    CALLEE,
    RECALL,
    TRANSFER,
    AgentConnected,
    Announce,
    Bridge,
    CancelPhone,
    HangUpParty,
    Notice,
    Party,
    PartyLeft,
    PhoneAnswered,
    PhoneFailed,
    PhonesRung,
    ReleasePhones,
    ReportContactEnded,
    ReportRingOutcome,
    Sound,
    TransferRequested,
    Unbridge,
)
from vaxel.telephony.call_park import RECALL_RING_S
from vaxel.telephony.park_events import LeaveOrbit, RingBack

RECALL_AFTER_S = 30.0


def transferred(at: float = 50.0) -> CallMachine:
    """Karin (extension 1011) took a queue caller and sent them to 1005, ringing."""
    call = CallMachine()
    call.handle(PhonesRung("karin", ("desk",)), 10.0)
    call.handle(PhoneAnswered("karin", "desk"), 12.0)
    call.handle(AgentConnected(whisper=False), 12.1)
    call.handle(TransferRequested("1011", RECALL_AFTER_S), at)
    call.handle(PhonesRung(TRANSFER, ("ext-1005",)), at + 0.1)
    return call


def test_an_unanswered_transfer_rings_back_the_agent_after_the_recall_time() -> None:
    call = transferred(at=50.0)
    assert call.next_deadline() == 80.0
    assert call.on_timer(79.9) == []
    assert call.state is CallState.TRANSFERRING
    assert call.on_timer(80.0) == [CancelPhone(TRANSFER, "ext-1005"), RingBack("1011")]
    assert call.state is CallState.RECALLING
    assert call.next_deadline() == 80.0 + RECALL_RING_S
    call.handle(PhonesRung(RECALL, ("ext-1011",)), 80.1)
    assert call.handle(PhoneAnswered(RECALL, "ext-1011"), 84.0) == [LeaveOrbit(), Bridge()]
    assert call.state is CallState.TRANSFERRED  # the caller and Karin talk again
    assert call.next_deadline() is None


def test_a_busy_or_unreachable_target_rings_back_the_agent_at_once() -> None:
    for status in (486, 404, 408):
        call = transferred(at=50.0)
        assert call.handle(PhoneFailed(TRANSFER, "ext-1005", status), 51.0) == [
            ReleasePhones(TRANSFER),
            RingBack("1011"),
        ]
        assert call.state is CallState.RECALLING


def test_nobody_taking_the_recall_keeps_the_caller_and_rings_again() -> None:
    """Karin gone or busy too: the caller waits (never hung up) and is rung back again
    after the recall time; the caller hanging up ends it."""
    call = transferred(at=50.0)
    call.on_timer(80.0)
    call.handle(PhonesRung(RECALL, ("ext-1011",)), 80.1)
    assert call.handle(PhoneFailed(RECALL, "ext-1011", 486), 81.0) == [ReleasePhones(RECALL)]
    assert call.state is CallState.PARKED
    assert call.next_deadline() == 81.0 + RECALL_AFTER_S
    assert call.on_timer(111.0) == [RingBack("1011")]
    assert call.state is CallState.RECALLING
    call.handle(PhonesRung(RECALL, ("ext-1011",)), 111.1)
    assert call.handle(PartyLeft(Party.CALLER), 115.0) == [
        CancelPhone(RECALL, "ext-1011"),
        LeaveOrbit(),
    ]
    assert call.state is CallState.ENDED


def test_a_transfer_with_no_recall_is_told_as_before() -> None:
    """No extension of hers known (``TransferRequested()``): the notice, then the end."""
    call = CallMachine()
    call.handle(PhonesRung("karin", ("desk",)), 10.0)
    call.handle(PhoneAnswered("karin", "desk"), 12.0)
    call.handle(AgentConnected(whisper=False), 12.1)
    call.handle(TransferRequested(), 50.0)
    call.handle(PhonesRung(TRANSFER, ("ext-1005",)), 50.1)
    assert call.next_deadline() is None
    assert call.handle(PhoneFailed(TRANSFER, "ext-1005", 486), 51.0) == [
        ReleasePhones(TRANSFER),
        Announce(Party.CALLER, Notice.NO_SUCH_NUMBER),
    ]
    assert call.state is CallState.ENDED


def test_a_transfer_to_the_plan_rings_on_as_an_internal_call() -> None:
    """The operator sends a queue caller to a number of the plan (issue 16 §3, PBX1): her
    contact ends, the caller hears ringback and rings the target as an internal call —
    the callee's answer bridges them, its ring time and outcome are the PBX's."""
    call = CallMachine()
    call.handle(PhonesRung("karin", ("desk",)), 10.0)
    call.handle(PhoneAnswered("karin", "desk"), 12.0)
    call.handle(AgentConnected(whisper=False), 12.1)
    assert call.handle(TransferRequested(number="4601", internal=True), 50.0) == [
        ReportContactEnded(),
        Unbridge(Sound.RINGBACK, Party.CALLER),
        HangUpParty(Party.AGENT),
    ]
    assert call.state is CallState.CONNECTING and not call.parked_by
    call.handle(PhonesRung(CALLEE, ("olle-desk",), ring_s=20.0), 50.1)
    assert call.next_deadline() == 70.1, "the person's own ring time, not a recall"
    assert call.handle(PhoneAnswered(CALLEE, "olle-desk"), 55.0)[-2:] == [
        ReportRingOutcome(200),
        Bridge(),
    ]
    assert call.state is CallState.TRANSFERRED
