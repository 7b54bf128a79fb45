"""Park and retrieve from the operator console (issue 16 §3, OP3): the web, not her phone,
puts the call in hand on a free orbit and brings a parked call back to her phone.

- Park: the same as a phone's REFER to an orbit (``parking.py``) — the lowest free orbit of
  the tenant's lot, the caller hears music, the contact ends for her (wrap-up), her phone's
  leg is hung up — and the recall rings her own extension after the tenant's recall time
  (then the operator, as the park settings say), whatever her audio device is.
- Retrieve: the call waiting in an orbit rings her phone at once (the park recall's own
  ringing, RECALLING, brought forward and aimed at her): answered, she talks with the
  caller again; unanswered, the call goes back to its orbit as after any recall. Any
  operator of the tenant may retrieve any orbit, as any extension may dial one.
- The console lists the calls she parked, with orbit, caller and time (``parked_by``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from vaxel.core.errors import DomainError
from vaxel.telephony.call_actions import CallActions
from vaxel.telephony.call_events import CallEvent
from vaxel.telephony.call_states import CallState
from vaxel.telephony.calls import Call
from vaxel.telephony.dialout import Dialer
from vaxel.telephony.parking import Parking

__all__ = ["ParkSwitch", "park_from_console", "parked_by", "retrieve_to"]

_TALKING = frozenset({CallState.BRIDGED, CallState.HELD})


class ParkSwitch(Protocol):
    """What the console's park needs of the switch."""

    calls: dict[str, Call]
    dialer: Dialer
    parking: Parking
    actions: CallActions
    clock: Callable[[], float]

    def step(self, call: Call, event: CallEvent) -> None: ...


def park_from_console(switch: ParkSwitch, tenant_id: str, agent_id: str, contact_id: str) -> str:
    """Park the caller of ``contact_id`` — connected to ``agent_id`` — on the lowest free
    orbit, to be rung back at her extension; the orbit. Refused with a DomainError,
    nothing changed: not her connected call ('console-park-no-call'), every orbit taken
    ('park-full') or no orbits at all."""
    call = switch.calls.get(contact_id)
    if (
        call is None
        or call.tenant_id != tenant_id
        or call.agent_id != agent_id
        or call.state not in _TALKING
        or call.caller is None
    ):
        raise DomainError("no connected call to park", code="console-park-no-call")
    parked = switch.parking.park_call(call, switch.dialer.agent_extension(call))
    switch.step(call, parked)
    return switch.parking.lot(tenant_id).orbit_of(call.call_id) or ""


def retrieve_to(switch: ParkSwitch, tenant_id: str, extension: str, orbit: str) -> None:
    """Ring ``extension`` now with the call parked in ``orbit`` ('console-park-empty':
    no call waits there, or it is ringing someone already)."""
    parked = next((p for p in switch.parking.lot(tenant_id).parked() if p.orbit == orbit), None)
    call = switch.calls.get(parked.call_id) if parked is not None else None
    if call is None or call.tenant_id != tenant_id or call.state is not CallState.PARKED:
        raise DomainError(f"no call waits in {orbit[:8]!r}", code="console-park-empty")
    now = switch.clock()
    call.machine.parked_by, call.machine.park_deadline = extension, now  # the recall, now
    switch.actions.call_due(call, now)


def parked_by(
    switch: ParkSwitch, tenant_id: str, extension: str, now: float
) -> list[dict[str, object]]:
    """The calls ``extension`` parked that still wait (or ring back), by orbit: each with
    its orbit, the caller's number, seconds parked and 'parked' or 'ringing'."""
    rows: list[dict[str, object]] = []
    for parked in switch.parking.lot(tenant_id).parked():
        call = switch.calls.get(parked.call_id)
        if call is None or parked.parked_by != extension:
            continue
        session = call.session
        rows.append(
            {
                "id": call.call_id,
                "orbit": parked.orbit,
                "caller_number": session.call.caller_number if session is not None else "",
                "parked_s": max(0, int(now - parked.parked_at)),
                "state": "ringing" if call.state is CallState.RECALLING else "parked",
            }
        )
    return rows
