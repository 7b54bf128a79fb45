"""What happened to a transfer that came back (issue 16 §3, spec §50–52): the operator's card
says it — "Ej svar hos Karin Carlsson, 30 s", "Upptaget hos …", "Avvisat av …".

The call machine keeps one :class:`RecallNote` per transfer with a recall
(``call_transfer.py``): the number it was sent to, then, once it comes back, why (the SIP
status of the target's ringing: none answered in time, busy, declined, unreachable) and how
long the target rang. ``recall_list.recalls_for`` lists an extension's recalls for the
console.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["NO_ANSWER", "RecallNote", "reason_of"]

NO_ANSWER = 408
"""The status a recall notes when the target rang the whole recall time unanswered."""
_BUSY = frozenset({486, 600})
_REJECTED = frozenset({603})


@dataclass(frozen=True, slots=True)
class RecallNote:
    """One transfer with a recall: where to (``number``), and once recalled why
    (``status``, 0 while the target still rings) after ``rung_s`` of ringing."""

    number: str
    status: int = 0
    rung_s: float = 0.0
    recalled_at: float = 0.0
    camped: bool = False
    """A camp-on's recall to the operator (``camp_on.py``): its card line is the camp-on
    board's, not the recall list's; unanswered, it too goes to the front of its queue."""


def reason_of(status: int) -> str:
    """The kind of what happened: 'no-answer', 'busy', 'rejected' or 'unreachable'."""
    if status == NO_ANSWER:
        return "no-answer"
    if status in _BUSY:
        return "busy"
    if status in _REJECTED:
        return "rejected"
    return "unreachable"
