"""An agent whose browser phone cannot take calls is not offered them (issue 15 "Bad input",
Q24): no microphone, a denied permission, a media path that failed ("Ljudet kom inte fram")
or a phone page that closed.

The browser's own binding is removed first (``vaxel.webrtc.phones``), so the switch rings
only what still works. If the agent's extension still has a registered phone (a desk
phone), the queues go on offering to it and nothing else changes. If it has none, the
agent is paused with a reason saying why — otherwise the ACD would offer the next queue
call to a phone that does not exist, and the caller would wait out the ring time. Once
the browser phone is connected again, an agent this rule paused is made ready again,
unless they changed their state themselves meanwhile.

The same holds when a person **logs in or goes ready** with no phone at all that could ring
(the browser phone chosen but its tab not open, no desk phone registered): the web routes
ask :meth:`BrowserReadiness.no_phone` first and she is logged in, or left, paused with
"Webbtelefonen är inte ansluten" (``softphone_closed``) — no offer is made in that step —
and ready by herself once the browser phone connects or a desk phone registers. A phone
gone between that question and the step is caught after it (``committed``). Only a
person's own step counts: the demo's simulated agents log in with no phone by design
(``actor`` "agent").

Her audio device (PBX9) narrows what counts: with "Webbläsaren" only her browser phone's
binding, with "Bordstelefon" only her desk phones (paused ``desk_phone_missing`` without
one, whatever the browser phone does), with "Mobil" the tenant's trunk; none chosen, any
registered phone of her extension.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from enum import Enum
from typing import TYPE_CHECKING

from vaxel.acd.commands import Command
from vaxel.acd.events import AgentLoggedIn, AgentPaused, AgentReady, Event
from vaxel.core.errors import VaxelError
from vaxel.telephony.directory import Extension
from vaxel.telephony.registrar import Binding, of_kind

if TYPE_CHECKING:
    from vaxel.telephony.switch import Switch

__all__ = [
    "BARRED",
    "NO_DESK_PHONE",
    "NO_TRUNK",
    "REASONS",
    "Action",
    "BrowserReadiness",
    "when_able",
    "when_unable",
]

log = logging.getLogger(__name__)

REASONS = {
    "no-microphone": "softphone_no_microphone",
    "denied": "softphone_denied",
    "media-failed": "softphone_media_failed",
    "closed": "softphone_closed",
}
"""What the browser phone reports → the pause reason id the agent gets (worded in the
web's ``PAUSE_REASONS``, e.g. "Webbtelefonen saknar mikrofon")."""
NO_TRUNK = "mobile_no_trunk"
"""Her audio device is her mobile (PBX9), which rings over the trunk: with none, she is
paused with this reason; a mobile cannot register, so with a trunk she is never paused
for "no phone", and her browser phone closing changes nothing."""
NO_DESK_PHONE = "desk_phone_missing"
"""She chose "Bordstelefon" (PBX9) and no desk phone of her extension is registered: her
browser phone does not ring for the queues then, so it does not count."""
BARRED = "mobile_barred"
"""Her mobile is barred for her class of service as the switch dials it (PBX8: the class
changed after she chose it): paused with this reason, as her offers would ring nowhere."""
_MOBILE = (NO_TRUNK, BARRED)
_FREE = frozenset({"ready", "wrap_up"})
NOT_A_PERSON = frozenset({"agent", "system"})
"""Actors whose login or ready is not a person's own: the simulator's and the registrar's
auto-login ("agent", the events' default) and this rule's own ("system")."""


class Action(Enum):
    """What the rule does with the agent."""

    NOTHING = "nothing"
    PAUSE = "pause"
    READY = "ready"


def when_unable(state: str, other_phones: int) -> Action:
    """The browser phone cannot take calls: pause an agent who would be offered calls
    (ready or in wrap-up) and has no other registered phone; with a desk phone registered
    the calls go on to it, and a paused or busy agent is left as they are."""
    if other_phones > 0 or state not in _FREE:
        return Action.NOTHING
    return Action.PAUSE


def when_able(state: str, pause_reason: str) -> Action:
    """The browser phone works again: ready, if this rule's pause still holds the agent."""
    ours = (*REASONS.values(), NO_TRUNK, NO_DESK_PHONE)
    if state == "paused" and pause_reason in ours:
        return Action.READY
    return Action.NOTHING


class BrowserReadiness:
    """The port the browser phones tell (``vaxel.webrtc.phones.Readiness``), over the
    switch's registrar and its ACD."""

    def __init__(
        self, switch: Switch, later: Callable[[Callable[[], None]], None] | None = None
    ) -> None:
        self.switch = switch
        self.later = later
        """Runs an action on the switch's loop after the current step (the composition
        root's); None: no check at login or ready."""

    def committed(self, event: Event, commands: list[Command], now: float) -> None:
        """A contact-center listener: a person who logged in or went ready is checked once
        the center's step is over (a listener must not submit inside it)."""
        if not isinstance(event, (AgentLoggedIn, AgentReady)) or event.actor in NOT_A_PERSON:
            return
        if isinstance(event, AgentLoggedIn) and event.pause_reason:
            return  # logged in paused: asked before the step
        if self.later is not None:
            tenant_id, agent_id = event.tenant_id, event.agent_id
            self.later(lambda: self.went_ready(tenant_id, agent_id))

    def no_phone(self, tenant_id: str, agent_id: str) -> str:
        """The pause reason id for an agent whose extension here has no phone registered
        that could ring (no browser phone bound, no desk phone), else "": asked by the web
        routes **before** she logs in or goes ready, so the queues offer her nothing in
        that step. An agent without an extension here is not this switch's to judge; one
        whose device is her mobile needs the tenant's trunk only; one who chose the browser
        or the desk phone (PBX9) needs a phone of that kind."""
        directory = self.switch.directory
        if (tenant_id, agent_id) in directory.agent_mobiles:
            return self._mobile(tenant_id, agent_id)
        extension = directory.extension_of_agent(tenant_id, agent_id)
        if extension is None or self._chosen(extension):
            return ""
        return NO_DESK_PHONE if self._kind(extension) == "desk" else REASONS["closed"]

    def _kind(self, extension: Extension) -> str:
        """The kind of phone her offers ring: "browser", "desk" or "" (all)."""
        key = (extension.tenant_id, extension.agent_id)
        return self.switch.directory.agent_phones.get(key, "")

    def _chosen(self, extension: Extension) -> list[Binding]:
        """Her extension's registered phones of the kind her offers ring."""
        return of_kind(self.switch.registration.bindings(extension), self._kind(extension))

    def went_ready(self, tenant_id: str, agent_id: str) -> None:
        """The agent logged in or went ready: with no phone of theirs registered here (no
        browser phone open, no desk phone), paused as a closed browser phone's agent. An
        agent without an extension here (elsewhere) is not this switch's to judge; one whose
        device is her mobile is paused when the tenant has no trunk or it is barred for her."""
        directory = self.switch.directory
        if (tenant_id, agent_id) in directory.agent_mobiles:
            reason = self._mobile(tenant_id, agent_id)
            if reason:
                self._pause(tenant_id, agent_id, reason)
            return
        extension = directory.extension_of_agent(tenant_id, agent_id)
        if extension is not None and self._kind(extension) == "desk":
            if not self._chosen(extension):  # her browser phone, connected or not, is not it
                self._pause(tenant_id, agent_id, NO_DESK_PHONE)
        elif extension is not None:
            self.cannot_take_calls(extension, "closed")

    def _mobile(self, tenant_id: str, agent_id: str) -> str:
        """Why her mobile cannot ring (no trunk, barred for her), else ""."""
        if not self.switch.directory.has_trunk(tenant_id):
            return NO_TRUNK
        return "" if self.switch.acd_commands.mobile_targets(tenant_id, agent_id) else BARRED

    def cannot_take_calls(self, extension: Extension, reason: str) -> None:
        """The browser phone of ``extension`` cannot take calls, for ``reason`` (a key of
        :data:`REASONS`); its own binding is already gone."""
        agent_id, tenant_id = extension.agent_id, extension.tenant_id
        if not agent_id or reason not in REASONS:
            return
        if (tenant_id, agent_id) in self.switch.directory.agent_mobiles:
            return  # her calls ring her mobile: the browser phone is not her device
        if self._kind(extension) == "desk":
            return  # her calls ring her desk phone: the browser phone is not her device
        others = len(self._chosen(extension))
        self._pause(tenant_id, agent_id, REASONS[reason], others)

    def _pause(self, tenant_id: str, agent_id: str, reason_id: str, others: int = 0) -> None:
        switch = self.switch
        try:
            view = switch.center.agent_view(tenant_id, agent_id, switch.clock())
            if when_unable(view.state.value, others) is Action.PAUSE:
                switch.acd_commands.submit(
                    AgentPaused(tenant_id, agent_id, reason_id, actor="system")
                )
        except VaxelError as error:  # not logged in, or the state changed meanwhile
            log.info("phone of %s (%s): not paused: %s", agent_id, reason_id, error)

    def can_take_calls(self, extension: Extension) -> None:
        """A phone of ``extension`` can ring again: its browser phone connected and bound,
        or a desk phone registered (the composition root tells both)."""
        agent_id, tenant_id = extension.agent_id, extension.tenant_id
        if not agent_id or (self._kind(extension) and not self._chosen(extension)):
            return  # a phone of the other kind than she chose (PBX9): nothing rings her
        switch = self.switch
        try:
            view = switch.center.agent_view(tenant_id, agent_id, switch.clock())
            if when_able(view.state.value, view.pause_reason) is Action.READY:
                switch.acd_commands.submit(AgentReady(tenant_id, agent_id, actor="system"))
        except VaxelError as error:
            log.info("browser phone of %s back: not made ready: %s", agent_id, error)

    def trunks_saved(self) -> None:
        """The tenants' trunks changed (an admin saved one): see :meth:`recheck`."""
        self.recheck()

    def recheck(self) -> None:
        """What her offers ring may have changed under an agent already ready — her class
        of service narrowed, the trunk removed or saved, her device chosen, a desk phone's
        registration run out (issue 16): an agent with a mobile that now cannot ring is
        paused ``mobile_barred`` / ``mobile_no_trunk``, one with "Bordstelefon" and no desk
        phone ``desk_phone_missing``; one this rule paused (only that reason) whose phone
        rings again is ready. Run when trunks are saved and by the switch's sweep (15 s),
        so every route a change takes is caught; a paused or busy agent is left as is."""
        directory = self.switch.directory
        for tenant_id, agent_id in list(directory.agent_mobiles):
            self._settle(tenant_id, agent_id, self._mobile(tenant_id, agent_id), _MOBILE)
        for (tenant_id, agent_id), kind in list(directory.agent_phones.items()):
            extension = directory.extension_of_agent(tenant_id, agent_id)
            if (
                kind != "desk"
                or extension is None
                or (tenant_id, agent_id) in directory.agent_mobiles
            ):
                continue
            reason = "" if self._chosen(extension) else NO_DESK_PHONE
            self._settle(tenant_id, agent_id, reason, (NO_DESK_PHONE,))

    def _settle(self, tenant_id: str, agent_id: str, reason: str, ours: tuple[str, ...]) -> None:
        """Pause her for ``reason`` (if she is offered calls), or with none lift this
        rule's pause among ``ours`` — and a pause of ``ours`` whose cause changed to
        another of ``ours`` is left (she is not offered calls either way)."""
        if reason:
            self._pause(tenant_id, agent_id, reason)
            return
        switch = self.switch
        try:
            view = switch.center.agent_view(tenant_id, agent_id, switch.clock())
            if view.state.value == "paused" and view.pause_reason in ours:
                switch.acd_commands.submit(AgentReady(tenant_id, agent_id, actor="system"))
        except VaxelError as error:
            log.info("phone of %s rings again: not made ready: %s", agent_id, error)
