"""Overflow (Q18), auto-close with hysteresis (Q19), closures (Q2, Q3), live config (Q20)."""

from __future__ import annotations

import pytest

from vaxel.acd.commands import (
    NotifyQueueState,
    OfferContact,
    OverflowToNumber,
    OverflowToQueue,
    RejectBusy,
)
from vaxel.acd.engine import Engine
from vaxel.acd.events import (
    AgentAnswered,
    AgentLoggedIn,
    AgentLoggedOut,
    AgentPaused,
    ContactAbandoned,
    ContactArrived,
    QueueClosed,
    QueueConfigured,
    QueueOpened,
    TimerTick,
)
from vaxel.acd.model import (
    AgentProfile,
    AutoClose,
    Channel,
    ContactState,
    OverflowAction,
    OverflowRule,
    OverflowTarget,
    OverflowTrigger,
    QueueConfig,
)
from vaxel.core.errors import ConfigError

from .conftest import T, of_type, setup

TO_B = OverflowTarget(OverflowAction.QUEUE, queue_id="b")
TO_NUMBER = OverflowTarget(OverflowAction.NUMBER, number="+4687654321")


def test_max_length_overflows_to_another_queue(engine: Engine) -> None:
    rule = OverflowRule(OverflowTrigger.MAX_LENGTH, TO_B, max_length=2)
    setup(engine, [QueueConfig(T, "a", overflow=(rule,)), QueueConfig(T, "b")], [])
    engine.handle(ContactArrived(T, "c1", "a"), 1.0)
    engine.handle(ContactArrived(T, "c2", "a"), 2.0)
    out = engine.handle(ContactArrived(T, "c3", "a"), 3.0)
    assert out == [OverflowToQueue(T, "c3", "a", "b", "max_length")]
    assert engine.contact_view(T, "c3").queue_id == "b"
    assert engine.queue_status(T, "b", 3.0).waiting == 1


def test_max_wait_applies_per_contact_and_to_those_already_waiting(engine: Engine) -> None:
    setup(engine, [QueueConfig(T, "a"), QueueConfig(T, "b")], [])
    engine.handle(ContactArrived(T, "early", "a"), 0.0)
    assert engine.next_deadline() is None
    rule = OverflowRule(OverflowTrigger.MAX_WAIT, TO_NUMBER, max_wait_s=120)
    engine.handle(QueueConfigured(QueueConfig(T, "a", overflow=(rule,))), 50.0)
    engine.handle(ContactArrived(T, "late", "a"), 60.0)
    assert engine.next_deadline() == 120.0
    out = engine.handle(TimerTick(), 120.0)
    assert out == [OverflowToNumber(T, "early", "a", "+4687654321", "max_wait")]
    assert engine.contact_view(T, "late").state is ContactState.WAITING
    out = engine.handle(TimerTick(), 180.0)
    assert out == [OverflowToNumber(T, "late", "a", "+4687654321", "max_wait")]


def test_no_agents_logged_in_overflows(engine: Engine) -> None:
    rule = OverflowRule(OverflowTrigger.NO_AGENTS, TO_B)
    setup(
        engine,
        [QueueConfig(T, "a", overflow=(rule,)), QueueConfig(T, "b")],
        [AgentProfile(T, "x", permitted_queues=("a",))],
    )
    assert of_type(engine.handle(ContactArrived(T, "c1", "a"), 1.0), OverflowToQueue)
    engine.handle(AgentLoggedIn(T, "x", ("a",)), 2.0)
    assert of_type(engine.handle(ContactArrived(T, "c2", "a"), 3.0), OfferContact)


def test_closed_queue_sends_arrivals_to_alternative_or_busy_and_keeps_waiting_ones(
    engine: Engine,
) -> None:
    setup(engine, [QueueConfig(T, "a"), QueueConfig(T, "b")], [])
    engine.handle(ContactArrived(T, "c1", "a"), 1.0)
    out = engine.handle(QueueClosed(T, "a", "emergency", "prompt-closed"), 2.0)
    assert out == [NotifyQueueState(T, "a", False, "emergency")]
    out = engine.handle(ContactArrived(T, "c2", "a"), 3.0)
    assert out == [RejectBusy(T, "c2", "a", "closed", "prompt-closed")]
    assert engine.contact_view(T, "c1").state is ContactState.WAITING
    rule = OverflowRule(OverflowTrigger.CLOSED, TO_B)
    engine.handle(QueueConfigured(QueueConfig(T, "a", overflow=(rule,))), 4.0)
    assert of_type(engine.handle(ContactArrived(T, "c3", "a"), 5.0), OverflowToQueue)
    engine.handle(QueueOpened(T, "a"), 6.0)
    assert engine.handle(ContactArrived(T, "c4", "a"), 7.0) == []


def test_auto_close_at_length_and_reopen_with_hysteresis(engine: Engine) -> None:
    auto = AutoClose(close_at_length=3, reopen_below_length=1, target=TO_NUMBER)
    setup(engine, [QueueConfig(T, "a", auto_close=auto)], [])
    for i in range(3):
        out = engine.handle(ContactArrived(T, f"c{i}", "a"), float(i))
    assert NotifyQueueState(T, "a", False, "auto_close") in out
    out = engine.handle(ContactArrived(T, "c9", "a"), 5.0)
    assert out == [OverflowToNumber(T, "c9", "a", "+4687654321", "closed")]
    assert engine.handle(ContactAbandoned(T, "c0"), 6.0) == []  # 2 waiting: still closed
    out = engine.handle(ContactAbandoned(T, "c1"), 7.0)
    assert out == [NotifyQueueState(T, "a", True, "auto_reopen")]
    assert engine.queue_status(T, "a", 7.0).open


def test_auto_close_on_longest_wait_fires_by_timer(engine: Engine) -> None:
    auto = AutoClose(close_at_wait_s=300, reopen_below_wait_s=60)
    setup(engine, [QueueConfig(T, "a", auto_close=auto)], [])
    engine.handle(ContactArrived(T, "c1", "a"), 100.0)
    assert engine.next_deadline() == 400.0
    assert engine.handle(TimerTick(), 400.0) == [NotifyQueueState(T, "a", False, "auto_close")]
    assert not engine.queue_status(T, "a", 400.0).open


def test_overflowed_contact_keeps_waiting_while_offered_is_not_overflowed(engine: Engine) -> None:
    rule = OverflowRule(OverflowTrigger.MAX_WAIT, TO_NUMBER, max_wait_s=30)
    setup(
        engine,
        [QueueConfig(T, "a", overflow=(rule,), offer_timeout_s=60)],
        [AgentProfile(T, "x", permitted_queues=("a",))],
        {"x": ("a",)},
    )
    engine.handle(ContactArrived(T, "c1", "a"), 0.0)
    assert engine.handle(TimerTick(), 30.0) == []  # ringing an agent: not torn away
    engine.handle(AgentAnswered(T, "x", "c1"), 40.0)
    assert engine.contact_view(T, "c1").state is ContactState.CONNECTED


def test_config_errors_name_the_field() -> None:
    with pytest.raises(ConfigError) as error:
        QueueConfig(
            T,
            "a",
            overflow=(
                OverflowRule(OverflowTrigger.MAX_LENGTH, TO_B, max_length=5),
                OverflowRule(OverflowTrigger.CLOSED, OverflowTarget(OverflowAction.QUEUE, "a")),
            ),
        )
    assert error.value.field == "queue.overflow[1].target.queue_id"
    with pytest.raises(ConfigError) as error:
        OverflowRule(OverflowTrigger.MAX_WAIT, TO_B, max_wait_s=0)
    assert error.value.field == "max_wait_s"
    # A rule that bypassed its own constructor (e.g. a careless deserialiser) is still caught,
    # and the error names the full path.
    broken = OverflowRule(OverflowTrigger.MAX_WAIT, TO_B, max_wait_s=10)
    object.__setattr__(broken, "max_wait_s", -1.0)
    with pytest.raises(ConfigError) as error:
        QueueConfig(T, "a", overflow=(OverflowRule(OverflowTrigger.NO_AGENTS, TO_B), broken))
    assert error.value.field == "queue.overflow[1].max_wait_s"
    with pytest.raises(ConfigError) as error:
        AutoClose(close_at_length=3, reopen_below_length=3)
    assert error.value.field == "reopen_below_length"
    with pytest.raises(ConfigError) as error:
        QueueConfig(T, "a", offer_timeout_s=0)
    assert error.value.field == "queue.offer_timeout_s"


def test_rule_limited_to_a_channel_leaves_other_channels_alone(engine: Engine) -> None:
    rule = OverflowRule(OverflowTrigger.MAX_LENGTH, TO_B, max_length=1, channels=(Channel.EMAIL,))
    setup(engine, [QueueConfig(T, "a", overflow=(rule,)), QueueConfig(T, "b")], [])
    engine.handle(ContactArrived(T, "c1", "a"), 1.0)
    assert engine.handle(ContactArrived(T, "call", "a"), 2.0) == []
    out = engine.handle(ContactArrived(T, "mail", "a", channel=Channel.EMAIL), 3.0)
    assert out == [OverflowToQueue(T, "mail", "a", "b", "max_length")]


def test_last_agent_logging_out_moves_waiting_contacts(engine: Engine) -> None:
    rule = OverflowRule(OverflowTrigger.NO_AGENTS, TO_NUMBER)
    setup(
        engine,
        [QueueConfig(T, "a", overflow=(rule,))],
        [AgentProfile(T, "x", permitted_queues=("a",))],
        {"x": ("a",)},
    )
    engine.handle(AgentPaused(T, "x", "lunch"), 0.5)
    engine.handle(ContactArrived(T, "c1", "a"), 1.0)
    out = engine.handle(AgentLoggedOut(T, "x"), 2.0)
    assert OverflowToNumber(T, "c1", "a", "+4687654321", "no_agents") in out
