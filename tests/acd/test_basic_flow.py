"""The minimal path: arrive -> offer -> answer -> end -> wrap-up -> ready (CH1, Q14, Q22)."""

from __future__ import annotations

from vaxel.acd.commands import ConnectContact, NotifyAgentState, OfferContact
from vaxel.acd.engine import Engine
from vaxel.acd.events import AgentAnswered, ContactArrived, ContactEnded, TimerTick
from vaxel.acd.model import AgentProfile, AgentState, ContactState, QueueConfig

from .conftest import T, of_type, setup


def test_arrive_offer_answer_end_wrap_ready(engine: Engine) -> None:
    setup(
        engine,
        [QueueConfig(T, "q1", wrap_up_s=30, offer_timeout_s=15)],
        [AgentProfile(T, "a1", permitted_queues=("q1",))],
        {"a1": ("q1",)},
    )
    out = engine.handle(ContactArrived(T, "c1", "q1", caller_number="+4681234"), 10.0)
    offers = of_type(out, OfferContact)
    assert offers == [OfferContact(T, "c1", "a1", "q1", 25.0)]
    assert engine.next_deadline() == 25.0
    out = engine.handle(AgentAnswered(T, "a1", "c1"), 12.0)
    assert of_type(out, ConnectContact) == [ConnectContact(T, "c1", "a1", "q1")]
    assert engine.agent_view(T, "a1").state is AgentState.BUSY
    out = engine.handle(ContactEnded(T, "c1"), 100.0)
    assert engine.agent_view(T, "a1").state is AgentState.WRAP_UP
    assert engine.next_deadline() == 130.0
    assert engine.contact_view(T, "c1").state is ContactState.ENDED
    assert engine.handle(TimerTick(), 129.0) == []
    out = engine.handle(TimerTick(), 130.0)
    assert NotifyAgentState(T, "a1", AgentState.READY, "") in out
    assert engine.next_deadline() is None


def test_waiting_contact_goes_to_agent_who_becomes_ready(engine: Engine) -> None:
    setup(engine, [QueueConfig(T, "q1")], [AgentProfile(T, "a1", permitted_queues=("q1",))])
    assert of_type(engine.handle(ContactArrived(T, "c1", "q1"), 1.0), OfferContact) == []
    assert engine.waiting_view(T, "c1", 2.0).position == 1
    from vaxel.acd.events import AgentLoggedIn

    out = engine.handle(AgentLoggedIn(T, "a1", ("q1",)), 5.0)
    assert [c.contact_id for c in of_type(out, OfferContact)] == ["c1"]
