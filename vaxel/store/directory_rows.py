"""The directory's people and units as rows, and the batch writes an import file and an
LDAP/AD sync run make (issue 13, DIR5), for :class:`vaxel.store.directory.DirectoryStore`.

Each function takes the open connection, so the store decides the transaction: an import
or a sync is all of it or nothing. Writes go in batches of :data:`WRITE_BATCH` rows, so a
large file keeps bounded parameter lists on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, and_, bindparam, insert, select, update

from vaxel.core.errors import ConfigError
from vaxel.directory.model import (
    NumberKind,
    Person,
    PhoneNumber,
    Unit,
)
from vaxel.store import tables

__all__ = [
    "WRITE_BATCH",
    "deactivate_people",
    "external_ids_of",
    "insert_people",
    "insert_units",
    "person_row",
    "refuse_taken_external_id",
    "row_person",
    "units_of",
    "update_people",
]


WRITE_BATCH = 5000
"""Rows per executemany in an import: bounded parameter lists on both databases."""


def person_row(tenant_id: str, person: Person, now: float) -> dict[str, Any]:
    return {
        "tenant_id": tenant_id,
        "person_id": person.person_id,
        "external_id": person.external_id or None,  # NULL: entered by hand, not unique
        "given_name": person.given_name,
        "family_name": person.family_name,
        "extension": person.extension or "",
        "email": person.email,
        "room": person.room,
        "location": person.location,
        "active": person.active,
        "numbers": [[n.kind.value, n.value] for n in person.numbers],
        "unit_ids": list(person.unit_ids),
        "groups": list(person.groups),
        "titles": list(person.titles),
        "keywords": list(person.keywords),
        "custom": dict(person.custom),
        "updated_at": now,
    }


def row_person(row: Any) -> Person:
    return Person(
        person_id=row.person_id,
        external_id=row.external_id or "",
        given_name=row.given_name,
        family_name=row.family_name,
        numbers=tuple(PhoneNumber(NumberKind(kind), value) for kind, value in row.numbers),
        email=row.email,
        unit_ids=tuple(row.unit_ids),
        groups=tuple(row.groups),
        room=row.room,
        location=row.location,
        titles=tuple(row.titles),
        keywords=tuple(row.keywords),
        custom=tuple(sorted(row.custom.items())),
        active=row.active,
    )


def insert_units(connection: Connection, tenant_id: str, units: Sequence[Unit]) -> None:
    if units:
        connection.execute(
            insert(tables.directory_units),
            [
                {
                    "tenant_id": tenant_id,
                    "unit_id": u.unit_id,
                    "name": u.name,
                    "parent_id": u.parent_id,
                }
                for u in units
            ],
        )


def insert_people(
    connection: Connection, tenant_id: str, people: Sequence[Person], now: float
) -> None:
    for start in range(0, len(people), WRITE_BATCH):
        connection.execute(
            insert(tables.directory_people),
            [person_row(tenant_id, person, now) for person in people[start : start + WRITE_BATCH]],
        )


_KEYS = frozenset({"tenant_id", "person_id"})


def update_people(
    connection: Connection, tenant_id: str, people: Sequence[Person], now: float
) -> None:
    """Rewrite each person's row by person id (executemany in bounded batches)."""
    if not people:
        return
    p = tables.directory_people.c
    names = [name for name in person_row(tenant_id, people[0], now) if name not in _KEYS]
    statement = (
        update(tables.directory_people)
        .where(and_(p.tenant_id == tenant_id, p.person_id == bindparam("key")))
        .values({name: bindparam(name) for name in names})
    )
    for start in range(0, len(people), WRITE_BATCH):
        rows = []
        for person in people[start : start + WRITE_BATCH]:
            row = person_row(tenant_id, person, now)
            rows.append({"key": person.person_id, **{name: row[name] for name in names}})
        connection.execute(statement, rows)


def deactivate_people(
    connection: Connection, tenant_id: str, person_ids: Sequence[str], now: float
) -> None:
    if person_ids:
        p = tables.directory_people.c
        connection.execute(
            update(tables.directory_people)
            .where(and_(p.tenant_id == tenant_id, p.person_id == bindparam("key")))
            .values(active=False, updated_at=now),
            [{"key": person_id} for person_id in person_ids],
        )


def external_ids_of(connection: Connection, tenant_id: str) -> dict[str, str]:
    p = tables.directory_people.c
    rows = connection.execute(
        select(p.external_id, p.person_id).where(p.tenant_id == tenant_id)
    ).all()
    return {row.external_id: row.person_id for row in rows if row.external_id}


def units_of(connection: Connection, tenant_id: str) -> list[Unit]:
    u = tables.directory_units.c
    rows = connection.execute(
        select(u.unit_id, u.name, u.parent_id).where(u.tenant_id == tenant_id).order_by(u.unit_id)
    ).all()
    return [Unit(row.unit_id, row.name, row.parent_id) for row in rows]


def refuse_taken_external_id(connection: Connection, tenant_id: str, person: Person) -> None:
    if not person.external_id:
        return
    p = tables.directory_people.c
    owner = connection.execute(
        select(p.person_id).where(
            p.tenant_id == tenant_id,
            p.external_id == person.external_id,
            p.person_id != person.person_id,
        )
    ).first()
    if owner is not None:
        raise ConfigError("external_id", "id-taken")
