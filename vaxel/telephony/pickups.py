"""Call pickup on the wire (issue 14): an extension dials ``**<anknytning>`` and takes the
internal call ringing that extension, or ``*8#`` and takes one ringing anyone in its
answer groups (``pbx/pickup.py`` chooses which).

Rules kept here:
- The code is looked at before the numbering plan, for authenticated extensions only.
  With no such call ringing the INVITE is refused 404 before anything is answered.
- The picker is answered, its leg handed over to the ringing call and bridged to the
  caller; the callee's phones stop ringing (``call_pickup.py``).
- A queue call ringing an agent's phone (the ACD's offer) is picked up the same way, by
  an agent only: the ACD is told first (``OfferPickedUp``: the picker's agent answered the
  contact, the ringing agent missed nothing); refused there (the picker busy or logged
  out) the INVITE is 404 and nothing is answered. The ACD then connects the picker as it
  connects any agent who answered (whisper, bridge).
- A call is in the groups of the person it rings (a call to a group: that group); the
  picker's groups are those of the people whose SIP device its extension is.
- Who is in a group answered through an ACD queue (strategy QUEUE) is read from the queue
  engine, as the group's "who is logged in" view reads it (``QueueGroupLogins.shown``):
  a member is in exactly when their agent is logged in to the group's queue now, never by
  the stored flag (which the engine's own log-outs, Q23, and the workspace's log-ins do
  not change), so pickup cannot drift from what the page shows. Other groups: their
  members (the picker's side) and the logged-in members they ring (the call's side).
The operator console (issue 16) picks calls from the same list (``ringing``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from vaxel.pbx.devices import DeviceKind
from vaxel.pbx.groups import AnswerGroup, GroupStrategy
from vaxel.pbx.numbering import TargetKind
from vaxel.pbx.pickup import RingingCall, choose, parse_pickup
from vaxel.runtime.group_logins import QueueGroupLogins
from vaxel.sip.errors import SipError
from vaxel.sip.transaction import RequestReceived
from vaxel.telephony.call_events import (
    CUSTOMER,
    RECALL,
    TRANSFER,
    CallEvent,
    is_callee,
)
from vaxel.telephony.call_index import CallIndex
from vaxel.telephony.call_states import CallState, OfferState
from vaxel.telephony.calls import Call
from vaxel.telephony.directory import TelephonyDirectory
from vaxel.telephony.park_events import CallPickedUp
from vaxel.telephony.timers import CallTimers

__all__ = ["Pickups"]

_NOT_AGENTS = frozenset({CUSTOMER, TRANSFER, RECALL})


class Pickups:
    def __init__(
        self,
        index: CallIndex,
        timers: CallTimers,
        directory: TelephonyDirectory,
        answer: Callable[[RequestReceived, str], Call],
        step: Callable[[Call, CallEvent], None],
        offer_picked_up: Callable[[Call, str], bool] = lambda call, agent_id: False,
        queue_logins: QueueGroupLogins | None = None,
    ) -> None:
        self.index = index
        self.timers = timers
        self.directory = directory
        self.answer = answer
        """Answer an INVITE as a new internal call of the tenant (the switch's)."""
        self.step = step
        self.offer_picked_up = offer_picked_up
        """Tell the ACD the picker's agent took an offer's contact; False: refused."""
        self.queue_logins = queue_logins
        """Who is logged in to a QUEUE group, from the engine (None: the stored flags)."""

    @staticmethod
    def claims(number: str) -> bool:
        return parse_pickup(number) is not None

    def pick(self, event: RequestReceived, username: str, number: str) -> None:
        """``username`` dialled a pickup code: take the call it names, or 404."""
        code = parse_pickup(number)
        picker = self.directory.extensions.get(username)
        if code is None or picker is None:
            raise SipError("Not Found: no such number", 404)
        groups = self.groups_of_extension(picker.tenant_id, username)
        ringing = self.ringing(picker.tenant_id, acd=bool(picker.agent_id))
        chosen = choose(code, ringing, username, groups)
        waiting = self.index.calls.get(chosen.call_id) if chosen is not None else None
        if waiting is None or waiting.agent is not None:
            raise SipError("Not Found: no call ringing to pick up", 404)
        offer = waiting.state is CallState.IVR
        if offer and not self.offer_picked_up(waiting, picker.agent_id):
            raise SipError("Not Found: no call ringing to pick up", 404)
        call = self.answer(event, picker.tenant_id)
        self.timers.cancel(call)
        leg = self.index.move_caller(call, waiting)
        if leg is not None:
            leg.number = username  # her line is busy in the call she took (DIR4, line_feed)
            self.step(waiting, CallPickedUp(picker.agent_id if offer else ""))

    def ringing(self, tenant_id: str, *, acd: bool = False) -> Iterator[RingingCall]:
        """The tenant's internal calls whose callee rings, once per extension rung; with
        ``acd``, the ACD's offers ringing an agent's phone too."""
        pbx = self.directory.pbx
        for call in list(self.index.calls.values()):
            internal = call.internal
            if call.tenant_id != tenant_id:
                continue
            if acd and call.state is CallState.IVR and call.agent is None:
                yield from self._offers(call)
            if call.state is not CallState.CONNECTING:
                continue
            offers = [
                o
                for o in call.machine.offers.values()
                if is_callee(o.name) and o.state is OfferState.RINGING
            ]
            if internal is None or not offers:
                continue
            target = internal.target
            if target.kind is TargetKind.PERSON:
                people, groups = [target.ref], self._groups_of(tenant_id, {target.ref})
            elif target.kind is TargetKind.GROUP:
                group = pbx.groups.get((tenant_id, target.ref))
                people = self.answering(group) if group else []
                groups = frozenset({target.ref})
            else:
                continue
            for person_id in people:
                person = pbx.devices(tenant_id, person_id)
                for device in person.devices if person is not None else ():
                    if device.kind is DeviceKind.SIP:
                        yield RingingCall(call.call_id, device.address, groups, offers[0].rung_at)

    def _offers(self, call: Call) -> Iterator[RingingCall]:
        """The ACD's offers of ``call`` ringing now, at their agents' extensions."""
        for offer in call.machine.offers.values():
            if offer.state is not OfferState.RINGING or offer.name in _NOT_AGENTS:
                continue
            if is_callee(offer.name):
                continue
            found = self.directory.extension_of_agent(call.tenant_id, offer.name)
            if found is not None:
                groups = self.groups_of_extension(call.tenant_id, found.extension)
                yield RingingCall(call.call_id, found.extension, groups, offer.rung_at)

    def groups_of_extension(self, tenant_id: str, extension: str) -> frozenset[str]:
        """The answer groups of the people whose SIP device ``extension`` is."""
        people = {
            person_id
            for (tenant, person_id), person in self.directory.pbx.people.items()
            if tenant == tenant_id
            and any(d.kind is DeviceKind.SIP and d.address == extension for d in person.devices)
        }
        return self._groups_of(tenant_id, people)

    def _groups_of(self, tenant_id: str, people: set[str]) -> frozenset[str]:
        """The groups ``people`` are in: a member of an ordinary group, logged in (by the
        engine) to a QUEUE group."""
        found = set()
        for (tenant, _), group in self.directory.pbx.groups.items():
            if tenant != tenant_id or not any(m.person_id in people for m in group.members):
                continue
            if group.strategy is GroupStrategy.QUEUE and not people & set(self.answering(group)):
                continue
            found.add(group.group_id)
        return frozenset(found)

    def answering(self, group: AnswerGroup) -> list[str]:
        """Who answers ``group`` now: for a QUEUE group the members whose agent the engine
        has logged in to its queue (as its page shows), else the stored logins."""
        if group.strategy is not GroupStrategy.QUEUE or self.queue_logins is None:
            return group.logged_in()
        pbx = self.directory.pbx

        def extensions_of(person_id: str) -> list[str]:
            devices = pbx.devices(group.tenant_id, person_id)
            return devices.extensions() if devices is not None else []

        return self.queue_logins.shown(group, extensions_of).logged_in()
