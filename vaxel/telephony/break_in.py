"""Break-in from the operator console (issue 16 §3, spec §48: "bryta in i … ett pågående
samtal om meddelande eller nytt samtal akut måste kopplas fram till anknytningen").

The console, not her phone, orders it (third-party call control, PBX9): with a busy person
chosen, her own extension's phones ring (a leg the person's call machine never sees,
``Ringing.side_legs``); when she answers, the two parties and she are put in a mix of
their own (the media engine's conference mixer, ``MediaBackend.join_room``) and all three
hear the warning tone (``JoinTone.WARNING``: three 1400 Hz beeps of 300 ms) as she comes
in. She leaves by the console or by hanging up: the mix is left (both hear the leave
tone) and the two talk as before. The person's call ending while she is in hangs her leg
up. Refusals change nothing: the number is no person's ('break-in-no-person'), the person
is in no call ('break-in-not-busy'), it is her own line or call ('break-in-own'), she is
breaking in already ('break-in-twice'), her phone is not registered ('break-in-no-phone').
Listen-in (OP6, for training) is the same with her microphone out of the mix and no tone:
she hears both, neither hears her. Only a person's internal call is found (a call to
their number, ``call.internal``); another tenant's call is never found. Runs on the event
loop.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from vaxel.core.errors import DomainError
from vaxel.media.backend import JoinTone, MediaBackend, MediaError
from vaxel.pbx.numbering import TargetKind
from vaxel.telephony.bridging import Bridging
from vaxel.telephony.call_actions import CallActions
from vaxel.telephony.call_index import CallIndex
from vaxel.telephony.call_states import CallState
from vaxel.telephony.calls import Call, Leg
from vaxel.telephony.dialout import Dialer
from vaxel.telephony.directory import TelephonyDirectory
from vaxel.telephony.internal import InternalCalls
from vaxel.telephony.leg_events import HangUp
from vaxel.telephony.ringing import Ringing
from vaxel.telephony.timers import CallTimers

__all__ = ["BREAK_IN", "RING_S", "BreakIn", "BreakInSwitch", "BreakIns", "talking_call"]

log = logging.getLogger(__name__)

BREAK_IN = "break-in"
"""The offer and role her phone is rung as."""
RING_S = 30.0
"""How long her phone rings before the break-in is given up."""
TALKING = frozenset({CallState.BRIDGED, CallState.TRANSFERRED})


class BreakInSwitch(Protocol):
    """What a break-in needs of the switch."""

    calls: dict[str, Call]
    dialer: Dialer
    ringing: Ringing
    actions: CallActions
    media: MediaBackend
    bridging: Bridging
    index: CallIndex
    timers: CallTimers
    directory: TelephonyDirectory
    internal: InternalCalls
    clock: Callable[[], float]


@dataclass(slots=True)
class BreakIn:
    """One operator breaking in on one call."""

    tenant_id: str
    operator: str
    """Her extension, whose phones ring."""
    call_id: str
    person_id: str
    rung_at: float
    leg: Leg | None = None
    """Her phone's leg once answered."""
    listen: bool = False
    """Listen-in (OP6, training): she hears both, nobody hears her, no tone."""
    number: str = ""
    """The person's number she chose, for her card."""
    answered_at: float | None = None
    """When her phone answered: she is in the call from then."""

    def room(self) -> str:
        """The mixer's room: the call's own, never shared with a conference room."""
        return f"{self.tenant_id}/break-in/{self.call_id}"

    def ring_over(self, now: float) -> bool:
        """Still ringing her after ``RING_S``: given up."""
        return self.leg is None and now >= self.rung_at + RING_S


def talking_call(calls: dict[str, Call], tenant_id: str, person_id: str) -> Call | None:
    """The call to ``person_id``'s number that they answered and still talk in, if any."""
    for call in calls.values():
        internal = call.internal
        if (
            call.tenant_id == tenant_id
            and internal is not None
            and internal.target.kind is TargetKind.PERSON
            and internal.target.ref == person_id
            and call.state in TALKING
            and call.caller is not None
            and call.agent is not None
        ):
            return call
    return None


class BreakIns:
    def __init__(self, switch: BreakInSwitch) -> None:
        self.switch = switch
        self.active: dict[str, BreakIn] = {}
        """By her extension: at most one break-in each."""
        self.changed: Callable[[str], None] = lambda tenant_id: None
        """Told each tenant whose break-ins changed (the live hub's wake)."""
        switch.ringing.side_legs[BREAK_IN] = self
        self._earlier_left = switch.actions.side_left  # a conference's guests' (§46)
        switch.actions.side_left = self._left
        switch.actions.forget_hooks.append(self._forgotten)

    def start(self, tenant_id: str, operator: str, number: str, *, listen: bool = False) -> None:
        """Ring ``operator``'s phones to break in on the call of the person on ``number``
        (a short number or an extension of the tenant); ``listen``: to listen in only."""
        if operator in self.active:
            raise DomainError("already breaking in", code="break-in-twice")
        switch, people = self.switch, self.switch.internal.person_reach
        person = None if number == operator else self._person(tenant_id, number)
        own = people is not None and people.reach.extension(tenant_id, person or "") == operator
        if number == operator or own:
            raise DomainError("her own line", code="break-in-own")
        if person is None:
            raise DomainError(f"{number[:40]!r} is no person's line", code="break-in-no-person")
        call = talking_call(switch.calls, tenant_id, person)
        if call is None:
            raise DomainError(f"{number[:40]!r} is in no call", code="break-in-not-busy")
        internal = call.internal
        if internal is not None and internal.caller.extension == operator:
            raise DomainError("her own call", code="break-in-own")
        targets = switch.dialer.route_or_nothing(tenant_id, operator)
        extension = switch.dialer.directory.extensions.get(operator)
        if not targets or extension is None or extension.tenant_id != tenant_id:
            raise DomainError(f"{operator[:20]!r} has no phone", code="break-in-no-phone")
        now = switch.clock()
        found = BreakIn(
            tenant_id, operator, call.call_id, person, now, listen=listen, number=number[:40]
        )
        self.active[operator] = found
        switch.ringing.release_attempt(call, BREAK_IN)  # an earlier break-in's, if any
        caller_number = internal.caller.number if internal is not None else ""
        switch.dialer.ring(call, BREAK_IN, targets, caller_number or "vaxel", BREAK_IN)
        switch.timers.at(("break-in", operator), now + RING_S, self._due, operator)
        log.info("%s breaks in on %s (%s)", operator, call.call_id, person)
        self.changed(tenant_id)

    def leave(self, tenant_id: str, operator: str) -> None:
        """She leaves (or stops her phone ringing): the two talk on as before."""
        found = self.active.get(operator)
        if found is None or found.tenant_id != tenant_id:
            raise DomainError("not breaking in", code="break-in-none")
        self._end(found, hang_up=True)

    def end_other(self, tenant_id: str, operator: str) -> None:
        """§48 "avsluta": the person's other party is hung up and she stays, talking with
        the person alone — her leg takes the other party's place in the call (its caller),
        so the call is an ordinary one of two from here ('break-in-none' unless she is in)."""
        found = self.active.get(operator)
        switch = self.switch
        call = switch.calls.get(found.call_id) if found is not None else None
        if found is None or found.tenant_id != tenant_id or found.leg is None or call is None:
            raise DomainError("not in a call", code="break-in-none")
        other, leg = call.caller, found.leg
        if other is None or call.agent is None or call.state not in TALKING:
            raise DomainError("the call is changing", code="break-in-none")
        self.active.pop(operator, None)
        media = switch.media
        for party in (other, call.agent, leg):
            media.leave_room(party.endpoint.endpoint_id)
        call.caller = leg  # before the BYE: the machine never hears of the other party
        switch.actions.end_leg(call, other, HangUp(), tell_call=False)
        switch.index.drop_leg(other)
        media.release(other.endpoint.endpoint_id)
        switch.bridging.bridge(call)
        switch.timers.at(("break-in", operator), None, self._due, operator)
        switch.ringing.release_attempt(call, BREAK_IN)  # her endpoint stays: the call's now
        log.info("%s ended the other party of %s", operator, call.call_id)
        self.changed(tenant_id)

    def of(self, tenant_id: str, operator: str) -> BreakIn | None:
        found = self.active.get(operator)
        return found if found is not None and found.tenant_id == tenant_id else None

    # the side leg (``Ringing.side_legs``) --------------------------------------------------

    def answered(self, call: Call, leg: Leg) -> bool:
        found = self._on(call)
        if found is None or found.leg is not None or call.state not in TALKING:
            return False
        found.leg = leg
        switch = self.switch
        found.answered_at = switch.clock()
        switch.index.add_leg(call, leg)
        assert call.caller is not None and call.agent is not None
        try:
            room, media = found.room(), switch.media
            media.join_room(call.caller.endpoint.endpoint_id, room, tone=JoinTone.NONE)
            media.join_room(call.agent.endpoint.endpoint_id, room, tone=JoinTone.NONE)
            if found.listen:  # silent to both: her microphone out of the mix, no tone
                media.join_room(leg.endpoint.endpoint_id, room, muted=True, tone=JoinTone.NONE)
            else:
                media.join_room(leg.endpoint.endpoint_id, room, tone=JoinTone.WARNING)
        except MediaError as error:
            log.warning("break-in on %s: %s", call.call_id, error)
            self._end(found, hang_up=True)
            return True
        switch.timers.at(("break-in", found.operator), None, self._due, found.operator)
        self.changed(found.tenant_id)
        return True

    def failed(self, call: Call) -> None:
        found = self._on(call)
        if found is not None and found.leg is None:
            self._end(found, hang_up=False)

    # ------------------------------------------------------------------------------------

    def _person(self, tenant_id: str, number: str) -> str | None:
        target = self.switch.directory.pbx.resolve(tenant_id, number)
        if target is not None and target.kind is TargetKind.PERSON:
            return target.ref
        people = self.switch.internal.person_reach
        return people.reach.person_on(tenant_id, number) if people is not None else None

    def _on(self, call: Call) -> BreakIn | None:
        return next((b for b in self.active.values() if b.call_id == call.call_id), None)

    def _due(self, operator: object, now: float) -> None:
        found = self.active.get(str(operator))
        if found is not None and found.ring_over(now):
            self._end(found, hang_up=True)

    def _left(self, call: Call, leg: Leg) -> None:
        """Her phone hung up (or another leg outside the machine ended)."""
        found = self._on(call)
        if found is not None and found.leg is leg:
            self._end(found, hang_up=False)
        else:
            self._earlier_left(call, leg)

    def _forgotten(self, call_id: str) -> None:
        found = next((b for b in self.active.values() if b.call_id == call_id), None)
        if found is not None:
            self._end(found, hang_up=True, call_over=True)

    def _end(self, found: BreakIn, *, hang_up: bool, call_over: bool = False) -> None:
        switch = self.switch
        self.active.pop(found.operator, None)
        call = switch.calls.get(found.call_id)
        if call is None:
            return
        leg = found.leg
        if leg is None:  # still ringing her: stop it
            attempt = call.attempts.get(BREAK_IN)
            for phone in list(attempt.forks) if attempt is not None else []:
                switch.ringing.stop_phone(call, BREAK_IN, phone)
        else:
            media = switch.media
            media.leave_room(leg.endpoint.endpoint_id)
            if hang_up and not leg.machine.ended:
                switch.actions.end_leg(call, leg, HangUp(), tell_call=False)
            if not call_over and call.caller is not None and call.agent is not None:
                media.leave_room(call.caller.endpoint.endpoint_id)
                media.leave_room(call.agent.endpoint.endpoint_id)
                if call.state in TALKING:
                    switch.bridging.bridge(call)
            switch.index.drop_leg(leg)
        switch.timers.at(("break-in", found.operator), None, self._due, found.operator)
        switch.ringing.release_attempt(call, BREAK_IN)  # her leg's endpoint too
        log.info("%s left the call %s", found.operator, found.call_id)
        self.changed(found.tenant_id)
