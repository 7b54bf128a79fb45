"""The events and actions of a call's step back into its queue (issue 16 §3): part of the
call machine's events (``call_events``), kept apart for that module's length; the steps are
``call_requeue.py``."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "RecallPassed",
    "ReportRequeuedLeft",
    "RequeueAction",
    "RequeueContact",
    "RequeueEvent",
    "RequeueRefused",
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


RequeueEvent = RecallPassed | RequeueRefused
RequeueAction = RequeueContact | ReportRequeuedLeft
