"""Answer groups (svarsgrupper, PBX3): a group number that rings its logged-in members.

Rules kept here:
- A group has a number in the tenant's plan (``TargetKind.GROUP``), members (directory
  people) in order, and a strategy: ring all logged-in members at once, ring them in
  order (each for ``member_ring_s``), or hand the call to an ACD queue (``queue_id``; the
  queue engine picks the agent, there is no second queue here).
- A member may be in many groups and logs in and out per group (web, or a phone code);
  only logged-in members ring; anyone in the tenant may see who is logged in.
- A member's devices ring as when the member is called; a group call that nobody answers
  ends with the outcome of the last step, like a person's (PBX5 forwarding can act on it).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from vaxel.core.errors import DomainError
from vaxel.pbx.devices import RING_S_RANGE, Device, PersonDevices, RingStep

__all__ = ["MAX_MEMBERS", "AnswerGroup", "GroupMember", "GroupStrategy"]

MAX_MEMBERS = 100


class GroupStrategy(StrEnum):
    RING_ALL = "ring-all"
    IN_ORDER = "in-order"
    QUEUE = "queue"


@dataclass(frozen=True, slots=True)
class GroupMember:
    person_id: str
    logged_in: bool = True


@dataclass(frozen=True, slots=True)
class AnswerGroup:
    tenant_id: str
    group_id: str
    name: str
    strategy: GroupStrategy = GroupStrategy.RING_ALL
    members: tuple[GroupMember, ...] = ()
    ring_s: float = 30.0
    """How long a ring-all rings."""
    member_ring_s: float = 15.0
    """How long each member rings in order."""
    queue_id: str = ""
    """The ACD queue that answers the group's calls (strategy QUEUE)."""

    def __post_init__(self) -> None:
        if not self.name.strip() or len(self.name) > 64:
            raise DomainError("group name", code="pbx-group-name", max=64)
        if len(self.members) > MAX_MEMBERS:
            raise DomainError("group members", code="pbx-group-members", max=MAX_MEMBERS)
        if len({m.person_id for m in self.members}) != len(self.members):
            raise DomainError("group members", code="pbx-group-member-twice")
        low, high = RING_S_RANGE
        for value in (self.ring_s, self.member_ring_s):
            if not low <= value <= high:
                raise DomainError(
                    "group ring time", code="pbx-ring-seconds", min=low, max=high, value=value
                )
        if self.strategy is GroupStrategy.QUEUE and not self.queue_id:
            raise DomainError("group queue", code="pbx-group-queue-required")

    def logged_in(self) -> list[str]:
        """Who answers the group now (anyone may see this, PBX3)."""
        return [m.person_id for m in self.members if m.logged_in]

    def with_login(self, person_id: str, logged_in: bool) -> AnswerGroup:
        """The group with ``person_id`` logged in or out; a non-member is refused."""
        if person_id not in {m.person_id for m in self.members}:
            raise DomainError(
                f"{person_id} is not in {self.group_id}",
                code="pbx-not-a-member",
                group=self.name,
            )
        members = tuple(
            replace(m, logged_in=logged_in) if m.person_id == person_id else m for m in self.members
        )
        return replace(self, members=members)

    def steps(self, devices_of: dict[str, PersonDevices]) -> list[RingStep]:
        """The ring plan over the logged-in members' devices (not for QUEUE)."""
        people = [devices_of[p] for p in self.logged_in() if p in devices_of]
        if self.strategy is GroupStrategy.IN_ORDER:
            return [RingStep(p.devices, self.member_ring_s) for p in people if p.devices]
        every: tuple[Device, ...] = tuple(d for p in people for d in p.devices)
        return [RingStep(every, self.ring_s)] if every else []
