"""Wait estimators (Q8): two baselines and ours.

- :class:`AsteriskEstimator` — Asterisk app_queue's "holdtime": on every answered call it
  becomes (3·old + new)/4, where new is that call's wait; every caller is told the same
  holdtime, whatever their position.
- :class:`~vaxel.acd.estimation.QueueLengthEstimator` — (n+1)/(s·μ).
- :class:`VaxelEstimator` — the line ahead seen as a birth–death process. With ``k``
  contacts ahead and all ``s`` agents busy, the line moves one step at rate
  ``s·μ − λ_o + k·θ``: a service completion frees an agent (s·μ), contacts ahead give up
  (k·θ, exponential patience), and contacts of queues that are served first arrive and step
  in front (λ_o, learned arrival rate of the ``overtaking_queues``). The expected wait for a
  contact with ``n`` ahead is the sum of the expected times of its n+1 steps::

      E[W] = Σ_{k=0..n} 1 / (s·μ − λ_o + k·θ)

  Without abandonment and overtaking this is exactly (n+1)/(s·μ), so where the queue-length
  estimator is right (M/M/s) ours is the same; where callers give up or get overtaken, ours
  accounts for it. If fewer contacts are ahead than agents are free, the wait is zero.

Everything is learned from what the engine recorded, never from the scenario's parameters:
μ from handle times, θ by maximum likelihood for censored exponential patience (abandons
divided by the total time all contacts spent waiting, answered or not), λ_o from arrival
counts. Recent history weighs more (exponential forgetting with a half-life), so the
estimates follow a day whose traffic rises and falls.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from vaxel.acd.estimation import QueueLengthEstimator, WaitSituation

__all__ = ["AsteriskEstimator", "QueueLengthEstimator", "VaxelEstimator"]


class AsteriskEstimator:
    """Asterisk's smoothed average hold time, per queue (announced to everyone)."""

    def __init__(self) -> None:
        self._holdtime: dict[str, float] = {}

    def export_state(self) -> dict[str, Any]:
        """What it learned, as JSON data (engine snapshots, issue 10 §13)."""
        return {"holdtime": dict(self._holdtime)}

    def import_state(self, state: Mapping[str, Any]) -> None:
        """Take back what :meth:`export_state` gave."""
        self._holdtime = {str(q): float(v) for q, v in state["holdtime"].items()}

    def record_arrival(self, queue_id: str, now: float) -> None:
        return None

    def record_answer(self, queue_id: str, waited_s: float, now: float) -> None:
        old = self._holdtime.get(queue_id, 0.0)
        self._holdtime[queue_id] = (3 * old + waited_s) / 4

    def record_abandon(self, queue_id: str, waited_s: float, now: float) -> None:
        return None

    def record_handled(
        self, queue_id: str, handle_s: float, now: float, *, again: bool = False
    ) -> None:
        return None

    def estimate(self, situation: WaitSituation) -> float:
        return self._holdtime.get(situation.queue_id, 0.0)


@dataclass(slots=True)
class _Decaying:
    """A sum that halves every ``half_life_s`` seconds of model time."""

    half_life_s: float
    value: float = 0.0
    at: float = 0.0

    def add(self, amount: float, now: float) -> None:
        self.value = self.read(now) + amount
        self.at = max(self.at, now)

    def read(self, now: float) -> float:
        if now <= self.at:
            return self.value
        return self.value * math.exp(-math.log(2) * (now - self.at) / self.half_life_s)


@dataclass(slots=True)
class _QueueHistory:
    handle_sum: _Decaying
    handle_count: _Decaying
    abandons: _Decaying
    waiting_time: _Decaying
    arrivals: _Decaying
    first_seen: float


_SUM_FIELDS = tuple(f.name for f in fields(_QueueHistory) if f.name != "first_seen")


def _sums(history: _QueueHistory) -> list[_Decaying]:
    return [getattr(history, name) for name in _SUM_FIELDS]


class VaxelEstimator:
    """The birth–death estimator described in the module docstring."""

    def __init__(self, half_life_s: float = 4 * 3600.0, default_handle_s: float = 180.0) -> None:
        self._half_life_s = half_life_s
        self._default_handle_s = default_handle_s
        self._queues: dict[str, _QueueHistory] = {}

    def export_state(self) -> dict[str, Any]:
        """What it learned, as JSON data (engine snapshots, issue 10 §13): per queue each
        decaying sum as (value, at), then ``first_seen``."""
        return {
            "half_life_s": self._half_life_s,
            "default_handle_s": self._default_handle_s,
            "queues": {
                queue_id: [[s.value, s.at] for s in _sums(history)] + [history.first_seen]
                for queue_id, history in self._queues.items()
            },
        }

    def import_state(self, state: Mapping[str, Any]) -> None:
        """Take back what :meth:`export_state` gave."""
        h = float(state["half_life_s"])
        self._half_life_s = h
        self._default_handle_s = float(state["default_handle_s"])
        self._queues = {}
        for queue_id, (*sums, first_seen) in state["queues"].items():
            if len(sums) != len(_SUM_FIELDS):
                raise ValueError(f"queue {queue_id}: {len(sums)} sums, not {len(_SUM_FIELDS)}")
            handle_sum, handle_count, abandons, waiting_time, arrivals = (
                _Decaying(h, float(value), float(at)) for value, at in sums
            )
            self._queues[str(queue_id)] = _QueueHistory(
                handle_sum, handle_count, abandons, waiting_time, arrivals, float(first_seen)
            )

    def _history(self, queue_id: str, now: float) -> _QueueHistory:
        history = self._queues.get(queue_id)
        if history is None:
            h = self._half_life_s
            history = _QueueHistory(
                _Decaying(h), _Decaying(h), _Decaying(h), _Decaying(h), _Decaying(h), now
            )
            self._queues[queue_id] = history
        return history

    def record_arrival(self, queue_id: str, now: float) -> None:
        self._history(queue_id, now).arrivals.add(1.0, now)

    def record_answer(self, queue_id: str, waited_s: float, now: float) -> None:
        self._history(queue_id, now).waiting_time.add(waited_s, now)

    def record_abandon(self, queue_id: str, waited_s: float, now: float) -> None:
        history = self._history(queue_id, now)
        history.waiting_time.add(waited_s, now)
        history.abandons.add(1.0, now)

    def record_handled(
        self, queue_id: str, handle_s: float, now: float, *, again: bool = False
    ) -> None:
        history = self._history(queue_id, now)
        history.handle_sum.add(handle_s, now)
        history.handle_count.add(0.0 if again else 1.0, now)

    def service_rate(self, queue_id: str, now: float) -> float:
        """μ per agent, 1/s."""
        history = self._queues.get(queue_id)
        if history is None or history.handle_count.read(now) < 1e-9:
            return 1.0 / self._default_handle_s
        return history.handle_count.read(now) / history.handle_sum.read(now)

    def abandon_rate(self, queue_id: str, now: float) -> float:
        """θ, 1/s: the censored-exponential maximum-likelihood estimate."""
        history = self._queues.get(queue_id)
        if history is None:
            return 0.0
        exposure = history.waiting_time.read(now)
        return history.abandons.read(now) / exposure if exposure > 0 else 0.0

    def arrival_rate(self, queue_id: str, now: float) -> float:
        """λ, 1/s, from the decayed arrival count over the decayed observation time."""
        history = self._queues.get(queue_id)
        if history is None:
            return 0.0
        span = (
            self._half_life_s
            / math.log(2)
            * (1 - math.exp(-math.log(2) * (now - history.first_seen) / self._half_life_s))
        )
        return history.arrivals.read(now) / span if span > 0 else 0.0

    def estimate(self, situation: WaitSituation) -> float:
        agents = situation.agents
        if agents == 0:
            return math.inf
        now = situation.now
        busy = len(situation.busy_agents_elapsed)
        if busy and situation.ahead < agents - busy:
            return 0.0
        capacity = agents * self.service_rate(situation.queue_id, now)
        overtaking = sum(self.arrival_rate(q, now) for q in situation.overtaking_queues)
        drain = max(capacity - overtaking, 0.05 * capacity)
        theta = self.abandon_rate(situation.queue_id, now)
        return sum(1.0 / (drain + k * theta) for k in range(situation.ahead + 1))
