"""The contract between the ACD engine and wait estimators (Q8).

The engine tells an estimator what happened (arrivals, answers, abandonments, handle times)
and asks it for one contact's expected remaining wait given the situation right now. No
estimator gets oracle knowledge: everything it knows it learned from these calls.
Implementations live in ``vaxel.acd.estimators``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = ["QueueLengthEstimator", "WaitEstimator", "WaitSituation"]


@dataclass(frozen=True, slots=True)
class WaitSituation:
    """What is known, right now, about one waiting contact."""

    queue_id: str
    now: float
    ahead: int
    """Contacts that will be served before this one, counted across every queue that shares
    agents with this one (Q7): the announced position minus one."""
    agents: int
    """Agents logged in, not paused, able to serve this contact (busy ones included)."""
    busy_agents_elapsed: tuple[float, ...] = ()
    """Seconds each busy eligible agent has spent on its current contact."""
    waited_s: float = 0.0
    """How long this contact has waited already."""
    overtaking_queues: tuple[str, ...] = ()
    """Queues sharing these agents whose new arrivals will be served before this contact."""

    def __post_init__(self) -> None:
        if self.ahead < 0 or self.agents < 0 or self.waited_s < 0:
            raise ValueError(f"WaitSituation needs non-negative counts and times: {self!r}")


class WaitEstimator(Protocol):
    """Learns from history, then estimates a contact's remaining wait in seconds."""

    def record_arrival(self, queue_id: str, now: float) -> None: ...

    def record_answer(self, queue_id: str, waited_s: float, now: float) -> None: ...

    def record_abandon(self, queue_id: str, waited_s: float, now: float) -> None: ...

    def record_handled(
        self, queue_id: str, handle_s: float, now: float, *, again: bool = False
    ) -> None:
        """A contact's handling ended after ``handle_s``; ``again``: more of one already
        recorded (taken back or requeued, issue 16 §3), so its seconds join that one sample
        — one contact is one sample, the sum of its stretches — not another contact."""
        ...

    def estimate(self, situation: WaitSituation) -> float: ...


class QueueLengthEstimator:
    """Baseline: (n+1)/(s·μ), with μ learned as 1/mean handle time per queue.

    Near optimal for M/M/s without abandonment; blind to abandonment and to overtaking.
    Before any contact has been handled it assumes ``default_handle_s``.
    """

    def __init__(self, default_handle_s: float = 180.0) -> None:
        self._default_handle_s = default_handle_s
        self._handle_sum: dict[str, float] = {}
        self._handle_count: dict[str, int] = {}

    def record_arrival(self, queue_id: str, now: float) -> None:
        return None

    def record_answer(self, queue_id: str, waited_s: float, now: float) -> None:
        return None

    def record_abandon(self, queue_id: str, waited_s: float, now: float) -> None:
        return None

    def record_handled(
        self, queue_id: str, handle_s: float, now: float, *, again: bool = False
    ) -> None:
        self._handle_sum[queue_id] = self._handle_sum.get(queue_id, 0.0) + handle_s
        self._handle_count[queue_id] = self._handle_count.get(queue_id, 0) + (0 if again else 1)

    def export_state(self) -> dict[str, Any]:
        """What it learned, as JSON data (engine snapshots, issue 10 §13)."""
        return {
            "default_handle_s": self._default_handle_s,
            "handle_sum": dict(self._handle_sum),
            "handle_count": dict(self._handle_count),
        }

    def import_state(self, state: Mapping[str, Any]) -> None:
        """Take back what :meth:`export_state` gave."""
        self._default_handle_s = float(state["default_handle_s"])
        self._handle_sum = {str(q): float(v) for q, v in state["handle_sum"].items()}
        self._handle_count = {str(q): int(v) for q, v in state["handle_count"].items()}

    def mean_handle_s(self, queue_id: str) -> float:
        count = self._handle_count.get(queue_id, 0)
        return self._handle_sum[queue_id] / count if count else self._default_handle_s

    def estimate(self, situation: WaitSituation) -> float:
        if situation.agents == 0:
            return float("inf")
        return (situation.ahead + 1) * self.mean_handle_s(situation.queue_id) / situation.agents
