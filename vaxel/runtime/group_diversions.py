"""Whole-group diversions stored and checked (spec §67, PBX3; rules in
:mod:`vaxel.pbx.group_diversion`): kept in the tenant's settings document
``pbx-group-diversions`` (so they survive a restart), read by telephony at each call to a
group, set and cleared from the operator console, each change audited.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine

from vaxel.pbx.group_diversion import GROUP_DIVERSIONS, GroupDiversion, GroupDiversionError
from vaxel.pbx.numbering import Target, TargetKind
from vaxel.runtime.pbx_numbering import PbxNumberingService
from vaxel.store.audit import record
from vaxel.store.directory_sources import DirectorySources

__all__ = ["GroupDiversions"]


@dataclass
class GroupDiversions:
    database: Engine
    numbering: PbxNumberingService
    clock: Callable[[], float]

    def _sources(self) -> DirectorySources:
        return DirectorySources(self.database)

    def _stored(self, tenant_id: str) -> dict[str, GroupDiversion]:
        data = self._sources().settings(tenant_id, GROUP_DIVERSIONS) or {}
        found = {g: GroupDiversion.of(g, d) for g, d in data.items() if isinstance(d, dict)}
        return {g: d for g, d in found.items() if d is not None}

    def active(self, tenant_id: str) -> dict[str, GroupDiversion]:
        """group id → its diversion, for the groups diverted now."""
        now = self.clock()
        return {g: d for g, d in self._stored(tenant_id).items() if d.active(now)}

    def diverted_to(self, tenant_id: str, group_id: str) -> str:
        """The number a call to the group goes to now; "" when it rings its members."""
        diversion = self.active(tenant_id).get(group_id)
        return diversion.number if diversion is not None else ""

    def put(self, tenant_id: str, diversion: GroupDiversion, actor: str) -> None:
        """Divert the group; its number must reach something else in the tenant's plan."""
        group = self.numbering.group(tenant_id, diversion.group_id)
        if group is None:
            raise GroupDiversionError("no such group", code="group-diversion-group")
        target = self.numbering.plan(tenant_id).resolve(diversion.number)
        if target is None:
            raise GroupDiversionError("number not in plan", code="group-diversion-unknown")
        if target == Target(TargetKind.GROUP, group.group_id):
            raise GroupDiversionError("diverted to itself", code="group-diversion-itself")
        until = diversion.until
        if until is not None and until <= self.clock():
            raise GroupDiversionError("ends in the past", code="group-diversion-past")
        stored = {g: d.stored() for g, d in self._stored(tenant_id).items()}
        stored[group.group_id] = diversion.stored()
        self._sources().put_settings(tenant_id, GROUP_DIVERSIONS, stored, self.clock())
        detail = {"number": diversion.number, "note": diversion.note}
        with self.database.begin() as connection:
            record(connection, tenant_id, actor, "group_diverted", group.group_id, detail)

    def clear(self, tenant_id: str, group_id: str, actor: str) -> bool:
        """Let the group's calls ring its members again; False when it was not diverted."""
        stored = {g: d.stored() for g, d in self._stored(tenant_id).items()}
        if stored.pop(group_id, None) is None:
            return False
        self._sources().put_settings(tenant_id, GROUP_DIVERSIONS, stored, self.clock())
        with self.database.begin() as connection:
            record(connection, tenant_id, actor, "group_diversion_cleared", group_id, {})
        return True
