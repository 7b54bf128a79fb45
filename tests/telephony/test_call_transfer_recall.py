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
    AnswerRefused,
    Bridge,
    CancelPhone,
    HangUpParty,
    Hear,
    NoRoute,
    Notice,
    Party,
    PartyLeft,
    PhoneAnswered,
    PhoneFailed,
    PhonesRung,
    ReleasePhones,
    ReportAgentAnswered,
    ReportContactEnded,
    ReportRingOutcome,
    Sound,
    TransferRequested,
    Unbridge,
)
from vaxel.telephony.call_park import RECALL_RING_S
from vaxel.telephony.park_events import LeaveOrbit, RingBack
from vaxel.telephony.recall_notes import RecallNote
from vaxel.telephony.requeue_events import (
    BackInQueue,
    RecallPassed,
    ReportRequeuedLeft,
    ReportTakenBack,
    RequeueContact,
    RequeueRefused,
    TakenBack,
)

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
    assert call.handle(PhoneAnswered(RECALL, "ext-1011"), 84.0) == [
        LeaveOrbit(),
        Bridge(),
        ReportTakenBack("1011"),  # her extension answered: the ACD may give it back
    ]
    assert call.state is CallState.TRANSFERRED  # the caller and Karin talk again
    assert call.next_deadline() is None


def test_a_recall_she_answers_is_her_call_in_hand_again_and_goes_on_like_any() -> None:
    """Issue 16 §3, spec §49–52: the ACD gave the contact back — the call is hers, talking,
    so she may transfer it again (a new round with its recall) or hang up (wrap-up)."""
    call = transferred(at=50.0)
    call.on_timer(80.0)
    call.handle(PhonesRung(RECALL, ("ext-1011",)), 80.1)
    call.handle(PhoneAnswered(RECALL, "ext-1011"), 84.0)
    assert call.handle(TakenBack("karin"), 84.0) == []
    assert (call.state, call.agent_id) == (CallState.BRIDGED, "karin")
    assert call.handle(TransferRequested("1011", RECALL_AFTER_S), 90.0) == [
        ReportContactEnded(),  # her contact ends again, the ACD's wrap-up follows
        Unbridge(Sound.RINGBACK, Party.CALLER),
        HangUpParty(Party.AGENT),
    ]
    assert call.state is CallState.TRANSFERRING and call.next_deadline() == 120.0
    other = transferred(at=50.0)
    other.on_timer(80.0)
    other.handle(PhonesRung(RECALL, ("ext-1011",)), 80.1)
    other.handle(PhoneAnswered(RECALL, "ext-1011"), 84.0)
    assert other.handle(PartyLeft(Party.CALLER), 85.0) == [HangUpParty(Party.AGENT)]


def test_a_busy_or_unreachable_target_rings_back_the_agent_at_once() -> None:
    for status in (486, 404, 408):
        call = transferred(at=50.0)
        assert call.handle(PhoneFailed(TRANSFER, "ext-1005", status), 51.0) == [
            ReleasePhones(TRANSFER),
            RingBack("1011"),
        ]
        assert call.state is CallState.RECALLING


def test_a_recall_she_does_not_answer_goes_to_the_front_of_its_queue() -> None:
    """Spec §50–52, OP4: Karin's recall rings out (30 s) — the caller hears music and waits
    in the queue it came from, first (REQUEUED); another operator's answer makes it an ACD
    contact again, the reason kept for her card. Nothing rings Karin again."""
    call = transferred(at=50.0)
    call.on_timer(80.0)
    call.handle(PhonesRung(RECALL, ("ext-1011",)), 80.1)
    assert call.on_timer(80.0 + RECALL_RING_S) == [
        CancelPhone(RECALL, "ext-1011"),
        Hear(Party.CALLER, Sound.MUSIC),
        RequeueContact("no-answer"),
    ]
    assert call.state is CallState.REQUEUED
    assert call.next_deadline() is None, "the queue's rules now, no recall timer"
    call.handle(PhonesRung("maria", ("maria-desk",)), 115.0)  # the ACD offers it
    assert call.handle(PhoneAnswered("maria", "maria-desk"), 117.0) == [
        ReportAgentAnswered("maria")
    ]
    assert call.state is CallState.AGENT_ANSWERING
    assert call.handle(AgentConnected(whisper=False), 117.1) == [Bridge()]
    assert call.state is CallState.BRIDGED
    assert call.recall_note is not None and call.recall_note.status == 408
    assert call.handle(PartyLeft(Party.CALLER), 130.0) == [
        ReportContactEnded(),
        HangUpParty(Party.AGENT),
    ]


def test_a_busy_or_unreachable_recall_goes_to_the_queue_at_once() -> None:
    """Her line busy (486) or her phone gone (no route): no 30 s of ringing first."""
    call = transferred(at=50.0)
    call.on_timer(80.0)
    call.handle(PhonesRung(RECALL, ("ext-1011",)), 80.1)
    assert call.handle(PhoneFailed(RECALL, "ext-1011", 486), 81.0) == [
        ReleasePhones(RECALL),
        Hear(Party.CALLER, Sound.MUSIC),
        RequeueContact("no-answer"),
    ]
    assert call.state is CallState.REQUEUED
    call = transferred(at=50.0)
    call.handle(PhoneFailed(TRANSFER, "ext-1005", 486), 51.0)  # the target busy: recalled
    assert call.handle(NoRoute(RECALL), 51.1) == [
        Hear(Party.CALLER, Sound.MUSIC),
        RequeueContact("busy"),
    ]


def test_logged_out_or_talking_passes_her_recall_over() -> None:
    """The switch finds her logged out or in another queue call: straight to the queue."""
    call = transferred(at=50.0)
    call.on_timer(80.0)
    call.handle(PhonesRung(RECALL, ("ext-1011",)), 80.1)
    assert call.handle(RecallPassed(), 80.2) == [
        CancelPhone(RECALL, "ext-1011"),
        Hear(Party.CALLER, Sound.MUSIC),
        RequeueContact("no-answer"),
    ]


def test_the_caller_leaving_the_queue_abandons_it_and_a_refused_answer_waits_on() -> None:
    call = transferred(at=50.0)
    call.on_timer(80.0)
    call.on_timer(80.0 + RECALL_RING_S)
    call.handle(PhonesRung("maria", ("maria-desk",)), 115.0)
    call.handle(PhoneAnswered("maria", "maria-desk"), 117.0)
    call.handle(AnswerRefused(), 117.1)  # the ACD gave it to someone else meanwhile
    assert call.state is CallState.REQUEUED, "waiting again, not back in the IVR"
    call.handle(PhonesRung("olle", ("olle-desk",)), 118.0)
    assert call.handle(PartyLeft(Party.CALLER), 119.0) == [
        CancelPhone("olle", "olle-desk"),
        ReportRequeuedLeft(),
    ]
    assert call.state is CallState.ENDED


def test_a_queue_that_will_not_take_it_back_rings_her_again_later() -> None:
    """The ACD refuses (queue removed, contact forgotten): the old round — she is rung
    again after the recall time; the caller is never hung up by the switch."""
    call = transferred(at=50.0)
    call.on_timer(80.0)
    call.on_timer(80.0 + RECALL_RING_S)
    assert call.handle(RequeueRefused(), 110.1) == []
    assert call.state is CallState.PARKED
    assert call.next_deadline() == 110.1 + RECALL_AFTER_S
    assert call.on_timer(140.1) == [RingBack("1011")]
    assert call.state is CallState.RECALLING
    call.handle(PhonesRung(RECALL, ("ext-1011",)), 140.2)
    assert call.handle(PartyLeft(Party.CALLER), 141.0) == [
        CancelPhone(RECALL, "ext-1011"),
        LeaveOrbit(),
    ]


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


def test_a_plan_transfer_nobody_took_waits_first_in_its_queue() -> None:
    """Issue 16 §3, spec §50–52: the operator sent the queue caller to 4601; Olle was busy
    and her recall went unanswered — once the ACD took it back, the call waits in its queue
    with music (REQUEUED, the card's note says why), as a registrar extension's does."""
    call = CallMachine()
    call.handle(PhonesRung("karin", ("desk",)), 10.0)
    call.handle(PhoneAnswered("karin", "desk"), 12.0)
    call.handle(AgentConnected(whisper=False), 12.1)
    call.handle(TransferRequested(number="4601", internal=True), 50.0)
    assert call.recall_note == RecallNote("4601")  # where it went, for a later note
    call.handle(PhonesRung(CALLEE, ("olle-desk",), ring_s=20.0), 50.1)
    call.handle(PhoneFailed(CALLEE, "olle-desk", 486), 51.0)  # busy: her phone rings next
    call.handle(PhonesRung(CALLEE, ("karin-desk",), ring_s=30.0), 51.1)
    note = RecallNote("4601", 486, 0.9, 81.1)
    assert call.handle(BackInQueue(note), 81.1) == [
        CancelPhone(CALLEE, "karin-desk"),
        Hear(Party.CALLER, Sound.MUSIC),
    ]
    assert (call.state, call.agent_id, call.recall_note) == (CallState.REQUEUED, "", note)
    call.handle(PhonesRung("maria", ("maria-desk",)), 90.0)  # the queue offers it
    assert call.handle(PhoneAnswered("maria", "maria-desk"), 92.0)[-1:] == [
        ReportAgentAnswered("maria")
    ]
    assert call.state is CallState.AGENT_ANSWERING
    waiting = CallMachine()
    waiting.handle(PhonesRung("karin", ("desk",)), 10.0)
    waiting.handle(PhoneAnswered("karin", "desk"), 12.0)
    waiting.handle(AgentConnected(whisper=False), 12.1)
    waiting.handle(TransferRequested(number="4601", internal=True), 50.0)
    waiting.handle(BackInQueue(note), 81.1)
    assert waiting.handle(PartyLeft(Party.CALLER), 85.0) == [ReportRequeuedLeft()]  # abandoned
