"""``vaxel bench ewt``: how well estimators predict waits, on simulated traffic (Q8).

A compact discrete-event simulation of one agent pool, separate from the ACD engine so that
hundreds of thousands of contacts run in seconds. Every estimator hears the same history
(arrivals, answers, abandonments, handle times) and is asked, at each arrival, the wait it
would announce. Error measure: RMSE in seconds over the contacts that were answered — an
abandoner's true wait is censored (it never ended), so it cannot be scored.

Scenarios (all with a warm-up of the first 500 contacts left out of the score):
- ``mms``: 10 agents, AHT 180 s exponential, Poisson arrivals at ρ = 0.92, no abandonment.
- ``lognormal``: the same with lognormal handle times, coefficient of variation 1.3.
- ``abandonment``: 10 agents, offered load 1.05, patience exponential with mean 120 s.
- ``shared_agents``: three queues with priorities 2, 1, 0 (shares 25/35/40 %) served by one
  pool of 12 agents, ρ = 0.93; position counted across the pool.
- ``peak``: 15 agents, arrival rate rising from ρ 0.6 to 1.25 and falling over a 10-hour
  day (sine), patience exponential with mean 120 s.
"""

from __future__ import annotations

import heapq
import math
import random
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from vaxel.acd.estimation import QueueLengthEstimator, WaitEstimator, WaitSituation
from vaxel.acd.estimators import AsteriskEstimator, VaxelEstimator

__all__ = ["ESTIMATORS", "SCENARIOS", "BenchScenario", "run_bench", "run_scenario"]

ESTIMATORS: Mapping[str, Callable[[], WaitEstimator]] = {
    "asterisk": AsteriskEstimator,
    "queue_length": QueueLengthEstimator,
    "vaxel": VaxelEstimator,
}


@dataclass(frozen=True, slots=True)
class BenchScenario:
    name: str
    agents: int
    aht_s: float
    queues: tuple[tuple[str, int, float], ...]
    """(queue id, priority, share of arrivals)"""
    load: float
    """Offered load per agent (ρ) at the average arrival rate."""
    cv: float = 1.0
    lognormal: bool = False
    patience_mean_s: float | None = None
    peak: tuple[float, float] | None = None
    """(low, high) load: the rate follows a sine hump between them over ``day_s``."""
    day_s: float = 10 * 3600
    contacts: int = 24_000


SCENARIOS: dict[str, BenchScenario] = {
    s.name: s
    for s in (
        BenchScenario("mms", 10, 180.0, (("q", 0, 1.0),), 0.92),
        BenchScenario("lognormal", 10, 180.0, (("q", 0, 1.0),), 0.92, cv=1.3, lognormal=True),
        BenchScenario("abandonment", 10, 180.0, (("q", 0, 1.0),), 1.05, patience_mean_s=120.0),
        BenchScenario(
            "shared_agents",
            12,
            180.0,
            (("akut", 2, 0.25), ("kund", 1, 0.35), ("info", 0, 0.40)),
            0.93,
        ),
        BenchScenario(
            "peak", 15, 180.0, (("q", 0, 1.0),), 0.9, patience_mean_s=120.0, peak=(0.6, 1.25)
        ),
    )
}

_ARRIVE, _DONE, _ABANDON = 0, 1, 2


@dataclass(slots=True)
class _Waiter:
    queue_id: str
    priority: int
    arrived: float
    predictions: tuple[float, ...]
    gone: bool = False


def run_scenario(
    scenario: BenchScenario, seed: int = 1, contacts: int | None = None, warmup: int = 500
) -> dict[str, object]:
    """Simulate ``scenario`` and score every estimator; returns RMSE per estimator."""
    rng = random.Random(seed)
    total = contacts or scenario.contacts
    names = list(ESTIMATORS)
    estimators = [ESTIMATORS[name]() for name in names]
    mean_rate = scenario.load * scenario.agents / scenario.aht_s
    priorities = sorted({p for _, p, _ in scenario.queues}, reverse=True)
    lines: dict[int, deque[_Waiter]] = {p: deque() for p in priorities}
    live: dict[int, int] = dict.fromkeys(priorities, 0)
    overtakers = {
        q: tuple(o for o, p2, _ in scenario.queues if p2 > p) for q, p, _ in scenario.queues
    }
    busy: dict[int, float] = {}
    free = list(range(scenario.agents))
    heap: list[tuple[float, int, int, object]] = []
    seq = 0
    squared = [0.0] * len(names)
    scored = 0
    answered_count = 0
    sigma = math.sqrt(math.log(1 + scenario.cv**2))
    mu_log = math.log(scenario.aht_s) - sigma * sigma / 2

    def push(when: float, kind: int, data: object) -> None:
        nonlocal seq
        seq += 1
        heapq.heappush(heap, (when, seq, kind, data))

    def rate_at(t: float) -> float:
        if scenario.peak is None:
            return mean_rate
        low, high = scenario.peak
        phase = (t % scenario.day_s) / scenario.day_s
        load = low + (high - low) * math.sin(math.pi * phase)
        return load * scenario.agents / scenario.aht_s

    max_rate = (
        mean_rate
        if scenario.peak is None
        else (scenario.peak[1] * scenario.agents / scenario.aht_s)
    )

    def next_arrival(t: float) -> float:
        while True:  # thinning for a time-varying Poisson process
            t += rng.expovariate(max_rate)
            if rng.random() * max_rate <= rate_at(t):
                return t

    def handle_time() -> float:
        if scenario.lognormal:
            return rng.lognormvariate(mu_log, sigma)
        return rng.expovariate(1.0 / scenario.aht_s)

    def start_service(waiter: _Waiter, now: float) -> None:
        nonlocal scored, answered_count
        agent = free.pop()
        busy[agent] = now
        waited = now - waiter.arrived
        for estimator in estimators:
            estimator.record_answer(waiter.queue_id, waited, now)
        answered_count += 1
        if answered_count > warmup:
            scored += 1
            for i, predicted in enumerate(waiter.predictions):
                squared[i] += (predicted - waited) ** 2
        push(now + handle_time(), _DONE, (agent, waiter.queue_id, now))

    def next_waiter() -> _Waiter | None:
        for priority in priorities:
            line = lines[priority]
            while line:
                waiter = line.popleft()
                if not waiter.gone:
                    live[priority] -= 1
                    return waiter
        return None

    arrivals = 0
    push(next_arrival(0.0), _ARRIVE, None)
    while heap:
        now, _, kind, data = heapq.heappop(heap)
        if kind == _ARRIVE:
            arrivals += 1
            if arrivals < total:
                push(next_arrival(now), _ARRIVE, None)
            pick = rng.random()
            queue_id, priority = scenario.queues[-1][:2]
            for candidate, candidate_priority, share in scenario.queues:
                pick -= share
                if pick <= 0:
                    queue_id, priority = candidate, candidate_priority
                    break
            ahead = sum(live[p] for p in priorities if p >= priority)
            situation = WaitSituation(
                queue_id,
                now,
                ahead,
                scenario.agents,
                tuple(now - started for started in busy.values()),
                0.0,
                overtakers[queue_id],
            )
            predictions = tuple(min(e.estimate(situation), 1e6) for e in estimators)
            for estimator in estimators:
                estimator.record_arrival(queue_id, now)
            waiter = _Waiter(queue_id, priority, now, predictions)
            if free and ahead == 0:
                start_service(waiter, now)
                continue
            lines[priority].append(waiter)
            live[priority] += 1
            if scenario.patience_mean_s is not None:
                push(now + rng.expovariate(1.0 / scenario.patience_mean_s), _ABANDON, waiter)
        elif kind == _DONE:
            assert isinstance(data, tuple)
            agent, queue_id, started = data
            del busy[agent]
            free.append(agent)
            for estimator in estimators:
                estimator.record_handled(queue_id, now - started, now)
            following = next_waiter()
            if following is not None:
                start_service(following, now)
        else:
            assert isinstance(data, _Waiter)
            if not data.gone and data in lines[data.priority]:
                data.gone = True
                live[data.priority] -= 1
                for estimator in estimators:
                    estimator.record_abandon(data.queue_id, now - data.arrived, now)
    rmse = {name: math.sqrt(squared[i] / scored) if scored else 0.0 for i, name in enumerate(names)}
    return {"name": scenario.name, "rmse_s": rmse, "answered_scored": scored, "contacts": arrivals}


def run_bench(seed: int = 1, contacts: int | None = None) -> dict[str, list[dict[str, object]]]:
    return {"scenarios": [run_scenario(s, seed, contacts) for s in SCENARIOS.values()]}
