"""The call machine's CONNECTING path (PBX1): an internal call's callee rings while the
caller hears ringback (early media, not answered); the outcome is reported and the call
stays for the next step."""

from __future__ import annotations

from vaxel.telephony.call import CallMachine, CallState
from vaxel.telephony.call_events import (
    CALLEE,
    Bridge,
    CancelPhone,
    HangUpParty,
    Party,
    PartyLeft,
    PhoneAnswered,
    PhoneFailed,
    PhonesRung,
    ReleasePhones,
    ReportRingOutcome,
    is_callee,
)
from vaxel.telephony.early_events import AnswerCaller


def test_the_callee_answering_answers_the_caller_and_bridges_the_two() -> None:
    machine = CallMachine(internal=True, early=True)  # a new call: the caller had 183
    assert machine.state is CallState.CONNECTING
    machine.handle(PhonesRung(CALLEE, ("a", "b"), ring_s=20.0), 100.0)
    assert machine.next_deadline() == 120.0
    actions = machine.handle(PhoneAnswered(CALLEE, "b"), 101.0)
    assert actions == [CancelPhone(CALLEE, "a"), AnswerCaller(), ReportRingOutcome(200), Bridge()]
    assert machine.state is CallState.TRANSFERRED
    assert machine.next_deadline() is None
    assert machine.handle(PartyLeft(Party.AGENT), 102.0) == [HangUpParty(Party.CALLER)]
    assert machine.state is CallState.ENDED


def test_a_busy_callee_is_reported_and_the_call_waits_for_the_next_step() -> None:
    machine = CallMachine(internal=True)
    machine.handle(PhonesRung(CALLEE, ("a",), ring_s=20.0), 100.0)
    actions = machine.handle(PhoneFailed(CALLEE, "a", 486), 101.0)
    assert actions == [ReleasePhones(CALLEE), ReportRingOutcome(486)]
    assert machine.state is CallState.CONNECTING
    machine.handle(PhonesRung("callee:2", ("c",), ring_s=10.0), 101.0)
    assert machine.next_deadline() == 111.0


def test_ringing_out_withdraws_the_phones_and_reports_no_answer() -> None:
    machine = CallMachine(internal=True)
    machine.handle(PhonesRung(CALLEE, ("a", "b"), ring_s=20.0), 100.0)
    assert machine.on_timer(119.0) == []
    actions = machine.on_timer(120.0)
    assert actions == [CancelPhone(CALLEE, "a"), CancelPhone(CALLEE, "b"), ReportRingOutcome(0)]
    assert machine.handle(PhoneFailed(CALLEE, "a", 487), 120.1) == []
    assert machine.handle(PhoneFailed(CALLEE, "b", 487), 120.1) == [ReleasePhones(CALLEE)]


def test_the_caller_hanging_up_while_it_rings_cancels_the_phones() -> None:
    machine = CallMachine(internal=True)
    machine.handle(PhonesRung(CALLEE, ("a",)), 100.0)
    assert machine.next_deadline() is None
    assert machine.handle(PartyLeft(Party.CALLER), 101.0) == [CancelPhone(CALLEE, "a")]
    assert machine.state is CallState.ENDED


def test_callee_offers() -> None:
    assert is_callee(CALLEE) and is_callee("callee:3")
    assert not is_callee("calleex") and not is_callee("karin")
