"""The call machine's hold and attended transfer (issue 14 §6, Q10; RFC 3891 as the switch
reads it), step by step at explicit times: B talks with A, holds A (A hears music), calls
C (the consultation), and joins A and C; or C does not answer and B takes A back; or A
hangs up while B consults."""

from __future__ import annotations

import pytest

from vaxel.core.errors import IllegalTransition
from vaxel.telephony.call import CallMachine, CallState
from vaxel.telephony.call_events import (
    CALLEE,
    AgentConnected,
    Bridge,
    CancelPhone,
    HangUpParty,
    Hear,
    HoldChanged,
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
from vaxel.telephony.transfer_events import PartyHandedOver, PartyReplaced


def internal(answered_at: float) -> CallMachine:
    """An internal call (PBX1): the caller's leg, then the callee's phone answers."""
    call = CallMachine(internal=True)
    call.handle(PhonesRung(CALLEE, ("phone",), ring_s=20.0), answered_at - 2.0)
    call.handle(PhoneAnswered(CALLEE, "phone"), answered_at)
    return call


def acd_contact() -> CallMachine:
    call = CallMachine()
    call.handle(PhonesRung("karin", ("desk",)), 10.0)
    call.handle(PhoneAnswered("karin", "desk"), 12.0)
    call.handle(AgentConnected(whisper=False), 12.1)
    return call


def test_an_internal_call_held_plays_music_to_the_other_side_until_resumed() -> None:
    call = internal(answered_at=5.0)  # A called B; B answered
    assert call.state is CallState.TRANSFERRED
    assert call.handle(HoldChanged(Party.AGENT, held=True), 30.0) == [
        Unbridge(Sound.MUSIC, Party.CALLER)  # B holds: A hears music
    ]
    assert call.state is CallState.ON_HOLD
    assert call.handle(HoldChanged(Party.AGENT, held=True), 31.0) == []  # a refresh
    assert call.handle(HoldChanged(Party.AGENT, held=False), 40.0) == [Bridge()]
    assert call.state is CallState.TRANSFERRED  # no ACD contact appears on resuming
    assert call.handle(HoldChanged(Party.CALLER, held=True), 50.0) == [
        Unbridge(Sound.MUSIC, Party.AGENT)  # the caller may hold too
    ]


def test_the_consulted_party_replaces_the_transferor_and_the_consultation_ends() -> None:
    held = internal(answered_at=5.0)  # A (caller) with B (agent's seat)
    held.handle(HoldChanged(Party.AGENT, held=True), 20.0)
    consultation = internal(answered_at=30.0)  # B (caller) calls C
    assert consultation.state is CallState.TRANSFERRED
    # B's REFER with Replaces: C's leg takes B's seat in A's call
    assert held.handle(PartyReplaced(), 45.0) == [Bridge()]
    assert held.state is CallState.TRANSFERRED
    assert consultation.handle(PartyHandedOver(Party.AGENT), 45.0) == [
        HangUpParty(Party.CALLER)  # B's leg there
    ]
    assert consultation.state is CallState.ENDED
    # A and C talk on; either hanging up ends their call, no contact to report
    assert held.handle(PartyLeft(Party.AGENT), 90.0) == [HangUpParty(Party.CALLER)]


def test_an_agent_s_attended_transfer_ends_the_contact_like_a_blind_one() -> None:
    contact = acd_contact()  # a customer with agent Karin
    contact.handle(HoldChanged(Party.AGENT, held=True), 20.0)
    assert contact.state is CallState.HELD
    assert contact.handle(PartyReplaced(), 50.0) == [ReportContactEnded(), Bridge()]
    assert contact.state is CallState.TRANSFERRED
    assert contact.handle(PartyLeft(Party.CALLER), 80.0) == [HangUpParty(Party.AGENT)]


def test_the_consulted_party_refusing_leaves_a_held_until_b_takes_a_back() -> None:
    held = internal(answered_at=5.0)
    held.handle(HoldChanged(Party.AGENT, held=True), 20.0)
    consultation = CallMachine(internal=True)  # B calls C, who declines
    consultation.handle(PhonesRung(CALLEE, ("c-desk",), ring_s=20.0), 25.0)
    assert consultation.handle(PhoneFailed(CALLEE, "c-desk", 486), 27.0) == [
        ReleasePhones(CALLEE),
        ReportRingOutcome(486),  # the switch tells B "upptaget"
    ]
    assert held.state is CallState.ON_HOLD  # A still hears music meanwhile
    assert held.handle(HoldChanged(Party.AGENT, held=False), 35.0) == [Bridge()]
    assert held.state is CallState.TRANSFERRED  # B has A back


def test_a_hanging_up_during_the_consultation_ends_only_a_s_call() -> None:
    held = internal(answered_at=5.0)
    held.handle(HoldChanged(Party.AGENT, held=True), 20.0)
    consultation = internal(answered_at=30.0)
    assert held.handle(PartyLeft(Party.CALLER), 40.0) == [HangUpParty(Party.AGENT)]
    assert held.state is CallState.ENDED
    with pytest.raises(IllegalTransition):  # nothing left to join B's consultation to
        held.handle(PartyReplaced(), 41.0)
    assert consultation.state is CallState.TRANSFERRED  # B and C talk on


def test_a_pbx_call_s_blind_transfer_rings_the_number_on_for_the_caller() -> None:
    call = internal(answered_at=5.0)  # A with B; B REFERs A to a number
    assert call.handle(TransferRequested(), 20.0) == [
        Unbridge(Sound.RINGBACK, Party.CALLER),  # A hears ringback meanwhile
        HangUpParty(Party.AGENT),  # B's phone is done; no ACD contact to end
    ]
    assert call.state is CallState.CONNECTING
    call.handle(PhonesRung(f"{CALLEE}:2", ("c-desk",), ring_s=20.0), 20.1)
    assert call.next_deadline() == pytest.approx(40.1)
    assert call.handle(PhoneAnswered(f"{CALLEE}:2", "c-desk"), 24.0) == [
        ReportRingOutcome(200),
        Bridge(),
    ]
    assert call.state is CallState.TRANSFERRED


def test_a_blind_transfer_from_hold_that_rings_out_is_reported_unanswered() -> None:
    call = internal(answered_at=5.0)
    call.handle(HoldChanged(Party.AGENT, held=True), 10.0)  # phones hold before a REFER
    call.handle(TransferRequested(), 12.0)
    call.handle(PhonesRung(f"{CALLEE}:2", ("c-desk",), ring_s=20.0), 12.1)
    assert call.on_timer(32.0) == []  # not yet
    assert call.on_timer(32.1) == [CancelPhone(f"{CALLEE}:2", "c-desk"), ReportRingOutcome(0)]
    assert call.state is CallState.CONNECTING  # the PBX tells A, or forwards


def test_semi_attended_the_held_party_waits_in_the_ringing_consultation() -> None:
    held = internal(answered_at=5.0)
    held.handle(HoldChanged(Party.AGENT, held=True), 20.0)
    consultation = CallMachine(internal=True)  # B calls C; C's phone still rings
    consultation.handle(PhonesRung(CALLEE, ("c-desk",), ring_s=20.0), 25.0)
    # semi-attended: A takes B's seat in the consultation, B's leg in A's call is hung up
    assert consultation.handle(PartyReplaced(), 27.0) == [Hear(Party.CALLER, Sound.RINGBACK)]
    assert consultation.state is CallState.CONNECTING
    assert held.handle(PartyHandedOver(Party.CALLER), 27.0) == [HangUpParty(Party.AGENT)]
    assert consultation.handle(PhoneAnswered(CALLEE, "c-desk"), 30.0) == [
        ReportRingOutcome(200),
        Bridge(),  # A with C
    ]
