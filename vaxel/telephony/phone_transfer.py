"""Blind transfer in a PBX call (issue 14 §6, RFC 3515): either side of a call between
extensions, from a direct number or out over the trunk, REFERs the other to a number.

Rules kept here:
- The call is one the PBX routed (``call.internal``, no ACD contact) and talking
  (TRANSFERRED or ON_HOLD: phones hold first). The other party stays, the transferring
  phone's leg is hung up, and the other party rings the number on as if they had dialled
  it — the numbering plan's person (forwarding, presence, voicemail), group or room, or an
  external number over the trunk — hearing ringback; unanswered, they are told so.
- Who transfers must be known — the extension that placed the call, or the extension whose
  registered phone the call rang (the binding our INVITE went to: a desk phone registers
  several lines from one address, task R) — and a number over the trunk must pass that
  person's class of service (PBX8: 403 barred, 484 garbage, 404 no route); it is dialled
  under the other party's too. An unknown number is 404. Refusals change nothing.
- The other party keeps their own identity: an outside caller is never given the
  transferring extension's (its voicemail, its class). The line of a person leaving a call
  by transfer is free at once (DIR4), though the call goes on.
- Unanswered, the call comes back to the transferrer (``transfer_recall.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from vaxel.media.backend import MediaBackend
from vaxel.pbx.devices import Device, DeviceKind, RingStep
from vaxel.pbx.numbering import Target, TargetKind
from vaxel.sip.errors import SipError
from vaxel.telephony.call_events import CallEvent, TransferRequested
from vaxel.telephony.call_states import CallState
from vaxel.telephony.calls import Call, Leg
from vaxel.telephony.dialout import Dialer
from vaxel.telephony.internal import Caller, InternalCalls
from vaxel.telephony.outside_calls import OUTSIDE_RING_S, looks_external

__all__ = ["BlindTransfer", "PhoneTransfers", "TransferRecallPort", "TransfersPort"]

_PBX_TALKING = frozenset({CallState.TRANSFERRED, CallState.ON_HOLD})


class TransferRecallPort(Protocol):
    """Told of each blind transfer before its target rings (the recall, issue 14 §6)."""

    def transferred(self, call: Call, transferrer: str) -> None: ...

    def recall_after_s(self, tenant_id: str) -> float:
        """The tenant's recall time (its ``pbx-transfer`` settings)."""
        ...


class TransfersPort(Protocol):
    """What a PBX call's blind transfer needs of the switch."""

    internal: InternalCalls
    media: MediaBackend

    def step(self, call: Call, event: CallEvent) -> None: ...


@dataclass(frozen=True, slots=True)
class BlindTransfer:
    """Where the other party of ``call`` goes: ``target`` (EXTERNAL: over the trunk)."""

    call: Call
    transferring: Leg
    staying: Leg
    target: Target
    by: str = ""
    """The transferring extension (rung back when the target does not answer)."""


class PhoneTransfers:
    def __init__(self, dialer: Dialer, calls: TransfersPort) -> None:
        self.dialer = dialer
        self.calls = calls
        self.recalls: TransferRecallPort | None = None
        """Rings the transferrer back when the target does not answer (``transfer_recall.py``)."""

    @staticmethod
    def applies(call: Call) -> bool:
        """A PBX call, not an ACD contact's (those are the agent's, ``in_dialog.py``)."""
        return call.internal is not None and call.session is None

    def check(self, call: Call, leg: Leg, number: str) -> BlindTransfer:
        """The transfer a REFER on ``leg`` to ``number`` asks for; SipError if none."""
        staying = call.agent if leg is call.caller else call.caller
        if call.state not in _PBX_TALKING or staying is None or staying.machine.ended:
            raise SipError("Forbidden: only an answered call may be transferred", 403)
        if leg is not call.caller and leg is not call.agent:
            raise SipError("Forbidden: not a party of this call", 403)
        transferring = self.transferring_extension(call, leg)
        if not transferring:
            raise SipError("Forbidden: who transfers is not an extension here", 403)
        internal = self.calls.internal
        target = internal.directory.pbx.resolve(call.tenant_id, number)
        target = target or internal.plain_extension(call.tenant_id, number)
        if target is not None:
            if target.kind not in internal.handlers:
                raise SipError("Not Found: nothing answers that number", 404)
            return BlindTransfer(call, leg, staying, target, transferring)
        if not looks_external(number):
            raise SipError("Not Found: no such number", 404)
        routes = self.dialer.route(call.tenant_id, number, transferring)  # 403, 484 (PBX8)
        if not routes:
            raise SipError("Not Found: no route to the transfer target", 404)
        dialled = routes[0][0].removeprefix("sip:").partition("@")[0]
        return BlindTransfer(call, leg, staying, Target(TargetKind.EXTERNAL, dialled), transferring)

    def transfer(self, plan: BlindTransfer) -> None:
        """Hang up the transferring phone and ring the number for the party staying."""
        call, internal = plan.call, plan.call.internal
        assert internal is not None
        caller = self.caller_of(call, plan.staying)
        self.left_line(call, plan.transferring)
        if plan.staying is not call.caller:  # the party staying takes the caller's seat
            call.caller, call.agent = plan.staying, plan.transferring
            plan.staying.role, plan.transferring.role = "caller", "agent"
        internal.target, internal.caller = plan.target, caller
        internal.steps, internal.outcome = [], None
        self.calls.step(call, TransferRequested())  # the phone hung up, ringback
        self.calls.media.release(plan.transferring.endpoint.endpoint_id)
        if call.state is not CallState.CONNECTING:
            return
        if self.recalls is not None:
            self.recalls.transferred(call, plan.by)
        if plan.target.kind is TargetKind.EXTERNAL:
            device = Device(DeviceKind.MOBILE, plan.target.ref, OUTSIDE_RING_S, "trunk")
            self.calls.internal.ring_steps(call, [RingStep((device,), OUTSIDE_RING_S)])
        else:
            self.calls.internal.handlers[plan.target.kind].start(call, plan.target, caller)

    def left_line(self, call: Call, leg: Leg) -> None:
        """The person ``call`` rang, if ``leg`` is theirs, leaves it: their line is free
        while the call goes on without them (DIR4, PBX5 on busy)."""
        person = self._person_rung(call, leg)
        reach = self.calls.internal.person_reach
        if person and reach is not None:
            reach.lines.left(call.tenant_id, person, call.call_id)

    def joined_line(self, call: Call, leg: Leg, into: Call) -> None:
        """The person ``call`` rang, if ``leg`` is theirs, now talks in ``into``."""
        person = self._person_rung(call, leg)
        reach = self.calls.internal.person_reach
        if person and reach is not None:
            reach.lines.answered(into.tenant_id, person, into.call_id)

    @staticmethod
    def _person_rung(call: Call, leg: Leg) -> str:
        internal = call.internal
        if leg is not call.agent or internal is None:
            return ""
        return internal.target.ref if internal.target.kind is TargetKind.PERSON else ""

    def transferring_extension(self, call: Call, leg: Leg) -> str:
        """The extension that placed the call (its caller's leg), or the one whose
        registered phone the leg rang; "" when neither (an outside party)."""
        internal = call.internal
        if leg is call.caller:
            return internal.caller.extension if internal is not None else ""
        registration = self.calls.internal.registration
        rung = leg.invite.uri if leg.invite is not None else None
        at_address: set[str] = set()
        for extension in self.calls.internal.directory.extensions.values():
            if extension.tenant_id != call.tenant_id:
                continue
            for binding in registration.bindings(extension):
                if (binding.source, binding.transport) != (leg.destination, leg.transport):
                    continue
                if binding.contact == rung:
                    return extension.extension  # the line our INVITE went to
                at_address.add(extension.extension)
        # a phone with several lines on one socket: its address alone names none of them
        return at_address.pop() if len(at_address) == 1 else ""

    def caller_of(self, call: Call, party: Leg) -> Caller:
        """Who ``party`` of ``call`` is, as a number they now ring sees them: their own
        identity, never that of the phone that transferred them."""
        internal = call.internal
        if party is call.caller:
            if internal is not None:
                return internal.caller
            number = call.session.call.caller_number if call.session is not None else ""
            return Caller(call.tenant_id, number or "")
        extension = self.transferring_extension(call, party)
        found = self.calls.internal.directory.extensions.get(extension)
        if found is not None:
            return Caller(call.tenant_id, found.extension, found.display_name, found.extension)
        external = internal is not None and internal.target.kind is TargetKind.EXTERNAL
        return Caller(call.tenant_id, internal.target.ref if internal and external else "")
