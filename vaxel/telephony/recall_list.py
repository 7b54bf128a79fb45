"""An operator's transfers that came back, for her console card (issue 16 §3, spec §50–52):
those ringing her back, those waiting to ring her again and those she has taken back, each
with its :class:`~vaxel.telephony.recall_notes.RecallNote` worded as data."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from vaxel.telephony.call_states import CallState
from vaxel.telephony.recall_notes import reason_of

if TYPE_CHECKING:
    from vaxel.telephony.calls import Call

__all__ = ["recalls_for"]

_SHOWN = {
    CallState.RECALLING: "ringing",  # her phone rings with it now
    CallState.PARKED: "waiting",  # nobody took the recall yet: rung again after the time
    CallState.TRANSFERRED: "taken",  # she has the caller again
    CallState.BRIDGED: "taken",  # … as her contact again (``ContactTakenBack``)
    CallState.HELD: "taken",
}
_HERS = frozenset({CallState.BRIDGED, CallState.HELD})
"""Shown only when her answer of the recall put them there (not an agent of the queue)."""


def recalls_for(
    calls: Iterable[Call], tenant_id: str, extension: str, now: float
) -> list[dict[str, object]]:
    """The recalls of ``extension`` (who transferred them), latest first: each with the
    call's id, the caller's number, the target's number, the reason, the seconds the target
    rang, the state shown ('ringing', 'waiting', 'taken') and the seconds since it came back."""
    found: list[dict[str, object]] = []
    for call in calls:
        machine = call.machine
        note = machine.recall_note
        shown = _SHOWN.get(machine.state)
        if (
            note is None
            or not note.status
            or note.camped  # the camp-on board's line says it (console_camp_view)
            or shown is None
            or call.tenant_id != tenant_id
            or machine.parked_by != extension
            or (machine.state in _HERS and machine.recall_to != extension)
        ):
            continue
        session = call.session
        found.append(
            {
                "id": call.call_id,
                "caller_number": session.call.caller_number if session is not None else "",
                "number": note.number,
                "reason": reason_of(note.status),
                "rung_s": round(note.rung_s),
                "state": shown,
                "since_s": max(0, int(now - note.recalled_at)),
            }
        )
    found.sort(key=lambda row: int(str(row["since_s"])))
    return found
