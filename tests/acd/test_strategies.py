"""Distribution strategies per queue (Q14) and the offer timeout."""

from __future__ import annotations

from vaxel.acd.commands import CancelOffer, ConnectContact, OfferContact
from vaxel.acd.engine import Engine
from vaxel.acd.events import (
    AgentAnswered,
    AgentLoggedIn,
    ContactArrived,
    ContactEnded,
    TimerTick,
)
from vaxel.acd.model import AgentProfile, AgentState, QueueConfig, Strategy

from .conftest import T, make_engine, of_type, setup


def _agents(n: int) -> list[AgentProfile]:
    return [
        AgentProfile(T, f"a{i}", permitted_queues=("q",), skills={"s": i}) for i in range(1, n + 1)
    ]


def _engine_with(strategy: Strategy, n: int = 3, **kw: object) -> Engine:
    engine = make_engine()
    setup(engine, [QueueConfig(T, "q", strategy=strategy, **kw)], _agents(n))  # type: ignore[arg-type]
    for i in range(1, n + 1):
        engine.handle(AgentLoggedIn(T, f"a{i}", ("q",)), float(i))
    return engine


def _serve(engine: Engine, contact_id: str, now: float) -> str:
    """Arrive, answer by whoever is offered, end; return the agent."""
    out = engine.handle(ContactArrived(T, contact_id, "q"), now)
    offer = of_type(out, OfferContact)[0]
    assert isinstance(offer, OfferContact)
    engine.handle(AgentAnswered(T, offer.agent_id, contact_id), now + 1)
    engine.handle(ContactEnded(T, contact_id), now + 2)
    return offer.agent_id


def test_longest_idle_picks_agent_idle_longest() -> None:
    engine = _engine_with(Strategy.LONGEST_IDLE)
    assert [_serve(engine, f"c{i}", 10.0 * i) for i in range(1, 5)] == ["a1", "a2", "a3", "a1"]


def test_ring_all_offers_everyone_first_answer_wins_others_cancelled() -> None:
    engine = _engine_with(Strategy.RING_ALL)
    out = engine.handle(ContactArrived(T, "c1", "q"), 10.0)
    assert sorted(c.agent_id for c in of_type(out, OfferContact)) == ["a1", "a2", "a3"]  # type: ignore[attr-defined]
    out = engine.handle(AgentAnswered(T, "a2", "c1"), 11.0)
    cancelled = sorted(c.agent_id for c in of_type(out, CancelOffer))  # type: ignore[attr-defined]
    assert cancelled == ["a1", "a3"]
    assert of_type(out, ConnectContact) == [ConnectContact(T, "c1", "a2", "q")]
    assert engine.agent_view(T, "a1").state is AgentState.READY
    assert engine.agent_view(T, "a1").unanswered_in_row == 0


def test_parallel_to_x_agents_rings_only_x() -> None:
    engine = _engine_with(Strategy.RING_ALL, n=4, ring_count=2)
    out = engine.handle(ContactArrived(T, "c1", "q"), 10.0)
    assert sorted(c.agent_id for c in of_type(out, OfferContact)) == ["a1", "a2"]  # type: ignore[attr-defined]


def test_round_robin_remembers_where_it_was() -> None:
    engine = _engine_with(Strategy.ROUND_ROBIN)
    served = [_serve(engine, f"c{i}", 10.0 * i) for i in range(1, 8)]
    assert served == ["a1", "a2", "a3", "a1", "a2", "a3", "a1"]


def test_linear_always_starts_from_the_top_of_the_order() -> None:
    engine = _engine_with(Strategy.LINEAR, linear_order=("a3", "a1", "a2"))
    assert [_serve(engine, f"c{i}", 10.0 * i) for i in range(1, 4)] == ["a3", "a3", "a3"]
    engine.handle(ContactArrived(T, "x1", "q"), 100.0)  # a3 ringing now
    out = engine.handle(ContactArrived(T, "x2", "q"), 100.0)
    assert [c.agent_id for c in of_type(out, OfferContact)] == ["a1"]  # type: ignore[attr-defined]


def test_fewest_calls_prefers_agent_with_fewest_answered_today() -> None:
    engine = _engine_with(Strategy.FEWEST_CALLS)
    served = [_serve(engine, f"c{i}", 10.0 * i) for i in range(1, 7)]
    assert sorted(served) == ["a1", "a1", "a2", "a2", "a3", "a3"]


def test_random_uses_injected_rng_deterministically() -> None:
    runs = []
    for _ in range(2):
        engine = _engine_with(Strategy.RANDOM, n=5)
        runs.append([_serve(engine, f"c{i}", 10.0 * i) for i in range(1, 20)])
    assert runs[0] == runs[1]
    assert len(set(runs[0])) > 1


def test_skills_best_level_first() -> None:
    engine = _engine_with(Strategy.SKILLS)
    out = engine.handle(ContactArrived(T, "c1", "q", skills={"s": 1}), 10.0)
    assert [c.agent_id for c in of_type(out, OfferContact)] == ["a3"]  # type: ignore[attr-defined]
    out = engine.handle(ContactArrived(T, "c2", "q", skills={"s": 1}), 10.0)
    assert [c.agent_id for c in of_type(out, OfferContact)] == ["a2"]  # type: ignore[attr-defined]


def test_offer_timeout_moves_to_next_agent_and_counts_unanswered() -> None:
    engine = _engine_with(Strategy.LONGEST_IDLE, n=2, offer_timeout_s=10)
    engine.handle(ContactArrived(T, "c1", "q"), 10.0)
    assert engine.next_deadline() == 20.0
    out = engine.handle(TimerTick(), 20.0)
    assert CancelOffer(T, "c1", "a1", "timeout") in out
    assert [c.agent_id for c in of_type(out, OfferContact)] == ["a2"]  # type: ignore[attr-defined]
    assert engine.agent_view(T, "a1").unanswered_in_row == 1
    assert engine.agent_view(T, "a1").state is AgentState.READY
