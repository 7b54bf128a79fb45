"""Ready-agent indexes of a queue, so the common offers need no scan (performance).

Per queue: one heap of ready agents by (idle_since, agent_id), built on first use; per skill
and level one more such heap; per skill the set of ready agents having it. The per-skill
indexes exist only for skills the queue's contacts have asked for (built on first use), so
an agent with many skills in many queues does not pay for skills nobody routes on.

Heap entries are never removed on state changes; an entry is *valid* while the agent is
still ready in the queue with the same ``state_seq``, ``idle_since`` and (for skill heaps)
level. Invalid entries are dropped when they reach the top, and a heap that grows past a few
times the ready agents is rebuilt, so memory stays bounded.

``indexed_choice`` answers for LONGEST_IDLE and SKILLS when the contact wants at most one
skill and no particular language or agent - the usual case. It picks exactly what the full
scan in :mod:`vaxel.acd.routing` would (same keys: level, then idle time, then agent id); a
differential property test holds it to that.
"""

from __future__ import annotations

import heapq

from vaxel.acd.model import Strategy
from vaxel.acd.state import AgentRec, ContactRec, QueueRec, TenantRec

__all__ = ["index_ready", "indexed_choice", "ready_with_skill", "unindex_ready"]

Entry = tuple[float, str, int]


def _valid(
    tenant: TenantRec, queue: QueueRec, entry: Entry, skill: str, level: int
) -> AgentRec | None:
    idle_since, agent_id, state_seq = entry
    agent = tenant.agents.get(agent_id)
    if (
        agent is None
        or agent_id not in queue.ready
        or agent.state_seq != state_seq
        or agent.idle_since != idle_since
    ):
        return None
    if skill and agent.profile.skills.get(skill) != level:
        return None
    return agent


def _push(
    tenant: TenantRec, queue: QueueRec, heap: list[Entry], entry: Entry, skill: str, level: int
) -> None:
    heapq.heappush(heap, entry)
    if len(heap) > 4 * len(queue.ready) + 64:
        heap[:] = [e for e in heap if _valid(tenant, queue, e, skill, level) is not None]
        heapq.heapify(heap)


def index_ready(tenant: TenantRec, queue: QueueRec, agent: AgentRec) -> None:
    """Record that ``agent`` is (still) ready in ``queue`` as of now."""
    agent_id = agent.agent_id
    entry = (agent.idle_since, agent_id, agent.state_seq)
    if queue.idle_heap is not None:
        _push(tenant, queue, queue.idle_heap, entry, "", 0)
    skills = agent.profile.skills
    for skill, levels in queue.skill_heaps.items():
        level = skills.get(skill)
        if level is not None:
            _push(tenant, queue, levels.setdefault(level, []), entry, skill, level)
    for skill, having in queue.ready_by_skill.items():
        if skill in skills:
            having[agent_id] = None


def unindex_ready(queue: QueueRec, agent: AgentRec) -> None:
    """The agent is no longer ready in ``queue`` (heap entries go stale by themselves)."""
    for skill in agent.profile.skills:
        having = queue.ready_by_skill.get(skill)
        if having is not None:
            having.pop(agent.agent_id, None)


def ready_with_skill(tenant: TenantRec, queue: QueueRec, skill: str) -> dict[str, None]:
    """The ready agents of ``queue`` that have ``skill`` at any level (built on first use)."""
    having = queue.ready_by_skill.get(skill)
    if having is None:
        agents = tenant.agents
        having = {a: None for a in queue.ready if skill in agents[a].profile.skills}
        queue.ready_by_skill[skill] = having
    return having


def _idle_heap(tenant: TenantRec, queue: QueueRec) -> list[Entry]:
    heap = queue.idle_heap
    if heap is None:
        agents = tenant.agents
        heap = [(agents[a].idle_since, a, agents[a].state_seq) for a in queue.ready]
        heapq.heapify(heap)
        queue.idle_heap = heap
    return heap


def _skill_levels(tenant: TenantRec, queue: QueueRec, skill: str) -> dict[int, list[Entry]]:
    levels = queue.skill_heaps.get(skill)
    if levels is None:
        levels = {}
        for agent_id in queue.ready:
            agent = tenant.agents[agent_id]
            level = agent.profile.skills.get(skill)
            if level is not None:
                entry = (agent.idle_since, agent_id, agent.state_seq)
                levels.setdefault(level, []).append(entry)
        for heap in levels.values():
            heapq.heapify(heap)
        queue.skill_heaps[skill] = levels
    return levels


def _top(
    tenant: TenantRec, queue: QueueRec, heap: list[Entry], skill: str, level: int
) -> AgentRec | None:
    while heap:
        agent = _valid(tenant, queue, heap[0], skill, level)
        if agent is not None:
            return agent
        heapq.heappop(heap)
    return None


def indexed_choice(
    tenant: TenantRec, queue: QueueRec, contact: ContactRec
) -> tuple[bool, AgentRec | None]:
    """``(True, agent or None)`` when the index can answer, ``(False, None)`` when the
    caller must scan."""
    strategy = queue.config.strategy
    if (
        strategy not in (Strategy.LONGEST_IDLE, Strategy.SKILLS)
        or contact.language
        or contact.target_agent_id
        or len(contact.skills) > 1
    ):
        return False, None
    if not contact.skills:
        return True, _top(tenant, queue, _idle_heap(tenant, queue), "", 0)
    ((skill, minimum),) = contact.skills.items()
    levels = _skill_levels(tenant, queue, skill)
    if not levels:
        return True, None
    best: AgentRec | None = None
    for level in sorted(levels, reverse=True):
        if level < minimum:
            break
        agent = _top(tenant, queue, levels[level], skill, level)
        if agent is None:
            continue
        if strategy is Strategy.SKILLS:
            return True, agent
        if best is None or (agent.idle_since, agent.agent_id) < (best.idle_since, best.agent_id):
            best = agent
    return True, best
