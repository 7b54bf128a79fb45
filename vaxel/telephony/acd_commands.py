# mypy: disable-error-code="misc"
# (a part of Switch: each method is typed ``self: Switch``, the whole switch it runs in)
"""The ACD-command interpreter: offers ring agents' phones, withdrawn offers stop them,
connects reach the flow; commands run after the step that produced them; part of the switch.
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING

from vaxel.acd.commands import (
    CancelOffer,
    Command,
    ConnectContact,
    DialCallback,
    OfferContact,
    OverflowToNumber,
    RejectBusy,
)
from vaxel.acd.events import (
    CallbackClosed,
    ContactEnded,
    Event,
)
from vaxel.core.errors import VaxelError
from vaxel.media.player import Comfort
from vaxel.telephony.call import CallMachine, CallState, OfferState
from vaxel.telephony.call_events import OfferWithdrawn
from vaxel.telephony.calls import Call
from vaxel.telephony.notices import SystemPrompt

if TYPE_CHECKING:
    from vaxel.telephony.switch import Switch

__all__ = ["AcdCommands"]

log = logging.getLogger(__name__)


class AcdCommands:
    def _submit(self: Switch, event: Event) -> list[Command]:
        return self.center.submit(event, self.clock())

    def _acd_committed(self: Switch, event: Event, commands: list[Command], now: float) -> None:
        if commands or isinstance(event, (ContactEnded, CallbackClosed)):
            self._pending.append((event, commands))

    def drain(self: Switch) -> None:
        """Carry out ACD commands after the step that produced them (never re-entrantly)."""
        if self._dispatching:
            return
        self._dispatching = True
        try:
            while self._pending:
                event, commands = self._pending.pop(0)
                if isinstance(event, ContactEnded):
                    self._ended_elsewhere(event.contact_id)
                if isinstance(event, CallbackClosed):
                    self._closed_while_ringing(event.contact_id)
                for command in commands:
                    try:
                        self._command(command)
                    except Exception:
                        log.exception("ACD command %s failed", type(command).__name__)
        finally:
            self._dispatching = False

    def _closed_while_ringing(self: Switch, contact_id: str) -> None:
        """The agent closed a picked callback in the list before their phone answered."""
        call = self.calls.get(contact_id)
        if call is None or call.dial_after_answer is None or call.agent is not None:
            return
        call.dial_after_answer = None
        for offer in list(call.machine.offers.values()):
            if offer.state is OfferState.RINGING:
                self.step(call, OfferWithdrawn(offer.name))

    def _ended_elsewhere(self: Switch, contact_id: str) -> None:
        """The contact ended in the ACD with no agent leg here (an agent elsewhere closed
        it): the real caller is hung up."""
        call = self.calls.get(contact_id)
        if (
            call is not None
            and call.state is CallState.IVR
            and call.agent is None
            and call.caller is not None
        ):
            self.hang_up(call)

    def _command(self: Switch, command: Command) -> None:
        if isinstance(command, OfferContact):
            self._offer(command)
        elif isinstance(command, CancelOffer):
            call = self.calls.get(command.contact_id)
            offer = call.machine.offers.get(command.agent_id) if call else None
            if call is not None and offer is not None and offer.state is OfferState.RINGING:
                self.step(call, OfferWithdrawn(command.agent_id))
        elif isinstance(command, ConnectContact):
            call = self.calls.get(command.contact_id)
            if call is not None and call.session is not None:
                self.flow_commands.run(call, call.session.agent_commands([command], self.clock()))
            elif call is not None and call.agent is not None and not call.callback:
                # a real phone took a contact whose caller is not on SIP here
                heard = self.elsewhere.agent_hears(call.tenant_id, call.call_id)
                if heard is not None:
                    prompt = self.prompts.notice(call, heard, agent=True)
                    self.media.set_comfort(call.agent.endpoint.endpoint_id, Comfort.MUSIC, prompt)
        elif isinstance(command, DialCallback):
            self.callbacks.dial(command)
        elif isinstance(command, (OverflowToNumber, RejectBusy)):
            call = self.calls.get(command.contact_id)
            if call is not None:
                message = getattr(command, "message_prompt", "") or self.prompts.notice(
                    call, SystemPrompt.NO_SUCH_NUMBER
                )
                self.bridging.caller_hears(call, [message], then_hangup=True)

    def _offer(self: Switch, command: OfferContact) -> None:
        extension = self.directory.extension_of_agent(command.tenant_id, command.agent_id)
        bindings = self.registration.bindings(extension) if extension else []
        if not bindings:
            return  # not a phone we serve (an agent elsewhere, e.g. the demo's simulated)
        call = self.calls.get(command.contact_id)
        if call is None:  # a contact that did not come over SIP (simulator, callback list)
            view = self.center.contact_view(command.tenant_id, command.contact_id)
            callback = view.channel.value == "callback"
            machine = CallMachine(callback=callback, customer_ring_s=self.customer_ring_s)
            call = Call(command.contact_id, command.tenant_id, machine)
            self.calls[call.call_id] = call
        if call.state not in (CallState.IVR, CallState.CALLBACK_RINGING):
            log.warning("offer of %s in state %s ignored", call.call_id, call.state.value)
            return
        caller_number = ""
        with contextlib.suppress(VaxelError):
            caller_number = self.center.contact_view(
                command.tenant_id, command.contact_id
            ).caller_number
        self.ring(
            call,
            command.agent_id,
            [(b.contact, b.source, b.transport) for b in bindings],
            caller_number or "vaxel",
            "agent",
        )

    def _acd_connected(self: Switch, call: Call) -> bool:
        try:
            view = self.center.contact_view(call.tenant_id, call.call_id)
        except VaxelError:
            return False
        return view.agent_id == call.agent_id
