"""The call machine's steps that send a caller on (Q18, Q19), kept beside ``call.py``.

Rules kept here:
- A blind transfer (REFER, bridged or held: phones often hold before they transfer) ends
  the contact for the agent at once and rings the target while the caller hears ringback
  (TRANSFERRING); in a PBX call (TRANSFERRED, ON_HOLD) the caller rings the number on as an
  internal call (CONNECTING). A queue caller the operator sends to a number of the plan
  (``TransferRequested.internal``) rings it on the same way, her contact ended.
- A transfer with a recall (``TransferRequested.by``, issue 16 §3) never drops the caller:
  after ``recall_s`` of unanswered ringing, or at once when the target is busy or cannot be
  reached, the target is withdrawn and the call rings back the agent who transferred it
  (RECALLING, the park recall of ``call_park.py``); nobody answering, the caller waits on
  hearing ringback and is rung back again after ``recall_s`` — never hung up by the switch.
- The flow's transfer node and the ACD's overflow (Q18) send a caller still in the IVR on
  the same way (offers withdrawn; no route or no answer: told the number does not exist).
- The ACD's busy (Q19) plays its message (or the notice), then hangs up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vaxel.telephony.call_events import (
    TRANSFER,
    Announce,
    BusyOrdered,
    CallAction,
    CallEvent,
    DialOnward,
    HangUpParty,
    Hear,
    Notice,
    Party,
    ReportContactEnded,
    Sound,
    TransferOrdered,
    TransferRequested,
    Unbridge,
)
from vaxel.telephony.call_park import RECALL_RING_S, ring_back
from vaxel.telephony.call_states import CallState
from vaxel.telephony.consult_events import CONSULT
from vaxel.telephony.recall_notes import NO_ANSWER, RecallNote

if TYPE_CHECKING:
    from vaxel.telephony.call import CallMachine

__all__ = ["busy", "recalled", "requested", "sent_on"]


def requested(call: CallMachine, event: CallEvent, now: float) -> list[CallAction]:
    """A phone in the call asked for a blind transfer (REFER)."""
    waiting: list[CallAction] = [Unbridge(Sound.RINGBACK, Party.CALLER)]
    call.recall_note = None
    if call.state in (CallState.TRANSFERRED, CallState.ON_HOLD):
        call.state = CallState.CONNECTING  # a PBX call: the caller rings the number on
        return [*waiting, HangUpParty(Party.AGENT)]
    if isinstance(event, TransferRequested) and event.internal:  # to the plan (issue 16 §3)
        call.state = CallState.CONNECTING  # the agent is done, the caller rings on
        call.recall_note = RecallNote(event.number)  # unanswered: back in the queue
        return [ReportContactEnded(), *waiting, HangUpParty(Party.AGENT)]
    call.state = CallState.TRANSFERRING  # the agent is done at once (wrap-up)
    call.parked_by, call.recall_fallback, call.park_deadline = "", "", None
    if isinstance(event, TransferRequested) and event.by and event.recall_s > 0:
        call.parked_by, call.recall_s = event.by, event.recall_s
        call.park_deadline = now + event.recall_s
        call.recall_note = RecallNote(event.number)
    return [ReportContactEnded(), *waiting, HangUpParty(Party.AGENT)]


def recalled(call: CallMachine, now: float, status: int = NO_ANSWER) -> list[CallAction]:
    """The transfer's target did not answer in time, is busy or unreachable (``status``):
    ring back whoever transferred the call (no recall set: the caller is told, as before).
    The note says what happened, for her card (issue 16 §3)."""
    if call.state is not CallState.TRANSFERRING or not call.parked_by:
        return []
    offer = call.offers.get(TRANSFER) or call.offers.get(CONSULT)  # CONSULT: semi-attended
    rung_s = now - offer.rung_at if offer is not None else 0.0
    number = call.recall_note.number if call.recall_note is not None else ""
    call.recall_note = RecallNote(number, status, max(0.0, rung_s), now)
    call.state = CallState.RECALLING
    call.park_deadline = now + RECALL_RING_S
    return [*call.withdraw(TRANSFER), *call.withdraw(CONSULT), ring_back(call, call.parked_by)]


def sent_on(call: CallMachine, event: CallEvent, now: float) -> list[CallAction]:
    """The flow's transfer node or the ACD's overflow (Q18)."""
    assert isinstance(event, TransferOrdered)
    actions: list[CallAction] = []
    for name in list(call.offers):  # the caller leaves the queue: nobody else rings
        actions += call.withdraw(name)
    call.state = CallState.TRANSFERRING
    return [*actions, Hear(Party.CALLER, Sound.RINGBACK), DialOnward(event.number)]


def busy(call: CallMachine, event: CallEvent, now: float) -> list[CallAction]:
    """The ACD's busy (Q19)."""
    assert isinstance(event, BusyOrdered)
    actions: list[CallAction] = []
    for name in list(call.offers):
        actions += call.withdraw(name)
    call.state = CallState.ENDED
    return [*actions, Announce(Party.CALLER, Notice.NO_SUCH_NUMBER, event.prompt)]
