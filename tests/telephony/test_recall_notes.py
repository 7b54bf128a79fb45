"""What happened to a transfer that came back is kept for the operator's card (issue 16 §3,
spec §50–52): the call machine notes the target's number, why it came back (the SIP status
of the target's ringing) and how long it rang; the console words it
(``vaxel/web/console_recalls.py``)."""

from __future__ import annotations

from tests.telephony.test_call_transfer_recall import RECALL_AFTER_S
from vaxel.telephony.call import CallMachine, CallState
from vaxel.telephony.call_events import (
    RECALL,
    TRANSFER,
    AgentConnected,
    PhoneAnswered,
    PhoneFailed,
    PhonesRung,
    TransferRequested,
)
from vaxel.telephony.calls import Call
from vaxel.telephony.recall_notes import NO_ANSWER, RecallNote, reason_of
from vaxel.telephony.requeue import requeued_note
from vaxel.telephony.requeue_events import RequeueContact
from vaxel.web.console_recalls import recall_lines, requeued_line


def transferred(at: float = 50.0) -> CallMachine:
    call = CallMachine()
    call.handle(PhonesRung("kristina", ("desk",)), 10.0)
    call.handle(PhoneAnswered("kristina", "desk"), 12.0)
    call.handle(AgentConnected(whisper=False), 12.1)
    call.handle(TransferRequested("1011", RECALL_AFTER_S, "1005"), at)
    call.handle(PhonesRung(TRANSFER, ("ext-1005",)), at)
    return call


def test_an_unanswered_transfer_notes_no_answer_and_the_seconds_rung() -> None:
    call = transferred(at=50.0)
    assert call.recall_note == RecallNote("1005"), "where it went, nothing happened yet"
    call.on_timer(80.0)
    assert call.state is CallState.RECALLING
    assert call.recall_note == RecallNote("1005", NO_ANSWER, 30.0, 80.0)
    assert reason_of(NO_ANSWER) == "no-answer"
    call.handle(PhonesRung(RECALL, ("ext-1011",)), 80.1)
    call.handle(PhoneAnswered(RECALL, "ext-1011"), 84.0)
    assert call.state is CallState.TRANSFERRED
    assert call.recall_note is not None, "the card still says why she has the caller again"


def test_busy_rejected_and_unreachable_are_told_apart() -> None:
    for status, reason in ((486, "busy"), (600, "busy"), (603, "rejected"), (404, "unreachable")):
        call = transferred(at=50.0)
        call.handle(PhoneFailed(TRANSFER, "ext-1005", status), 52.0)
        assert call.state is CallState.RECALLING
        note = call.recall_note
        assert note is not None and note.status == status and note.rung_s == 2.0
        assert reason_of(note.status) == reason


def test_a_transfer_without_recall_keeps_no_note() -> None:
    call = CallMachine()
    call.handle(PhonesRung("kristina", ("desk",)), 10.0)
    call.handle(PhoneAnswered("kristina", "desk"), 12.0)
    call.handle(AgentConnected(whisper=False), 12.1)
    call.handle(TransferRequested(), 20.0)
    assert call.recall_note is None


def test_the_card_words_what_happened_in_swedish() -> None:
    def row(reason: str, number: str = "1005") -> dict[str, object]:
        return {
            "id": "c1",
            "caller_number": "0701234567",
            "number": number,
            "reason": reason,
            "rung_s": 30,
            "state": "ringing",
            "since_s": 2,
        }

    names = {"1005": "Karin Carlsson"}
    lines = recall_lines(
        [row("no-answer"), row("busy"), row("rejected"), row("unreachable", "0812345")],
        lambda number: names.get(number, ""),
    )
    assert [line["text"] for line in lines] == [
        "Ej svar hos Karin Carlsson, 30 s",
        "Upptaget hos Karin Carlsson",
        "Avvisat av Karin Carlsson",
        "Kunde inte nå 0812345",  # no name known: the number
    ]
    assert lines[0]["state_text"].startswith("Ringer tillbaka till dig")


def test_whoever_is_offered_a_requeued_call_reads_why() -> None:
    """Issue 16 §3, spec §50–52: the call back in its queue carries the note to the card of
    the operator who takes it; a call with no recall behind it has no line."""
    call = CallMachine()
    call.handle(PhonesRung("karin", ("desk",)), 10.0)
    call.handle(PhoneAnswered("karin", "desk"), 12.0)
    call.handle(AgentConnected(whisper=False), 12.1)
    call.handle(TransferRequested("1011", RECALL_AFTER_S, number="1005"), 20.0)
    call.handle(PhonesRung(TRANSFER, ("ext-1005",)), 20.1)
    call.on_timer(50.0)  # Karin's phone is rung back …
    assert call.on_timer(80.0)[-1] == RequeueContact("no-answer")  # … and not answered
    found = Call("c1", "t1", call)
    row = requeued_note(found)
    assert row == {"number": "1005", "reason": "no-answer", "rung_s": 30, "by": "1011"}
    names = {"1005": "Karin Carlsson"}.get
    assert requeued_line(row, lambda n: names(n) or "") == (
        "Återkoppling: Ej svar hos Karin Carlsson, 30 s"
    )
    assert requeued_note(Call("c2", "t1", CallMachine())) is None
    assert requeued_line(None, lambda n: "") is None
