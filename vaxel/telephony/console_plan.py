"""The console's blind transfer to a number of the tenant's numbering plan (issue 16 §3,
PBX1, PBX5, OP3): the queue caller goes where an internal call to that number goes.

Rules kept here:
- A number the plan resolves (a short number or one of the tenant's direct numbers) to a
  person, a group, a voicemail box or a conference room is not dialled as a phone's
  number: the caller becomes the internal call of that target and its handler in
  ``internal.py`` takes over — the person's forwarding, presence (with 0/1), parallel or
  sequential devices, a mobile over the trunk under the person's class of service (PBX8),
  a group's strategy. There is no second router: ``InternalCalls.handlers`` decide.
- A tenant's registrar extension keeps the queue transfer of ``console_transfer.py`` (rung
  back to the operator with a note on her card); outside numbers are dialled under her
  class of service as before. Queue, service, park-orbit and feature-code numbers are not
  a caller's destination here.
- The announced transfer (``console_consult.py``) to a person's number of the plan rings
  every device of theirs at once (a mobile under the person's class of service), found as
  an internal call finds them (``InternalCalls.destinations``); she hears the person, not
  their forwarding or presence — she sees those on her console. None reachable:
  'console-no-route'.
- The operator's contact ends at once (wrap-up); unanswered, the call is recalled to her
  extension as a phone's blind transfer is (``transfer_recall.py``). The caller keeps her
  own number: never the operator's extension, class or voicemail.
"""

from __future__ import annotations

from typing import Protocol

from vaxel.core.errors import DomainError
from vaxel.pbx.devices import Device
from vaxel.pbx.numbering import Target, TargetKind
from vaxel.telephony.call_events import CallEvent, TransferRequested
from vaxel.telephony.call_states import CallState
from vaxel.telephony.calls import Call
from vaxel.telephony.dialout import Dialer
from vaxel.telephony.dialout import Target as Destination
from vaxel.telephony.in_dialog import InDialog
from vaxel.telephony.internal import Caller, InternalCall, InternalCalls

__all__ = ["PlanSwitch", "consulted_phones", "plan_target", "transfer_into_plan"]

SENT_ON = frozenset(
    {TargetKind.PERSON, TargetKind.GROUP, TargetKind.VOICEMAIL, TargetKind.CONFERENCE}
)
"""The kinds of plan number a caller is sent on to from the console."""


class PlanSwitch(Protocol):
    """What a console transfer into the plan needs of the switch."""

    dialer: Dialer
    in_dialog: InDialog
    internal: InternalCalls

    def step(self, call: Call, event: CallEvent) -> None: ...


def plan_target(switch: PlanSwitch, tenant_id: str, number: str) -> Target | None:
    """The target of ``number`` in the tenant's plan when the caller goes there as an
    internal call; None: a registrar extension or a number outside the plan."""
    internal = switch.internal
    extension = internal.directory.extensions.get(number)
    if extension is not None and extension.tenant_id == tenant_id:
        return None  # a phone of the tenant: the queue transfer with her recall
    target = internal.directory.pbx.resolve(tenant_id, number)
    if target is None or target.kind not in SENT_ON or target.kind not in internal.handlers:
        return None
    return target


def transfer_into_plan(switch: PlanSwitch, call: Call, number: str, target: Target) -> None:
    """Send the caller of ``call`` on to ``target`` (dialled as ``number``) as an internal
    call; the operator is done at once."""
    operator = switch.dialer.agent_extension(call)
    caller_number = call.session.call.caller_number if call.session is not None else ""
    caller = Caller(call.tenant_id, caller_number or "anonymous")
    call.transfers += 1
    switch.step(call, TransferRequested(number=number, internal=True))  # ringback
    if call.state is not CallState.CONNECTING:
        return
    call.internal = InternalCall(target, caller)
    recalls = switch.in_dialog.phone_transfers.recalls
    if recalls is not None:
        recalls.transferred(call, operator)
    switch.internal.handlers[target.kind].start(call, target, caller)


def consulted_phones(switch: PlanSwitch, tenant_id: str, number: str) -> list[Destination] | None:
    """Where the operator's consultation of ``number`` rings when it is a person's number of
    the plan (no phone of the tenant's): every device of theirs; None: not such a number."""
    target = plan_target(switch, tenant_id, number)
    if target is None or target.kind is not TargetKind.PERSON:
        return None
    internal = switch.internal
    held = internal.directory.pbx.devices(tenant_id, target.ref)
    every: tuple[Device, ...] = held.devices if held is not None else ()
    found = internal.destinations(tenant_id, every)
    if not found:
        raise DomainError(f"no phone of {number[:40]!r} to ring", code="console-no-route")
    return found
