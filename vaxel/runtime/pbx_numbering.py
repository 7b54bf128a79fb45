"""The PBX's numbering plan, devices and answer groups as the web, the REST API and
telephony share them (PBX1, PBX3).

Writes go to the store (which checks them with the pure core); every change is told to
``listeners`` with the tenant, and the composition root rebuilds telephony's snapshot
(``snapshot``) from it, so the next call routes by the new plan (Q20).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from vaxel.core.errors import ConfigError
from vaxel.pbx.devices import PersonDevices
from vaxel.pbx.groups import AnswerGroup, GroupMember, GroupStrategy
from vaxel.pbx.numbering import DidRange, NumberingPlan, Target
from vaxel.pbx.park import ParkSettings, RecallTo
from vaxel.runtime.group_logins import QueueGroupLogins
from vaxel.store.pbx_numbering import PbxNumbering
from vaxel.store.pbx_park import ParkStore

__all__ = ["PbxNumberingService", "PbxSnapshot"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PbxSnapshot:
    plans: dict[str, NumberingPlan]
    people: dict[tuple[str, str], PersonDevices]
    groups: dict[tuple[str, str], AnswerGroup]
    park: dict[str, ParkSettings] = field(default_factory=dict)


@dataclass
class PbxNumberingService:
    store: PbxNumbering
    listeners: list[Callable[[str], None]] = field(default_factory=list)
    queue_logins: QueueGroupLogins | None = None
    """Logs a member of a group answered by an ACD queue in to or out of it (PBX3); the
    root sets it (``group_logins.py``)."""

    def snapshot(self) -> PbxSnapshot:
        """Everything telephony routes by, read at once from the store."""
        groups = {(g.tenant_id, g.group_id): g for g in self.store.groups()}
        park = ParkStore(self.store.database).everyone()
        return PbxSnapshot(self.store.plans(), self.store.everyone_devices(), groups, park)

    def _changed(self, tenant_id: str) -> None:
        for listener in self.listeners:
            try:
                listener(tenant_id)
            except Exception:  # one listener's failure must not undo a stored change
                log.exception("PBX change listener failed for %s", tenant_id)

    # reads
    def plan(self, tenant_id: str) -> NumberingPlan:
        return self.store.plan(tenant_id)

    def devices(self, tenant_id: str, person_id: str) -> PersonDevices | None:
        return self.store.devices(tenant_id, person_id)

    def groups(self, tenant_id: str) -> list[AnswerGroup]:
        """The tenant's groups; who is logged in to one answered by a queue is the engine's
        (PBX3, issue 14 §3), so the page and the API cannot drift from it."""
        return [self._shown(g) for g in self.store.groups(tenant_id)]

    def group(self, tenant_id: str, group_id: str) -> AnswerGroup | None:
        group = self.store.group(tenant_id, group_id)
        return self._shown(group) if group is not None else None

    def _shown(self, group: AnswerGroup) -> AnswerGroup:
        if group.strategy is not GroupStrategy.QUEUE or self.queue_logins is None:
            return group

        def extensions_of(person_id: str) -> list[str]:
            devices = self.store.devices(group.tenant_id, person_id)
            return devices.extensions() if devices is not None else []

        return self.queue_logins.shown(group, extensions_of)

    # writes (each told to the listeners)
    def put_number(self, tenant_id: str, number: str, target: Target) -> None:
        self.store.put_number(tenant_id, number, target)
        self._changed(tenant_id)

    def remove_number(self, tenant_id: str, number: str) -> bool:
        done = self.store.remove_number(tenant_id, number)
        self._changed(tenant_id)
        return done

    def put_did_range(self, tenant_id: str, did_range: DidRange) -> None:
        self.store.put_did_range(tenant_id, did_range)
        self._changed(tenant_id)

    def remove_did_range(self, tenant_id: str, first: str) -> bool:
        done = self.store.remove_did_range(tenant_id, first)
        self._changed(tenant_id)
        return done

    def set_short_length(self, tenant_id: str, length: int | None) -> None:
        self.store.set_short_length(tenant_id, length)
        self._changed(tenant_id)

    def put_devices(self, person: PersonDevices) -> None:
        self.store.put_devices(person)
        self._changed(person.tenant_id)

    def put_group(self, group: AnswerGroup) -> None:
        self.store.put_group(group)
        self._changed(group.tenant_id)

    def save_group(
        self,
        tenant_id: str,
        group_id: str,
        name: str,
        strategy: GroupStrategy,
        member_ids: list[str],
        queue_id: str = "",
    ) -> AnswerGroup:
        """Create or change an answer group (the admin page's and the REST API's one path):
        members in ring order; a member already in the group keeps whether they are logged
        in, a new one starts logged in. The pure core checks the rest."""
        if (
            not group_id
            or len(group_id) > 64
            or not all(c.isalnum() or c in "-_" for c in group_id)
        ):
            raise ConfigError("group_id", "id-format")
        old = self.store.group(tenant_id, group_id)
        logged = {m.person_id: m.logged_in for m in old.members} if old else {}
        members = tuple(GroupMember(p, logged.get(p, True)) for p in member_ids)
        group = AnswerGroup(tenant_id, group_id, name, strategy, members, queue_id=queue_id)
        self.put_group(group)
        return group

    def remove_group(self, tenant_id: str, group_id: str) -> bool:
        done = self.store.remove_group(tenant_id, group_id)
        self._changed(tenant_id)
        return done

    def set_login(self, tenant_id: str, group_id: str, person_id: str, logged_in: bool) -> None:
        """Log a member in or out of a group (web and ``*28*``); for a group answered by a
        queue the engine is asked first, and a refusal stores nothing."""
        group = self.store.group(tenant_id, group_id)
        if group is not None and group.strategy is GroupStrategy.QUEUE and self.queue_logins:
            group.with_login(person_id, logged_in)  # a non-member is refused before the ACD
            devices = self.store.devices(tenant_id, person_id)
            extensions = devices.extensions() if devices is not None else []
            self.queue_logins.set(group, person_id, extensions, logged_in)
        self.store.set_login(tenant_id, group_id, person_id, logged_in)
        self._changed(tenant_id)

    # call park (OP3): the orbits are the plan's numbers, the recall the tenant's
    def park(self, tenant_id: str) -> ParkSettings:
        return ParkStore(self.store.database).settings(tenant_id)

    def put_park_recall(
        self,
        tenant_id: str,
        recall_s: float,
        recall_to: RecallTo,
        operator: str = "",
        actor: str = "system",
    ) -> ParkSettings:
        """ParkError names the field refused; the change is audited as ``actor``'s."""
        store = ParkStore(self.store.database)
        done = store.put_recall(tenant_id, recall_s, recall_to, operator, actor)
        self._changed(tenant_id)
        return done

    def put_park_orbits(
        self, tenant_id: str, first: str, count: int, actor: str = "system"
    ) -> ParkSettings:
        """NumberConflict names a number the plan refuses; ParkError a count refused."""
        done = ParkStore(self.store.database).put_orbits(tenant_id, first, count, actor)
        self._changed(tenant_id)
        return done
