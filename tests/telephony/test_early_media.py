"""A caller rung onward stays in early media until someone answers (issue 14, PBX1): the
inbound leg's EARLY_MEDIA state (183 with our SDP, RFC 3960, RFC 3261 §9.2, §13.3.1.1,
§15) and the call machine's answer, at explicit times."""

from __future__ import annotations

import pytest

from vaxel.core.errors import IllegalTransition
from vaxel.telephony.call import CallMachine, CallState
from vaxel.telephony.call_events import (
    CALLEE,
    Bridge,
    CancelPhone,
    HangUpPhone,
    Party,
    PartyLeft,
    PhoneAnswered,
    PhoneFailed,
    PhonesRung,
    ReleasePhones,
    ReportRingOutcome,
)
from vaxel.telephony.early_events import AnswerCaller, CallerAnswered
from vaxel.telephony.leg import MAX_EARLY_S, T1, Leg, LegState
from vaxel.telephony.leg_events import (
    AckReceived,
    Answer,
    ByeReceived,
    CancelReceived,
    EarlyMediaSent,
    EndCause,
    HangUp,
    LegConfirmed,
    LegEnded,
    MediaSilent,
    Reply,
    Resend2xx,
    SendFinal,
)
from vaxel.telephony.park_events import CallPickedUp


def early_caller(now: float = 100.0) -> Leg:
    leg = Leg("caller", inbound=True)
    assert leg.handle(EarlyMediaSent(), now) == []
    assert leg.state is LegState.EARLY_MEDIA
    return leg


# -- the caller's leg ------------------------------------------------------------------------


def test_an_early_caller_is_answered_only_when_told_and_then_resent_its_200_until_acked() -> None:
    leg = early_caller(100.0)
    assert leg.next_deadline() == 100.0 + MAX_EARLY_S  # bounded, no 2xx to resend yet
    assert leg.handle(MediaSilent(30.0), 130.0) == []  # phones often send no early RTP
    assert leg.state is LegState.EARLY_MEDIA
    assert leg.handle(Answer(), 112.0) == []
    assert leg.state is LegState.ANSWERED and leg.next_deadline() == 112.0 + T1
    assert leg.on_timer(112.0 + T1) == [Resend2xx()]
    assert leg.handle(AckReceived(), 113.0) == [LegConfirmed()]
    assert leg.state is LegState.CONFIRMED


def test_cancel_in_early_media_is_487_and_a_device_answering_after_it_cannot_answer() -> None:
    leg = early_caller()
    assert leg.handle(CancelReceived(), 105.0) == [
        Reply(487, "Request Terminated"),
        LegEnded(EndCause.CANCELLED_BY_PEER),
    ]
    with pytest.raises(IllegalTransition):
        leg.handle(Answer(), 105.1)  # the switch checks the state; the machine refuses too


def test_a_cancel_after_a_device_answered_changes_nothing() -> None:
    leg = early_caller()
    leg.handle(Answer(), 105.0)
    assert leg.handle(CancelReceived(), 105.1) == []  # §9.2: the INVITE has its 200
    assert leg.state is LegState.ANSWERED


def test_hanging_up_an_early_caller_sends_the_final_error_never_a_bye() -> None:
    leg = early_caller()
    actions = leg.handle(HangUp(486, "Busy Here"), 110.0)
    assert actions == [SendFinal(486, "Busy Here"), LegEnded(EndCause.UNANSWERED, 486)]
    assert leg.next_deadline() is None


def test_a_bye_in_the_early_dialog_is_200_and_487_to_the_invite() -> None:
    leg = early_caller()
    assert leg.handle(ByeReceived(), 110.0) == [
        Reply(200, "OK"),
        SendFinal(487, "Request Terminated"),
        LegEnded(EndCause.REMOTE_BYE),
    ]


def test_early_media_is_bounded_by_max_early_s_with_480() -> None:
    leg = early_caller(100.0)
    assert leg.on_timer(100.0 + MAX_EARLY_S - 1) == []
    assert leg.on_timer(100.0 + MAX_EARLY_S) == [
        SendFinal(480, "Temporarily Unavailable"),
        LegEnded(EndCause.UNANSWERED, 480),
    ]


# -- the call ---------------------------------------------------------------------------------


def test_the_caller_is_answered_when_a_device_answers_never_before() -> None:
    machine = CallMachine(internal=True, early=True)
    assert machine.handle(PhonesRung(CALLEE, ("a", "b"), ring_s=20.0), 100.0) == []
    assert machine.handle(PhoneFailed(CALLEE, "a", 486), 101.0) == []  # b still rings
    actions = machine.handle(PhoneAnswered(CALLEE, "b"), 104.0)
    assert actions == [AnswerCaller(), ReportRingOutcome(200), Bridge()]
    assert machine.state is CallState.TRANSFERRED


def test_cancel_while_ringing_cancels_every_fork_and_a_racing_answer_is_hung_up() -> None:
    machine = CallMachine(internal=True, early=True)
    machine.handle(PhonesRung(CALLEE, ("desk", "soft", "mobile"), ring_s=20.0), 100.0)
    actions = machine.handle(PartyLeft(Party.CALLER), 103.0)  # the caller's CANCEL
    assert actions == [
        CancelPhone(CALLEE, "desk"),
        CancelPhone(CALLEE, "mobile"),
        CancelPhone(CALLEE, "soft"),
    ]
    assert machine.state is CallState.ENDED and machine.next_deadline() is None
    # the softphone's 200 crossed our CANCEL: hung up, the caller is never answered
    assert machine.handle(PhoneAnswered(CALLEE, "soft"), 103.01) == [HangUpPhone(CALLEE, "soft")]
    assert machine.handle(PhoneFailed(CALLEE, "desk", 487), 103.1) == []


def test_no_answer_reports_the_outcome_unanswered_and_the_next_step_answers_later() -> None:
    machine = CallMachine(internal=True, early=True)
    machine.handle(PhonesRung(CALLEE, ("a",), ring_s=20.0), 100.0)
    actions = machine.on_timer(120.0)
    assert actions == [CancelPhone(CALLEE, "a"), ReportRingOutcome(0)]  # no AnswerCaller
    assert machine.state is CallState.CONNECTING
    assert machine.handle(PhoneFailed(CALLEE, "a", 487), 120.1) == [ReleasePhones(CALLEE)]
    # forwarded on no answer (PBX5): the caller is still unanswered while the next rings
    machine.handle(PhonesRung("callee:2", ("c",), ring_s=15.0), 120.2)
    assert machine.next_deadline() == pytest.approx(135.2)
    actions = machine.handle(PhoneAnswered("callee:2", "c"), 125.0)
    assert actions == [AnswerCaller(), ReportRingOutcome(200), Bridge()]


def test_a_pickup_answers_the_early_caller() -> None:
    machine = CallMachine(internal=True, early=True)
    machine.handle(PhonesRung(CALLEE, ("a",), ring_s=20.0), 100.0)
    actions = machine.handle(CallPickedUp(), 101.0)
    assert actions == [CancelPhone(CALLEE, "a"), AnswerCaller(), ReportRingOutcome(200), Bridge()]


def test_vaxel_answering_itself_answers_once_and_a_later_device_answer_does_not_again() -> None:
    machine = CallMachine(internal=True, early=True)
    machine.handle(PhonesRung(CALLEE, ("a",), ring_s=20.0), 100.0)
    machine.on_timer(120.0)  # rang out: the presence with 0/1 is offered in the dialog
    assert machine.handle(CallerAnswered(), 120.5) == [AnswerCaller()]
    assert machine.handle(CallerAnswered(), 121.0) == []  # once
    machine.handle(PhonesRung("callee:2", ("operator",), ring_s=20.0), 122.0)  # "0"
    actions = machine.handle(PhoneAnswered("callee:2", "operator"), 125.0)
    assert actions == [ReportRingOutcome(200), Bridge()]


def test_a_caller_gone_is_never_answered() -> None:
    machine = CallMachine(internal=True, early=True)
    machine.handle(PhonesRung(CALLEE, ("a",), ring_s=20.0), 100.0)
    machine.handle(PartyLeft(Party.CALLER), 101.0)
    assert machine.handle(CallerAnswered(), 101.1) == []
