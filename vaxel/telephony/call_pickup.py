"""The call machine's pickup step (issue 14): another extension answers a call ringing
someone else's phones (directed ``**<anknytning>``, group ``*8#``; ``pbx/pickup.py``).

Rules kept here:
- An internal call whose callee still rings (CONNECTING) is picked up: the callee's
  phones are cancelled — not declined: the ringing is reported answered, so no forwarding
  or next step follows — and the picker's leg, handed over by the switch, is bridged
  to the caller, who is answered now if still in early media (TRANSFERRED, as if the
  callee had answered).
- A queue call ringing an agent's phone (IVR, an ACD offer) is picked up by another
  agent: the ringing phones are cancelled — withdrawn, never reported declined — and the
  picker's leg is the agent's leg of a call the picker's agent answered
  (AGENT_ANSWERING): the switch has told the ACD (``OfferPickedUp``), whose connect
  brings the whisper and the bridge as for any answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vaxel.telephony.call_events import (
    Bridge,
    CallAction,
    CallEvent,
    ReportRingOutcome,
    is_callee,
)
from vaxel.telephony.call_states import CallState, OfferState
from vaxel.telephony.park_events import CallPickedUp

if TYPE_CHECKING:
    from vaxel.telephony.call import CallMachine

__all__ = ["PICKABLE", "picked_up"]

PICKABLE = frozenset({CallState.CONNECTING, CallState.IVR})


def picked_up(call: CallMachine, event: CallEvent, now: float) -> list[CallAction]:
    assert isinstance(event, CallPickedUp)
    actions: list[CallAction] = []
    if call.state is CallState.IVR:  # an ACD offer: the picker's agent has the contact
        for name in [n for n, o in call.offers.items() if o.state is OfferState.RINGING]:
            actions += call.withdraw(name)
        call.state, call.agent_id = CallState.AGENT_ANSWERING, event.agent_id
        return actions
    for name in [n for n in call.offers if is_callee(n)]:
        actions += call.withdraw(name)
    call.state = CallState.TRANSFERRED
    return [*actions, *call.answer_caller(), ReportRingOutcome(200), Bridge()]
