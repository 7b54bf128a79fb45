"""Routing benchmark: contacts routed per second and the cost of one engine step.

A tenant with N agents, 100 queues and 20 skills (each queue wants one skill, each agent has
three skills at levels 1–5 and logs in to every queue its skills serve). Traffic is driven
in a closed loop that keeps about 80 % of the agents busy: a contact arrives in a random
staffed queue; offers are answered at once; when too many agents are busy the oldest
conversation ends and its agent skips wrap-up. Every ``engine.handle`` call is timed.
"""

from __future__ import annotations

import random
import statistics
import time
from collections import deque

from vaxel.acd.commands import OfferContact
from vaxel.acd.engine import Engine
from vaxel.acd.estimation import QueueLengthEstimator
from vaxel.acd.events import (
    AgentAnswered,
    AgentConfigured,
    AgentLoggedIn,
    ContactArrived,
    ContactEnded,
    Event,
    QueueConfigured,
    WrapUpCancelled,
)
from vaxel.acd.model import AgentProfile, QueueConfig, Strategy
from vaxel.core.ids import SequentialIds

__all__ = ["measure"]

T = "bench"


def _build(agents: int, queues: int, skills: int, rng: random.Random) -> tuple[Engine, list[str]]:
    engine = Engine(ids=SequentialIds(), rng=random.Random(1), estimator=QueueLengthEstimator())
    queue_skill = {f"q{n}": f"s{n % skills}" for n in range(queues)}
    for queue_id in queue_skill:
        engine.handle(
            QueueConfigured(QueueConfig(T, queue_id, strategy=Strategy.SKILLS, wrap_up_s=30.0)), 0.0
        )
    staffed: set[str] = set()
    for n in range(agents):
        mine = {f"s{k}": rng.randint(1, 5) for k in rng.sample(range(skills), 3)}
        permitted = tuple(q for q, s in queue_skill.items() if s in mine)
        staffed.update(permitted)
        engine.handle(
            AgentConfigured(AgentProfile(T, f"a{n}", skills=mine, permitted_queues=permitted)), 0.0
        )
        engine.handle(AgentLoggedIn(T, f"a{n}", permitted), 0.0)
    return engine, sorted(staffed, key=lambda q: int(q[1:]))


def measure(
    agents: int, queues: int = 100, skills: int = 20, contacts: int = 20_000, seed: int = 1
) -> dict[str, float]:
    """Route ``contacts`` contacts; return routed/s and step-cost percentiles (µs)."""
    rng = random.Random(seed)
    engine, staffed = _build(agents, queues, skills, rng)
    queue_skill_level = {q: {f"s{int(q[1:]) % skills}": 1} for q in staffed}
    costs: list[int] = []
    talking: deque[tuple[str, str]] = deque()
    busy_limit = max(1, int(agents * 0.8))
    now = 1.0
    routed = 0

    def step(event: Event) -> list[object]:
        start = time.perf_counter_ns()
        out = engine.handle(event, now)
        costs.append(time.perf_counter_ns() - start)
        return list(out)

    wall = time.perf_counter()
    for n in range(contacts):
        now += 0.05
        queue_id = rng.choice(staffed)
        for command in step(
            ContactArrived(T, f"c{n}", queue_id, skills=queue_skill_level[queue_id])
        ):
            if isinstance(command, OfferContact):
                for answer in step(AgentAnswered(T, command.agent_id, command.contact_id)):
                    del answer
                talking.append((command.agent_id, command.contact_id))
                routed += 1
        while len(talking) >= busy_limit:
            agent_id, contact_id = talking.popleft()
            step(ContactEnded(T, contact_id))
            for command in step(WrapUpCancelled(T, agent_id)):
                if isinstance(command, OfferContact):
                    step(AgentAnswered(T, command.agent_id, command.contact_id))
                    talking.append((command.agent_id, command.contact_id))
                    routed += 1
    wall = time.perf_counter() - wall
    costs.sort()
    return {
        "agents": agents,
        "queues": queues,
        "skills": skills,
        "contacts": contacts,
        "routed": routed,
        "routed_per_s": routed / wall,
        "steps": len(costs),
        "mean_us": statistics.fmean(costs) / 1000,
        "p50_us": costs[len(costs) // 2] / 1000,
        "p99_us": costs[int(len(costs) * 0.99)] / 1000,
    }
