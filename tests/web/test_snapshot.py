"""The live snapshot's times in state (ST1), straight from an engine driven by hand."""

from __future__ import annotations

import random

from vaxel.acd.boards import tenant_board
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
from vaxel.acd.model import AgentProfile, Channel, QueueConfig
from vaxel.core.ids import SequentialIds


def test_a_ringing_agent_has_rung_since_the_offer_not_since_their_last_call() -> None:
    """Issue 9 §1: an agent offered a contact 4 minutes after answering their last one
    showed "Ringer 244 s" with an offer timeout of 15 s."""
    engine = Engine(ids=SequentialIds(), rng=random.Random(1))
    engine.handle(QueueConfigured(QueueConfig("t", "q", "Kö", wrap_up_s=5.0)), 0.0)
    engine.handle(AgentConfigured(AgentProfile("t", "anna", "Anna", permitted_queues=("q",))), 0.0)
    engine.handle(AgentLoggedIn("t", "anna", ("q",)), 0.0)
    engine.handle(ContactArrived("t", "c1", "q", Channel.CALL), 1.0)
    engine.handle(AgentAnswered("t", "anna", "c1"), 4.0)
    engine.handle(ContactEnded("t", "c1"), 60.0)
    engine.handle(TimerTick("t"), 65.0)  # wrap-up over: ready
    engine.handle(ContactArrived("t", "c2", "q", Channel.CALL), 248.0)
    (anna,) = tenant_board(engine, "t", 255.0)["agents"]
    assert anna["state"] == "offered"
    assert anna["in_state_s"] == 7
