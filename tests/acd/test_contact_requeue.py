"""A transferred call nobody took back returns to its queue at the front (issue 16 §3,
spec §50–52, OP4: recalls have priority)."""

from __future__ import annotations

import pytest

from vaxel.acd.commands import ConnectContact, OfferContact
from vaxel.acd.engine import Engine
from vaxel.acd.estimation import QueueLengthEstimator
from vaxel.acd.events import (
    AgentAnswered,
    AgentPaused,
    AgentReady,
    ContactAbandoned,
    ContactArrived,
    ContactEnded,
    ContactRequeued,
    ContactTakenBack,
)
from vaxel.acd.model import AgentProfile, AgentState, ContactState, QueueConfig
from vaxel.core.errors import VaxelError

from .conftest import T, of_type, setup


def _transferred(engine: Engine) -> None:
    """c1 answered by a1 and transferred away (ended for her) at 20; a2 on pause."""
    setup(
        engine,
        [QueueConfig(T, "q1", wrap_up_s=0)],
        [AgentProfile(T, a, permitted_queues=("q1",)) for a in ("a1", "a2")],
        {"a1": ("q1",), "a2": ("q1",)},
    )
    engine.handle(AgentPaused(T, "a2", "lunch"), 0.0)
    engine.handle(ContactArrived(T, "c1", "q1", caller_number="+46701"), 1.0)
    engine.handle(AgentAnswered(T, "a1", "c1"), 2.0)
    engine.handle(ContactEnded(T, "c1"), 20.0)


def test_a_returned_call_is_offered_before_callers_who_waited_longer(engine: Engine) -> None:
    _transferred(engine)
    engine.handle(AgentPaused(T, "a1", "Återringning"), 21.0)
    engine.handle(ContactArrived(T, "new", "q1", priority=5), 30.0)  # waits: nobody ready
    engine.handle(ContactRequeued(T, "c1", "no-answer"), 80.0)
    assert engine.contact_view(T, "c1").state is ContactState.WAITING
    out = engine.handle(AgentReady(T, "a2"), 81.0)
    assert [o.contact_id for o in of_type(out, OfferContact)] == ["c1"]
    engine.handle(AgentAnswered(T, "a2", "c1"), 82.0)
    assert engine.contact_view(T, "c1").agent_id == "a2"
    engine.handle(ContactEnded(T, "c1"), 90.0)  # and it can end again, as any contact
    assert engine.contact_view(T, "c1").state is ContactState.ENDED


def test_only_an_ended_call_comes_back_and_a_refusal_changes_nothing(engine: Engine) -> None:
    _transferred(engine)
    engine.handle(ContactArrived(T, "c2", "q1"), 30.0)  # a1 is ready after wrap-up 0
    with pytest.raises(VaxelError):
        engine.handle(ContactRequeued(T, "c2"), 31.0)  # offered or waiting: not ended
    with pytest.raises(VaxelError):
        engine.handle(ContactRequeued(T, "nope"), 31.0)
    engine.handle(ContactRequeued(T, "c1"), 40.0)
    with pytest.raises(VaxelError):
        engine.handle(ContactRequeued(T, "c1"), 41.0)  # waiting already
    engine.handle(ContactAbandoned(T, "c1"), 42.0)  # the caller hangs up while it waits
    assert engine.contact_view(T, "c1").state is ContactState.ABANDONED
    with pytest.raises(VaxelError):
        engine.handle(ContactRequeued(T, "c1"), 43.0)


def test_a_recall_she_answers_is_her_contact_again_answered_once(engine: Engine) -> None:
    """Issue 16 §3, spec §49–52: her transfer came back and she answered the recall — the
    same contact is hers, connected (so the console acts on it), not a second answer."""
    _transferred(engine)
    engine.handle(AgentPaused(T, "a1", "Återringning"), 21.0)  # her recall rings
    out = engine.handle(ContactTakenBack(T, "c1", "a1"), 50.0)
    view = engine.agent_view(T, "a1", 50.0)
    assert (view.state, view.contact_id, view.answered_today) == (AgentState.BUSY, "c1", 1)
    assert engine.contact_view(T, "c1").state is ContactState.CONNECTED
    assert not of_type(out, ConnectContact)  # no new answer: the read model's answer stays
    assert engine.tenants[T].queues["q1"].answered_count == 1  # the wait statistics too
    engine.handle(ContactArrived(T, "new", "q1"), 51.0)  # she is busy: not offered to her
    assert engine.agent_view(T, "a1", 51.0).state is AgentState.BUSY
    engine.handle(ContactEnded(T, "c1"), 60.0)  # hung up: her wrap-up as after any call
    assert engine.contact_view(T, "c1").state is ContactState.ENDED
    assert engine.agent_view(T, "a1", 60.0).state is not AgentState.BUSY


def test_only_her_ended_call_is_taken_back_and_a_refusal_changes_nothing(
    engine: Engine,
) -> None:
    _transferred(engine)
    with pytest.raises(VaxelError):
        engine.handle(ContactTakenBack(T, "c1", "a2"), 30.0)  # not a2's contact
    engine.handle(ContactArrived(T, "c2", "q1"), 31.0)  # offered to a1, ready after wrap 0
    with pytest.raises(VaxelError):
        engine.handle(ContactTakenBack(T, "c1", "a1"), 32.0)  # ringing with another call
    with pytest.raises(VaxelError):
        engine.handle(ContactTakenBack(T, "c2", "a1"), 32.0)  # not ended: offered
    assert engine.contact_view(T, "c1").state is ContactState.ENDED
    assert engine.agent_view(T, "a1", 32.0).contact_id == "c2"


def _mean_handle_s(engine: Engine) -> float:
    estimator = engine.estimator
    assert isinstance(estimator, QueueLengthEstimator)
    return estimator.mean_handle_s("q1")


def test_a_taken_back_call_is_one_handling_sample_the_sum_of_her_stretches(
    engine: Engine,
) -> None:
    """Q8, issue 16 §3: 18 s before her transfer, 10 s after she took the recall back — one
    contact of 28 s for the wait estimate, not two short ones (which would halve it)."""
    _transferred(engine)  # answered at 2, ended at 20: 18 s
    engine.handle(AgentPaused(T, "a1", "Återringning"), 21.0)
    engine.handle(ContactTakenBack(T, "c1", "a1"), 50.0)
    engine.handle(ContactEnded(T, "c1"), 60.0)  # 10 s more
    assert _mean_handle_s(engine) == pytest.approx(28.0)


def test_a_requeued_call_answered_by_another_is_still_one_handling_sample(
    engine: Engine,
) -> None:
    """Q8, spec §50–52: a1's 18 s, then a2's 8 s after the recall went back to the queue."""
    _transferred(engine)
    engine.handle(AgentPaused(T, "a1", "Återringning"), 21.0)
    engine.handle(ContactRequeued(T, "c1", "no-answer"), 80.0)
    engine.handle(AgentReady(T, "a2"), 81.0)
    engine.handle(AgentAnswered(T, "a2", "c1"), 82.0)
    engine.handle(ContactEnded(T, "c1"), 90.0)
    engine.handle(ContactArrived(T, "c2", "q1"), 91.0)  # an ordinary contact: a sample of its own
    engine.handle(AgentAnswered(T, "a2", "c2"), 92.0)
    engine.handle(ContactEnded(T, "c2"), 96.0)
    assert _mean_handle_s(engine) == pytest.approx((26.0 + 4.0) / 2)
