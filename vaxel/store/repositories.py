"""Tenant-scoped repositories: every read and write names its tenant, and no query can
return another tenant's rows (DESIGN "Tenancy"). They map rows to domain objects and
plain documents; tables never leave this package. The contact log and the callback list
as the web and reports read them are in :mod:`vaxel.store.read_models`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from sqlalchemy import (
    Connection,
    Engine,
    Table,
    delete,
    insert,
    select,
    update,
)

from vaxel.core.errors import ConfigError, NotFound, UnknownTenant
from vaxel.store import tables
from vaxel.store.read_models import CallbackRecord, ContactRecord, ReadModels

__all__ = [
    "CallbackRecord",
    "ContactRecord",
    "Documents",
    "MainNumberTaken",
    "ReadModels",
    "Tenant",
    "Tenants",
    "UnknownDocument",
    "ensure_tenant",
    "upsert",
]


class UnknownDocument(NotFound):
    """No queue/agent/schedule/flow document with that id in this tenant."""

    def __init__(self, kind: str, object_id: str, tenant_id: str) -> None:
        self.kind = kind
        super().__init__(object_id, tenant_id)


class MainNumberTaken(ConfigError):
    """Two organisations cannot share a main number: the incoming call would reach
    whichever flow answers first (issue 10 §13)."""

    def __init__(self, number: str, owner: str) -> None:
        self.number = number
        self.owner = owner
        super().__init__("main_number", "main-number-taken", value=number, owner=owner)


@dataclass(frozen=True, slots=True)
class Tenant:
    tenant_id: str
    name: str
    main_number: str = ""
    international_calls: bool = False
    """The tenant may dial and book callbacks abroad (issue 10 §11, PBX8); off by default."""


class Tenants:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(self, tenant: Tenant) -> None:
        """Add or rename ``tenant``; raises MainNumberTaken when another organisation
        already answers its main number (as its main number or one of its service numbers,
        issue 12 §6)."""
        t = tables.tenants.c
        with self._engine.begin() as connection:
            if tenant.main_number:
                owner = connection.execute(
                    select(t.tenant_id).where(
                        t.main_number == tenant.main_number, t.tenant_id != tenant.tenant_id
                    )
                ).scalar()
                if owner is None:  # nor may it be another organisation's service number
                    n = tables.service_numbers.c
                    owner = connection.execute(
                        select(n.tenant_id).where(
                            n.number == tenant.main_number, n.tenant_id != tenant.tenant_id
                        )
                    ).scalar()
                if owner is not None:
                    raise MainNumberTaken(tenant.main_number, str(owner))
            upsert(
                connection,
                tables.tenants,
                {"tenant_id": tenant.tenant_id},
                {
                    "name": tenant.name,
                    "main_number": tenant.main_number,
                    "international_calls": tenant.international_calls,
                },
            )

    def get(self, tenant_id: str) -> Tenant:
        with self._engine.connect() as connection:
            row = connection.execute(
                select(tables.tenants).where(tables.tenants.c.tenant_id == tenant_id)
            ).first()
        if row is None:
            raise UnknownTenant(tenant_id)
        return Tenant(row.tenant_id, row.name, row.main_number, row.international_calls)

    def all(self) -> list[Tenant]:
        with self._engine.connect() as connection:
            rows = connection.execute(select(tables.tenants).order_by("tenant_id")).all()
        return [Tenant(r.tenant_id, r.name, r.main_number, r.international_calls) for r in rows]


class Documents:
    """Named JSON documents of one kind (queues, agents, schedules, flows) per tenant."""

    _TABLES: ClassVar[Mapping[str, tuple[Table, str]]] = {
        "queue": (tables.queues, "queue_id"),
        "agent": (tables.agents, "agent_id"),
        "schedule": (tables.schedules, "schedule_id"),
        "flow": (tables.flows, "flow_id"),
        "extension": (tables.extensions, "extension_id"),
        "list": (tables.tenant_lists, "list_id"),
    }

    def __init__(self, engine: Engine, kind: str) -> None:
        self._engine = engine
        self._kind = kind
        self._table, key = self._TABLES[kind]
        self._key = self._table.c[key]

    def put(self, tenant_id: str, object_id: str, name: str, document: Mapping[str, Any]) -> None:
        with self._engine.begin() as connection:
            upsert(
                connection,
                self._table,
                {"tenant_id": tenant_id, self._key.name: object_id},
                {"name": name, "document": dict(document)},
            )

    def get(self, tenant_id: str, object_id: str) -> dict[str, Any]:
        with self._engine.connect() as connection:
            row = connection.execute(
                select(self._table.c.document).where(
                    self._table.c.tenant_id == tenant_id, self._key == object_id
                )
            ).first()
        if row is None:
            raise UnknownDocument(self._kind, object_id, tenant_id)
        return dict(row.document)

    def all(self, tenant_id: str) -> dict[str, dict[str, Any]]:
        with self._engine.connect() as connection:
            rows = connection.execute(
                select(self._key, self._table.c.document)
                .where(self._table.c.tenant_id == tenant_id)
                .order_by(self._key)
            ).all()
        return {row[0]: dict(row[1]) for row in rows}

    def remove(self, tenant_id: str, object_id: str) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                delete(self._table).where(
                    self._table.c.tenant_id == tenant_id, self._key == object_id
                )
            )

    def owners(self, object_id: str) -> list[str]:
        """The tenants holding a document with this id: for ids unique across tenants, such
        as extension numbers (one SIP domain per node); says who, never what."""
        with self._engine.connect() as connection:
            rows = connection.execute(
                select(self._table.c.tenant_id).where(self._key == object_id)
            ).all()
        return sorted(row[0] for row in rows)


def ensure_tenant(connection: Connection, tenant_id: str) -> None:
    """Create the tenant row (named by its id) unless it exists, e.g. for the first queue
    configured through the engine before an admin named the tenant."""
    found = connection.execute(
        select(tables.tenants.c.tenant_id).where(tables.tenants.c.tenant_id == tenant_id)
    ).first()
    if found is None:
        connection.execute(insert(tables.tenants).values(tenant_id=tenant_id, name=tenant_id))


def upsert(
    connection: Connection, table: Table, keys: Mapping[str, Any], values: Mapping[str, Any]
) -> None:
    """Update the row with ``keys`` or insert it: portable across SQLite and PostgreSQL."""
    where = [table.c[name] == value for name, value in keys.items()]
    result = connection.execute(update(table).where(*where).values(**values))
    if result.rowcount == 0:
        connection.execute(insert(table).values(**keys, **values))
