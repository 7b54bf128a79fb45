"""Call pickup on the wire (issue 14): an extension dials ``**<anknytning>`` and takes the
internal call ringing that extension, or ``*8#`` and takes one ringing anyone in its
answer groups (``pbx/pickup.py`` chooses which).

Rules kept here:
- The code is looked at before the numbering plan, for authenticated extensions only.
  With no such call ringing the INVITE is refused 404 before anything is answered.
- The picker is answered, its leg handed over to the ringing call and bridged to the
  caller; the callee's phones stop ringing (``call_pickup.py``).
- A call is in the groups of the person it rings (a call to a group: that group); the
  picker's groups are those of the people whose SIP device its extension is.
The operator console (issue 16) picks calls from the same list (``ringing``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from vaxel.pbx.devices import DeviceKind
from vaxel.pbx.numbering import TargetKind
from vaxel.pbx.pickup import RingingCall, choose, parse_pickup
from vaxel.sip.errors import SipError
from vaxel.sip.transaction import RequestReceived
from vaxel.telephony.call_events import CallEvent, CallPickedUp, is_callee
from vaxel.telephony.call_index import CallIndex
from vaxel.telephony.call_states import CallState, OfferState
from vaxel.telephony.calls import Call
from vaxel.telephony.directory import TelephonyDirectory
from vaxel.telephony.timers import CallTimers

__all__ = ["Pickups"]


class Pickups:
    def __init__(
        self,
        index: CallIndex,
        timers: CallTimers,
        directory: TelephonyDirectory,
        answer: Callable[[RequestReceived, str], Call],
        step: Callable[[Call, CallEvent], None],
    ) -> None:
        self.index = index
        self.timers = timers
        self.directory = directory
        self.answer = answer
        """Answer an INVITE as a new internal call of the tenant (the switch's)."""
        self.step = step

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
        chosen = choose(code, self.ringing(picker.tenant_id), username, groups)
        waiting = self.index.calls.get(chosen.call_id) if chosen is not None else None
        if waiting is None:
            raise SipError("Not Found: no call ringing to pick up", 404)
        call = self.answer(event, picker.tenant_id)
        self.timers.cancel(call)
        if self.index.move_caller(call, waiting) is not None:
            self.step(waiting, CallPickedUp())

    def ringing(self, tenant_id: str) -> Iterator[RingingCall]:
        """The tenant's internal calls whose callee rings, once per extension rung."""
        pbx = self.directory.pbx
        for call in list(self.index.calls.values()):
            internal = call.internal
            if call.tenant_id != tenant_id or call.state is not CallState.CONNECTING:
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
                people, groups = (group.logged_in() if group else []), frozenset({target.ref})
            else:
                continue
            for person_id in people:
                person = pbx.devices(tenant_id, person_id)
                for device in person.devices if person is not None else ():
                    if device.kind is DeviceKind.SIP:
                        yield RingingCall(call.call_id, device.address, groups, offers[0].rung_at)

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
        return frozenset(
            group.group_id
            for (tenant, _), group in self.directory.pbx.groups.items()
            if tenant == tenant_id and any(m.person_id in people for m in group.members)
        )
