"""One caller's call: the IVR flow in front of the durable ACD (DESIGN "Contracts").

The flow session (pure) says what the caller hears and does; this adapter turns its call
commands into ACD events through :class:`ContactCenter` (entering the queue, keyed data,
callback requests, hang-ups) and feeds the engine's view of the caller back into the flow
(position, estimated wait, agents available, callback offer — Q5, Q8, Q9, CB5). Media
commands (play, music, stop, connect, transfer, hang up) are returned for the media layer;
ACD commands (offers to agents, dial-outs) are collected in :attr:`acd_commands` for
whoever rings the agents — the simulator today, telephony later.
"""

from __future__ import annotations

from vaxel.acd.commands import Command, ConnectContact, NotifyCallbackCreated
from vaxel.acd.events import (
    CallbackRequested,
    CallerDataEntered,
    ContactAbandoned,
    ContactArrived,
    Event,
)
from vaxel.acd.model import Channel, ContactState, parse_clock
from vaxel.acd.ports import ContactCenterPort, EngineUnavailable
from vaxel.core.dial_policy import NumberRefused
from vaxel.core.errors import UnknownQueue, VaxelError
from vaxel.core.limits import PHONE_NUMBER_LENGTH
from vaxel.flow import (
    AgentConnected,
    CallbackChoice,
    CallerHungUp,
    CallInfo,
    EnterQueue,
    Flow,
    FlowCommand,
    FlowInput,
    FlowSession,
    OpeningHours,
    PlayPrompts,
    QueueSituation,
    QueueSituationChanged,
    RequestCallback,
    UpdateCallerData,
)

__all__ = ["CallSession"]


class CallSession:
    def __init__(
        self,
        center: ContactCenterPort,
        tenant_id: str,
        contact_id: str,
        flow: Flow,
        call: CallInfo,
        hours: OpeningHours,
        switches: frozenset[str] = frozenset(),
    ) -> None:
        self.center = center
        self.tenant_id = tenant_id
        self.contact_id = contact_id
        self.call = call
        self.flow = FlowSession(flow, call, hours, switches)
        self.queue_id = ""
        self.callback_id = ""
        self.acd_commands: list[Command] = []

    def start(self, now: float) -> list[FlowCommand]:
        return self._route(self.flow.start(now), now)

    def handle(self, event: FlowInput, now: float) -> list[FlowCommand]:
        if isinstance(event, CallerHungUp) and self.waiting:
            self._submit(
                ContactAbandoned(
                    self.tenant_id, self.contact_id, callback_number=self._callback_number()
                ),
                now,
            )
        return self._route(self.flow.handle(event, now), now)

    def _callback_number(self) -> str:
        """The caller id as a callback on abandon may dial it — E.164, or "" when the
        tenant's dial policy refuses it (issue 10 §11, PBX8): the engine creates no
        callback an agent could not dial."""
        try:
            return self.call.dial_policy.check(self.call.caller_number)
        except NumberRefused:
            return ""

    @property
    def waiting(self) -> bool:
        if not self.queue_id:
            return False
        state = self.center.contact_view(self.tenant_id, self.contact_id).state
        return state in (ContactState.WAITING, ContactState.OFFERED)

    def refresh(self, now: float) -> None:
        """Tell the flow where the caller stands now (call before announcements are due)."""
        if self.waiting:
            self.flow.handle(QueueSituationChanged(self.situation(now)), now)

    def situation(self, now: float) -> QueueSituation:
        view = self.center.waiting_view(self.tenant_id, self.contact_id, now)
        config = self.center.running_queues(self.tenant_id).get(self.queue_id)
        if config is None:  # removed while the caller waited: the engine says so
            raise UnknownQueue(self.queue_id, self.tenant_id)
        settings = config.callback
        choices = tuple(
            CallbackChoice(
                i.interval_id,
                divmod(parse_clock(i.start, "start"), 60),
                divmod(parse_clock(i.end, "end"), 60),
            )
            for i in settings.intervals
        )
        return QueueSituation(
            view.position,
            view.estimated_wait_s,
            view.agents_available,
            view.callback_offer_allowed,
            choices,
        )

    def agent_commands(self, commands: list[Command], now: float) -> list[FlowCommand]:
        """Feed ACD commands about this contact to the flow (an agent answered)."""
        out: list[FlowCommand] = []
        for command in commands:
            if isinstance(command, ConnectContact) and command.contact_id == self.contact_id:
                out += self.flow.handle(AgentConnected(), now)
        return out

    def _submit(self, event: Event, now: float) -> list[Command]:
        commands = self.center.submit(event, now)
        self.acd_commands += commands
        return commands

    def _route(self, commands: list[FlowCommand], now: float) -> list[FlowCommand]:
        media: list[FlowCommand] = []
        for index, command in enumerate(commands):
            if isinstance(command, EnterQueue):
                self.queue_id = command.queue_id
                acd = self._submit(
                    ContactArrived(
                        self.tenant_id,
                        self.contact_id,
                        command.queue_id,
                        Channel.CALL,
                        command.priority,
                        caller_number=self.call.caller_number,
                        caller_data=dict(command.caller_data),
                        dialled_number=self.call.dialled_number[:PHONE_NUMBER_LENGTH],
                    ),
                    now,
                )
                self.refresh(now)
                media += self.agent_commands(acd, now)
            elif isinstance(command, UpdateCallerData):
                if self.waiting:
                    self._submit(
                        CallerDataEntered(self.tenant_id, self.contact_id, dict(command.data)), now
                    )
            elif isinstance(command, RequestCallback):
                if not self._request_callback(command, now):
                    return media + self._technical_fault(commands[index + 1 :])
            else:
                media.append(command)
        return media

    def _technical_fault(self, after: list[FlowCommand]) -> list[FlowCommand]:
        """The callback could not be stored (the database is away): the caller hears that
        instead of the flow's "we will call you back" — never silence — and the call ends
        as the flow ends it after that prompt (issue 10 §1)."""
        fault = (f"{self.flow.flow.language}/callback/technical-fault",)
        replaced = [PlayPrompts(fault, False) if isinstance(c, PlayPrompts) else c for c in after]
        return [c for c in replaced if not isinstance(c, (EnterQueue, RequestCallback))]

    def _request_callback(self, command: RequestCallback, now: float) -> bool:
        """Book the callback; False when the store cannot take it just now."""
        source = self.contact_id if command.from_queue and self.waiting else ""
        try:
            created = self._submit(
                CallbackRequested(
                    self.tenant_id,
                    command.queue_id,
                    command.number,
                    command.interval_id,
                    dict(command.caller_data),
                    from_contact_id=source,
                ),
                now,
            )
        except VaxelError:
            return True  # e.g. answered just now: the caller keeps the live call
        except EngineUnavailable:
            return False  # logged by the center
        self.callback_id = next(
            (c.contact_id for c in created if isinstance(c, NotifyCallbackCreated)), ""
        )
        return True
