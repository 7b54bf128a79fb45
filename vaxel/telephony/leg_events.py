"""What happens to a call leg and what it asks the switch to do (see ``leg.py``).

Events are facts in the past tense, the rest commands; all frozen and slotted.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

__all__ = [
    "AckReceived",
    "Answer",
    "ByeReceived",
    "Cancel",
    "CancelReceived",
    "EarlyMediaSent",
    "EndCause",
    "FinalReceived",
    "HangUp",
    "LegAction",
    "LegConfirmed",
    "LegEnded",
    "LegInput",
    "MediaSilent",
    "ProvisionalReceived",
    "Refuse",
    "ReinviteAnswered",
    "Reply",
    "RequestTimedOut",
    "Resend2xx",
    "SendAck",
    "SendBye",
    "SendCancel",
    "SendFinal",
]


class EndCause(Enum):
    REMOTE_BYE = "remote-bye"
    LOCAL_BYE = "local-bye"
    CANCELLED_BY_PEER = "cancelled-by-peer"
    CANCELLED_BY_US = "cancelled-by-us"
    REFUSED = "refused"
    """We answered the INVITE with an error (inbound)."""
    DECLINED = "declined"
    """The phone answered our INVITE with an error or never answered (outbound)."""
    NO_ACK = "no-ack"
    LATE_ANSWER = "late-answer"
    REQUEST_TIMEOUT = "request-timeout"
    MEDIA_TIMEOUT = "media-timeout"
    UNANSWERED = "unanswered"
    """Inbound: we ended the early dialog with an error; the caller was never answered."""


# -- what happens to a leg (facts) and what it is told to do (commands) --------------------


@dataclass(frozen=True, slots=True)
class Answer:
    """The switch sent 2xx to the caller's INVITE."""


@dataclass(frozen=True, slots=True)
class EarlyMediaSent:
    """The switch sent 183 Session Progress with its SDP answer to the caller's INVITE: the
    caller hears ringback (or a prompt) as early media, nothing is answered (RFC 3960)."""


@dataclass(frozen=True, slots=True)
class ReinviteAnswered:
    """The switch answered a re-INVITE with 2xx (hold/resume, RFC 3264 §8.4)."""


@dataclass(frozen=True, slots=True)
class Refuse:
    status: int


@dataclass(frozen=True, slots=True)
class HangUp:
    """End the leg from our side: BYE when confirmed, CANCEL when ringing out, and the
    final ``status`` when the caller was never answered (early media only)."""

    status: int = 480
    reason: str = "Temporarily Unavailable"


@dataclass(frozen=True, slots=True)
class Cancel:
    """Stop ringing an outbound leg (another phone won, the offer was withdrawn)."""


@dataclass(frozen=True, slots=True)
class ProvisionalReceived:
    status: int = 180


@dataclass(frozen=True, slots=True)
class FinalReceived:
    status: int
    to_tag: str = ""
    """The To tag of a 2xx: the dialog it makes (a forking proxy may answer with several)."""

    def __post_init__(self) -> None:
        if not 200 <= self.status < 700:
            raise ValueError(f"not a final status: {self.status}")


@dataclass(frozen=True, slots=True)
class AckReceived:
    pass


@dataclass(frozen=True, slots=True)
class ByeReceived:
    pass


@dataclass(frozen=True, slots=True)
class CancelReceived:
    pass


@dataclass(frozen=True, slots=True)
class RequestTimedOut:
    """An in-dialog request of ours got no response (408, §12.2.1.2) or the INVITE's timer B."""


@dataclass(frozen=True, slots=True)
class MediaSilent:
    """No RTP from the phone for the configured media timeout: it is gone (issue 11 §3)."""

    silent_s: float


LegInput = (
    Answer
    | EarlyMediaSent
    | ReinviteAnswered
    | Refuse
    | HangUp
    | Cancel
    | ProvisionalReceived
    | FinalReceived
    | AckReceived
    | ByeReceived
    | CancelReceived
    | RequestTimedOut
    | MediaSilent
)


@dataclass(frozen=True, slots=True)
class Resend2xx:
    """Send our last 2xx again (the adapter keeps its bytes)."""


@dataclass(frozen=True, slots=True)
class SendAck:
    """ACK the 2xx just received (§13.2.2.4): the dialog's ACK, outside any transaction."""


@dataclass(frozen=True, slots=True)
class SendBye:
    pass


@dataclass(frozen=True, slots=True)
class SendCancel:
    pass


@dataclass(frozen=True, slots=True)
class Reply:
    """Answer the request being handled (BYE → 200, INVITE → 487 after CANCEL)."""

    status: int
    reason: str


@dataclass(frozen=True, slots=True)
class SendFinal:
    """Answer the caller's INVITE with this error, in the early dialog (its To tag): the
    call ends unanswered, nothing is billed."""

    status: int
    reason: str


@dataclass(frozen=True, slots=True)
class LegConfirmed:
    """The dialog is up (outbound: 2xx ACKed; inbound: ACK received)."""


@dataclass(frozen=True, slots=True)
class LegEnded:
    cause: EndCause
    status: int = 0


LegAction = Resend2xx | SendAck | SendBye | SendCancel | SendFinal | Reply | LegConfirmed | LegEnded
