"""The call machine's hold and attended-transfer steps (issue 14 §6, Q10), kept beside
``call.py``.

Rules kept here:
- A hold re-INVITE (sendonly or inactive) from one side of a talking call unbridges it and
  the other side hears music: an ACD contact goes BRIDGED → HELD, a call without one
  (an internal call, a transfer's) TRANSFERRED → ON_HOLD; resuming bridges again into the
  state it came from. A re-INVITE that changes nothing changes nothing.
- Attended transfer: a phone in two calls (A held, C consulted) joins A and C with a REFER
  whose Refer-To carries Replaces (RFC 3891, 3515). The switch moves the consulted party's
  leg into the call the phone left: that call hears ``PartyReplaced`` and bridges its two
  sides (TRANSFERRED); the consultation hears ``PartyHandedOver`` and ends, hanging up the
  phone's leg there. An ACD contact in either ends for the agent, as after a blind transfer.
- Only talking calls (``TALKING``) take part, but for the phone's own consultation still
  ringing (CONNECTING, semi-attended): the held party takes the phone's seat there and
  hears ringback until the consulted answers (``REPLACEABLE``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vaxel.telephony.call_events import (
    Bridge,
    CallAction,
    CallEvent,
    HangUpParty,
    Hear,
    HoldChanged,
    Party,
    ReportContactEnded,
    Sound,
    Unbridge,
)
from vaxel.telephony.call_states import CallState
from vaxel.telephony.transfer_events import PartyHandedOver

if TYPE_CHECKING:
    from vaxel.telephony.call import CallMachine

__all__ = ["REPLACEABLE", "TALKING", "handed_over", "hold", "replaced"]

_C = CallState
TALKING = frozenset({_C.BRIDGED, _C.HELD, _C.TRANSFERRED, _C.ON_HOLD})
"""Two parties on the line, bridged or one holding the other."""
REPLACEABLE = TALKING | {_C.CONNECTING}
_HELD = {_C.BRIDGED: _C.HELD, _C.TRANSFERRED: _C.ON_HOLD}
_RESUMED = {held: talking for talking, held in _HELD.items()}
_ACD_CONNECTED = frozenset({_C.BRIDGED, _C.HELD})


def hold(call: CallMachine, event: CallEvent, now: float) -> list[CallAction]:
    assert isinstance(event, HoldChanged)
    if event.held and call.state in _HELD:
        call.state = _HELD[call.state]
        return [Unbridge(Sound.MUSIC, _other(event.party))]
    if not event.held and call.state in _RESUMED:
        call.state = _RESUMED[call.state]
        return [Bridge()]
    return []  # a re-INVITE that changes nothing (session refresh, codec change)


def replaced(call: CallMachine, event: CallEvent, now: float) -> list[CallAction]:
    """The transferring phone's seat is the consulted party's now: the two talk — or,
    the phone's consultation still ringing, the party it held waits in its seat."""
    call.caller_early = False  # the seat is taken by a party answered in its own call
    if call.state is _C.CONNECTING:
        return [Hear(Party.CALLER, Sound.RINGBACK)]
    actions = _contact_ended(call)
    call.state = _C.TRANSFERRED
    return [*actions, Bridge()]


def handed_over(call: CallMachine, event: CallEvent, now: float) -> list[CallAction]:
    """The consulted party left for the other call: the transferring phone is hung up."""
    assert isinstance(event, PartyHandedOver)
    actions = _contact_ended(call)
    call.state = _C.ENDED
    return [*actions, HangUpParty(_other(event.party))]


def _contact_ended(call: CallMachine) -> list[CallAction]:
    return [ReportContactEnded()] if call.state in _ACD_CONNECTED and not call.callback else []


def _other(party: Party) -> Party:
    return Party.AGENT if party is Party.CALLER else Party.CALLER
