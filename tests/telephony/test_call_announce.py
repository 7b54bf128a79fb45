"""The call machine's announced transfer from the operator console (issue 16 §3, OP3; spec
§46 "förmedling med avisering"), step by step at explicit times: the operator has a queue
caller in hand, asks Karin first (the caller hears music, the operator ringback), then
connects the two or goes back to the caller; Karin busy, not answering in time or hanging
up brings the operator back to the caller with the reason."""

from __future__ import annotations

import pytest

from vaxel.core.errors import IllegalTransition
from vaxel.telephony.call import CallMachine, CallState
from vaxel.telephony.call_events import (
    AgentConnected,
    Bridge,
    CancelPhone,
    HangUpParty,
    HangUpPhone,
    Hear,
    HoldChanged,
    Party,
    PartyLeft,
    PhoneAnswered,
    PhoneFailed,
    PhonesRung,
    ReleasePhones,
    ReportContactEnded,
    Sound,
    Unbridge,
)
from vaxel.telephony.consult_events import (
    CONSULT,
    ConsultDropped,
    ConsultedLeft,
    ConsultJoined,
    ConsultOver,
    ConsultSentOn,
    ConsultStarted,
    DropConsulted,
    JoinConsulted,
    TalkToConsulted,
)
from vaxel.telephony.park_events import RingBack

RING_S = 30.0


def in_hand() -> CallMachine:
    """A queue caller the operator (agent 'kristina') answered and talks with."""
    call = CallMachine()
    call.handle(PhonesRung("kristina", ("desk",)), 10.0)
    call.handle(PhoneAnswered("kristina", "desk"), 12.0)
    call.handle(AgentConnected(whisper=False), 12.1)
    assert call.state is CallState.BRIDGED
    return call


def asking_karin(at: float = 100.0) -> CallMachine:
    call = in_hand()
    assert call.handle(ConsultStarted(RING_S), at) == [
        Unbridge(Sound.MUSIC, Party.CALLER),  # the caller waits with music
        Hear(Party.AGENT, Sound.RINGBACK),  # the operator hears Karin's phone ring
    ]
    assert call.state is CallState.CONSULTING
    assert call.handle(PhonesRung(CONSULT, ("karin-desk", "karin-mobile")), at) == []
    return call


def test_asked_first_karin_answers_and_the_operator_connects_her_with_the_caller() -> None:
    call = asking_karin()
    assert call.handle(PhoneAnswered(CONSULT, "karin-desk"), 108.0) == [
        CancelPhone(CONSULT, "karin-mobile"),
        TalkToConsulted(),  # the operator and Karin talk; the caller keeps music
    ]
    assert call.state is CallState.CONSULTED
    assert call.next_deadline() is None  # answered: nothing rings out any more
    assert call.handle(ConsultJoined(), 130.0) == [
        ReportContactEnded(),  # the operator is free (wrap-up)
        JoinConsulted(),  # Karin takes her seat, bridged with the caller
        ConsultOver("joined"),
    ]
    assert call.state is CallState.TRANSFERRED
    # the caller and Karin talk on as any transferred call: either ending it ends both
    assert call.handle(PartyLeft(Party.CALLER), 200.0) == [HangUpParty(Party.AGENT)]


def test_back_to_the_caller_after_talking_to_karin_hangs_up_karin_only() -> None:
    call = asking_karin()
    call.handle(PhoneAnswered(CONSULT, "karin-desk"), 108.0)
    assert call.handle(ConsultDropped(), 120.0) == [
        DropConsulted(),
        ConsultOver("back"),
        Bridge(),  # the operator has the caller again
    ]
    assert call.state is CallState.BRIDGED  # still her ACD contact: no ContactEnded
    assert call.handle(ConsultStarted(RING_S), 140.0)  # she may ask someone else now


def test_back_while_karin_still_rings_cancels_her_phones() -> None:
    call = asking_karin()
    assert call.handle(ConsultDropped(), 104.0) == [
        CancelPhone(CONSULT, "karin-desk"),
        CancelPhone(CONSULT, "karin-mobile"),
        DropConsulted(),
        ConsultOver("back"),
        Bridge(),
    ]
    assert call.state is CallState.BRIDGED
    # the cancelled phones' 487s come later: nothing more happens but the release
    assert call.handle(PhoneFailed(CONSULT, "karin-desk", 487), 104.2) == []
    assert call.handle(PhoneFailed(CONSULT, "karin-mobile", 487), 104.3) == [ReleasePhones(CONSULT)]
    assert call.state is CallState.BRIDGED


def test_karin_not_answering_within_the_ring_time_brings_the_caller_back() -> None:
    call = asking_karin(at=100.0)
    assert call.next_deadline() == 100.0 + RING_S
    assert call.on_timer(129.9) == []  # not yet
    assert call.on_timer(130.0) == [
        CancelPhone(CONSULT, "karin-desk"),
        CancelPhone(CONSULT, "karin-mobile"),
        DropConsulted(),
        ConsultOver("no-answer"),
        Bridge(),
    ]
    assert call.state is CallState.BRIDGED
    assert call.next_deadline() is None
    # her phone answering just after is too late: hung up, the caller stays with her
    assert call.handle(PhoneAnswered(CONSULT, "karin-desk"), 130.5) == [
        HangUpPhone(CONSULT, "karin-desk")
    ]
    assert call.state is CallState.BRIDGED


@pytest.mark.parametrize(("status", "outcome"), [(486, "busy"), (600, "busy"), (404, "failed")])
def test_karin_busy_or_unreachable_brings_the_caller_back_with_the_reason(
    status: int, outcome: str
) -> None:
    call = asking_karin()
    assert call.handle(PhoneFailed(CONSULT, "karin-desk", status), 101.0) == []  # one more
    assert call.handle(PhoneFailed(CONSULT, "karin-mobile", status), 101.5) == [
        ReleasePhones(CONSULT),
        DropConsulted(),
        ConsultOver(outcome, status),
        Bridge(),
    ]
    assert call.state is CallState.BRIDGED


def test_karin_hanging_up_while_talking_brings_the_caller_back() -> None:
    call = asking_karin()
    call.handle(PhoneAnswered(CONSULT, "karin-desk"), 108.0)
    assert call.handle(ConsultedLeft(), 115.0) == [
        DropConsulted(),
        ConsultOver("hung-up"),
        Bridge(),
    ]
    assert call.state is CallState.BRIDGED


def test_the_caller_hanging_up_during_the_consultation_ends_every_leg() -> None:
    call = asking_karin()
    call.handle(PhoneAnswered(CONSULT, "karin-desk"), 108.0)
    assert call.handle(PartyLeft(Party.CALLER), 112.0) == [
        ReportContactEnded(),
        DropConsulted(),
        ConsultOver("caller-left"),
        HangUpParty(Party.AGENT),
    ]
    assert call.state is CallState.ENDED


def test_the_operator_hanging_up_while_talking_to_karin_connects_karin_and_the_caller() -> None:
    call = asking_karin()
    call.handle(PhoneAnswered(CONSULT, "karin-desk"), 108.0)
    assert call.handle(PartyLeft(Party.AGENT), 112.0) == [
        ReportContactEnded(),
        JoinConsulted(),
        ConsultOver("joined"),
    ]
    assert call.state is CallState.TRANSFERRED  # nobody is left alone on the line


def test_the_operator_hanging_up_while_karin_rings_ends_the_call_as_a_hang_up_does() -> None:
    call = asking_karin()
    actions = call.handle(PartyLeft(Party.AGENT), 103.0)
    assert actions[:2] == [CancelPhone(CONSULT, "karin-desk"), CancelPhone(CONSULT, "karin-mobile")]
    assert actions[2:] == [
        ReportContactEnded(),
        DropConsulted(),
        ConsultOver("back"),
        HangUpParty(Party.CALLER),
    ]
    assert call.state is CallState.ENDED


def test_a_held_call_may_be_consulted_on_and_hold_changes_nothing_meanwhile() -> None:
    call = in_hand()
    call.handle(HoldChanged(Party.AGENT, held=True), 50.0)  # her phone held the caller
    assert call.state is CallState.HELD
    assert call.handle(ConsultStarted(RING_S), 60.0)
    assert call.handle(HoldChanged(Party.AGENT, held=False), 61.0) == []  # still asking
    assert call.state is CallState.CONSULTING


def test_connect_before_karin_answers_and_a_second_consultation_are_refused() -> None:
    call = asking_karin()
    with pytest.raises(IllegalTransition):
        call.handle(ConsultJoined(), 105.0)  # nobody to connect with yet
    with pytest.raises(IllegalTransition):
        call.handle(ConsultStarted(RING_S), 105.0)
    with pytest.raises(IllegalTransition):
        in_hand().handle(ConsultDropped(), 105.0)  # nothing to go back from
    with pytest.raises(ValueError):
        ConsultStarted(0)


# -- semi-attended (issue 16 §3): F3 while the person still rings ----------------------------


def sent_on(at: float = 105.0) -> CallMachine:
    call = asking_karin()
    assert call.handle(ConsultSentOn("1011", "1005", RING_S), at) == [
        ReportContactEnded(),  # the operator is free (wrap-up)
        Hear(Party.CALLER, Sound.RINGBACK),  # the caller hears Karin's phone ring
        HangUpParty(Party.AGENT),
        ConsultOver("sent-on"),
    ]
    assert call.state is CallState.TRANSFERRING
    assert call.next_deadline() == 100.0 + RING_S  # Karin rings the recall time in all
    return call


def test_sent_on_while_ringing_karin_answers_and_talks_with_the_caller() -> None:
    call = sent_on()
    assert call.handle(PhoneAnswered(CONSULT, "karin-mobile"), 112.0) == [
        CancelPhone(CONSULT, "karin-desk"),
        JoinConsulted(),  # Karin's leg takes the operator's seat, bridged with the caller
    ]
    assert call.state is CallState.TRANSFERRED
    assert call.next_deadline() is None


def test_sent_on_unanswered_rings_the_operator_back_with_the_reason() -> None:
    call = sent_on()
    assert call.on_timer(100.0 + RING_S) == [
        CancelPhone(CONSULT, "karin-desk"),
        CancelPhone(CONSULT, "karin-mobile"),
        RingBack("1011"),  # the transfer's recall: "Ej svar hos …" on her card
    ]
    assert call.state is CallState.RECALLING
    assert call.recall_note is not None
    assert (call.recall_note.number, call.recall_note.rung_s) == ("1005", RING_S)
    busy = sent_on()  # busy: rung back at once, the status kept
    busy.handle(PhoneFailed(CONSULT, "karin-desk", 486), 106.0)
    assert busy.handle(PhoneFailed(CONSULT, "karin-mobile", 486), 106.0)[-1] == RingBack("1011")
    assert busy.recall_note is not None and busy.recall_note.status == 486


def test_sent_on_is_only_while_karin_rings() -> None:
    call = asking_karin()
    call.handle(PhoneAnswered(CONSULT, "karin-desk"), 108.0)
    with pytest.raises(IllegalTransition):
        call.handle(ConsultSentOn("1011", "1005", RING_S), 109.0)
    assert call.state is CallState.CONSULTED
    call = sent_on()
    assert call.handle(PartyLeft(Party.CALLER), 110.0) == [
        CancelPhone(CONSULT, "karin-desk"),
        CancelPhone(CONSULT, "karin-mobile"),
    ]
    assert call.state is CallState.ENDED  # the caller gave up: Karin stops ringing
