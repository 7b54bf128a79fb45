"""The service level the wallboard and the workspace show (ST1), defined once.

    service level = answered within the target
                    / (answered + abandoned after the short-abandon threshold
                       + still waiting past the target)

A caller still waiting past the target has already missed it, so they count against the
level the moment their wait crosses the target, not only once answered or gone (issue 9 §2:
a board said 100 % while callers had waited ten minutes). When such a caller is answered
or hangs up they move from "waiting past target" to "answered" or "abandoned": the
denominator does not jump. Callers who hang up before the queue's short-abandon threshold
(a wrong number, a change of mind) are left out of the count entirely. A wait exactly at
the target is still in time, as in the store's count of answers (``<=``).

Pure: the counts come from the store and the engine, ``now`` from the caller.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["ServiceLevelCounts", "waiting_past_target"]


@dataclass(frozen=True, slots=True)
class ServiceLevelCounts:
    """One queue's (or all queues') contacts of the day, as the service level counts them."""

    answered: int = 0
    in_target: int = 0
    """Answered within the queue's target."""
    abandoned: int = 0
    """Every caller who hung up while queued, short abandons included (shown as is)."""
    short_abandoned: int = 0
    """Of ``abandoned``, those who hung up before the short-abandon threshold: not counted."""
    waiting_past_target: int = 0
    """Still waiting (or ringing an agent) with a wait already past the target."""

    @property
    def counted(self) -> int:
        """The denominator: every contact whose outcome against the target is decided."""
        return self.answered + self.abandoned - self.short_abandoned + self.waiting_past_target

    @property
    def level(self) -> float | None:
        """The share in time, or None while no contact counts (no level is claimed on nothing)."""
        return self.in_target / self.counted if self.counted else None

    def below(self, goal: float) -> bool:
        """True when the level is known and under ``goal`` (a share, 0.8 = 80 %)."""
        return self.counted > 0 and self.in_target < goal * self.counted

    def __add__(self, other: ServiceLevelCounts) -> ServiceLevelCounts:
        """Queues add up: each counted in time against its own target, so sums stay true."""
        return ServiceLevelCounts(
            self.answered + other.answered,
            self.in_target + other.in_target,
            self.abandoned + other.abandoned,
            self.short_abandoned + other.short_abandoned,
            self.waiting_past_target + other.waiting_past_target,
        )


def waiting_past_target(arrivals: Iterable[float], now: float, target_s: float) -> int:
    """How many of the callers still waiting, who arrived at ``arrivals``, have waited
    longer than ``target_s`` at ``now``."""
    return sum(1 for arrived_at in arrivals if now - arrived_at > target_s)
