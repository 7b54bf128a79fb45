"""A supervisor requeues a failed callback (CB11): it waits again and gets a fresh round."""

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
    TimerTick,
)
from vaxel.acd.model import CallbackStatus
from vaxel.core.errors import IllegalTransition

from .conftest import T, of_type
from .test_callbacks import AT_8, _setup


def test_a_failed_callback_requeued_waits_again_with_a_fresh_round_of_attempts(
    engine: Engine,
) -> None:
    _setup(engine)
    engine.handle(AgentLoggedIn(T, "a1", ("q",)), AT_8)
    engine.handle(CallbackRequested(T, "q", "+46701"), AT_8)
    with pytest.raises(IllegalTransition):  # only a failed callback is requeued
        engine.handle(CallbackRequeued(T, "callback-1"), AT_8)
    engine.handle(AgentAnswered(T, "a1", "callback-1"), AT_8 + 1)
    engine.handle(CallbackClosed(T, "callback-1", "a1", "unanswered", "one"), AT_8 + 30)
    engine.handle(TimerTick(), AT_8 + 630)
    engine.handle(AgentAnswered(T, "a1", "callback-1"), AT_8 + 631)
    out = engine.handle(CallbackClosed(T, "callback-1", "a1", "unanswered", "two"), AT_8 + 660)
    assert of_type(out, MarkCallbackFailed)
    out = engine.handle(CallbackRequeued(T, "callback-1"), AT_8 + 3600)
    assert [c.contact_id for c in of_type(out, OfferContact)] == ["callback-1"]  # type: ignore[attr-defined]
    [row] = engine.callback_list(T)
    assert (row.status, row.attempts) == (CallbackStatus.REQUEUED, 2)
    engine.handle(AgentAnswered(T, "a1", "callback-1"), AT_8 + 3601)
    out = engine.handle(CallbackClosed(T, "callback-1", "a1", "unanswered", "three"), AT_8 + 3630)
    assert of_type(out, MarkCallbackFailed) == []  # max 2 attempts count from the requeue
    assert engine.callback_list(T)[0].status is CallbackStatus.REQUEUED
