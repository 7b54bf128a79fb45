"""Helpers for driving the ACD engine by hand in tests."""

from __future__ import annotations

import random
from collections.abc import Iterable

import pytest

from vaxel.acd.commands import Command
from vaxel.acd.engine import Engine
from vaxel.acd.estimation import QueueLengthEstimator
from vaxel.acd.events import AgentConfigured, AgentLoggedIn, Event, QueueConfigured
from vaxel.acd.model import AgentProfile, QueueConfig
from vaxel.core.ids import SequentialIds

T = "t1"


def make_engine(seed: int = 1) -> Engine:
    return Engine(ids=SequentialIds(), rng=random.Random(seed), estimator=QueueLengthEstimator())


def feed(engine: Engine, events: Iterable[tuple[Event, float]]) -> list[Command]:
    out: list[Command] = []
    for event, now in events:
        out.extend(engine.handle(event, now))
    return out


def setup(
    engine: Engine,
    queues: Iterable[QueueConfig],
    agents: Iterable[AgentProfile],
    logins: dict[str, tuple[str, ...]] | None = None,
    now: float = 0.0,
) -> list[Command]:
    out: list[Command] = []
    for q in queues:
        out += engine.handle(QueueConfigured(q), now)
    for a in agents:
        out += engine.handle(AgentConfigured(a), now)
    for agent_id, qids in (logins or {}).items():
        tenant = next(iter(engine.tenants))
        out += engine.handle(AgentLoggedIn(tenant, agent_id, qids), now)
    return out


def of_type(commands: Iterable[Command], kind: type) -> list[Command]:
    return [c for c in commands if isinstance(c, kind)]


@pytest.fixture
def engine() -> Engine:
    return make_engine()
