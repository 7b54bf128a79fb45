"""The call machine's pickup step (issue 14): another extension answers a call ringing
someone else's phones (directed ``**<anknytning>``, group ``*8#``; ``pbx/pickup.py``).

Rules kept here:
- Only an internal call whose callee still rings (CONNECTING) is picked up: the callee's
  phones are cancelled — not declined: the ringing is reported answered, so no forwarding
  or next step follows — and the picker's leg, handed over by the switch, is bridged
  to the caller (TRANSFERRED, as if the callee had answered).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vaxel.telephony.call_events import Bridge, CallAction, CallEvent, ReportRingOutcome, is_callee
from vaxel.telephony.call_states import CallState

if TYPE_CHECKING:
    from vaxel.telephony.call import CallMachine

__all__ = ["PICKABLE", "picked_up"]

PICKABLE = frozenset({CallState.CONNECTING})


def picked_up(call: CallMachine, event: CallEvent, now: float) -> list[CallAction]:
    actions: list[CallAction] = []
    for name in [n for n in call.offers if is_callee(n)]:
        actions += call.withdraw(name)
    call.state = CallState.TRANSFERRED
    return [*actions, ReportRingOutcome(200), Bridge()]
