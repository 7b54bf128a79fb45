"""Announced transfer ordered from the operator console (issue 16 §3, OP3; spec §46
"förmedling med avisering"): the operator, a queue caller in hand, asks someone first.

The console, not her phone, orders every step (third-party call control, PBX9), so it
works whatever her audio device is: the caller is put on music, the person's phones ring
as the call's offer ``CONSULT`` (routed under her extension's class of service, as a blind
transfer from the console is: barred, malformed and unroutable numbers refused before
anything changes; a person's number of the plan rings their devices, ``console_plan.py``)
and her own leg, still up, hears ringback and then the person. She then
connects the two (her leg is hung up, the contact ends for her) or goes back to the
caller (the person's leg is hung up). The person busy, not answering within the tenant's
recall time or hanging up brings her back to the caller, the reason kept for her card.
The call machine's steps are ``call_announce.py``; what is kept here is the switch's side
(legs moved and bridged) and what the card shows. Runs on the event loop.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from vaxel.core.errors import DomainError
from vaxel.media.backend import MediaBackend
from vaxel.telephony import console_conference as conference
from vaxel.telephony.bridging import Bridging
from vaxel.telephony.call_announce import ANSWERED, CONSULTABLE, STATES
from vaxel.telephony.call_events import CallEvent
from vaxel.telephony.call_index import CallIndex
from vaxel.telephony.call_states import CallState
from vaxel.telephony.calls import Call, Leg
from vaxel.telephony.console_plan import consulted_phones
from vaxel.telephony.console_transfer import ConsoleSwitch, call_in_hand, route_for
from vaxel.telephony.consult_events import (
    CONSULT,
    ConsultAction,
    ConsultDropped,
    ConsultFromConference,
    ConsultJoined,
    ConsultOver,
    ConsultSentOn,
    ConsultStarted,
    DropConsulted,
    GuestTakesSeat,
    GuestToConsulted,
    JoinConference,
    JoinConsulted,
    LeaveRoom,
    TakeCallersSeat,
    TalkToConsulted,
)
from vaxel.telephony.leg_events import HangUp, LegInput

__all__ = ["ConsoleConsults", "ConsultPort", "Consultation"]

RING_S = 30.0
"""How long the person rings when the tenant has no recall time of its own."""
NAME_LENGTH = 80


class ConsultPort(ConsoleSwitch, Protocol):
    """What an announced transfer needs of the switch besides a blind transfer's."""

    media: MediaBackend
    index: CallIndex
    bridging: Bridging

    def end_leg(self, call: Call, leg: Leg, event: LegInput) -> None: ...


@dataclass(slots=True)
class Consultation:
    """One consultation of a call in hand, as the card shows it."""

    number: str
    name: str
    started_at: float
    answered_at: float | None = None
    ended_at: float | None = None
    outcome: str = ""
    """'' while on; then ``ConsultOver.outcome``."""
    status: int = 0
    conference_at: float | None = None
    """When she joined the three in a conference (``console_conference.py``)."""


class ConsoleConsults:
    def __init__(
        self,
        switch: ConsultPort,
        clock: Callable[[], float],
        ring_s: Callable[[str], float] = lambda tenant_id: RING_S,
        changed: Callable[[str], None] = lambda tenant_id: None,
    ) -> None:
        self.switch = switch
        self.clock = clock
        self.ring_s = ring_s
        """How long the person rings: the tenant's recall time (``pbx-transfer``)."""
        self.changed = changed
        """Told a tenant's id at each change (the live hub's wake: the card follows)."""
        self.records: dict[str, Consultation] = {}
        """By call (contact) id; forgotten with the call."""
        self.earlier: dict[str, list[Consultation]] = {}
        """A conference's earlier people (its guests), by call id, the first first."""
        self.max_parties: Callable[[str], int] = lambda tenant_id: conference.MAX_PARTIES

    def start(
        self, tenant_id: str, agent_id: str, contact_id: str, number: str, name: str = ""
    ) -> None:
        """Ask ``number`` (``name`` for the card) first: the caller waits with music — or,
        from a conference, keeps talking with the others (§46). Refused (nothing changed):
        'console-no-call', 'console-transfers', the number's refusals as for a blind
        transfer, 'console-consulting' (one is on already), 'console-conference-full'."""
        switch = self.switch
        found = switch.calls.get(contact_id)
        from_conference = found is not None and found.state is CallState.CONFERENCE
        if found is not None and found.state in STATES and found.agent_id == agent_id:
            if not from_conference:
                raise DomainError("a consultation is on already", code="console-consulting")
            limit = self.max_parties(tenant_id)
            if conference.full(found, limit, adding=False):
                raise DomainError(
                    "the conference is full", code="console-conference-full", most=limit
                )
        allowed = CONSULTABLE | {CallState.CONFERENCE} if from_conference else CONSULTABLE
        call = call_in_hand(switch, tenant_id, agent_id, contact_id, allowed)
        if call.agent is None or _still_ringing(call):
            raise DomainError("the last consultation is still ending", code="console-consulting")
        targets = consulted_phones(switch, tenant_id, number)  # a person of the plan
        targets = targets if targets is not None else route_for(switch, call, number)
        earlier = self.records.get(contact_id)
        if from_conference and earlier is not None:  # the person asked last: a guest now
            self.earlier.setdefault(contact_id, []).append(earlier)
        self.records[contact_id] = Consultation(number, name[:NAME_LENGTH], self.clock())
        switch.step(call, ConsultStarted(self.ring_s(tenant_id)))
        if call.state is CallState.CONSULTING:
            call.dialled[CONSULT] = number  # the person's line follows (DIR4)
            switch.ring(call, CONSULT, targets, switch.dialer.agent_extension(call), "consult")
        self.changed(tenant_id)

    def connect(self, tenant_id: str, agent_id: str, contact_id: str) -> None:
        """Connect the caller with the person she talks to — or, still ringing, to their
        ringing phones (semi-attended: her leg leaves, the caller hears ringback and,
        unanswered, is rung back to her extension as a transfer's recall); with no
        extension of hers to ring back 'console-not-answered'; 'console-no-consult' with no
        consultation on."""
        call = self.switch.calls.get(contact_id)
        record = self.records.get(contact_id)
        if (
            call is not None
            and record is not None
            and call.state is CallState.CONSULTING
            and call.tenant_id == tenant_id
            and call.agent_id == agent_id
        ):
            if call.machine.guests:  # from a conference: the person must answer first
                raise DomainError("asked from a conference", code="conference-sent-on")
            found = self.switch.dialer.directory.extension_of_agent(tenant_id, agent_id)
            if found is not None:
                sent_on = ConsultSentOn(found.extension, record.number, self.ring_s(tenant_id))
                self.switch.step(call, sent_on)
                self.changed(tenant_id)
                return
        self._step(tenant_id, agent_id, contact_id, ANSWERED)

    def back(self, tenant_id: str, agent_id: str, contact_id: str) -> None:
        """Back to the caller: the person's ringing or leg ends ('console-no-consult')."""
        self._step(tenant_id, agent_id, contact_id, STATES)

    def view(self, contact_id: str) -> dict[str, Any] | None:
        """The consultation of the call in hand for the card, or None: who, its state
        ('ringing', 'talking' or how it ended) and how long the caller and the person
        have waited or talked."""
        record = self.records.get(contact_id)
        if record is None:
            return None
        now = self.clock()
        until = record.ended_at if record.ended_at is not None else now
        state = record.outcome or ("talking" if record.answered_at is not None else "ringing")
        if not record.outcome and record.conference_at is not None:
            state = "conference"
        since = record.answered_at if record.answered_at is not None else record.started_at
        return {
            "number": record.number,
            "name": record.name,
            "state": state,
            "status": record.status,
            "on": not record.outcome,
            "caller_held_s": round(until - record.started_at),
            "person_s": round(until - since),  # 4.98 s rung is "5 s", not "4 s"
            "conference_s": round(until - (record.conference_at or until)),
            "guests": [e.name or e.number for e in self.earlier.get(contact_id, ())],
        }

    def carry_out(self, call: Call, action: ConsultAction) -> None:
        """The machine's announced-transfer actions, on legs and media."""
        media, record = self.switch.media, self.records.get(call.call_id)
        consulted, agent = call.consulted, call.agent
        in_conference = record is not None and record.conference_at is not None
        if call.guests and isinstance(action, DropConsulted) and consulted is not None:
            media.leave_room(consulted.endpoint.endpoint_id)  # the others talk on
        elif in_conference and isinstance(action, (JoinConsulted, DropConsulted)):
            conference.leave_all(media, call)  # the machine's bridge follows
        if isinstance(action, (ConsultFromConference, GuestToConsulted, GuestTakesSeat)):
            self._guests(call, action)
        elif isinstance(action, LeaveRoom):
            conference.leave_room(self.switch, call)
        elif isinstance(action, JoinConference):
            if conference.join(media, call) and record is not None:
                record.conference_at = self.clock()
        elif isinstance(action, TakeCallersSeat):
            conference.seat_person(self.switch, call)
        elif isinstance(action, TalkToConsulted) and consulted is not None and agent is not None:
            media.stop_playback(agent.endpoint.endpoint_id)
            media.bridge(agent.endpoint.endpoint_id, consulted.endpoint.endpoint_id)
            if record is not None:
                record.answered_at = self.clock()
        elif isinstance(action, JoinConsulted) and consulted is not None:
            media.unbridge(consulted.endpoint.endpoint_id)
            call.consulted, call.agent, consulted.role = None, consulted, "agent"
            if agent is not None:  # her leg leaves the call (already gone if she hung up)
                self.switch.index.drop_leg(agent)
                self.switch.end_leg(call, agent, HangUp())
                media.release(agent.endpoint.endpoint_id)
            self.switch.bridging.bridge(call)
        elif isinstance(action, DropConsulted) and consulted is not None:
            call.consulted = None
            self.switch.index.drop_leg(consulted)
            media.unbridge(consulted.endpoint.endpoint_id)
            self.switch.end_leg(call, consulted, HangUp())
            media.release(consulted.endpoint.endpoint_id)
            attempt = call.attempts.pop(CONSULT, None)
            if attempt is not None:
                self.switch.dialer.forget(attempt)
        elif isinstance(action, ConsultOver) and record is not None:
            record.outcome, record.status, record.ended_at = (
                action.outcome,
                action.status,
                self.clock(),
            )
        if isinstance(action, (TalkToConsulted, ConsultOver, JoinConference)):
            self.changed(call.tenant_id)  # answered, or over: her card shows it now

    def _guests(
        self, call: Call, action: ConsultFromConference | GuestToConsulted | GuestTakesSeat
    ) -> None:
        """A conference's guests moved (``call_conference.py``), and the card with them."""
        if isinstance(action, ConsultFromConference):
            conference.consulted_to_guests(self.switch, call, self.switch.dialer)
        elif isinstance(action, GuestTakesSeat):
            conference.guest_takes_seat(self.switch, call, alone=action.alone)
            earlier = self.earlier.get(call.call_id)
            if earlier:
                earlier.pop(0)
        else:
            conference.guest_to_consulted(call)
            earlier = self.earlier.get(call.call_id)
            if earlier:
                self.records[call.call_id] = earlier.pop()

    def guest_left(self, call: Call, leg: Leg) -> bool:
        """A guest's leg ended (the switch's hook for legs outside the machine)."""
        index = call.guests.index(leg) if leg in call.guests else -1
        earlier = self.earlier.get(call.call_id)
        if earlier and 0 <= index < len(earlier):
            earlier.pop(index)
        return conference.guest_left(self.switch, call, leg)

    def forget(self, call_id: str) -> None:
        """The call is over: its consultation is no longer shown, its guests let go."""
        call = self.switch.calls.get(call_id)
        if call is not None and call.guests:
            conference.guests_forgotten(self.switch, call)
        self.records.pop(call_id, None)
        self.earlier.pop(call_id, None)

    def _step(
        self, tenant_id: str, agent_id: str, contact_id: str, states: frozenset[CallState]
    ) -> None:
        call = self.switch.calls.get(contact_id)
        if (
            call is None
            or call.tenant_id != tenant_id
            or call.agent_id != agent_id
            or call.state not in STATES
        ):
            raise DomainError("no consultation to finish", code="console-no-consult")
        if call.state not in states:  # connecting while the person still rings
            raise DomainError("the person has not answered", code="console-not-answered")
        event: CallEvent = ConsultJoined() if states == ANSWERED else ConsultDropped()
        self.switch.step(call, event)


def _still_ringing(call: Call) -> bool:
    """A consultation's phones are still being cancelled (a late 487 is to come)."""
    attempt = call.attempts.get(CONSULT)
    return attempt is not None and any(
        not f.won and not f.machine.ended for f in attempt.forks.values()
    )
