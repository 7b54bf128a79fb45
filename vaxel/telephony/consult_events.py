"""The events and actions of an announced transfer from the operator console (issue 16 §3,
OP3; spec §46 "förmedling med avisering"): part of the call machine's events and actions
(``call_events``), kept apart for that module's length; the steps are ``call_announce.py``,
the switch's side ``console_consult.py``."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CONSULT",
    "ConferenceStarted",
    "ConsultAction",
    "ConsultDropped",
    "ConsultFromConference",
    "ConsultJoined",
    "ConsultOver",
    "ConsultSentOn",
    "ConsultStarted",
    "ConsultedLeft",
    "DropConsulted",
    "GuestLeft",
    "GuestTakesSeat",
    "GuestToConsulted",
    "JoinConference",
    "JoinConsulted",
    "LeaveRoom",
    "TakeCallersSeat",
    "TalkToConsulted",
]

CONSULT = "consult"
"""The offer ringing the person the operator asks first (the leg: ``Call.consulted``)."""


@dataclass(frozen=True, slots=True)
class ConsultStarted:
    """The operator asks someone first: the caller waits with music while ``CONSULT`` rings
    for ``ring_s`` at most."""

    ring_s: float

    def __post_init__(self) -> None:
        if self.ring_s <= 0:
            raise ValueError(f"a consultation rings for {self.ring_s} s")


@dataclass(frozen=True, slots=True)
class ConsultJoined:
    """The operator connects the caller with the person she talked to; she leaves."""


@dataclass(frozen=True, slots=True)
class ConsultSentOn:
    """Semi-attended: the operator connects the caller with the person still ringing and
    leaves; unanswered, the call rings back ``by`` (her extension) as a transfer's recall,
    then every ``recall_s`` again; ``number`` is whom she asked, for her card."""

    by: str
    number: str
    recall_s: float


@dataclass(frozen=True, slots=True)
class ConsultDropped:
    """The operator goes back to the caller: the person's leg (or ringing) ends."""


@dataclass(frozen=True, slots=True)
class ConsultedLeft:
    """The person consulted hung up (their leg ended)."""


@dataclass(frozen=True, slots=True)
class ConferenceStarted:
    """The operator joins the caller, the person she asked and herself in one mix (OP3)."""


@dataclass(frozen=True, slots=True)
class JoinConference:
    """The caller's, the person's and the operator's legs leave any bridge or music and
    are mixed in one room of their own: all three hear each other."""


@dataclass(frozen=True, slots=True)
class TakeCallersSeat:
    """The caller left a conference: the person's leg takes the caller's seat and is
    bridged with the operator's — an ordinary call of two from here."""


@dataclass(frozen=True, slots=True)
class TalkToConsulted:
    """The operator's leg is bridged with the person who answered; the caller keeps music."""


@dataclass(frozen=True, slots=True)
class JoinConsulted:
    """The person's leg takes the operator's seat and is bridged with the caller; the
    operator's leg is hung up (if still up)."""


@dataclass(frozen=True, slots=True)
class DropConsulted:
    """The person's leg, if any, is hung up and leaves the call."""


@dataclass(frozen=True, slots=True)
class ConsultOver:
    """How the consultation ended, for the console's card: 'joined', 'back' (the operator
    went back), 'hung-up' (the person left), 'no-answer' (rang out), 'busy', 'failed'
    (another final status, ``status``), 'caller-left'."""

    outcome: str
    status: int = 0


@dataclass(frozen=True, slots=True)
class GuestLeft:
    """A guest of the conference hung up (their leg ended, §46): the others talk on."""


@dataclass(frozen=True, slots=True)
class ConsultFromConference:
    """She asks one more person from the conference: the person she asked last stays in
    the mix as a guest, her leg steps out of it (the others keep talking)."""


@dataclass(frozen=True, slots=True)
class GuestToConsulted:
    """The guest who joined last is the person of the conference again (the one F4 or a
    hang-up concerns), as no one else is asked."""


@dataclass(frozen=True, slots=True)
class GuestTakesSeat:
    """The caller left: the first guest takes the caller's seat (still in the mix unless
    ``alone``: then out of it, to hear music while she asks someone)."""

    alone: bool = False


@dataclass(frozen=True, slots=True)
class LeaveRoom:
    """She leaves a conference of more than three: the person she asked stays in the mix
    as a guest, her leg is hung up; the caller and the guests talk on without her."""


ConsultAction = (
    TalkToConsulted
    | JoinConsulted
    | DropConsulted
    | ConsultOver
    | JoinConference
    | TakeCallersSeat
    | ConsultFromConference
    | GuestToConsulted
    | GuestTakesSeat
    | LeaveRoom
)
