"""The events and actions of a call's step back into its queue, or into the hand of the agent
who answers its recall (issue 16 §3): part of the call machine's events (``call_events``),
kept apart for that module's length; the steps are ``call_requeue.py``."""

from __future__ import annotations

from dataclasses import dataclass

from vaxel.telephony.recall_notes import RecallNote

__all__ = [
    "BackInQueue",
    "RecallPassed",
    "ReportRequeuedLeft",
    "ReportTakenBack",
    "RequeueAction",
    "RequeueContact",
    "RequeueEvent",
    "RequeueRefused",
    "TakenBack",
]


@dataclass(frozen=True, slots=True)
class RecallPassed:
    """Whoever the recall rings cannot take it (logged out, in another queue call)."""


@dataclass(frozen=True, slots=True)
class RequeueRefused:
    """The ACD would not take the call back (its queue or contact is gone)."""


@dataclass(frozen=True, slots=True)
class RequeueContact:
    """Action: tell the ACD the contact waits again in its queue, at the front."""

    reason: str


@dataclass(frozen=True, slots=True)
class ReportRequeuedLeft:
    """Action: the caller hung up while waiting again: the ACD abandons the contact."""


@dataclass(frozen=True, slots=True)
class TakenBack:
    """The ACD made the answered recall a contact of ``agent_id`` again: hers, talking."""

    agent_id: str


@dataclass(frozen=True, slots=True)
class ReportTakenBack:
    """Action: ``extension`` answered the recall of a contact; if the contact was its
    agent's, the ACD makes it hers again (``ContactTakenBack``)."""

    extension: str


@dataclass(frozen=True, slots=True)
class BackInQueue:
    """A queue call sent into the plan (a person's short number, a group) came back
    unanswered by the target and by her recall, and the ACD took it back in its queue
    (``ContactRequeued``, told already): it waits there first, with music."""

    note: RecallNote


RequeueEvent = RecallPassed | RequeueRefused | TakenBack | BackInQueue
RequeueAction = RequeueContact | ReportRequeuedLeft | ReportTakenBack
