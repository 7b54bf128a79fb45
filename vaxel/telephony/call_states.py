"""The states of a call and of the offers it rings (``call.py`` holds the machine,
``call_rules.py`` which events each state accepts).

Rules kept here (Q10, Q12, Q22, Q23, CB9):
- A call from a customer starts in IVR: the flow plays prompts and music, and digits (RFC
  4733 or SIP INFO alike) go to the flow. Offers from the ACD ring every phone of the agent
  in parallel (``PhonesRung``); the first phone to answer wins, the others are cancelled —
  and a loser that answered too (two 200s at once) is hung up, never left half-open.
- An offer that ends with no phone answering, and not because we withdrew it, is reported
  as declined: the ACD counts it as an unanswered offer (Q23).
- An answer is reported to the ACD (AGENT_ANSWERING); when the ACD connects the contact
  the whisper plays to both legs (WHISPER, Q12) and the legs are bridged once both have
  heard it (BRIDGED). Hold (HELD, ON_HOLD, Q10) and attended transfer: ``call_consult.py``.
- Either side hanging up, or vanishing (no ACK, silent media), ends the call: the other
  side is hung up and — once the ACD had connected the agent — the contact ends (Q22).
  A caller who leaves while still in the IVR is told to the flow and the offers cancelled.
- A callback (CB9) rings the agent first (CALLBACK_RINGING; unanswered, the call ends and
  the ACD hears of the decline as of any offer); once answered the customer is
  dialled while the agent hears ringback (CALLBACK_DIALLING, bounded by ``customer_ring_s``)
  and bridged on answer. Blind transfer, the flow's transfer node, the ACD's overflow
  (Q18) and busy (Q19): ``call_transfer.py``.
- An internal call (PBX1) is not answered while the callee's devices ring (CONNECTING,
  offer ``CALLEE``, for ``ring_s`` at most; the caller in early media, ``caller_early``).
  How that ringing ended is reported (``ReportRingOutcome``: answered, the phones' status,
  or 0 for no answer) and the call stays CONNECTING, so that the PBX can ring someone else
  (in sequence, forwarding) or tell the caller; a device answering answers the caller
  (``AnswerCaller``, only then) and the two talk (TRANSFERRED: bridged, no ACD contact);
  either hanging up ends both. A CANCEL while ringing (PartyLeft) withdraws every phone.
- Park, recall, camp-on (PARKED, RECALLING): ``call_park.py``; pickup: ``call_pickup.py``;
  a transfer's recall nobody took back waits in its queue again (REQUEUED): ``call_requeue.py``.
- Every step not in the table raises IllegalTransition; ENDED absorbs what the network may
  still deliver (late answers are hung up, late failures and hang-ups ignored).
Time is given (``now``); ``next_deadline()`` says when ``on_timer`` must run.
"""

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
