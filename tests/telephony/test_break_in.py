"""Break-in's own rules with explicit time (issue 16 §3, spec §48): her phone rings 30 s at
most, and only a call to the person's number that they answered, in her tenant, is one to
break in on. The wire: tests/telephony/test_break_in_robots.py."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

from vaxel.pbx.numbering import Target, TargetKind
from vaxel.telephony.break_in import RING_S, BreakIn, talking_call
from vaxel.telephony.call_states import CallState
from vaxel.telephony.calls import Call


def test_her_phone_rings_thirty_seconds_at_most_and_never_ends_an_answered_break_in() -> None:
    ringing = BreakIn("t1", "1011", "call-1", "karin", rung_at=100.0)
    assert RING_S == 30.0
    assert not ringing.ring_over(129.9)
    assert ringing.ring_over(130.0)
    answered = BreakIn("t1", "1011", "call-1", "karin", rung_at=100.0, leg=cast(Any, object()))
    assert not answered.ring_over(10_000.0)
    assert ringing.room() == "t1/break-in/call-1"  # its own mix, never a conference room's


def _call(tenant: str, person: str, state: CallState, kind: TargetKind = TargetKind.PERSON) -> Call:
    internal = SimpleNamespace(target=Target(kind, person))
    leg = object()
    return cast(
        Call,
        SimpleNamespace(tenant_id=tenant, internal=internal, state=state, caller=leg, agent=leg),
    )


def test_only_her_tenants_answered_call_to_the_person_is_found() -> None:
    calls = {
        "ringing": _call("t1", "karin", CallState.CONNECTING),
        "other-tenant": _call("t2", "karin", CallState.TRANSFERRED),
        "a-group": _call("t1", "karin", CallState.TRANSFERRED, TargetKind.GROUP),
        "parked": _call("t1", "karin", CallState.PARKED),
    }
    assert talking_call(calls, "t1", "karin") is None
    calls["talking"] = _call("t1", "karin", CallState.TRANSFERRED)
    assert talking_call(calls, "t1", "karin") is calls["talking"]
    assert talking_call(calls, "t1", "maria") is None
    assert talking_call(calls, "t2", "karin") is calls["other-tenant"]
