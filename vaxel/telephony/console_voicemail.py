"""Transfer to the person's voicemail from the operator console (issue 16 §3, OP3): the
caller of the queue call in hand leaves a message in the chosen person's mailbox, with
no ringing of the person first.

The same steps as the console's blind transfer (``console_transfer.py``): only the
operator's connected queue call, the contact ends for her at once (wrap-up) and her phone's
leg is hung up — but no recall is set (nothing rings that could go unanswered), and the
caller goes straight to the voicemail side of the switch, as a PBX call forwarded to a
person's mailbox does: the person's greeting, the tone, the message kept (PBX4).
"""

from __future__ import annotations

from typing import Protocol

from vaxel.pbx.numbering import Target, TargetKind
from vaxel.telephony.call_events import CallEvent, TransferRequested
from vaxel.telephony.calls import Call
from vaxel.telephony.console_transfer import call_in_hand
from vaxel.telephony.internal import Caller

__all__ = ["VoicemailSwitch", "voicemail_from_console"]


class _Deposit(Protocol):
    def start(self, call: Call, target: Target, caller: Caller) -> None: ...


class VoicemailSwitch(Protocol):
    """What a transfer to voicemail needs of the switch."""

    calls: dict[str, Call]

    @property
    def voicemail_calls(self) -> _Deposit: ...

    def step(self, call: Call, event: CallEvent) -> None: ...


def voicemail_from_console(
    switch: VoicemailSwitch, tenant_id: str, agent_id: str, contact_id: str, person_id: str
) -> None:
    """Send the caller of ``contact_id`` — connected to ``agent_id`` — to the mailbox of
    directory person ``person_id`` (the web checked the person is the tenant's).

    Refused with a DomainError, nothing changed, when the call is not this operator's
    connected call ('console-no-call') or was transferred too often ('console-transfers')."""
    call = call_in_hand(switch, tenant_id, agent_id, contact_id)  # type: ignore[arg-type]
    call.transfers += 1
    switch.step(call, TransferRequested())  # her leg hung up, the contact ends; no recall
    number = call.session.call.caller_number if call.session is not None else ""
    box = Target(TargetKind.VOICEMAIL, person_id)
    switch.voicemail_calls.start(call, box, Caller(tenant_id, number or ""))
