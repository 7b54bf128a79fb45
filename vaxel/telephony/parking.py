"""Call park on the wire (issue 14, OP3): each tenant's orbits (``pbx/park.py``), a REFER
to an orbit parking the call, an INVITE to an orbit retrieving it.

Rules kept here:
- The phone of the caller's other party (an agent, or whoever the call was transferred
  to) parks the call with a blind REFER to an orbit number; the REFER is refused with 486
  when the orbit is taken and 403 from anyone else. Whom a recall rings is the agent's
  extension, or in a PBX call the line the call rang on the parking phone (never one its
  REFER names: task R), or else the extension in Referred-By (or From) when the tenant's.
- An extension of the tenant dialling an orbit (``TargetKind.PARK_ORBIT`` through the
  numbering plan, or the default orbits when the plan names none) is answered as any
  internal call and its leg handed over to the call parked there, the two bridged; at an
  empty orbit it hears that the number does not exist.
- The recall and its timing are the call machine's (``call_park.py``); the switch rings
  whoever parked the call, or the tenant's operator as its settings say (``RingBack``),
  and frees the orbit (``LeaveOrbit``).
The operator console (issue 16) parks and retrieves through the same lots.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from vaxel.pbx.numbering import Target, TargetKind
from vaxel.pbx.park import ParkError, ParkingLot, ParkSettings
from vaxel.sip.dialog import angle_uri, uri_user
from vaxel.sip.errors import SipError
from vaxel.sip.message import Request
from vaxel.telephony.call_events import (
    CALLEE,
    CallEvent,
    NoRoute,
)
from vaxel.telephony.call_index import CallIndex
from vaxel.telephony.call_park import PARKABLE
from vaxel.telephony.call_states import CallState
from vaxel.telephony.calls import Call, Leg
from vaxel.telephony.directory import TelephonyDirectory
from vaxel.telephony.internal import Caller
from vaxel.telephony.park_events import (
    CallParked,
    ParkRetrieved,
)
from vaxel.telephony.timers import CallTimers

__all__ = ["Parking", "ParkingPort"]

log = logging.getLogger(__name__)
_PARKED = frozenset({CallState.PARKED, CallState.RECALLING})


class ParkingPort(Protocol):
    """What parking needs of the switch: a call's machine stepped, a caller answered."""

    def step(self, call: Call, event: CallEvent) -> None: ...

    def answer_caller(self, call: Call) -> None: ...


class Parking:
    def __init__(
        self,
        index: CallIndex,
        timers: CallTimers,
        directory: TelephonyDirectory,
        clock: Callable[[], float],
        switch: ParkingPort,
        settings: Callable[[str], ParkSettings] | None = None,
    ) -> None:
        self.index = index
        self.calls = index.calls
        self.timers = timers
        self.directory = directory
        self.clock = clock
        self.switch = switch
        self.settings: Callable[[str], ParkSettings] = settings or self._of_tenant
        """A tenant's orbits and recall (``pbx/park.py``): the plan's orbits and the
        admin's recall, as telephony's snapshot holds them (``PbxDirectory.park``)."""
        self._lots: dict[str, ParkingLot] = {}

    def lot(self, tenant_id: str) -> ParkingLot:
        """The tenant's lot (made on first use); changed settings apply at once, and calls
        parked already keep their orbit and recall time."""
        settings = self.settings(tenant_id)
        lot = self._lots.get(tenant_id)
        if lot is None:
            lot = self._lots[tenant_id] = ParkingLot(settings)
        elif lot.settings != settings:
            lot.settings = settings
        return lot

    def _of_tenant(self, tenant_id: str) -> ParkSettings:
        pbx = self.directory.pbx
        stored = pbx.park.get(tenant_id)
        if stored is not None:
            return stored
        return ParkSettings.of_tenant(pbx.plans.get(tenant_id))

    def is_orbit(self, tenant_id: str, number: str) -> bool:
        return self.lot(tenant_id).settings.is_orbit(number)

    def park(self, call: Call, leg: Leg, orbit: str, refer: Request, by: str = "") -> CallParked:
        """The REFER from ``leg`` to ``orbit``: the orbit taken (SipError 403 or 486 if
        not); the switch answers 202 and steps the event returned. ``by``: the extension
        of the parking phone when the switch knows it (a PBX call: the line it rang)."""
        if leg is not call.agent:
            raise SipError("Forbidden: only the other party of a connected call may park it", 403)
        try:
            return self.park_call(call, by or self._parker(call, refer), orbit)
        except ParkError as error:
            status = 486 if error.code in ("park-orbit-busy", "park-full") else 403
            raise SipError(
                f"{'Busy Here' if status == 486 else 'Forbidden'}: {error}", status
            ) from None

    def park_call(self, call: Call, by: str, orbit: str | None = None) -> CallParked:
        """Take ``orbit`` (or the lowest free one) for ``call``, to be rung back at ``by``:
        the REFER's way and the operator console's (issue 16); the caller steps the event.
        Raises ParkError (``park-not-talking``, ``park-orbit-busy``, ``park-full`` …)."""
        if call.state not in PARKABLE or call.caller is None or call.agent is None:
            raise ParkError(f"call {call.call_id} is not talking", code="park-not-talking")
        lot = self.lot(call.tenant_id)
        for gone in [p.call_id for p in lot.parked() if p.call_id not in self.calls]:
            lot.leave(gone)  # a call forgotten without leaving its orbit frees it here
        first, fallback = lot.settings.recall(by)
        parked = lot.park(call.call_id, first, self.clock(), orbit)
        return CallParked(parked.parked_by, lot.settings.recall_s, fallback)

    def target(self, tenant_id: str, number: str) -> Target | None:
        """The default orbits, for a tenant whose numbering plan names none."""
        if self.is_orbit(tenant_id, number):
            return Target(TargetKind.PARK_ORBIT, number)
        return None

    def start(self, call: Call, target: Target, caller: Caller) -> None:
        """TargetKind.PARK_ORBIT (``internal.py``'s handler): the caller, answered now,
        takes the call parked in the orbit; an empty orbit is a number that does not exist
        (early media, then 404)."""
        parked = self.lot(call.tenant_id).retrieve(target.ref)
        waiting = self.calls.get(parked.call_id) if parked is not None else None
        if waiting is None or waiting.state not in _PARKED or waiting.agent is not None:
            self.switch.step(call, NoRoute(CALLEE))  # "the number does not exist"
            return
        self.timers.cancel(call)
        self.switch.answer_caller(call)  # the parked call is there: 200, then the bridge
        leg = self.index.move_caller(call, waiting)
        if leg is not None:
            leg.number = caller.extension  # who retrieved it is busy in it (DIR4, line_feed)
            self.switch.step(waiting, ParkRetrieved())

    def leave(self, call: Call) -> None:
        """The call is no longer parked (retrieved, recalled, its caller gone)."""
        self.lot(call.tenant_id).leave(call.call_id)

    def _parker(self, call: Call, refer: Request) -> str:
        """Whom a recall rings: the agent's own extension, or the phone that parked."""
        if call.agent_id:
            extension = self.directory.extension_of_agent(call.tenant_id, call.agent_id)
            if extension is not None:
                return extension.extension
        for header in ("Referred-By", "From"):
            user = uri_user(angle_uri(refer.headers.get(header) or ""))
            known = self.directory.extensions.get(user)
            if known is not None and known.tenant_id == call.tenant_id:
                return user
        raise SipError("Forbidden: no extension of this tenant to ring back", 403)
