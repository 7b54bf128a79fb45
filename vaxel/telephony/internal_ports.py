"""The ports of internal calls (PBX1, ``internal.py``): what they need of the switch, and
what the handler of a kind of number and a ring-outcome hook (forwarding, PBX5) offer them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from vaxel.pbx.devices import RingOutcome
    from vaxel.pbx.numbering import Target
    from vaxel.sip.transaction import RequestReceived
    from vaxel.telephony.calls import Call
    from vaxel.telephony.dialout import Target as Destination
    from vaxel.telephony.internal import Caller, InternalCall

__all__ = ["InternalPort", "RingOutcomeHook", "TargetHandler"]


class TargetHandler(Protocol):
    """Starts what a number's target does with a caller in early media (ring; or answer
    it — ``switch.answer_caller`` — and play, record, queue)."""

    def start(self, call: Call, target: Target, caller: Caller) -> None: ...


class RingOutcomeHook(Protocol):
    """Told when ringing an internal call's callee ended unanswered (PBX5 forwarding):
    returns True when it took the call over (rang elsewhere, played a prompt)."""

    def ring_ended(self, call: Call, internal: InternalCall, outcome: RingOutcome) -> bool: ...


class InternalPort(Protocol):
    """What internal calls need of the switch: a new INVITE answered as a call, phones
    rung for it, the call hung up."""

    def answer_call(
        self, event: RequestReceived, tenant_id: str, *, internal: bool = False, early: bool = False
    ) -> Call: ...

    def ring(
        self,
        call: Call,
        offer: str,
        targets: list[Destination],
        from_user: str,
        role: str,
        ring_s: float | None = None,
        from_name: str = "",
    ) -> None: ...

    def hang_up(self, call: Call) -> None: ...
