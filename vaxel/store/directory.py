"""The directory's store (issue 13, DIR1, DIR3, DIR5): people, the unit tree, custom field
definitions, presence per person and the catalogue of absence reasons — every read and
write names its tenant, and no query returns another tenant's rows (DESIGN "Tenancy").

It returns the domain objects of :mod:`vaxel.directory`; the search index is built from
:meth:`DirectoryStore.people`. An import file is written by :meth:`DirectoryStore.import_people`
in one transaction: all of it or, when anything fails, nothing (issue 13 "Bad input").
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from sqlalchemy import Engine, delete, insert, select, update

from vaxel.core.errors import ConfigError, NotFound
from vaxel.directory.model import (
    FieldDef,
    FieldType,
    Person,
    Unit,
    Visibility,
)
from vaxel.directory.reconcile import SyncPlan
from vaxel.store import tables
from vaxel.store.directory_presence import PresenceRecords, UnknownPerson
from vaxel.store.directory_rows import (
    deactivate_people,
    external_ids_of,
    insert_people,
    insert_units,
    person_row,
    refuse_taken_external_id,
    row_person,
    units_of,
    update_people,
)
from vaxel.store.repositories import upsert

__all__ = [
    "SYNCED_PREFIX",
    "DirectoryStore",
    "ImportMode",
    "ImportReport",
    "UnknownPerson",
    "UnknownUnit",
]

SYNCED_PREFIX = "ldap-"
"""The person ids of people an LDAP/AD sync keeps (``vaxel.directory_sync.mapping.PREFIX``):
a file imported in REPLACE mode is the whole directory of the file's source, not of the
sync's, so it never deactivates them."""


class UnknownUnit(NotFound):
    kind = "unit"


class ImportMode(StrEnum):
    """How an import file meets the directory (DIR5 "batch or live")."""

    REPLACE = "replace"
    """The file is the whole directory of its source: people imported before and not in it
    are deactivated (kept, as people removed from AD are: their history and presence stay
    readable); people entered by hand and people an LDAP sync keeps are left alone."""
    UPSERT = "upsert"
    """The file adds and changes people, matched by external id; nobody else changes."""


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import changed."""

    added: int
    updated: int
    deactivated: int
    units_added: int


class DirectoryStore(PresenceRecords):
    """The tenant's directory as stored (presences and reasons: :class:`PresenceRecords`)."""

    def __init__(self, database: Engine) -> None:
        self._db = database

    # people ------------------------------------------------------------------------------

    def people(self, tenant_id: str, *, include_inactive: bool = False) -> list[Person]:
        """The tenant's people, by family and given name; the active ones unless asked."""
        p = tables.directory_people.c
        query = select(tables.directory_people).where(p.tenant_id == tenant_id)
        if not include_inactive:
            query = query.where(p.active.is_(True))
        query = query.order_by(p.family_name, p.given_name, p.person_id)
        with self._db.connect() as connection:
            return [row_person(row) for row in connection.execute(query)]

    def person(self, tenant_id: str, person_id: str) -> Person:
        """One person; raises UnknownPerson (never another tenant's)."""
        p = tables.directory_people.c
        with self._db.connect() as connection:
            row = connection.execute(
                select(tables.directory_people).where(
                    p.tenant_id == tenant_id, p.person_id == person_id
                )
            ).first()
        if row is None:
            raise UnknownPerson(person_id, tenant_id)
        return row_person(row)

    def by_external_id(self, tenant_id: str, external_id: str) -> Person | None:
        p = tables.directory_people.c
        with self._db.connect() as connection:
            row = connection.execute(
                select(tables.directory_people).where(
                    p.tenant_id == tenant_id, p.external_id == external_id
                )
            ).first()
        return None if row is None else row_person(row)

    def by_extension(self, tenant_id: str, extension: str) -> list[Person]:
        """The active people whose first extension is ``extension`` (a shared extension
        has several, DIR3)."""
        p = tables.directory_people.c
        with self._db.connect() as connection:
            rows = connection.execute(
                select(tables.directory_people)
                .where(p.tenant_id == tenant_id, p.extension == extension, p.active.is_(True))
                .order_by(p.family_name, p.given_name)
            ).all()
        return [row_person(row) for row in rows]

    def external_ids(self, tenant_id: str) -> dict[str, str]:
        """external id → person id of everyone stored (active or not)."""
        with self._db.connect() as connection:
            return external_ids_of(connection, tenant_id)

    def put_person(self, tenant_id: str, person: Person, now: float | None = None) -> None:
        """Add or change ``person`` (by person id); the external id stays unique."""
        row = person_row(tenant_id, person, time.time() if now is None else now)
        with self._db.begin() as connection:
            refuse_taken_external_id(connection, tenant_id, person)
            upsert(
                connection,
                tables.directory_people,
                {"tenant_id": tenant_id, "person_id": person.person_id},
                {k: v for k, v in row.items() if k not in ("tenant_id", "person_id")},
            )

    def deactivate(self, tenant_id: str, person_id: str, now: float | None = None) -> None:
        """Keep the person but out of the directory (removed from the source, DIR5)."""
        p = tables.directory_people.c
        with self._db.begin() as connection:
            changed = connection.execute(
                update(tables.directory_people)
                .where(p.tenant_id == tenant_id, p.person_id == person_id)
                .values(active=False, updated_at=time.time() if now is None else now)
            ).rowcount
        if not changed:
            raise UnknownPerson(person_id, tenant_id)

    def remove(self, tenant_id: str, person_id: str) -> None:
        """Remove the person and their presence for good."""
        with self._db.begin() as connection:
            for table in (tables.directory_presence, tables.directory_people):
                connection.execute(
                    delete(table).where(
                        table.c.tenant_id == tenant_id, table.c.person_id == person_id
                    )
                )

    # units -------------------------------------------------------------------------------

    def units(self, tenant_id: str) -> list[Unit]:
        with self._db.connect() as connection:
            return units_of(connection, tenant_id)

    def put_unit(self, tenant_id: str, unit: Unit) -> None:
        """Add or rename ``unit``; its parent must exist and not lie below it."""
        with self._db.begin() as connection:
            parents = {u.unit_id: u.parent_id for u in units_of(connection, tenant_id)}
            parent = unit.parent_id
            while parent is not None:
                if parent == unit.unit_id:
                    raise ConfigError("parent_id", "unit-cycle", value=unit.parent_id)
                if parent not in parents:
                    raise UnknownUnit(parent, tenant_id)
                parent = parents[parent]
            upsert(
                connection,
                tables.directory_units,
                {"tenant_id": tenant_id, "unit_id": unit.unit_id},
                {"name": unit.name, "parent_id": unit.parent_id},
            )

    def remove_unit(self, tenant_id: str, unit_id: str) -> None:
        """Remove an empty unit: one with units below it is refused (move them first)."""
        u = tables.directory_units.c
        with self._db.begin() as connection:
            child = connection.execute(
                select(u.unit_id).where(u.tenant_id == tenant_id, u.parent_id == unit_id)
            ).first()
            if child is not None:
                raise ConfigError("unit_id", "unit-has-children", value=unit_id, other=child[0])
            connection.execute(
                delete(tables.directory_units).where(u.tenant_id == tenant_id, u.unit_id == unit_id)
            )

    # custom fields -----------------------------------------------------------------------

    def fields(self, tenant_id: str) -> list[FieldDef]:
        """The tenant's custom field definitions, in display order."""
        f = tables.directory_fields.c
        with self._db.connect() as connection:
            rows = connection.execute(
                select(tables.directory_fields)
                .where(f.tenant_id == tenant_id)
                .order_by(f.position, f.name)
            ).all()
        return [
            FieldDef(row.name, row.label, FieldType(row.type), Visibility(row.visibility))
            for row in rows
        ]

    def put_fields(self, tenant_id: str, fields: Sequence[FieldDef]) -> None:
        """Replace the tenant's custom field definitions (values already stored stay)."""
        f = tables.directory_fields.c
        with self._db.begin() as connection:
            connection.execute(delete(tables.directory_fields).where(f.tenant_id == tenant_id))
            if fields:
                connection.execute(
                    insert(tables.directory_fields),
                    [
                        {
                            "tenant_id": tenant_id,
                            "name": field.name,
                            "label": field.label,
                            "type": field.type.value,
                            "visibility": field.visibility.value,
                            "position": position,
                        }
                        for position, field in enumerate(fields)
                    ],
                )

    # imports -----------------------------------------------------------------------------

    def import_people(
        self,
        tenant_id: str,
        people: Sequence[Person],
        new_units: Sequence[Unit],
        mode: ImportMode,
        now: float | None = None,
    ) -> ImportReport:
        """Write a whole import file in one transaction: its new units, then each person —
        changed when the external id is stored (keeping the stored person id, active
        again), added otherwise — and in REPLACE mode everyone else deactivated."""
        at = time.time() if now is None else now
        p = tables.directory_people.c
        with self._db.begin() as connection:
            stored_units = {u.unit_id for u in units_of(connection, tenant_id)}
            units = [u for u in new_units if u.unit_id not in stored_units]
            insert_units(connection, tenant_id, units)
            stored = external_ids_of(connection, tenant_id)
            added: list[Person] = []
            changed: list[Person] = []
            for person in people:
                person_id = stored.get(person.external_id)
                if person_id is None:
                    added.append(person)
                else:
                    changed.append(replace(person, person_id=person_id, active=True))
            insert_people(connection, tenant_id, added, at)
            update_people(connection, tenant_id, changed, at)
            gone: list[str] = []
            if mode is ImportMode.REPLACE:
                kept = {person.external_id for person in people}
                active = connection.execute(
                    select(p.external_id, p.person_id).where(
                        p.tenant_id == tenant_id, p.active.is_(True)
                    )
                ).all()
                gone = [  # people entered by hand (no external id) or synced are not the file's
                    row.person_id
                    for row in active
                    if row.external_id
                    and row.external_id not in kept
                    and not row.person_id.startswith(SYNCED_PREFIX)
                ]
                deactivate_people(connection, tenant_id, gone, at)
        return ImportReport(len(added), len(changed), len(gone), len(units))

    def apply_sync(self, tenant_id: str, plan: SyncPlan, now: float) -> None:
        """Every change of an LDAP/AD sync run in one transaction (DIR5): its new units
        (parents first), new people, changed and reactivated people as the source has them
        now, and the people the source no longer has deactivated."""
        with self._db.begin() as connection:
            insert_units(connection, tenant_id, plan.units_added)
            insert_people(connection, tenant_id, plan.added, now)
            rewritten = [update.after for update in plan.updated]
            rewritten += [replace(person, active=True) for person in plan.reactivated]
            update_people(connection, tenant_id, rewritten, now)
            deactivate_people(connection, tenant_id, [p.person_id for p in plan.deactivated], now)
