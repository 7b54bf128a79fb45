"""What a simulated day is made of: queues, agents, traffic per interval, handle times,
patience. Plain data, so scenarios can be defined in code or loaded from YAML later."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from vaxel.acd.model import AgentProfile, Channel, QueueConfig
from vaxel.core.errors import ConfigError

__all__ = ["AgentPlan", "HandleTime", "QueueTraffic", "Scenario"]


@dataclass(frozen=True, slots=True)
class HandleTime:
    """Handle (talk) time: exponential, or lognormal with a coefficient of variation."""

    mean_s: float
    cv: float = 1.0
    kind: str = "exponential"

    def __post_init__(self) -> None:
        if self.mean_s <= 0:
            raise ConfigError("mean_s", "positive-seconds")
        if self.kind not in ("exponential", "lognormal", "fixed"):
            raise ConfigError("kind", "distribution")

    def lognormal_params(self) -> tuple[float, float]:
        sigma2 = math.log(1 + self.cv * self.cv)
        return math.log(self.mean_s) - sigma2 / 2, math.sqrt(sigma2)


@dataclass(frozen=True, slots=True)
class QueueTraffic:
    """Arrivals to one queue: contacts per hour in each interval of the day (Poisson within
    an interval), how long they take and how patient callers are (None: never abandon)."""

    queue_id: str
    per_hour: Sequence[float]
    handle: HandleTime
    patience_mean_s: float | None = None
    channel: Channel = Channel.CALL
    callback_share: float = 0.0
    """Share of callers who, offered a callback by the queue (CB5), take it (CB1)."""
    caller_pool: int = 0
    """Distinct caller numbers (0: every caller new), so sticky routing has returning callers."""


@dataclass(frozen=True, slots=True)
class AgentPlan:
    profile: AgentProfile
    queue_ids: tuple[str, ...]
    ring_delay_s: float = 3.0
    no_answer_share: float = 0.0


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    description: str
    tenant_id: str
    queues: Sequence[QueueConfig]
    agents: Sequence[AgentPlan]
    traffic: Sequence[QueueTraffic]
    start: float = 0.0
    interval_s: float = 900.0
    service_target_s: float = 20.0
    callback_answer_share: float = 0.8
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def intervals(self) -> int:
        return max(len(t.per_hour) for t in self.traffic)

    @property
    def end(self) -> float:
        return self.start + self.intervals * self.interval_s
