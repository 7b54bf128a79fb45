"""The call machine's park and recall steps (issue 14, OP3), kept beside ``call.py``.

Rules kept here:
- A talking call (BRIDGED, HELD, TRANSFERRED, ON_HOLD) may be parked by the caller's other party:
  that party's leg is hung up, the caller hears music (PARKED) and — for a contact the ACD
  had connected — the contact ends for the agent, as with a blind transfer.
- Anyone retrieving the orbit becomes the caller's other party and the two are bridged
  (TRANSFERRED: the contact, if any, is over); so does the recall's answer — but an ACD
  contact whose recall its own agent answers is hers again (``ReportTakenBack``; the ACD
  agreeing, ``TakenBack`` makes the call BRIDGED with her: ``call_requeue.py``).
- After ``recall_s`` in PARKED the call rings back whoever parked it (RECALLING, the RECALL
  offer) while the caller keeps hearing music; a recall nobody answers within
  ``RECALL_RING_S``, that fails or has no route, puts the call back in its orbit for
  another ``recall_s`` — a parked caller is never dropped by the switch — and the recalls
  after it ring the fallback (the tenant's operator) when there is one. A transfer's
  recall goes back to the queue instead (``call_requeue.py``, issue 16 §3).
- A caller hanging up while parked or recalled ends the call and frees the orbit.
- A parked call may be rung onward at once (``RingParked``: camp-on rings the extension
  it waited for, ``camp_on.py``); unanswered, it is back in PARKED like any recall. Rung
  back to the operator with a note (the camp-on's recall), unanswered it goes to the front
  of its queue like a transfer's recall (``call_requeue.py``, spec §50–52).
Every step leaves the orbit (``LeaveOrbit``) when the call stops being parked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vaxel.telephony import call_requeue
from vaxel.telephony.call_events import (
    RECALL,
    Bridge,
    CallAction,
    CallEvent,
    HangUpParty,
    Party,
    ReportContactEnded,
    Sound,
    Unbridge,
)
from vaxel.telephony.call_states import CallState, OfferState
from vaxel.telephony.park_events import (
    CallParked,
    LeaveOrbit,
    RingBack,
    RingParked,
)
from vaxel.telephony.requeue_events import ReportTakenBack

if TYPE_CHECKING:
    from vaxel.telephony.call import CallMachine

__all__ = [
    "PARKABLE",
    "RECALL_RING_S",
    "RingParked",  # its event, for the call machine's table
    "parked",
    "recall_answered",
    "recall_due",
    "recall_ended",
    "retrieved",
    "ring_back",
    "rung_now",
]

RECALL_RING_S = 30.0
"""How long a recall rings the parker before the call goes back to its orbit."""
PARKABLE = frozenset({CallState.BRIDGED, CallState.HELD, CallState.TRANSFERRED, CallState.ON_HOLD})
_ACD_CONNECTED = frozenset({CallState.BRIDGED, CallState.HELD})


def parked(call: CallMachine, event: CallEvent, now: float) -> list[CallAction]:
    assert isinstance(event, CallParked)
    actions: list[CallAction] = []
    if call.state in _ACD_CONNECTED and not call.callback:
        actions.append(ReportContactEnded())  # the agent is done, as after a transfer
    call.state = CallState.PARKED
    call.parked_by, call.recall_s, call.recall_note = event.by, event.recall_s, None
    call.recall_fallback = event.fallback
    call.park_deadline = now + event.recall_s
    return [*actions, Unbridge(Sound.MUSIC, Party.CALLER), HangUpParty(Party.AGENT)]


def retrieved(call: CallMachine, event: CallEvent, now: float) -> list[CallAction]:
    actions = call.withdraw(RECALL)
    call.state = CallState.TRANSFERRED
    call.park_deadline = None
    return [*actions, LeaveOrbit(), Bridge()]


def rung_now(call: CallMachine, event: CallEvent, now: float) -> list[CallAction]:
    """Ring ``event.whom`` now (camp-on): the caller keeps the music while it rings."""
    assert isinstance(event, RingParked)
    call.state, call.recall_note = CallState.RECALLING, event.note
    call.park_deadline = now + RECALL_RING_S
    return [ring_back(call, event.whom)]


def recall_due(call: CallMachine, now: float) -> list[CallAction]:
    """The call's deadline passed: start the recall, or end one nobody answered (a
    transfer's goes back to its queue, ``call_requeue.py``)."""
    if call.state is CallState.PARKED:
        call.state = CallState.RECALLING
        call.park_deadline = now + RECALL_RING_S
        return [ring_back(call, call.parked_by)]
    if call_requeue.returns_to_queue(call):
        return call_requeue.requeued(call, now)
    return [*call.withdraw(RECALL), *back_to_orbit(call, now)]


def ring_back(call: CallMachine, whom: str) -> RingBack:
    """Ring ``whom`` with the call (the RECALL offer), remembering whom it rings."""
    call.recall_to = whom
    return RingBack(whom)


def recall_answered(call: CallMachine) -> list[CallAction]:
    """Whoever the recall rang answered: they talk with the caller; the agent who had the
    contact is given it back (``ReportTakenBack``: the ACD decides, issue 16 §3)."""
    call.state, call.park_deadline = CallState.TRANSFERRED, None
    contact = call.agent_id and not call.callback  # an ACD agent had it: a queue call
    taken = [ReportTakenBack(call.recall_to)] if contact and call.recall_to else []
    return [LeaveOrbit(), Bridge(), *taken]


def recall_ended(call: CallMachine, now: float) -> list[CallAction]:
    """The recall failed or had no route: the caller waits on in the orbit (a transfer's
    goes back to its queue)."""
    offer = call.offers.get(RECALL)
    if offer is not None and offer.state is OfferState.RINGING:
        offer.state = OfferState.UNANSWERED
    if call_requeue.returns_to_queue(call):
        return call_requeue.requeued(call, now)
    return back_to_orbit(call, now)


def back_to_orbit(call: CallMachine, now: float) -> list[CallAction]:
    """Nobody took the recall: wait another ``recall_s``; the next recall rings the
    fallback (the operator) when there is one."""
    call.state = CallState.PARKED
    call.park_deadline = now + call.recall_s
    if call.recall_fallback:
        call.parked_by = call.recall_fallback
    return []
