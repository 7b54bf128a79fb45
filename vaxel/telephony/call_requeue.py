"""The call machine's step back into a queue (issue 16 §3, spec §50–52, OP4), kept beside
``call_park.py``: a transfer nobody answered that whoever transferred it does not take back
either goes to the front of the queue it came from, so any agent or operator takes it.

The states a returned call passes through, in order:
TRANSFERRING (the target rings) → RECALLING (her extension rings, ``call_transfer.py``) →
REQUEUED (music; the ACD offers it first, ``ContactRequeued``) → AGENT_ANSWERING → BRIDGED,
an ACD contact again. Rules kept here:
- Only a transfer's recall (a note with a reason) goes back to the queue: her recall rung
  out (``RECALL_RING_S``), refused (busy, declined), unroutable, or passed over at once
  because she is logged out or talking in another queue call (``RecallPassed``). A
  camp-on's recall to the operator carries such a note too (``RingParked``, ``camp_on.py``).
- It goes back once per transfer: in the queue, the queue's own rules apply (offers,
  no-answer, max wait, the caller hanging up abandons it), nothing rings her again; a new
  transfer of it by whoever takes it starts the same round again, once.
- The ACD refusing it (its queue removed, the contact gone) puts it back in the recall's
  orbit (``RequeueRefused``): she is rung again after the recall time, as before — the
  caller is never dropped by the switch.
- An agent's answer the ACD refuses leaves it waiting in REQUEUED, not in the IVR.
- A queue call sent into the plan (CONNECTING, ``transfer_recall.py`` rings her back) that
  nobody took goes the same way (``BackInQueue``), once the ACD has taken it back.
- A recall (a transfer's, a park's, a camp-on's) answered by the agent who had the contact
  makes it hers again (``TakenBack``, TRANSFERRED → BRIDGED): one contact, the same id; the
  ACD refusing (another agent answered, she is in another call, logged out), it stays a
  plain call between the two, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from vaxel.telephony.call_events import RECALL, CallAction, CallEvent, Hear, Party, Sound
from vaxel.telephony.call_states import CallState
from vaxel.telephony.recall_notes import reason_of
from vaxel.telephony.requeue_events import (
    BackInQueue,
    RecallPassed,
    ReportRequeuedLeft,
    RequeueContact,
    RequeueRefused,
    TakenBack,
)

if TYPE_CHECKING:
    from vaxel.telephony.call import CallMachine

__all__ = [
    "ALLOWED",
    "STEPS",
    "back_in_queue",
    "left",
    "requeued",
    "returns_to_queue",
    "taken_back",
    "waiting_state",
]


def returns_to_queue(call: CallMachine) -> bool:
    """A transfer's or a camp-on's recall rings (not a park's, nor a camped call ringing
    the person it waited for): unanswered, it is queued."""
    note = call.recall_note
    return call.state is CallState.RECALLING and note is not None and note.status != 0


def requeued(call: CallMachine, now: float) -> list[CallAction]:
    """The recall is over unanswered: wait in the queue with music (``call_park`` calls it)."""
    assert call.recall_note is not None
    actions = call.withdraw(RECALL)
    call.state, call.park_deadline = CallState.REQUEUED, None
    call.agent_id = call.recall_to = ""  # no recall rings her now: the queue offers it
    reason = reason_of(call.recall_note.status)
    return [*actions, Hear(Party.CALLER, Sound.MUSIC), RequeueContact(reason)]


def passed(call: CallMachine, event: CallEvent, now: float) -> list[CallAction]:
    return requeued(call, now) if returns_to_queue(call) else []


def refused(call: CallMachine, event: CallEvent, now: float) -> list[CallAction]:
    from vaxel.telephony.call_park import back_to_orbit

    return back_to_orbit(call, now)  # rung again after the recall time, as before


def left(call: CallMachine) -> list[CallAction]:
    """The caller hung up while waiting again."""
    call.state = CallState.ENDED
    actions: list[CallAction] = []
    for name in list(call.offers):
        actions += call.withdraw(name)
    return [*actions, ReportRequeuedLeft()]


def taken_back(call: CallMachine, event: CallEvent, now: float) -> list[CallAction]:
    """The ACD gave the contact back to the agent who answered its recall: it is her call
    in hand again (BRIDGED with her), so transfer, park, camp-on and her hang-up's wrap-up
    work on it as on any queue call (issue 16 §3)."""
    assert isinstance(event, TakenBack)
    call.state, call.agent_id = CallState.BRIDGED, event.agent_id
    return []


def back_in_queue(call: CallMachine, event: CallEvent, now: float) -> list[CallAction]:
    """A transfer into the plan nobody took (target, then her recall): waiting first in
    its queue like a registrar extension's (the switch told the ACD before this step)."""
    assert isinstance(event, BackInQueue)
    actions: list[CallAction] = []
    for name in list(call.offers):
        actions += call.withdraw(name)
    call.state, call.park_deadline, call.recall_note = CallState.REQUEUED, None, event.note
    call.agent_id = call.recall_to = ""
    return [*actions, Hear(Party.CALLER, Sound.MUSIC)]


def waiting_state(call: CallMachine) -> CallState:
    """Where a call goes when the ACD refuses an agent's answer: back to waiting."""
    note = call.recall_note
    return CallState.REQUEUED if note is not None and note.status else CallState.IVR


STEPS: dict[type, Callable[[CallMachine, CallEvent, float], list[CallAction]]] = {
    RecallPassed: passed,
    RequeueRefused: refused,
    TakenBack: taken_back,
    BackInQueue: back_in_queue,
}
ALLOWED = {
    RecallPassed: frozenset({CallState.RECALLING}),
    RequeueRefused: frozenset({CallState.REQUEUED}),
    TakenBack: frozenset({CallState.TRANSFERRED}),
    BackInQueue: frozenset({CallState.CONNECTING}),
}
