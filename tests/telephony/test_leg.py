"""The call-leg machine (issue 11 §1–§2) with explicit time: RFC 3261 §13.3.1.4, §9, §15."""

from __future__ import annotations

import pytest

from vaxel.core.errors import IllegalTransition
from vaxel.telephony.leg import T1, T2, Leg, LegState
from vaxel.telephony.leg_events import (
    AckReceived,
    Answer,
    ByeReceived,
    Cancel,
    CancelReceived,
    EndCause,
    FinalReceived,
    HangUp,
    LegConfirmed,
    LegEnded,
    MediaSilent,
    ProvisionalReceived,
    ReinviteAnswered,
    Reply,
    RequestTimedOut,
    Resend2xx,
    SendAck,
    SendBye,
    SendCancel,
)


def answered_caller(now: float = 100.0) -> Leg:
    leg = Leg("caller", inbound=True)
    assert leg.handle(Answer(), now) == []
    return leg


def test_our_2xx_is_resent_from_t1_doubling_to_t2_until_the_ack() -> None:
    leg = answered_caller(100.0)
    assert leg.next_deadline() == 100.0 + T1
    assert leg.on_timer(100.2) == []  # not due yet
    times = []
    now = 100.0
    for _ in range(5):
        now = leg.next_deadline() or 0.0
        assert leg.on_timer(now) == [Resend2xx()]
        times.append(round(now - 100.0, 3))
    assert times == [0.5, 1.5, 3.5, 7.5, 11.5]  # T1, then 1, 2, 4 s apart, capped at T2
    assert leg.next_deadline() == pytest.approx(now + T2)
    assert leg.handle(AckReceived(), now + 1) == [LegConfirmed()]
    assert leg.state is LegState.CONFIRMED and leg.next_deadline() is None


def test_a_phone_that_never_acks_is_given_up_after_64_t1_with_a_bye() -> None:
    leg = answered_caller(0.0)
    actions: list[object] = []
    while (due := leg.next_deadline()) is not None:
        actions = list(leg.on_timer(due))
    assert due is None and leg.state is LegState.ENDED
    assert actions == [SendBye(), LegEnded(EndCause.NO_ACK)]


def test_cancel_racing_our_200_changes_nothing_and_the_bye_ends_it() -> None:
    leg = answered_caller()
    assert leg.handle(CancelReceived(), 100.1) == []  # §9.2: the INVITE has its final
    assert leg.state is LegState.ANSWERED
    assert leg.handle(AckReceived(), 100.2) == [LegConfirmed()]
    assert leg.handle(ByeReceived(), 105.0) == [Reply(200, "OK"), LegEnded(EndCause.REMOTE_BYE)]


def test_cancel_before_our_answer_ends_the_leg_with_487() -> None:
    leg = Leg("caller", inbound=True)
    assert leg.handle(CancelReceived(), 1.0) == [
        Reply(487, "Request Terminated"),
        LegEnded(EndCause.CANCELLED_BY_PEER),
    ]
    with pytest.raises(IllegalTransition):
        leg.handle(Answer(), 1.1)  # too late to answer: the machine refuses


def test_a_re_invite_is_answered_and_its_2xx_resent_until_acked_without_a_new_confirm() -> None:
    leg = answered_caller(0.0)
    leg.handle(AckReceived(), 0.1)
    assert leg.handle(ReinviteAnswered(), 10.0) == []
    assert leg.state is LegState.REANSWERED and leg.next_deadline() == 10.0 + T1
    assert leg.on_timer(10.5) == [Resend2xx()]
    assert leg.handle(AckReceived(), 10.6) == []  # the dialog was up all along
    assert leg.state is LegState.CONFIRMED


def test_a_ringing_phone_is_cancelled_only_after_its_provisional() -> None:
    phone = Leg("agent-1", inbound=False)
    assert phone.handle(Cancel(), 0.0) == []  # §9.1: no CANCEL before a 1xx
    assert phone.state is LegState.CANCEL_WAITING
    assert phone.handle(ProvisionalReceived(180), 0.1) == [SendCancel()]
    assert phone.handle(FinalReceived(487), 0.2) == [LegEnded(EndCause.CANCELLED_BY_US, 487)]


def test_a_200_racing_our_cancel_is_acked_and_byed_never_left_half_open() -> None:
    phone = Leg("agent-2", inbound=False)
    phone.handle(ProvisionalReceived(180), 0.0)
    assert phone.handle(Cancel(), 1.0) == [SendCancel()]
    assert phone.handle(FinalReceived(200), 1.01) == [
        SendAck(),
        SendBye(),
        LegEnded(EndCause.LATE_ANSWER),
    ]
    # the 200 retransmitted (our ACK lost): ACK and BYE again, nothing else
    assert phone.handle(FinalReceived(200), 1.5) == [SendAck(), SendBye()]


def test_an_answering_phone_is_acked_and_a_declining_one_reports_its_status() -> None:
    winner, loser = Leg("a", inbound=False), Leg("b", inbound=False)
    assert winner.handle(FinalReceived(200), 0.0) == [SendAck(), LegConfirmed()]
    assert loser.handle(FinalReceived(603), 0.0) == [LegEnded(EndCause.DECLINED, 603)]
    timed_out = Leg("c", inbound=False)
    assert timed_out.handle(RequestTimedOut(), 32.0) == [LegEnded(EndCause.DECLINED, 408)]


def test_the_winners_2xx_resent_is_acked_again_and_another_dialogs_2xx_is_byed() -> None:
    """§13.2.2.4: our ACK lost, the phone resends the 2xx that made the dialog — ACK it again,
    the call goes on; a 2xx making a second dialog (a forking proxy) is ACKed and BYEd."""
    phone = Leg("agent", inbound=False)
    phone.handle(ProvisionalReceived(180), 0.0)
    assert phone.handle(FinalReceived(200, "desk"), 1.0) == [SendAck(), LegConfirmed()]
    assert phone.handle(FinalReceived(200, "desk"), 1.5) == [SendAck()]
    assert phone.state is LegState.CONFIRMED
    phone.handle(ReinviteAnswered(), 20.0)  # the agent's phone re-INVITEd meanwhile
    assert phone.handle(FinalReceived(200, "desk"), 20.1) == [SendAck()]
    assert phone.handle(FinalReceived(200, "other-fork"), 20.2) == [SendAck(), SendBye()]
    assert phone.state is LegState.REANSWERED


def test_a_phone_that_vanishes_mid_call_is_hung_up() -> None:
    silent = answered_caller()
    silent.handle(AckReceived(), 100.1)
    assert silent.handle(MediaSilent(30.0), 200.0) == [
        SendBye(),
        LegEnded(EndCause.MEDIA_TIMEOUT),
    ]
    unreachable = Leg("agent", inbound=False)
    unreachable.handle(FinalReceived(200), 0.0)
    assert unreachable.handle(RequestTimedOut(), 40.0) == [
        SendBye(),
        LegEnded(EndCause.REQUEST_TIMEOUT),
    ]


def test_what_the_network_delivers_after_the_end_is_absorbed() -> None:
    leg = answered_caller()
    leg.handle(AckReceived(), 100.1)
    assert leg.handle(HangUp(), 101.0) == [SendBye(), LegEnded(EndCause.LOCAL_BYE)]
    assert leg.handle(ByeReceived(), 101.1) == [Reply(481, "Call/Transaction Does Not Exist")]
    assert leg.handle(AckReceived(), 101.2) == []
    assert leg.handle(HangUp(), 101.3) == []


def test_illegal_steps_raise() -> None:
    with pytest.raises(IllegalTransition):
        Leg("caller", inbound=True).handle(ProvisionalReceived(), 0.0)
    with pytest.raises(IllegalTransition):
        Leg("agent", inbound=False).handle(Answer(), 0.0)
    with pytest.raises(IllegalTransition):
        Leg("caller", inbound=True).handle(ByeReceived(), 0.0)  # BYE before the 2xx
    with pytest.raises(ValueError):
        FinalReceived(180)
