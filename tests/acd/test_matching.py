"""Skills and language (Q15), sticky agent (Q16), priorities and private queues (Q17, CH5),
tenant isolation."""

from __future__ import annotations

from vaxel.acd.commands import OfferContact
from vaxel.acd.engine import Engine
from vaxel.acd.events import (
    AgentAnswered,
    AgentConfigured,
    AgentLoggedIn,
    ContactArrived,
    ContactEnded,
    QueueConfigured,
    TimerTick,
)
from vaxel.acd.model import AgentProfile, QueueConfig

from .conftest import T, make_engine, of_type, setup


def offered(out: list[object]) -> list[tuple[str, str]]:
    return [(c.contact_id, c.agent_id) for c in out if isinstance(c, OfferContact)]


def test_skill_levels_and_language_must_match(engine: Engine) -> None:
    setup(
        engine,
        [QueueConfig(T, "q")],
        [
            AgentProfile(T, "low", skills={"tax": 1}, permitted_queues=("q",)),
            AgentProfile(T, "en", language="en", skills={"tax": 5}, permitted_queues=("q",)),
            AgentProfile(T, "sv", language="sv", skills={"tax": 3}, permitted_queues=("q",)),
        ],
        {"low": ("q",), "en": ("q",), "sv": ("q",)},
    )
    out = engine.handle(ContactArrived(T, "c1", "q", skills={"tax": 2}, language="sv"), 5.0)
    assert offered(out) == [("c1", "sv")]
    out = engine.handle(ContactArrived(T, "c2", "q", skills={"tax": 4}, language="sv"), 6.0)
    assert offered(out) == []  # nobody speaks Swedish at level 4: it waits


def test_sticky_agent_within_window(engine: Engine) -> None:
    setup(
        engine,
        [QueueConfig(T, "q", sticky_window_s=3 * 86400)],
        [AgentProfile(T, f"a{i}", permitted_queues=("q",)) for i in (1, 2)],
        {"a1": ("q",), "a2": ("q",)},
    )
    engine.handle(ContactArrived(T, "c1", "q", caller_number="+46701"), 10.0)
    engine.handle(AgentAnswered(T, "a1", "c1"), 11.0)
    engine.handle(ContactEnded(T, "c1"), 20.0)
    # a2 has now been idle longest, but the returning caller goes to a1 (Q16) ...
    out = engine.handle(ContactArrived(T, "c2", "q", caller_number="+46701"), 2 * 86400.0)
    assert offered(out) == [("c2", "a1")]
    engine.handle(AgentAnswered(T, "a1", "c2"), 2 * 86400.0 + 1)
    engine.handle(ContactEnded(T, "c2"), 2 * 86400.0 + 2)
    # ... but not after the window has passed.
    out = engine.handle(ContactArrived(T, "c3", "q", caller_number="+46701"), 6 * 86400.0)
    assert offered(out) == [("c3", "a2")]


def test_priority_and_priority_queue_go_first(engine: Engine) -> None:
    setup(
        engine,
        [QueueConfig(T, "normal"), QueueConfig(T, "transfer", priority=5)],
        [AgentProfile(T, "a1", permitted_queues=("normal", "transfer"))],
    )
    engine.handle(ContactArrived(T, "old", "normal"), 1.0)
    engine.handle(ContactArrived(T, "vip", "normal", priority=3), 2.0)
    engine.handle(ContactArrived(T, "wrong-menu", "transfer"), 3.0)
    out = engine.handle(AgentLoggedIn(T, "a1", ("normal", "transfer")), 4.0)
    assert offered(out) == [("wrong-menu", "a1")]
    engine.handle(AgentAnswered(T, "a1", "wrong-menu"), 5.0)
    out = engine.handle(ContactEnded(T, "wrong-menu"), 6.0)
    assert offered(out) == [("vip", "a1")]


def test_private_queue_waits_for_its_agent_then_falls_back(engine: Engine) -> None:
    setup(
        engine,
        [QueueConfig(T, "q", private_max_wait_s=60)],
        [AgentProfile(T, f"a{i}", permitted_queues=("q",)) for i in (1, 2)],
        {"a2": ("q",)},
    )
    out = engine.handle(ContactArrived(T, "c1", "q", target_agent_id="a1"), 0.0)
    assert offered(out) == []
    assert engine.next_deadline() == 60.0
    out = engine.handle(TimerTick(), 60.0)
    assert offered(out) == [("c1", "a2")]


def test_private_contact_goes_to_its_agent_when_ready(engine: Engine) -> None:
    setup(
        engine,
        [QueueConfig(T, "q")],
        [AgentProfile(T, f"a{i}", permitted_queues=("q",)) for i in (1, 2)],
        {"a2": ("q",)},
    )
    engine.handle(ContactArrived(T, "c1", "q", target_agent_id="a1"), 0.0)
    out = engine.handle(AgentLoggedIn(T, "a1", ("q",)), 5.0)
    assert offered(out) == [("c1", "a1")]


def test_agent_of_one_tenant_never_gets_another_tenants_contact() -> None:
    engine = make_engine()
    engine.handle(QueueConfigured(QueueConfig("A", "q")), 0.0)
    engine.handle(QueueConfigured(QueueConfig("B", "q")), 0.0)
    engine.handle(AgentConfigured(AgentProfile("A", "a1", permitted_queues=("q",))), 0.0)
    engine.handle(AgentLoggedIn("A", "a1", ("q",)), 0.0)
    out = engine.handle(ContactArrived("B", "c1", "q"), 1.0)
    assert offered(out) == []
    assert engine.queue_status("B", "q", 1.0).waiting == 1
    out = engine.handle(ContactArrived("A", "c1", "q"), 2.0)
    assert [(c.tenant_id, c.agent_id) for c in of_type(out, OfferContact)] == [("A", "a1")]  # type: ignore[attr-defined]
