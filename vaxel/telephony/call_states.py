"""The states of a call and of the offers it rings (``call.py`` holds the machine)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

__all__ = ["CallState", "Offer", "OfferState"]


class CallState(Enum):
    IVR = "ivr"
    AGENT_ANSWERING = "agent-answering"
    """An agent's phone answered; the ACD has not connected the contact yet."""
    WHISPER = "whisper"
    BRIDGED = "bridged"
    HELD = "held"
    CALLBACK_RINGING = "callback-ringing"
    """A callback: the agent's phones ring first (CB9)."""
    CALLBACK_DIALLING = "callback-dialling"
    """A callback: the agent answered and hears ringback while the customer is dialled."""
    TRANSFERRING = "transferring"
    """The agent REFERred the caller on: the caller hears ringback, the target rings."""
    TRANSFERRED = "transferred"
    """The caller talks with the transfer target (or the callee of an internal call); no
    ACD contact (any more)."""
    ON_HOLD = "on-hold"
    """TRANSFERRED, one side holding the other (a re-INVITE sendonly or inactive): the held
    side hears music until resumed (issue 14 §6; HELD is an ACD contact's hold)."""
    PARKED = "parked"
    """The caller waits in a park orbit hearing music; anyone may retrieve the call."""
    RECALLING = "recalling"
    """Parked too long: whoever parked the call is rung back (``call_park.py``)."""
    REQUEUED = "requeued"
    """A transfer's recall nobody took: back in its queue, first, hearing music
    (``call_requeue.py``); the ACD offers it as it offers a caller in the IVR."""
    CONNECTING = "connecting"
    """An internal call (PBX1): the callee's devices ring while the caller hears ringback —
    as early media after 183 for a new call (not answered until a device answers, or
    Växel itself must talk: voicemail, a menu), or in the call already up after a
    transfer."""
    CONSULTING = "consulting"
    """The operator asks someone first (issue 16 §3): the caller hears music, she hears
    ringback while the person's phones ring (``call_announce.py``)."""
    CONSULTED = "consulted"
    """The operator talks with the person she asked; the caller still hears music."""
    CONFERENCE = "conference"
    """The operator, the caller and the person she asked talk in one mix (OP3)."""
    ENDED = "ended"


class OfferState(Enum):
    RINGING = "ringing"
    ANSWERED = "answered"
    WITHDRAWN = "withdrawn"
    UNANSWERED = "unanswered"


@dataclass(slots=True)
class Offer:
    name: str
    ringing: set[str]
    state: OfferState = OfferState.RINGING
    winner: str = ""
    rung_at: float = 0.0
