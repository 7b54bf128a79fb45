"""The demo's terminal summary (ST1 in text)."""

from __future__ import annotations

import random

from vaxel.acd.engine import Engine
from vaxel.acd.events import QueueConfigured
from vaxel.acd.model import QueueConfig
from vaxel.core.ids import SequentialIds
from vaxel.sim.kpi import Tally
from vaxel.sim.summary import live_summary


def test_a_queue_without_counted_calls_claims_no_service_level() -> None:
    """Issue 9 §2: no level is claimed on nothing — a dash, as on the wallboard, not 100 %."""
    engine = Engine(ids=SequentialIds(), rng=random.Random(1))
    for queue_id in ("tyst", "bemannad"):
        engine.handle(QueueConfigured(QueueConfig("t", queue_id, queue_id.title())), 0.0)
    tally = Tally(target_s=20)
    tally.answered("bemannad", 5)
    lines = live_summary(engine, tally, "t", ["tyst", "bemannad"], [], 60.0).splitlines()
    quiet = next(line for line in lines if line.startswith("Tyst"))
    staffed = next(line for line in lines if line.startswith("Bemannad"))
    assert quiet.rstrip().endswith("–") and "%" not in quiet
    assert staffed.rstrip().endswith("100%")
