"""The ACD-command interpreter: offers ring agents' phones, withdrawn offers stop them,
connects reach the flow; commands run after the step that produced them, never
re-entrantly. What agents' phones did (answered, declined: Q23) is told to the ACD here
too. It holds the contact center, the calls and what the commands need to reach (the flow,
the callbacks' dial-out, the media); stepping a call's machine, ending a leg and ringing
phones go through the narrow :class:`AcdPort` the switch gives it.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import Protocol

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
    AgentAnswered,
    AgentDeclined,
    CallbackClosed,
    ContactEnded,
    Event,
    OfferPickedUp,
)
from vaxel.acd.ports import ContactCenterPort
from vaxel.core.errors import VaxelError
from vaxel.media.backend import MediaBackend
from vaxel.media.player import Comfort
from vaxel.telephony.bridging import Bridging
from vaxel.telephony.call import CallMachine, CallState, OfferState
from vaxel.telephony.call_events import (
    AnswerRefused,
    BusyOrdered,
    CallEvent,
    OfferWithdrawn,
    TransferOrdered,
)
from vaxel.telephony.call_requeue import waiting_state
from vaxel.telephony.callbacks import CallbackDialOut
from vaxel.telephony.calls import Call, Leg
from vaxel.telephony.dialout import Target
from vaxel.telephony.directory import TelephonyDirectory
from vaxel.telephony.elsewhere import PartiesElsewhere
from vaxel.telephony.flow_commands import FlowCommands
from vaxel.telephony.leg_events import HangUp, LegInput
from vaxel.telephony.mobile_answer import confirm_prompts
from vaxel.telephony.notices import CallPrompts
from vaxel.telephony.registrar import of_kind
from vaxel.telephony.registration import Registration

__all__ = ["AcdCommands", "AcdPort"]

log = logging.getLogger(__name__)


class AcdPort(Protocol):
    """What the ACD's commands ask of the calls (the switch answers)."""

    def step(self, call: Call, event: CallEvent) -> None: ...

    def hang_up(self, call: Call) -> None: ...

    def connect(self, call: Call, whisper: tuple[str, ...]) -> None: ...

    def end_leg(self, call: Call, leg: Leg, event: LegInput) -> None: ...

    def ring(
        self, call: Call, offer: str, targets: list[Target], from_user: str, role: str
    ) -> None: ...


class AcdCommands:
    def __init__(
        self,
        center: ContactCenterPort,
        clock: Callable[[], float],
        calls: dict[str, Call],
        switch: AcdPort,
        *,
        directory: TelephonyDirectory,
        registration: Registration,
        media: MediaBackend,
        prompts: CallPrompts,
        bridging: Bridging,
        flow_commands: FlowCommands,
        callbacks: CallbackDialOut,
        elsewhere: PartiesElsewhere,
        customer_ring_s: float,
        route: Callable[[str, str, str | tuple[str, ...]], list[Target]] = lambda *_: [],
    ) -> None:
        self.center = center
        self.clock = clock
        self.calls = calls
        self.switch = switch
        self.directory = directory
        self.registration = registration
        self.media = media
        self.prompts = prompts
        self.bridging = bridging
        self.flow_commands = flow_commands
        self.callbacks = callbacks
        self.elsewhere = elsewhere
        self.customer_ring_s = customer_ring_s
        """How long a callback's customer rings before the agent is told (CB9)."""
        self.route = route
        """Where a number rings under a user's class (``Dialer.route_or_nothing``)."""
        self._pending: list[tuple[Event, list[Command]]] = []
        self._dispatching = False
        center.listeners.append(self._committed)

    def submit(self, event: Event) -> list[Command]:
        """Tell the ACD what happened; what it commands is carried out by ``drain``."""
        return self.center.submit(event, self.clock())

    def _committed(self, event: Event, commands: list[Command], now: float) -> None:
        if commands or isinstance(event, (ContactEnded, CallbackClosed)):
            self._pending.append((event, commands))

    def drain(self) -> None:
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

    def _closed_while_ringing(self, contact_id: str) -> None:
        """The agent closed a picked callback in the list before their phone answered."""
        call = self.calls.get(contact_id)
        if call is None or call.dial_after_answer is None or call.agent is not None:
            return
        call.dial_after_answer = None
        for offer in list(call.machine.offers.values()):
            if offer.state is OfferState.RINGING:
                self.switch.step(call, OfferWithdrawn(offer.name))

    def _ended_elsewhere(self, contact_id: str) -> None:
        """The contact ended in the ACD with no agent leg here (an agent elsewhere closed
        it): the real caller is hung up."""
        call = self.calls.get(contact_id)
        if (
            call is not None
            and call.state is CallState.IVR
            and call.agent is None
            and call.caller is not None
        ):
            self.switch.hang_up(call)

    def _command(self, command: Command) -> None:
        if isinstance(command, OfferContact):
            self._offer(command)
        elif isinstance(command, CancelOffer):
            call = self.calls.get(command.contact_id)
            offer = call.machine.offers.get(command.agent_id) if call else None
            if call is not None and offer is not None and offer.state is OfferState.RINGING:
                self.switch.step(call, OfferWithdrawn(command.agent_id))
        elif isinstance(command, ConnectContact):
            call = self.calls.get(command.contact_id)
            if call is not None and waiting_state(call.machine) is CallState.REQUEUED:
                self.switch.connect(call, ())  # back from its queue (issue 16 §3): no flow
            elif call is not None and call.session is not None:
                self.flow_commands.run(call, call.session.agent_commands([command], self.clock()))
            elif call is not None and call.agent is not None and not call.callback:
                # a real phone took a contact whose caller is not on SIP here
                heard = self.elsewhere.agent_hears(call.tenant_id, call.call_id)
                if heard is not None:
                    prompt = self.prompts.notice(call, heard, agent=True)
                    self.media.set_comfort(call.agent.endpoint.endpoint_id, Comfort.MUSIC, prompt)
        elif isinstance(command, DialCallback):
            self.callbacks.dial(command)
        elif isinstance(command, OverflowToNumber):
            call = self.calls.get(command.contact_id)
            if call is not None and call.caller is not None:  # Q18: the machine's
                self.switch.step(call, TransferOrdered(command.number, by="overflow"))
        elif isinstance(command, RejectBusy):
            call = self.calls.get(command.contact_id)
            if call is not None and call.caller is not None:  # Q19
                self.switch.step(call, BusyOrdered(command.message_prompt))

    def mobile_targets(self, tenant_id: str, agent_id: str) -> list[Target]:
        """Where her offers ring when her audio device is her mobile (PBX9): over the trunk,
        under her class (her person and extensions, as the web checks it; neither: her
        agent id, never ""); [] when she has no mobile, no trunk, or it is barred for her."""
        mobile = self.directory.agent_mobiles.get((tenant_id, agent_id), "")
        if not mobile:
            return []
        return self.route(tenant_id, mobile, self.directory.mobile_dialler(tenant_id, agent_id))

    def _offer(self, command: OfferContact) -> None:
        tenant_id, agent_id = command.tenant_id, command.agent_id
        extension = self.directory.extension_of_agent(tenant_id, agent_id)
        mobile = self.directory.agent_mobiles.get((tenant_id, agent_id), "")
        if mobile:  # her audio device is her mobile, over the trunk, under her class
            targets = self.mobile_targets(tenant_id, agent_id)
        else:
            bindings = self.registration.bindings(extension) if extension else []
            bindings = of_kind(bindings, self.directory.agent_phones.get((tenant_id, agent_id), ""))
            targets = [(b.contact, b.source, b.transport) for b in bindings]
        if not targets:
            return  # not a phone we serve (an agent elsewhere, e.g. the demo's simulated)
        call = self.calls.get(command.contact_id)
        if call is None:  # a contact that did not come over SIP (simulator, callback list)
            view = self.center.contact_view(command.tenant_id, command.contact_id)
            callback = view.channel.value == "callback"
            machine = CallMachine(callback=callback, customer_ring_s=self.customer_ring_s)
            call = Call(command.contact_id, command.tenant_id, machine)
            self.calls[call.call_id] = call
        if call.state not in (CallState.IVR, CallState.CALLBACK_RINGING, CallState.REQUEUED):
            log.warning("offer of %s in state %s ignored", call.call_id, call.state.value)
            return
        caller_number = ""
        with contextlib.suppress(VaxelError):
            caller_number = self.center.contact_view(
                command.tenant_id, command.contact_id
            ).caller_number
        self.switch.ring(call, agent_id, targets, caller_number or "vaxel", "agent")
        attempt = call.attempts.get(agent_id)
        if mobile and attempt is not None:  # a voicemail or a pocket must not take it
            attempt.confirm = confirm_prompts(call, self.prompts)
            attempt.confirm_by = command.expires_at

    def agent_answered(self, call: Call, agent_id: str) -> None:
        """An agent's phone answered: the ACD is told, and connects (or refuses) it."""
        picked = call.dial_after_answer
        if picked is not None and picked.agent_id == agent_id:
            call.dial_after_answer = None  # picked from the list: connected in the ACD already
            self.callbacks.dial(picked)
            return
        try:
            self.submit(AgentAnswered(call.tenant_id, agent_id, call.call_id))
            connected = self.connected(call)
        except VaxelError as error:
            log.info("answer of %s for %s refused: %s", agent_id, call.call_id, error)
            connected = False
        if connected:
            return
        if call.state is CallState.AGENT_ANSWERING:  # the offer had ended just before
            self.switch.step(call, AnswerRefused())
        elif call.agent is not None:
            self.switch.end_leg(call, call.agent, HangUp())

    def offer_picked_up(self, call: Call, agent_id: str) -> bool:
        """Another agent's phone picks up the offer ringing (call pickup, issue 14): the
        ACD is told first; False when it refuses (that agent busy, logged out …)."""
        if not agent_id or call.callback:
            return False
        try:
            self.submit(OfferPickedUp(call.tenant_id, agent_id, call.call_id))
        except VaxelError as error:
            log.info("pickup of %s by %s refused: %s", call.call_id, agent_id, error)
            return False
        return True

    def agent_declined(self, call: Call, agent_id: str) -> None:
        """No phone of the agent took the offer: an unanswered offer for the ACD (Q23)."""
        if call.dial_after_answer is not None and call.agent is None:
            # the agent's phone did not take the picked callback: the list shows the number
            # to call by hand instead, and the agent closes it with a note (CB10)
            call.dial_after_answer = None
            return
        with contextlib.suppress(VaxelError):  # the offer may have ended meanwhile
            self.submit(AgentDeclined(call.tenant_id, agent_id, call.call_id))

    def connected(self, call: Call) -> bool:
        """Whether the ACD has the contact connected to the agent whose phone answered."""
        try:
            view = self.center.contact_view(call.tenant_id, call.call_id)
        except VaxelError:
            return False
        return view.agent_id == call.agent_id
