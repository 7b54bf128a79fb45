"""The switch side of a transfer's step back into its queue (issue 16 §3, spec §50–52): the
call machine decides (``call_requeue.py``), this tells the ACD and watches the recall.

- ``RequeueContact``: the ACD is told ``ContactRequeued`` — the contact waits again in its
  queue, before every new caller; refused (queue removed, contact forgotten), the machine
  hears ``RequeueRefused`` and the call waits to ring her again, as before.
- ``ReportRequeuedLeft``: the caller hung up while waiting again — ``ContactAbandoned``.
- ``ReportTakenBack``: an extension answered a recall — if it is the agent who had the
  contact, the ACD is told ``ContactTakenBack`` and the call is hers again (``TakenBack``).
- A transfer's recall that starts ringing someone logged out of the ACD, or talking in
  another queue call, is passed over at once (``RecallPassed``, on the calls' timer, never
  inside the step that rang it): the queue has the call without her 30 s of ringing.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from vaxel.acd.events import ContactAbandoned, ContactRequeued, ContactTakenBack
from vaxel.core.errors import VaxelError
from vaxel.telephony.call_states import CallState
from vaxel.telephony.recall_notes import reason_of
from vaxel.telephony.requeue_events import (
    RecallPassed,
    ReportRequeuedLeft,
    ReportTakenBack,
    RequeueAction,
    RequeueRefused,
    TakenBack,
)

if TYPE_CHECKING:
    from vaxel.telephony.calls import Call
    from vaxel.telephony.switch import Switch

__all__ = ["CallRequeues", "requeued_note"]

log = logging.getLogger(__name__)
_AWAY = frozenset({"logged_out", "busy"})
"""Her ACD states in which a transfer's recall does not ring her first."""
_SHOWN = frozenset(
    {
        CallState.REQUEUED,
        CallState.AGENT_ANSWERING,
        CallState.WHISPER,
        CallState.BRIDGED,
        CallState.HELD,
    }
)


class CallRequeues:
    """Carries out the requeue actions of a switch's calls; :meth:`install` hooks them in."""

    def __init__(self, switch: Switch) -> None:
        self.switch = switch

    def install(self) -> None:
        actions = self.switch.actions
        actions.requeues = self.carry_out
        actions.recall_hooks.append(self.ringing)

    def carry_out(self, call: Call, action: RequeueAction) -> None:
        commands = self.switch.acd_commands
        if isinstance(action, ReportTakenBack):
            self._taken_back(call, action.extension)
            return
        if isinstance(action, ReportRequeuedLeft):
            try:
                commands.submit(ContactAbandoned(call.tenant_id, call.call_id, callback_number=""))
            except VaxelError as error:
                log.info("requeued %s left: %s", call.call_id, error)
            return
        try:
            commands.submit(ContactRequeued(call.tenant_id, call.call_id, action.reason))
        except VaxelError as error:
            log.info("%s not requeued, rung back again later: %s", call.call_id, error)
            self.switch.step(call, RequeueRefused())
            return
        log.info("%s: recall not taken, back in its queue first (%s)", call.call_id, action.reason)

    def _taken_back(self, call: Call, extension: str) -> None:
        """``extension`` answered the recall: the contact is its agent's again if the ACD
        agrees (hers, free); otherwise the two simply talk, as before (issue 16 §3)."""
        found = self.switch.directory.extensions.get(extension)
        if found is None or not found.agent_id or found.tenant_id != call.tenant_id:
            return
        try:
            self.switch.acd_commands.submit(
                ContactTakenBack(call.tenant_id, call.call_id, found.agent_id)
            )
        except VaxelError as error:
            log.info("%s answered by %s, not taken back: %s", call.call_id, extension, error)
            return
        self.switch.step(call, TakenBack(found.agent_id))

    def ringing(self, call: Call) -> None:
        """A recall rings ``parked_by``: pass it over when she is logged out or busy."""
        machine = call.machine
        note = machine.recall_note
        if note is None or not note.status or machine.state is not CallState.RECALLING:
            return
        found = self.switch.directory.extensions.get(machine.parked_by)
        if found is None or not found.agent_id or found.tenant_id != call.tenant_id:
            return
        try:
            view = self.switch.center.agent_view(
                call.tenant_id, found.agent_id, self.switch.clock()
            )
        except VaxelError:
            return
        if view.state.value in _AWAY:
            self.switch.timers.at(("requeue", call.call_id), self.switch.clock(), self._pass, call)

    def _pass(self, call: Call, now: float) -> None:
        if self.switch.calls.get(call.call_id) is call:
            self.switch.step(call, RecallPassed())
            self.switch.drain()


def requeued_note(call: Call) -> dict[str, object] | None:
    """Why a call waits again or is in an agent's hand after a recall nobody took (for the
    card of whoever is offered it): the target's number, the reason, the seconds it rang
    and the extension that transferred it; None for any other call."""
    machine = call.machine
    note = machine.recall_note
    if note is None or not note.status or machine.state not in _SHOWN:
        return None
    return {
        "number": note.number,
        "reason": reason_of(note.status),
        "rung_s": round(note.rung_s),
        "by": machine.parked_by,
    }
