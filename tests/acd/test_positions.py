"""Positions across shared agents (Q5-Q7, CB12), Q6 monotonicity, waiting view (Q8, Q9)."""

from __future__ import annotations

from vaxel.acd.engine import Engine
from vaxel.acd.events import AgentLoggedIn, AgentPaused, CallbackRequested, ContactArrived
from vaxel.acd.model import AgentProfile, CallbackSettings, QueueConfig

from .conftest import T, setup


def test_three_callers_in_three_skill_queues_are_not_all_number_one(engine: Engine) -> None:
    queues = [QueueConfig(T, f"q{i}") for i in (1, 2, 3)]
    setup(engine, queues, [AgentProfile(T, "a1", permitted_queues=("q1", "q2", "q3"))])
    engine.handle(AgentLoggedIn(T, "a1", ("q1", "q2", "q3")), 0.0)
    engine.handle(AgentPaused(T, "a1", "meeting"), 0.0)
    for i in (1, 2, 3):
        engine.handle(ContactArrived(T, f"c{i}", f"q{i}"), float(i))
    assert [engine.waiting_view(T, f"c{i}", 5.0).position for i in (1, 2, 3)] == [1, 2, 3]


def test_queues_without_shared_agents_count_separately(engine: Engine) -> None:
    setup(engine, [QueueConfig(T, "a"), QueueConfig(T, "b")], [])
    engine.handle(ContactArrived(T, "c1", "a"), 1.0)
    engine.handle(ContactArrived(T, "c2", "b"), 2.0)
    assert engine.waiting_view(T, "c2", 3.0).position == 1


def test_later_higher_priority_contact_does_not_push_position_up(engine: Engine) -> None:
    """Q6: c1 stays number 2 when a priority caller arrives after it."""
    setup(engine, [QueueConfig(T, "q")], [])
    engine.handle(ContactArrived(T, "c0", "q"), 0.0)
    engine.handle(ContactArrived(T, "c1", "q"), 1.0)
    assert engine.waiting_view(T, "c1", 1.0).position == 2
    engine.handle(ContactArrived(T, "vip", "q", priority=9), 2.0)
    assert engine.waiting_view(T, "c1", 2.0).position == 2
    assert engine.waiting_view(T, "vip", 2.0).position == 1


def test_callbacks_count_in_positions_once_eligible(engine: Engine) -> None:
    """CB12: a callback keeps its fair place among live callers."""
    setup(engine, [QueueConfig(T, "q", callback=CallbackSettings(enabled=True))], [])
    engine.handle(CallbackRequested(T, "q", "+46701"), 0.0)
    engine.handle(ContactArrived(T, "c1", "q"), 1.0)
    assert engine.waiting_view(T, "c1", 2.0).position == 2


def test_waiting_view_estimate_and_available_agents(engine: Engine) -> None:
    setup(
        engine,
        [QueueConfig(T, "q")],
        [AgentProfile(T, "a1", permitted_queues=("q",), skills={"x": 1})],
        {"a1": ("q",)},
    )
    engine.handle(ContactArrived(T, "busy", "q"), 0.0)  # a1 is ringing with it
    engine.handle(ContactArrived(T, "c1", "q"), 1.0)
    view = engine.waiting_view(T, "c1", 2.0)
    assert view.position == 2
    assert view.agents_available == 0 and view.agents_logged_in == 1
    # Baseline estimator: (ahead + 1) * 180 s / 1 agent.
    assert view.estimated_wait_s == 360.0
    assert not view.callback_offer_allowed
