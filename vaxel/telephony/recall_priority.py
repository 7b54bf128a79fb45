"""A transfer coming back to the operator or agent is offered before new queue calls (issue
16 §3, spec §50–52): while her transfer rings her back — and while she then talks with the
caller again — the queues offer her nothing new.

When a transfer's recall starts ringing her extension and she is *ready* or in *wrap-up*
in the ACD, she is paused with the reason "Återringning" (so the engine offers the next
queue call to another agent, and her supervisor sees why); answered, the call is her
contact again (busy, then her wrap-up: ``requeue.py``); when a call she did not get back
is over she is made ready again, unless she changed her state herself meanwhile. A recall
she does not answer keeps her paused: she is away, and the caller waits to be rung back. A
park's recall (no transfer note) is left alone.
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING

from vaxel.acd.events import AgentPaused, AgentReady
from vaxel.core.errors import VaxelError

if TYPE_CHECKING:
    from vaxel.telephony.calls import Call
    from vaxel.telephony.switch import Switch

__all__ = ["REASON", "RecallPriority"]

log = logging.getLogger(__name__)
REASON = "Återringning"
"""The pause reason she is given while her recall rings (shown to supervisors)."""
_FREE = frozenset({"ready", "wrap_up"})


class RecallPriority:
    """Pauses whoever a transfer rings back for as long as that call lasts."""

    def __init__(self, switch: Switch) -> None:
        self.switch = switch
        self._held: dict[str, tuple[str, str]] = {}
        """call id → (tenant, agent) paused for it."""

    def install(self) -> None:
        actions = self.switch.actions
        actions.recall_hooks.append(self.ringing)
        actions.forget_hooks.append(self.forgotten)

    def ringing(self, call: Call) -> None:
        """The recall of ``call`` rings ``parked_by``: pause her agent if free."""
        note = call.machine.recall_note
        if note is None or not note.status or call.call_id in self._held:
            return
        found = self.switch.directory.extensions.get(call.machine.parked_by)
        if found is None or not found.agent_id or found.tenant_id != call.tenant_id:
            return
        center, now = self.switch.center, self.switch.clock()
        try:
            if center.agent_view(call.tenant_id, found.agent_id, now).state.value not in _FREE:
                return
            self.switch.acd_commands.submit(
                AgentPaused(call.tenant_id, found.agent_id, REASON, actor="system")
            )
        except VaxelError as error:
            log.info("recall of %s: %s not paused: %s", call.call_id, found.agent_id, error)
            return
        self._held[call.call_id] = (call.tenant_id, found.agent_id)

    def forgotten(self, call_id: str) -> None:
        """The call is over: ready again, unless she changed her state meanwhile or
        another recall of hers still holds her."""
        held = self._held.pop(call_id, None)
        if held is None or held in self._held.values():
            return
        tenant_id, agent_id = held
        center = self.switch.center
        with contextlib.suppress(VaxelError):
            view = center.agent_view(tenant_id, agent_id, self.switch.clock())
            if view.state.value == "paused" and view.pause_reason == REASON:
                self.switch.acd_commands.submit(AgentReady(tenant_id, agent_id, actor="system"))
