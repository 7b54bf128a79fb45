"""What happens to a call and what it asks the switch to do (see ``call.py``). Events are
facts in the past tense, the rest commands; all frozen and slotted."""

from __future__ import annotations

from dataclasses import dataclass

from vaxel.telephony.call_parties import (
    CALLEE,
    CUSTOMER,
    RECALL,
    TRANSFER,
    Notice,
    Party,
    Sound,
    is_callee,
)
from vaxel.telephony.consult_events import (
    ConferenceStarted,
    ConsultAction,
    ConsultDropped,
    ConsultedLeft,
    ConsultJoined,
    ConsultSentOn,
    ConsultStarted,
    GuestLeft,
)
from vaxel.telephony.early_events import AnswerCaller, CallerAnswered
from vaxel.telephony.park_events import (
    CallParked,
    CallPickedUp,
    LeaveOrbit,
    ParkRetrieved,
    RingBack,
    RingParked,
)
from vaxel.telephony.requeue_events import RequeueAction, RequeueEvent
from vaxel.telephony.transfer_events import PartyHandedOver, PartyReplaced

__all__ = [
    "CALLEE",
    "CUSTOMER",
    "RECALL",
    "TRANSFER",
    "AgentConnected",
    "Announce",
    "AnswerRefused",
    "Bridge",
    "BusyOrdered",
    "CallAction",
    "CallEvent",
    "CancelPhone",
    "DialOnward",
    "DigitReceived",
    "ForwardDigit",
    "HangUpParty",
    "HangUpPhone",
    "Hear",
    "HoldChanged",
    "NoRoute",
    "Notice",
    "OfferWithdrawn",
    "Party",
    "PartyLeft",
    "PhoneAnswered",
    "PhoneFailed",
    "PhonesRung",
    "PlayWhisper",
    "ReleasePhones",
    "ReportAgentAnswered",
    "ReportAgentDeclined",
    "ReportCallbackOutcome",
    "ReportCallerLeft",
    "ReportContactEnded",
    "ReportRingOutcome",
    "Sound",
    "TransferOrdered",
    "TransferRequested",
    "Unbridge",
    "WhisperHeard",
    "is_callee",
]


# -- events ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PhonesRung:
    """INVITEs went out for ``offer`` (an agent id, "customer" or "transfer")."""

    offer: str
    phones: tuple[str, ...]
    ring_s: float | None = None
    """For the callee of an internal call: how long they ring before "no answer"."""

    def __post_init__(self) -> None:
        if not self.phones:
            raise ValueError("an offer rings at least one phone")


@dataclass(frozen=True, slots=True)
class PhoneAnswered:
    offer: str
    phone: str


@dataclass(frozen=True, slots=True)
class PhoneFailed:
    """The phone's INVITE ended without an answer (error, 487 after our CANCEL, timeout)."""

    offer: str
    phone: str
    status: int


@dataclass(frozen=True, slots=True)
class OfferWithdrawn:
    """The ACD took the offer back (timeout, another agent, the caller left)."""

    offer: str


@dataclass(frozen=True, slots=True)
class AgentConnected:
    """The ACD connected the contact to the agent who answered; ``whisper`` to play (Q12)."""

    whisper: bool


@dataclass(frozen=True, slots=True)
class WhisperHeard:
    party: Party


@dataclass(frozen=True, slots=True)
class PartyLeft:
    """A party's leg ended: BYE, CANCEL, no ACK, silent media (``vanished``)."""

    party: Party
    vanished: bool = False


@dataclass(frozen=True, slots=True)
class HoldChanged:
    party: Party
    held: bool


@dataclass(frozen=True, slots=True)
class DigitReceived:
    digit: str
    via: str = "rfc4733"
    """"rfc4733" (RTP telephone-event) or "info" (SIP INFO)."""

    def __post_init__(self) -> None:
        if len(self.digit) != 1 or self.digit not in "0123456789*#ABCD":
            raise ValueError(f"not a DTMF key: {self.digit!r}")
        if self.via not in ("rfc4733", "info"):
            raise ValueError(f"unknown DTMF transport: {self.via!r}")


@dataclass(frozen=True, slots=True)
class TransferRequested:
    """The agent of a bridged call REFERred the caller to a number (RFC 3515); ``by`` (her
    extension, "" unknown) is rung back after ``recall_s`` unanswered (0: never); ``number``
    is where to, for the recall's note on her card (issue 16 §3)."""

    by: str = ""
    recall_s: float = 0.0
    number: str = ""
    internal: bool = False
    """The caller rings a number of the tenant's plan on as an internal call (CONNECTING:
    its forwarding, presence and recall, ``console_plan.py``)."""


@dataclass(frozen=True, slots=True)
class TransferOrdered:
    """The caller was sent on to ``number`` while in the IVR: by the flow (``by="flow"``)
    or by the ACD's overflow (``by="overflow"``, Q18)."""

    number: str
    by: str = "flow"

    def __post_init__(self) -> None:
        if self.by not in ("flow", "overflow"):
            raise ValueError(f"unknown transfer origin: {self.by!r}")


@dataclass(frozen=True, slots=True)
class BusyOrdered:
    """The ACD gave the caller busy (Q19): ``prompt`` is the queue's message (or "")."""

    prompt: str = ""


@dataclass(frozen=True, slots=True)
class AnswerRefused:
    """The ACD would not connect the agent who answered (the offer ended just before)."""


@dataclass(frozen=True, slots=True)
class NoRoute:
    """A number to dial for ``offer`` (the customer, a transfer target) has no route."""

    offer: str


CallEvent = (
    CallerAnswered
    | PhonesRung
    | PhoneAnswered
    | PhoneFailed
    | OfferWithdrawn
    | AgentConnected
    | WhisperHeard
    | PartyLeft
    | HoldChanged
    | DigitReceived
    | TransferRequested
    | TransferOrdered
    | BusyOrdered
    | CallParked
    | CallPickedUp
    | ParkRetrieved
    | RingParked
    | RequeueEvent
    | AnswerRefused
    | NoRoute
    | PartyReplaced
    | PartyHandedOver
    | ConsultStarted
    | ConsultJoined
    | ConsultDropped
    | ConsultedLeft
    | ConferenceStarted
    | ConsultSentOn
    | GuestLeft
)


# -- actions ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CancelPhone:
    offer: str
    phone: str


@dataclass(frozen=True, slots=True)
class HangUpPhone:
    """BYE a phone that answered but lost (or answered after the call ended)."""

    offer: str
    phone: str


@dataclass(frozen=True, slots=True)
class ReleasePhones:
    """Nobody answered ``offer``: free what ringing it held (its media endpoint)."""

    offer: str


@dataclass(frozen=True, slots=True)
class ReportAgentAnswered:
    agent_id: str


@dataclass(frozen=True, slots=True)
class ReportAgentDeclined:
    """An unanswered offer (Q23)."""

    agent_id: str


@dataclass(frozen=True, slots=True)
class ReportContactEnded:
    pass


@dataclass(frozen=True, slots=True)
class ReportCallerLeft:
    """The caller hung up while with the flow (the flow and the ACD are told)."""


@dataclass(frozen=True, slots=True)
class ReportCallbackOutcome:
    outcome: str
    """"answered" or "no_answer" (CB9)."""


@dataclass(frozen=True, slots=True)
class ForwardDigit:
    digit: str


@dataclass(frozen=True, slots=True)
class PlayWhisper:
    pass


@dataclass(frozen=True, slots=True)
class Bridge:
    pass


@dataclass(frozen=True, slots=True)
class Unbridge:
    hear: Sound
    party: Party
    """Who hears ``hear`` instead of the other side."""


@dataclass(frozen=True, slots=True)
class HangUpParty:
    party: Party


@dataclass(frozen=True, slots=True)
class Announce:
    """Tell ``party`` ``notice`` (or ``prompt``, a tenant's own message), then hang up."""

    party: Party
    notice: Notice
    prompt: str = ""


@dataclass(frozen=True, slots=True)
class Hear:
    """``party`` hears ``sound`` (what played before stops): ringback while a target rings."""

    party: Party
    sound: Sound


@dataclass(frozen=True, slots=True)
class DialOnward:
    """Ring ``number`` as the TRANSFER offer (``PhonesRung``); no route: ``NoRoute``."""

    number: str


@dataclass(frozen=True, slots=True)
class ReportRingOutcome:
    """How ringing the callee of an internal call ended (PBX1, PBX5): ``status`` 200 when
    answered, the phones' final status otherwise, 0 when it rang out (``ring_s``)."""

    status: int


CallAction = (
    CancelPhone
    | HangUpPhone
    | ReleasePhones
    | ReportAgentAnswered
    | ReportAgentDeclined
    | ReportContactEnded
    | ReportCallerLeft
    | ReportCallbackOutcome
    | ForwardDigit
    | PlayWhisper
    | AnswerCaller
    | Bridge
    | Unbridge
    | HangUpParty
    | Announce
    | ReportRingOutcome
    | Hear
    | DialOnward
    | RingBack
    | RequeueAction
    | LeaveOrbit
    | ConsultAction
)
