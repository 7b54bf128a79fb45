"""Callbacks (CB1-CB12): creation, intervals, dialling, mandatory note, retries, the list."""

from __future__ import annotations

from datetime import datetime

import pytest

from vaxel.acd.callbacks import callback_offer_allowed, interval_start
from vaxel.acd.commands import DialCallback, MarkCallbackFailed, NotifyCallbackCreated, OfferContact
from vaxel.acd.engine import Engine
from vaxel.acd.events import (
    AgentAnswered,
    AgentLoggedIn,
    CallbackAttemptEnded,
    CallbackClosed,
    CallbackRequested,
    CallerDataEntered,
    ContactAbandoned,
    ContactArrived,
    ContactPicked,
    TimerTick,
)
from vaxel.acd.model import (
    AgentProfile,
    CallbackInterval,
    CallbackOfferRules,
    CallbackSettings,
    CallbackStatus,
    ContactState,
    QueueConfig,
)
from vaxel.core.clock import from_local
from vaxel.core.errors import DomainError, IllegalTransition

from .conftest import T, of_type, setup

MORNING = CallbackInterval("morning", "09:00", "12:00", prompt_id="cb-morning")
SETTINGS = CallbackSettings(
    enabled=True, intervals=(MORNING,), retry_delay_s=600, max_attempts=2, priority=1
)
AT_8 = from_local(datetime(2026, 3, 2, 8, 0))


def _setup(engine: Engine, settings: CallbackSettings = SETTINGS) -> None:
    setup(
        engine,
        [QueueConfig(T, "q", name="Kundtjänst", callback=settings)],
        [AgentProfile(T, f"a{i}", permitted_queues=("q",), phone=f"10{i}") for i in (1, 2)],
    )


def test_interval_start_today_now_or_tomorrow() -> None:
    assert interval_start(SETTINGS, "morning", AT_8) == AT_8 + 3600
    assert interval_start(SETTINGS, "morning", AT_8 + 7200) == AT_8 + 7200
    assert interval_start(SETTINGS, "morning", AT_8 + 5 * 3600) == AT_8 + 25 * 3600
    with pytest.raises(DomainError):
        interval_start(SETTINGS, "evening", AT_8)


def test_callback_waits_for_interval_then_agent_dials_agent_phone_then_customer(
    engine: Engine,
) -> None:
    _setup(engine)
    engine.handle(AgentLoggedIn(T, "a1", ("q",)), AT_8)
    out = engine.handle(
        CallbackRequested(T, "q", "+46701234567", "morning", {"kundnr": "42"}), AT_8 + 60
    )
    created = of_type(out, NotifyCallbackCreated)
    assert created == [NotifyCallbackCreated(T, "callback-1", "q", "+46701234567", AT_8 + 3600)]
    assert of_type(out, OfferContact) == []
    assert engine.next_deadline() == AT_8 + 3600
    out = engine.handle(TimerTick(), AT_8 + 3600)
    assert [c.contact_id for c in of_type(out, OfferContact)] == ["callback-1"]  # type: ignore[attr-defined]
    out = engine.handle(AgentAnswered(T, "a1", "callback-1"), AT_8 + 3605)
    assert of_type(out, DialCallback) == [
        DialCallback(T, "callback-1", "a1", "101", "+46701234567", 1)
    ]
    [row] = engine.callback_list(T)
    assert row.status is CallbackStatus.IN_PROGRESS
    assert (row.queue_name, row.caller_data, row.agents_tried) == (
        "Kundtjänst",
        {"kundnr": "42"},
        ("a1",),
    )


def test_closing_needs_a_note_and_no_answer_requeues_until_max_attempts(engine: Engine) -> None:
    _setup(engine)
    engine.handle(AgentLoggedIn(T, "a1", ("q",)), AT_8)
    engine.handle(CallbackRequested(T, "q", "+46701"), AT_8)
    engine.handle(AgentAnswered(T, "a1", "callback-1"), AT_8 + 1)
    engine.handle(CallbackAttemptEnded(T, "callback-1", "no_answer"), AT_8 + 30)
    with pytest.raises(DomainError):
        engine.handle(CallbackClosed(T, "callback-1", "a1", "unanswered", "  "), AT_8 + 40)
    engine.handle(CallbackClosed(T, "callback-1", "a1", "unanswered", "no reply"), AT_8 + 40)
    [row] = engine.callback_list(T)
    assert (row.status, row.attempts, row.last_note) == (CallbackStatus.REQUEUED, 1, "no reply")
    assert engine.next_deadline() == AT_8 + 640
    out = engine.handle(TimerTick(), AT_8 + 640)
    assert [c.agent_id for c in of_type(out, OfferContact)] == ["a1"]  # type: ignore[attr-defined]
    engine.handle(AgentAnswered(T, "a1", "callback-1"), AT_8 + 641)
    out = engine.handle(CallbackClosed(T, "callback-1", "a1", "unanswered", "again"), AT_8 + 700)
    assert of_type(out, MarkCallbackFailed) == [MarkCallbackFailed(T, "callback-1", "q", 2)]
    assert engine.callback_list(T)[0].status is CallbackStatus.FAILED


def test_done_callback_and_only_one_agent_works_it(engine: Engine) -> None:
    _setup(engine)
    engine.handle(CallbackRequested(T, "q", "+46701"), AT_8)
    engine.handle(AgentLoggedIn(T, "a1", ("q",)), AT_8 + 1)  # offered to a1
    engine.handle(AgentLoggedIn(T, "a2", ("q",)), AT_8 + 2)
    with pytest.raises(IllegalTransition):
        engine.handle(ContactPicked(T, "a2", "callback-1"), AT_8 + 3)
    engine.handle(AgentAnswered(T, "a1", "callback-1"), AT_8 + 4)
    with pytest.raises(DomainError):
        engine.handle(CallbackClosed(T, "callback-1", "a2", "done", "not mine"), AT_8 + 5)
    engine.handle(CallbackClosed(T, "callback-1", "a1", "done", "solved"), AT_8 + 60)
    assert engine.callback_list(T)[0].status is CallbackStatus.DONE
    assert engine.contact_view(T, "callback-1").state is ContactState.ENDED


def test_live_caller_converting_to_callback_keeps_place_and_data(engine: Engine) -> None:
    _setup(engine, CallbackSettings(enabled=True))
    engine.handle(ContactArrived(T, "c1", "q", caller_number="+46701"), AT_8)
    engine.handle(ContactArrived(T, "c2", "q"), AT_8 + 10)
    engine.handle(CallerDataEntered(T, "c1", {"personnr": "19121212-1212"}), AT_8 + 15)
    engine.handle(CallbackRequested(T, "q", "+46701", from_contact_id="c1"), AT_8 + 20)
    assert engine.contact_view(T, "c1").state is ContactState.ENDED
    assert engine.waiting_view(T, "c2", AT_8 + 21).position == 2
    assert engine.callback_list(T)[0].caller_data == {"personnr": "19121212-1212"}


def test_abandonment_creates_callback_when_configured(engine: Engine) -> None:
    _setup(engine, CallbackSettings(enabled=True, create_on_abandon=True))
    engine.handle(ContactArrived(T, "c1", "q", caller_number="+46701"), AT_8)
    out = engine.handle(ContactAbandoned(T, "c1"), AT_8 + 30)
    assert [c.number for c in of_type(out, NotifyCallbackCreated)] == ["+46701"]  # type: ignore[attr-defined]


def test_abandonment_callbacks_dial_only_what_the_dial_policy_decided(engine: Engine) -> None:
    """Issue 10 §11: the adapter decides the number by the tenant's dial policy; "" (a
    barred caller id such as 00881…) creates no callback, a decided number is the one
    stored; an old journal entry without the decision still uses the caller number."""
    _setup(engine, CallbackSettings(enabled=True, create_on_abandon=True))
    engine.handle(ContactArrived(T, "c1", "q", caller_number="00881234567890"), AT_8)
    out = engine.handle(ContactAbandoned(T, "c1", callback_number=""), AT_8 + 30)
    assert of_type(out, NotifyCallbackCreated) == [] and engine.callback_list(T) == []
    engine.handle(ContactArrived(T, "c2", "q", caller_number="0701234567"), AT_8 + 40)
    out = engine.handle(ContactAbandoned(T, "c2", callback_number="+46701234567"), AT_8 + 50)
    assert [c.number for c in of_type(out, NotifyCallbackCreated)] == ["+46701234567"]  # type: ignore[attr-defined]
    engine.handle(ContactArrived(T, "c3", "q", caller_number="+46702"), AT_8 + 60)
    out = engine.handle(ContactAbandoned(T, "c3"), AT_8 + 70)
    assert [c.number for c in of_type(out, NotifyCallbackCreated)] == ["+46702"]  # type: ignore[attr-defined]


def test_callback_request_to_queue_without_callbacks_is_refused(engine: Engine) -> None:
    _setup(engine, CallbackSettings(enabled=False))
    with pytest.raises(DomainError):
        engine.handle(CallbackRequested(T, "q", "+46701"), AT_8)


def test_offer_rules() -> None:
    rules = CallbackOfferRules(
        more_waiting_than=5, estimated_wait_over_s=600, between=("08:00", "16:00")
    )
    settings = CallbackSettings(enabled=True, offer_rules=rules)

    def allowed(waiting: int, estimate: float, now: float) -> bool:
        return callback_offer_allowed(
            settings, waiting=waiting, estimated_wait_s=estimate, average_wait_s=None, now=now
        )

    assert not allowed(5, 60, AT_8 + 60)
    assert allowed(6, 60, AT_8 + 60)
    assert allowed(1, 601, AT_8 + 60)
    assert not allowed(9, 900, AT_8 - 60)  # 07:59 is outside the clock window
    assert callback_offer_allowed(
        CallbackSettings(enabled=True, offer_rules=CallbackOfferRules(average_wait_over_s=120)),
        waiting=0,
        estimated_wait_s=None,
        average_wait_s=121,
        now=AT_8,
    )
    assert not callback_offer_allowed(
        CallbackSettings(enabled=False, offer_rules=CallbackOfferRules(always=True)),
        waiting=0,
        estimated_wait_s=None,
        average_wait_s=None,
        now=AT_8,
    )


def test_callback_priority_puts_callbacks_before_live_callers(engine: Engine) -> None:
    """Q17: callbacks may be configured to go first; with priority 0 they keep arrival order."""
    _setup(engine, CallbackSettings(enabled=True, priority=2))
    engine.handle(ContactArrived(T, "live", "q"), AT_8)
    engine.handle(CallbackRequested(T, "q", "+46701"), AT_8 + 10)
    out = engine.handle(AgentLoggedIn(T, "a1", ("q",)), AT_8 + 20)
    assert [c.contact_id for c in of_type(out, OfferContact)] == ["callback-1"]  # type: ignore[attr-defined]


def test_forced_callback_is_always_offered_and_waiting_view_says_so(engine: Engine) -> None:
    """CB6: a forced-callback queue always offers the callback (the flow skips live queueing)."""
    _setup(engine, CallbackSettings(enabled=True, forced=True))
    engine.handle(ContactArrived(T, "c1", "q"), AT_8)
    assert engine.waiting_view(T, "c1", AT_8 + 1).callback_offer_allowed
