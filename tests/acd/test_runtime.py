"""Live changes (Q20), stand-by on longest wait (Q25), estimator feeding (Q8), day counters."""

from __future__ import annotations

import random

from vaxel.acd.commands import NotifyStandby, OfferContact
from vaxel.acd.engine import Engine
from vaxel.acd.estimation import WaitSituation
from vaxel.acd.events import (
    AgentAnswered,
    AgentLoggedIn,
    CallbackRequested,
    ContactAbandoned,
    ContactArrived,
    ContactEnded,
    QueueConfigured,
    TimerTick,
)
from vaxel.acd.model import (
    AgentProfile,
    CallbackInterval,
    CallbackSettings,
    QueueConfig,
    StandbyThresholds,
    Strategy,
)
from vaxel.core.ids import SequentialIds

from .conftest import T, of_type, setup


class RecordingEstimator:
    """Remembers what the engine told it; answers a fixed estimate."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, float]] = []
        self.situations: list[WaitSituation] = []

    def record_arrival(self, queue_id: str, now: float) -> None:
        self.calls.append(("arrival", queue_id, now))

    def record_answer(self, queue_id: str, waited_s: float, now: float) -> None:
        self.calls.append(("answer", queue_id, waited_s))

    def record_abandon(self, queue_id: str, waited_s: float, now: float) -> None:
        self.calls.append(("abandon", queue_id, waited_s))

    def record_handled(
        self, queue_id: str, handle_s: float, now: float, *, again: bool = False
    ) -> None:
        self.calls.append(("handled", queue_id, handle_s))

    def estimate(self, situation: WaitSituation) -> float:
        self.situations.append(situation)
        return 42.0


def test_engine_feeds_the_estimator_and_asks_with_the_situation() -> None:
    estimator = RecordingEstimator()
    engine = Engine(ids=SequentialIds(), rng=random.Random(1), estimator=estimator)
    setup(
        engine,
        [QueueConfig(T, "q")],
        [AgentProfile(T, "a1", permitted_queues=("q",))],
        {"a1": ("q",)},
    )
    engine.handle(ContactArrived(T, "c1", "q"), 10.0)
    engine.handle(ContactArrived(T, "c2", "q"), 11.0)
    engine.handle(ContactArrived(T, "c3", "q"), 12.0)
    engine.handle(AgentAnswered(T, "a1", "c1"), 14.0)
    engine.handle(ContactAbandoned(T, "c2"), 20.0)
    assert engine.waiting_view(T, "c3", 30.0).estimated_wait_s == 42.0
    engine.handle(ContactEnded(T, "c1"), 74.0)
    assert estimator.calls == [
        ("arrival", "q", 10.0),
        ("arrival", "q", 11.0),
        ("arrival", "q", 12.0),
        ("answer", "q", 4.0),
        ("abandon", "q", 9.0),
        ("handled", "q", 60.0),
    ]
    [situation] = estimator.situations
    assert (situation.ahead, situation.agents, situation.waited_s) == (0, 1, 18.0)
    assert situation.busy_agents_elapsed == (16.0,)


def test_strategy_change_while_running_keeps_waiting_contacts(engine: Engine) -> None:
    setup(
        engine,
        [QueueConfig(T, "q")],
        [AgentProfile(T, f"a{i}", permitted_queues=("q",)) for i in (1, 2)],
    )
    engine.handle(ContactArrived(T, "c1", "q"), 0.0)
    engine.handle(ContactArrived(T, "c2", "q"), 1.0)
    engine.handle(QueueConfigured(QueueConfig(T, "q", strategy=Strategy.RING_ALL)), 2.0)
    assert [engine.waiting_view(T, c, 3.0).position for c in ("c1", "c2")] == [1, 2]
    engine.handle(AgentLoggedIn(T, "a1", ("q",)), 4.0)
    out = engine.handle(ContactArrived(T, "c3", "q"), 5.0)
    assert of_type(out, OfferContact) == []  # a1 rings with c1; c3 waits its turn
    out = engine.handle(AgentLoggedIn(T, "a2", ("q",)), 6.0)
    assert [c.contact_id for c in of_type(out, OfferContact)] == ["c2"]  # type: ignore[attr-defined]


def test_standby_activates_on_longest_wait_by_timer(engine: Engine) -> None:
    standby = StandbyThresholds(activate_wait_s=120, release_wait_s=30)
    setup(
        engine,
        [QueueConfig(T, "q", standby=standby)],
        [AgentProfile(T, "s", permitted_queues=("q",))],
    )
    engine.handle(AgentLoggedIn(T, "s", ("q",), standby=True), 0.0)
    engine.handle(ContactArrived(T, "c1", "q"), 10.0)
    assert engine.next_deadline() == 130.0
    out = engine.handle(TimerTick(), 130.0)
    assert NotifyStandby(T, "q", True, ("s",)) in out
    assert [c.agent_id for c in of_type(out, OfferContact)] == ["s"]  # type: ignore[attr-defined]


def test_pending_callbacks_show_in_queue_status(engine: Engine) -> None:
    interval = CallbackInterval("late", "23:58", "23:59")
    setup(
        engine,
        [QueueConfig(T, "q", callback=CallbackSettings(enabled=True, intervals=(interval,)))],
        [],
    )
    engine.handle(CallbackRequested(T, "q", "+46701", "late"), 0.0)  # 01:00 local, 1 Jan 1970
    status = engine.queue_status(T, "q", 1.0)
    assert (status.pending_callbacks, status.waiting) == (1, 0)


def test_answered_today_resets_on_a_new_stockholm_day(engine: Engine) -> None:
    setup(
        engine,
        [QueueConfig(T, "q")],
        [AgentProfile(T, "a1", permitted_queues=("q",))],
        {"a1": ("q",)},
    )
    engine.handle(ContactArrived(T, "c1", "q"), 3600.0)
    engine.handle(AgentAnswered(T, "a1", "c1"), 3601.0)
    assert engine.agent_view(T, "a1", 3602.0).answered_today == 1
    assert engine.agent_view(T, "a1", 3602.0 + 86400).answered_today == 0
