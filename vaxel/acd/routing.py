"""Routing: which ready agents may take a contact, and which of them the queue's strategy
picks (Q14-Q17, CH5). Pure functions over the engine's records.

Ties are always broken by stable keys (idle time, then agent id) so a replayed journal
routes identically whatever PYTHONHASHSEED is.
"""

from __future__ import annotations

from typing import Protocol

from vaxel.acd.model import Strategy
from vaxel.acd.state import AgentRec, ContactRec, QueueRec

__all__ = ["RandomSource", "choose_agents", "eligible", "skill_score"]


class RandomSource(Protocol):
    """The part of ``random.Random`` the engine needs (injected: the core may not import
    ``random``)."""

    def random(self) -> float: ...


def eligible(agent: AgentRec, contact: ContactRec, queue: QueueRec, now: float) -> bool:
    """Skills at the wanted levels, language (Q15) and the private-queue target (CH5)."""
    if (
        contact.target_agent_id
        and contact.target_agent_id != agent.agent_id
        and now < contact.entered_at + queue.config.private_max_wait_s
    ):
        return False
    profile = agent.profile
    if contact.language and not profile.speaks(contact.language):
        return False
    skills = profile.skills
    return all(skills.get(skill, -1) >= level for skill, level in contact.skills.items())


def skill_score(agent: AgentRec, contact: ContactRec) -> int:
    skills = agent.profile.skills
    return sum(skills.get(skill, 0) for skill in contact.skills)


def choose_agents(
    queue: QueueRec,
    contact: ContactRec,
    candidates: list[AgentRec],
    rng: RandomSource,
    today: int,
) -> list[AgentRec]:
    """The agents to offer ``contact`` to, by the queue's strategy (Q14).

    ``candidates`` are ready and eligible; the result is empty only if they are.
    """
    if not candidates:
        return []
    strategy = queue.config.strategy
    if strategy is Strategy.LONGEST_IDLE:
        return [min(candidates, key=lambda a: (a.idle_since, a.agent_id))]
    if strategy is Strategy.RING_ALL:
        ordered = sorted(candidates, key=lambda a: (a.idle_since, a.agent_id))
        count = queue.config.ring_count
        return ordered[:count] if count else ordered
    if strategy is Strategy.ROUND_ROBIN:
        ordered = sorted(candidates, key=lambda a: a.agent_id)
        for agent in ordered:
            if agent.agent_id > queue.rr_last:
                return [agent]
        return [ordered[0]]
    if strategy is Strategy.LINEAR:
        order = queue.config.linear_order
        rank = {agent_id: i for i, agent_id in enumerate(order)}
        return [min(candidates, key=lambda a: (rank.get(a.agent_id, len(order)), a.agent_id))]
    if strategy is Strategy.FEWEST_CALLS:
        return [
            min(
                candidates,
                key=lambda a: (
                    a.answered_today if a.answered_day == today else 0,
                    a.idle_since,
                    a.agent_id,
                ),
            )
        ]
    if strategy is Strategy.RANDOM:
        ordered = sorted(candidates, key=lambda a: a.agent_id)
        index = min(int(rng.random() * len(ordered)), len(ordered) - 1)
        return [ordered[index]]
    # Strategy.SKILLS: best level for the wanted skills first, then longest idle.
    return [min(candidates, key=lambda a: (-skill_score(a, contact), a.idle_since, a.agent_id))]
