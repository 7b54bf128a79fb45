"""The live text summary ``vaxel demo`` prints: per queue and for the agents (ST1 in text)."""

from __future__ import annotations

from collections import Counter

from vaxel.acd.engine import Engine
from vaxel.core.clock import to_local
from vaxel.sim.kpi import Tally

__all__ = ["live_summary"]

_STATE_NAMES = {
    "ready": "lediga",
    "offered": "ringer",
    "busy": "i samtal",
    "wrap_up": "efterarbete",
    "paused": "paus",
    "logged_out": "utloggade",
}


def live_summary(
    engine: Engine,
    tally: Tally,
    tenant_id: str,
    queue_ids: list[str],
    agent_ids: list[str],
    now: float,
) -> str:
    """A few lines for a terminal: queues (waiting, longest wait, answered, abandoned,
    service level) and agents by state."""
    lines = [
        f"— {to_local(now):%Y-%m-%d %H:%M:%S} (simulerad tid) —",
        f"{'Kö':<12}{'väntar':>7}{'längst':>8}{'inloggade':>10}{'besvarade':>10}"
        f"{'avbrutna':>9}{'servicenivå':>12}",
    ]
    for queue_id in queue_ids:
        status = engine.queue_status(tenant_id, queue_id, now)
        figures = tally.queues[queue_id]
        state = "" if status.open else "  (stängd)"
        # no level is claimed on nothing: a dash, as on the wallboard (issue 9 §2)
        counted = figures.answered + figures.abandoned
        level = f"{figures.service_level * 100:>11.0f}%" if counted else f"{'–':>12}"
        lines.append(
            f"{status.name:<12}{status.waiting:>7}{status.longest_wait_s:>7.0f}s"
            f"{status.agents_logged_in:>10}{figures.answered:>10}{figures.abandoned:>9}"
            f"{level}{state}"
        )
    states = Counter(engine.agent_view(tenant_id, a).state.value for a in agent_ids)
    lines.append(
        "Handläggare: "
        + ", ".join(
            f"{count} {_STATE_NAMES.get(state, state)}" for state, count in sorted(states.items())
        )
    )
    return "\n".join(lines)
