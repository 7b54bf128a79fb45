"""Camp-on's queue is the person's, whichever of her numbers the operator chose (issue 16 §3,
OP4, spec §52 §54): Karin Carlsson reached by her short number 4600 and by her desk phone's
extension 1005 is one busy line, so the tenant's 'at most N calls per extension' holds for
her and her callers ring her in the order they were camped — camping on the other number
opened a second queue of N more, unordered against the first.

The switch is stood in for at the edge CampOns uses (its calls, plan, line states and the
call machine's step); the wire is proven by tests/telephony/test_camp_on_robots.py.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from vaxel.core.errors import DomainError
from vaxel.directory.presence import LineState
from vaxel.pbx.camp_on import CampOnSettings
from vaxel.pbx.devices import Device, DeviceKind, PersonDevices
from vaxel.pbx.numbering import Target, TargetKind
from vaxel.telephony.call_states import CallState
from vaxel.telephony.camp_on import CampOns
from vaxel.telephony.park_events import CallParked, RingParked

TENANT, KARIN, SHORT, DESK = "t1", "agent-karin", "4600", "1005"


class Plan:
    def __init__(self) -> None:
        self.people = {
            (TENANT, KARIN): PersonDevices(TENANT, KARIN, (Device(DeviceKind.SIP, DESK),))
        }

    def resolve(self, tenant_id: str, number: str) -> Target | None:
        return Target(TargetKind.PERSON, KARIN) if number == SHORT else None


class People:
    """Karin's line: busy until the test frees it; 1005 is her desk phone (person_on)."""

    def __init__(self) -> None:
        self.state = LineState.BUSY
        self.rung: list[str] = []
        self.reach = SimpleNamespace(
            line=self.line, person_on=self.person_on, extension=lambda tenant, person: None
        )
        self.lines = SimpleNamespace(ringing=self.ringing, answered=None, left=None)

    def line(self, tenant_id: str, person_id: str) -> LineState:
        return self.state

    def person_on(self, tenant_id: str, number: str) -> str | None:
        return KARIN if number == DESK else None

    def ringing(self, tenant_id: str, person_id: str, call_id: str) -> None:
        self.state = LineState.RINGING


class Switch:
    def __init__(self) -> None:
        self.now = 100.0
        self.calls: dict[str, Any] = {}
        self.people = People()
        self.internal = SimpleNamespace(person_reach=self.people)
        self.directory = SimpleNamespace(
            pbx=Plan(), extensions={DESK: SimpleNamespace(tenant_id=TENANT, agent_id="")}
        )
        self.dialer = SimpleNamespace(agent_extension=lambda call: "1011")
        self.actions = SimpleNamespace(forget_hooks=[])
        self.prompts = SimpleNamespace(notice=lambda call, prompt: "p", known=lambda p: False)
        self.timers = SimpleNamespace(at=lambda *args: None)
        self.rang: list[tuple[str, str]] = []

    def clock(self) -> float:
        return self.now

    def step(self, call: Any, event: object) -> None:
        if isinstance(event, CallParked):
            call.state = CallState.PARKED
        elif isinstance(event, RingParked):
            call.state = CallState.RECALLING
            self.rang.append((call.call_id, event.whom))

    def queue_call(self, call_id: str) -> None:
        self.calls[call_id] = SimpleNamespace(
            call_id=call_id,
            tenant_id=TENANT,
            agent_id="agent-kristina",
            state=CallState.BRIDGED,
            caller=object(),
            session=None,
            ended=False,
            internal=None,
        )


@pytest.fixture
def camp_ons() -> tuple[CampOns, Switch]:
    switch = Switch()
    camps = CampOns(switch)  # type: ignore[arg-type]  # the edge CampOns uses, stood in
    camps.settings = lambda tenant_id: CampOnSettings(wait_s=120.0, max_per_extension=2)
    return camps, switch


def _camp(camps: CampOns, switch: Switch, call_id: str, number: str) -> int:
    switch.queue_call(call_id)
    switch.now += 1.0
    return camps.camp(TENANT, "agent-kristina", call_id, number, "Karin Carlsson")


def test_the_limit_holds_for_the_person_whichever_number_was_chosen(
    camp_ons: tuple[CampOns, Switch],
) -> None:
    camps, switch = camp_ons
    assert _camp(camps, switch, "c1", SHORT) == 1
    assert _camp(camps, switch, "c2", DESK) == 2  # her other number: the same queue
    with pytest.raises(DomainError) as refused:
        _camp(camps, switch, "c3", DESK)
    assert refused.value.code == "camp-on-full"
    assert switch.calls["c3"].state is CallState.BRIDGED  # refused: nothing changed
    assert len(camps.board) == 2


def test_her_callers_ring_her_in_the_order_they_were_camped(
    camp_ons: tuple[CampOns, Switch],
) -> None:
    camps, switch = camp_ons
    _camp(camps, switch, "c1", SHORT)  # her short number: her desk phone rings
    _camp(camps, switch, "c2", DESK)
    switch.people.state = LineState.IDLE  # she hung up
    camps.due(None, switch.now + 1.0)
    assert switch.rang == [("c1", DESK)]  # the first camped, once; the second waits
