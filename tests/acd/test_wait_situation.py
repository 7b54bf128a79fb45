"""What the engine tells the wait estimator about a waiting contact (Q7, Q8, Q17)."""

from __future__ import annotations

import random

from vaxel.acd.engine import Engine
from vaxel.acd.estimation import QueueLengthEstimator, WaitSituation
from vaxel.acd.events import AgentConfigured, AgentLoggedIn, ContactArrived, QueueConfigured
from vaxel.acd.model import AgentProfile, QueueConfig
from vaxel.core.ids import SequentialIds


class Recording(QueueLengthEstimator):
    def __init__(self) -> None:
        super().__init__()
        self.asked: list[WaitSituation] = []

    def estimate(self, situation: WaitSituation) -> float:
        self.asked.append(situation)
        return super().estimate(situation)


def test_higher_priority_queues_sharing_agents_are_named_as_overtaking() -> None:
    estimator = Recording()
    engine = Engine(ids=SequentialIds(), rng=random.Random(1), estimator=estimator)
    t = "kommun"
    engine.handle(QueueConfigured(QueueConfig(t, "akut", priority=5)), 0.0)
    engine.handle(QueueConfigured(QueueConfig(t, "info", priority=0)), 0.0)
    engine.handle(QueueConfigured(QueueConfig(t, "annan", priority=9)), 0.0)
    engine.handle(AgentConfigured(AgentProfile(t, "eva", permitted_queues=("akut", "info"))), 0.0)
    engine.handle(AgentConfigured(AgentProfile(t, "bo", permitted_queues=("annan",))), 0.0)
    engine.handle(AgentLoggedIn(t, "eva", ("akut", "info")), 0.0)
    engine.handle(AgentLoggedIn(t, "bo", ("annan",)), 0.0)
    engine.handle(ContactArrived(t, "c1", "info"), 1.0)  # eva takes it (offered)
    engine.handle(ContactArrived(t, "c2", "info"), 2.0)
    engine.waiting_view(t, "c2", 3.0)
    # "annan" has higher priority but no shared agent: it overtakes nobody here
    assert estimator.asked[-1].overtaking_queues == ("akut",)
    assert estimator.asked[-1].ahead == 1
