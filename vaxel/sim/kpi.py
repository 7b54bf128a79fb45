"""Key figures of a simulated day, per queue and overall.

Definitions (as Swedish contact centers usually report them):
- *service level*: contacts answered within the target / (answered + abandoned), i.e. of
  the callers who stayed or gave up; those sent elsewhere (overflow, busy) or who chose a
  callback are left out of the denominator.
- *ASA*: mean wait of answered contacts, from arrival to answer.
- *abandon rate*: abandoned / offered.
- *occupancy*: time agents spent talking and in wrap-up / time logged in.
- *P(wait)*: share of answered contacts that waited at all (more than a millisecond).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vaxel.sim.scenario import Scenario

__all__ = ["DayReport", "QueueFigures", "Tally"]


@dataclass(slots=True)
class QueueFigures:
    offered: int = 0
    answered: int = 0
    answered_in_target: int = 0
    waited: int = 0
    abandoned: int = 0
    overflowed: int = 0
    took_callback: int = 0
    callbacks_created: int = 0
    callbacks_done: int = 0
    wait_sum_s: float = 0.0
    longest_wait_s: float = 0.0

    @property
    def service_level(self) -> float:
        base = self.answered + self.abandoned
        return self.answered_in_target / base if base else 1.0

    @property
    def asa_s(self) -> float:
        return self.wait_sum_s / self.answered if self.answered else 0.0

    @property
    def abandon_rate(self) -> float:
        return self.abandoned / self.offered if self.offered else 0.0

    @property
    def probability_of_waiting(self) -> float:
        return self.waited / self.answered if self.answered else 0.0

    def add(self, other: QueueFigures) -> None:
        for name in (
            "offered",
            "answered",
            "answered_in_target",
            "waited",
            "abandoned",
            "overflowed",
            "took_callback",
            "callbacks_created",
            "callbacks_done",
            "wait_sum_s",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.longest_wait_s = max(self.longest_wait_s, other.longest_wait_s)

    def as_dict(self) -> dict[str, float]:
        return {
            "offered": self.offered,
            "answered": self.answered,
            "abandoned": self.abandoned,
            "overflowed": self.overflowed,
            "callbacks_created": self.callbacks_created,
            "callbacks_done": self.callbacks_done,
            "service_level": round(self.service_level, 4),
            "asa_s": round(self.asa_s, 2),
            "abandon_rate": round(self.abandon_rate, 4),
            "probability_of_waiting": round(self.probability_of_waiting, 4),
            "longest_wait_s": round(self.longest_wait_s, 1),
        }


@dataclass(slots=True)
class DayReport:
    scenario: str
    queues: dict[str, QueueFigures]
    total: QueueFigures
    occupancy: float
    agents: int
    simulated_s: float
    steps: int = 0
    extra: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "scenario": self.scenario,
            "agents": self.agents,
            "simulated_hours": round(self.simulated_s / 3600, 2),
            "occupancy": round(self.occupancy, 4),
            "total": self.total.as_dict(),
            "queues": {name: figures.as_dict() for name, figures in sorted(self.queues.items())},
        }


class Tally:
    """Counts as the simulation runs; :meth:`report` turns the counts into KPIs."""

    def __init__(self, target_s: float) -> None:
        self.target_s = target_s
        self.queues: defaultdict[str, QueueFigures] = defaultdict(QueueFigures)
        self.busy_s = 0.0

    def offered(self, queue_id: str) -> None:
        self.queues[queue_id].offered += 1

    def answered(self, queue_id: str, wait_s: float) -> None:
        figures = self.queues[queue_id]
        figures.answered += 1
        figures.wait_sum_s += wait_s
        if wait_s <= self.target_s:
            figures.answered_in_target += 1
        if wait_s > 1e-3:
            figures.waited += 1
        figures.longest_wait_s = max(figures.longest_wait_s, wait_s)

    def abandoned(self, queue_id: str, wait_s: float) -> None:
        figures = self.queues[queue_id]
        figures.abandoned += 1
        figures.longest_wait_s = max(figures.longest_wait_s, wait_s)

    def overflowed(self, queue_id: str) -> None:
        self.queues[queue_id].overflowed += 1

    def moved(self, from_queue: str, to_queue: str) -> None:
        self.queues[from_queue].overflowed += 1
        self.queues[to_queue].offered += 1

    def took_callback(self, queue_id: str) -> None:
        self.queues[queue_id].took_callback += 1

    def callback_created(self, queue_id: str) -> None:
        self.queues[queue_id].callbacks_created += 1

    def callback_done(self, queue_id: str) -> None:
        self.queues[queue_id].callbacks_done += 1

    def handled(self, _agent_id: str, busy_s: float) -> None:
        self.busy_s += busy_s

    def report(self, scenario: Scenario, now: float) -> DayReport:
        total = QueueFigures()
        for figures in self.queues.values():
            total.add(figures)
        day = scenario.end - scenario.start
        agents = len(scenario.agents)
        occupancy = self.busy_s / (agents * day) if agents and day else 0.0
        return DayReport(
            scenario.name, dict(self.queues), total, occupancy, agents, now - scenario.start
        )
