"""Finished contacts do not stay in memory for ever (issue 10 §13), yet the rules that look
back — classification (Q26), sticky agent (Q16), requeue of a failed callback (CB11) — work."""

from __future__ import annotations

import pytest

from vaxel.acd.commands import MarkCallbackFailed, OfferContact
from vaxel.acd.engine import Engine
from vaxel.acd.events import (
    AgentAnswered,
    AgentLoggedIn,
    CallbackClosed,
    CallbackRequested,
    CallbackRequeued,
    ContactArrived,
    ContactClassified,
    ContactEnded,
    TimerTick,
)
from vaxel.acd.model import AgentProfile, QueueConfig
from vaxel.acd.retention import FINISHED_LIMIT, FINISHED_RETENTION_S
from vaxel.core.errors import UnknownContact

from .conftest import T, make_engine, of_type, setup
from .test_callbacks import AT_8, _setup

SPACING_S = 10.0


def _handle_one(engine: Engine, contact_id: str, agent_id: str, number: str, at: float) -> None:
    """One call from arrival to end; the agent has no wrap-up, so it is ready again."""
    out = engine.handle(ContactArrived(T, contact_id, "q", caller_number=number), at)
    assert [(c.contact_id, c.agent_id) for c in of_type(out, OfferContact)] == [  # type: ignore[attr-defined]
        (contact_id, agent_id)
    ]
    engine.handle(AgentAnswered(T, agent_id, contact_id), at + 1)
    engine.handle(ContactEnded(T, contact_id), at + 2)


def test_memory_stays_flat_over_10000_finished_contacts() -> None:
    engine = make_engine()
    setup(
        engine,
        [QueueConfig(T, "q", sticky_window_s=600.0)],
        [AgentProfile(T, "a1", permitted_queues=("q",))],
        {"a1": ("q",)},
    )
    tenant = engine.tenant(T)
    held: list[int] = []
    for i in range(10_000):
        _handle_one(engine, f"c{i}", "a1", f"+4670{i:07d}", i * SPACING_S)
        held.append(len(tenant.contacts))
    bound = int(FINISHED_RETENTION_S / SPACING_S) + 2
    assert max(held) <= bound
    assert held[-1] == held[5000]  # flat, not creeping
    assert len(tenant.finished) == len(tenant.contacts)
    assert len(tenant.last_handler) <= int(600.0 / SPACING_S) + 2  # Q16 index bounded too
    # The newest finished contacts are still there; the first are forgotten.
    assert engine.contact_view(T, "c9999").state.value == "ended"
    with pytest.raises(UnknownContact):
        engine.contact_view(T, "c0")


def test_a_burst_of_finished_contacts_is_capped() -> None:
    engine = make_engine()
    setup(
        engine,
        [QueueConfig(T, "q")],
        [AgentProfile(T, "a1", permitted_queues=("q",))],
        {"a1": ("q",)},
    )
    for i in range(FINISHED_LIMIT + 500):
        _handle_one(engine, f"c{i}", "a1", "", i * 0.01)  # all within the retention window
    assert len(engine.tenant(T).contacts) == FINISHED_LIMIT


def test_sticky_agent_and_classification_still_work_after_many_contacts() -> None:
    engine = make_engine()
    setup(
        engine,
        [QueueConfig(T, "q", sticky_window_s=3 * 86400.0)],
        [AgentProfile(T, f"a{i}", permitted_queues=("q",)) for i in (1, 2)],
        {"a1": ("q",)},
    )
    _handle_one(engine, "first", "a1", "+46701", 0.0)
    # Q26: the agent classifies after the call has ended (within the retention window).
    engine.handle(ContactClassified(T, "first", "a1", "order", "ok"), 60.0)
    assert engine.contact_view(T, "first").classification == "order"
    engine.handle(ContactArrived(T, "busy", "q"), 100.0)
    engine.handle(AgentAnswered(T, "a1", "busy"), 101.0)
    engine.handle(AgentLoggedIn(T, "a2", ("q",)), 102.0)
    # a1 is busy meanwhile, so a2 handles 2,000 other callers; "first" is forgotten ...
    for i in range(2000):
        _handle_one(engine, f"x{i}", "a2", f"+4680{i:07d}", 200.0 + i * SPACING_S)
    engine.handle(ContactEnded(T, "busy"), 30_000.0)
    with pytest.raises(UnknownContact):
        engine.contact_view(T, "first")
    # ... yet the returning caller still reaches a1 (Q16), though a2 has been idle longer.
    out = engine.handle(ContactArrived(T, "again", "q", caller_number="+46701"), 40_000.0)
    assert [(c.contact_id, c.agent_id) for c in of_type(out, OfferContact)] == [  # type: ignore[attr-defined]
        ("again", "a1")
    ]


def test_a_failed_callback_is_kept_for_requeue(engine: Engine) -> None:
    _setup(engine)
    engine.handle(AgentLoggedIn(T, "a1", ("q",)), AT_8)
    engine.handle(CallbackRequested(T, "q", "+46701"), AT_8)
    engine.handle(AgentAnswered(T, "a1", "callback-1"), AT_8 + 1)
    engine.handle(CallbackClosed(T, "callback-1", "a1", "unanswered", "one"), AT_8 + 30)
    engine.handle(TimerTick(), AT_8 + 630)
    engine.handle(AgentAnswered(T, "a1", "callback-1"), AT_8 + 631)
    out = engine.handle(CallbackClosed(T, "callback-1", "a1", "unanswered", "two"), AT_8 + 660)
    assert of_type(out, MarkCallbackFailed)
    start = AT_8 + 1000
    for i in range(1000):  # a day of finished calls later ...
        at = start + i * 100.0
        engine.handle(ContactArrived(T, f"c{i}", "q"), at)
        engine.handle(AgentAnswered(T, "a1", f"c{i}"), at + 1)
        engine.handle(ContactEnded(T, f"c{i}"), at + 2)
    assert len(engine.tenant(T).contacts) < 100
    # ... the failed callback is still listed and a supervisor can requeue it (CB11).
    assert [row.contact_id for row in engine.callback_list(T)] == ["callback-1"]
    out = engine.handle(CallbackRequeued(T, "callback-1"), start + 200_000.0)
    assert [c.contact_id for c in of_type(out, OfferContact)] == ["callback-1"]  # type: ignore[attr-defined]
