"""The park, recall and pickup events and actions of a call (issue 14, OP3): part of the call
machine's events (``call_events``), kept apart for that module's length; the steps are
``call_park.py`` and ``call_pickup.py``."""

from __future__ import annotations

from dataclasses import dataclass

from vaxel.telephony.recall_notes import RecallNote

__all__ = ["CallParked", "CallPickedUp", "LeaveOrbit", "ParkRetrieved", "RingBack", "RingParked"]


@dataclass(frozen=True, slots=True)
class CallParked:
    """Parked (REFER to an orbit, console): music; rung back: ``by``, unanswered: ``fallback``."""

    by: str
    recall_s: float
    fallback: str = ""

    def __post_init__(self) -> None:
        if not self.by:
            raise ValueError("a parked call rings back whoever parked it: by is required")
        if self.recall_s <= 0:
            raise ValueError(f"recall after {self.recall_s} s")


@dataclass(frozen=True, slots=True)
class CallPickedUp:
    """Another phone took the ringing call: its leg is the other party (an offer's: agent_id)."""

    agent_id: str = ""


@dataclass(frozen=True, slots=True)
class ParkRetrieved:
    """Someone dialled the orbit (or the console took the call): their leg is the other party."""


@dataclass(frozen=True, slots=True)
class RingParked:
    """Ring ``whom`` for a parked call now, as its RECALL offer (camp-on, issue 16 §3: the
    busy extension is free, or it did not answer and the call goes back to the operator).
    ``note``: why it rings the operator — unanswered, the call goes to the front of its
    queue as a transfer's recall does (``call_requeue.py``); None when ringing the person."""

    whom: str
    note: RecallNote | None = None


# -- actions ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RingBack:
    """Ring ``whom`` (who parked the call) as the RECALL offer; no route: ``NoRoute(RECALL)``."""

    whom: str


@dataclass(frozen=True, slots=True)
class LeaveOrbit:
    """The call is no longer parked: free its orbit (retrieved, recalled, caller gone)."""
