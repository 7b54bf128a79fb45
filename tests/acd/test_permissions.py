"""Admin changes to an agent's permissions take effect at once (ADM2, Q21)."""

from __future__ import annotations

import random

from vaxel.acd.engine import Engine
from vaxel.acd.events import AgentConfigured, AgentLoggedIn, ContactArrived, QueueConfigured
from vaxel.acd.model import AgentProfile, QueueConfig
from vaxel.core.ids import SequentialIds


def test_removing_a_permission_logs_the_agent_out_of_that_queue() -> None:
    """ADM2: an agent sees and works only permitted queues, also after an admin change."""
    engine = Engine(ids=SequentialIds(), rng=random.Random(1))
    t = "kommun"
    for queue_id in ("bygglov", "vaxel"):
        engine.handle(QueueConfigured(QueueConfig(t, queue_id)), 0.0)
    both = AgentProfile(t, "eva", permitted_queues=("bygglov", "vaxel"))
    engine.handle(AgentConfigured(both), 0.0)
    engine.handle(AgentLoggedIn(t, "eva", ("bygglov", "vaxel")), 0.0)
    engine.handle(AgentConfigured(AgentProfile(t, "eva", permitted_queues=("vaxel",))), 5.0)
    assert engine.agent_view(t, "eva").queue_ids == ("vaxel",)
    engine.handle(ContactArrived(t, "c1", "bygglov"), 6.0)
    assert engine.contact_view(t, "c1").agent_id == ""  # never offered to eva
    engine.handle(AgentConfigured(AgentProfile(t, "eva", permitted_queues=())), 7.0)
    assert engine.agent_view(t, "eva").state.value == "logged_out"
