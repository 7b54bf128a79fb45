"""What happened to a transfer that came back (issue 16 §3, spec §50–52): the operator's card
says it — "Ej svar hos Karin Carlsson, 30 s", "Upptaget hos …", "Avvisat av …".

The call machine keeps one :class:`RecallNote` per transfer with a recall
(``call_transfer.py``): the number it was sent to, then, once it comes back, why (the SIP
status of the target's ringing: none answered in time, busy, declined, unreachable) and how
long the target rang. :func:`recalls_for` lists an extension's recalls for the console:
those ringing her back and those she has taken back, with the caller's number.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vaxel.telephony.call_states import CallState

if TYPE_CHECKING:
    from vaxel.telephony.calls import Call

__all__ = ["NO_ANSWER", "RecallNote", "reason_of", "recalls_for"]

NO_ANSWER = 408
"""The status a recall notes when the target rang the whole recall time unanswered."""
_BUSY = frozenset({486, 600})
_REJECTED = frozenset({603})
_SHOWN = {
    CallState.RECALLING: "ringing",  # her phone rings with it now
    CallState.PARKED: "waiting",  # nobody took the recall yet: rung again after the time
    CallState.TRANSFERRED: "taken",  # she has the caller again
}


@dataclass(frozen=True, slots=True)
class RecallNote:
    """One transfer with a recall: where to (``number``), and once recalled why
    (``status``, 0 while the target still rings) after ``rung_s`` of ringing."""

    number: str
    status: int = 0
    rung_s: float = 0.0
    recalled_at: float = 0.0


def reason_of(status: int) -> str:
    """The kind of what happened: 'no-answer', 'busy', 'rejected' or 'unreachable'."""
    if status == NO_ANSWER:
        return "no-answer"
    if status in _BUSY:
        return "busy"
    if status in _REJECTED:
        return "rejected"
    return "unreachable"


def recalls_for(
    calls: Iterable[Call], tenant_id: str, extension: str, now: float
) -> list[dict[str, object]]:
    """The recalls of ``extension`` (who transferred them), latest first: each with the
    call's id, the caller's number, the target's number, the reason, the seconds the target
    rang, the state shown ('ringing', 'waiting', 'taken') and the seconds since it came back."""
    found: list[dict[str, object]] = []
    for call in calls:
        machine = call.machine
        note = machine.recall_note
        shown = _SHOWN.get(machine.state)
        if (
            note is None
            or not note.status
            or shown is None
            or call.tenant_id != tenant_id
            or machine.parked_by != extension
        ):
            continue
        session = call.session
        found.append(
            {
                "id": call.call_id,
                "caller_number": session.call.caller_number if session is not None else "",
                "number": note.number,
                "reason": reason_of(note.status),
                "rung_s": round(note.rung_s),
                "state": shown,
                "since_s": max(0, int(now - note.recalled_at)),
            }
        )
    found.sort(key=lambda row: int(str(row["since_s"])))
    return found
