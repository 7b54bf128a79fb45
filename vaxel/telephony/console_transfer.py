"""Blind transfer ordered from the operator console (issue 16 §3, OP3): the web, not the
operator's phone, hands the caller of a queue call in hand to a number.

It is the same transfer as the agent's REFER in ``in_dialog.py`` — the number is routed
under the operator's extension's class of service (PBX8: barred, garbage, no route refused
before anything changes), the contact ends for her at once (wrap-up), her phone's leg is
hung up by the call machine and the caller hears ringback until the target answers — or,
unanswered, busy or unreachable, until she is rung back (issue 16 §3) — only
ordered from the console, so it works whatever her audio device is (PBX9). It runs on the
event loop (an async web handler), as all of telephony does. A number of the tenant's
plan that is no phone of hers (a person's short number, a group…) goes where an internal
call to it goes (``console_plan.py``), and so does an extension whose person's presence or
forwarding diverts their calls — unless she rings through (``console_divert.py``, OP5).
"""

from __future__ import annotations

from typing import Protocol

from vaxel.core.errors import DomainError
from vaxel.sip.errors import SipError
from vaxel.telephony.call_events import TRANSFER, CallEvent
from vaxel.telephony.call_states import CallState
from vaxel.telephony.calls import Call
from vaxel.telephony.console_divert import diverted_target, ring_through_targets
from vaxel.telephony.console_plan import plan_target, transfer_into_plan
from vaxel.telephony.dialout import Dialer, Target
from vaxel.telephony.in_dialog import MAX_TRANSFERS, InDialog
from vaxel.telephony.internal import InternalCalls

__all__ = [
    "ConsoleSwitch",
    "call_in_hand",
    "ring_through_from_console",
    "route_for",
    "transfer_from_console",
]

_TALKING = frozenset({CallState.BRIDGED, CallState.HELD})


class ConsoleSwitch(Protocol):
    """What a console transfer needs of the switch."""

    calls: dict[str, Call]
    dialer: Dialer
    in_dialog: InDialog
    internal: InternalCalls

    def step(self, call: Call, event: CallEvent) -> None: ...

    def ring(
        self, call: Call, offer: str, targets: list[Target], from_user: str, role: str
    ) -> None: ...


def transfer_from_console(
    switch: ConsoleSwitch, tenant_id: str, agent_id: str, contact_id: str, number: str
) -> None:
    """Send the caller of ``contact_id`` — connected to ``agent_id`` — on to ``number``.

    Refused with a DomainError (nothing changed) when the call is not this operator's
    connected call ('console-no-call'), was transferred too often ('console-transfers'),
    or the number is barred, malformed or unroutable ('console-barred', 'console-number',
    'console-no-route')."""
    call = call_in_hand(switch, tenant_id, agent_id, contact_id)
    target = plan_target(switch, tenant_id, number) or diverted_target(switch, tenant_id, number)
    if target is not None:  # where an internal call to it goes (``console_plan.py``)
        transfer_into_plan(switch, call, number, target)
        return
    _ring_on(switch, call, number, route_for(switch, call, number))


def ring_through_from_console(
    switch: ConsoleSwitch, tenant_id: str, agent_id: str, contact_id: str, number: str
) -> None:
    """*Genomringning* (OP5, spec §66): the caller of ``contact_id`` rings the person's own
    phones at ``number`` whatever their presence or forwarding (``console_divert.py``);
    refused as the blind transfer is, and 'console-through-person' for no person's number."""
    call = call_in_hand(switch, tenant_id, agent_id, contact_id)
    targets = ring_through_targets(switch, tenant_id, number)
    _ring_on(switch, call, number, targets or route_for(switch, call, number))


def _ring_on(switch: ConsoleSwitch, call: Call, number: str, targets: list[Target]) -> None:
    """The queue transfer: her contact ends, the caller hears ringback while ``targets``
    ring, and unanswered she is rung back (then the queue's front)."""
    call.transfers += 1
    switch.step(call, switch.in_dialog.agent_transfer(call, number))  # done; ringback
    caller_number = call.session.call.caller_number if call.session else "vaxel"
    switch.ring(call, TRANSFER, targets, caller_number or "vaxel", "transfer")


def call_in_hand(
    switch: ConsoleSwitch,
    tenant_id: str,
    agent_id: str,
    contact_id: str,
    states: frozenset[CallState] = _TALKING,
) -> Call:
    """The queue call ``agent_id`` has in hand, in one of ``states``: 'console-no-call'
    otherwise, and 'console-transfers' once it was transferred too often."""
    call = switch.calls.get(contact_id)
    if (
        call is None
        or call.tenant_id != tenant_id
        or call.agent_id != agent_id
        or call.state not in states
        or call.caller is None
    ):
        raise DomainError("no connected call to transfer", code="console-no-call")
    if call.transfers >= MAX_TRANSFERS:
        raise DomainError("transferred too many times", code="console-transfers")
    return call


def route_for(switch: ConsoleSwitch, call: Call, number: str) -> list[Target]:
    """Where ``number`` rings, under the operator's extension's class of service (PBX8):
    barred, malformed or unroutable refused ('console-barred', 'console-number',
    'console-no-route')."""
    transferring = switch.dialer.agent_extension(call)
    try:
        targets = switch.dialer.route(call.tenant_id, number, transferring)
    except SipError as error:
        if error.status == 403:
            raise DomainError(f"{number[:40]!r} is barred", code="console-barred") from None
        raise DomainError(f"{number[:40]!r} is no number", code="console-number") from None
    if not targets:
        raise DomainError(f"no route to {number[:40]!r}", code="console-no-route")
    return targets
