"""Calls out (issue 14 §2): an extension dials an external number, which goes out over the
tenant's trunk.

Rules kept here:
- The dial policy is asked with the calling extension's class of service (PBX8): a barred
  number is refused with 403 before anything is answered (484 for garbage), 112 and
  114 14 always go out; a tenant without a trunk answers 404 (no outbound route).
- Allowed, the caller gets 183 and hears ringback as early media while the trunk's call
  rings (the internal call's ring steps, one step with the number as its one device), and
  is answered only when the far end answers (an unanswered call is never billed); the dialler
  presents the caller as PBX2 says and answers the carrier's digest challenge.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from vaxel.pbx.devices import Device, DeviceKind, RingStep
from vaxel.pbx.numbering import Target, TargetKind
from vaxel.sip.errors import SipError

if TYPE_CHECKING:
    from vaxel.sip.transaction import RequestReceived
    from vaxel.telephony.calls import Call
    from vaxel.telephony.dialout import Dialer
    from vaxel.telephony.internal import Caller

__all__ = ["OUTSIDE_RING_S", "OutsideCalls", "OutsidePort", "looks_external"]

OUTSIDE_RING_S = 90.0
"""How long a call out rings before the caller is told nobody answered (carriers end
their own side sooner)."""


def looks_external(number: str) -> bool:
    """A number for the trunk rather than the plan: E.164, 00…, national (7+ digits) or
    one of the short numbers the policy knows (112, 114 14, 118 xx)."""
    digits = number.lstrip("+")
    if not digits.isdigit():
        return False
    return (
        number.startswith(("+", "00"))
        or len(digits) >= 7
        or digits in ("112", "11414")
        or (digits.startswith("118") and len(digits) in (5, 6))
    )


class OutsidePort(Protocol):
    """What a call out needs of internal calls: the INVITE answered as an internal call,
    its ring steps rung (``internal.InternalCalls`` answers)."""

    def begin(self, event: RequestReceived, caller: Caller, target: Target) -> Call: ...

    def ring_steps(self, call: Call, steps: list[RingStep]) -> None: ...


class OutsideCalls:
    def __init__(self, dialer: Dialer, internal: OutsidePort) -> None:
        self.dialer = dialer
        self.internal = internal

    def start(self, event: RequestReceived, caller: Caller, number: str) -> None:
        """Answer the extension's call to ``number`` and ring it over the trunk; raises
        SipError 403/484 (barred, garbage) or 404 (no trunk) before answering."""
        routes = self.dialer.route(caller.tenant_id, number, caller.extension)
        if not routes:
            raise SipError("No outbound route for this number", 404)
        dialled = routes[0][0].removeprefix("sip:").partition("@")[0]
        call = self.internal.begin(event, caller, Target(TargetKind.EXTERNAL, dialled))
        device = Device(DeviceKind.MOBILE, dialled, OUTSIDE_RING_S, "trunk")
        self.internal.ring_steps(call, [RingStep((device,), OUTSIDE_RING_S)])
