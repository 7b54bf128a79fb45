"""Logging in to an answer group answered through an ACD queue (PBX3, strategy QUEUE):
the member's agent is logged in to or out of the group's queue, so the queue's agents
are the group's logged-in members and the one engine offers them its calls.

Rules kept here:
- A member's agent is the agent profile with the person's id, else the one whose phone is
  one of the person's SIP extensions (the demo's agents are people ``agent-<id>`` on the
  agent's phone). A member with no agent profile is refused (``pbx-not-an-agent``): the
  queue could never offer them a call, so "logged in" would be a lie.
- Logging in from logged out with no phone of hers that could ring (issue 15) logs her
  in paused with the reason, as the workspace does (``vaxel.web.agent_ready``).
- Logging in asks the engine first: a queue the profile does not permit is refused there
  (Q21) and the group's login is not stored. Logging out of a queue the agent is not in is
  no error (already out); the group's flag follows either way.
- Who is logged in to such a group is read from the engine, never from the stored flag
  (``shown``): the engine logs an agent out by itself (unanswered offers) and an agent logs
  in to queues from the workspace, and the group shows both (issue 14 §3).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from functools import partial

from vaxel.acd.events import AgentLoggedIn, AgentLoggedOut
from vaxel.acd.model import AgentProfile, AgentState
from vaxel.acd.ports import ContactCenterPort
from vaxel.core.errors import DomainError
from vaxel.pbx.groups import AnswerGroup

__all__ = ["QueueGroupLogins"]

ACTOR = "pbx-group"
"""Who the engine's journal says logged the agent in or out."""


class QueueGroupLogins:
    def __init__(self, center: ContactCenterPort, clock: Callable[[], float]) -> None:
        self.center = center
        self.clock = clock
        self.no_phone: Callable[[str, str], str] = lambda tenant_id, agent_id: ""
        """(tenant, agent) → a pause reason id when no phone of the agent's could ring
        (issue 15): she is logged in paused with it, so no offer rings nowhere. Set by the
        composition root when a switch runs (``BrowserReadiness.no_phone``)."""

    def agent_of(self, tenant_id: str, person_id: str, extensions: Iterable[str]) -> str | None:
        """The agent id of ``person_id`` (see the module's rules), or None."""
        return _agent_among(self.center.running_agents(tenant_id), person_id, lambda: extensions)

    def shown(
        self, group: AnswerGroup, extensions_of: Callable[[str], Iterable[str]]
    ) -> AnswerGroup:
        """``group`` with each member logged in exactly when their agent is logged in to the
        group's queue in the engine now; a member with no agent is out."""
        tenant = group.tenant_id
        agents = self.center.running_agents(tenant)
        now = self.clock()
        members = []
        for member in group.members:
            person = member.person_id
            agent_id = _agent_among(agents, person, partial(extensions_of, person))
            on = False
            if agent_id is not None:
                view = self.center.agent_view(tenant, agent_id, now)
                on = view.state is not AgentState.LOGGED_OUT and group.queue_id in view.queue_ids
            members.append(replace(member, logged_in=on))
        return replace(group, members=tuple(members))

    def set(
        self, group: AnswerGroup, person_id: str, extensions: Iterable[str], logged_in: bool
    ) -> None:
        """Log ``person_id``'s agent in to or out of ``group``'s queue; DomainError when the
        person has no agent or the engine refuses."""
        tenant = group.tenant_id
        agent_id = self.agent_of(tenant, person_id, extensions)
        if agent_id is None:
            raise DomainError(
                f"{person_id} answers no queue", code="pbx-not-an-agent", group=group.name
            )
        now = self.clock()
        view = self.center.agent_view(tenant, agent_id, now)
        if logged_in:
            out = view.state is AgentState.LOGGED_OUT
            reason = self.no_phone(tenant, agent_id) if out else ""
            login = AgentLoggedIn(
                tenant, agent_id, (group.queue_id,), actor=ACTOR, pause_reason=reason
            )
            self.center.submit(login, now)
            return
        if view.state is AgentState.LOGGED_OUT or group.queue_id not in view.queue_ids:
            return
        self.center.submit(AgentLoggedOut(tenant, agent_id, (group.queue_id,), actor=ACTOR), now)


def _agent_among(
    agents: Mapping[str, AgentProfile], person_id: str, extensions: Callable[[], Iterable[str]]
) -> str | None:
    """The agent with the person's id, else the one on one of their extensions (looked up
    only then)."""
    if person_id in agents:
        return person_id
    phones = set(extensions())
    return next((a.agent_id for a in agents.values() if a.phone and a.phone in phones), None)
