"""The call machine (issue 11 §1–§2) with explicit time: parallel ring, Q12, Q22, Q23, CB9."""

from __future__ import annotations

import pytest

from vaxel.core.errors import IllegalTransition
from vaxel.sip.message import Headers, Request
from vaxel.telephony.call import CallMachine, CallState
from vaxel.telephony.call_events import (
    CUSTOMER,
    TRANSFER,
    AgentConnected,
    Announce,
    AnswerRefused,
    Bridge,
    BusyOrdered,
    CancelPhone,
    DialOnward,
    DigitReceived,
    ForwardDigit,
    HangUpParty,
    HangUpPhone,
    Hear,
    HoldChanged,
    NoRoute,
    Notice,
    OfferWithdrawn,
    Party,
    PartyLeft,
    PhoneAnswered,
    PhoneFailed,
    PhonesRung,
    PlayWhisper,
    ReleasePhones,
    ReportAgentAnswered,
    ReportAgentDeclined,
    ReportCallbackOutcome,
    ReportCallerLeft,
    ReportContactEnded,
    Sound,
    TransferOrdered,
    TransferRequested,
    Unbridge,
    WhisperHeard,
)
from vaxel.telephony.dtmf import info_digit


def ringing(agent: str = "karin", phones: tuple[str, ...] = ("desk", "soft")) -> CallMachine:
    call = CallMachine()
    assert call.handle(PhonesRung(agent, phones), 10.0) == []
    return call


def talking(whisper: bool = False) -> CallMachine:
    call = ringing()
    call.handle(PhoneAnswered("karin", "desk"), 12.0)
    call.handle(AgentConnected(whisper=whisper), 12.1)
    return call


def test_parallel_ring_first_answer_wins_and_a_loser_answering_at_once_is_hung_up() -> None:
    call = ringing()
    assert call.handle(PhoneAnswered("karin", "desk"), 12.0) == [
        CancelPhone("karin", "soft"),
        ReportAgentAnswered("karin"),
    ]
    assert call.state is CallState.AGENT_ANSWERING
    # the other phone's 200 crossed our CANCEL: it is ended, never left half-open
    assert call.handle(PhoneAnswered("karin", "soft"), 12.01) == [HangUpPhone("karin", "soft")]
    assert call.handle(PhoneFailed("karin", "soft", 487), 12.02) == []  # nothing more
    assert call.agent_id == "karin"


def test_an_offer_declined_by_every_phone_is_reported_unanswered_once_q23() -> None:
    call = ringing()
    assert call.handle(PhoneFailed("karin", "desk", 486), 11.0) == []
    assert call.handle(PhoneFailed("karin", "soft", 603), 11.5) == [
        ReleasePhones("karin"),
        ReportAgentDeclined("karin"),
    ]
    assert call.state is CallState.IVR  # the caller waits on in the queue


def test_an_offer_the_acd_withdrew_is_not_counted_as_declined() -> None:
    call = ringing()
    assert call.handle(OfferWithdrawn("karin"), 20.0) == [
        CancelPhone("karin", "desk"),
        CancelPhone("karin", "soft"),
    ]
    call.handle(PhoneFailed("karin", "desk", 487), 20.1)
    assert call.handle(PhoneFailed("karin", "soft", 487), 20.2) == [ReleasePhones("karin")]
    # CANCEL racing 200: the late answer is hung up, the offer stays over
    assert call.handle(PhoneAnswered("karin", "desk"), 20.3) == [HangUpPhone("karin", "desk")]


def test_whisper_plays_to_both_and_bridges_when_both_heard_it_q12() -> None:
    call = ringing()
    call.handle(PhoneAnswered("karin", "desk"), 12.0)
    assert call.handle(AgentConnected(whisper=True), 12.1) == [PlayWhisper()]
    assert call.handle(WhisperHeard(Party.AGENT), 14.0) == []
    assert call.handle(WhisperHeard(Party.CALLER), 14.1) == [Bridge()]
    assert call.state is CallState.BRIDGED


def test_bye_during_whisper_ends_the_contact_and_hangs_up_the_agent_q22() -> None:
    call = talking(whisper=True)
    assert call.state is CallState.WHISPER
    assert call.handle(PartyLeft(Party.CALLER), 13.0) == [
        ReportContactEnded(),
        HangUpParty(Party.AGENT),
    ]
    assert call.state is CallState.ENDED
    assert call.handle(WhisperHeard(Party.AGENT), 13.1) == []  # its playback ends later
    assert call.handle(PartyLeft(Party.AGENT), 13.2) == []  # the agent's leg ends after


def test_a_hold_re_invite_during_the_bridge_plays_music_to_the_other_side_q10() -> None:
    call = talking()
    assert call.handle(HoldChanged(Party.AGENT, held=True), 30.0) == [
        Unbridge(Sound.MUSIC, Party.CALLER)
    ]
    assert call.state is CallState.HELD
    assert call.handle(HoldChanged(Party.AGENT, held=True), 31.0) == []  # a refresh
    assert call.handle(HoldChanged(Party.AGENT, held=False), 40.0) == [Bridge()]
    assert call.state is CallState.BRIDGED


@pytest.mark.parametrize("via", ["rfc4733", "info"])
def test_digits_reach_the_flow_by_either_transport_only_while_in_the_ivr(via: str) -> None:
    call = CallMachine()
    assert call.handle(DigitReceived("5", via), 1.0) == [ForwardDigit("5")]
    assert talking().handle(DigitReceived("5", via), 20.0) == []  # not the flow's any more


def info(body: str, content_type: str) -> Request:
    headers = Headers([("Content-Type", content_type)])
    return Request(headers=headers, body=body.encode(), method="INFO", uri="sip:a@b")


def test_sip_info_bodies_give_the_key_and_nothing_else() -> None:
    assert info_digit(info("Signal=5\r\nDuration=160\r\n", "application/dtmf-relay")) == "5"
    assert info_digit(info("Signal= #\r\n", "application/dtmf-relay")) == "#"
    assert info_digit(info("7", "application/dtmf")) == "7"
    assert info_digit(info("Signal=X\r\n", "application/dtmf-relay")) == ""
    assert info_digit(info("12", "application/dtmf")) == ""
    assert info_digit(info("<xml/>", "application/media_control+xml")) == ""
    with pytest.raises(ValueError):
        DigitReceived("55")


def test_a_phone_that_vanishes_mid_call_ends_the_contact_and_frees_the_agent() -> None:
    call = talking()
    assert call.handle(PartyLeft(Party.CALLER, vanished=True), 60.0) == [
        ReportContactEnded(),
        HangUpParty(Party.AGENT),
    ]
    vanished_agent = talking()
    assert vanished_agent.handle(PartyLeft(Party.AGENT, vanished=True), 60.0) == [
        ReportContactEnded(),
        HangUpParty(Party.CALLER),
    ]


def test_a_caller_leaving_the_ivr_is_told_to_the_flow_and_the_phones_stop() -> None:
    call = ringing()
    assert call.handle(PartyLeft(Party.CALLER), 11.0) == [
        ReportCallerLeft(),
        CancelPhone("karin", "desk"),
        CancelPhone("karin", "soft"),
    ]
    assert call.handle(PhoneAnswered("karin", "soft"), 11.1) == [HangUpPhone("karin", "soft")]


def test_an_answer_the_acd_refuses_hangs_up_the_agent_and_the_caller_waits_on() -> None:
    call = ringing()
    call.handle(PhoneAnswered("karin", "desk"), 12.0)
    assert call.handle(AnswerRefused(), 12.1) == [HangUpParty(Party.AGENT)]
    assert call.state is CallState.IVR


def test_a_callback_rings_the_agent_then_the_customer_until_the_ring_time_ends_cb9() -> None:
    call = CallMachine(callback=True, customer_ring_s=30.0)
    call.handle(PhonesRung("karin", ("desk",)), 0.0)
    assert call.handle(PhoneAnswered("karin", "desk"), 2.0) == [ReportAgentAnswered("karin")]
    assert call.state is CallState.CALLBACK_DIALLING and call.next_deadline() is None
    call.handle(PhonesRung(CUSTOMER, ("trunk",)), 2.5)
    assert call.next_deadline() == 32.5
    assert call.on_timer(32.4) == []
    assert call.on_timer(32.5) == [
        CancelPhone(CUSTOMER, "trunk"),
        ReportCallbackOutcome("no_answer"),
        Announce(Party.AGENT, Notice.CUSTOMER_NO_ANSWER),
    ]
    assert call.state is CallState.ENDED and call.next_deadline() is None


def test_a_callback_customer_who_answers_is_bridged_and_never_ends_the_contact() -> None:
    call = CallMachine(callback=True)
    call.handle(PhonesRung("karin", ("desk",)), 0.0)
    call.handle(PhoneAnswered("karin", "desk"), 1.0)
    call.handle(PhonesRung(CUSTOMER, ("trunk",)), 1.5)
    assert call.handle(PhoneAnswered(CUSTOMER, "trunk"), 5.0) == [
        ReportCallbackOutcome("answered"),
        Bridge(),
    ]
    assert call.handle(PartyLeft(Party.CALLER), 90.0) == [HangUpParty(Party.AGENT)]  # CB10
    unroutable = CallMachine(callback=True)
    unroutable.handle(PhonesRung("karin", ("desk",)), 0.0)
    unroutable.handle(PhoneAnswered("karin", "desk"), 1.0)
    assert unroutable.handle(NoRoute(CUSTOMER), 1.1) == [
        ReportCallbackOutcome("no_answer"),
        Announce(Party.AGENT, Notice.NO_SUCH_NUMBER),
    ]


def test_a_blind_transfer_ends_the_contact_for_the_agent_and_bridges_the_target() -> None:
    call = talking()
    assert call.handle(TransferRequested(), 50.0) == [
        ReportContactEnded(),
        Unbridge(Sound.RINGBACK, Party.CALLER),
        HangUpParty(Party.AGENT),
    ]
    call.handle(PhonesRung(TRANSFER, ("ext-1010",)), 50.1)
    assert call.handle(PhoneAnswered(TRANSFER, "ext-1010"), 55.0) == [Bridge()]
    assert call.state is CallState.TRANSFERRED
    assert call.handle(PartyLeft(Party.AGENT), 80.0) == [HangUpParty(Party.CALLER)]  # no 2nd end


def test_a_callback_offer_nobody_answers_ends_the_call_and_counts_as_declined_q23() -> None:
    """The ACD offers the callback again (or, picked from the list, shows the number)."""
    call = CallMachine(callback=True)
    call.handle(PhonesRung("karin", ("desk",)), 0.0)
    assert call.handle(PhoneFailed("karin", "desk", 486), 3.0) == [
        ReleasePhones("karin"),
        ReportAgentDeclined("karin"),
    ]
    assert call.state is CallState.ENDED


def test_a_held_call_may_be_transferred_as_phones_hold_before_a_refer() -> None:
    call = talking()
    call.handle(HoldChanged(Party.AGENT, held=True), 40.0)
    assert call.state is CallState.HELD
    assert call.handle(TransferRequested(), 41.0) == [
        ReportContactEnded(),
        Unbridge(Sound.RINGBACK, Party.CALLER),
        HangUpParty(Party.AGENT),
    ]
    assert call.state is CallState.TRANSFERRING


def test_a_flow_transfer_sends_the_caller_on_with_ringback_and_bridges_the_target() -> None:
    call = CallMachine()
    assert call.handle(TransferOrdered("0701234567"), 20.0) == [
        Hear(Party.CALLER, Sound.RINGBACK),
        DialOnward("0701234567"),
    ]
    assert call.state is CallState.TRANSFERRING
    assert call.handle(DigitReceived("5"), 20.5) == []  # the flow is over: keys go nowhere
    call.handle(PhonesRung(TRANSFER, ("trunk",)), 20.1)
    assert call.handle(PhoneAnswered(TRANSFER, "trunk"), 26.0) == [Bridge()]
    assert call.state is CallState.TRANSFERRED
    # the contact was never the ACD's to end: a hang-up just ends the other side
    assert call.handle(PartyLeft(Party.CALLER), 90.0) == [HangUpParty(Party.AGENT)]


def test_an_overflow_withdraws_the_ringing_offers_before_dialling_the_number_q18() -> None:
    call = ringing()
    assert call.handle(TransferOrdered("112233", by="overflow"), 40.0) == [
        CancelPhone("karin", "desk"),
        CancelPhone("karin", "soft"),
        Hear(Party.CALLER, Sound.RINGBACK),
        DialOnward("112233"),
    ]
    # the cancelled phones' 487s are not declines (the ACD withdrew nothing: the call moved)
    assert call.handle(PhoneFailed("karin", "desk", 487), 40.1) == []
    assert call.handle(PhoneFailed("karin", "soft", 487), 40.2) == [ReleasePhones("karin")]


def test_a_transfer_with_no_route_or_no_answer_tells_the_caller_the_number_is_wrong() -> None:
    call = CallMachine()
    call.handle(TransferOrdered("999"), 5.0)
    assert call.handle(NoRoute(TRANSFER), 5.0) == [Announce(Party.CALLER, Notice.NO_SUCH_NUMBER)]
    assert call.state is CallState.ENDED
    call = CallMachine()
    call.handle(TransferOrdered("0701234567"), 5.0)
    call.handle(PhonesRung(TRANSFER, ("trunk",)), 5.1)
    assert call.handle(PhoneFailed(TRANSFER, "trunk", 486), 9.0) == [
        ReleasePhones(TRANSFER),
        Announce(Party.CALLER, Notice.NO_SUCH_NUMBER),
    ]


def test_a_caller_leaving_while_the_transfer_rings_cancels_it() -> None:
    call = CallMachine()
    call.handle(TransferOrdered("0701234567"), 5.0)
    call.handle(PhonesRung(TRANSFER, ("trunk",)), 5.1)
    assert call.handle(PartyLeft(Party.CALLER), 7.0) == [CancelPhone(TRANSFER, "trunk")]
    assert call.state is CallState.ENDED


def test_busy_from_the_acd_plays_the_queues_message_or_the_notice_then_ends_q19() -> None:
    call = ringing()
    assert call.handle(BusyOrdered("sv/queue/full"), 8.0) == [
        CancelPhone("karin", "desk"),
        CancelPhone("karin", "soft"),
        Announce(Party.CALLER, Notice.NO_SUCH_NUMBER, "sv/queue/full"),
    ]
    assert call.state is CallState.ENDED
    assert CallMachine().handle(BusyOrdered(), 8.0) == [
        Announce(Party.CALLER, Notice.NO_SUCH_NUMBER)
    ]


def test_illegal_steps_raise() -> None:
    with pytest.raises(IllegalTransition):
        CallMachine().handle(AgentConnected(whisper=False), 0.0)  # nobody answered
    with pytest.raises(IllegalTransition):
        CallMachine().handle(TransferRequested(), 0.0)
    with pytest.raises(IllegalTransition):
        talking().handle(PhonesRung("olle", ("desk",)), 30.0)  # one agent per call
    with pytest.raises(IllegalTransition):
        talking().handle(TransferOrdered("0701234567"), 30.0)  # the agent's to transfer
    with pytest.raises(IllegalTransition):
        talking().handle(BusyOrdered(), 30.0)
