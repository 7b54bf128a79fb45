"""The call machine's steps that send a caller on (Q18, Q19), kept beside ``call.py``.

Rules kept here:
- A blind transfer (REFER, bridged or held: phones often hold before they transfer) ends
  the contact for the agent at once and rings the target while the caller hears ringback
  (TRANSFERRING); in a PBX call (TRANSFERRED, ON_HOLD) the caller rings the number on as an
  internal call (CONNECTING).
- The flow's transfer node and the ACD's overflow (Q18) send a caller still in the IVR on
  the same way (offers withdrawn; no route or no answer: told the number does not exist).
- The ACD's busy (Q19) plays its message (or the notice), then hangs up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vaxel.telephony.call_events import (
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
    Unbridge,
)
from vaxel.telephony.call_states import CallState

if TYPE_CHECKING:
    from vaxel.telephony.call import CallMachine

__all__ = ["busy", "requested", "sent_on"]


def requested(call: CallMachine, event: CallEvent, now: float) -> list[CallAction]:
    """A phone in the call asked for a blind transfer (REFER)."""
    waiting: list[CallAction] = [Unbridge(Sound.RINGBACK, Party.CALLER)]
    if call.state in (CallState.TRANSFERRED, CallState.ON_HOLD):
        call.state = CallState.CONNECTING  # a PBX call: the caller rings the number on
        return [*waiting, HangUpParty(Party.AGENT)]
    call.state = CallState.TRANSFERRING  # the agent is done at once (wrap-up)
    return [ReportContactEnded(), *waiting, HangUpParty(Party.AGENT)]


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
