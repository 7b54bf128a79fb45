"""Named simulation scenarios for ``vaxel simulate`` and the benchmarks.

- ``erlang-c``: one queue, Poisson arrivals, exponential handle times, no abandonment, no ring
  delay or wrap-up — the M/M/n system Erlang C describes exactly.
- ``kommun``: the demo municipality's four queues over an office day (08:00–16:30), patient
  but not endlessly so, callbacks offered in Kundtjänst.
- ``center-200``: a 200-agent center, ten skill queues, about 100,000 contacts in 12 hours.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from vaxel.acd.model import AgentProfile, QueueConfig, Strategy
from vaxel.core.clock import from_local
from vaxel.core.errors import ConfigError
from vaxel.sim.demo_tenant import DEMO_TENANT, demo_agents, demo_queues
from vaxel.sim.scenario import AgentPlan, HandleTime, QueueTraffic, Scenario

__all__ = ["SCENARIOS", "erlang_c", "scenario"]

MONDAY_0800 = from_local(datetime(2026, 11, 23, 8, 0))

# Relative load per 15 minutes over an office day 08:00–16:30 (34 intervals): a morning
# peak around 09–10, a lunch dip, a smaller afternoon peak.
OFFICE_DAY = [
    0.6,
    0.8,
    1.0,
    1.2,
    1.4,
    1.5,
    1.5,
    1.4,
    1.3,
    1.2,
    1.1,
    1.0,
    1.0,
    0.9,
    0.7,
    0.6,
    0.6,
    0.7,
    0.9,
    1.0,
    1.1,
    1.1,
    1.0,
    1.0,
    0.9,
    0.9,
    0.8,
    0.8,
    0.7,
    0.7,
    0.6,
    0.5,
    0.4,
    0.3,
]


def erlang_c(
    calls_per_hour: float = 200.0,
    aht_s: float = 180.0,
    agents: int = 12,
    hours: float = 24.0,
    target_s: float = 20.0,
) -> Scenario:
    """An M/M/n queue for checking the engine against Erlang C."""
    tenant = "erlang"
    queue = QueueConfig(tenant, "q", "Kö", strategy=Strategy.LONGEST_IDLE)
    plans = [
        AgentPlan(AgentProfile(tenant, f"a{n}", permitted_queues=("q",)), ("q",), ring_delay_s=0.0)
        for n in range(agents)
    ]
    intervals = int(hours * 4)
    traffic = QueueTraffic("q", [calls_per_hour] * intervals, HandleTime(aht_s))
    return Scenario(
        "erlang-c",
        "M/M/n without abandonment",
        tenant,
        [queue],
        plans,
        [traffic],
        start=MONDAY_0800,
        service_target_s=target_s,
    )


def kommun() -> Scenario:
    per_hour = {"vaxel": 60.0, "kundtjanst": 55.0, "bygglov": 12.0, "barnomsorg": 18.0}
    aht = {
        "vaxel": HandleTime(45.0, 0.8, "lognormal"),
        "kundtjanst": HandleTime(240.0, 1.2, "lognormal"),
        "bygglov": HandleTime(420.0, 1.0, "lognormal"),
        "barnomsorg": HandleTime(300.0, 1.0, "lognormal"),
    }
    traffic = [
        QueueTraffic(
            q,
            [per_hour[q] * f for f in OFFICE_DAY],
            aht[q],
            patience_mean_s=240.0,
            callback_share=0.5 if q == "kundtjanst" else 0.0,
            caller_pool=5000,
        )
        for q in per_hour
    ]
    plans = [
        AgentPlan(profile, queues, ring_delay_s=4.0, no_answer_share=0.02)
        for profile, queues in demo_agents()
    ]
    return Scenario(
        "kommun",
        "Exempelby kommun, an office day",
        DEMO_TENANT,
        demo_queues(),
        plans,
        traffic,
        start=MONDAY_0800,
    )


def center_200() -> Scenario:
    tenant = "center"
    queue_ids = [f"q{n}" for n in range(10)]
    queues = [
        QueueConfig(tenant, q, f"Kö {n}", strategy=Strategy.LONGEST_IDLE, wrap_up_s=5.0)
        for n, q in enumerate(queue_ids)
    ]
    plans = []
    for n in range(200):
        mine = (queue_ids[n % 10], queue_ids[(n + 3) % 10], queue_ids[(n + 7) % 10])
        plans.append(
            AgentPlan(AgentProfile(tenant, f"a{n}", permitted_queues=mine), mine, ring_delay_s=2.0)
        )
    # 12 hours, ~8,300 contacts an hour in all; AHT 60 s → ~80 % occupancy on 200 agents
    shape = [0.7, 0.9, 1.1, 1.2, 1.2, 1.1, 0.9, 0.9, 1.1, 1.1, 1.0, 0.8]
    per_interval = [830.0 * f for f in shape for _ in range(4)]
    traffic = [
        QueueTraffic(q, per_interval, HandleTime(60.0, 1.0, "lognormal"), patience_mean_s=180.0)
        for q in queue_ids
    ]
    return Scenario(
        "center-200",
        "200 agents, 10 queues, ~100,000 contacts",
        tenant,
        queues,
        plans,
        traffic,
        start=MONDAY_0800 - 3600,
    )


SCENARIOS: dict[str, Callable[[], Scenario]] = {
    "erlang-c": erlang_c,
    "kommun": kommun,
    "center-200": center_200,
}


def scenario(name: str) -> Scenario:
    """The scenario called ``name``; unknown names list the known ones."""
    factory = SCENARIOS.get(name)
    if factory is None:
        raise ConfigError(
            "scenario", "unknown-scenario", value=name, allowed=", ".join(sorted(SCENARIOS))
        )
    return factory()
