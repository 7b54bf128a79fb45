"""A person's line from the switch's calls (DIR4, OP2, OP4): the mapping calls → line
status. A queue call ringing Karin's agent phone makes her line *Ringer*, her phone in it
*Upptagen*; a call she placed from her extension is *Upptagen* while her leg is in it; a
phone rung by a number of Olle's (a transfer, the console's consultation) is his *Ringer*,
then *Upptagen* wherever its leg is seated — and Karin, whose seat he took, is free; the
call ending frees them. Real call machines and line states; the calls are stand-ins
holding what ``sides_of`` reads."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from vaxel.directory.presence import LineState
from vaxel.pbx.line_state import LineStates
from vaxel.telephony.call import CallMachine, CallState
from vaxel.telephony.call_events import (
    AgentConnected,
    Party,
    PartyLeft,
    PhoneAnswered,
    PhonesRung,
)
from vaxel.telephony.consult_events import ConsultStarted
from vaxel.telephony.line_feed import CallSides, LineFeed, involvements, sides_of

T, KARIN, DESK, OLLE, OLLES = "exempelby", "karin", "1005", "olle", "4601"


def leg(role: str = "caller", number: str = "") -> Any:
    return SimpleNamespace(
        machine=SimpleNamespace(ended=False), role=role, dialog=object(), number=number
    )


class Call:
    """What ``sides_of`` reads of a call."""

    def __init__(self, call_id: str, internal: Any) -> None:
        self.call_id, self.tenant_id, self.machine = call_id, T, CallMachine()
        self.attempts: dict[str, Any] = {}
        self.agent: Any = None
        self.caller, self.internal, self.agent_id = leg(), internal, ""
        self.consulted: Any = None
        self.guests: list[Any] = []
        self.dialled: dict[str, str] = {}

    @property
    def ended(self) -> bool:
        return self.machine.state is CallState.ENDED


def call(call_id: str, *, internal: Any = None) -> Any:
    return Call(call_id, internal)


def feed() -> tuple[LineStates, LineFeed]:
    lines = LineStates()
    return lines, LineFeed(
        lines,  # type: ignore[arg-type]
        lambda tenant, agent: KARIN if (tenant, agent) == (T, "agent-karin") else None,
        lambda tenant, extension: KARIN if (tenant, extension) == (T, DESK) else None,
        lambda tenant, number: OLLE if (tenant, number) == (T, OLLES) else None,
    )


def test_a_queue_call_rings_then_busies_then_frees_the_agent_s_person() -> None:
    lines, lines_feed = feed()
    queue = call("q1")
    queue.machine.handle(PhonesRung("agent-karin", ("desk",)), 0.0)
    desk = SimpleNamespace(won=False, dialog=None)
    queue.attempts["agent-karin"] = SimpleNamespace(role="agent", forks={"desk": desk})
    lines_feed.follow(queue)
    assert lines.state(T, KARIN) is LineState.RINGING
    queue.machine.handle(PhoneAnswered("agent-karin", "desk"), 1.0)
    queue.machine.handle(AgentConnected(whisper=False), 1.0)
    queue.agent, queue.agent_id = leg("agent"), queue.machine.agent_id
    desk.won, desk.dialog = True, queue.agent.dialog
    assert queue.machine.state is CallState.BRIDGED
    lines_feed.follow(queue)
    assert lines.state(T, KARIN) is LineState.BUSY
    queue.machine.handle(PartyLeft(Party.CALLER), 30.0)  # the caller hangs up
    queue.agent.machine.ended = True
    lines_feed.follow(queue)
    assert lines.state(T, KARIN) is LineState.IDLE


def test_a_call_she_placed_is_busy_until_her_leg_leaves_or_is_replaced() -> None:
    lines, lines_feed = feed()
    placed = call("c1", internal=SimpleNamespace(caller=SimpleNamespace(extension=DESK)))
    lines_feed.follow(placed)  # dialled, still ringing her colleague: on the phone
    assert lines.state(T, KARIN) is LineState.BUSY
    placed.caller = leg()  # an attended transfer put another party in the caller's seat
    lines_feed.follow(placed)
    assert lines.state(T, KARIN) is LineState.IDLE
    again = call("c2", internal=SimpleNamespace(caller=SimpleNamespace(extension=DESK)))
    lines_feed.follow(again)
    assert lines.state(T, KARIN) is LineState.BUSY
    lines_feed.forgotten("c2")  # the switch forgot the call: nothing left of it
    assert lines.state(T, KARIN) is LineState.IDLE


def test_the_plan_s_own_report_and_the_feed_s_add_up() -> None:
    """Karin answered a call through the plan and also talks in a queue call: both keep
    her busy; only when both ended is she free."""
    lines, lines_feed = feed()
    lines.answered(T, KARIN, "plan-call")
    lines_feed.update("q1", CallSides(T, agent_talking="agent-karin"))
    lines.ended("plan-call")
    assert lines.state(T, KARIN) is LineState.BUSY
    lines_feed.update("q1", CallSides(T))
    assert lines.state(T, KARIN) is LineState.IDLE


def test_the_mapping_ignores_what_is_no_person_and_tenants_are_apart() -> None:
    def person_of_agent(tenant: str, agent: str) -> str | None:
        return KARIN if (tenant, agent) == (T, "agent-karin") else None

    def nobody(tenant: str, number: str) -> str | None:
        return None

    sides = CallSides("another", ("agent-karin",), "agent-karin", DESK)
    assert involvements("x", sides, person_of_agent, nobody) == {}
    ended = call("e1", internal=SimpleNamespace(caller=SimpleNamespace(extension=DESK)))
    ended.machine.handle(PartyLeft(Party.CALLER), 0.0)
    assert sides_of(ended, ended.caller) == CallSides(T)  # an ended call holds no line
    callee = call("i1")
    callee.agent, callee.agent_id = leg(), "callee:2"  # a plan's callee: person_reach's
    assert sides_of(callee, None) == CallSides(T)


def test_a_phone_rung_by_a_number_is_its_person_s_and_her_seat_taken_frees_her() -> None:
    """The console asks Olle (his short number) first, then connects him: his line rings,
    is busy in whatever seat his leg takes; Karin, whose seat it takes, is free."""
    lines, lines_feed = feed()
    queue = call("q1")
    queue.machine.handle(PhonesRung("agent-karin", ("desk",)), 0.0)
    queue.machine.handle(PhoneAnswered("agent-karin", "desk"), 1.0)
    queue.machine.handle(AgentConnected(whisper=False), 1.0)
    queue.agent, queue.agent_id = leg("agent"), queue.machine.agent_id
    desk = SimpleNamespace(won=True, dialog=queue.agent.dialog)
    queue.attempts["agent-karin"] = SimpleNamespace(role="agent", forks={"desk": desk})
    queue.dialled["consult"] = OLLES
    queue.machine.handle(ConsultStarted(20.0), 2.0)
    queue.machine.handle(PhonesRung("consult", ("olle-desk",)), 2.0)
    lines_feed.follow(queue)
    assert (lines.state(T, KARIN), lines.state(T, OLLE)) == (LineState.BUSY, LineState.RINGING)
    queue.machine.handle(PhoneAnswered("consult", "olle-desk"), 5.0)
    queue.consulted = leg("consult", OLLES)
    lines_feed.follow(queue)
    assert lines.state(T, OLLE) is LineState.BUSY
    queue.agent, queue.consulted = queue.consulted, None  # connected: Olle takes her seat
    queue.agent.role = "agent"
    lines_feed.follow(queue)
    assert (lines.state(T, KARIN), lines.state(T, OLLE)) == (LineState.IDLE, LineState.BUSY)
    queue.guests, queue.agent = [queue.agent], None  # a conference's guest is still his
    lines_feed.follow(queue)
    assert lines.state(T, OLLE) is LineState.BUSY
    lines_feed.forgotten("q1")
    assert lines.state(T, OLLE) is LineState.IDLE
