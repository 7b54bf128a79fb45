"""The switch side of camp-on (issue 16 §3, OP4, spec §52 §54) with explicit time: several
calls camped on one busy extension ring it one at a time, in the order they were camped,
each once the line is free; refusals change nothing; a call that has waited the tenant's
wait rings the operator who camped it. Real call machines and line states; the switch
around them is a stand-in that records what would go on the wire."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from vaxel.core.errors import DomainError
from vaxel.directory.presence import LineState
from vaxel.pbx.camp_on import CampedState, CampOnSettings
from vaxel.pbx.line_state import LineStates
from vaxel.telephony.call import CallMachine, CallState
from vaxel.telephony.call_events import (
    RECALL,
    AgentConnected,
    PhoneAnswered,
    PhoneFailed,
    PhonesRung,
    ReleasePhones,
)
from vaxel.telephony.call_park import RECALL_RING_S
from vaxel.telephony.camp_on import POLL_S, CampOns
from vaxel.telephony.line_feed import CallSides, LineFeed
from vaxel.telephony.park_events import RingBack
from vaxel.telephony.requeue import requeued_note
from vaxel.telephony.requeue_events import RequeueContact

T, KARIN, EXTENSION, OPERATOR = "exempelby", "agent-karin", "1005", "1011"


class Call:
    def __init__(self, call_id: str, at: float) -> None:
        self.call_id, self.tenant_id, self.agent_id = call_id, T, "kristina"
        self.machine = CallMachine()
        self.machine.handle(PhonesRung("kristina", ("desk",)), at)
        self.machine.handle(PhoneAnswered("kristina", "desk"), at)
        self.machine.handle(AgentConnected(whisper=False), at)
        self.caller = SimpleNamespace(endpoint=SimpleNamespace(endpoint_id=f"ep-{call_id}"))
        self.internal: Any = None  # a queue call, not one an extension placed
        number = SimpleNamespace(caller_number=f"07012345{call_id}")
        self.session = SimpleNamespace(call=number)

    @property
    def state(self) -> CallState:
        return self.machine.state

    @property
    def ended(self) -> bool:
        return self.machine.state is CallState.ENDED


class Switch:
    """What ``CampOns`` uses of the switch; ``rung`` is whom each RingBack would ring."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.calls: dict[str, Any] = {}
        self.rung: list[tuple[str, str]] = []
        self.played: list[tuple[str, list[str]]] = []
        self.timer: float | None = None
        self.lines = LineStates()
        reach = SimpleNamespace(
            line=self.lines.state,
            person_on=lambda tenant_id, number: KARIN if number == EXTENSION else None,
            extension=lambda tenant_id, person: EXTENSION if person == KARIN else None,
        )
        self.internal = SimpleNamespace(person_reach=SimpleNamespace(reach=reach, lines=self.lines))
        self.actions = SimpleNamespace(forget_hooks=[])
        self.directory = SimpleNamespace(  # Karin's number is her desk phone's extension
            pbx=SimpleNamespace(resolve=lambda t, n: None, people={}),
            extensions={EXTENSION: SimpleNamespace(tenant_id=T, agent_id="karin")},
        )
        self.dialer = SimpleNamespace(agent_extension=lambda call: OPERATOR)
        self.prompts = SimpleNamespace(
            notice=lambda call, prompt: "sv/system/vantkopplad", known=lambda prompt: True
        )
        self.media = SimpleNamespace(play=lambda e, p: self.played.append((e, list(p))))
        self.timers = SimpleNamespace(at=self._at)

    def clock(self) -> float:
        return self.now

    def _at(self, key: object, deadline: float | None, due: object, subject: object) -> None:
        self.timer = deadline

    def step(self, call: Call, event: object) -> None:
        for action in call.machine.handle(event, self.now):  # type: ignore[arg-type]
            if isinstance(action, RingBack):
                self.rung.append((call.call_id, action.whom))

    def answer(self, call: Call, phone: str) -> None:
        call.machine.handle(PhonesRung(RECALL, (phone,)), self.now)
        call.machine.handle(PhoneAnswered(RECALL, phone), self.now)


def camp_ons(settings: CampOnSettings) -> tuple[Switch, CampOns]:
    switch = Switch()
    camps = CampOns(switch)  # type: ignore[arg-type]
    camps.settings = lambda tenant_id: settings
    return switch, camps


def in_hand(switch: Switch, call_id: str) -> Call:
    call = Call(call_id, switch.now)
    switch.calls[call_id] = call
    return call


def test_calls_ring_the_free_extension_one_at_a_time_in_camping_order() -> None:
    switch, camps = camp_ons(CampOnSettings(wait_s=120.0, max_per_extension=2))
    switch.lines.answered(T, KARIN, "karins-own-call")  # Karin talks: busy
    a, b = in_hand(switch, "a"), in_hand(switch, "b")
    assert camps.camp(T, "kristina", "a", EXTENSION, "Karin Carlsson") == 1
    switch.now += 5.0
    assert camps.camp(T, "kristina", "b", EXTENSION, "Karin Carlsson") == 2
    assert (a.state, b.state) == (CallState.PARKED, CallState.PARKED)  # music for both
    assert switch.played == [
        ("ep-a", ["sv/system/vantkopplad"]),
        ("ep-b", ["sv/system/vantkopplad"]),
    ]
    assert switch.timer == switch.now + POLL_S  # polled while anything is camped

    switch.now += 10.0
    camps.due(None, switch.now)
    assert switch.rung == []  # still busy: nobody rings
    switch.lines.ended("karins-own-call")  # Karin hangs up
    camps.due(None, switch.now)
    assert switch.rung == [("a", EXTENSION)]  # the first camped call, not the second
    assert switch.lines.state(T, KARIN) is LineState.RINGING
    assert [c.state for c in camps.board] == [CampedState.RINGING, CampedState.WAITING]
    camps.due(None, switch.now + 1.0)
    assert switch.rung == [("a", EXTENSION)]  # b waits while a rings

    switch.answer(a, "karins-desk")
    camps.due(None, switch.now + 2.0)
    assert a.state is CallState.TRANSFERRED
    assert switch.lines.state(T, KARIN) is LineState.BUSY  # with the first caller now
    assert [(c.call_id, c.state) for c in camps.board] == [("b", CampedState.WAITING)]
    switch.lines.ended("a")  # they hang up
    camps.due(None, switch.now + 3.0)
    assert switch.rung == [("a", EXTENSION), ("b", EXTENSION)]


def test_refusals_change_nothing() -> None:
    switch, camps = camp_ons(CampOnSettings(max_per_extension=1))
    a, b = in_hand(switch, "a"), in_hand(switch, "b")
    for number, code in ((EXTENSION, "camp-on-not-busy"), ("4711", "camp-on-no-person")):
        with pytest.raises(DomainError) as refused:
            camps.camp(T, "kristina", "a", number)
        assert refused.value.code == code
    with pytest.raises(DomainError) as refused:
        camps.camp(T, "another-operator", "a", EXTENSION)
    assert refused.value.code == "console-no-call"
    switch.lines.answered(T, KARIN, "karins-own-call")
    camps.camp(T, "kristina", "a", EXTENSION)
    with pytest.raises(DomainError) as refused:
        camps.camp(T, "kristina", "b", EXTENSION)
    assert refused.value.code == "camp-on-full"
    assert (a.state, b.state) == (CallState.PARKED, CallState.BRIDGED)  # b still hers
    assert [c.call_id for c in camps.board] == ["a"]


def test_a_call_waiting_its_wait_rings_the_operator_and_hanging_up_forgets_it() -> None:
    switch, camps = camp_ons(CampOnSettings(wait_s=120.0))
    switch.lines.answered(T, KARIN, "karins-own-call")
    a, b = in_hand(switch, "a"), in_hand(switch, "b")
    camps.camp(T, "kristina", "a", EXTENSION, "Karin Carlsson")
    camps.camp(T, "kristina", "b", EXTENSION, "Karin Carlsson")
    camps.due(None, switch.now + 119.0)
    assert switch.rung == []
    switch.now += 120.0
    camps.due(None, switch.now)
    assert switch.rung == [("a", OPERATOR), ("b", OPERATOR)]  # to the one who camped them
    assert [c.state for c in camps.board] == [CampedState.RECALLED, CampedState.RECALLED]
    assert (a.state, b.state) == (CallState.RECALLING, CallState.RECALLING)
    for hook in switch.actions.forget_hooks:  # b's caller hangs up; the switch forgets it
        hook("b")
    assert [c.call_id for c in camps.board] == ["a"]
    switch.answer(a, "operators-desk")
    camps.due(None, switch.now + 1.0)
    assert camps.board == () and switch.timer is None  # nothing camped: no more polling


def test_her_camp_on_recall_unanswered_goes_to_the_front_of_its_queue() -> None:
    """Issue 16 §3, spec §50–52, OP4: a camped call rung back to her that she does not
    answer is not rung back again and again — it waits first in its ACD queue
    (``RequeueContact``, the ACD's ``ContactRequeued``), as a transfer's recall nobody took:
    'busy' when Karin's line stayed busy, 'no-answer' when Karin, free, let it ring."""
    switch, camps = camp_ons(CampOnSettings(wait_s=120.0, max_per_extension=2))
    switch.lines.answered(T, KARIN, "karins-own-call")
    a, b = in_hand(switch, "a"), in_hand(switch, "b")
    camps.camp(T, "kristina", "a", EXTENSION, "Karin Carlsson")
    switch.now += 120.0
    camps.due(None, switch.now)  # a waited its wait: it rings her
    assert switch.rung == [("a", OPERATOR)] and a.state is CallState.RECALLING
    switch.now += RECALL_RING_S
    actions = a.machine.on_timer(switch.now)  # her recall rang out
    assert RequeueContact("busy") in actions
    assert a.state is CallState.REQUEUED and a.machine.agent_id == ""
    assert requeued_note(a) == {"number": EXTENSION, "reason": "busy", "rung_s": 0, "by": OPERATOR}
    camps.due(None, switch.now)
    assert camps.board == ()  # the queue has it now, not the camp-on board

    camps.camp(T, "kristina", "b", EXTENSION, "Karin Carlsson")
    switch.lines.ended("karins-own-call")  # Karin is free: b rings her
    camps.due(None, switch.now)
    b.machine.handle(PhonesRung(RECALL, ("karins-desk",)), switch.now)
    switch.now += 20.0
    assert b.machine.handle(PhoneFailed(RECALL, "karins-desk", 480), switch.now) == [
        ReleasePhones(RECALL)
    ]  # Karin not answering is not the queue's business: back to the operator
    camps.due(None, switch.now)
    assert switch.rung[-2:] == [("b", EXTENSION), ("b", OPERATOR)]
    b.machine.handle(PhonesRung(RECALL, ("operators-desk",)), switch.now)
    actions = b.machine.handle(PhoneFailed(RECALL, "operators-desk", 486), switch.now)
    assert RequeueContact("no-answer") in actions and b.state is CallState.REQUEUED


def test_a_person_in_a_queue_call_or_calling_out_is_busy_for_camp_on() -> None:
    """Issue 16 §3, OP4, DIR4: Karin talking in a queue call on her agent phone, or in a
    call she placed herself, is her line busy (the switch's calls fed to the line state,
    ``line_feed.py``) — camp-on reads that one truth, and the camped call rings her only
    once neither is on."""
    switch, camps = camp_ons(CampOnSettings(max_per_extension=3))
    feed = LineFeed(
        switch.lines,  # type: ignore[arg-type]
        lambda tenant, agent: KARIN if agent == "karin" else None,
        lambda tenant, extension: KARIN if extension == EXTENSION else None,
    )
    assert switch.lines.state(T, KARIN) is LineState.IDLE
    feed.update("queue-call", CallSides(T, agent_talking="karin"))  # a queue caller on
    in_hand(switch, "a")
    assert camps.camp(T, "kristina", "a", EXTENSION, "Karin Carlsson") == 1
    camps.due(None, switch.now + 1.0)
    assert switch.rung == [], "she still talks with the queue caller"
    feed.update("own-call", CallSides(T, placed_by=EXTENSION))  # she calls a colleague …
    feed.forgotten("queue-call")  # … as the queue call ends
    in_hand(switch, "b")
    assert camps.camp(T, "kristina", "b", EXTENSION, "Karin Carlsson") == 2
    camps.due(None, switch.now + 2.0)
    assert switch.rung == [], "she is on her own call"
    feed.update("own-call", CallSides(T))  # her leg hung up
    camps.due(None, switch.now + 3.0)
    assert switch.rung == [("a", EXTENSION)], "free at last: the first camped call rings"
