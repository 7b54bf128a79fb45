"""Staffing mathematics: Erlang C (M/M/n) and Erlang A (M/M/n+M, Palm).

Erlang C assumes callers wait for ever; Erlang A lets them give up after an exponential
patience with mean ``patience_s``, which is what real queues do and why Erlang C
overstaffs. Both are computed without factorials or huge powers: Erlang C from the Erlang B
recursion, Erlang A from its birth–death chain in log space, truncated where the tail
probability is negligible.

Definitions (the same as ``vaxel simulate`` reports):
- ``probability_of_waiting``: an arriving caller finds all agents busy.
- ``service_level``: answered within ``target_s`` / all offered calls (with Erlang C every
  call is answered eventually; with Erlang A the callers who gave up count as not in time).
- ``asa_s``: mean wait of the answered calls (those answered at once count with 0 s).
- ``occupancy``: carried load / agents.
- ``probability_of_abandoning``: Erlang A only.
An Erlang C system with load ≥ agents never settles: probability of waiting 1, service level
0, infinite ASA.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from vaxel.core.errors import ConfigError

__all__ = ["StaffingFigures", "agents_needed", "erlang_a", "erlang_b", "erlang_c"]

MAX_AGENTS = 20_000
MAX_QUEUE_STATES = 5_000


@dataclass(frozen=True, slots=True)
class StaffingFigures:
    agents: int
    probability_of_waiting: float
    service_level: float
    asa_s: float
    occupancy: float
    probability_of_abandoning: float | None = None


def _check(
    calls_per_hour: float,
    aht_s: float,
    agents: int | None = None,
    target_s: float = 0.0,
    patience_s: float | None = None,
) -> None:
    if not calls_per_hour >= 0 or math.isinf(calls_per_hour):
        raise ConfigError("calls_per_hour", "number-min", min=0, value=calls_per_hour)
    if not aht_s > 0 or math.isinf(aht_s):
        raise ConfigError("aht_s", "positive-seconds")
    if agents is not None and not 1 <= agents <= MAX_AGENTS:
        raise ConfigError("agents", "range", min=1, max=MAX_AGENTS)
    if not target_s >= 0:
        raise ConfigError("target_s", "not-negative-seconds")
    if patience_s is not None and not patience_s > 0:
        raise ConfigError("patience_s", "positive-seconds")


def erlang_b(load: float, agents: int) -> float:
    """Blocking probability of M/M/n/n with offered ``load`` Erlang (stable recursion)."""
    blocking = 1.0
    for n in range(1, agents + 1):
        blocking = load * blocking / (n + load * blocking)
    return blocking


def erlang_c(
    calls_per_hour: float, aht_s: float, agents: int, target_s: float = 20.0
) -> StaffingFigures:
    """Erlang C figures for ``agents`` agents."""
    _check(calls_per_hour, aht_s, agents, target_s)
    load = calls_per_hour * aht_s / 3600.0
    if load >= agents:
        return StaffingFigures(agents, 1.0, 0.0, math.inf, 1.0)
    blocking = erlang_b(load, agents)
    waiting = agents * blocking / (agents - load * (1 - blocking))
    service_level = 1 - waiting * math.exp(-(agents - load) * target_s / aht_s)
    asa = waiting * aht_s / (agents - load)
    return StaffingFigures(agents, waiting, service_level, asa, load / agents)


def _states(load: float, agents: int, mu: float, theta: float) -> list[float]:
    """Stationary probabilities of the M/M/n+M chain, states 0 … n+J, J truncated."""
    logs = [0.0]
    for k in range(1, agents + 1):
        logs.append(logs[-1] + math.log(load) - math.log(k) if load > 0 else -math.inf)
    lam = load * mu
    k = 0
    while lam > 0:
        k += 1
        logs.append(logs[-1] + math.log(lam / (agents * mu + k * theta)))
        if (logs[-1] < max(logs) - 50 and k > 10) or k >= MAX_QUEUE_STATES:
            break
    top = max(logs)
    weights = [math.exp(v - top) for v in logs]
    total = sum(weights)
    return [w / total for w in weights]


def erlang_a(
    calls_per_hour: float, aht_s: float, agents: int, patience_s: float, target_s: float = 20.0
) -> StaffingFigures:
    """Erlang A figures: Erlang C's system where callers abandon after Exp(patience)."""
    _check(calls_per_hour, aht_s, agents, target_s, patience_s)
    mu, theta = 1.0 / aht_s, 1.0 / patience_s
    load = calls_per_hour * aht_s / 3600.0
    if load == 0:
        return StaffingFigures(agents, 0.0, 1.0, 0.0, 0.0, 0.0)
    pi = _states(load, agents, mu, theta)
    queue = pi[agents:]  # arrival finds n + j in the system: j callers ahead of it
    served_at_once = sum(pi[:agents])
    drain = agents * mu
    # s[j]: P(served | j ahead); g[j]: E[wait · 1{served} | j ahead] (see module docstring)
    s: list[float] = []
    g: list[float] = []
    for j in range(len(queue)):
        forward = drain + j * theta
        exit_rate = forward + theta
        previous_s = s[-1] if s else 1.0
        previous_g = g[-1] if g else 0.0
        s.append(forward / exit_rate * previous_s)
        g.append(forward / exit_rate * (previous_s / exit_rate + previous_g))
    served = served_at_once + sum(p * sj for p, sj in zip(queue, s, strict=True))
    asa = sum(p * gj for p, gj in zip(queue, g, strict=True)) / served if served else math.inf
    in_time = served_at_once + sum(
        p * q
        for p, q in zip(queue, _served_within(len(queue), drain, theta, target_s), strict=True)
    )
    return StaffingFigures(
        agents=agents,
        probability_of_waiting=sum(queue),
        service_level=in_time,
        asa_s=asa,
        occupancy=load * served / agents,
        probability_of_abandoning=1 - served,
    )


def _served_within(states: int, drain: float, theta: float, target_s: float) -> list[float]:
    """P(served within target | j ahead) for every j, by uniformization of the chain in
    which the line ahead shrinks at rate drain + i·θ and the caller gives up at rate θ."""
    if target_s == 0:
        return [0.0] * states
    uniform = drain + states * theta + theta
    mean = uniform * target_s
    last = int(mean + 10 * math.sqrt(mean) + 20)
    f = [0.0] * states
    result = [0.0] * states
    log_weight = -mean  # Poisson(m; mean) in log space, m = 0
    for m in range(1, last + 1):
        new = [0.0] * states
        for i in range(states):
            forward = (drain + i * theta) / uniform
            stay = 1 - forward - theta / uniform
            new[i] = forward * (1.0 if i == 0 else f[i - 1]) + stay * f[i]
        f = new
        log_weight += math.log(mean) - math.log(m)
        weight = math.exp(log_weight)
        for i in range(states):
            result[i] += weight * f[i]
    # Σ_m Pois(m)·f_m, where f_0 = 0; the tail beyond `last` is negligible.
    return result


def agents_needed(
    calls_per_hour: float,
    aht_s: float,
    target_s: float,
    service_level: float,
    patience_s: float | None = None,
) -> int:
    """The fewest agents that reach ``service_level`` within ``target_s``."""
    _check(calls_per_hour, aht_s, None, target_s, patience_s)
    if not 0 < service_level < 1:
        raise ConfigError("service_level", "service-level")
    load = calls_per_hour * aht_s / 3600.0
    # Erlang C needs more agents than Erlangs of load; with abandonment fewer can do.
    start = int(load) + 1 if patience_s is None else max(1, int(load / 2))
    for n in range(start, MAX_AGENTS + 1):
        figures = (
            erlang_c(calls_per_hour, aht_s, n, target_s)
            if patience_s is None
            else erlang_a(calls_per_hour, aht_s, n, patience_s, target_s)
        )
        if figures.service_level >= service_level:
            return n
    raise ConfigError("service_level", "service-level-unreachable", max=MAX_AGENTS)
