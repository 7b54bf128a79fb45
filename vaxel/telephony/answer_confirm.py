"""Answer confirmation for an offer rung on a mobile over the trunk (issue 16, PBX9).

A mobile is answered by its own voicemail, or in a pocket, as readily as by its owner, so a
200 OK from the carrier is not her answer: the leg hears "Samtal från kön, tryck 1 för att
svara" and only the key 1 before ``deadline`` counts: the offer's ring time, but never more
than ``CONFIRM_S`` after the carrier's answer (:func:`confirm_deadline`), so a long queue
offer timeout (or none) does not keep a voicemail listening to the prompt. Any other key
is ignored; no key in time, or the mobile hanging up first, leaves the offer unanswered —
the ACD counts it as today's unanswered offer (Q23) and its no-answer rule applies.

Pure: the switch feeds it keys, a hang-up and the time (``mobile_answer.py`` does the I/O).
"""

from __future__ import annotations

from enum import Enum

__all__ = ["ANSWER_KEY", "CONFIRM_S", "AnswerConfirmation", "Outcome", "confirm_deadline"]

ANSWER_KEY = "1"
CONFIRM_S = 20.0
"""Seconds she has for the key after the carrier's answer: the prompt twice and some."""


def confirm_deadline(answered_at: float, offer_ends: float) -> float:
    """When no key means no answer: ``CONFIRM_S`` after the carrier's answer, or the
    offer's own end when that is sooner (its ring time ran while the mobile rang)."""
    return min(answered_at + CONFIRM_S, offer_ends)


class Outcome(Enum):
    WAITING = "waiting"
    """Answered by the network; her key not pressed yet."""
    ANSWERED = "answered"
    """She pressed 1 in time: the call is hers."""
    UNANSWERED = "unanswered"
    """No key in time, or hung up first: an unanswered offer."""


class AnswerConfirmation:
    """One mobile's answer, from its 200 OK until her key, the deadline or a hang-up."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.outcome = Outcome.WAITING

    def key(self, digit: str, now: float) -> Outcome:
        """A key from the mobile: 1 in time answers; any other key changes nothing."""
        if self.due(now) is Outcome.WAITING and digit == ANSWER_KEY:
            self.outcome = Outcome.ANSWERED
        return self.outcome

    def hung_up(self) -> Outcome:
        """The mobile (or the carrier) ended the leg: unanswered unless she had pressed 1."""
        if self.outcome is Outcome.WAITING:
            self.outcome = Outcome.UNANSWERED
        return self.outcome

    def due(self, now: float) -> Outcome:
        """The time now: past the deadline with no key, the offer is unanswered."""
        if self.outcome is Outcome.WAITING and now >= self.deadline:
            self.outcome = Outcome.UNANSWERED
        return self.outcome
