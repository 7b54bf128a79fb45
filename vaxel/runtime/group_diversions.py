"""Whole-group diversions stored and checked (spec §67, PBX3; rules in
:mod:`vaxel.pbx.group_diversion`): kept in the tenant's settings document
``pbx-group-diversions`` (so they survive a restart), read by telephony at each call to a
group, set and cleared from the operator console, each change audited.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from vaxel.core.clock import STOCKHOLM
from vaxel.pbx.group_diversion import (
    GROUP_DIVERSIONS,
    UNTIL_LENGTH,
    GroupDiversion,
    GroupDiversionError,
)
from vaxel.pbx.numbering import Target, TargetKind
from vaxel.runtime.pbx_call_settings import PbxCallSettings
from vaxel.runtime.pbx_numbering import PbxNumberingService
from vaxel.store.audit import record
from vaxel.store.directory_sources import DirectorySources

__all__ = ["GroupDiversions", "a_year_on", "end_of"]

_CLOCK = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
_MOMENT = re.compile(r"(\d{4})-(\d{2})-(\d{2})[T ]+([01]?\d|2[0-3]):([0-5]\d)")


def a_year_on(now: float) -> float:
    """The furthest end a diversion may have: the same date and time next year in
    Stockholm (29 February: the 28th)."""
    today = datetime.fromtimestamp(now, STOCKHOLM)
    try:
        return today.replace(year=today.year + 1).timestamp()
    except ValueError:
        return today.replace(year=today.year + 1, day=28).timestamp()


def end_of(until: str, now: float) -> float | None:
    """The epoch seconds ``until`` names in Stockholm time: "TT:MM" today, "ÅÅÅÅ-MM-DD
    TT:MM" (or ISO's "ÅÅÅÅ-MM-DDTTT:MM", a datetime-local field's) that day; "" is None,
    until cleared. Another form, or a day the calendar lacks, is refused."""
    text = until.strip()
    if not text:
        return None
    clock = _CLOCK.fullmatch(text)
    moment = _MOMENT.fullmatch(text) if len(text) <= UNTIL_LENGTH else None
    try:
        if clock is not None:
            today = datetime.fromtimestamp(now, STOCKHOLM)
            hour, minute = int(clock.group(1)), int(clock.group(2))
            return today.replace(hour=hour, minute=minute, second=0, microsecond=0).timestamp()
        if moment is not None:
            year, month, day, hour, minute = (int(part) for part in moment.groups())
            return datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM).timestamp()
    except ValueError:  # 2027-02-30
        pass
    raise GroupDiversionError("end time not TT:MM", code="group-diversion-time")


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

    def divert(
        self, tenant_id: str, group_id: str, number: str, note: str, until: str, actor: str
    ) -> GroupDiversion:
        """From a form (the console's, the admin's): ``number`` with spaces and hyphens
        dropped, none meaning the operator's number (the absent offer's, PBX5); ``until``
        "TT:MM" today, "ÅÅÅÅ-MM-DD TT:MM" a later day (:func:`end_of`) or "" for until
        cleared."""
        if not number.strip():
            absent = PbxCallSettings(self.database, self.numbering, self.clock).absent_offer
            number = absent(tenant_id).operator_number
            if not number:
                raise GroupDiversionError("no operator number", code="group-diversion-operator")
        ends = end_of(until, self.clock())
        number = re.sub(r"[\s-]", "", number)
        diversion = GroupDiversion(group_id, number, note.strip(), ends, actor)
        self.put(tenant_id, diversion, actor)
        return diversion

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
        if until is not None and until > a_year_on(self.clock()):
            raise GroupDiversionError("ends too far ahead", code="group-diversion-far")
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
