"""The call machine's steps of an announced transfer from the operator console (issue 16
§3, OP3; spec §46 "förmedling med avisering"), kept beside ``call.py``.

Rules kept here:
- Only a queue call the operator talks in (BRIDGED, or HELD by her phone) is consulted
  on: the caller hears music, she hears ringback while the person's phones ring as the
  offer ``CONSULT`` (CONSULTING), for ``ring_s`` at most (the ``park_deadline``).
- The person answering: she talks with them, the caller still on music (CONSULTED).
- Connecting (``ConsultJoined``, only once they answered): the person's leg takes her
  seat and talks with the caller (TRANSFERRED), her contact ends (wrap-up), her leg is
  hung up. Her own phone hanging up while she talks with the person connects them too:
  nobody is left alone on the line.
- Going back (``ConsultDropped``), the person busy, failing or not answering in time,
  or hanging up: the person's ringing or leg ends and she has the caller again (BRIDGED);
  ``ConsultOver`` says how, for the card.
- The caller hanging up ends the whole call (the contact ends; her leg and the person's
  are hung up); her phone hanging up while the person still rings ends it as an ordinary
  hang-up does.
- Semi-attended (``ConsultSentOn``, while the person still rings): the caller hears
  ringback in her place, her contact ends, her leg is hung up (TRANSFERRING, the same
  deadline); the person answering talks with the caller (TRANSFERRED); busy, unreachable
  or not answering in time: the transfer's recall rings her back (``call_transfer``).
- Conference (``ConferenceStarted``, only once the person answered): the three talk in one
  mix (CONFERENCE). She leaves with ``ConsultJoined`` (or by hanging up): the two talk on,
  her contact ends. The person hanging up or ``ConsultDropped``: she has the caller again.
  The caller hanging up: the person takes the caller's seat — she and the person talk on
  as an ordinary call of two, still her contact (BRIDGED: the queues offer her nothing
  while she talks; either hanging up ends it and her wrap-up starts).
- Asking one more from a conference, and conferences larger than three (§46): the steps
  with guests are ``call_conference.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vaxel.telephony import call_conference, call_transfer
from vaxel.telephony.call_events import (
    Bridge,
    CallAction,
    CallEvent,
    HangUpParty,
    Hear,
    Party,
    PartyLeft,
    ReportContactEnded,
    Sound,
    Unbridge,
)
from vaxel.telephony.call_states import CallState
from vaxel.telephony.consult_events import (
    CONSULT,
    ConferenceStarted,
    ConsultDropped,
    ConsultedLeft,
    ConsultJoined,
    ConsultOver,
    ConsultSentOn,
    ConsultStarted,
    DropConsulted,
    GuestLeft,
    JoinConference,
    JoinConsulted,
    TakeCallersSeat,
    TalkToConsulted,
)
from vaxel.telephony.recall_notes import RecallNote

if TYPE_CHECKING:
    from vaxel.telephony.call import CallMachine

__all__ = [
    "ALLOWED",
    "ANSWERED",
    "CONSULT",
    "CONSULTABLE",
    "STATES",
    "STEPS",
    "answered",
    "failed",
    "left",
    "rang_out",
]

_C = CallState
CONSULTABLE = frozenset({_C.BRIDGED, _C.HELD})
"""A queue call the operator is in: the contact is hers."""
STATES = frozenset({_C.CONSULTING, _C.CONSULTED, _C.CONFERENCE})
ANSWERED = frozenset({_C.CONSULTED, _C.CONFERENCE})
"""The person answered: connecting (she leaves) is allowed."""
_BUSY = frozenset({486, 600})


def started(call: CallMachine, event: CallEvent, now: float) -> list[CallAction]:
    assert isinstance(event, ConsultStarted)
    if call.state is _C.CONFERENCE:  # one more person, asked from the conference (§46)
        return call_conference.asked_from(call, event, now)
    call.state, call.park_deadline = _C.CONSULTING, now + event.ring_s
    return [Unbridge(Sound.MUSIC, Party.CALLER), Hear(Party.AGENT, Sound.RINGBACK)]


def answered(call: CallMachine) -> list[CallAction]:
    """The person answered (their phone won the ``CONSULT`` offer): she talks with them —
    or, sent on while ringing, they take her seat with the caller."""
    if call.state is _C.TRANSFERRING:
        call.state, call.park_deadline, call.recall_note = _C.TRANSFERRED, None, None
        return [JoinConsulted()]
    call.state, call.park_deadline = _C.CONSULTED, None
    return [TalkToConsulted()]


def failed(call: CallMachine, status: int, now: float = 0.0) -> list[CallAction]:
    """Every phone of the person refused or failed: busy (486, 600) or not reached."""
    if call.state is _C.TRANSFERRING:  # sent on: rung back to her at once
        return call_transfer.recalled(call, now, status)
    outcome = "busy" if status in _BUSY else "failed"
    return _back(call, ConsultOver(outcome, status))


def rang_out(call: CallMachine, now: float) -> list[CallAction]:
    """Nobody answered within ``ring_s``."""
    return [*call.withdraw(CONSULT), *_back(call, ConsultOver("no-answer"))]


def joined(call: CallMachine, event: CallEvent, now: float) -> list[CallAction]:
    assert isinstance(event, ConsultJoined)
    if call.guests:  # she leaves a conference of more than three: the others talk on
        return call_conference.left_by_her(call, now)
    call.state = _C.TRANSFERRED
    return [ReportContactEnded(), JoinConsulted(), ConsultOver("joined")]


def sent_on(call: CallMachine, event: CallEvent, now: float) -> list[CallAction]:
    """Semi-attended: the caller waits for the ringing person in her place."""
    assert isinstance(event, ConsultSentOn)
    call.state = _C.TRANSFERRING  # the person's deadline stays: rung out, she is rung back
    call.parked_by, call.recall_s, call.recall_fallback = event.by, event.recall_s, ""
    call.recall_note = RecallNote(event.number)
    return [
        ReportContactEnded(),
        Hear(Party.CALLER, Sound.RINGBACK),
        HangUpParty(Party.AGENT),
        ConsultOver("sent-on"),
    ]


def dropped(call: CallMachine, event: CallEvent, now: float) -> list[CallAction]:
    assert isinstance(event, ConsultDropped)
    if call.guests:
        return [*call.withdraw(CONSULT), *call_conference.person_left(call, ConsultOver("back"))]
    return [*call.withdraw(CONSULT), *_back(call, ConsultOver("back"))]


def conferenced(call: CallMachine, event: CallEvent, now: float) -> list[CallAction]:
    assert isinstance(event, ConferenceStarted)
    call.state = _C.CONFERENCE
    return [JoinConference()]


def consulted_left(call: CallMachine, event: CallEvent, now: float) -> list[CallAction]:
    assert isinstance(event, ConsultedLeft)
    if call.guests:
        return call_conference.person_left(call, ConsultOver("hung-up"))
    return _back(call, ConsultOver("hung-up"))


def left(call: CallMachine, event: PartyLeft, now: float) -> list[CallAction]:
    """The caller or the operator's phone hung up during the consultation."""
    if call.guests:
        return call_conference.left(call, event, now)
    if event.party is Party.AGENT and call.state in ANSWERED:
        return joined(call, ConsultJoined(), now)  # she hung up: the two talk on
    if call.state is _C.CONFERENCE:  # the caller left: she and the person talk on
        call.state = _C.BRIDGED  # still her contact: no next queue call while she talks
        return [TakeCallersSeat(), ConsultOver("caller-left"), Bridge()]
    call.state, call.park_deadline = _C.ENDED, None
    outcome = "caller-left" if event.party is Party.CALLER else "back"
    return [
        *call.withdraw(CONSULT),
        ReportContactEnded(),
        DropConsulted(),
        ConsultOver(outcome),
        HangUpParty(Party.AGENT if event.party is Party.CALLER else Party.CALLER),
    ]


def _back(call: CallMachine, over: ConsultOver) -> list[CallAction]:
    """She has the caller again (or, asking from a conference, the conference)."""
    if call.guests:
        return call_conference.back(call, over)
    call.state, call.park_deadline = _C.BRIDGED, None
    return [DropConsulted(), over, Bridge()]


STEPS = {
    ConsultStarted: started,
    ConferenceStarted: conferenced,
    ConsultJoined: joined,
    ConsultSentOn: sent_on,
    ConsultDropped: dropped,
    ConsultedLeft: consulted_left,
    GuestLeft: call_conference.guest_left,
}
ALLOWED = {
    ConsultStarted: CONSULTABLE | {_C.CONFERENCE},
    ConferenceStarted: frozenset({_C.CONSULTED}),
    ConsultJoined: ANSWERED,
    ConsultSentOn: frozenset({_C.CONSULTING}),
    ConsultDropped: STATES,
    ConsultedLeft: ANSWERED,
    GuestLeft: call_conference.WITH_GUESTS,
}
